//! Where a tree's histograms are built: on the CPU's threads ([`Grower`]'s own
//! loop), or on the GPU through the compute device's binned histograms, which
//! holds the binned rows for the whole fit and each tree's gradients. Each
//! histogram costs the GPU a wait for its read-back; a node whose rows and
//! features come to fewer than [`GPU_MIN_WORK`] additions is built on the CPU
//! sooner, so on the GPU the large nodes near the root go there and the rest stay.
//!
//! On the GPU a gradient and a hessian are rounded to fixed point, `i32` in a
//! power-of-two unit chosen per tree so that the largest fills 30 bits, and
//! summed exactly in 64 bits: a histogram is the same whatever order the GPU
//! adds in, and a parent less its smaller child is its larger child exactly.
//!
//! [`Grower`]: super::grow::Grower

use super::bins::Binned;
use super::grow::Bin;
use crate::compute::ops::BinnedHistogram;
use crate::compute::{Compute, ComputeError, GpuBuffer, GpuDevice};
use crate::learner::GPU_MIN_WORK;

/// Whether a node of `rows` rows over `features` features pays for a wait on the GPU.
pub fn pays_on_gpu(rows: usize, features: usize) -> bool {
    rows.saturating_mul(features) as u64 >= GPU_MIN_WORK
}

/// How a fit builds its histograms.
pub enum Histograms {
    Cpu,
    Gpu(Box<OnGpu>),
}

/// The binned rows on the GPU, and the buffers every histogram reuses.
pub struct OnGpu {
    gpu: GpuDevice,
    rows: usize,
    features: usize,
    codes: GpuBuffer,
    /// The rows of the leaves being split: each smaller child's rows are
    /// written where they sit in the tree's row order.
    order: GpuBuffer,
    gradients: GpuBuffer,
    out: GpuBuffer,
    /// What one fixed-point step of a gradient and of a hessian is worth.
    units: (f64, f64),
    words: Vec<u32>,
}

/// The power of two that puts `largest` (a magnitude) just inside 30 bits.
fn unit(largest: f64) -> f64 {
    if largest.is_finite() && largest > 0.0 {
        2f64.powi(largest.log2().ceil() as i32 - 30)
    } else {
        1.0
    }
}

impl OnGpu {
    pub fn new(gpu: &GpuDevice, binned: &Binned, features: usize) -> Result<Self, ComputeError> {
        let rows = binned.rows;
        let op = BinnedHistogram {
            rows,
            features,
            offset: 0,
            count: 0,
            listed: false,
        };
        Ok(Self {
            codes: gpu.upload_words(&BinnedHistogram::pack_codes(&binned.codes, rows))?,
            order: gpu.zeros(rows)?,
            gradients: gpu.zeros(2 * rows)?,
            out: gpu.zeros(op.out_words())?,
            gpu: gpu.clone(),
            rows,
            features,
            units: (1.0, 1.0),
            words: vec![0; 2 * rows],
        })
    }

    /// Sends a tree's gradients `g` and hessians `h` in fixed point.
    pub fn load(&mut self, g: &[f32], h: &[f32]) -> Result<(), ComputeError> {
        let largest = |v: &[f32]| v.iter().fold(0.0f64, |m, &x| m.max(f64::from(x).abs()));
        self.units = (unit(largest(g)), unit(largest(h)));
        let (ug, uh) = self.units;
        for ((pair, &g), &h) in self.words.chunks_exact_mut(2).zip(g).zip(h) {
            pair[0] = (f64::from(g) / ug).round() as i32 as u32;
            pair[1] = (f64::from(h) / uh).round() as i32 as u32;
        }
        self.gpu.write_words(&mut self.gradients, 0, &self.words)
    }

    /// The histogram of `rows`, which sit from `offset` in the tree's row order;
    /// `in_order` when they are every row in order, so none need be sent.
    pub async fn histogram(
        &mut self,
        rows: &[u32],
        offset: usize,
        in_order: bool,
    ) -> Result<Vec<Bin>, ComputeError> {
        if !in_order {
            self.gpu.write_words(&mut self.order, offset, rows)?;
        }
        let op = BinnedHistogram {
            rows: self.rows,
            features: self.features,
            offset,
            count: rows.len(),
            listed: !in_order,
        };
        self.gpu
            .binned_histogram(op, &self.codes, &self.order, &self.gradients, &mut self.out)?;
        let words = self.gpu.read_words(&self.out).await?;
        let (ug, uh) = self.units;
        Ok(BinnedHistogram::decode(&words)
            .into_iter()
            .map(|sums| Bin {
                g: sums.gradient as f64 * ug,
                h: sums.hessian as f64 * uh,
                n: sums.count,
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::unit;

    #[test]
    fn the_unit_fits_the_largest_in_thirty_bits() {
        for largest in [1.0, 0.25, 3.0, 1e-7, 12345.678] {
            let steps = largest / unit(largest);
            assert!(steps <= f64::from(1u32 << 30) && steps > f64::from(1u32 << 29));
        }
        assert_eq!(unit(0.0), 1.0);
        assert_eq!(unit(f64::NAN), 1.0);
    }
}

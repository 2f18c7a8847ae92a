//! The Euclidean neighbour search on the GPU: the training rows stay on the
//! device in f32, and the queries go a block at a time through the compute
//! device's pairwise distances, so the distances held at once stay bounded. Each
//! query's nearest rows are picked by their f32 distances (the lower row first
//! on ties) and then measured again in f64 from their differences, so that the
//! distances weighed are the CPU search's.

use super::KnnModel;
use super::brute::{Neighbor, euclidean};
use crate::compute::ops::Distances;
use crate::compute::{Compute, ComputeError, GpuBuffer, GpuDevice};

/// The most distances one block holds (64 MiB of f32).
const BLOCK: usize = 1 << 24;

pub struct OnGpu {
    gpu: GpuDevice,
    train: GpuBuffer,
}

impl OnGpu {
    pub fn new(gpu: &GpuDevice, model: &KnnModel) -> Result<Self, ComputeError> {
        let rows: Vec<f32> = model.x.iter().map(|&v| v as f32).collect();
        Ok(Self {
            train: gpu.upload(&rows)?,
            gpu: gpu.clone(),
        })
    }

    fn block(model: &KnnModel) -> usize {
        (BLOCK / model.rows().max(1)).max(1)
    }

    /// The nearest training rows of each row of `x`, nearest first.
    pub async fn neighbors(
        &self,
        model: &KnnModel,
        x: &[f64],
    ) -> Result<Vec<Vec<Neighbor>>, ComputeError> {
        let (m, d) = (model.rows(), model.inputs);
        let k = model.n_neighbors.min(m);
        let n = x.len().checked_div(d).unwrap_or(0);
        let mut found = Vec::with_capacity(n);
        let mut order: Vec<u32> = Vec::with_capacity(m);
        let block = Self::block(model);
        for start in (0..n).step_by(block) {
            let end = (start + block).min(n);
            let queries = &x[start * d..end * d];
            let narrow: Vec<f32> = queries.iter().map(|&v| v as f32).collect();
            let on_gpu = self.gpu.upload(&narrow)?;
            let mut out = self.gpu.zeros((end - start) * m)?;
            let op = Distances {
                n: end - start,
                m,
                dim: d,
            };
            self.gpu.distances(op, &on_gpu, &self.train, &mut out)?;
            let distances = self.gpu.read(&out).await?;
            for (query, row) in queries
                .chunks_exact(d.max(1))
                .zip(distances.chunks_exact(m.max(1)))
            {
                order.clear();
                order.extend(0..m as u32);
                let by_distance =
                    |a: &u32, b: &u32| row[*a as usize].total_cmp(&row[*b as usize]).then(a.cmp(b));
                if k < m {
                    order.select_nth_unstable_by(k, by_distance);
                }
                let mut neighbors: Vec<Neighbor> = order[..k]
                    .iter()
                    .map(|&t| {
                        let t = t as usize;
                        Neighbor {
                            row: t,
                            distance: euclidean(query, &model.x[t * d..(t + 1) * d]),
                        }
                    })
                    .collect();
                neighbors.sort_by(|a, b| a.distance.total_cmp(&b.distance).then(a.row.cmp(&b.row)));
                found.push(neighbors);
            }
        }
        Ok(found)
    }
}

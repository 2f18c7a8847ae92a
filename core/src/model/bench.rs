//! The training objective as a benchmark: what fitting logistic regression
//! evaluates each iteration, on the device fitting would use — the CPU's f64
//! objective, or the GPU's fused f32 kernels with the parameters sent and the loss
//! and gradient read back.

use super::{GpuSoftmaxCrossEntropy, Objective, SoftmaxCrossEntropy};
use crate::compute::bench::{BenchOp, Repeat};
use crate::compute::ops::Shape;
use crate::compute::{ComputeError, Device};
use crate::rng::SplitMix64;

/// Logistic regression's objective on `rows × 32` seeded rows of two classes,
/// ready to evaluate where `device` is.
#[derive(Debug)]
pub struct LogisticFit {
    objective: Evaluated,
    params: Vec<f64>,
    grad: Vec<f64>,
}

#[derive(Debug)]
enum Evaluated {
    Cpu(SoftmaxCrossEntropy),
    Gpu(GpuSoftmaxCrossEntropy),
}

impl LogisticFit {
    /// Builds the rows and, for a GPU, uploads them as training does.
    pub async fn prepare(device: &Device, rows: usize) -> Result<Self, ComputeError> {
        let (_, inputs, classes) = BenchOp::LogisticObjective.dims(rows);
        let mut rng = SplitMix64::new(rows as u64);
        let cells = Shape::new(rows, inputs).cells()?;
        let objective = SoftmaxCrossEntropy {
            x: (0..cells).map(|_| f64::from(rng.next_unit())).collect(),
            inputs,
            labels: (0..rows).map(|i| i % classes).collect(),
            classes,
            penalty: 1.0,
            class_weights: Vec::new(),
        };
        let objective = match device {
            Device::Cpu(_) => Evaluated::Cpu(objective),
            Device::Gpu(gpu) => {
                Evaluated::Gpu(GpuSoftmaxCrossEntropy::upload(gpu, &objective).await?)
            }
        };
        let dim = classes * (inputs + 1);
        // Small and unequal, as parameters are part way through a fit.
        let params = (0..dim)
            .map(|j| 0.01 * (j as f64 - dim as f64 / 2.0))
            .collect();
        Ok(Self {
            objective,
            params,
            grad: vec![0.0; dim],
        })
    }

    /// The objective at the benchmark's parameters, and its gradient.
    pub async fn evaluate(&mut self) -> Result<(f64, &[f64]), ComputeError> {
        let loss = match &self.objective {
            Evaluated::Cpu(objective) => objective.eval(&self.params, &mut self.grad).await?,
            Evaluated::Gpu(objective) => objective.eval(&self.params, &mut self.grad).await?,
        };
        Ok((loss, &self.grad))
    }
}

impl Repeat for LogisticFit {
    /// Each evaluation waits for its loss and gradient, as an L-BFGS step does.
    async fn repeat(&mut self, reps: usize) -> Result<(), ComputeError> {
        for _ in 0..reps {
            self.evaluate().await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compute::CpuDevice;

    #[test]
    fn the_objective_is_logistic_regressions_at_those_parameters() {
        let device = Device::Cpu(CpuDevice::default());
        let mut fit = pollster::block_on(LogisticFit::prepare(&device, 1000)).expect("prepared");
        let (loss, grad) = pollster::block_on(fit.evaluate()).expect("evaluated");
        assert_eq!(grad.len(), 2 * 33);
        // Two balanced classes: near ln 2 per row, and never zero or undefined.
        let per_row = loss / 1000.0;
        assert!(
            per_row.is_finite() && per_row > 0.1 && per_row < 5.0,
            "{per_row}"
        );
        assert!(grad.iter().all(|g| g.is_finite()) && grad.iter().any(|&g| g != 0.0));
    }
}

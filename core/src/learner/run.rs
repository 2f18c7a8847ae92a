//! Driving a [`Fit`] on a device, with the one GPU→CPU fallback every family shares.

use super::{
    Family, Fit, FitError, Fitted, GPU_MIN_WORK, Output, Progress, Resolved, ScoreCurve,
    TrainingSet,
};
use crate::compute::{ComputeError, Device, DeviceKind};

/// What a run does when the GPU fails under it (cannot hold the data, device
/// lost, out of memory).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnGpuFailure {
    /// Go on from the last state reached, on the CPU.
    GoOnOnCpu,
    /// Stop with [`RunError::Gpu`]: the GPU was asked for by name.
    Stop,
}

/// Where and why a run left the GPU for the CPU.
#[derive(Debug, Clone, PartialEq)]
pub struct Fallback {
    /// Steps done on the GPU; the CPU went on from the state they reached.
    pub iteration: usize,
    pub error: ComputeError,
}

impl std::fmt::Display for Fallback {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.iteration {
            0 => write!(
                f,
                "the GPU failed before training began ({}); trained on the CPU instead",
                self.error
            ),
            n => write!(
                f,
                "the GPU failed after iteration {n} ({}); training went on from there on the CPU",
                self.error
            ),
        }
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Fit(#[from] FitError),
    /// The GPU failed and the run was told to stop rather than go on on the CPU.
    #[error("training on the GPU failed: {0}")]
    Gpu(ComputeError),
    /// The CPU failed (it has no device to lose: a shape or size error).
    #[error("the model could not be fitted: {0}")]
    Compute(ComputeError),
}

/// A fit on its device, stepped by the caller.
pub struct Run {
    fit: Box<dyn Fit>,
    fallback: Option<Fallback>,
    /// Why a fit offered a GPU trained on the CPU from the start.
    cpu_reason: Option<String>,
    on_failure: OnGpuFailure,
    loss_curve: Vec<f64>,
    held_out_loss_curve: Vec<f64>,
    score_curve: Option<ScoreCurve>,
    last_done: Option<usize>,
}

impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Run")
            .field("device", &self.fit.device())
            .field("progress", &self.fit.progress())
            .field("fallback", &self.fallback)
            .finish_non_exhaustive()
    }
}

impl Run {
    /// Starts `family` on `data`, then moves it to the GPU where `device` is one
    /// and the family has a GPU path. A GPU that cannot take it leaves the fit on
    /// the CPU, or stops the run, as `on_failure` says.
    pub async fn start(
        family: &dyn Family,
        params: &Resolved,
        data: TrainingSet,
        device: &Device,
        on_failure: OnGpuFailure,
    ) -> Result<Self, RunError> {
        let mut fit = family.start(params, data)?;
        let mut fallback = None;
        let mut cpu_reason = None;
        if let Device::Gpu(gpu) = device {
            let work = fit.work_per_step();
            if gpu.takes_only_what_pays() && work < GPU_MIN_WORK {
                cpu_reason = Some(if work == 0 {
                    no_gpu_path(family)
                } else {
                    format!(
                        "about {} multiply-adds an iteration are too few to pay for the GPU \
                         (it takes from {}), so it ran on the CPU",
                        grouped(work),
                        grouped(GPU_MIN_WORK)
                    )
                });
            } else {
                match fit.to_gpu(gpu).await {
                    Ok(true) => {}
                    Ok(false) => {
                        cpu_reason = Some(fit.why_not_gpu().unwrap_or_else(|| no_gpu_path(family)))
                    }
                    Err(error) if on_failure == OnGpuFailure::Stop => {
                        return Err(RunError::Gpu(error));
                    }
                    Err(error) => {
                        fallback = Some(Fallback {
                            iteration: 0,
                            error,
                        })
                    }
                }
            }
        }
        let mut run = Self {
            fit,
            fallback,
            cpu_reason,
            on_failure,
            loss_curve: Vec::new(),
            held_out_loss_curve: Vec::new(),
            score_curve: None,
            last_done: None,
        };
        // A family that knows its objective before the first step (boosting's
        // baseline, descent's starting point) starts the curves there.
        run.record();
        Ok(run)
    }

    /// Adds what the fit measured to the curves, once per step reached.
    fn record(&mut self) {
        let progress = self.fit.progress();
        let held_out = progress.held_out;
        let score = held_out.and_then(|h| h.score);
        let measured = progress.loss.is_some() || held_out.is_some_and(|h| h.loss.is_some());
        if self.last_done == Some(progress.done) || !(measured || score.is_some()) {
            return;
        }
        self.last_done = Some(progress.done);
        self.loss_curve.extend(progress.loss);
        self.held_out_loss_curve
            .extend(held_out.and_then(|h| h.loss));
        if let Some(score) = score {
            self.score_curve
                .get_or_insert_with(|| ScoreCurve {
                    name: score.name,
                    values: Vec::new(),
                })
                .values
                .push(score.value);
        }
    }

    /// Runs one step; `Ok(false)` once the fit is done. A GPU that fails during
    /// the step hands the fit to the CPU, which takes the same step again.
    pub async fn step(&mut self) -> Result<bool, RunError> {
        let more = match self.fit.step().await {
            Ok(more) => more,
            Err(error) if self.fit.device() == DeviceKind::Cpu => {
                return Err(RunError::Compute(error));
            }
            Err(error) if self.on_failure == OnGpuFailure::Stop => {
                return Err(RunError::Gpu(error));
            }
            Err(error) => {
                self.fallback = Some(Fallback {
                    iteration: self.fit.progress().done,
                    error,
                });
                self.fit.leave_gpu().await.map_err(RunError::Compute)?;
                self.fit.step().await.map_err(RunError::Compute)?
            }
        };
        self.record();
        Ok(more)
    }

    pub fn progress(&self) -> Progress {
        self.fit.progress()
    }

    pub fn device(&self) -> DeviceKind {
        self.fit.device()
    }

    pub fn fallback(&self) -> Option<&Fallback> {
        self.fallback.as_ref()
    }

    /// Why a fit offered a GPU trained on the CPU from the start, if it did.
    pub fn cpu_reason(&self) -> Option<&str> {
        self.cpu_reason.as_deref()
    }

    pub fn converged(&self) -> bool {
        self.fit.converged()
    }

    /// The objective after each step that changed it, the first at the start.
    pub fn loss_curve(&self) -> &[f64] {
        &self.loss_curve
    }

    /// The loss on held-out rows at the same points, where the fit measures one.
    pub fn held_out_loss_curve(&self) -> &[f64] {
        &self.held_out_loss_curve
    }

    /// A score on held-out rows after each step, where the fit measures one.
    pub fn score_curve(&self) -> Option<&ScoreCurve> {
        self.score_curve.as_ref()
    }

    pub fn model(&self) -> Fitted {
        self.fit.model()
    }

    /// `model`'s outputs for `x` (the fit's [`Run::model`]), on the fit's device
    /// where its family predicts there. A GPU that fails here leaves the CPU to
    /// predict, and the fallback is recorded.
    pub async fn predict(&mut self, model: &Fitted, x: &[f64]) -> Output {
        let done = self.fit.progress().done;
        let failed = match self.fit.predict_on_device(x) {
            None => None,
            Some(on_device) => match on_device.await {
                Ok(output) => return output,
                Err(error) => Some(error),
            },
        };
        if let Some(error) = failed {
            self.fallback.get_or_insert(Fallback {
                iteration: done,
                error,
            });
            // Nothing is left on the GPU to fail again; a CPU fit has nothing to leave.
            let _ = self.fit.leave_gpu().await;
        }
        model.predict(x)
    }
}

fn no_gpu_path(family: &dyn Family) -> String {
    format!("{} has no GPU path, so it ran on the CPU", family.label())
}

/// `n` with its thousands grouped: 4 194 304.
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn large_counts_are_grouped_by_thousands() {
        assert_eq!(super::grouped(7), "7");
        assert_eq!(super::grouped(1_000), "1 000");
        assert_eq!(super::grouped(4_194_304), "4 194 304");
    }
}

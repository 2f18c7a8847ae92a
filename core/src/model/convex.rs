//! Fitting a convex objective with L-BFGS, one iteration per step: the fit the
//! linear families share. The objective has a CPU form in f64 (the reference) and
//! a GPU form in f32; on the GPU the CPU's form is kept, so that a failed step can
//! be taken again there from the same point. With an L1 penalty the fit is
//! OWL-QN's instead ([`OwlqnFit`]), on the CPU only.

use super::Objective;
use super::lbfgs::{Lbfgs, Status};
use super::owlqn::Owlqn;
use crate::compute::{ComputeError, DeviceKind, GpuDevice};
use crate::learner::{Fit, Fitted, Local, Progress};

/// A CPU objective that knows its GPU form.
#[allow(async_fn_in_trait)] // Used by concrete type only.
pub trait ConvexLoss: Objective {
    type OnGpu: Objective;
    async fn upload(&self, gpu: &GpuDevice) -> Result<Self::OnGpu, ComputeError>;

    /// The training rows the objective sums over.
    fn rows(&self) -> usize;

    /// Whether this objective has a GPU form; one without trains on the CPU.
    fn has_gpu_path(&self) -> bool {
        true
    }
}

/// L-BFGS on `L`, starting at zero.
pub struct LbfgsFit<L: ConvexLoss> {
    cpu: L,
    gpu: Option<L::OnGpu>,
    optimizer: Option<Lbfgs>,
    status: Status,
    max_iter: usize,
    /// The fitted model at a parameter vector.
    model: fn(&L, &[f64]) -> Fitted,
}

impl<L: ConvexLoss> LbfgsFit<L> {
    pub fn new(cpu: L, max_iter: usize, model: fn(&L, &[f64]) -> Fitted) -> Self {
        Self {
            cpu,
            gpu: None,
            optimizer: None,
            status: Status::Running,
            max_iter,
            model,
        }
    }

    async fn advance(&mut self) -> Result<bool, ComputeError> {
        let Some(optimizer) = &mut self.optimizer else {
            // The first step evaluates the starting point.
            let x0 = vec![0.0; self.cpu.dim()];
            self.optimizer = Some(match &self.gpu {
                Some(gpu) => Lbfgs::start(gpu, x0).await?,
                None => Lbfgs::start(&self.cpu, x0).await?,
            });
            return Ok(self.max_iter > 0);
        };
        if self.status != Status::Running || optimizer.iterations() >= self.max_iter {
            return Ok(false);
        }
        self.status = match &self.gpu {
            Some(gpu) => optimizer.step(gpu).await?,
            None => optimizer.step(&self.cpu).await?,
        };
        Ok(self.status == Status::Running && optimizer.iterations() < self.max_iter)
    }
}

impl<L: ConvexLoss + 'static> Fit for LbfgsFit<L> {
    fn step(&mut self) -> Local<'_, Result<bool, ComputeError>> {
        Box::pin(self.advance())
    }

    fn progress(&self) -> Progress {
        Progress {
            done: self.optimizer.as_ref().map_or(0, Lbfgs::iterations),
            total: Some(self.max_iter),
            loss: self.optimizer.as_ref().map(Lbfgs::value),
            unit: "iteration",
            held_out: None,
        }
    }

    fn converged(&self) -> bool {
        self.status == Status::Converged
    }

    fn model(&self) -> Fitted {
        let zeros = vec![0.0; self.cpu.dim()];
        let params = self.optimizer.as_ref().map_or(&zeros[..], Lbfgs::params);
        (self.model)(&self.cpu, params)
    }

    fn device(&self) -> DeviceKind {
        if self.gpu.is_some() {
            DeviceKind::Gpu
        } else {
            DeviceKind::Cpu
        }
    }

    /// Each row times every parameter, for the values and for the gradient.
    fn work_per_step(&self) -> u64 {
        if self.cpu.has_gpu_path() {
            (2 * self.cpu.rows() * self.cpu.dim()) as u64
        } else {
            0
        }
    }

    fn to_gpu<'a>(&'a mut self, gpu: &'a GpuDevice) -> Local<'a, Result<bool, ComputeError>> {
        Box::pin(async move {
            if !self.cpu.has_gpu_path() {
                return Ok(false);
            }
            self.gpu = Some(self.cpu.upload(gpu).await?);
            Ok(true)
        })
    }

    fn leave_gpu(&mut self) -> Local<'_, Result<(), ComputeError>> {
        Box::pin(async move {
            self.gpu = None;
            match &mut self.optimizer {
                // The CPU's values and rounding differ from the GPU's: start its
                // line searches from its own value at the point reached.
                Some(optimizer) => optimizer.reevaluate(&self.cpu).await,
                None => Ok(()),
            }
        })
    }
}

/// OWL-QN on a CPU objective plus a weighted L1 norm, starting at zero. No GPU
/// path: the L1 penalties train on the CPU wherever a GPU is offered.
pub struct OwlqnFit<O: Objective> {
    cpu: O,
    /// Each parameter's L1 weight.
    l1: Vec<f64>,
    optimizer: Option<Owlqn>,
    status: Status,
    max_iter: usize,
    /// The fitted model at a parameter vector.
    model: fn(&O, &[f64]) -> Fitted,
}

impl<O: Objective> OwlqnFit<O> {
    pub fn new(cpu: O, l1: Vec<f64>, max_iter: usize, model: fn(&O, &[f64]) -> Fitted) -> Self {
        Self {
            cpu,
            l1,
            optimizer: None,
            status: Status::Running,
            max_iter,
            model,
        }
    }

    async fn advance(&mut self) -> Result<bool, ComputeError> {
        let Some(optimizer) = &mut self.optimizer else {
            // The first step evaluates the starting point.
            let x0 = vec![0.0; self.cpu.dim()];
            self.optimizer = Some(Owlqn::start(&self.cpu, x0, self.l1.clone()).await?);
            return Ok(self.max_iter > 0);
        };
        if self.status != Status::Running || optimizer.iterations() >= self.max_iter {
            return Ok(false);
        }
        self.status = optimizer.step(&self.cpu).await?;
        Ok(self.status == Status::Running && optimizer.iterations() < self.max_iter)
    }
}

impl<O: Objective + 'static> Fit for OwlqnFit<O> {
    fn step(&mut self) -> Local<'_, Result<bool, ComputeError>> {
        Box::pin(self.advance())
    }

    fn progress(&self) -> Progress {
        Progress {
            done: self.optimizer.as_ref().map_or(0, Owlqn::iterations),
            total: Some(self.max_iter),
            loss: self.optimizer.as_ref().map(Owlqn::value),
            unit: "iteration",
            held_out: None,
        }
    }

    fn converged(&self) -> bool {
        self.status == Status::Converged
    }

    fn model(&self) -> Fitted {
        let zeros = vec![0.0; self.cpu.dim()];
        let params = self.optimizer.as_ref().map_or(&zeros[..], Owlqn::params);
        (self.model)(&self.cpu, params)
    }
}

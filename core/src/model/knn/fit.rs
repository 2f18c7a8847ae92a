//! Fitting kNN is keeping the training rows; its work is the search when the
//! test rows are predicted. Offered a GPU, a Euclidean search moves there: the
//! rows go to the device once and the test rows are searched through it.

use super::KnnModel;
use super::brute::Metric;
use super::on_gpu::OnGpu;
use crate::compute::{ComputeError, DeviceKind, GpuDevice};
use crate::learner::{Fit, Fitted, Local, Output, Progress};
use crate::model::closed_form::ClosedForm;

pub struct KnnFit {
    closed: ClosedForm<KnnModel>,
    gpu: Option<OnGpu>,
}

impl KnnFit {
    pub fn new(model: KnnModel) -> Self {
        Self {
            closed: ClosedForm::new(model),
            gpu: None,
        }
    }

    fn knn(&self) -> &KnnModel {
        self.closed.fitted()
    }

    /// The test rows `auto` expects: a split's default quarter of the training rows.
    fn expected_queries(&self) -> usize {
        self.knn().rows().div_ceil(4)
    }
}

impl Fit for KnnFit {
    fn step(&mut self) -> Local<'_, Result<bool, ComputeError>> {
        self.closed.step()
    }

    fn progress(&self) -> Progress {
        self.closed.progress()
    }

    fn converged(&self) -> bool {
        self.closed.converged()
    }

    fn model(&self) -> Fitted {
        self.closed.model()
    }

    fn device(&self) -> DeviceKind {
        if self.gpu.is_some() {
            DeviceKind::Gpu
        } else {
            DeviceKind::Cpu
        }
    }

    /// The search of the expected test rows: a distance per input, query and row.
    /// A Manhattan search large enough is offered the GPU too, and says why it
    /// turns it down.
    fn work_per_step(&self) -> u64 {
        (self.expected_queries() * self.knn().rows() * self.knn().inputs) as u64
    }

    fn why_not_gpu(&self) -> Option<String> {
        (self.knn().metric != Metric::Euclidean).then(|| {
            "the GPU measures Euclidean distances only, so the Manhattan search ran on the CPU"
                .to_owned()
        })
    }

    /// The GPU's distances are Euclidean only: a Manhattan search stays on the CPU.
    fn to_gpu<'a>(&'a mut self, gpu: &'a GpuDevice) -> Local<'a, Result<bool, ComputeError>> {
        Box::pin(async move {
            if self.why_not_gpu().is_some() {
                return Ok(false);
            }
            self.gpu = Some(OnGpu::new(gpu, self.knn())?);
            Ok(true)
        })
    }

    fn leave_gpu(&mut self) -> Local<'_, Result<(), ComputeError>> {
        Box::pin(async move {
            self.gpu = None;
            Ok(())
        })
    }

    fn predict_on_device<'a>(
        &'a mut self,
        x: &'a [f64],
    ) -> Option<Local<'a, Result<Output, ComputeError>>> {
        let gpu = self.gpu.as_ref()?;
        let model = self.closed.fitted();
        Some(Box::pin(async move {
            let found = gpu.neighbors(model, x).await?;
            Ok(model.answer(|each| found.iter().for_each(|n| each(n))))
        }))
    }
}

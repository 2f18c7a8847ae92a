//! The fit of a family whose model is computed at once (naive Bayes, kNN, PCA):
//! one step, after which the model is done and converged.

use crate::compute::ComputeError;
use crate::learner::{Fit, Fitted, Local, Model, Progress};

pub(crate) struct ClosedForm<M> {
    model: M,
    done: bool,
}

impl<M> ClosedForm<M> {
    pub(crate) fn new(model: M) -> Self {
        Self { model, done: false }
    }

    pub(crate) fn fitted(&self) -> &M {
        &self.model
    }
}

impl<M: Model + Clone + 'static> Fit for ClosedForm<M> {
    fn step(&mut self) -> Local<'_, Result<bool, ComputeError>> {
        Box::pin(async move {
            self.done = true;
            Ok(false)
        })
    }

    fn progress(&self) -> Progress {
        Progress {
            done: usize::from(self.done),
            total: Some(1),
            loss: None,
            unit: "fit",
            held_out: None,
        }
    }

    fn converged(&self) -> bool {
        true
    }

    fn model(&self) -> Fitted {
        Fitted::new(self.model.clone())
    }
}

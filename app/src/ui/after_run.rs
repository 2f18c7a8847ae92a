//! A view a train cell draws from its finished model (the decision boundary, a
//! decomposition's projection): a job asked of the worker whenever the run or
//! the view's settings change, and its answer.

use leptos::prelude::*;

use super::client::{self, JobEvent};
use super::params::sentence;
use super::session::{Session, TrainState};
use crate::protocol::{Job, JobOutput};

/// The answer to `job(notebook, spec)` for train cell `cell`'s finished run and
/// the settings `wanted` (`None`: nothing to ask): `None` while none is in,
/// and again whenever the run or the settings change. `pick` takes the view's
/// value from the job's output.
pub fn finished_view<S, T>(
    session: Session,
    cell: u32,
    wanted: Memo<Option<S>>,
    job: fn(Box<studio_core::notebook::Notebook>, u32, S) -> Job,
    pick: fn(JobOutput) -> Option<T>,
) -> RwSignal<Option<Result<T, String>>>
where
    S: Clone + PartialEq + Send + Sync + 'static,
    T: Send + Sync + 'static,
{
    // A memo, so that a run's progress, many times a second, asks nothing.
    let finished_run = Memo::new(move |_| match session.train_state(cell) {
        TrainState::Done { hash, .. } => Some(hash),
        _ => None,
    });
    let answer = RwSignal::new(None::<Result<T, String>>);
    Effect::new(move |_| {
        answer.set(None);
        let (Some(_), Some(spec)) = (finished_run.get(), wanted.get()) else {
            return;
        };
        let notebook = Box::new(session.notebook.get_untracked());
        client::start(job(notebook, cell, spec), move |event| match event {
            JobEvent::Done(output) => {
                if let Some(value) = pick(output) {
                    answer.set(Some(Ok(value)));
                }
            }
            JobEvent::Failed(error) => answer.set(Some(Err(sentence(&error.message)))),
            _ => {}
        });
    });
    answer
}

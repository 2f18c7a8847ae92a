//! A job that a button starts and the page follows to its end: its progress, a
//! cancel, and one final state. The compute check and the kernel conformance run
//! are both one of these.

use leptos::prelude::*;

use super::client::{self, JobEvent};
use crate::protocol::{Job, JobError, JobId, JobOutput};

/// Where a followed job stands.
#[derive(Debug, Clone, PartialEq)]
pub enum JobRun<T> {
    Idle,
    Running {
        id: JobId,
        done: u32,
        total: u32,
        step: String,
    },
    Finished(T),
    Cancelled,
    Failed(JobError),
}

/// One followed job's state, shared by its buttons and its view.
#[derive(Debug)]
pub struct Followed<T: Send + Sync + 'static> {
    state: RwSignal<JobRun<T>>,
}

impl<T: Send + Sync + 'static> Clone for Followed<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Followed<T> {}

impl<T: Clone + Send + Sync + 'static> Followed<T> {
    pub fn new() -> Self {
        Self {
            state: RwSignal::new(JobRun::Idle),
        }
    }

    /// Whether it runs (tracked).
    pub fn running(self) -> bool {
        self.state
            .with(|state| matches!(state, JobRun::Running { .. }))
    }

    /// Starts `job`; `finished` picks its result out of the job's output.
    pub fn start(self, job: Job, finished: fn(JobOutput) -> Option<T>) {
        let state = self.state;
        let id = client::start(job, move |event| match event {
            JobEvent::Progress {
                done,
                total,
                message,
                ..
            } => state.update(|s| {
                if let JobRun::Running { id, .. } = *s {
                    *s = JobRun::Running {
                        id,
                        done,
                        total,
                        step: message,
                    };
                }
            }),
            JobEvent::Done(output) => match finished(output) {
                Some(result) => state.set(JobRun::Finished(result)),
                None => state.set(JobRun::Failed(JobError::internal(
                    "the worker answered with something else",
                ))),
            },
            JobEvent::Failed(error) => state.set(JobRun::Failed(error)),
            JobEvent::Cancelled => state.set(JobRun::Cancelled),
            JobEvent::View(_) | JobEvent::Paused => {}
        });
        // A job that could not start has already failed, and must stay failed.
        if id != 0 {
            state.set(JobRun::Running {
                id,
                done: 0,
                total: 0,
                step: "starting".to_owned(),
            });
        }
    }

    pub fn cancel(self) {
        if let JobRun::Running { id, .. } = self.state.get_untracked() {
            client::cancel(id);
        }
    }

    /// Its progress bar (named `progress`) while it runs, what it came to after:
    /// `results` for a result, `cancelled` said if it was cancelled.
    pub fn view(
        self,
        progress: &'static str,
        cancelled: &'static str,
        results: impl Fn(T) -> AnyView + Send + Sync + 'static,
    ) -> impl IntoView {
        move || match self.state.get() {
            JobRun::Idle => ().into_any(),
            JobRun::Running {
                done, total, step, ..
            } => view! {
                <div class="progress">
                    <progress
                        aria-label=progress
                        max=total.max(1).to_string()
                        value=done.to_string()
                    ></progress>
                    <span>{format!("{done} of {total} · {step}")}</span>
                </div>
            }
            .into_any(),
            JobRun::Cancelled => view! { <p role="status">{cancelled}</p> }.into_any(),
            JobRun::Failed(error) => {
                view! { <p class="error" role="alert">{error.message}</p> }.into_any()
            }
            JobRun::Finished(result) => results(result),
        }
    }
}

//! The page's state: the notebook document and what the worker has told us about
//! it. Components read and change it through these signals only.

use std::time::Duration;

use leptos::prelude::*;
use studio_core::notebook::{DataSource, Notebook, decode_link};
use wasm_bindgen::JsValue;

use super::client::{self, JobEvent};
use super::device::DeviceState;
use crate::protocol::{DatasetSummary, Job, JobId, JobOutput, Origin, SavedList, TrainSummary};

/// Where the notebook is kept between visits.
const STORAGE_KEY: &str = "studio.notebook";

#[derive(Debug, Clone, PartialEq)]
pub enum DatasetState {
    Empty,
    Loading(Loading),
    Ready(Box<DatasetSummary>),
    /// The notebook names a local file that must be opened again.
    NeedsFile {
        name: String,
        rows: usize,
        columns: usize,
    },
    Failed(String),
}

/// A load in progress: what is read, and how far it has got.
#[derive(Debug, Clone, PartialEq)]
pub struct Loading {
    pub name: String,
    pub job: JobId,
    /// Kilobytes read and in all, and the worker's words for it.
    pub progress: Option<(u32, u32, String)>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TrainState {
    Idle,
    Running {
        id: JobId,
        iteration: u32,
        curve: Vec<f64>,
        /// Why the run left the GPU for the CPU, once it has.
        fallback: Option<String>,
    },
    Done(TrainSummary),
    Stopped,
    Failed(String),
}

#[derive(Debug, Clone, Copy)]
pub struct Session {
    pub notebook: RwSignal<Notebook>,
    pub dataset: RwSignal<DatasetState>,
    pub training: RwSignal<TrainState>,
    pub device: RwSignal<DeviceState>,
    /// A warning about the data, such as a file that differs from the notebook's.
    pub data_notice: RwSignal<Option<String>>,
    /// The local file a restored or shared notebook was made with, until it is opened.
    expected: RwSignal<Option<DataSource>>,
    /// The datasets kept in this browser, once listed.
    pub saved: RwSignal<Option<SavedList>>,
    /// The dataset that was open before a load began, shown again if it is cancelled.
    previous: RwSignal<Option<DatasetState>>,
}

impl Session {
    /// Opens the notebook from the link, else from browser storage, else a new one.
    pub fn restore() -> (Self, Option<String>) {
        let (notebook, problem) = initial_notebook();
        let session = Self {
            notebook: RwSignal::new(notebook),
            dataset: RwSignal::new(DatasetState::Empty),
            training: RwSignal::new(TrainState::Idle),
            device: RwSignal::new(DeviceState::Detecting),
            data_notice: RwSignal::new(None),
            expected: RwSignal::new(None),
            saved: RwSignal::new(None),
            previous: RwSignal::new(None),
        };
        // Every change is saved at once: nothing is lost on reload.
        Effect::new(move |_| {
            let json = session.notebook.with(Notebook::to_json);
            if let Some(storage) = storage() {
                // A full or blocked storage only loses the saved copy, not the page.
                let _ = storage.set_item(STORAGE_KEY, &json);
            }
        });
        (session, problem)
    }

    /// Reopens what the notebook's data cell names, then retrains if it can. A
    /// local file saved in this browser opens from storage; otherwise the person is
    /// asked for it.
    pub fn reopen(self) {
        let options = self.notebook.with_untracked(Notebook::data_options);
        match self.notebook.with_untracked(|nb| nb.data_source().cloned()) {
            Some(DataSource::Sample { name }) => self.open(
                Job::OpenSample {
                    name: name.clone(),
                    options,
                },
                JsValue::UNDEFINED,
                name,
                true,
            ),
            Some(DataSource::Synthetic(spec)) => self.open(
                Job::OpenSynthetic { spec },
                JsValue::UNDEFINED,
                spec.name(),
                true,
            ),
            Some(source @ DataSource::Local { .. }) => {
                let DataSource::Local {
                    name,
                    rows,
                    columns,
                    sha256,
                } = source.clone()
                else {
                    return;
                };
                self.expected.set(Some(source));
                self.dataset.set(DatasetState::NeedsFile {
                    name: name.clone(),
                    rows,
                    columns,
                });
                client::start(Job::ListSaved, move |event| {
                    if let JobEvent::Done(JobOutput::Saved(list)) = event {
                        let found = list.datasets.iter().find(|d| d.sha256 == sha256).cloned();
                        self.show_saved(list);
                        if let Some(dataset) = found {
                            self.open(
                                Job::OpenSaved { id: dataset.id },
                                JsValue::UNDEFINED,
                                name.clone(),
                                true,
                            );
                        }
                    }
                });
            }
            None => {}
        }
    }

    /// Lists the datasets saved in this browser.
    pub fn refresh_saved(self) {
        client::start(Job::ListSaved, move |event| match event {
            JobEvent::Done(JobOutput::Saved(list)) => self.show_saved(list),
            // A warning about the open data matters more than the list of saved ones.
            JobEvent::Failed(error) if self.data_notice.with_untracked(Option::is_none) => {
                self.data_notice.set(Some(error))
            }
            _ => {}
        });
    }

    /// Shows a new list of saved datasets. The worker says that it rebuilt the index
    /// once, and lists asked for at the same time may arrive after that one, so the
    /// notice stays until the page is reloaded.
    pub fn show_saved(self, mut list: SavedList) {
        if list.notice.is_none() {
            list.notice = self
                .saved
                .with_untracked(|saved| saved.as_ref().and_then(|s| s.notice.clone()));
        }
        self.saved.set(Some(list));
    }

    /// Opens a dataset in the worker; `retrain` trains once it is open if a target is set.
    pub fn open(self, job: Job, attachment: JsValue, name: String, retrain: bool) {
        let previous = self.dataset.get_untracked();
        if !matches!(previous, DatasetState::Loading(_)) {
            self.previous.set(Some(previous));
        }
        self.training.set(TrainState::Idle);
        let id = client::start_with(job, attachment, move |event| match event {
            JobEvent::Done(JobOutput::Dataset(summary)) => self.opened(summary, retrain),
            JobEvent::Failed(error) => self.dataset.set(DatasetState::Failed(error)),
            JobEvent::Cancelled => {
                let before = self.previous.get_untracked().unwrap_or(DatasetState::Empty);
                self.dataset.set(before);
            }
            JobEvent::Progress {
                done,
                total,
                message,
                ..
            } => self.dataset.update(|state| {
                if let DatasetState::Loading(loading) = state {
                    loading.progress = Some((done, total, message));
                }
            }),
            JobEvent::Done(_) => {}
        });
        self.dataset.set(DatasetState::Loading(Loading {
            name,
            job: id,
            progress: None,
        }));
    }

    /// Keeps the open file's parsed columns in this browser, after it is shown.
    fn save(self) {
        client::start(Job::Save, move |event| {
            let outcome = match event {
                JobEvent::Done(JobOutput::Stored { id }) => Ok(id),
                JobEvent::Failed(error) => Err(error),
                _ => return,
            };
            let stored = outcome.is_ok();
            self.dataset.update(|state| {
                if let DatasetState::Ready(summary) = state {
                    summary.saved = Some(outcome);
                }
            });
            if stored {
                self.refresh_saved();
            }
        });
    }

    /// Reads the open dataset again with the notebook's current options.
    pub fn reload(self) {
        let options = self.notebook.with_untracked(Notebook::data_options);
        let name = match self.dataset.get_untracked() {
            DatasetState::Ready(summary) => summary.name,
            _ => return,
        };
        self.open(Job::Reload { options }, JsValue::UNDEFINED, name, false);
    }

    fn opened(self, summary: Box<DatasetSummary>, retrain: bool) {
        let from_file = matches!(summary.origin, Origin::File | Origin::Saved { .. });
        self.data_notice.set(match self.expected.get_untracked() {
            Some(DataSource::Local {
                name,
                rows,
                columns,
                sha256,
            }) if from_file && sha256 != summary.sha256 => Some(format!(
                "{} is not the file this notebook was made with ({name}, {rows} rows × {columns} \
                 columns): its contents differ, so results will differ too.",
                summary.name
            )),
            _ => {
                self.expected.set(None);
                None
            }
        });
        let source = match &summary.origin {
            Origin::Sample => DataSource::Sample {
                name: summary.name.clone(),
            },
            Origin::Synthetic(spec) => DataSource::Synthetic(*spec),
            Origin::File | Origin::Saved { .. } => DataSource::Local {
                name: summary.name.clone(),
                rows: summary.rows,
                columns: summary.columns.len(),
                sha256: summary.sha256.clone(),
            },
        };
        let names: Vec<&str> = summary.columns.iter().map(|c| c.name.as_str()).collect();
        let mut keep_target = false;
        self.notebook.update(|nb| {
            nb.set_data_source(Some(source));
            nb.update_data_options(|options| *options = summary.options.clone());
            nb.update_train(|train| {
                keep_target = train.target.as_deref().is_some_and(|t| names.contains(&t));
                if !keep_target {
                    // A column marked as the target, else the last column: where most
                    // tables keep what they record.
                    let chosen = summary
                        .columns
                        .iter()
                        .position(|c| c.role == studio_core::frame::Role::Target)
                        .unwrap_or(summary.columns.len().saturating_sub(1));
                    train.target = summary.columns.get(chosen).map(|c| c.name.clone());
                    train.task = summary.tasks.get(chosen).copied();
                    if let Some(task) = train.task {
                        train.model = studio_core::model::ModelSpec::new(task.default_model());
                    }
                }
            });
        });
        let save = matches!(summary.origin, Origin::File);
        self.dataset.set(DatasetState::Ready(summary));
        if save {
            // After the table is painted: writing the columns takes the worker a
            // core for a while, which the first paint should not share.
            request_animation_frame(move || set_timeout(move || self.save(), Duration::ZERO));
        }
        if retrain && keep_target {
            super::train::start(self);
        }
    }
}

fn initial_notebook() -> (Notebook, Option<String>) {
    let hash = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default();
    match decode_link(&hash) {
        Some(Ok(notebook)) => return (notebook, None),
        Some(Err(error)) => return (Notebook::welcome(), Some(error.to_string())),
        None => {}
    }
    let saved = storage().and_then(|s| s.get_item(STORAGE_KEY).ok().flatten());
    match saved.map(|json| Notebook::from_json(&json)) {
        Some(Ok(notebook)) => (notebook, None),
        Some(Err(error)) => (
            Notebook::welcome(),
            Some(format!("The saved notebook could not be opened: {error}")),
        ),
        None => (Notebook::welcome(), None),
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

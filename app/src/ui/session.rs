//! The page's state: the notebook document and what the worker has told us about
//! it. Components read and change it through these signals only.

use leptos::prelude::*;
use studio_core::notebook::{DataSource, Notebook, decode_link};
use wasm_bindgen::JsValue;

use super::client::{self, JobEvent};
use super::device::DeviceState;
use crate::protocol::{DatasetSummary, Job, JobId, JobOutput, TrainSummary};

/// Where the notebook is kept between visits.
const STORAGE_KEY: &str = "studio.notebook";

#[derive(Debug, Clone, PartialEq)]
pub enum DatasetState {
    Empty,
    Loading(String),
    Ready(DatasetSummary),
    /// The notebook names a local file that must be opened again.
    NeedsFile {
        name: String,
        rows: usize,
        columns: usize,
    },
    Failed(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum TrainState {
    Idle,
    Running {
        id: JobId,
        iteration: u32,
        curve: Vec<f64>,
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

    /// Reopens what the notebook's data cell names, then retrains if it can.
    pub fn reopen(self) {
        match self.notebook.with_untracked(|nb| nb.data_source().cloned()) {
            Some(DataSource::Sample { name }) => self.open(
                Job::OpenSample { name: name.clone() },
                JsValue::UNDEFINED,
                name,
                true,
            ),
            Some(source @ DataSource::Local { .. }) => {
                if let DataSource::Local {
                    name,
                    rows,
                    columns,
                    ..
                } = &source
                {
                    self.dataset.set(DatasetState::NeedsFile {
                        name: name.clone(),
                        rows: *rows,
                        columns: *columns,
                    });
                }
                self.expected.set(Some(source));
            }
            None => {}
        }
    }

    /// Opens a dataset in the worker; `retrain` trains once it is open if a target is set.
    pub fn open(self, job: Job, attachment: JsValue, name: String, retrain: bool) {
        self.dataset.set(DatasetState::Loading(name));
        self.training.set(TrainState::Idle);
        client::start_with(job, attachment, move |event| match event {
            JobEvent::Done(JobOutput::Dataset(summary)) => self.opened(summary, retrain),
            JobEvent::Failed(error) => self.dataset.set(DatasetState::Failed(error)),
            JobEvent::Progress { .. } | JobEvent::Done(_) | JobEvent::Cancelled => {}
        });
    }

    fn opened(self, summary: DatasetSummary, retrain: bool) {
        self.data_notice.set(match self.expected.get_untracked() {
            Some(DataSource::Local {
                name,
                rows,
                columns,
                sha256,
            }) if !summary.sample && sha256 != summary.sha256 => Some(format!(
                "{} is not the file this notebook was made with ({name}, {rows} rows × {columns} \
                 columns): its contents differ, so results will differ too.",
                summary.name
            )),
            _ => {
                self.expected.set(None);
                None
            }
        });
        let source = if summary.sample {
            DataSource::Sample {
                name: summary.name.clone(),
            }
        } else {
            DataSource::Local {
                name: summary.name.clone(),
                rows: summary.rows,
                columns: summary.columns.len(),
                sha256: summary.sha256.clone(),
            }
        };
        let names: Vec<&str> = summary.columns.iter().map(|c| c.name.as_str()).collect();
        let mut keep_target = false;
        self.notebook.update(|nb| {
            nb.set_data_source(Some(source));
            nb.update_train(|train| {
                keep_target = train.target.as_deref().is_some_and(|t| names.contains(&t));
                if !keep_target {
                    // Propose the last column: where most tables keep what they record.
                    let last = summary.columns.len().saturating_sub(1);
                    train.target = summary.columns.get(last).map(|c| c.name.clone());
                    train.task = summary.tasks.get(last).copied();
                    if let Some(task) = train.task {
                        train.model = studio_core::model::ModelSpec::new(task.default_model());
                    }
                }
            });
        });
        self.dataset.set(DatasetState::Ready(summary));
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

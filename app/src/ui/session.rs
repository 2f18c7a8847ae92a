//! The page's state: the notebook document and what the worker has told us about
//! it. Components read and change it through these signals only.

use std::collections::HashMap;
use std::time::Duration;

use leptos::prelude::*;
use studio_core::notebook::{DataColumn, DataSource, Notebook, decode_link};
use wasm_bindgen::JsValue;

use super::client::{self, JobEvent};
use super::device::DeviceState;
use super::live::Live;
use super::notebook_store::{self, Damaged, Stored};
use crate::protocol::{
    DatasetSummary, Job, JobError, JobId, JobOutput, Origin, SavedList, TrainSummary,
};

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
    Running(Live),
    /// Finished, for the cell as it was when it started (its hash).
    Done {
        summary: TrainSummary,
        hash: u64,
    },
    Stopped,
    Failed(JobError),
}

#[derive(Debug, Clone, Copy)]
pub struct Session {
    pub notebook: RwSignal<Notebook>,
    /// The stored notebook being edited; `None` while a damaged one is shown, so
    /// that nothing is saved over it.
    pub current: RwSignal<Option<String>>,
    /// A stored notebook that could not be opened, until the person chooses.
    pub damaged: RwSignal<Option<Damaged>>,
    /// Each data cell's dataset, by cell id.
    datasets: RwSignal<HashMap<u32, DatasetState>>,
    /// Each train cell's run, by cell id.
    pub training: RwSignal<HashMap<u32, TrainState>>,
    /// The two columns each train cell's decision boundary is drawn over, once
    /// the person has chosen them.
    pub boundary_axes: RwSignal<HashMap<u32, (String, String)>>,
    /// The components and colour column each decomposition's projection is
    /// drawn with, once the person has chosen them.
    pub projection_views: RwSignal<HashMap<u32, studio_core::projection::ProjectionSpec>>,
    pub device: RwSignal<DeviceState>,
    /// A warning about a data cell's data, such as a file that differs from the
    /// notebook's, by cell id.
    notices: RwSignal<HashMap<u32, String>>,
    /// The local file a restored or shared notebook was made with, until it is
    /// opened, by data cell.
    expected: RwSignal<HashMap<u32, DataSource>>,
    /// The datasets kept in this browser, once listed.
    pub saved: RwSignal<Option<SavedList>>,
    /// The dataset that was open before a load began, shown again if it is
    /// cancelled, by data cell.
    previous: RwSignal<HashMap<u32, DatasetState>>,
    /// Counts each data cell's datasets opened: a job's answer about an older one
    /// is not shown.
    epochs: RwSignal<HashMap<u32, u32>>,
}

impl Session {
    /// Opens the notebook from the link (as a new notebook beside the saved ones),
    /// else the one last open in this browser, else a new one. Returns what the
    /// person should be told.
    pub fn restore() -> (Self, Option<String>) {
        let (notebook, current, damaged, problem) = initial_notebook();
        let session = Self {
            notebook: RwSignal::new(notebook),
            current: RwSignal::new(current),
            damaged: RwSignal::new(damaged),
            datasets: RwSignal::new(HashMap::new()),
            training: RwSignal::new(HashMap::new()),
            boundary_axes: RwSignal::new(HashMap::new()),
            projection_views: RwSignal::new(HashMap::new()),
            device: RwSignal::new(DeviceState::Detecting),
            notices: RwSignal::new(HashMap::new()),
            expected: RwSignal::new(HashMap::new()),
            saved: RwSignal::new(None),
            previous: RwSignal::new(HashMap::new()),
            epochs: RwSignal::new(HashMap::new()),
        };
        // Every change is saved at once, into the notebook being edited: nothing is
        // lost on reload, and no other notebook is touched.
        Effect::new(move |_| {
            session.notebook.track();
            if let Some(id) = session.current.get_untracked() {
                // A full storage is said where it is found: at the next download.
                let _ = session
                    .notebook
                    .with_untracked(|nb| notebook_store::save(&id, nb));
            }
        });
        (session, problem)
    }

    /// Data cell `cell`'s dataset (tracked).
    pub fn dataset(self, cell: u32) -> DatasetState {
        self.datasets
            .with(|all| all.get(&cell).cloned())
            .unwrap_or(DatasetState::Empty)
    }

    pub fn set_dataset(self, cell: u32, state: DatasetState) {
        self.datasets.update(|all| {
            all.insert(cell, state);
        });
    }

    /// Changes data cell `cell`'s dataset in place, if it has one.
    pub fn update_dataset(self, cell: u32, change: impl FnOnce(&mut DatasetState)) {
        self.datasets.update(|all| {
            if let Some(state) = all.get_mut(&cell) {
                change(state);
            }
        });
    }

    /// The warning shown in data cell `cell` (tracked).
    pub fn notice(self, cell: u32) -> Option<String> {
        self.notices.with(|all| all.get(&cell).cloned())
    }

    pub fn set_notice(self, cell: u32, notice: Option<String>) {
        self.notices.update(|all| match notice {
            Some(notice) => {
                all.insert(cell, notice);
            }
            None => {
                all.remove(&cell);
            }
        });
    }

    /// The data cell that cell `id` reads, directly or through its split (tracked).
    pub fn data_of(self, id: u32) -> Option<u32> {
        self.notebook.with(|nb| nb.data_of(id).map(|c| c.id))
    }

    /// The data cell the page opens dropped files into: the first.
    pub fn first_data(self) -> Option<u32> {
        self.notebook.with_untracked(Notebook::first_data)
    }

    /// Makes stored notebook `id` the open one (or shows why it cannot be).
    pub fn switch_to(self, id: &str) {
        self.close_data();
        match notebook_store::open(id) {
            Stored::Opened(notebook) => {
                notebook_store::set_current(id);
                self.damaged.set(None);
                self.current.set(Some(id.to_owned()));
                self.notebook.set(notebook);
                self.reopen(true);
            }
            Stored::Damaged(damaged) => {
                self.current.set(None);
                self.damaged.set(Some(damaged));
            }
            Stored::Missing => self.start_new(),
        }
    }

    /// A new notebook, added beside the others and opened.
    pub fn start_new(self) {
        self.adopt(Notebook::welcome());
    }

    /// Adds `notebook` beside the stored ones and opens it.
    pub fn adopt(self, notebook: Notebook) {
        self.close_data();
        self.damaged.set(None);
        let data = notebook.first_data();
        match notebook_store::add(&notebook) {
            Ok(id) => self.current.set(Some(id)),
            Err(error) => {
                if let Some(data) = data {
                    self.set_notice(data, Some(error));
                }
            }
        }
        self.notebook.set(notebook);
        self.reopen(true);
    }

    /// Imports a share link put into the address of an open page (a fragment change,
    /// which does not reload): as a new notebook, as at start. Returns what to tell.
    pub fn import_link(self) -> Option<String> {
        match link_in_address()? {
            Ok(notebook) => {
                self.adopt(notebook);
                None
            }
            Err(problem) => Some(problem),
        }
    }

    /// Forgets what the worker said about the last notebook's data, stopping its jobs.
    fn close_data(self) {
        let cells: Vec<u32> = self
            .datasets
            .with_untracked(|all| all.keys().copied().collect());
        for cell in cells {
            self.cancel_load(cell);
        }
        self.stop_training(None);
        self.epochs.update(|all| {
            for epoch in all.values_mut() {
                *epoch += 1;
            }
        });
        self.datasets.set(HashMap::new());
        self.training.set(HashMap::new());
        self.notices.set(HashMap::new());
        self.expected.set(HashMap::new());
        self.previous.set(HashMap::new());
    }

    /// Cancels data cell `cell`'s running load and the training of the cells that
    /// read it: their answers would be about data that is no longer open.
    fn stop_jobs(self, cell: u32) {
        self.cancel_load(cell);
        self.stop_training(Some(cell));
    }

    fn cancel_load(self, cell: u32) {
        if let DatasetState::Loading(loading) = self.dataset_untracked(cell) {
            client::cancel(loading.job);
        }
    }

    /// Cancels the runs of the train cells reading data cell `data` (of every
    /// train cell, without one).
    fn stop_training(self, data: Option<u32>) {
        let readers = data.map(|data| self.notebook.with_untracked(|nb| nb.trains_of(data)));
        for (cell, state) in self.training.get_untracked() {
            if let TrainState::Running(live) = state
                && readers.as_ref().is_none_or(|r| r.contains(&cell))
            {
                client::cancel(live.id);
            }
        }
    }

    fn dataset_untracked(self, cell: u32) -> DatasetState {
        self.datasets
            .with_untracked(|all| all.get(&cell).cloned())
            .unwrap_or(DatasetState::Empty)
    }

    /// Train cell `cell`'s run (tracked).
    pub fn train_state(self, cell: u32) -> TrainState {
        self.training
            .with(|runs| runs.get(&cell).cloned())
            .unwrap_or(TrainState::Idle)
    }

    pub fn set_train_state(self, cell: u32, state: TrainState) {
        self.training.update(|runs| {
            runs.insert(cell, state);
        });
    }

    /// Data cell `cell`'s epoch, for a job to compare when it answers.
    pub fn epoch(self, cell: u32) -> u32 {
        self.epochs
            .with_untracked(|all| all.get(&cell).copied())
            .unwrap_or(0)
    }

    /// Reopens what each data cell names, then retrains if `retrain` and it can.
    pub fn reopen(self, retrain: bool) {
        for cell in self.notebook.with_untracked(Notebook::data_with_sources) {
            self.reopen_cell(cell, retrain);
        }
    }

    /// Reopens what data cell `cell` names. A local file saved in this browser
    /// opens from storage; otherwise the person is asked for it.
    fn reopen_cell(self, cell: u32, retrain: bool) {
        let (options, source) = self
            .notebook
            .with_untracked(|nb| (nb.data_options(cell), nb.data_source(cell).cloned()));
        match source {
            Some(DataSource::Sample { name }) => self.open(
                cell,
                Job::OpenSample {
                    cell,
                    name: name.clone(),
                    options,
                },
                JsValue::UNDEFINED,
                name,
                retrain,
            ),
            Some(DataSource::Synthetic(spec)) => self.open(
                cell,
                Job::OpenSynthetic { cell, spec },
                JsValue::UNDEFINED,
                spec.name(),
                retrain,
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
                self.expected.update(|all| {
                    all.insert(cell, source);
                });
                self.set_dataset(
                    cell,
                    DatasetState::NeedsFile {
                        name: name.clone(),
                        rows,
                        columns,
                    },
                );
                client::start(Job::ListSaved, move |event| {
                    if let JobEvent::Done(JobOutput::Saved(list)) = event {
                        let found = list.datasets.iter().find(|d| d.sha256 == sha256).cloned();
                        self.show_saved(list);
                        if let Some(dataset) = found {
                            self.open(
                                cell,
                                Job::OpenSaved {
                                    cell,
                                    id: dataset.id,
                                },
                                JsValue::UNDEFINED,
                                name.clone(),
                                retrain,
                            );
                        }
                    }
                });
            }
            None => {}
        }
    }

    /// Lists the datasets saved in this browser; a failure is told in data cell `cell`.
    pub fn refresh_saved(self, cell: u32) {
        client::start(Job::ListSaved, move |event| match event {
            JobEvent::Done(JobOutput::Saved(list)) => self.show_saved(list),
            // A warning about the open data matters more than the list of saved ones.
            JobEvent::Failed(error) if self.notices.with_untracked(|n| !n.contains_key(&cell)) => {
                self.set_notice(cell, Some(error.message))
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

    /// Opens a dataset in data cell `cell`; `retrain` trains the cells that read
    /// it once it is open, if they still say what to predict.
    pub fn open(self, cell: u32, job: Job, attachment: JsValue, name: String, retrain: bool) {
        let previous = self.dataset_untracked(cell);
        if !matches!(previous, DatasetState::Loading(_)) {
            self.previous.update(|all| {
                all.insert(cell, previous);
            });
        }
        self.stop_jobs(cell);
        self.epochs.update(|all| *all.entry(cell).or_default() += 1);
        let epoch = self.epoch(cell);
        let readers = self.notebook.with_untracked(|nb| nb.trains_of(cell));
        self.training
            .update(|runs| runs.retain(|id, _| !readers.contains(id)));
        let what = format!("opening {name}");
        let id = client::start_guarded(job, attachment, &what, move |event| {
            if self.epoch(cell) != epoch {
                // A newer dataset was opened since; this answer is about an old one.
                return;
            }
            self.on_open_event(cell, event, retrain);
        });
        // A job that could not start has already answered (and failed).
        if id != 0 {
            self.set_dataset(
                cell,
                DatasetState::Loading(Loading {
                    name,
                    job: id,
                    progress: None,
                }),
            );
        }
    }

    fn on_open_event(self, cell: u32, event: JobEvent, retrain: bool) {
        match event {
            JobEvent::Done(JobOutput::Dataset(summary)) => self.opened(cell, summary, retrain),
            JobEvent::Failed(error) => self.set_dataset(cell, DatasetState::Failed(error.message)),
            JobEvent::Cancelled => {
                let before = self
                    .previous
                    .with_untracked(|all| all.get(&cell).cloned())
                    .unwrap_or(DatasetState::Empty);
                self.set_dataset(cell, before);
            }
            JobEvent::Progress {
                done,
                total,
                message,
                ..
            } => self.update_dataset(cell, |state| {
                if let DatasetState::Loading(loading) = state {
                    loading.progress = Some((done, total, message));
                }
            }),
            JobEvent::Done(_) | JobEvent::View(_) | JobEvent::Paused => {}
        }
    }

    /// Keeps the open file's parsed columns in this browser, after it is shown.
    fn save(self, cell: u32) {
        client::start(Job::Save { cell }, move |event| {
            let outcome = match event {
                JobEvent::Done(JobOutput::Stored { id }) => Ok(id),
                JobEvent::Failed(error) => Err(error.message),
                _ => return,
            };
            let stored = outcome.is_ok();
            self.update_dataset(cell, |state| {
                if let DatasetState::Ready(summary) = state {
                    summary.saved = Some(outcome);
                }
            });
            if stored {
                self.refresh_saved(cell);
            }
        });
    }

    /// Reads data cell `cell`'s dataset again with the notebook's current options.
    pub fn reload(self, cell: u32) {
        let options = self.notebook.with_untracked(|nb| nb.data_options(cell));
        let name = match self.dataset_untracked(cell) {
            DatasetState::Ready(summary) => summary.name,
            _ => return,
        };
        // New reading options make the results of the cells that read the data
        // stale: if any of them had trained, they train again on the data as now read.
        let readers = self.notebook.with_untracked(|nb| nb.trains_of(cell));
        let trained = self.training.with_untracked(|runs| {
            runs.iter()
                .any(|(id, run)| readers.contains(id) && matches!(run, TrainState::Done { .. }))
        });
        self.open(
            cell,
            Job::Reload { cell, options },
            JsValue::UNDEFINED,
            name,
            trained,
        );
    }

    fn opened(self, cell: u32, summary: Box<DatasetSummary>, retrain: bool) {
        let from_file = matches!(summary.origin, Origin::File | Origin::Saved { .. });
        let expected = self.expected.with_untracked(|all| all.get(&cell).cloned());
        let notice = match expected {
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
                self.expected.update(|all| {
                    all.remove(&cell);
                });
                None
            }
        };
        self.set_notice(cell, notice);
        let source = summary.source();
        let columns: Vec<DataColumn> = summary
            .columns
            .iter()
            .zip(&summary.tasks)
            .map(|(c, task)| DataColumn {
                name: c.name.clone(),
                task: *task,
                marked_target: c.role == studio_core::frame::Role::Target,
            })
            .collect();
        let mut kept = Vec::new();
        self.notebook.update(|nb| {
            kept = nb.open_data(cell, source, summary.options.clone(), &columns);
        });
        let save = matches!(summary.origin, Origin::File);
        self.set_dataset(cell, DatasetState::Ready(summary));
        if save {
            // After the table is painted: writing the columns takes the worker a
            // core for a while, which the first paint should not share.
            request_animation_frame(move || set_timeout(move || self.save(cell), Duration::ZERO));
        }
        if retrain {
            for train in kept {
                super::train::start(self, train);
            }
        }
    }
}

/// The notebook to open first, the stored one it is (`None` for a damaged one, which
/// is shown instead), a damaged one, and what to tell the person.
fn initial_notebook() -> (Notebook, Option<String>, Option<Damaged>, Option<String>) {
    let mut problem = None;
    match link_in_address() {
        Some(Ok(notebook)) => {
            return match notebook_store::add(&notebook) {
                Ok(id) => (notebook, Some(id), None, None),
                Err(error) => (notebook, None, None, Some(error)),
            };
        }
        Some(Err(error)) => problem = Some(error),
        None => {}
    }
    let Some(id) = notebook_store::current() else {
        let notebook = Notebook::welcome();
        let id = notebook_store::add(&notebook).ok();
        return (notebook, id, None, problem);
    };
    notebook_store::set_current(&id);
    match notebook_store::open(&id) {
        Stored::Opened(notebook) => (notebook, Some(id), None, problem),
        Stored::Damaged(damaged) => (Notebook::welcome(), None, Some(damaged), problem),
        Stored::Missing => {
            let notebook = Notebook::welcome();
            let id = notebook_store::add(&notebook).ok();
            (notebook, id, None, problem)
        }
    }
}

/// The notebook a `#nb=` link in the address carries, taken out of the address once
/// read (a reload must not import it again over the edits made since). A damaged
/// link is reported, never "repaired" into another notebook, and stays in the
/// address for the person to look at.
fn link_in_address() -> Option<Result<Notebook, String>> {
    let hash = web_sys::window()?.location().hash().ok()?;
    match decode_link(&hash)? {
        Ok(notebook) => {
            forget_fragment();
            Some(Ok(notebook))
        }
        Err(error) => Some(Err(format!(
            "The link's notebook could not be opened, so nothing was changed: {error}"
        ))),
    }
}

/// Takes the `#nb=` fragment out of the address without reloading or adding history.
fn forget_fragment() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let location = window.location();
    let url = format!(
        "{}{}",
        location.pathname().unwrap_or_default(),
        location.search().unwrap_or_default()
    );
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&url));
    }
}

//! The notebook: the one document that the app edits, the worker executes, the
//! browser saves and a share link carries.
//!
//! It is plain serde data with a schema version, so that a document written by an
//! older Studio is recognised and either read or refused with a clear message.

pub mod executor;
mod graph;
mod migrate;
mod share;
mod validate;

use serde::{Deserialize, Serialize};

pub use graph::{EditError, NewCell};
pub use migrate::FIRST_SCHEMA_VERSION;
pub use share::{ShareError, decode_link, encode_link};
pub use validate::{
    MAX_CELL_COUNT, MAX_COLUMN_OVERRIDES, MAX_MISSING_MARKERS, MAX_NAME, MAX_NOTE_TEXT,
};

use crate::ingest::LoadOptions;
use crate::learner::ModelSpec;
use crate::synthetic::Synthetic;
use crate::train::Task;

/// The schema version this build writes and reads. Version 2 gave cells explicit
/// inputs and moved the train cell's split into a split cell of its own.
pub const SCHEMA_VERSION: u32 = 2;

/// An ordered list of typed cells.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Notebook {
    pub schema_version: u32,
    pub title: String,
    pub cells: Vec<Cell>,
}

/// One cell: a stable id (for selection and dependencies), the cells it reads,
/// and what it holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cell {
    pub id: u32,
    /// The ids of the cells whose results this one reads: a split reads a data
    /// cell, a train cell reads a split. Notes and data cells read none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inputs: Vec<u32>,
    #[serde(flatten)]
    pub kind: CellKind,
}

/// What a cell holds. Each kind produces something for the cells after it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CellKind {
    /// Text for people, such as the steps of a classroom demo.
    Note { title: String, text: String },
    /// Where the data comes from and how it is read; produces a frame.
    Data {
        source: Option<DataSource>,
        /// The person's overrides of the guessed dialect and column types and roles.
        #[serde(default, skip_serializing_if = "is_default_options")]
        options: LoadOptions,
    },
    /// How the rows are held out for testing; reads a data cell.
    Split(SplitCell),
    /// What to predict and how; reads a split, produces a fitted pipeline and its
    /// test metrics.
    Train(TrainCell),
}

/// A seeded train/test split. The train cells reading it hold out its fraction
/// of their labelled rows (every row, for clustering, trains).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SplitCell {
    pub test_size: f64,
    pub seed: u64,
}

impl Default for SplitCell {
    fn default() -> Self {
        Self {
            test_size: 0.2,
            seed: 42,
        }
    }
}

fn is_default_options(options: &LoadOptions) -> bool {
    *options == LoadOptions::default()
}

/// A data source as a link can carry it: by name, never the data itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum DataSource {
    /// A dataset bundled with Studio.
    Sample { name: String },
    /// A file from the person's machine, identified so that a reopened notebook
    /// can tell whether the file offered is the same one.
    Local {
        name: String,
        rows: usize,
        columns: usize,
        sha256: String,
    },
    /// Rows drawn by Studio's seeded generator, for trying scale.
    Synthetic(Synthetic),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainCell {
    pub target: Option<String>,
    /// `None` until a target is chosen; then proposed from it, and the person may override.
    pub task: Option<Task>,
    pub model: ModelSpec,
}

impl Default for TrainCell {
    fn default() -> Self {
        Self {
            target: None,
            task: None,
            model: Task::Classification.default_model(),
        }
    }
}

impl TrainCell {
    /// Chooses the column to predict (`None`: find clusters instead). The task
    /// follows: `inferred` from the column's values, or without one the task
    /// already chosen if it needs no target, else clustering; then the model, as
    /// [`TrainCell::choose_task`] says.
    pub fn choose_target(&mut self, target: Option<String>, inferred: Option<Task>) {
        let task = match &target {
            Some(_) => inferred,
            None => self
                .task
                .filter(|t| !t.has_target())
                .or(Some(Task::Clustering)),
        };
        self.target = target;
        match task {
            Some(task) => self.choose_task(task),
            None => self.task = None,
        }
    }

    /// Sets the task; a model that cannot do it gives way to the task's default,
    /// while one that can is kept with its settings. A task without a target
    /// lets go of the target column, which then counts as an input.
    pub fn choose_task(&mut self, task: Task) {
        self.task = Some(task);
        if !task.has_target() {
            self.target = None;
        }
        let serves = self
            .model
            .family()
            .is_ok_and(|family| family.tasks().contains(&task));
        if !serves {
            self.model = task.default_model();
        }
    }

    /// The spec a run trains with on `split`, once the cell says what to predict.
    pub fn spec(&self, split: &SplitCell) -> Option<crate::train::TrainSpec> {
        let task = self.task?;
        if task.has_target() && self.target.is_none() {
            return None;
        }
        Some(crate::train::TrainSpec {
            target: self.target.clone().filter(|_| task.has_target()),
            task,
            model: self.model.clone(),
            test_size: split.test_size,
            seed: split.seed,
        })
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum NotebookError {
    #[error(
        "this notebook was written by a newer Studio (schema {found}; this one reads up to {SCHEMA_VERSION}): reload the page to update"
    )]
    TooNew { found: u32 },
    #[error("this is not a Studio notebook: {0}")]
    Invalid(String),
    /// A notebook that breaks a rule; `at` names the cell (by its place in the
    /// rail, and its kind) and the field, such as `cell 3 (train), test_size`.
    #[error("this notebook cannot be opened: {at}: {reason}")]
    Rejected { at: String, reason: String },
}

impl Cell {
    /// A short name for the rail: the kind and what the cell holds.
    pub fn label(&self) -> String {
        match &self.kind {
            CellKind::Note { title, .. } => format!("Note · {title}"),
            CellKind::Data { source: None, .. } => "Data".to_owned(),
            CellKind::Data {
                source: Some(DataSource::Sample { name } | DataSource::Local { name, .. }),
                ..
            } => format!("Data · {name}"),
            CellKind::Data {
                source: Some(DataSource::Synthetic(s)),
                ..
            } => format!("Data · {}", s.name()),
            CellKind::Split(split) => format!(
                "Split · {:.0} % test · seed {}",
                split.test_size * 100.0,
                split.seed
            ),
            CellKind::Train(train) => match (&train.target, train.task) {
                (_, Some(Task::Clustering)) => format!("Train · {} clusters", train.model.kind),
                (_, Some(Task::Decomposition)) => {
                    format!("Train · {} components", train.model.kind)
                }
                (Some(target), _) => format!("Train · {} → {target}", train.model.kind),
                (None, _) => "Train".to_owned(),
            },
        }
    }
}

impl Notebook {
    /// The notebook a first visit opens with: a note, a data cell, a split and a
    /// train cell (ids as version 1 gave the first three, and the split after).
    pub fn welcome() -> Self {
        Self {
            schema_version: SCHEMA_VERSION,
            title: "Untitled notebook".to_owned(),
            cells: vec![
                Cell {
                    id: 1,
                    inputs: Vec::new(),
                    kind: CellKind::Note {
                        title: "Welcome".to_owned(),
                        text: WELCOME.to_owned(),
                    },
                },
                Cell {
                    id: 2,
                    inputs: Vec::new(),
                    kind: CellKind::Data {
                        source: None,
                        options: LoadOptions::default(),
                    },
                },
                Cell {
                    id: 4,
                    inputs: vec![2],
                    kind: CellKind::Split(SplitCell::default()),
                },
                Cell {
                    id: 3,
                    inputs: vec![4],
                    kind: CellKind::Train(TrainCell::default()),
                },
            ],
        }
    }

    /// Reads a notebook from JSON: an older schema is migrated, a newer one
    /// refused, and the result [validated](Self::validate).
    pub fn from_json(json: &str) -> Result<Self, NotebookError> {
        let value: serde_json::Value =
            serde_json::from_str(json).map_err(|e| NotebookError::Invalid(e.to_string()))?;
        let notebook: Self = serde_json::from_value(migrate::to_current(value)?)
            .map_err(|e| NotebookError::Invalid(e.to_string()))?;
        notebook.validate()?;
        Ok(notebook)
    }

    /// Checks the rules every notebook keeps before it is used: the schema version,
    /// unique cell ids, a data or train cell, the sizes of its strings and lists
    /// (the `MAX_*` constants), hyperparameters, `test_size` and synthetic sizes.
    pub fn validate(&self) -> Result<(), NotebookError> {
        validate::validate(self)
    }

    pub fn to_json(&self) -> String {
        // Plain data of strings and numbers: serialization cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The first data cell: where the page opens data.
    pub fn first_data(&self) -> Option<u32> {
        self.cells
            .iter()
            .find(|c| matches!(c.kind, CellKind::Data { .. }))
            .map(|c| c.id)
    }

    /// Data cell `id`'s source, once it has one.
    pub fn data_source(&self, id: u32) -> Option<&DataSource> {
        match &self.cell(id)?.kind {
            CellKind::Data { source, .. } => source.as_ref(),
            _ => None,
        }
    }

    /// The data cells that name their data, in order.
    pub fn data_with_sources(&self) -> Vec<u32> {
        self.cells
            .iter()
            .filter(|c| self.data_source(c.id).is_some())
            .map(|c| c.id)
            .collect()
    }

    /// How data cell `id` reads its file.
    pub fn data_options(&self, id: u32) -> LoadOptions {
        match self.cell(id).map(|c| &c.kind) {
            Some(CellKind::Data { options, .. }) => options.clone(),
            _ => LoadOptions::default(),
        }
    }

    pub fn update_data_options(&mut self, id: u32, change: impl FnOnce(&mut LoadOptions)) {
        if let Some(Cell {
            kind: CellKind::Data { options, .. },
            ..
        }) = self.cells.iter_mut().find(|c| c.id == id)
        {
            change(options);
        }
    }

    /// Data cell `id` now holds `source`, read with `options`. Each train cell
    /// that reads it keeps its target if the data have that column (or if it
    /// finds clusters), and is otherwise proposed one: the column marked as the
    /// target, else the last, where most tables keep what they record. Returns
    /// the train cells that kept their settings, which can train again at once.
    pub fn open_data(
        &mut self,
        id: u32,
        source: DataSource,
        options: LoadOptions,
        columns: &[DataColumn],
    ) -> Vec<u32> {
        if let Some(Cell {
            kind:
                CellKind::Data {
                    source: old,
                    options: old_options,
                },
            ..
        }) = self.cells.iter_mut().find(|c| c.id == id)
        {
            *old = Some(source);
            *old_options = options;
        }
        let proposed = columns
            .iter()
            .position(|c| c.marked_target)
            .or_else(|| columns.len().checked_sub(1))
            .map(|at| &columns[at]);
        let mut kept = Vec::new();
        for train in self.trains_of(id) {
            self.update_train_cell(train, |cell| {
                let keeps = cell.task.is_some_and(|t| !t.has_target())
                    || cell
                        .target
                        .as_deref()
                        .is_some_and(|t| columns.iter().any(|c| c.name == t));
                if keeps {
                    kept.push(train);
                } else {
                    cell.choose_target(proposed.map(|c| c.name.clone()), proposed.map(|c| c.task));
                }
            });
        }
        kept
    }

    /// Column `name` of data cell `id` is marked as the target: every train cell
    /// that reads the data predicts it.
    pub fn mark_target(&mut self, id: u32, name: &str, task: Option<Task>) {
        for train in self.trains_of(id) {
            self.update_train_cell(train, |cell| {
                if cell.target.as_deref() != Some(name) {
                    cell.choose_target(Some(name.to_owned()), task);
                }
            });
        }
    }
}

/// A column of newly opened data, as a train cell would predict it.
#[derive(Debug, Clone, PartialEq)]
pub struct DataColumn {
    pub name: String,
    /// The task its values imply.
    pub task: Task,
    /// Whether the data mark it as the target.
    pub marked_target: bool,
}

#[cfg(test)]
impl Notebook {
    /// The first train cell's id.
    pub(crate) fn first_train(&self) -> Option<u32> {
        self.cells
            .iter()
            .find(|c| matches!(c.kind, CellKind::Train(_)))
            .map(|c| c.id)
    }
}

const WELCOME: &str = "Studio is a machine-learning notebook that runs entirely in this browser tab. \
Nothing you load leaves this machine: the site is static files, and the work runs in a \
background worker on your GPU through WebGPU, or on the CPU when there is none.\n\n\
Open a CSV file (or drop one on the page), or pick a sample dataset. Then choose the column \
to predict and train a model. The header shows which compute device runs the work and why.";

#[cfg(test)]
mod tests {
    use super::*;

    fn column(name: &str, task: Task) -> DataColumn {
        DataColumn {
            name: name.into(),
            task,
            marked_target: false,
        }
    }

    /// Opens the Iris sample in the first data cell; returns the train cells kept.
    fn open_iris(notebook: &mut Notebook) -> Vec<u32> {
        let data = notebook.first_data().expect("a data cell");
        let iris = DataSource::Sample {
            name: "iris.csv".into(),
        };
        let columns = [
            column("sepal_length", Task::Regression),
            column("species", Task::Classification),
        ];
        notebook.open_data(data, iris, LoadOptions::default(), &columns)
    }

    #[test]
    fn opening_data_proposes_a_target_to_every_train_cell_that_reads_it() {
        let mut notebook = Notebook::welcome();
        let first = notebook.first_train().expect("a train cell");
        let second = notebook
            .add_cell(NewCell::Train, Some(first))
            .expect("adds");
        // Neither had a target: both are proposed the last column, and neither is kept.
        assert!(open_iris(&mut notebook).is_empty());
        for cell in [first, second] {
            let train = notebook.train(cell).expect("train cell");
            assert_eq!(train.target.as_deref(), Some("species"));
            assert_eq!(train.task, Some(Task::Classification));
        }
        // Marking a column as the target sets it in both.
        notebook.mark_target(2, "sepal_length", Some(Task::Regression));
        for cell in [first, second] {
            assert_eq!(
                notebook.train(cell).and_then(|t| t.task),
                Some(Task::Regression)
            );
        }
        // The same data again: both keep their settings and can train at once.
        assert_eq!(open_iris(&mut notebook), [first, second]);
        assert_eq!(
            notebook.train(second).and_then(|t| t.target.as_deref()),
            Some("sepal_length")
        );
    }

    #[test]
    fn a_task_without_a_target_lets_go_of_the_column_and_keeps_through_new_data() {
        let mut notebook = Notebook::welcome();
        let cell = notebook.first_train().expect("a train cell");
        open_iris(&mut notebook);
        notebook.update_train_cell(cell, |t| t.choose_task(Task::Decomposition));
        let train = notebook.train(cell).expect("train cell").clone();
        assert_eq!(train.target, None);
        assert_eq!(train.model.kind, "pca");
        assert_eq!(
            notebook.cell(cell).map(Cell::label).as_deref(),
            Some("Train · pca components")
        );
        // No target chosen again: still a decomposition, not clustering.
        notebook.update_train_cell(cell, |t| t.choose_target(None, None));
        assert_eq!(
            notebook.train(cell).and_then(|t| t.task),
            Some(Task::Decomposition)
        );
        // Other data keeps it as it is.
        assert_eq!(open_iris(&mut notebook), [cell]);
        assert_eq!(
            notebook.train(cell).and_then(|t| t.task),
            Some(Task::Decomposition)
        );
    }

    #[test]
    fn the_welcome_notebook_is_valid_and_wired() {
        let notebook = Notebook::welcome();
        assert_eq!(notebook.validate(), Ok(()));
        let train = notebook.first_train().expect("a train cell");
        assert_eq!(notebook.split_of(train), Some(&SplitCell::default()));
        assert_eq!(notebook.data_of(train).map(|c| c.id), Some(2));
    }

    #[test]
    fn a_notebook_round_trips_through_json_with_its_schema_version() {
        let mut notebook = Notebook::welcome();
        open_iris(&mut notebook);
        let json = notebook.to_json();
        let value: serde_json::Value = serde_json::from_str(&json).expect("json");
        assert_eq!(value["schema_version"], SCHEMA_VERSION);
        assert_eq!(value["cells"][1]["kind"], "data");
        assert_eq!(value["cells"][1]["source"]["type"], "sample");
        assert_eq!(Notebook::from_json(&json), Ok(notebook));
    }

    #[test]
    fn a_newer_schema_is_refused_with_a_reason() {
        let err = Notebook::from_json(r#"{"schema_version": 99, "title": "x", "cells": []}"#);
        assert_eq!(err, Err(NotebookError::TooNew { found: 99 }));
        assert!(Notebook::from_json("[1]").is_err());
    }

    #[test]
    fn the_rail_labels_name_the_kind_and_content() {
        let mut notebook = Notebook::welcome();
        open_iris(&mut notebook);
        let labels: Vec<String> = notebook.cells.iter().map(Cell::label).collect();
        assert_eq!(
            labels,
            [
                "Note · Welcome",
                "Data · iris.csv",
                "Split · 20 % test · seed 42",
                "Train · logistic → species"
            ]
        );
    }
}

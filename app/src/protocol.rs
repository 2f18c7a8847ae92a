//! The one message protocol between the UI thread and the compute worker.
//!
//! Every job has an id chosen by the UI. The worker answers a job with any number
//! of `Progress` messages and exactly one of `Done`, `Failed` or `Cancelled`.
//! Messages travel as structured-clone values made by serde-wasm-bindgen, in an
//! envelope `{ message, attachment }`: the attachment carries what serde cannot,
//! such as the `File` of an [`Job::OpenFile`], untouched.

use serde::{Deserialize, Serialize};
use studio_core::bench::{BenchOp, BenchResult};
use studio_core::boundary::{Boundary, BoundarySpec};
use studio_core::compute::conformance::Conformance;
use studio_core::compute::{CheckOutcome, DeviceKind, DeviceReport};
use studio_core::frame::profile::Profile;
use studio_core::frame::quality::Warning;
use studio_core::frame::statistics::Statistics;
use studio_core::frame::view::TableView;
use studio_core::frame::{ColumnSummary, Role};
use studio_core::ingest::{Dialect, LoadOptions, Problem};
use studio_core::learner::{Fact, HeldOut, ScoreCurve};
use studio_core::notebook::executor::{CellError, ErrorKind};
use studio_core::notebook::{DataSource, Notebook};
use studio_core::projection::{Projection, ProjectionSpec};
use studio_core::synthetic::Synthetic;
use studio_core::train::{Metrics, Task};
use studio_core::try_model::{Answer, Field};

/// This build's identity: the version and a hash of the sources (`build.rs`). The
/// page and its worker must carry the same one, or they may not speak the same protocol.
pub const BUILD: &str = env!("STUDIO_BUILD");

/// The script that starts a compute worker, relative to the page (and, for the
/// worker's own helper, to the worker). The build in the query keeps an HTTP cache
/// from pairing this page with an older worker; `worker-boot.js` passes it on to
/// the scripts it loads.
pub fn worker_script() -> String {
    format!("./worker-boot.js?build={BUILD}")
}

/// The name (`self.name`) of the worker the page talks to; the tests find it by it.
pub const COMPUTE_WORKER: &str = "compute";
/// The name of that worker's fingerprint helper, which runs the same script.
pub const FINGERPRINT_WORKER: &str = "fingerprint";

/// Starts the worker script at `url` under `name`, so that the browser's tools and
/// the tests can tell the compute worker from its helper.
pub fn start_worker(url: &str, name: &str) -> Result<web_sys::Worker, wasm_bindgen::JsValue> {
    let options = web_sys::WorkerOptions::new();
    options.set_name(name);
    web_sys::Worker::new_with_options(url, &options)
}

/// Plain data as a structured-clone value. 64-bit integers travel as `BigInt`s, so a
/// seed above 2^53 arrives as it was written instead of failing the message.
pub fn to_js<T: Serialize>(value: &T) -> Result<wasm_bindgen::JsValue, serde_wasm_bindgen::Error> {
    value.serialize(
        &serde_wasm_bindgen::Serializer::new().serialize_large_number_types_as_bigints(true),
    )
}

/// Wraps `message` and its `attachment` in the envelope both workers read.
pub fn envelope(
    message: &ToWorker,
    attachment: &wasm_bindgen::JsValue,
) -> Result<wasm_bindgen::JsValue, wasm_bindgen::JsValue> {
    let message = to_js(message)?;
    let envelope = js_sys::Object::new();
    js_sys::Reflect::set(&envelope, &"message".into(), &message)?;
    js_sys::Reflect::set(&envelope, &"attachment".into(), attachment)?;
    Ok(envelope.into())
}

/// Identifies one job for its whole life.
pub type JobId = u32;

/// UI → worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ToWorker {
    Start {
        id: JobId,
        job: Job,
    },
    Cancel {
        id: JobId,
    },
    /// Pauses, resumes or ends a running training job between two of its steps.
    Steer {
        id: JobId,
        steer: Steer,
    },
    /// The next bytes of a [`Job::Fingerprint`]'s file, as the attachment (an
    /// `ArrayBuffer`, transferred); `last` ends the file. Each is acknowledged with
    /// a `Progress` whose `done` counts the feeds taken in so far.
    Feed {
        id: JobId,
        last: bool,
    },
}

/// What the person asks of a training run while it runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Steer {
    /// Wait after the current step, holding the model as it stands.
    Pause,
    Resume,
    /// End after the current step and answer with the model as it stands.
    Finish,
}

/// Work the worker can do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "job", rename_all = "snake_case")]
pub enum Job {
    /// Choose the compute device: create a GPU device and verify a kernel on it.
    DetectDevice,
    /// Run every check case on the chosen device, `repetitions` times each.
    ComputeCheck {
        repetitions: u32,
    },
    /// Run the browser's share of the kernel conformance suite on the chosen GPU.
    Conformance,
    /// Time one compute operation at `size` on the CPU or the GPU (the chosen
    /// device when `device` is `None`).
    Bench {
        op: BenchOp,
        size: usize,
        device: Option<DeviceKind>,
    },
    /// Stream the CSV `File` that travels as the message's attachment into data
    /// cell `cell`'s frame; progress carries kilobytes read. Every data job names
    /// the data cell it is for: each has a dataset of its own.
    OpenFile {
        cell: u32,
        name: String,
        #[serde(default)]
        options: LoadOptions,
    },
    /// Parse a bundled sample by name.
    OpenSample {
        cell: u32,
        name: String,
        #[serde(default)]
        options: LoadOptions,
    },
    /// Generate a synthetic dataset.
    OpenSynthetic {
        cell: u32,
        spec: Synthetic,
    },
    /// Open a dataset saved in this browser.
    OpenSaved {
        cell: u32,
        id: String,
    },
    /// Compute the SHA-256 of a file whose bytes follow in [`ToWorker::Feed`]
    /// messages. A worker loading a file asks a second worker for this, so that
    /// hashing and parsing run side by side on one read of the file.
    Fingerprint,
    /// Read the open file or sample again with new options.
    Reload {
        cell: u32,
        options: LoadOptions,
    },
    /// Give columns of the open dataset new roles (no re-read).
    SetRoles {
        cell: u32,
        roles: Vec<(String, Role)>,
    },
    /// A window of the open dataset's rows, in a view's order.
    Rows {
        cell: u32,
        view: TableView,
        start: usize,
        count: usize,
    },
    /// Each column's summary statistics of the open dataset.
    Statistics {
        cell: u32,
    },
    /// The open dataset's data-quality warnings, with `target` the column a
    /// train cell predicts from it.
    Quality {
        cell: u32,
        target: Option<String>,
    },
    /// Keep the open dataset's parsed columns in this browser.
    Save {
        cell: u32,
    },
    /// The datasets saved in this browser and the storage they use.
    ListSaved,
    DeleteSaved {
        id: String,
    },
    /// Run cell `cell` of `notebook`, and the stale cells it reads, through the
    /// executor: whatever the cell is. Data cells take the open dataset; a train
    /// cell's progress carries the objective.
    RunCell {
        notebook: Box<Notebook>,
        cell: u32,
        /// While a classifier trains, its decision boundary over these columns,
        /// redrawn as it goes (`View` messages).
        #[serde(default)]
        boundary: Option<BoundarySpec>,
    },
    /// Train cell `cell`'s decision boundary, as `notebook` has the cell now.
    Boundary {
        notebook: Box<Notebook>,
        cell: u32,
        spec: BoundarySpec,
    },
    /// The "Try the model" form of train cell `cell`'s fitted pipeline.
    Form {
        notebook: Box<Notebook>,
        cell: u32,
    },
    /// Train cell `cell`'s answer for one row, each field's text by name.
    TryRow {
        notebook: Box<Notebook>,
        cell: u32,
        values: Vec<(String, String)>,
    },
    /// A decomposition train cell's rows along two components, as `notebook` has
    /// the cell now.
    Projection {
        notebook: Box<Notebook>,
        cell: u32,
        spec: ProjectionSpec,
    },
    /// Train cell `cell`'s fitted pipeline, as `notebook` has it now, as a
    /// downloadable file (for CSV, data cell `cell`'s open dataset).
    Export {
        format: ExportFormat,
        #[serde(default)]
        cell: Option<u32>,
        #[serde(default)]
        notebook: Option<Box<Notebook>>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    Json,
    Onnx,
    /// The open dataset, as CSV.
    Csv,
}

/// Worker → UI.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FromWorker {
    /// The worker is listening; messages sent before this would be lost. `build` is
    /// the worker's [`BUILD`]; an older worker sends none.
    Ready {
        #[serde(default)]
        build: Option<String>,
    },
    Progress {
        id: JobId,
        done: u32,
        total: u32,
        message: String,
        /// A number the step produced, such as the training objective.
        value: Option<f64>,
        /// What a training job's steps are (`epoch`, `tree`); empty for other jobs.
        #[serde(default)]
        unit: String,
        /// What a training job measured on rows it does not learn from.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        held_out: Option<Box<HeldOutPoint>>,
    },
    Done {
        id: JobId,
        output: JobOutput,
    },
    Failed {
        id: JobId,
        error: JobError,
    },
    Cancelled {
        id: JobId,
    },
    /// A training job stopped between two steps for a pause: the step under
    /// way when the pause was asked for has ended, and no other starts.
    Paused {
        id: JobId,
    },
    /// A view of a training job's model as it stands, between two `Progress`.
    View {
        id: JobId,
        boundary: Box<Boundary>,
    },
    /// The worker panicked; it is unusable and the UI must replace it.
    Crashed {
        message: String,
    },
}

/// Why a job failed, and where: the page shows it at the cell, the column or the
/// field it names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobError {
    pub kind: ErrorKind,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cell: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub row: Option<usize>,
    /// The hyperparameter or setting to change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameter: Option<String>,
}

impl JobError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            cell: None,
            column: None,
            row: None,
            parameter: None,
        }
    }

    /// About the data or file the person gave.
    pub fn data(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Data, message)
    }

    /// The compute device failed.
    pub fn device(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Device, message)
    }

    /// The worker or the page itself failed.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Internal, message)
    }

    /// Whether it names hyperparameter or setting `name` of cell `cell`.
    pub fn is_at(&self, cell: u32, name: &str) -> bool {
        self.cell == Some(cell) && self.parameter.as_deref() == Some(name)
    }
}

impl std::fmt::Display for JobError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<CellError> for JobError {
    fn from(error: CellError) -> Self {
        Self {
            kind: error.kind,
            message: error.message,
            cell: Some(error.cell),
            column: error.column,
            row: error.row,
            parameter: error.parameter,
        }
    }
}

/// What a finished job produced. Adjacently tagged: the payloads have a `kind` of their own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum JobOutput {
    Device(DeviceReport),
    Check(CheckReport),
    Conformance(ConformanceReport),
    Bench(BenchResult),
    Dataset(Box<DatasetSummary>),
    Trained(Box<TrainSummary>),
    Boundary(Box<Boundary>),
    Projection(Box<Projection>),
    File(ExportedFile),
    Rows(RowWindow),
    /// Each column's name and statistics, in column order.
    Statistics(Vec<(String, Statistics)>),
    Warnings(Vec<Warning>),
    Form(Vec<Field>),
    Answer(Answer),
    Saved(SavedList),
    /// Roles were set; nothing to show.
    Updated,
    /// A file's SHA-256, in lower-case hex.
    Fingerprint {
        sha256: String,
    },
    /// The open dataset was saved under this id.
    Stored {
        id: String,
    },
}

/// Rows `start..start + rows.len()` of a view holding `total` rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RowWindow {
    pub total: usize,
    pub start: usize,
    /// Each row's number in the file (from 1) and its cells as text.
    pub rows: Vec<(usize, Vec<Option<String>>)>,
}

/// A dataset kept in this browser's storage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedDataset {
    pub id: String,
    pub name: String,
    pub rows: usize,
    pub columns: usize,
    /// Bytes it takes in storage.
    pub bytes: u64,
    pub sha256: String,
    /// When it was saved, in milliseconds since 1970.
    pub saved_at: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedList {
    pub datasets: Vec<SavedDataset>,
    /// What the browser reports for this site's storage, in bytes.
    pub usage: Option<f64>,
    pub quota: Option<f64>,
    /// Said once, when the index of saved datasets had to be rebuilt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice: Option<String>,
}

/// Where an open dataset came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Origin {
    File,
    Sample,
    Synthetic(Synthetic),
    Saved { id: String },
}

/// What the page shows of an opened dataset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DatasetSummary {
    pub name: String,
    pub rows: usize,
    pub columns: Vec<ColumnSummary>,
    /// The task each column would imply as the target, parallel to `columns`.
    pub tasks: Vec<Task>,
    /// The first rows, as text (`None` for missing cells).
    pub preview: Vec<Vec<Option<String>>>,
    /// SHA-256 of the file, so a notebook can recognise it again.
    pub sha256: String,
    pub origin: Origin,
    /// How the file was read; `None` for generated data.
    pub dialect: Option<Dialect>,
    /// The options it was read with (the person's overrides).
    pub options: LoadOptions,
    /// The load report.
    pub problems: Vec<Problem>,
    /// A histogram or category counts per column, parallel to `columns`.
    pub profiles: Vec<Profile>,
    /// Bytes the typed columns take in memory.
    pub memory: usize,
    /// Bytes of the file read.
    pub bytes: u64,
    /// Seconds the worker spent reading and parsing the file, for files.
    pub read_seconds: Option<f64>,
    /// Whether the parsed columns were saved in this browser, or why not.
    pub saved: Option<Result<String, String>>,
}

impl DatasetSummary {
    /// Where the data came from, as a notebook's data cell records it.
    pub fn source(&self) -> DataSource {
        match &self.origin {
            Origin::Sample => DataSource::Sample {
                name: self.name.clone(),
            },
            Origin::Synthetic(spec) => DataSource::Synthetic(*spec),
            Origin::File | Origin::Saved { .. } => DataSource::Local {
                name: self.name.clone(),
                rows: self.rows,
                columns: self.columns.len(),
                sha256: self.sha256.clone(),
            },
        }
    }
}

/// A training step's measure of rows the fit does not learn from: the loss on
/// them, comparable with the objective, and a named score (`validation accuracy`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeldOutPoint {
    pub loss: Option<f64>,
    pub score: Option<NamedValue>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NamedValue {
    pub name: String,
    pub value: f64,
}

/// A held-out score after each step, and its name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NamedCurve {
    pub name: String,
    pub values: Vec<f64>,
}

impl From<HeldOut> for HeldOutPoint {
    fn from(held_out: HeldOut) -> Self {
        Self {
            loss: held_out.loss,
            score: held_out.score.map(|s| NamedValue {
                name: s.name.to_owned(),
                value: s.value,
            }),
        }
    }
}

impl From<&ScoreCurve> for NamedCurve {
    fn from(curve: &ScoreCurve) -> Self {
        Self {
            name: curve.name.to_owned(),
            values: curve.values.clone(),
        }
    }
}

/// What the page shows of a finished training run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainSummary {
    pub task: Task,
    pub model: String,
    /// Which device trained the model, for people.
    pub device: String,
    pub n_train: usize,
    pub n_test: usize,
    pub metrics: Metrics,
    pub classes: Vec<String>,
    pub loss_curve: Vec<f64>,
    /// The loss on held-out rows at the points of `loss_curve`, where the fit
    /// held rows out.
    #[serde(default)]
    pub held_out_loss_curve: Vec<f64>,
    /// A held-out score after each step, where the fit measured one.
    #[serde(default)]
    pub score_curve: Option<NamedCurve>,
    pub converged: bool,
    /// Stopped by the person before it was done: the metrics are the model's so far.
    #[serde(default)]
    pub stopped: bool,
    /// The steps taken, of how many there could have been, and what a step was
    /// (`epoch`, `tree`).
    #[serde(default)]
    pub done: usize,
    #[serde(default)]
    pub total: Option<usize>,
    #[serde(default)]
    pub unit: String,
    /// What the model reports of itself, such as a forest's out-of-bag score.
    #[serde(default)]
    pub facts: Vec<Fact>,
    /// Why the run left the GPU for the CPU, if it did; the worker has then let go
    /// of that GPU, and the page chooses a device again.
    #[serde(default)]
    pub fallback: Option<String>,
}

/// A file for the person to save.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportedFile {
    pub name: String,
    pub mime: String,
    #[serde(with = "serde_bytes")]
    pub bytes: Vec<u8>,
}

/// The compute check's results, one row per case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckReport {
    /// The device summary, as in the header.
    pub device: String,
    pub repetitions: u32,
    pub rows: Vec<CheckRow>,
}

/// Every operation of the browser's conformance cases on one GPU against the CPU.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConformanceReport {
    /// The device summary, as in the header.
    pub device: String,
    pub rows: Vec<Conformance>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckRow {
    pub label: String,
    /// Mean time per product on the device, in milliseconds, including transfers.
    pub millis: f64,
    /// The comparison with the CPU reference; `None` when the CPU itself ran it.
    pub outcome: Option<CheckOutcome>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_tagged_for_people_reading_them_in_devtools() {
        let start = ToWorker::Start {
            id: 7,
            job: Job::ComputeCheck { repetitions: 3 },
        };
        assert_eq!(
            serde_json::to_value(&start).expect("serializes"),
            serde_json::json!({"type": "start", "id": 7, "job": {"job": "compute_check", "repetitions": 3}})
        );
    }

    fn round_trip(message: FromWorker) {
        let json = serde_json::to_string(&message).expect("serializes");
        assert_eq!(
            serde_json::from_str::<FromWorker>(&json).expect("parses"),
            message,
            "{json}"
        );
    }

    #[test]
    fn every_answer_survives_the_trip_to_the_ui() {
        use studio_core::compute::{CheckCase, DeviceKind};
        let outcome = CheckOutcome {
            case: CheckCase {
                rows: 2,
                cols: 3,
                seed: 4,
            },
            max_scaled_error: 1e-8,
            tolerance: 1e-5,
            passed: true,
        };
        let report = DeviceReport {
            kind: DeviceKind::Gpu,
            adapter: None,
            reason: None,
            check: Some(outcome.clone()),
        };
        round_trip(FromWorker::Ready {
            build: Some(BUILD.to_owned()),
        });
        round_trip(FromWorker::Cancelled { id: 7 });
        round_trip(FromWorker::Done {
            id: 1,
            output: JobOutput::Device(report),
        });
        round_trip(FromWorker::Done {
            id: 2,
            output: JobOutput::Check(CheckReport {
                device: "CPU · test".to_owned(),
                repetitions: 3,
                rows: vec![CheckRow {
                    label: "matvec 2×3".to_owned(),
                    millis: 0.5,
                    outcome: Some(outcome),
                }],
            }),
        });
        round_trip(FromWorker::Progress {
            id: 2,
            done: 1,
            total: 8,
            message: "matvec 2×3".to_owned(),
            value: Some(0.5),
            unit: String::new(),
            held_out: None,
        });
        round_trip(FromWorker::Progress {
            id: 3,
            done: 4,
            total: 100,
            message: String::new(),
            value: Some(0.25),
            unit: "tree".to_owned(),
            held_out: Some(Box::new(HeldOutPoint {
                loss: Some(0.3),
                score: Some(NamedValue {
                    name: "out-of-bag accuracy".to_owned(),
                    value: 0.875,
                }),
            })),
        });
    }
}

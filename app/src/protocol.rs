//! The one message protocol between the UI thread and the compute worker.
//!
//! Every job has an id chosen by the UI. The worker answers a job with any number
//! of `Progress` messages and exactly one of `Done`, `Failed` or `Cancelled`.
//! Messages travel as structured-clone values made by serde-wasm-bindgen, in an
//! envelope `{ message, attachment }`: the attachment carries what serde cannot,
//! such as the `File` of an [`Job::OpenFile`], untouched.

use serde::{Deserialize, Serialize};
use studio_core::compute::{CheckOutcome, DeviceReport};
use studio_core::frame::ColumnSummary;
use studio_core::train::{Metrics, Task, TrainSpec};

/// Identifies one job for its whole life.
pub type JobId = u32;

/// UI → worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ToWorker {
    Start { id: JobId, job: Job },
    Cancel { id: JobId },
}

/// Work the worker can do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "job", rename_all = "snake_case")]
pub enum Job {
    /// Choose the compute device: create a GPU device and verify a kernel on it.
    DetectDevice,
    /// Run every check case on the chosen device, `repetitions` times each.
    ComputeCheck { repetitions: u32 },
    /// Read and parse the CSV `File` that travels as the message's attachment.
    OpenFile { name: String },
    /// Parse a bundled sample by name.
    OpenSample { name: String },
    /// Fit a model on the open dataset; progress carries the objective.
    Train { spec: TrainSpec },
    /// The last fitted pipeline as a downloadable file.
    Export { format: ExportFormat },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    Json,
    Onnx,
}

/// Worker → UI.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FromWorker {
    /// The worker is listening; messages sent before this would be lost.
    Ready,
    Progress {
        id: JobId,
        done: u32,
        total: u32,
        message: String,
        /// A number the step produced, such as the training objective.
        value: Option<f64>,
    },
    Done {
        id: JobId,
        output: JobOutput,
    },
    Failed {
        id: JobId,
        error: String,
    },
    Cancelled {
        id: JobId,
    },
    /// The worker panicked; it is unusable and the UI must replace it.
    Crashed {
        message: String,
    },
}

/// What a finished job produced. Adjacently tagged: the payloads have a `kind` of their own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum JobOutput {
    Device(DeviceReport),
    Check(CheckReport),
    Dataset(DatasetSummary),
    Trained(TrainSummary),
    File(ExportedFile),
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
    /// Set for bundled samples: the name a link refers to.
    pub sample: bool,
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
    pub converged: bool,
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
        round_trip(FromWorker::Ready);
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
        });
    }
}

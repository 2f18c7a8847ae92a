use std::cell::Cell;

use studio_core::compute::{Compute, ComputeError, CpuDevice, Device, check_cases, run_case};
use studio_core::frame::Frame;
use studio_core::model::Fitted;
use studio_core::train::{TrainError, TrainSpec, Trained, Trainer};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::WorkerGlobalScope;

use super::{data, detect, post, yield_now};
use crate::protocol::{
    CheckReport, CheckRow, ExportFormat, ExportedFile, FromWorker, Job, JobId, JobOutput,
    TrainSummary,
};

/// Runs one job to its final message.
pub async fn run(id: JobId, job: Job, attachment: JsValue, cancelled: &Cell<bool>) -> FromWorker {
    let result = match job {
        Job::DetectDevice => Ok(JobOutput::Device(detect::detect().await)),
        Job::ComputeCheck { repetitions } => compute_check(id, repetitions, cancelled).await,
        Job::OpenFile { name } => open_file(&name, attachment).await.map_err(Stop::Failed),
        Job::OpenSample { name } => data::open_sample(&name)
            .map(JobOutput::Dataset)
            .map_err(Stop::Failed),
        Job::Train { spec } => train(id, spec, cancelled).await,
        Job::Export { format } => export(format).map_err(Stop::Failed),
    };
    match result {
        Ok(output) => FromWorker::Done { id, output },
        Err(Stop::Cancelled) => FromWorker::Cancelled { id },
        Err(Stop::Failed(error)) => FromWorker::Failed { id, error },
    }
}

enum Stop {
    Cancelled,
    Failed(String),
}

/// Most repetitions one check may ask for; more would only make the page wait.
const MAX_REPETITIONS: u32 = 1000;

async fn compute_check(
    id: JobId,
    repetitions: u32,
    cancelled: &Cell<bool>,
) -> Result<JobOutput, Stop> {
    if !(1..=MAX_REPETITIONS).contains(&repetitions) {
        return Err(Stop::Failed(format!(
            "repetitions must be between 1 and {MAX_REPETITIONS}, but is {repetitions}"
        )));
    }
    let (device, report) = detect::selected().await;
    let cases = check_cases();
    let total = cases.len() as u32 * repetitions;
    let mut rows = Vec::with_capacity(cases.len());
    let mut done = 0;
    for case in cases {
        let (a, x) = case.inputs().map_err(|e| Stop::Failed(e.to_string()))?;
        let mut elapsed = 0.0;
        for _ in 0..repetitions {
            yield_now().await;
            if cancelled.get() {
                return Err(Stop::Cancelled);
            }
            let started = now();
            device
                .matvec(&a, &x)
                .await
                .map_err(|e| Stop::Failed(format!("{}: {e}", case.label())))?;
            elapsed += now() - started;
            done += 1;
            post(&FromWorker::Progress {
                id,
                done,
                total,
                message: case.label(),
                value: None,
            });
        }
        // The CPU is the reference: comparing it with itself would prove nothing.
        let outcome = match device.as_ref() {
            Device::Gpu(gpu) => Some(
                run_case(gpu.as_ref(), case)
                    .await
                    .map_err(|e| Stop::Failed(format!("{}: {e}", case.label())))?,
            ),
            Device::Cpu(_) => None,
        };
        rows.push(CheckRow {
            label: case.label(),
            millis: elapsed / f64::from(repetitions),
            outcome,
        });
    }
    Ok(JobOutput::Check(CheckReport {
        device: report.summary(),
        repetitions,
        rows,
    }))
}

async fn open_file(name: &str, file: JsValue) -> Result<JobOutput, String> {
    let file: web_sys::File = file
        .dyn_into()
        .map_err(|_| format!("{name} did not reach the worker as a file"))?;
    let buffer = wasm_bindgen_futures::JsFuture::from(file.array_buffer())
        .await
        .map_err(|e| format!("{} could not be read: {e:?}", file.name()))?;
    let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
    data::open(&file.name(), &bytes, false).map(JobOutput::Dataset)
}

/// Fits the model one optimizer iteration at a time on the selected device,
/// yielding between iterations so that Stop is seen, and streaming the objective
/// for the loss curve. If the GPU fails (device lost, out of memory), the job
/// trains again on the CPU and says so in the device it reports.
async fn train(id: JobId, spec: TrainSpec, cancelled: &Cell<bool>) -> Result<JobOutput, Stop> {
    let frame = data::frame().map_err(Stop::Failed)?;
    let max_iter = spec.model.get("max_iter") as u32;
    let model = spec.model.kind.name().to_owned();
    let task = spec.task;
    let (device, report) = detect::selected().await;
    let (trained, device) = match fit(id, &frame, spec.clone(), &device, cancelled).await? {
        Fit::Done(trained) => (*trained, report.summary()),
        Fit::GpuFailed(error) => {
            let device = format!("CPU · the GPU failed: {error}");
            post(&FromWorker::Progress {
                id,
                done: 0,
                total: max_iter,
                message: format!("{device}; training again on the CPU"),
                value: None,
            });
            match fit(id, &frame, spec, &Device::Cpu(CpuDevice), cancelled).await? {
                Fit::Done(trained) => (*trained, device),
                // The CPU has no device to fail.
                Fit::GpuFailed(error) => return Err(Stop::Failed(error.to_string())),
            }
        }
    };
    let classes = match &trained.pipeline.model {
        Fitted::Logistic { classes, .. } => classes.clone(),
        Fitted::Linear { .. } => Vec::new(),
    };
    let summary = TrainSummary {
        task,
        model,
        device,
        n_train: trained.split.train.len(),
        n_test: trained.split.test.len(),
        metrics: trained.metrics,
        classes,
        loss_curve: trained.loss_curve,
        converged: trained.converged,
    };
    data::keep_fitted(trained.pipeline);
    Ok(JobOutput::Trained(summary))
}

/// How a fit on one device ended, short of a stop.
enum Fit {
    Done(Box<Trained>),
    /// The GPU failed; the run can start again on the CPU.
    GpuFailed(ComputeError),
}

async fn fit(
    id: JobId,
    frame: &Frame,
    spec: TrainSpec,
    device: &Device,
    cancelled: &Cell<bool>,
) -> Result<Fit, Stop> {
    let max_iter = spec.model.get("max_iter") as u32;
    let failed = |error: TrainError| match error {
        TrainError::Gpu(error) => Ok(Fit::GpuFailed(error)),
        other => Err(Stop::Failed(other.to_string())),
    };
    let mut trainer = match Trainer::start(frame, None, spec, device).await {
        Ok(trainer) => trainer,
        Err(error) => return failed(error),
    };
    loop {
        yield_now().await;
        if cancelled.get() {
            return Err(Stop::Cancelled);
        }
        let more = match trainer.step().await {
            Ok(more) => more,
            Err(error) => return failed(error),
        };
        post(&FromWorker::Progress {
            id,
            done: trainer.iterations() as u32,
            total: max_iter,
            message: format!("iteration {}", trainer.iterations()),
            value: Some(trainer.loss()),
        });
        if !more {
            break;
        }
    }
    Ok(Fit::Done(Box::new(trainer.finish())))
}

fn export(format: ExportFormat) -> Result<JobOutput, String> {
    let pipeline = data::fitted()?;
    match format {
        ExportFormat::Json => Ok(JobOutput::File(ExportedFile {
            name: "model.json".to_owned(),
            mime: "application/json".to_owned(),
            bytes: serde_json::to_vec_pretty(&pipeline).map_err(|e| e.to_string())?,
        })),
        ExportFormat::Onnx => Ok(JobOutput::File(ExportedFile {
            name: "model.onnx".to_owned(),
            mime: "application/octet-stream".to_owned(),
            bytes: studio_core::export::to_onnx(&pipeline).map_err(|e| e.to_string())?,
        })),
    }
}

/// Milliseconds from the worker's clock.
fn now() -> f64 {
    let scope: WorkerGlobalScope = js_sys::global().unchecked_into();
    scope
        .performance()
        .map_or(0.0, |performance| performance.now())
}

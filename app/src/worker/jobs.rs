use std::cell::Cell;

use studio_core::compute::{Device, check_cases, run_case};
use studio_core::frame::{quality, statistics};
use studio_core::notebook::Notebook;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::WorkerGlobalScope;

use super::data::{Opened, Source};
use super::load::LoadStop;
use super::{cells, data, detect, exclusive, kernels, load, post, saved, yield_now};
use crate::protocol::{
    CheckReport, CheckRow, ExportFormat, ExportedFile, FromWorker, Job, JobError, JobId, JobOutput,
    Origin,
};
use studio_core::ingest::LoadOptions;

/// Runs one job to its final message.
pub async fn run(id: JobId, job: Job, attachment: JsValue, cancelled: &Cell<bool>) -> FromWorker {
    let result = match job {
        Job::DetectDevice => Ok(JobOutput::Device(detect::detect().await)),
        Job::ComputeCheck { repetitions } => compute_check(id, repetitions, cancelled).await,
        Job::Conformance => kernels::conformance(id, cancelled).await,
        Job::Bench { op, size, device } => kernels::bench(op, size, device).await,
        Job::OpenFile {
            cell,
            name,
            options,
        } => match attachment.dyn_into::<web_sys::File>() {
            Ok(file) => open_file(id, cell, file, options, None, cancelled).await,
            Err(_) => Err(Stop::Failed(format!(
                "{name} did not reach the worker as a file"
            ))),
        },
        Job::Fingerprint => Err(Stop::Failed(
            "a fingerprint job is fed its file by the worker that asked for it".to_owned(),
        )),
        Job::OpenSample {
            cell,
            name,
            options,
        } => open_sample(cell, &name, options).map_err(Stop::Failed),
        Job::OpenSynthetic { cell, spec } => synthetic(cell, spec, cancelled).await,
        Job::OpenSaved { cell, id: saved_id } => open_saved(cell, &saved_id, cancelled).await,
        Job::Reload { cell, options } => reload(id, cell, options, cancelled).await,
        Job::SetRoles { cell, roles } => data::set_roles(cell, &roles)
            .map(|()| JobOutput::Updated)
            .map_err(Stop::Failed),
        // Windows are asked for while scrolling: a newer request cancels this one.
        Job::Rows {
            cell,
            view,
            start,
            count,
        } => match checkpoint(cancelled).await {
            Ok(()) => data::rows(cell, &view, start, count)
                .map(JobOutput::Rows)
                .map_err(Stop::Failed),
            Err(stop) => Err(stop),
        },
        Job::Statistics { cell } => data::frame(cell)
            .map(|frame| {
                let names = frame.columns().iter().map(|c| c.name.clone());
                JobOutput::Statistics(names.zip(statistics::statistics(&frame)).collect())
            })
            .map_err(Stop::Failed),
        Job::Quality { cell, target } => data::frame(cell)
            .map(|frame| JobOutput::Warnings(quality::warnings(&frame, target.as_deref())))
            .map_err(Stop::Failed),
        Job::Save { cell } => match data::for_saving(cell) {
            Ok((frame, meta)) => saved::save(&frame, &meta)
                .await
                .map(|id| JobOutput::Stored { id })
                .map_err(Stop::Failed),
            Err(e) => Err(Stop::Failed(e)),
        },
        Job::ListSaved => saved::list()
            .await
            .map(JobOutput::Saved)
            .map_err(Stop::Failed),
        Job::DeleteSaved { id: saved_id } => match saved::delete(&saved_id).await {
            Ok(()) => saved::list()
                .await
                .map(JobOutput::Saved)
                .map_err(Stop::Failed),
            Err(e) => Err(Stop::Failed(e)),
        },
        Job::RunCell {
            notebook,
            cell,
            boundary,
        } => cells::run(id, &notebook, cell, boundary, cancelled).await,
        Job::Boundary {
            notebook,
            cell,
            spec,
        } => match checkpoint(cancelled).await {
            Ok(()) => cells::boundary(&notebook, cell, &spec).map_err(Stop::Error),
            Err(stop) => Err(stop),
        },
        Job::Form { notebook, cell } => cells::form(&notebook, cell).map_err(Stop::Error),
        Job::TryRow {
            notebook,
            cell,
            values,
        } => cells::try_row(&notebook, cell, &values).map_err(Stop::Error),
        Job::Projection {
            notebook,
            cell,
            spec,
        } => match checkpoint(cancelled).await {
            Ok(()) => cells::projection(&notebook, cell, &spec).map_err(Stop::Error),
            Err(stop) => Err(stop),
        },
        Job::Export {
            format,
            cell,
            notebook,
        } => match checkpoint(cancelled).await {
            Ok(()) => export(format, cell, notebook).map_err(Stop::Error),
            Err(stop) => Err(stop),
        },
    };
    match result {
        Ok(output) => FromWorker::Done { id, output },
        Err(Stop::Cancelled) => FromWorker::Cancelled { id },
        Err(Stop::Failed(message)) => FromWorker::Failed {
            id,
            error: JobError::data(message),
        },
        Err(Stop::Error(error)) => FromWorker::Failed { id, error },
    }
}

/// Why a job ended before its result.
pub enum Stop {
    Cancelled,
    /// About the data or file the job was given.
    Failed(String),
    /// Placed where it belongs.
    Error(JobError),
}

/// Lets a `Cancel` arrive, and stops if one did.
async fn checkpoint(cancelled: &Cell<bool>) -> Result<(), Stop> {
    yield_now().await;
    if cancelled.get() {
        return Err(Stop::Cancelled);
    }
    Ok(())
}

/// Generates a synthetic dataset, seeing a `Cancel` before and after the work.
async fn synthetic(
    cell: u32,
    spec: studio_core::synthetic::Synthetic,
    cancelled: &Cell<bool>,
) -> Result<JobOutput, Stop> {
    checkpoint(cancelled).await?;
    let opened = data::synthetic(spec).map_err(Stop::Failed)?;
    checkpoint(cancelled).await?;
    Ok(JobOutput::Dataset(Box::new(data::keep(cell, opened, None))))
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
    let _turn = exclusive::turn(cancelled).await?;
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
                .map_err(|e| Stop::Error(JobError::device(format!("{}: {e}", case.label()))))?;
            elapsed += now() - started;
            done += 1;
            post(&FromWorker::Progress {
                id,
                done,
                total,
                message: case.label(),
                value: None,
                unit: String::new(),
                held_out: None,
            });
        }
        // The CPU is the reference: comparing it with itself would prove nothing.
        let outcome =
            match device.as_ref() {
                Device::Gpu(gpu) => Some(run_case(gpu.as_ref(), case).await.map_err(|e| {
                    Stop::Error(JobError::device(format!("{}: {e}", case.label())))
                })?),
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

/// Streams a local file in, then keeps its parsed columns in this browser.
async fn open_file(
    id: JobId,
    cell: u32,
    file: web_sys::File,
    options: LoadOptions,
    sha256: Option<String>,
    cancelled: &Cell<bool>,
) -> Result<JobOutput, Stop> {
    let started = now();
    let loaded = load::file(id, &file, options.clone(), sha256, cancelled)
        .await
        .map_err(|stop| match stop {
            LoadStop::Cancelled => Stop::Cancelled,
            LoadStop::Failed(e) => Stop::Failed(e),
        })?;
    let name = file.name();
    let source = Source::File {
        file,
        sha256: loaded.sha256.clone(),
    };
    let mut opened = Opened::loaded(name, Origin::File, source, loaded, options);
    opened.read_seconds = Some((now() - started) / 1000.0);
    Ok(JobOutput::Dataset(Box::new(data::keep(cell, opened, None))))
}

fn open_sample(cell: u32, name: &str, options: LoadOptions) -> Result<JobOutput, String> {
    let bytes = studio_core::samples::csv(name)?;
    let loaded =
        studio_core::ingest::load(bytes, name, options.clone()).map_err(|e| e.to_string())?;
    let opened = Opened::loaded(
        name.to_owned(),
        Origin::Sample,
        Source::Sample(name.to_owned()),
        loaded,
        options,
    );
    Ok(JobOutput::Dataset(Box::new(data::keep(cell, opened, None))))
}

async fn open_saved(cell: u32, saved_id: &str, cancelled: &Cell<bool>) -> Result<JobOutput, Stop> {
    checkpoint(cancelled).await?;
    let (frame, meta) = saved::open(saved_id).await.map_err(Stop::Failed)?;
    checkpoint(cancelled).await?;
    let opened = Opened {
        name: meta.name,
        origin: Origin::Saved {
            id: saved_id.to_owned(),
        },
        source: Source::Saved,
        frame,
        dialect: meta.dialect,
        problems: meta.problems,
        sha256: meta.sha256,
        bytes: meta.bytes,
        options: meta.options,
        read_seconds: None,
    };
    Ok(JobOutput::Dataset(Box::new(data::keep(
        cell,
        opened,
        Some(Ok(saved_id.to_owned())),
    ))))
}

/// Reads the open dataset's file again with new options.
async fn reload(
    id: JobId,
    cell: u32,
    options: LoadOptions,
    cancelled: &Cell<bool>,
) -> Result<JobOutput, Stop> {
    match data::source(cell).map_err(Stop::Failed)? {
        Source::File { file, sha256 } => {
            open_file(id, cell, file, options, Some(sha256), cancelled).await
        }
        Source::Sample(name) => open_sample(cell, &name, options).map_err(Stop::Failed),
        Source::Saved => Err(Stop::Failed(
            "this dataset was reopened from the browser's storage, which keeps its parsed columns but not the CSV: open the CSV file again to read it with other settings".to_owned(),
        )),
        Source::Synthetic => Err(Stop::Failed(
            "generated data has no file to read again: change the generator's settings instead".to_owned(),
        )),
    }
}

/// The open dataset as CSV, or train cell `cell`'s fitted pipeline as `notebook`
/// has it now.
fn export(
    format: ExportFormat,
    cell: Option<u32>,
    notebook: Option<Box<Notebook>>,
) -> Result<JobOutput, JobError> {
    let cell = cell.ok_or_else(|| JobError::internal("say which cell to export"))?;
    let fitted = || -> Result<_, JobError> {
        let notebook = notebook
            .as_ref()
            .ok_or_else(|| JobError::internal("say which notebook the model is of"))?;
        cells::trained(notebook, cell)
    };
    let file = match format {
        ExportFormat::Csv => {
            let frame = data::frame(cell).map_err(JobError::data)?;
            let name = data::name(cell).map_err(JobError::data)?;
            let stem = name.strip_suffix(".csv").unwrap_or(&name);
            ExportedFile {
                name: format!("{stem}-studio.csv"),
                mime: "text/csv".to_owned(),
                bytes: studio_core::frame::to_csv(&frame),
            }
        }
        ExportFormat::Json => ExportedFile {
            name: "model.json".to_owned(),
            mime: "application/json".to_owned(),
            bytes: serde_json::to_vec_pretty(&fitted()?.pipeline)
                .map_err(|e| JobError::internal(e.to_string()))?,
        },
        ExportFormat::Onnx => ExportedFile {
            name: "model.onnx".to_owned(),
            mime: "application/octet-stream".to_owned(),
            bytes: studio_core::export::to_onnx(&fitted()?.pipeline)
                .map_err(|e| JobError::internal(e.to_string()))?,
        },
    };
    Ok(JobOutput::File(file))
}

/// Milliseconds from the worker's clock.
pub fn now() -> f64 {
    let scope: WorkerGlobalScope = js_sys::global().unchecked_into();
    scope
        .performance()
        .map_or(0.0, |performance| performance.now())
}

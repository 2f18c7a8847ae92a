use std::cell::Cell;

use studio_core::compute::{Compute, Device, check_cases, run_case};
use wasm_bindgen::JsCast;
use web_sys::WorkerGlobalScope;

use super::{detect, post, yield_now};
use crate::protocol::{CheckReport, CheckRow, FromWorker, Job, JobId, JobOutput};

/// Runs one job to its final message.
pub async fn run(id: JobId, job: Job, cancelled: &Cell<bool>) -> FromWorker {
    let result = match job {
        Job::DetectDevice => Ok(JobOutput::Device(detect::detect().await)),
        Job::ComputeCheck { repetitions } => compute_check(id, repetitions, cancelled).await,
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

/// Milliseconds from the worker's clock.
fn now() -> f64 {
    let scope: WorkerGlobalScope = js_sys::global().unchecked_into();
    scope
        .performance()
        .map_or(0.0, |performance| performance.now())
}

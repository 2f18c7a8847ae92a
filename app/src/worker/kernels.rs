//! The kernel conformance subset and the operation benchmark, in the worker.

use std::cell::Cell;

use studio_core::bench::{self, BenchOp, BenchResult};
use studio_core::compute::conformance::{self, browser_cases};
use studio_core::compute::{CpuDevice, Device, DeviceKind};

use super::jobs::{Stop, now};
use super::{detect, exclusive, post, yield_now};
use crate::protocol::{ConformanceReport, FromWorker, JobError, JobId, JobOutput};

/// Runs the browser's conformance cases on the chosen GPU, one at a time with progress.
pub async fn conformance(id: JobId, cancelled: &Cell<bool>) -> Result<JobOutput, Stop> {
    let _turn = exclusive::turn(cancelled).await?;
    let (device, report) = detect::selected().await;
    let Device::Gpu(gpu) = device.as_ref() else {
        return Err(Stop::Failed(
            "there is no GPU to check: the CPU is the reference the GPU is checked against"
                .to_owned(),
        ));
    };
    let cases = browser_cases();
    let total = cases.len() as u32;
    let mut rows = Vec::with_capacity(cases.len());
    for (done, case) in cases.into_iter().enumerate() {
        yield_now().await;
        if cancelled.get() {
            return Err(Stop::Cancelled);
        }
        let outcome = conformance::run(gpu.as_ref(), case, done as u64 + 1)
            .await
            .map_err(|e| Stop::Error(JobError::device(format!("{}: {e}", case.label()))))?;
        post(&FromWorker::Progress {
            id,
            done: done as u32 + 1,
            total,
            message: outcome.label.clone(),
            value: None,
            unit: String::new(),
            held_out: None,
        });
        rows.push(outcome);
    }
    Ok(JobOutput::Conformance(ConformanceReport {
        device: report.summary(),
        rows,
    }))
}

/// The most memory one benchmark may take in the page.
const MAX_BENCH_BYTES: u64 = 1 << 30;

/// Times one operation for about a second on the CPU or the GPU.
pub async fn bench(op: BenchOp, size: usize, kind: Option<DeviceKind>) -> Result<JobOutput, Stop> {
    if size == 0 {
        return Err(Stop::Failed("the size must be at least 1".to_owned()));
    }
    let bytes = op.bytes(size);
    if bytes > MAX_BENCH_BYTES {
        return Err(Stop::Failed(format!(
            "{} at size {size} needs about {} MB; the page allows {} MB: choose a smaller size",
            op.name(),
            bytes >> 20,
            MAX_BENCH_BYTES >> 20
        )));
    }
    // A bench is short and not cancelled: it waits its turn until it comes.
    let _turn = exclusive::turn(&Cell::new(false)).await?;
    let (device, report) = detect::selected().await;
    let clock = || now() / 1000.0;
    let (device_name, adapter, timing) = match (kind, device.as_ref()) {
        (Some(DeviceKind::Cpu), _) | (None, Device::Cpu(_)) => {
            let cpu = Device::Cpu(CpuDevice::default());
            (
                "cpu",
                "CPU (wasm, one thread)".to_owned(),
                bench::run(&cpu, op, size, 1.0, &clock).await,
            )
        }
        (_, gpu @ Device::Gpu(_)) => {
            let adapter = report
                .adapter
                .as_ref()
                .map_or_else(|| "GPU".to_owned(), |a| a.name.clone());
            ("gpu", adapter, bench::run(gpu, op, size, 1.0, &clock).await)
        }
        (Some(DeviceKind::Gpu), Device::Cpu(_)) => {
            return Err(Stop::Failed(format!(
                "there is no GPU to time: {}",
                report.summary()
            )));
        }
    };
    let (seconds, gflops) =
        timing.map_err(|e| Stop::Error(JobError::device(format!("{}: {e}", op.name()))))?;
    let (m, n, k) = op.dims(size);
    Ok(JobOutput::Bench(BenchResult {
        op: op.name().to_owned(),
        device: device_name.to_owned(),
        adapter,
        m,
        n,
        k,
        seconds,
        gflops,
    }))
}

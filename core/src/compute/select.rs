use serde::{Deserialize, Serialize};

use super::{
    CheckCase, Compute, ComputeError, CpuDevice, DeviceKind, DeviceReport, GpuDevice,
    GpuUnavailable, Matrix, run_case,
};

/// Which device the person asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Preference {
    /// The GPU when one works, otherwise the CPU.
    #[default]
    Auto,
    /// The GPU or an error.
    Gpu,
    /// The CPU, even when a GPU exists.
    Cpu,
}

/// The device chosen to run the work.
#[derive(Debug)]
pub enum Device {
    /// Boxed: a GPU context is large and the CPU device is empty.
    Gpu(Box<GpuDevice>),
    Cpu(CpuDevice),
}

impl Device {
    /// `y = A x` on whichever device this is: the device check.
    pub async fn matvec(&self, a: &Matrix, x: &[f32]) -> Result<Vec<f32>, ComputeError> {
        match self {
            Device::Gpu(gpu) => gpu.matvec(a, x).await,
            Device::Cpu(cpu) => cpu.matvec(a, x).await,
        }
    }
}

/// Picks the device for `preference` and reports the choice and its reason.
///
/// A GPU is used only after a verification kernel on it agrees with the CPU, so a
/// broken driver never silently produces wrong numbers. [`Preference::Auto`]
/// passes over software renderers (lavapipe, llvmpipe, SwiftShader, WARP: an
/// adapter of device type CPU, or a browser's fallback adapter). With
/// [`Preference::Gpu`], any GPU is used, and one that cannot be is an error
/// rather than a fallback. A GPU chosen by `auto` takes only the fits whose work
/// per step pays for it ([`crate::learner::GPU_MIN_WORK`]).
pub async fn select(preference: Preference) -> Result<(Device, DeviceReport), GpuUnavailable> {
    if preference == Preference::Cpu {
        return Ok(on_cpu("the CPU was requested".to_owned()));
    }
    match verified_gpu().await {
        // A software renderer trains several times slower than the CPU path
        // (BENCHMARKS.md): auto passes over it; asked for by name, it is used.
        Ok((_, report)) if preference == Preference::Auto && report.is_software() => {
            let name = report.adapter.map(|a| a.name).unwrap_or_default();
            Ok(on_cpu(format!(
                "the GPU adapter offered, {name}, is a software renderer running on the CPU, \
                 slower than Studio's own CPU path (to train on it anyway, use --device gpu, \
                 or open Studio with ?device=gpu)"
            )))
        }
        Ok((Device::Gpu(gpu), report)) if preference == Preference::Auto => {
            Ok((Device::Gpu(Box::new(gpu.only_where_it_pays())), report))
        }
        Ok(selected) => Ok(selected),
        Err(unavailable) if preference == Preference::Auto => Ok(on_cpu(unavailable.to_string())),
        Err(unavailable) => Err(unavailable),
    }
}

/// Requests a GPU and runs the verification case on it.
pub async fn verified_gpu() -> Result<(Device, DeviceReport), GpuUnavailable> {
    let gpu = GpuDevice::request().await?;
    let adapter = gpu.adapter().clone();
    let case = VERIFY_CASE;
    let outcome = run_case(&gpu, case)
        .await
        .map_err(|e| GpuUnavailable::CheckFailed {
            adapter: adapter.name.clone(),
            detail: e.to_string(),
        })?;
    if !outcome.passed {
        return Err(GpuUnavailable::CheckFailed {
            adapter: adapter.name.clone(),
            detail: format!(
                "{} differed from the CPU by {:.3e} (tolerance {:.0e})",
                case.label(),
                outcome.max_scaled_error,
                outcome.tolerance
            ),
        });
    }
    let report = DeviceReport {
        kind: DeviceKind::Gpu,
        adapter: Some(adapter),
        reason: None,
        check: Some(outcome),
    };
    Ok((Device::Gpu(Box::new(gpu)), report))
}

/// Small enough to take milliseconds, large enough to span several workgroups
/// with a ragged last one.
const VERIFY_CASE: CheckCase = CheckCase {
    rows: 257,
    cols: 129,
    seed: 0x5EED,
};

/// The CPU device, with the reason it was chosen.
pub fn on_cpu(reason: String) -> (Device, DeviceReport) {
    let report = DeviceReport {
        kind: DeviceKind::Cpu,
        adapter: None,
        reason: Some(reason),
        check: None,
    };
    (Device::Cpu(CpuDevice::default()), report)
}

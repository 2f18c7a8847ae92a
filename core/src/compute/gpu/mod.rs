//! The GPU implementation: WGSL compute shaders through wgpu.
//!
//! One [`GpuDevice`] owns the device, queue and compiled pipelines; it is built once
//! and reused for every call. The operations of [`Compute`] are recorded by
//! `recorder.rs` and dispatched by `dispatch.rs`; their kernels (`kernels.rs`) are one
//! `.wgsl` file each, compiled on first use and cached by shape class. A model
//! family with kernels of its own (the linear objectives in `model/gpu/`) builds
//! them on this device through [`GpuDevice::kernel`] and its buffers through the
//! device and queue: compute knows no model.
//!
//! Platform rules: natively, results are read back by mapping a staging buffer and
//! polling the device until the map completes; in the browser, polling is a no-op and
//! the map completes on the event loop, so the same code simply awaits.

mod adapter;
mod buffer;
mod dispatch;
mod kernel;
mod kernels;
mod readback;
mod recorder;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use thiserror::Error;

pub use adapter::summarize;
pub use buffer::GpuBuffer;
pub use kernel::Kernel;
pub use readback::read_f32;

use super::{AdapterSummary, ComputeError};

/// Why no GPU device could be used.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum GpuUnavailable {
    #[error("{0}")]
    NoAdapter(String),
    #[error("the GPU adapter {adapter} refused to create a device ({message})")]
    DeviceRefused { adapter: String, message: String },
    #[error("the GPU kernel check failed on {adapter}: {detail}")]
    CheckFailed { adapter: String, detail: String },
}

/// A GPU device with its compiled pipelines.
///
/// Cloning is cheap and shares the device: wgpu's handles are reference-counted.
#[derive(Debug, Clone)]
pub struct GpuDevice {
    device: wgpu::Device,
    queue: wgpu::Queue,
    adapter: AdapterSummary,
    limits: wgpu::Limits,
    recorder: Arc<recorder::Recorder>,
    /// Kernels built for model families, by label, compiled once per device.
    kernels: Arc<Mutex<HashMap<&'static str, Kernel>>>,
    /// Set by wgpu's callbacks when the device is lost or an error escapes a scope.
    fault: Arc<Mutex<Option<String>>>,
    /// Chosen by `auto`: fits use it only where their work pays for its fixed
    /// costs; a GPU asked for by name takes every fit with a GPU path.
    only_where_it_pays: bool,
}

impl GpuDevice {
    /// Asks the platform for its preferred adapter and creates a device on it.
    ///
    /// Natively the backends can be narrowed with `WGPU_BACKEND` (e.g. `vulkan`).
    pub async fn request() -> Result<Self, GpuUnavailable> {
        let instance = new_instance();
        let adapter = instance
            .request_adapter(&wgpu::RequestAdapterOptions {
                power_preference: wgpu::PowerPreference::HighPerformance,
                ..Default::default()
            })
            .await
            .map_err(no_adapter)?;
        Self::from_adapter(adapter).await
    }

    /// Creates a device on a given adapter, so tests and tools can choose their own.
    pub async fn from_adapter(adapter: wgpu::Adapter) -> Result<Self, GpuUnavailable> {
        let summary = summarize(&adapter.get_info());
        // Ask for the adapter's own limits: the defaults would cap buffers at 256 MiB
        // even where the hardware allows more.
        let limits = adapter.limits();
        let (device, queue) = adapter
            .request_device(&wgpu::DeviceDescriptor {
                label: Some("studio"),
                required_limits: limits.clone(),
                ..Default::default()
            })
            .await
            .map_err(|e| GpuUnavailable::DeviceRefused {
                adapter: summary.name.clone(),
                message: e.to_string(),
            })?;

        let fault = Arc::new(Mutex::new(None));
        let on_lost = Arc::clone(&fault);
        device.set_device_lost_callback(move |reason, message| {
            record(&on_lost, format!("{reason:?}: {message}"));
        });
        // Without a handler wgpu panics on an error no scope caught; record it instead.
        let on_error = Arc::clone(&fault);
        device.on_uncaptured_error(Arc::new(move |error: wgpu::Error| {
            record(&on_error, error.to_string());
        }));

        // Natively wgpu's handles are Send and Sync and the Arc lets the device cross
        // threads; in wasm they are neither, and there is only one thread.
        #[allow(clippy::arc_with_non_send_sync)]
        let recorder = Arc::new(recorder::Recorder::new(device.clone(), queue.clone()));
        #[allow(clippy::arc_with_non_send_sync)]
        let kernels = Arc::new(Mutex::new(HashMap::new()));
        Ok(Self {
            device,
            queue,
            adapter: summary,
            limits,
            recorder,
            kernels,
            fault,
            only_where_it_pays: false,
        })
    }

    /// This device as `auto` chose it: fits too small to pay for the GPU's
    /// dispatches and read-backs stay on the CPU.
    pub fn only_where_it_pays(mut self) -> Self {
        self.only_where_it_pays = true;
        self
    }

    /// Whether fits too small to pay for the GPU stay on the CPU.
    pub fn takes_only_what_pays(&self) -> bool {
        self.only_where_it_pays
    }

    /// The limits this device was created with: the adapter's own.
    pub fn limits(&self) -> &wgpu::Limits {
        &self.limits
    }

    /// The adapter this device runs on.
    pub fn adapter(&self) -> &AdapterSummary {
        &self.adapter
    }

    /// Destroys the device, as a driver reset or a lost GPU would: every later
    /// operation and read reports [`ComputeError::DeviceLost`]. For the page's
    /// diagnostics and the tests that show a lost GPU's work going on on the CPU.
    pub fn destroy(&self) {
        record(&self.fault, "the device was destroyed".to_owned());
        self.device.destroy();
    }

    /// The wgpu device, for a model family's own buffers and dispatches.
    pub fn device(&self) -> &wgpu::Device {
        &self.device
    }

    pub fn queue(&self) -> &wgpu::Queue {
        &self.queue
    }

    /// The kernel `source` (entry point `main`) under `label`, compiled on this
    /// device the first time it is asked for. A family asks inside an error scope
    /// of its own: a kernel the platform's compiler rejects is an error there.
    pub fn kernel(&self, label: &'static str, source: &'static str) -> Kernel {
        let compile = || Kernel::new(&self.device, label, source);
        match self.kernels.lock() {
            Ok(mut kernels) => kernels.entry(label).or_insert_with(compile).clone(),
            Err(_) => compile(),
        }
    }

    /// Fails if the device was lost or an uncaught error was reported.
    pub fn check_fault(&self) -> Result<(), ComputeError> {
        match self.fault.lock() {
            Ok(fault) => match fault.as_ref() {
                Some(message) => Err(ComputeError::DeviceLost(message.clone())),
                None => Ok(()),
            },
            Err(_) => Err(ComputeError::DeviceLost("fault state poisoned".to_owned())),
        }
    }

    /// The most bytes one storage buffer may hold and still be bound whole.
    pub fn binding_limit(&self) -> u64 {
        self.limits
            .max_storage_buffer_binding_size
            .min(self.limits.max_buffer_size)
    }

    /// Checks that a storage buffer of `bytes` fits this device.
    pub fn check_binding(&self, what: &'static str, bytes: u64) -> Result<(), ComputeError> {
        let limit = self.binding_limit();
        if bytes > limit {
            return Err(ComputeError::TooLarge { what, bytes, limit });
        }
        Ok(())
    }
}

/// Lists every adapter the platform offers (natively; the browser offers one at a time).
pub async fn enumerate_adapters() -> Vec<AdapterSummary> {
    new_instance()
        .enumerate_adapters(wgpu::Backends::all())
        .await
        .iter()
        .map(|adapter| summarize(&adapter.get_info()))
        .collect()
}

fn new_instance() -> wgpu::Instance {
    wgpu::Instance::new(wgpu::InstanceDescriptor::new_without_display_handle_from_env())
}

/// In the browser, wgpu's list of backends it was not built with only confuses.
#[cfg(target_arch = "wasm32")]
fn no_adapter(_: wgpu::RequestAdapterError) -> GpuUnavailable {
    GpuUnavailable::NoAdapter("WebGPU offered no adapter".to_owned())
}

#[cfg(not(target_arch = "wasm32"))]
fn no_adapter(error: wgpu::RequestAdapterError) -> GpuUnavailable {
    GpuUnavailable::NoAdapter(format!("no GPU adapter was found ({error})"))
}

fn record(slot: &Mutex<Option<String>>, message: String) {
    if let Ok(mut slot) = slot.lock() {
        slot.get_or_insert(message);
    }
}

use serde::{Deserialize, Serialize};

/// Which kind of device runs the work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DeviceKind {
    Gpu,
    Cpu,
}

/// What is known about a GPU adapter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdapterSummary {
    /// The adapter's name, or a description when the platform hides the name.
    pub name: String,
    /// The graphics API behind it: "WebGPU", "Vulkan", "Metal", "DX12", "GL".
    pub backend: String,
    /// "discrete", "integrated", "virtual", "cpu" or "other".
    pub device_type: String,
    /// The driver, where the platform tells it.
    pub driver: String,
}

impl AdapterSummary {
    /// A software renderer: wgpu reports device type CPU for lavapipe, llvmpipe
    /// and WARP natively, and for a browser's fallback adapter (SwiftShader).
    pub fn is_software(&self) -> bool {
        self.device_type == "cpu"
    }
}

/// The outcome of device selection: what will run the work and why.
///
/// This is plain data so that it can cross the worker boundary and be printed by
/// the CLI unchanged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeviceReport {
    pub kind: DeviceKind,
    /// The GPU adapter in use; `None` on the CPU.
    pub adapter: Option<AdapterSummary>,
    /// Why the CPU was chosen; `None` when the GPU runs the work.
    pub reason: Option<String>,
    /// The verification kernel's outcome, when a GPU device was created.
    pub check: Option<super::CheckOutcome>,
}

impl DeviceReport {
    /// Whether the chosen adapter is a software renderer.
    pub fn is_software(&self) -> bool {
        self.adapter
            .as_ref()
            .is_some_and(AdapterSummary::is_software)
    }

    /// One line for people: `WebGPU · <adapter>` or `CPU · <why>`.
    pub fn summary(&self) -> String {
        match (self.kind, &self.adapter) {
            (DeviceKind::Gpu, Some(adapter)) => format!("{} · {}", adapter.backend, adapter.name),
            (DeviceKind::Gpu, None) => "GPU".to_owned(),
            (DeviceKind::Cpu, _) => format!(
                "CPU · {}",
                self.reason.as_deref().unwrap_or("chosen by the user")
            ),
        }
    }
}

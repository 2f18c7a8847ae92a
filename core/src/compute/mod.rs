//! One compute interface, two implementations.
//!
//! [`Compute`] is the set of operations the models need. [`GpuDevice`] runs them as
//! WGSL compute shaders through wgpu (WebGPU in the browser, Vulkan, Metal or DX12
//! natively); [`CpuDevice`] runs them with ndarray and is the reference the GPU is
//! checked against. [`select`] picks the GPU when an adapter exists and its kernels
//! give the CPU's answers, and says why when it does not.

mod check;
mod cpu;
mod error;
mod gpu;
mod matrix;
mod report;
mod select;

pub use check::{CheckCase, CheckOutcome, check_cases, run_case};
pub use cpu::CpuDevice;
pub use error::ComputeError;
pub use gpu::{GpuDevice, GpuLinearLoss, GpuUnavailable, RowLoss, enumerate_adapters};
pub use matrix::Matrix;
pub use report::{AdapterSummary, DeviceKind, DeviceReport};
pub use select::{Device, Preference, on_cpu, select};

/// The operations every compute device provides.
///
/// Methods are async because GPU results arrive asynchronously; the CPU device
/// answers at once. Inputs are validated before any work starts.
#[allow(async_fn_in_trait)] // Devices are used by concrete type or through `Device`, never as `dyn`.
pub trait Compute {
    /// Matrix-vector product `y = A x`.
    async fn matvec(&self, a: &Matrix, x: &[f32]) -> Result<Vec<f32>, ComputeError>;
}

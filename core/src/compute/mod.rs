//! One compute interface, two implementations.
//!
//! [`Compute`] is the set of operations the models stand on: matrix products, elementwise
//! functions, reductions, fused losses, distances, histograms, column statistics and
//! optimizer steps, each described by a plain value from [`ops`]. [`GpuDevice`] runs
//! them as WGSL compute shaders through wgpu (WebGPU in the browser, Vulkan, Metal or
//! DX12 natively); [`CpuDevice`] runs them with ndarray and loops, and is the reference
//! the GPU is checked against. [`select`] picks the GPU when an adapter exists and its
//! kernels give the CPU's answers, and says why when it does not.

pub mod bench;
mod check;
pub mod conformance;
mod cpu;
mod error;
mod gpu;
mod interface;
mod matrix;
pub mod ops;
mod report;
mod select;

pub use check::{CheckCase, CheckOutcome, check_cases, judge, run_case};
pub use cpu::{CpuBuffer, CpuDevice};
pub use error::ComputeError;
pub use gpu::{GpuBuffer, GpuDevice, GpuUnavailable, Kernel, enumerate_adapters, read_f32};
pub use interface::{Compute, DeviceBuffer};
pub use matrix::Matrix;
pub use ops::{Binary, Unary};
pub use report::{AdapterSummary, DeviceKind, DeviceReport};
pub use select::{Device, Preference, on_cpu, select};

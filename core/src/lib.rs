//! Studio's pure library: everything the browser app and the `studio` command run.
//!
//! `studio-core` knows nothing of the DOM, Leptos or JavaScript. It builds for
//! `wasm32-unknown-unknown` and natively, and never panics on user data: every
//! failure is a typed error that says what went wrong and what to do.
//!
//! The compute layer is the first part: one [`compute::Compute`] interface with a
//! GPU implementation (wgpu, WGSL) and a CPU implementation (ndarray), and the
//! device selection that picks between them.
//!
//! ```
//! use studio_core::compute::{Compute, CpuDevice, Matrix};
//!
//! let a = Matrix::new(2, 3, vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0])?;
//! let y = pollster::block_on(CpuDevice::default().matvec(&a, &[1.0, 0.0, -1.0]))?;
//! assert_eq!(y, vec![-2.0, -2.0]);
//! # Ok::<(), studio_core::compute::ComputeError>(())
//! ```

pub mod bench;
pub mod boundary;
pub mod compute;
pub mod eval;
pub mod export;
pub mod frame;
pub mod ingest;
pub mod learner;
pub mod model;
pub mod notebook;
pub mod online;
pub mod parallel;
pub mod prep;
pub mod projection;
pub mod rng;
pub mod samples;
pub mod split;
pub mod synthetic;
pub mod train;
pub mod try_model;

/// The version of Studio, shown by the app and by `studio --version`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

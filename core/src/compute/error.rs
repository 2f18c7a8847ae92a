use thiserror::Error;

/// Why a compute operation could not run.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ComputeError {
    #[error("{what} has {actual} elements but {expected} were expected")]
    ShapeMismatch {
        what: &'static str,
        expected: usize,
        actual: usize,
    },
    #[error(
        "{what} needs {bytes} bytes but this device allows at most {limit}; use fewer rows or the CPU"
    )]
    TooLarge {
        what: &'static str,
        bytes: u64,
        limit: u64,
    },
    #[error("{0}")]
    Invalid(String),
    #[error("the GPU reported an error: {0}")]
    Gpu(String),
    #[error("the GPU device was lost: {0}")]
    DeviceLost(String),
}

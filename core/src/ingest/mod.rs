//! Reading CSV files into a [`Frame`]: streaming, with the dialect, encoding and
//! column types guessed (and overridable), and a load report of everything that
//! was not read as written. Errors say what, where, and what to do.

mod binary;
mod builder;
mod dialect;
mod encoding;
mod error;
mod fingerprint;
mod infer;
mod loader;
mod markers;
mod options;
mod quoted;
mod report;
mod scan;
mod value;

pub use binary::FileKind;
pub use builder::MAX_CATEGORY_LEVELS;
pub use dialect::{Dialect, LineEnding};
pub use encoding::Encoding;
pub use error::LoadError;
pub use fingerprint::{Fingerprint, hex};
pub use loader::{Loaded, Loader, MAX_COLUMNS, MAX_FIELD_BYTES, SNIFF_BYTES};
pub use options::{ColumnOverride, LoadOptions, MISSING_MARKERS, RaggedPolicy};
pub use report::{Example, MAX_EXAMPLES, Policy, Problem, ProblemKind};
pub use value::DateOrder;

use crate::frame::Frame;

/// Chunk size for reading bytes already in memory: the same streaming path as a
/// file read piece by piece.
const CHUNK: usize = 1 << 20;

/// Reads the whole of `bytes`, named `file`, with `options`.
pub fn load(bytes: &[u8], file: &str, options: LoadOptions) -> Result<Loaded, LoadError> {
    let mut loader = Loader::new(file, options, Some(bytes.len() as u64));
    for chunk in bytes.chunks(CHUNK) {
        loader.push(chunk)?;
    }
    loader.finish()
}

/// Reads `bytes` with every setting guessed, keeping only the frame.
pub fn read_csv(bytes: &[u8], file: &str) -> Result<Frame, LoadError> {
    load(bytes, file, LoadOptions::default()).map(|loaded| loaded.frame)
}

#[cfg(test)]
mod tests;

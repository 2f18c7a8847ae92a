//! Streaming a `File` into the loader slice by slice: the file is never held whole,
//! progress reports bytes and rows, and a cancel is seen between slices. A second
//! worker fingerprints the file meanwhile (see [`super::fingerprint`]).

use std::cell::Cell;

use studio_core::ingest::{LoadOptions, Loaded, Loader};
use wasm_bindgen::JsCast;

use super::fingerprint;
use super::post;
use super::slices::{PIECE, Slices, read_error};
use crate::bytes::size;
use crate::protocol::{FromWorker, JobId};

/// Wasm32 memory cannot grow past 4 GiB; this much is left for everything else.
const WASM_MEMORY: f64 = 4.0 * 1024.0 * 1024.0 * 1024.0;
const HEADROOM: f64 = 512.0 * 1024.0 * 1024.0;

pub enum LoadStop {
    Cancelled,
    Failed(String),
}

/// The memory the typed columns may take: what wasm can still grow to, less headroom.
fn memory_limit() -> u64 {
    let used = wasm_bindgen::memory()
        .dyn_into::<js_sys::WebAssembly::Memory>()
        .map(|m| js_sys::ArrayBuffer::from(m.buffer()).byte_length() as f64)
        .unwrap_or(0.0);
    (WASM_MEMORY - used - HEADROOM).max(0.0) as u64
}

/// Reads `file` into a frame. `sha256` is its fingerprint when already known (the
/// same `File` read again with other options); otherwise it is computed.
pub async fn file(
    id: JobId,
    file: &web_sys::File,
    options: LoadOptions,
    sha256: Option<String>,
    cancelled: &Cell<bool>,
) -> Result<Loaded, LoadStop> {
    let name = file.name();
    let failed = |e: wasm_bindgen::JsValue| LoadStop::Failed(read_error(&name, &e));
    let mut slices = Slices::new(file).map_err(&failed)?;
    let mut loader =
        Loader::new(&name, options, Some(slices.size() as u64)).with_memory_limit(memory_limit());
    // Without a helper, the loader hashes as it reads.
    let mut helper = match sha256 {
        Some(_) => None,
        None => fingerprint::start(),
    };
    if sha256.is_some() || helper.is_some() {
        loader = loader.without_fingerprint();
    }
    // Whether the helper stopped part way, so the file must be hashed here after all.
    let mut helper_failed = false;
    let mut buffer: Vec<u8> = Vec::new();
    while let Some(slice) = slices.next(&mut buffer).await.map_err(&failed)? {
        if let Some(pending) = helper.as_mut()
            && pending.feed(&slice).await.is_err()
        {
            helper = None;
            helper_failed = true;
        }
        for piece in buffer.chunks(PIECE) {
            loader
                .push(piece)
                .map_err(|e| LoadStop::Failed(e.to_string()))?;
        }
        if cancelled.get() {
            return Err(LoadStop::Cancelled);
        }
        progress(id, slices.done(), slices.size(), loader.rows());
    }
    drop(buffer);
    let mut loaded = loader
        .finish()
        .map_err(|e| LoadStop::Failed(e.to_string()))?;
    loaded.sha256 = match (sha256, helper) {
        (Some(sha256), _) => sha256,
        (None, Some(pending)) => match pending.finish().await {
            Ok(sha256) => sha256,
            Err(_) => hash_here(file, cancelled).await?,
        },
        (None, None) if helper_failed => hash_here(file, cancelled).await?,
        // The loader hashed it.
        (None, None) => loaded.sha256,
    };
    Ok(loaded)
}

/// Hashes the file in this worker, reading it once more.
async fn hash_here(file: &web_sys::File, cancelled: &Cell<bool>) -> Result<String, LoadStop> {
    fingerprint::hash(file, cancelled)
        .await
        .map_err(LoadStop::Failed)?
        .ok_or(LoadStop::Cancelled)
}

/// Reports kilobytes read (so the numbers fit the protocol's u32 up to 4 TB).
fn progress(id: JobId, done: f64, total: f64, rows: u64) {
    post(&FromWorker::Progress {
        id,
        done: (done / 1024.0) as u32,
        total: (total / 1024.0) as u32,
        message: format!("{} of {} · {rows} rows", size(done), size(total)),
        value: Some(rows as f64),
        unit: String::new(),
        held_out: None,
    });
}

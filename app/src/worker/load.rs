//! Streaming a `File` into the loader chunk by chunk: the file is never held whole,
//! progress reports bytes and rows, and a cancel is seen between chunks.

use std::cell::Cell;

use studio_core::ingest::{LoadOptions, Loaded, Loader};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::post;
use crate::bytes::size;
use crate::protocol::{FromWorker, JobId};

/// Bytes read per chunk: large enough that the per-chunk cost vanishes, small
/// enough that progress and cancel stay responsive.
const CHUNK: f64 = 8.0 * 1024.0 * 1024.0;

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

pub async fn file(
    id: JobId,
    file: &web_sys::File,
    options: LoadOptions,
    cancelled: &Cell<bool>,
) -> Result<Loaded, LoadStop> {
    let name = file.name();
    let size = file.size();
    let mut loader =
        Loader::new(&name, options, Some(size as u64)).with_memory_limit(memory_limit());
    let failed = |e: wasm_bindgen::JsValue| {
        LoadStop::Failed(format!(
            "{name} could not be read: {}",
            e.as_string()
                .or_else(|| js_sys::Error::from(e).message().as_string())
                .unwrap_or_default()
        ))
    };
    let mut buffer: Vec<u8> = Vec::new();
    let read = |start: f64| -> Result<JsFuture, LoadStop> {
        let end = (start + CHUNK).min(size);
        let blob = file.slice_with_f64_and_f64(start, end).map_err(&failed)?;
        Ok(JsFuture::from(blob.array_buffer()))
    };
    // The browser reads the next slice while this one is parsed.
    let mut next = (size > 0.0).then(|| read(0.0)).transpose()?;
    let mut offset = 0.0;
    while let Some(pending) = next.take() {
        let chunk = pending.await.map_err(&failed)?;
        let end = (offset + CHUNK).min(size);
        if end < size {
            next = Some(read(end)?);
        }
        let chunk = js_sys::Uint8Array::new(&chunk);
        buffer.resize(chunk.length() as usize, 0);
        chunk.copy_to(&mut buffer);
        loader
            .push(&buffer)
            .map_err(|e| LoadStop::Failed(e.to_string()))?;
        offset = end;
        if cancelled.get() {
            return Err(LoadStop::Cancelled);
        }
        progress(id, offset, size, loader.rows());
    }
    drop(buffer);
    loader.finish().map_err(|e| LoadStop::Failed(e.to_string()))
}

/// Reports kilobytes read (so the numbers fit the protocol's u32 up to 4 TB).
fn progress(id: JobId, done: f64, total: f64, rows: u64) {
    post(&FromWorker::Progress {
        id,
        done: (done / 1024.0) as u32,
        total: (total / 1024.0) as u32,
        message: format!("{} of {} · {rows} rows", size(done), size(total)),
        value: Some(rows as f64),
    });
}

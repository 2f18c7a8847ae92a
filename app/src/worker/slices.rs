//! Reading a `File` in slices, with the next slices already requested while the
//! current one is used: the browser reads them on its own threads meanwhile.

use std::collections::VecDeque;

use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

/// Bytes per slice: large enough that the per-slice cost vanishes, small enough
/// that progress and cancel stay responsive.
const SLICE: f64 = 8.0 * 1024.0 * 1024.0;

/// Bytes of a slice handed to the loader or the hash per call. Wasm code is swapped
/// for its optimized build only between calls, so short calls reach full speed
/// early in the file.
pub const PIECE: usize = 1 << 20;

/// The first slice: the loader's sample for guessing the dialect and types, so
/// that it starts while the next, full slices are still being read.
const FIRST_SLICE: f64 = studio_core::ingest::SNIFF_BYTES as f64;

/// Slices requested ahead of the one in use.
const AHEAD: usize = 2;

pub struct Slices<'a> {
    file: &'a web_sys::File,
    size: f64,
    /// Where the next slice to request starts.
    requested: f64,
    /// Bytes handed out so far.
    done: f64,
    pending: VecDeque<JsFuture>,
}

impl<'a> Slices<'a> {
    pub fn new(file: &'a web_sys::File) -> Result<Self, JsValue> {
        let mut slices = Self {
            file,
            size: file.size(),
            requested: 0.0,
            done: 0.0,
            pending: VecDeque::new(),
        };
        slices.request()?;
        Ok(slices)
    }

    fn request(&mut self) -> Result<(), JsValue> {
        while self.pending.len() <= AHEAD && self.requested < self.size {
            let size = if self.requested == 0.0 {
                FIRST_SLICE
            } else {
                SLICE
            };
            let end = (self.requested + size).min(self.size);
            let blob = self.file.slice_with_f64_and_f64(self.requested, end)?;
            self.pending.push_back(JsFuture::from(blob.array_buffer()));
            self.requested = end;
        }
        Ok(())
    }

    /// The file's size in bytes.
    pub fn size(&self) -> f64 {
        self.size
    }

    /// Bytes handed out so far.
    pub fn done(&self) -> f64 {
        self.done
    }

    /// Copies the next slice into `buffer` and hands back the slice itself, which
    /// the caller may pass on; `None` at the end of the file.
    pub async fn next(
        &mut self,
        buffer: &mut Vec<u8>,
    ) -> Result<Option<js_sys::ArrayBuffer>, JsValue> {
        let Some(pending) = self.pending.pop_front() else {
            return Ok(None);
        };
        let slice = js_sys::ArrayBuffer::from(pending.await?);
        self.request()?;
        let bytes = js_sys::Uint8Array::new(&slice);
        buffer.resize(bytes.length() as usize, 0);
        bytes.copy_to(buffer);
        self.done += buffer.len() as f64;
        Ok(Some(slice))
    }
}

/// What a failed read of `name` says.
pub fn read_error(name: &str, error: &JsValue) -> String {
    let why = error
        .as_string()
        .or_else(|| js_sys::Error::from(error.clone()).message().as_string())
        .unwrap_or_default();
    format!("{name} could not be read: {why}")
}

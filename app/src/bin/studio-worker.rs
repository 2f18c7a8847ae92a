//! The compute worker: a dedicated Web Worker hosting `studio-core`.

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

fn main() {
    studio_app::worker::start();
}

/// A panic on purpose, so that tests and support can see a worker crash handled.
#[wasm_bindgen]
pub fn diagnostics_panic(message: String) {
    panic!("{message}");
}

/// Destroys the chosen GPU, as a driver reset would, so that tests and support can
/// see a training run go on on the CPU. Says what it did.
#[wasm_bindgen]
pub fn diagnostics_lose_gpu() -> String {
    studio_app::worker::lose_gpu()
}

/// Bytes of the worker's wasm linear memory, for the soak benchmark and support:
/// it only grows, so a leak shows as growth over repeated work.
#[wasm_bindgen]
pub fn diagnostics_memory() -> f64 {
    wasm_bindgen::memory()
        .dyn_into::<js_sys::WebAssembly::Memory>()
        .map(|memory| {
            memory
                .buffer()
                .unchecked_into::<js_sys::ArrayBuffer>()
                .byte_length() as f64
        })
        .unwrap_or(0.0)
}

//! The UI thread: renders the notebook and delegates all work to the compute worker.

use wasm_bindgen::prelude::*;

fn main() {
    studio_app::ui::run();
}

/// A panic on purpose, so that tests and support can see the crash panel work.
#[wasm_bindgen]
pub fn diagnostics_panic(message: String) {
    panic!("{message}");
}

use wasm_bindgen::JsCast;
use web_sys::DedicatedWorkerGlobalScope;

use crate::protocol::FromWorker;

/// Sends one message to the UI thread.
pub fn post(message: &FromWorker) {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let sent = serde_wasm_bindgen::to_value(message)
        .map_err(|e| e.to_string())
        .and_then(|value| scope.post_message(&value).map_err(|e| format!("{e:?}")));
    if let Err(error) = sent {
        web_sys::console::error_1(
            &format!("studio-worker could not post a message: {error}").into(),
        );
    }
}

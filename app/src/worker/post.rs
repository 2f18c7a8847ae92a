use wasm_bindgen::JsCast;
use web_sys::DedicatedWorkerGlobalScope;

use crate::protocol::{FromWorker, JobError, JobId, to_js};

/// Sends one message to the UI thread.
pub fn post(message: &FromWorker) {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let sent = to_js(message)
        .map_err(|e| e.to_string())
        .and_then(|value| scope.post_message(&value).map_err(|e| format!("{e:?}")));
    let Err(error) = sent else { return };
    web_sys::console::error_1(&format!("studio-worker could not post a message: {error}").into());
    // A job's final answer that cannot be sent still ends the job, as a failure the
    // page shows, so that nothing waits for it for ever.
    if let Some(id) = final_answer_of(message) {
        let failed = FromWorker::Failed {
            id,
            error: JobError::internal(format!(
                "the worker could not send this job's result: {error}"
            )),
        };
        if let Ok(value) = to_js(&failed) {
            let _ = scope.post_message(&value);
        }
    }
}

/// The job a message ends, if it is a final answer other than a failure.
fn final_answer_of(message: &FromWorker) -> Option<JobId> {
    match message {
        FromWorker::Done { id, .. } | FromWorker::Cancelled { id } => Some(*id),
        _ => None,
    }
}

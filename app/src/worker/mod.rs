//! The compute worker: receives jobs, runs them on `studio-core`, streams progress.
//!
//! The worker is single-threaded. Jobs are async and yield between steps, so a
//! `Cancel` message is seen between any two steps of a running job.

mod cells;
mod data;
mod detect;
mod exclusive;
mod fingerprint;
mod jobs;
mod kernels;
mod load;
mod post;
mod saved;
mod slices;

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use crate::protocol::{FromWorker, Job, JobId, ToWorker};

pub use detect::lose_gpu;
pub use post::post;

thread_local! {
    /// Cancel flags of the running jobs.
    static RUNNING: RefCell<HashMap<JobId, Rc<Cell<bool>>>> = RefCell::new(HashMap::new());
}

/// Starts the worker: installs the panic report and the message handler, then says Ready.
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        let message = info.to_string();
        web_sys::console::error_1(&format!("studio-worker panicked: {message}").into());
        // The trap that follows also raises an error event; this message carries the reason.
        post(&FromWorker::Crashed { message });
    }));

    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(|event: MessageEvent| {
        let data = event.data();
        let field = |name: &str| js_sys::Reflect::get(&data, &name.into()).unwrap_or_default();
        match serde_wasm_bindgen::from_value::<ToWorker>(field("message")) {
            Ok(message) => receive(message, field("attachment")),
            Err(error) => web_sys::console::error_1(
                &format!("studio-worker ignored a malformed message: {error}").into(),
            ),
        }
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    on_message.forget();
    post(&FromWorker::Ready {
        build: Some(crate::protocol::BUILD.to_owned()),
    });
}

fn receive(message: ToWorker, attachment: JsValue) {
    match message {
        // A helper's job: its bytes follow in Feed messages, each taken in at once.
        ToWorker::Start {
            id,
            job: Job::Fingerprint,
        } => fingerprint::begin(id),
        ToWorker::Feed { id, last } => fingerprint::feed(id, &attachment, last),
        ToWorker::Start { id, job } => {
            // The worker the page talks to keeps a helper ready for fingerprints.
            fingerprint::prepare();
            let cancelled = Rc::new(Cell::new(false));
            RUNNING.with_borrow_mut(|running| running.insert(id, Rc::clone(&cancelled)));
            wasm_bindgen_futures::spawn_local(async move {
                let answer = jobs::run(id, job, attachment, &cancelled).await;
                RUNNING.with_borrow_mut(|running| running.remove(&id));
                post(&answer);
            });
        }
        ToWorker::Steer { id, steer } => cells::steer(id, steer),
        ToWorker::Cancel { id } => {
            if fingerprint::cancel(id) {
                return post(&FromWorker::Cancelled { id });
            }
            RUNNING.with_borrow(|running| {
                if let Some(flag) = running.get(&id) {
                    flag.set(true);
                }
            });
        }
    }
}

/// Lets the event loop deliver messages (such as `Cancel`) before the next step.
async fn yield_now() {
    gloo_timers::future::TimeoutFuture::new(0).await;
}

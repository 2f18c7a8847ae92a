//! A file's fingerprint (SHA-256), computed in a second worker while this one parses
//! the file. A worker has one thread, and in wasm hashing costs more than half as
//! much as parsing; side by side, a load takes about as long as its parse alone.
//!
//! The file is read once: each slice, once copied into this worker's memory, is
//! transferred (not copied) to the helper. The helper is started ahead of need and
//! kept between files, so its start-up is not part of a load.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use studio_core::ingest::Fingerprint;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{ErrorEvent, MessageEvent, Worker};

use super::post;
use super::slices::{PIECE, Slices, read_error};
use crate::protocol::{
    FINGERPRINT_WORKER, FromWorker, Job, JobError, JobId, JobOutput, ToWorker, envelope,
    start_worker, worker_script,
};

/// Slices sent to the helper and not yet hashed, past which the sender waits: a
/// helper that falls behind must not hold the file in its queue.
const MAX_UNHASHED: u32 = 3;

// ---------------------------------------------------------------------------------
// In the helper: the fingerprints being fed.

thread_local! {
    static HASHING: RefCell<HashMap<JobId, (Fingerprint, u32)>> = RefCell::new(HashMap::new());
    static SCRATCH: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Starts job `id`: its bytes follow in [`feed`].
pub fn begin(id: JobId) {
    HASHING.with_borrow_mut(|hashing| hashing.insert(id, (Fingerprint::default(), 0)));
}

/// Takes in the next slice of job `id` (an `ArrayBuffer`, or nothing), and answers
/// with an acknowledgement or, after the last, the fingerprint.
pub fn feed(id: JobId, slice: &JsValue, last: bool) {
    let fed = HASHING.with_borrow_mut(|hashing| {
        let (fingerprint, count) = hashing.get_mut(&id)?;
        if let Some(slice) = slice.dyn_ref::<js_sys::ArrayBuffer>() {
            let slice = js_sys::Uint8Array::new(slice);
            SCRATCH.with_borrow_mut(|buffer| {
                buffer.resize(slice.length() as usize, 0);
                slice.copy_to(buffer);
                for piece in buffer.chunks(PIECE) {
                    fingerprint.update(piece);
                }
            });
        }
        *count += 1;
        Some(*count)
    });
    let Some(count) = fed else {
        return post(&FromWorker::Failed {
            id,
            error: JobError::internal(format!("no fingerprint job {id} is running")),
        });
    };
    if last {
        if let Some((fingerprint, _)) = HASHING.with_borrow_mut(|hashing| hashing.remove(&id)) {
            let sha256 = fingerprint.finish();
            post(&FromWorker::Done {
                id,
                output: JobOutput::Fingerprint { sha256 },
            });
        }
    } else {
        post(&FromWorker::Progress {
            id,
            done: count,
            total: 0,
            message: String::new(),
            value: None,
            unit: String::new(),
            held_out: None,
        });
    }
}

/// Drops job `id`, if it is a fingerprint; says whether it was.
pub fn cancel(id: JobId) -> bool {
    HASHING.with_borrow_mut(|hashing| hashing.remove(&id).is_some())
}

/// Hashes `file` in this worker, reading it again: when no helper could do it.
pub async fn hash(file: &web_sys::File, cancelled: &Cell<bool>) -> Result<Option<String>, String> {
    let name = file.name();
    let mut slices = Slices::new(file).map_err(|e| read_error(&name, &e))?;
    let mut fingerprint = Fingerprint::default();
    let mut buffer = Vec::new();
    while slices
        .next(&mut buffer)
        .await
        .map_err(|e| read_error(&name, &e))?
        .is_some()
    {
        for piece in buffer.chunks(PIECE) {
            fingerprint.update(piece);
        }
        if cancelled.get() {
            return Ok(None);
        }
    }
    Ok(Some(fingerprint.finish()))
}

// ---------------------------------------------------------------------------------
// In the worker that loads: the helper and the fingerprint it is computing.

thread_local! {
    /// The idle helper, ready for the next file.
    static SPARE: RefCell<Option<Helper>> = const { RefCell::new(None) };
}

/// Starts the helper worker if none is waiting, so that the next file finds it ready.
pub fn prepare() {
    SPARE.with_borrow_mut(|spare| {
        if spare.is_none() {
            *spare = Helper::spawn().ok();
        }
    });
}

/// Starts a fingerprint in the helper; `None` when no helper could start.
pub fn start() -> Option<Pending> {
    let helper = SPARE.take().or_else(|| Helper::spawn().ok())?;
    let id = {
        let mut shared = helper.shared.borrow_mut();
        shared.next_id += 1;
        shared.acked = 0;
        shared.next_id
    };
    let start = ToWorker::Start {
        id,
        job: Job::Fingerprint,
    };
    helper.send(&start, &JsValue::UNDEFINED).ok()?;
    Some(Pending {
        helper,
        id,
        sent: 0,
    })
}

/// A fingerprint being computed. Dropped unfinished (a cancelled or failed load),
/// it stops the helper.
pub struct Pending {
    helper: Helper,
    id: JobId,
    sent: u32,
}

impl Pending {
    /// Sends `slice` to the helper, which takes it over (`slice` is detached here);
    /// waits first while the helper is [`MAX_UNHASHED`] slices behind.
    pub async fn feed(&mut self, slice: &js_sys::ArrayBuffer) -> Result<(), String> {
        loop {
            let acked = {
                let shared = self.helper.shared.borrow();
                shared.failed.clone().map_or(Ok(shared.acked), Err)?
            };
            if self.sent.saturating_sub(acked) < MAX_UNHASHED {
                break;
            }
            let acked = js_sys::Promise::new(&mut |resolve, reject| {
                self.helper.shared.borrow_mut().on_ack = Some((resolve, reject));
            });
            JsFuture::from(acked).await.map_err(text)?;
        }
        let feed = ToWorker::Feed {
            id: self.id,
            last: false,
        };
        self.helper.send(&feed, slice).map_err(text)?;
        self.sent += 1;
        Ok(())
    }

    /// Ends the file; the fingerprint, once the helper has it.
    pub async fn finish(self) -> Result<String, String> {
        let Self { helper, id, .. } = self;
        let answer = {
            let mut shared = helper.shared.borrow_mut();
            if let Some(failed) = shared.failed.clone() {
                return Err(failed);
            }
            js_sys::Promise::new(&mut |resolve, reject| {
                shared.settle = Some((resolve, reject));
            })
        };
        helper
            .send(&ToWorker::Feed { id, last: true }, &JsValue::UNDEFINED)
            .map_err(text)?;
        let sha256 = JsFuture::from(answer)
            .await
            .map_err(text)?
            .as_string()
            .ok_or_else(|| "the fingerprint was not text".to_owned())?;
        SPARE.set(Some(helper));
        Ok(sha256)
    }
}

fn text(error: JsValue) -> String {
    error.as_string().unwrap_or_else(|| format!("{error:?}"))
}

/// What the helper's listeners share with the code that uses it.
#[derive(Default)]
struct Shared {
    ready: bool,
    /// Messages (and what each transfers) sent before the helper said Ready.
    queued: Vec<(JsValue, js_sys::Array)>,
    next_id: JobId,
    /// Feeds the helper has acknowledged in the current job.
    acked: u32,
    /// Why the helper stopped, once it has.
    failed: Option<String>,
    /// Resolve and reject of the promise waiting for the next acknowledgement.
    on_ack: Option<(js_sys::Function, js_sys::Function)>,
    /// Resolve and reject of the promise waiting for the fingerprint.
    settle: Option<(js_sys::Function, js_sys::Function)>,
}

impl Shared {
    fn ack(&mut self, acked: u32) {
        self.acked = acked;
        if let Some((resolve, _)) = self.on_ack.take() {
            call(&resolve, &JsValue::UNDEFINED);
        }
    }

    fn done(&mut self, sha256: String) {
        self.acked = 0;
        if let Some((resolve, _)) = self.settle.take() {
            call(&resolve, &sha256.into());
        }
    }

    fn fail(&mut self, why: String) {
        let why = JsValue::from(format!("the fingerprint worker stopped: {why}"));
        self.failed = why.as_string();
        for (_, reject) in [self.on_ack.take(), self.settle.take()]
            .into_iter()
            .flatten()
        {
            call(&reject, &why);
        }
    }
}

/// Calls a promise's resolve or reject, which cannot throw.
fn call(f: &js_sys::Function, value: &JsValue) {
    let _ = f.call1(&JsValue::NULL, value);
}

/// A second worker of the same script, running fingerprint jobs.
struct Helper {
    worker: Worker,
    shared: Rc<RefCell<Shared>>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(ErrorEvent)>,
}

impl Helper {
    fn spawn() -> Result<Self, JsValue> {
        let worker = start_worker(&worker_script(), FINGERPRINT_WORKER)?;
        let shared = Rc::new(RefCell::new(Shared::default()));
        let (helper, state) = (worker.clone(), Rc::clone(&shared));
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let mut state = state.borrow_mut();
            match serde_wasm_bindgen::from_value::<FromWorker>(event.data()) {
                Ok(FromWorker::Ready { .. }) => {
                    state.ready = true;
                    for (message, transfer) in std::mem::take(&mut state.queued) {
                        if let Err(e) = helper.post_message_with_transfer(&message, &transfer) {
                            state.fail(text(e));
                        }
                    }
                }
                Ok(FromWorker::Progress { done, .. }) => state.ack(done),
                Ok(FromWorker::Done {
                    output: JobOutput::Fingerprint { sha256 },
                    ..
                }) => state.done(sha256),
                Ok(FromWorker::Failed { error, .. }) => state.fail(error.message),
                Ok(FromWorker::Crashed { message }) => state.fail(message),
                Ok(other) => state.fail(format!("unexpected answer: {other:?}")),
                Err(e) => state.fail(e.to_string()),
            }
        });
        let state = Rc::clone(&shared);
        let on_error = Closure::<dyn FnMut(ErrorEvent)>::new(move |event: ErrorEvent| {
            event.prevent_default();
            state.borrow_mut().fail(event.message());
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(Self {
            worker,
            shared,
            _on_message: on_message,
            _on_error: on_error,
        })
    }

    /// Posts `message` with `attachment`, transferring it when it is an
    /// `ArrayBuffer`; kept until the helper is ready.
    fn send(&self, message: &ToWorker, attachment: &JsValue) -> Result<(), JsValue> {
        let message = envelope(message, attachment)?;
        let transfer = js_sys::Array::new();
        if attachment.is_instance_of::<js_sys::ArrayBuffer>() {
            transfer.push(attachment);
        }
        let mut shared = self.shared.borrow_mut();
        if shared.ready {
            self.worker.post_message_with_transfer(&message, &transfer)
        } else {
            shared.queued.push((message, transfer));
            Ok(())
        }
    }
}

thread_local! {
    /// The listeners of stopped helpers. A message a helper sent before it was
    /// stopped may still be queued, and a helper stopped while its script loads
    /// reports the load it was cut off in as an error: dispatched to a dropped
    /// closure it would throw, and left unhandled it would reach this worker's
    /// own error handler; either way the page would see this worker crash.
    static STOPPED_MESSAGE: Closure<dyn FnMut(MessageEvent)> = Closure::new(|_: MessageEvent| {});
    static STOPPED_ERROR: Closure<dyn FnMut(ErrorEvent)> =
        Closure::new(|event: ErrorEvent| event.prevent_default());
}

impl Drop for Helper {
    fn drop(&mut self) {
        STOPPED_MESSAGE.with(|f| self.worker.set_onmessage(Some(f.as_ref().unchecked_ref())));
        STOPPED_ERROR.with(|f| self.worker.set_onerror(Some(f.as_ref().unchecked_ref())));
        self.worker.terminate();
    }
}

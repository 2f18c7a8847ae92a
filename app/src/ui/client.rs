//! The UI side of the worker protocol: starts jobs, routes their messages to
//! handlers, and replaces the worker when it crashes.
//!
//! Handlers run outside any borrow of the client's state, so a handler may start
//! or cancel jobs itself.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{ErrorEvent, MessageEvent, Worker};

use crate::protocol::{FromWorker, Job, JobId, JobOutput, ToWorker, WORKER_SCRIPT, envelope};

/// A worker that crashes this many times within [`CRASH_WINDOW_MS`] is not restarted again.
const MAX_CRASHES: usize = 3;
const CRASH_WINDOW_MS: f64 = 60_000.0;

/// What a job's handler hears.
#[derive(Debug, Clone, PartialEq)]
pub enum JobEvent {
    Progress {
        done: u32,
        total: u32,
        message: String,
        value: Option<f64>,
    },
    Done(JobOutput),
    Failed(String),
    Cancelled,
}

/// Told to the app after the worker crashed.
#[derive(Debug, Clone, PartialEq)]
pub struct Crash {
    pub message: String,
    /// False when the worker crashed too often and was left stopped.
    pub restarted: bool,
}

type Handler = Box<dyn FnMut(JobEvent)>;

struct Client {
    worker: Worker,
    /// Counts workers; events from a replaced worker are ignored.
    generation: u32,
    ready: bool,
    queue: Vec<(ToWorker, JsValue)>,
    next_id: JobId,
    handlers: HashMap<JobId, Handler>,
    crashes: Vec<f64>,
    on_crash: Rc<dyn Fn(Crash)>,
    listeners: Listeners,
    /// The crashed worker's listeners: one of them may be running right now, so it
    /// is dropped at the next crash rather than while it runs.
    retired: Option<Listeners>,
}

struct Listeners {
    _message: Closure<dyn FnMut(MessageEvent)>,
    _error: Closure<dyn FnMut(ErrorEvent)>,
}

thread_local! {
    static CLIENT: RefCell<Option<Client>> = const { RefCell::new(None) };
}

/// Starts the worker. `on_crash` hears of every crash, after pending jobs have failed.
pub fn init(on_crash: impl Fn(Crash) + 'static) -> Result<(), String> {
    let (worker, listeners) = spawn(0)?;
    CLIENT.set(Some(Client {
        worker,
        generation: 0,
        ready: false,
        queue: Vec::new(),
        next_id: 1,
        handlers: HashMap::new(),
        crashes: Vec::new(),
        on_crash: Rc::new(on_crash),
        listeners,
        retired: None,
    }));
    Ok(())
}

/// Starts `job`; `handler` hears its progress and then exactly one final event.
pub fn start(job: Job, handler: impl FnMut(JobEvent) + 'static) -> JobId {
    start_with(job, JsValue::UNDEFINED, handler)
}

/// Starts `job` with an `attachment` that travels beside the message, such as a `File`.
pub fn start_with(job: Job, attachment: JsValue, handler: impl FnMut(JobEvent) + 'static) -> JobId {
    let sent = CLIENT.with_borrow_mut(|client| {
        let client = client.as_mut()?;
        let id = client.next_id;
        client.next_id += 1;
        client.handlers.insert(id, Box::new(handler));
        client.send(ToWorker::Start { id, job }, attachment);
        Some(id)
    });
    sent.unwrap_or_else(|| {
        web_sys::console::error_1(&"the compute worker was never started".into());
        0
    })
}

/// Asks the worker to stop job `id`; its handler then hears `Cancelled`.
pub fn cancel(id: JobId) {
    CLIENT.with_borrow_mut(|client| {
        if let Some(client) = client.as_mut() {
            client.send(ToWorker::Cancel { id }, JsValue::UNDEFINED);
        }
    });
}

impl Client {
    fn send(&mut self, message: ToWorker, attachment: JsValue) {
        if !self.ready {
            // A worker drops messages that arrive before its handler is installed.
            self.queue.push((message, attachment));
            return;
        }
        let posted = envelope(&message, &attachment)
            .and_then(|envelope| self.worker.post_message(&envelope));
        if let Err(error) = posted {
            web_sys::console::error_2(&"posting to the worker failed".into(), &error);
        }
    }
}

fn spawn(generation: u32) -> Result<(Worker, Listeners), String> {
    let worker = Worker::new(WORKER_SCRIPT).map_err(|e| format!("{e:?}"))?;
    let message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        match serde_wasm_bindgen::from_value::<FromWorker>(event.data()) {
            Ok(message) => receive(generation, message),
            Err(error) => web_sys::console::error_1(
                &format!("ignored a malformed message from the worker: {error}").into(),
            ),
        }
    });
    let error = Closure::<dyn FnMut(ErrorEvent)>::new(move |event: ErrorEvent| {
        event.prevent_default();
        let text = event.message();
        let text = if text.is_empty() {
            "the worker failed to load or stopped".to_owned()
        } else {
            text
        };
        crashed(generation, text);
    });
    worker.set_onmessage(Some(message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(error.as_ref().unchecked_ref()));
    Ok((
        worker,
        Listeners {
            _message: message,
            _error: error,
        },
    ))
}

fn receive(generation: u32, message: FromWorker) {
    let (id, event, last) = match message {
        FromWorker::Ready => {
            CLIENT.with_borrow_mut(|client| {
                if let Some(client) = client.as_mut().filter(|c| c.generation == generation) {
                    client.ready = true;
                    for (message, attachment) in std::mem::take(&mut client.queue) {
                        client.send(message, attachment);
                    }
                }
            });
            return;
        }
        FromWorker::Crashed { message } => return crashed(generation, message),
        FromWorker::Progress {
            id,
            done,
            total,
            message,
            value,
        } => (
            id,
            JobEvent::Progress {
                done,
                total,
                message,
                value,
            },
            false,
        ),
        FromWorker::Done { id, output } => (id, JobEvent::Done(output), true),
        FromWorker::Failed { id, error } => (id, JobEvent::Failed(error), true),
        FromWorker::Cancelled { id } => (id, JobEvent::Cancelled, true),
    };
    let handler = CLIENT.with_borrow_mut(|client| {
        client
            .as_mut()
            .filter(|c| c.generation == generation)
            .and_then(|c| c.handlers.remove(&id))
    });
    if let Some(mut handler) = handler {
        handler(event);
        if !last {
            CLIENT.with_borrow_mut(|client| {
                if let Some(client) = client.as_mut() {
                    client.handlers.insert(id, handler);
                }
            });
        }
    }
}

/// Replaces a crashed worker, fails its jobs, and tells the app.
fn crashed(generation: u32, message: String) {
    let outcome = CLIENT.with_borrow_mut(|client| {
        let client = client.as_mut().filter(|c| c.generation == generation)?;
        client.worker.terminate();
        let now = js_sys::Date::now();
        client.crashes.retain(|at| now - at < CRASH_WINDOW_MS);
        client.crashes.push(now);
        client.generation += 1;
        client.ready = false;
        client.queue.clear();
        let restarted = client.crashes.len() < MAX_CRASHES
            && match spawn(client.generation) {
                Ok((worker, listeners)) => {
                    client.worker = worker;
                    client.retired = Some(std::mem::replace(&mut client.listeners, listeners));
                    true
                }
                Err(_) => false,
            };
        let handlers = std::mem::take(&mut client.handlers);
        Some((handlers, Rc::clone(&client.on_crash), restarted))
    });
    let Some((handlers, on_crash, restarted)) = outcome else {
        return;
    };
    for (_, mut handler) in handlers {
        handler(JobEvent::Failed(format!(
            "the compute worker crashed while running this job ({message})"
        )));
    }
    on_crash(Crash { message, restarted });
}

//! The UI side of the worker protocol: starts jobs, routes their messages to
//! handlers, and replaces the worker when it crashes.
//!
//! Every job started here ends with exactly one final event for its handler, even
//! when the message cannot be posted, the worker crashes, or no worker runs any
//! more. Handlers run outside any borrow of the client's state, so a handler may
//! start or cancel jobs itself.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{ErrorEvent, MessageEvent, Worker};

use super::guard;
use studio_core::boundary::Boundary;

use crate::protocol::{
    BUILD, COMPUTE_WORKER, FromWorker, HeldOutPoint, Job, JobError, JobId, JobOutput, Steer,
    ToWorker, envelope, start_worker, worker_script,
};

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
        unit: String,
        held_out: Option<Box<HeldOutPoint>>,
    },
    Done(JobOutput),
    Failed(JobError),
    Cancelled,
    /// A training job's model as it stands, drawn between two steps.
    View(Box<Boundary>),
    /// A training job has stopped between two steps for the pause asked for.
    Paused,
}

/// Told to the app after the worker crashed.
#[derive(Debug, Clone, PartialEq)]
pub struct Crash {
    pub message: String,
    /// False when the worker crashed too often (or is of another build) and was left
    /// stopped: every job from then on fails at once, saying so.
    pub restarted: bool,
    /// What the guarded jobs that were running were doing (see [`start_guarded`]);
    /// they are not run again by themselves.
    pub interrupted: Vec<String>,
}

type Handler = Box<dyn FnMut(JobEvent)>;

struct Client {
    worker: Worker,
    /// Counts workers; events from a replaced worker are ignored.
    generation: u32,
    ready: bool,
    /// Why no worker runs any more; jobs started now fail with this at once.
    stopped: Option<String>,
    /// Whether the worker was already started afresh after it said it is of
    /// another build than this page.
    refreshed: bool,
    queue: Vec<(ToWorker, JsValue)>,
    next_id: JobId,
    handlers: HashMap<JobId, Handler>,
    /// What each running guarded job does.
    guarded: HashMap<JobId, String>,
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
    let (worker, listeners) = spawn(0, false)?;
    CLIENT.set(Some(Client {
        worker,
        generation: 0,
        ready: false,
        stopped: None,
        refreshed: false,
        queue: Vec::new(),
        next_id: 1,
        handlers: HashMap::new(),
        guarded: HashMap::new(),
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
pub fn start_with(
    job: Job,
    attachment: JsValue,
    mut handler: impl FnMut(JobEvent) + 'static,
) -> JobId {
    let registered = CLIENT.with_borrow_mut(|client| {
        let client = client
            .as_mut()
            .ok_or_else(|| "the compute worker was never started".to_owned())?;
        if let Some(why) = &client.stopped {
            return Err(why.clone());
        }
        let id = client.next_id;
        client.next_id += 1;
        Ok(id)
    });
    let id = match registered {
        Ok(id) => id,
        Err(why) => {
            // Said at once: a job that cannot start must not look as if it runs.
            handler(JobEvent::Failed(JobError::internal(why)));
            return 0;
        }
    };
    CLIENT.with_borrow_mut(|client| {
        if let Some(client) = client.as_mut() {
            client.handlers.insert(id, Box::new(handler));
        }
    });
    send(ToWorker::Start { id, job }, attachment);
    id
}

/// Starts `job` like [`start_with`], and remembers `what` it does (such as
/// "training") until it ends, in this browser's storage: if it is still running
/// when the worker crashes or the page dies, it is not run again by itself on
/// restart or reload (see [`guard`]).
pub fn start_guarded(
    job: Job,
    attachment: JsValue,
    what: &str,
    mut handler: impl FnMut(JobEvent) + 'static,
) -> JobId {
    let marker = what.to_owned();
    let id = start_with(job, attachment, move |event| {
        if matches!(
            event,
            JobEvent::Done(_) | JobEvent::Failed(_) | JobEvent::Cancelled
        ) {
            guard::finished(&marker);
        }
        handler(event);
    });
    if id != 0 {
        guard::started(what);
        CLIENT.with_borrow_mut(|client| {
            if let Some(client) = client.as_mut() {
                client.guarded.insert(id, what.to_owned());
            }
        });
    }
    id
}

/// Pauses, resumes or ends training job `id` between two of its steps.
pub fn steer(id: JobId, steer: Steer) {
    send(ToWorker::Steer { id, steer }, JsValue::UNDEFINED);
}

/// Asks the worker to stop job `id`; its handler then hears `Cancelled`.
pub fn cancel(id: JobId) {
    send(ToWorker::Cancel { id }, JsValue::UNDEFINED);
}

/// Posts `message`, or queues it until the worker is ready. A job whose message
/// cannot be posted fails, visibly, instead of waiting for an answer that never comes.
fn send(message: ToWorker, attachment: JsValue) {
    let failed = CLIENT.with_borrow_mut(|client| {
        let client = client.as_mut()?;
        if !client.ready {
            // A worker drops messages that arrive before its handler is installed.
            client.queue.push((message, attachment));
            return None;
        }
        let posted = envelope(&message, &attachment)
            .and_then(|envelope| client.worker.post_message(&envelope));
        let error = posted.err()?;
        let ToWorker::Start { id, .. } = message else {
            web_sys::console::error_2(&"posting to the worker failed".into(), &error);
            return None;
        };
        client.guarded.remove(&id);
        let handler = client.handlers.remove(&id)?;
        Some((handler, describe(&error)))
    });
    if let Some((mut handler, why)) = failed {
        handler(JobEvent::Failed(JobError::internal(format!(
            "this job could not be sent to the compute worker: {why}"
        ))));
    }
}

fn describe(error: &JsValue) -> String {
    error
        .as_string()
        .or_else(|| {
            error
                .dyn_ref::<js_sys::Error>()
                .and_then(|e| e.message().as_string())
        })
        .unwrap_or_else(|| format!("{error:?}"))
}

/// The device the person asked for: `?device=gpu|cpu|auto` in the address, else
/// the `studio.device` setting kept in this browser. Without either, auto.
fn device_preference() -> Option<String> {
    let window = web_sys::window()?;
    let from_address = window
        .location()
        .search()
        .ok()
        .and_then(|search| web_sys::UrlSearchParams::new_with_str(&search).ok())
        .and_then(|params| params.get("device"));
    let chosen = from_address.or_else(|| {
        window
            .local_storage()
            .ok()
            .flatten()
            .and_then(|storage| storage.get_item(DEVICE_SETTING).ok().flatten())
    })?;
    matches!(chosen.as_str(), "gpu" | "cpu" | "auto").then_some(chosen)
}

/// The `localStorage` key of the device setting.
const DEVICE_SETTING: &str = "studio.device";

/// A new worker. `fresh` asks the browser to fetch its scripts past any cache.
fn spawn(generation: u32, fresh: bool) -> Result<(Worker, Listeners), String> {
    let mut url = worker_script();
    if let Some(device) = device_preference() {
        url.push_str(&format!("&device={device}"));
    }
    if fresh {
        url.push_str(&format!("&fresh={}", js_sys::Date::now()));
    }
    let worker = start_worker(&url, COMPUTE_WORKER).map_err(|e| describe(&e))?;
    let message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        match serde_wasm_bindgen::from_value::<FromWorker>(event.data()) {
            Ok(message) => receive(generation, message),
            Err(error) => malformed(generation, &error.to_string()),
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

/// A message this page cannot read. Before `Ready` it can only come from a worker
/// of another build, which is replaced; later it is logged.
fn malformed(generation: u32, error: &str) {
    let early = CLIENT.with_borrow(|client| {
        client
            .as_ref()
            .is_some_and(|c| c.generation == generation && !c.ready)
    });
    if early {
        other_build(generation, "an unreadable first message");
    } else {
        web_sys::console::error_1(
            &format!("ignored a malformed message from the worker: {error}").into(),
        );
    }
}

fn receive(generation: u32, message: FromWorker) {
    let (id, event, last) = match message {
        FromWorker::Ready { build } => {
            if build.as_deref() == Some(BUILD) {
                ready(generation);
            } else {
                other_build(generation, build.as_deref().unwrap_or("an older build"));
            }
            return;
        }
        FromWorker::Crashed { message } => return crashed(generation, message),
        FromWorker::Progress {
            id,
            done,
            total,
            message,
            value,
            unit,
            held_out,
        } => (
            id,
            JobEvent::Progress {
                done,
                total,
                message,
                value,
                unit,
                held_out,
            },
            false,
        ),
        FromWorker::Done { id, output } => (id, JobEvent::Done(output), true),
        FromWorker::Failed { id, error } => (id, JobEvent::Failed(error), true),
        FromWorker::Cancelled { id } => (id, JobEvent::Cancelled, true),
        FromWorker::View { id, boundary } => (id, JobEvent::View(boundary), false),
        FromWorker::Paused { id } => (id, JobEvent::Paused, false),
    };
    let handler = CLIENT.with_borrow_mut(|client| {
        let client = client.as_mut().filter(|c| c.generation == generation)?;
        if last {
            client.guarded.remove(&id);
        }
        client.handlers.remove(&id)
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

fn ready(generation: u32) {
    let queued = CLIENT.with_borrow_mut(|client| {
        let client = client.as_mut().filter(|c| c.generation == generation)?;
        client.ready = true;
        Some(std::mem::take(&mut client.queue))
    });
    for (message, attachment) in queued.unwrap_or_default() {
        send(message, attachment);
    }
}

/// The worker is of another build than this page (a stale cached copy): it is
/// replaced once by one fetched past the cache, with the queued jobs kept. If that
/// one differs too, the page cannot work with it and says so.
fn other_build(generation: u32, build: &str) {
    let retried = CLIENT.with_borrow_mut(|client| {
        let client = client.as_mut().filter(|c| c.generation == generation)?;
        if client.refreshed {
            return Some(false);
        }
        client.refreshed = true;
        client.worker.terminate();
        client.generation += 1;
        match spawn(client.generation, true) {
            Ok((worker, listeners)) => {
                client.worker = worker;
                client.retired = Some(std::mem::replace(&mut client.listeners, listeners));
                Some(true)
            }
            Err(_) => Some(false),
        }
    });
    if retried == Some(false) {
        stop(format!(
            "This page (Studio {BUILD}) and its compute worker ({build}) come from different versions of Studio: reload the page to get one version of both"
        ));
    }
}

/// Leaves the worker stopped for good: its jobs, queued or running, fail with `why`.
fn stop(why: String) {
    let outcome = CLIENT.with_borrow_mut(|client| {
        let client = client.as_mut()?;
        client.worker.terminate();
        client.generation += 1;
        client.ready = false;
        client.stopped = Some(why.clone());
        client.queue.clear();
        let interrupted = client.guarded.drain().map(|(_, what)| what).collect();
        let handlers = std::mem::take(&mut client.handlers);
        Some((handlers, Rc::clone(&client.on_crash), interrupted))
    });
    let Some((handlers, on_crash, interrupted)) = outcome else {
        return;
    };
    for (_, mut handler) in handlers {
        handler(JobEvent::Failed(JobError::internal(why.clone())));
    }
    on_crash(Crash {
        message: why,
        restarted: false,
        interrupted,
    });
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
            && match spawn(client.generation, false) {
                Ok((worker, listeners)) => {
                    client.worker = worker;
                    client.retired = Some(std::mem::replace(&mut client.listeners, listeners));
                    true
                }
                Err(_) => false,
            };
        let told = if restarted {
            message.clone()
        } else {
            let why = format!(
                "The compute worker keeps stopping ({message}), so it was not started again: reload the page"
            );
            client.stopped = Some(why.clone());
            why
        };
        let interrupted: Vec<String> = client.guarded.drain().map(|(_, what)| what).collect();
        let handlers = std::mem::take(&mut client.handlers);
        Some((
            handlers,
            Rc::clone(&client.on_crash),
            restarted,
            interrupted,
            told,
        ))
    });
    let Some((handlers, on_crash, restarted, interrupted, told)) = outcome else {
        return;
    };
    // What was running when the worker crashed stays marked, so that neither the
    // restart nor a reload runs it again by itself.
    guard::crashed(&interrupted);
    for (_, mut handler) in handlers {
        handler(JobEvent::Failed(JobError::internal(format!(
            "the compute worker crashed while running this job ({message})"
        ))));
    }
    on_crash(Crash {
        message: told,
        restarted,
        interrupted,
    });
}

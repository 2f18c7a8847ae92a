//! Remembers, in this browser's storage, which jobs that start by themselves (opening
//! the notebook's data, training) are running, so that a job which crashed the
//! worker, or was running when the page died, is not run again by itself on restart
//! or reload: a crash must never become a loop. The page offers to retry instead.
//!
//! Two lists: `running` (cleared when the page is left normally) and `crashed`
//! (cleared only when the person retries or dismisses).

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

const RUNNING: &str = "studio.jobs.running";
const CRASHED: &str = "studio.jobs.crashed";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

fn read(key: &str) -> Vec<String> {
    storage()
        .and_then(|s| s.get_item(key).ok().flatten())
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_default()
}

fn write(key: &str, list: &[String]) {
    let Some(storage) = storage() else { return };
    // A full or blocked storage loses only this protection, not the page.
    let _ = if list.is_empty() {
        storage.remove_item(key)
    } else {
        storage.set_item(key, &serde_json::to_string(list).unwrap_or_default())
    };
}

/// What was interrupted last time: jobs the worker crashed in, and jobs still
/// running when the page died. Called once, at start; they stay remembered (as
/// crashed) until [`clear`], so a second reload does not run them either. A normal
/// leaving of the page forgets its running jobs.
pub fn take_interrupted() -> Vec<String> {
    let mut interrupted = read(CRASHED);
    for what in read(RUNNING) {
        if !interrupted.contains(&what) {
            interrupted.push(what);
        }
    }
    write(CRASHED, &interrupted);
    write(RUNNING, &[]);
    if let Some(window) = web_sys::window() {
        let leave = Closure::<dyn FnMut()>::new(|| write(RUNNING, &[]));
        let _ = window.add_event_listener_with_callback("pagehide", leave.as_ref().unchecked_ref());
        // Lives as long as the page.
        leave.forget();
    }
    interrupted
}

pub fn started(what: &str) {
    let mut running = read(RUNNING);
    running.push(what.to_owned());
    write(RUNNING, &running);
}

pub fn finished(what: &str) {
    let mut running = read(RUNNING);
    if let Some(at) = running.iter().position(|w| w == what) {
        running.remove(at);
    }
    write(RUNNING, &running);
}

/// The worker crashed while these ran.
pub fn crashed(interrupted: &[String]) {
    if interrupted.is_empty() {
        return;
    }
    let mut crashed = read(CRASHED);
    crashed.extend(
        interrupted
            .iter()
            .filter(|w| !crashed.contains(w))
            .cloned()
            .collect::<Vec<_>>(),
    );
    write(CRASHED, &crashed);
}

/// The person retried or dismissed what was interrupted.
pub fn clear() {
    write(CRASHED, &[]);
}

use leptos::prelude::*;
use studio_core::notebook::Notebook;

use super::cells::{Cells, Rail};
use super::client::{self, Crash, JobEvent};
use super::data_cell::open_file;
use super::device::{DeviceDetails, DeviceState, DeviceStatus};
use super::guard;
use super::notebooks::{DamagedNotebook, NotebooksMenu};
use super::session::{DatasetState, Session};
use super::share::{DownloadNotebook, ShareLink};
use crate::protocol::{Job, JobOutput};

/// The page: header, the notebook's rail of cells, and the main area.
#[component]
pub fn App() -> impl IntoView {
    let (session, problem) = Session::restore();
    let device = session.device;
    let notice = RwSignal::new(problem);
    let details_open = RwSignal::new(false);
    // What a crash interrupted: offered again, never run again by itself.
    let retry = RwSignal::new(None::<String>);
    let interrupted = guard::take_interrupted();

    let started = client::init(move |crash: Crash| {
        if crash.restarted {
            notice.set(Some(format!(
                "The compute worker stopped unexpectedly ({}). It was restarted; \
                 any job it was running was cancelled and can be run again.",
                crash.message
            )));
            detect(device);
            if crash.interrupted.is_empty() {
                // The new worker holds no data: open the notebook's data again.
                session.reopen(false);
            } else {
                offer_retry(session, retry, &crash.interrupted);
            }
        } else {
            let text = format!("{}.", crash.message);
            device.set(DeviceState::Unavailable(text.clone()));
            notice.set(Some(text));
        }
    });
    match started {
        Ok(()) => {
            detect(device);
            if interrupted.is_empty() {
                session.reopen(true);
            } else {
                offer_retry(session, retry, &interrupted);
            }
        }
        Err(error) => device.set(DeviceState::Unavailable(format!(
            "the compute worker could not start: {error}"
        ))),
    }
    // A link pasted into the address of this open page changes only the fragment.
    let _listener = window_event_listener_untyped("hashchange", move |_| {
        if let Some(problem) = session.import_link() {
            notice.set(Some(problem));
        }
    });
    let reload = move |_| {
        if let Some(window) = web_sys::window() {
            let _ = window.location().reload();
        }
    };
    let stopped =
        move || matches!(device.get(), DeviceState::Unavailable(_)) && notice.with(Option::is_some);

    // A CSV dropped anywhere on the page opens like one chosen with "Open CSV".
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        if let Some(file) = ev
            .data_transfer()
            .and_then(|d| d.files())
            .and_then(|f| f.get(0))
            && let Some(cell) = session.first_data()
        {
            open_file(session, cell, file);
        }
    };

    view! {
        <div class="page" on:dragover=|ev: leptos::ev::DragEvent| ev.prevent_default() on:drop=on_drop>
            <header class="topbar">
                <h1 class="brand">"Studio"</h1>
                <span class="notebook-title">{move || match session.damaged.get() {
                    Some(damaged) => damaged.title,
                    None => session.notebook.with(|nb| nb.title.clone()),
                }}</span>
                <div class="spacer"></div>
                <NotebooksMenu session=session />
                <DownloadNotebook session=session />
                <ShareLink session=session />
                <DeviceStatus device=device />
                <button
                    class="ghost"
                    aria-expanded=move || details_open.get().to_string()
                    aria-controls="device-details"
                    on:click=move |_| details_open.update(|open| *open = !*open)
                >
                    "Compute details"
                </button>
            </header>
            <Show when=move || notice.with(Option::is_some)>
                <div class="notice" role="alert">
                    <span>{move || notice.get().unwrap_or_default()}</span>
                    <Show when=stopped>
                        <button on:click=reload>"Reload Studio"</button>
                    </Show>
                    <button class="ghost" on:click=move |_| notice.set(None)>"Dismiss"</button>
                </div>
            </Show>
            <Show when=move || retry.with(Option::is_some)>
                <div class="notice" role="alert" aria-label="Interrupted work">
                    <span>{move || retry.get().unwrap_or_default()}</span>
                    <button on:click=move |_| {
                        guard::clear();
                        retry.set(None);
                        session.reopen(true);
                    }>"Retry"</button>
                    <button class="ghost" on:click=move |_| {
                        guard::clear();
                        retry.set(None);
                    }>"Dismiss"</button>
                </div>
            </Show>
            <div class="layout">
                <Show when=move || session.damaged.with(Option::is_none)>
                    <Rail session=session />
                </Show>
                <main class="main">
                    <Show when=move || details_open.get()>
                        <DeviceDetails device=device />
                    </Show>
                    <DamagedNotebook session=session />
                    <Show when=move || session.damaged.with(Option::is_none)>
                        <Cells session=session />
                    </Show>
                </main>
            </div>
        </div>
    }
}

/// Asks the worker to choose the compute device and shows the answer.
pub fn detect(device: RwSignal<DeviceState>) {
    device.set(DeviceState::Detecting);
    client::start(Job::DetectDevice, move |event| match event {
        JobEvent::Done(JobOutput::Device(report)) => {
            device.set(DeviceState::Ready(report));
            super::mark("studio:device-ready");
        }
        JobEvent::Failed(error) => device.set(DeviceState::Unavailable(error.message)),
        JobEvent::Progress { .. }
        | JobEvent::Done(_)
        | JobEvent::Cancelled
        | JobEvent::View(_)
        | JobEvent::Paused => {}
    });
}

/// Says what a crash interrupted and offers to run it again; the data cell says
/// why it is not open.
fn offer_retry(session: Session, retry: RwSignal<Option<String>>, interrupted: &[String]) {
    let what = interrupted.join(", ");
    retry.set(Some(format!(
        "Studio stopped while {what}. It was not run again by itself, so that it cannot \
         stop Studio again in a loop. Retry runs it again."
    )));
    for cell in session.notebook.with_untracked(Notebook::data_with_sources) {
        session.set_dataset(
            cell,
            DatasetState::Failed(format!(
                "Not reopened: Studio stopped while {what}. Use Retry above, or open other data."
            )),
        );
    }
}

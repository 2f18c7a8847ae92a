use leptos::prelude::*;
use studio_core::notebook::Notebook;

use super::cells::{CellView, Rail};
use super::client::{self, Crash, JobEvent};
use super::device::{DeviceDetails, DeviceState, DeviceStatus};
use crate::protocol::{Job, JobOutput};

/// The page: header, the notebook's rail of cells, and the main area.
#[component]
pub fn App() -> impl IntoView {
    let device = RwSignal::new(DeviceState::Detecting);
    let notice = RwSignal::new(None::<String>);
    let notebook = RwSignal::new(Notebook::welcome());
    let selected = RwSignal::new(notebook.with_untracked(|nb| nb.cells.first().map(|c| c.id)));
    let details_open = RwSignal::new(false);

    let started = client::init(move |crash: Crash| {
        if crash.restarted {
            notice.set(Some(format!(
                "The compute worker stopped unexpectedly ({}). It was restarted; \
                 any job it was running was cancelled and can be run again.",
                crash.message
            )));
            detect(device);
        } else {
            let text = format!(
                "The compute worker keeps stopping ({}). Reload the page to try again.",
                crash.message
            );
            device.set(DeviceState::Unavailable(text.clone()));
            notice.set(Some(text));
        }
    });
    match started {
        Ok(()) => detect(device),
        Err(error) => device.set(DeviceState::Unavailable(format!(
            "the compute worker could not start: {error}"
        ))),
    }

    view! {
        <header class="topbar">
            <h1 class="brand">"Studio"</h1>
            <span class="notebook-title">{move || notebook.with(|nb| nb.title.clone())}</span>
            <div class="spacer"></div>
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
                <button class="ghost" on:click=move |_| notice.set(None)>"Dismiss"</button>
            </div>
        </Show>
        <div class="layout">
            <Rail notebook=notebook selected=selected />
            <main class="main">
                <Show when=move || details_open.get()>
                    <DeviceDetails device=device />
                </Show>
                <CellView notebook=notebook selected=selected />
            </main>
        </div>
    }
}

/// Asks the worker to choose the compute device and shows the answer.
fn detect(device: RwSignal<DeviceState>) {
    device.set(DeviceState::Detecting);
    client::start(Job::DetectDevice, move |event| match event {
        JobEvent::Done(JobOutput::Device(report)) => {
            device.set(DeviceState::Ready(report));
            super::mark("studio:device-ready");
        }
        JobEvent::Failed(error) => device.set(DeviceState::Unavailable(error)),
        JobEvent::Progress { .. } | JobEvent::Done(_) | JobEvent::Cancelled => {}
    });
}

//! The datasets kept in this browser: reopen or delete them, and see the storage
//! they use.

use leptos::prelude::*;
use wasm_bindgen::JsValue;

use super::client::{self, JobEvent};
use super::session::Session;
use crate::bytes::size;
use crate::protocol::{Job, JobOutput, SavedDataset};

fn item(session: Session, cell: u32, dataset: SavedDataset) -> impl IntoView {
    let SavedDataset {
        id,
        name,
        rows,
        columns,
        bytes,
        ..
    } = dataset;
    let open_id = id.clone();
    let open_name = name.clone();
    let open = move |_| {
        session.open(
            cell,
            Job::OpenSaved {
                cell,
                id: open_id.clone(),
            },
            JsValue::UNDEFINED,
            open_name.clone(),
            false,
        )
    };
    let delete = move |_| {
        client::start(
            Job::DeleteSaved { id: id.clone() },
            move |event| match event {
                JobEvent::Done(JobOutput::Saved(list)) => session.show_saved(list),
                JobEvent::Failed(error) => session.set_notice(cell, Some(error.message)),
                _ => {}
            },
        );
    };
    view! {
        <li>
            <span>{format!("{name} · {rows} rows × {columns} columns · {}", size(bytes as f64))}</span>
            " "
            <button on:click=open aria-label=format!("Open {name}")>"Open"</button>
            <button on:click=delete aria-label=format!("Delete {name}")>"Delete"</button>
        </li>
    }
}

#[component]
pub fn SavedDatasets(session: Session, cell: u32) -> impl IntoView {
    move || {
        session.saved.get().map(|list| {
            let usage = match (list.usage, list.quota) {
                (Some(used), Some(quota)) => format!("Storage used: {} of {}", size(used), size(quota)),
                (Some(used), None) => format!("Storage used: {}", size(used)),
                _ => "Storage use unknown".to_owned(),
            };
            let empty = list.datasets.is_empty();
            let notice = list.notice.map(|notice| view! { <p class="notice" role="status">{notice}</p> });
            view! {
                <section class="saved" aria-label="Saved datasets">
                    <h3>"Saved datasets"</h3>
                    {notice}
                    {empty.then(|| view! { <p class="empty">"None yet: a CSV you open is kept here, parsed."</p> })}
                    <ul>
                        {list.datasets.into_iter().map(|d| item(session, cell, d)).collect_view()}
                    </ul>
                    <p class="hint" aria-label="Storage used">{usage}</p>
                </section>
            }
        })
    }
}

use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

use studio_core::samples::SAMPLES;

use super::session::{DatasetState, Session};
use crate::protocol::{DatasetSummary, Job};

/// Opens `file` in the worker: the bytes are read there, not on this thread.
pub fn open_file(session: Session, file: web_sys::File) {
    let name = file.name();
    session.open(
        Job::OpenFile { name: name.clone() },
        file.into(),
        name,
        false,
    );
}

/// The data cell: open a CSV or a sample, then see its shape, types and first rows.
#[component]
pub fn DataCell(session: Session) -> impl IntoView {
    let on_file = move |ev: leptos::ev::Event| {
        let input: Option<web_sys::HtmlInputElement> = ev.target().and_then(|t| t.dyn_into().ok());
        if let Some(file) = input
            .as_ref()
            .and_then(|i| i.files())
            .and_then(|f| f.get(0))
        {
            open_file(session, file);
        }
        // Choosing the same file again must fire another change.
        if let Some(input) = input {
            input.set_value("");
        }
    };
    let on_sample = move |ev: leptos::ev::Event| {
        let name = event_target_value(&ev);
        if !name.is_empty() {
            session.open(
                Job::OpenSample { name: name.clone() },
                JsValue::UNDEFINED,
                name,
                false,
            );
        }
    };
    view! {
        <section class="card cell" id="cell-data" aria-label="Data">
            <h2>"Data"</h2>
            <div class="controls">
                <label class="button file">
                    "Open CSV"
                    <input type="file" accept=".csv,text/csv,text/plain" on:change=on_file />
                </label>
                <label>
                    "Sample datasets"
                    <select on:change=on_sample prop:value="">
                        <option value="">"Choose a sample…"</option>
                        {SAMPLES
                            .iter()
                            .map(|s| view! { <option value=s.name>{s.title}</option> })
                            .collect_view()}
                    </select>
                </label>
                <span class="hint">"or drop a CSV file anywhere on the page"</span>
            </div>
            <Show when=move || session.data_notice.with(Option::is_some)>
                <p class="warning" role="alert">{move || session.data_notice.get().unwrap_or_default()}</p>
            </Show>
            {move || match session.dataset.get() {
                DatasetState::Empty => view! {
                    <p class="empty">"No data yet."</p>
                }
                .into_any(),
                DatasetState::Loading(name) => view! {
                    <p role="status">{format!("Reading {name}…")}</p>
                }
                .into_any(),
                DatasetState::NeedsFile { name, rows, columns } => view! {
                    <p class="warning" role="alert">
                        {format!(
                            "This notebook was made with {name} ({rows} rows × {columns} columns), \
                             which stays on its owner's machine. Open that file to continue."
                        )}
                    </p>
                }
                .into_any(),
                DatasetState::Failed(error) => view! {
                    <p class="error" role="alert">{error}</p>
                }
                .into_any(),
                DatasetState::Ready(summary) => dataset_view(summary).into_any(),
            }}
        </section>
    }
}

fn dataset_view(summary: DatasetSummary) -> impl IntoView {
    let shape = format!(
        "{} · {} rows × {} columns",
        summary.name,
        summary.rows,
        summary.columns.len()
    );
    let shown = summary.preview.len();
    let header = summary.columns.clone();
    view! {
        <p class="shape" aria-label="Dataset shape">{shape}</p>
        <table class="results columns" aria-label="Columns">
            <thead>
                <tr>
                    <th scope="col">"Column"</th>
                    <th scope="col">"Type"</th>
                    <th scope="col">"Missing"</th>
                </tr>
            </thead>
            <tbody>
                {summary
                    .columns
                    .into_iter()
                    .map(|c| {
                        let kind = format!("{:?}", c.kind).to_lowercase();
                        view! {
                            <tr>
                                <th scope="row">{c.name}</th>
                                <td>{kind}</td>
                                <td>{c.missing}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
        <div class="preview" tabindex="0" role="region" aria-label="Data preview">
            <table class="results">
                <caption>{format!("First {shown} of {} rows", summary.rows)}</caption>
                <thead>
                    <tr>
                        {header
                            .into_iter()
                            .map(|c| view! { <th scope="col">{c.name}</th> })
                            .collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {summary
                        .preview
                        .into_iter()
                        .map(|row| {
                            view! {
                                <tr>
                                    {row
                                        .into_iter()
                                        .map(|cell| match cell {
                                            Some(text) => view! { <td>{text}</td> }.into_any(),
                                            None => view! { <td class="missing">"—"</td> }.into_any(),
                                        })
                                        .collect_view()}
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

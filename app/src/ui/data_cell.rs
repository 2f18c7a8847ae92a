//! The data cell: open a CSV, a sample, generated data or a saved dataset; watch
//! it load; then see how it was read, its columns and its rows.

use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

use studio_core::notebook::Notebook;
use studio_core::samples::SAMPLES;

use super::client;
use super::column_summary::ColumnSummary;
use super::columns::ColumnsTable;
use super::data_quality::DataQuality;
use super::data_table::DataTable;
use super::download;
use super::load_report::LoadReport;
use super::reading::ReadingOptions;
use super::saved::SavedDatasets;
use super::session::{DatasetState, Loading, Session};
use super::synthetic::SyntheticForm;
use crate::bytes::size;
use crate::protocol::{DatasetSummary, ExportFormat, Job, Origin};

/// Opens `file` in data cell `cell`, in the worker: it is streamed there, not
/// read on this thread. The notebook's reading options apply when this is the
/// file it was made with.
pub fn open_file(session: Session, cell: u32, file: web_sys::File) {
    let name = file.name();
    let options = session.notebook.with_untracked(|nb| {
        let same = matches!(
            nb.data_source(cell),
            Some(studio_core::notebook::DataSource::Local { name: n, .. }) if *n == name
        );
        if same {
            nb.data_options(cell)
        } else {
            Default::default()
        }
    });
    session.open(
        cell,
        Job::OpenFile {
            cell,
            name: name.clone(),
            options,
        },
        file.into(),
        name,
        false,
    );
}

#[component]
pub fn DataCell(session: Session, id: u32) -> impl IntoView {
    // The dataset as the view is built from: whether its columns are saved yet
    // is left out, so that news rebuilds only the storage line.
    let shown = Memo::new(move |_| {
        let mut state = session.dataset(id);
        if let DatasetState::Ready(summary) = &mut state {
            summary.saved = None;
        }
        state
    });
    let on_file = move |ev: leptos::ev::Event| {
        let input: Option<web_sys::HtmlInputElement> = ev.target().and_then(|t| t.dyn_into().ok());
        if let Some(file) = input
            .as_ref()
            .and_then(|i| i.files())
            .and_then(|f| f.get(0))
        {
            open_file(session, id, file);
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
                id,
                Job::OpenSample {
                    cell: id,
                    name: name.clone(),
                    options: Default::default(),
                },
                JsValue::UNDEFINED,
                name,
                false,
            );
        }
    };
    session.refresh_saved(id);
    view! {
        <section class="card cell" aria-label="Data">
            <h2>"Data"</h2>
            <div class="controls">
                <label class="button file">
                    "Open CSV"
                    <input type="file" accept=".csv,.tsv,.txt,text/csv,text/plain" on:change=on_file />
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
            <SyntheticForm session=session cell=id />
            <SavedDatasets session=session cell=id />
            {move || session.notice(id).map(|notice| view! { <p class="warning" role="alert">{notice}</p> })}
            {move || match shown.get() {
                DatasetState::Empty => view! { <p class="empty">"No data yet."</p> }.into_any(),
                DatasetState::Loading(loading) => loading_view(loading).into_any(),
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
                DatasetState::Ready(summary) => dataset_view(session, id, *summary).into_any(),
            }}
        </section>
    }
}

fn loading_view(loading: Loading) -> impl IntoView {
    let job = loading.job;
    let (done, total, words) = loading.progress.unwrap_or((0, 0, "starting…".to_owned()));
    let bar = if total > 0 {
        view! { <progress aria-label="Loading progress" max=total value=done></progress> }
            .into_any()
    } else {
        view! { <progress aria-label="Loading progress"></progress> }.into_any()
    };
    view! {
        <div class="loading" role="status" aria-label="Loading">
            <p>{format!("Reading {}: {words}", loading.name)}</p>
            {bar}
            <button on:click=move |_| client::cancel(job)>"Cancel loading"</button>
        </div>
    }
}

fn dataset_view(session: Session, cell: u32, summary: DatasetSummary) -> impl IntoView {
    let shape = format!(
        "{} · {} rows × {} columns",
        summary.name,
        summary.rows,
        summary.columns.len()
    );
    // Read on its own: the columns are saved after the table is shown, and that
    // news must not rebuild the view (the reading options being edited, the
    // table's scroll).
    let saved = move || {
        let DatasetState::Ready(summary) = session.dataset(cell) else {
            return None;
        };
        match &summary.saved {
            Some(Ok(_)) => Some(view! {
                <p class="hint" aria-label="Storage">"Saved in this browser: it reopens without reading the file again."</p>
            }
            .into_any()),
            Some(Err(error)) => Some(view! { <p class="warning" role="alert">{format!("Not saved in this browser: {error}")}</p> }.into_any()),
            None if matches!(summary.origin, Origin::File) => Some(view! {
                <p class="hint" role="status" aria-label="Storage">"Saving the parsed columns in this browser…"</p>
            }
            .into_any()),
            None => None,
        }
    };
    let origin = match &summary.origin {
        Origin::File => "local file",
        Origin::Sample => "bundled sample",
        Origin::Synthetic(_) => "generated",
        Origin::Saved { .. } => "saved in this browser",
    };
    let readable = !matches!(summary.origin, Origin::Synthetic(_) | Origin::Saved { .. });
    let dialect = summary.dialect;
    let options = summary.options.clone();
    let problems = summary.problems.clone();
    let table = summary.clone();
    view! {
        <p class="shape" aria-label="Dataset shape">{shape}</p>
        <p class="facts" aria-label="Memory used">
            {format!(
                "{origin} · {} in memory{}",
                size(summary.memory as f64),
                match (summary.bytes, summary.read_seconds) {
                    (0, _) => String::new(),
                    (bytes, Some(s)) if s > 0.0 && bytes >= 1_000_000 => format!(
                        " · {} read in {s:.2} s ({:.0} MB/s)",
                        size(bytes as f64),
                        bytes as f64 / 1e6 / s
                    ),
                    (bytes, _) => format!(" · {} read", size(bytes as f64)),
                }
            )}
        </p>
        {saved}
        {dialect.map(|dialect| view! { <ReadingOptions session=session cell=cell dialect=dialect options=options enabled=readable /> })}
        {(!matches!(summary.origin, Origin::Synthetic(_))).then(|| view! { <LoadReport problems=problems /> })}
        <ColumnsTable session=session cell=cell summary=summary.clone() readable=readable />
        <ColumnSummary cell=cell />
        <DataQuality session=session cell=cell />
        <DataTable cell=cell summary=table />
        <div class="controls">
            <button on:click=move |_| {
                download::export(ExportFormat::Csv, cell, None, move |error| {
                    session.set_notice(cell, Some(error.message))
                })
            }>"Export CSV"</button>
        </div>
    }
}

/// Changes data cell `cell`'s reading options in the notebook and reads its file again.
pub fn reread(
    session: Session,
    cell: u32,
    change: impl FnOnce(&mut studio_core::ingest::LoadOptions),
) {
    session
        .notebook
        .update(|nb: &mut Notebook| nb.update_data_options(cell, change));
    session.reload(cell);
}

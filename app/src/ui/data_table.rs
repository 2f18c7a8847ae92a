//! The data table: millions of rows, but only the visible ones in the page. Rows
//! come from the worker in windows as the person scrolls, sorts or filters.

use leptos::html::Div;
use leptos::prelude::*;
use studio_core::frame::view::TableView;
use wasm_bindgen::JsCast;

use super::client::{self, JobEvent};
use super::columns::picture;
use crate::protocol::{DatasetSummary, Job, JobOutput, RowWindow};

/// Pixel height of one row (kept equal to the stylesheet's).
const ROW: f64 = 28.0;
/// Rows drawn: a screenful and a little more.
const VISIBLE: usize = 24;
/// Rows asked for at a time, so small scrolls need no request.
const FETCH: usize = 150;
/// The tallest scroll area drawn; taller tables scroll proportionally.
const MAX_HEIGHT: f64 = 8_000_000.0;

/// The table's state, all `Copy` so handlers can share it.
#[derive(Clone, Copy)]
struct Table {
    /// The data cell whose rows these are.
    cell: u32,
    window: RwSignal<RowWindow>,
    view: RwSignal<TableView>,
    first: RwSignal<usize>,
    busy: StoredValue<bool>,
    wanted: StoredValue<Option<(TableView, usize)>>,
}

impl Table {
    /// Asks for rows from `start` of `view`; while a request is out, only the
    /// latest wish is kept and sent when it returns.
    fn fetch(self, view: TableView, start: usize) {
        if self.busy.get_value() {
            self.wanted.set_value(Some((view, start)));
            return;
        }
        self.busy.set_value(true);
        let asked = view.clone();
        client::start(
            Job::Rows {
                cell: self.cell,
                view,
                start,
                count: FETCH,
            },
            move |event| {
                if let JobEvent::Done(JobOutput::Rows(window)) = &event
                    && self.view.get_untracked() == asked
                {
                    self.window.set(window.clone());
                }
                if matches!(
                    event,
                    JobEvent::Done(_) | JobEvent::Failed(_) | JobEvent::Cancelled
                ) {
                    self.busy.set_value(false);
                    if let Some((view, start)) = self.wanted.get_value() {
                        self.wanted.set_value(None);
                        self.fetch(view, start);
                    }
                }
            },
        );
    }

    /// Makes sure the rows from `first` are in the window.
    fn show(self, first: usize) {
        self.first.set(first);
        let (start, len, total) = self
            .window
            .with_untracked(|w| (w.start, w.rows.len(), w.total));
        let end = (first + VISIBLE).min(total);
        if first < start || end > start + len {
            self.fetch(self.view.get_untracked(), first.saturating_sub(FETCH / 3));
        }
    }
}

#[component]
pub fn DataTable(cell: u32, summary: DatasetSummary) -> impl IntoView {
    let names: Vec<String> = summary.columns.iter().map(|c| c.name.clone()).collect();
    let kinds: Vec<&'static str> = summary.columns.iter().map(|c| c.kind.name()).collect();
    let profiles = summary.profiles.clone();
    let table = Table {
        cell,
        window: RwSignal::new(RowWindow {
            total: summary.rows,
            start: 0,
            rows: summary
                .preview
                .into_iter()
                .enumerate()
                .map(|(i, r)| (i + 1, r))
                .collect(),
        }),
        view: RwSignal::new(TableView::default()),
        first: RwSignal::new(0),
        busy: StoredValue::new(false),
        wanted: StoredValue::new(None),
    };
    let all_rows = summary.rows;
    let viewport = NodeRef::<Div>::new();
    let scale = move || {
        let total = table.window.with(|w| w.total) as f64 * ROW;
        (total / MAX_HEIGHT).max(1.0)
    };
    let on_scroll = move |ev: leptos::ev::Event| {
        if let Some(el) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        {
            let first = (f64::from(el.scroll_top()) * scale() / ROW) as usize;
            let total = table.window.with_untracked(|w| w.total);
            table.show(first.min(total.saturating_sub(1)));
        }
    };
    let change_view = move |change: &dyn Fn(&mut TableView)| {
        table.view.update(|v| change(v));
        if let Some(el) = viewport.get_untracked() {
            el.set_scroll_top(0);
        }
        table.first.set(0);
        table.fetch(table.view.get_untracked(), 0);
    };
    let width = names.len();
    let header = names
        .into_iter()
        .zip(kinds)
        .zip(profiles)
        .map(|((name, kind), profile)| {
            let sorted = StoredValue::new(name.clone());
            let sort_state = move || {
                table.view.with(|v| match &v.sort {
                    Some((n, desc)) if sorted.with_value(|s| n == s) => Some(*desc),
                    _ => None,
                })
            };
            let aria = move || match sort_state() {
                Some(true) => "descending",
                Some(false) => "ascending",
                None => "none",
            };
            let arrow = move || match sort_state() {
                Some(true) => " ▼",
                Some(false) => " ▲",
                None => "",
            };
            let clicked = name.clone();
            let on_sort = move |_| {
                let name = clicked.clone();
                change_view(&move |v: &mut TableView| {
                    v.sort = match &v.sort {
                        Some((n, false)) if *n == name => Some((name.clone(), true)),
                        Some((n, true)) if *n == name => None,
                        _ => Some((name.clone(), false)),
                    };
                });
            };
            view! {
                <th scope="col" aria-sort=aria>
                    <button class="sort" aria-label=format!("Sort by {name}") on:click=on_sort>
                        {name.clone()}{arrow}
                    </button>
                    <span class="head-facts">
                        <span class=format!("badge type-{kind}")>{kind}</span>
                        {picture(&name, profile)}
                    </span>
                </th>
            }
        })
        .collect_view();
    let body = move || {
        let first = table.first.get();
        table.window.with(|w| {
            let scale = (w.total as f64 * ROW / MAX_HEIGHT).max(1.0);
            let top = first as f64 * ROW / scale;
            let shown = VISIBLE.min(w.total.saturating_sub(first));
            let below = ((w.total as f64 * ROW / scale) - top - shown as f64 * ROW).max(0.0);
            let rows = (first..first + shown)
                .map(|i| match i.checked_sub(w.start).and_then(|k| w.rows.get(k)) {
                    Some((number, cells)) => {
                        let cells = cells
                            .iter()
                            .map(|c| match c {
                                Some(text) => view! { <td>{text.clone()}</td> }.into_any(),
                                None => view! { <td class="missing">"—"</td> }.into_any(),
                            })
                            .collect_view();
                        view! { <tr><th scope="row" class="number">{*number}</th>{cells}</tr> }.into_any()
                    }
                    None => view! {
                        <tr class="pending"><th scope="row" class="number">"…"</th><td colspan=width>"loading"</td></tr>
                    }
                    .into_any(),
                })
                .collect_view();
            view! {
                <tr class="spacer" aria-hidden="true" style:height=format!("{top:.0}px")></tr>
                {rows}
                <tr class="spacer" aria-hidden="true" style:height=format!("{below:.0}px")></tr>
            }
        })
    };
    let count = move || {
        let total = table.window.with(|w| w.total);
        if total == all_rows {
            format!("{all_rows} rows")
        } else {
            format!("{total} of {all_rows} rows match")
        }
    };
    view! {
        <div class="table-tools">
            <label>
                "Filter rows"
                <input
                    type="search"
                    placeholder="text in any column"
                    on:input=move |ev| {
                        let text = event_target_value(&ev);
                        change_view(&move |v: &mut TableView| v.filter = text.clone());
                    }
                />
            </label>
            <span role="status" aria-label="Rows shown">{count}</span>
        </div>
        <div class="table-viewport" node_ref=viewport tabindex="0" role="region" aria-label="Data table" on:scroll=on_scroll>
            <table class="results data">
                <thead>
                    <tr>
                        <th scope="col" class="number">"#"</th>
                        {header}
                    </tr>
                </thead>
                <tbody>{body}</tbody>
            </table>
        </div>
    }
}

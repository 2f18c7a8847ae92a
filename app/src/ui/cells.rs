use leptos::prelude::*;
use studio_core::notebook::{Cell, CellKind};

use super::data_cell::DataCell;
use super::session::Session;
use super::split_cell::SplitCell;
use super::train::TrainCell;

/// The notebook's cells, in order; choosing one scrolls the main area to it.
#[component]
pub fn Rail(session: Session) -> impl IntoView {
    let selected = RwSignal::new(None::<u32>);
    view! {
        <nav class="rail" aria-label="Notebook cells">
            <h2>"Cells"</h2>
            <ol>
                <For
                    each=move || session.notebook.with(|nb| nb.cells.clone())
                    key=|cell| (cell.id, cell.label())
                    let(cell)
                >
                    <li>
                        <button
                            class="cell-link"
                            aria-current=move || (selected.get() == Some(cell.id)).then_some("true")
                            on:click=move |_| {
                                selected.set(Some(cell.id));
                                scroll_to(cell.id);
                            }
                        >
                            {cell.label()}
                        </button>
                    </li>
                </For>
            </ol>
        </nav>
    }
}

fn scroll_to(id: u32) {
    if let Some(element) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(&format!("cell-{id}")))
    {
        element.scroll_into_view();
    }
}

/// Every cell, in order.
#[component]
pub fn Cells(session: Session) -> impl IntoView {
    view! {
        <For
            each=move || session.notebook.with(|nb| nb.cells.iter().map(|c| (c.id, kind_of(c))).collect::<Vec<_>>())
            key=|(id, kind)| (*id, *kind)
            let((id, kind))
        >
            <div id=format!("cell-{id}")>
                {match kind {
                    Kind::Note => note(session, id).into_any(),
                    Kind::Data => view! { <DataCell session=session /> }.into_any(),
                    Kind::Split => view! { <SplitCell session=session /> }.into_any(),
                    Kind::Train => view! { <TrainCell session=session /> }.into_any(),
                }}
            </div>
        </For>
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    Note,
    Data,
    Split,
    Train,
}

fn kind_of(cell: &Cell) -> Kind {
    match cell.kind {
        CellKind::Note { .. } => Kind::Note,
        CellKind::Data { .. } => Kind::Data,
        CellKind::Split(_) => Kind::Split,
        CellKind::Train(_) => Kind::Train,
    }
}

fn note(session: Session, id: u32) -> impl IntoView {
    let content = session.notebook.with_untracked(|nb| {
        nb.cells
            .iter()
            .find(|c| c.id == id)
            .and_then(|c| match &c.kind {
                CellKind::Note { title, text } => Some((c.label(), title.clone(), text.clone())),
                _ => None,
            })
    });
    content.map(|(label, title, text)| {
        view! {
            <article class="card note" aria-label=label>
                <h2>{title}</h2>
                {text
                    .split("\n\n")
                    .map(|paragraph| view! { <p>{paragraph.to_owned()}</p> })
                    .collect_view()}
            </article>
        }
    })
}

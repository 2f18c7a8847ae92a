use leptos::prelude::*;
use studio_core::notebook::{CellKind, Notebook};

/// The notebook's cells, in order; choosing one shows it in the main area.
#[component]
pub fn Rail(notebook: RwSignal<Notebook>, selected: RwSignal<Option<u32>>) -> impl IntoView {
    view! {
        <nav class="rail" aria-label="Notebook cells">
            <h2>"Cells"</h2>
            <ol>
                <For
                    each=move || notebook.with(|nb| nb.cells.clone())
                    key=|cell| (cell.id, cell.label())
                    let(cell)
                >
                    <li>
                        <button
                            class="cell-link"
                            aria-current=move || (selected.get() == Some(cell.id)).then_some("true")
                            on:click=move |_| selected.set(Some(cell.id))
                        >
                            {cell.label()}
                        </button>
                    </li>
                </For>
            </ol>
        </nav>
    }
}

/// The selected cell, in full.
#[component]
pub fn CellView(notebook: RwSignal<Notebook>, selected: RwSignal<Option<u32>>) -> impl IntoView {
    let cell = move || {
        let id = selected.get()?;
        notebook.with(|nb| nb.cells.iter().find(|c| c.id == id).cloned())
    };
    move || match cell() {
        None => view! {
            <p class="empty">"This notebook has no cells yet."</p>
        }
        .into_any(),
        Some(cell) => match (cell.label(), cell.kind) {
            (label, CellKind::Note { title, text }) => view! {
                <article class="card note" aria-label=label>
                    <h2>{title}</h2>
                    {text
                        .split("\n\n")
                        .map(|paragraph| view! { <p>{paragraph.to_owned()}</p> })
                        .collect_view()}
                </article>
            }
            .into_any(),
        },
    }
}

use leptos::prelude::*;
use studio_core::notebook::{Cell, CellKind, NewCell, Notebook, executor};

use super::data_cell::DataCell;
use super::session::{DatasetState, Session, TrainState};
use super::split_cell::SplitCell;
use super::train::TrainCell;

/// The notebook's cells, in order, each with its state; choosing one scrolls the
/// main area to it.
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
                        {move || state(session, cell.id).map(|(state, text)| view! {
                            <span class="cell-state" data-state=state aria-label=format!("State of {}", cell.label())>{text}</span>
                        })}
                    </li>
                </For>
            </ol>
        </nav>
    }
}

/// A data or train cell's state for the rail: stale, running (with progress),
/// done or failed. Notes and splits have none of their own.
fn state(session: Session, id: u32) -> Option<(&'static str, String)> {
    let (kind, hash) = session.notebook.with(|nb| {
        (
            nb.cell(id).map(kind_of),
            executor::hashes(nb).get(&id).copied(),
        )
    });
    match kind? {
        Kind::Data => Some(match session.dataset(id) {
            DatasetState::Empty => ("stale", "no data".to_owned()),
            DatasetState::NeedsFile { .. } => ("stale", "needs its file".to_owned()),
            DatasetState::Loading(_) => ("running", "loading".to_owned()),
            DatasetState::Ready(_) => ("done", "done".to_owned()),
            DatasetState::Failed(_) => ("failed", "failed".to_owned()),
        }),
        Kind::Train => Some(match session.train_state(id) {
            TrainState::Running(live) => ("running", format!("running · {}", live.done)),
            TrainState::Done { hash: trained, .. } if Some(trained) == hash => {
                ("done", "done".to_owned())
            }
            TrainState::Failed(_) => ("failed", "failed".to_owned()),
            TrainState::Idle | TrainState::Stopped | TrainState::Done { .. } => {
                ("stale", "stale".to_owned())
            }
        }),
        Kind::Note | Kind::Split => None,
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

/// Every cell, in order, each with Move up, Move down and Remove cell; Add cell
/// at the end.
#[component]
pub fn Cells(session: Session) -> impl IntoView {
    view! {
        <For
            each=move || session.notebook.with(|nb| nb.cells.iter().map(|c| (c.id, kind_of(c))).collect::<Vec<_>>())
            key=|(id, kind)| (*id, *kind)
            let((id, kind))
        >
            <div id=format!("cell-{id}") class="cell-frame">
                <CellControls session=session id=id />
                {match kind {
                    Kind::Note => note(session, id).into_any(),
                    Kind::Data => view! { <DataCell session=session id=id /> }.into_any(),
                    Kind::Split => view! { <SplitCell session=session id=id /> }.into_any(),
                    Kind::Train => view! { <TrainCell session=session id=id /> }.into_any(),
                }}
            </div>
        </For>
        <AddCell session=session />
    }
}

/// Moving and removing one cell. A cell stays below what it reads; one that
/// cannot move that way has its button disabled.
#[component]
fn CellControls(session: Session, id: u32) -> impl IntoView {
    let label = move || {
        session
            .notebook
            .with(|nb| nb.cell(id).map(Cell::label).unwrap_or_default())
    };
    let can = move |up: bool| session.notebook.with(|nb| nb.can_move(id, up));
    let step = move |up: bool| {
        session.notebook.update(|nb| {
            // The buttons are disabled where a move is refused.
            let _ = nb.move_cell(id, up);
        });
    };
    let remove = move |_| {
        session.notebook.update(|nb| {
            let _ = nb.remove_cell(id);
        });
        session.training.update(|runs| {
            runs.remove(&id);
        });
    };
    view! {
        <div class="cell-controls" role="group" aria-label=move || format!("Arrange {}", label())>
            <button class="ghost small" on:click=move |_| step(true) disabled=move || !can(true)>"Move up"</button>
            <button class="ghost small" on:click=move |_| step(false) disabled=move || !can(false)>"Move down"</button>
            <button class="ghost small" on:click=remove disabled=move || !removable(session, id)>"Remove cell"</button>
        </div>
    }
}

/// The page reads one data cell: it stays, so that the notebook always has data.
fn removable(session: Session, id: u32) -> bool {
    session.notebook.with(|nb| {
        let data = nb
            .cells
            .iter()
            .filter(|c| matches!(c.kind, CellKind::Data { .. }))
            .count();
        !(data == 1
            && nb
                .cell(id)
                .is_some_and(|c| matches!(c.kind, CellKind::Data { .. })))
    })
}

/// "Add cell": a menu of the cell kinds the page runs. A new cell goes at the end
/// and reads the nearest cell above of the kind it reads.
#[component]
fn AddCell(session: Session) -> impl IntoView {
    let open = RwSignal::new(false);
    let add = move |kind: NewCell| {
        session.notebook.update(|nb: &mut Notebook| {
            // A full notebook refuses; the menu says so by closing with nothing added.
            let _ = nb.add_cell(kind, None);
        });
        open.set(false);
    };
    view! {
        <div class="add-cell">
            <button
                aria-haspopup="menu"
                aria-expanded=move || open.get().to_string()
                on:click=move |_| open.update(|o| *o = !*o)
            >
                "Add cell"
            </button>
            <Show when=move || open.get()>
                <div role="menu" aria-label="Cell kinds" class="menu">
                    {NewCell::ALL
                        .iter()
                        .copied()
                        .map(|kind| view! {
                            <button role="menuitem" on:click=move |_| add(kind)>{kind.label()}</button>
                        })
                        .collect_view()}
                </div>
            </Show>
        </div>
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

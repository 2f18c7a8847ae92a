//! "Notebooks": the notebooks kept in this browser, to switch between, rename,
//! duplicate and delete; and the panel shown in place of a stored notebook that
//! could not be opened.

use leptos::prelude::*;

use super::download;
use super::notebook_store::{self, Entry};
use super::session::Session;
use crate::protocol::ExportedFile;

/// The header's "Notebooks" button and the list it opens.
#[component]
pub fn NotebooksMenu(session: Session) -> impl IntoView {
    let open = RwSignal::new(false);
    // Read again whenever the list may have changed: on opening, and after each action.
    let version = RwSignal::new(0u32);
    let entries = move || {
        version.track();
        session.notebook.track();
        notebook_store::list()
    };
    let renaming = RwSignal::new(None::<String>);
    let changed = move || version.update(|v| *v += 1);
    view! {
        <button
            class="ghost"
            aria-expanded=move || open.get().to_string()
            aria-controls="notebooks"
            on:click=move |_| {
                changed();
                open.update(|o| *o = !*o);
            }
        >
            "Notebooks"
        </button>
        <Show when=move || open.get()>
            <section class="card notebooks" id="notebooks" aria-label="Notebooks">
                <h2>"Notebooks in this browser"</h2>
                <ul>
                    <For each=entries key=|e| (e.id.clone(), e.title.clone()) let(entry)>
                        <NotebookRow session entry renaming changed=Callback::new(move |()| changed()) />
                    </For>
                </ul>
                <button on:click=move |_| {
                    session.start_new();
                    changed();
                }>"New notebook"</button>
            </section>
        </Show>
    }
}

#[component]
fn NotebookRow(
    session: Session,
    entry: Entry,
    renaming: RwSignal<Option<String>>,
    changed: Callback<()>,
) -> impl IntoView {
    let Entry { id, title, .. } = entry;
    let is_current = {
        let id = id.clone();
        move || session.current.get().as_deref() == Some(id.as_str())
    };
    let is_renaming = {
        let id = id.clone();
        move || renaming.get().as_deref() == Some(id.as_str())
    };
    let draft = RwSignal::new(title.clone());
    let open = {
        let id = id.clone();
        move |_| {
            session.switch_to(&id);
            changed.run(());
        }
    };
    let rename = {
        let id = id.clone();
        move |_| {
            draft.set(notebook_title(&id));
            renaming.set(Some(id.clone()));
        }
    };
    let save_title = {
        let id = id.clone();
        move || {
            let title = draft.get_untracked().trim().to_owned();
            if !title.is_empty() {
                rename_notebook(session, &id, title);
            }
            renaming.set(None);
            changed.run(());
        }
    };
    let duplicate = {
        let id = id.clone();
        move |_| {
            if let notebook_store::Stored::Opened(mut notebook) = notebook_store::open(&id) {
                notebook.title = format!("{} (copy)", notebook.title);
                session.adopt(notebook);
            }
            changed.run(());
        }
    };
    let delete = {
        let (id, title) = (id.clone(), title.clone());
        move |_| {
            let sure = web_sys::window()
                .and_then(|w| {
                    w.confirm_with_message(&format!(
                        "Delete the notebook “{title}” from this browser? This cannot be undone."
                    ))
                    .ok()
                })
                .unwrap_or(false);
            if !sure {
                return;
            }
            notebook_store::delete(&id);
            if session.current.get_untracked().as_deref() == Some(id.as_str())
                || session
                    .damaged
                    .with_untracked(|d| d.as_ref().is_some_and(|d| d.id == id))
            {
                match notebook_store::list().last() {
                    Some(other) => session.switch_to(&other.id),
                    None => session.start_new(),
                }
            }
            changed.run(());
        }
    };
    let save_on_submit = save_title.clone();
    view! {
        <li class="notebook-row">
            <Show
                when=is_renaming.clone()
                fallback={
                    let title = title.clone();
                    let is_current = is_current.clone();
                    move || view! {
                        <button
                            class="notebook-open"
                            aria-current=is_current.clone()().then_some("true")
                            on:click=open.clone()
                        >
                            {title.clone()}
                        </button>
                    }
                }
            >
                <form class="rename" on:submit={
                    let save = save_on_submit.clone();
                    move |ev: leptos::ev::SubmitEvent| {
                        ev.prevent_default();
                        save();
                    }
                }>
                    <label>
                        "Notebook title"
                        <input type="text" maxlength="200" prop:value=move || draft.get()
                            on:input=move |ev| draft.set(event_target_value(&ev)) />
                    </label>
                    <button type="submit">"Save title"</button>
                </form>
            </Show>
            <button class="ghost" aria-label=format!("Rename {title}") on:click=rename>"Rename"</button>
            <button class="ghost" aria-label=format!("Duplicate {title}") on:click=duplicate>"Duplicate"</button>
            <button class="ghost" aria-label=format!("Delete {title}") on:click=delete>"Delete"</button>
        </li>
    }
}

fn notebook_title(id: &str) -> String {
    match notebook_store::open(id) {
        notebook_store::Stored::Opened(notebook) => notebook.title,
        _ => String::new(),
    }
}

/// Renames notebook `id`: through the session when it is the open one, so the
/// page and the saved copy agree.
fn rename_notebook(session: Session, id: &str, title: String) {
    if session.current.get_untracked().as_deref() == Some(id) {
        session.notebook.update(|nb| nb.title = title);
    } else if let notebook_store::Stored::Opened(mut notebook) = notebook_store::open(id) {
        notebook.title = title;
        let _ = notebook_store::save(id, &notebook);
    }
}

/// Shown instead of the cells when the stored notebook could not be opened: what
/// happened, and the two ways on. The document stays in storage as it was.
#[component]
pub fn DamagedNotebook(session: Session) -> impl IntoView {
    move || {
        session.damaged.get().map(|damaged| {
            let file = ExportedFile {
                name: "damaged-notebook.json".to_owned(),
                mime: "application/json".to_owned(),
                bytes: damaged.raw.clone().into_bytes(),
            };
            view! {
                <section class="card damaged" role="alert" aria-label="Damaged notebook">
                    <h2>"This notebook could not be opened"</h2>
                    <p>{format!(
                        "The notebook “{}” saved in this browser could not be opened: {}. It is kept as it was, and nothing was written over it.",
                        damaged.title, damaged.reason
                    )}</p>
                    <div class="controls">
                        <button on:click=move |_| {
                            if let Err(error) = download::save(&file) {
                                web_sys::console::error_1(&error.into());
                            }
                        }>"Download the damaged notebook"</button>
                        <button on:click=move |_| session.start_new()>"Start a new notebook"</button>
                    </div>
                </section>
            }
        })
    }
}

//! The notebooks kept in this browser: a small index (which exists, which is open)
//! and one storage entry per notebook. A shared link adds a notebook beside the
//! others; nothing here ever writes over a notebook it could not read.

use serde::{Deserialize, Serialize};
use studio_core::notebook::Notebook;

/// The index of notebooks.
const INDEX: &str = "studio.notebooks";
/// Each notebook's document is kept under this prefix and its id.
const PREFIX: &str = "studio.notebook.";
/// Where the one notebook of earlier versions was kept; moved into the index once.
const LEGACY: &str = "studio.notebook";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub id: String,
    pub title: String,
    /// When it was last saved, in milliseconds since 1970.
    pub updated: f64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct Index {
    current: Option<String>,
    list: Vec<Entry>,
}

/// A stored notebook that could not be opened, kept as it was.
#[derive(Debug, Clone, PartialEq)]
pub struct Damaged {
    pub id: String,
    pub title: String,
    /// The document exactly as stored, for "Download the damaged notebook".
    pub raw: String,
    pub reason: String,
}

/// What opening a stored notebook found.
#[derive(Debug, Clone, PartialEq)]
pub enum Stored {
    Opened(Notebook),
    Damaged(Damaged),
    Missing,
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

fn now() -> f64 {
    js_sys::Date::now()
}

/// The index; rebuilt from the notebooks present if it is missing or damaged, and
/// the earlier single notebook moved into it.
fn index() -> Index {
    let Some(storage) = storage() else {
        return Index::default();
    };
    let stored = storage.get_item(INDEX).ok().flatten();
    if let Some(index) = stored
        .as_deref()
        .and_then(|json| serde_json::from_str::<Index>(json).ok())
    {
        return index;
    }
    let mut index = Index {
        current: None,
        list: rebuild(&storage),
    };
    if let Ok(Some(legacy)) = storage.get_item(LEGACY) {
        let id = new_id(&index);
        // Moved as text, unparsed: a damaged one stays exactly as it was.
        if storage.set_item(&key(&id), &legacy).is_ok() {
            let _ = storage.remove_item(LEGACY);
            index.list.push(Entry {
                title: title_of(&legacy),
                id: id.clone(),
                updated: now(),
            });
            index.current = Some(id);
        }
    }
    write_index(&index);
    index
}

/// An entry for every notebook document in storage.
fn rebuild(storage: &web_sys::Storage) -> Vec<Entry> {
    let count = storage.length().unwrap_or(0);
    let mut list: Vec<Entry> = (0..count)
        .filter_map(|i| storage.key(i).ok().flatten())
        .filter_map(|key| {
            let id = key.strip_prefix(PREFIX)?.to_owned();
            let raw = storage.get_item(&key).ok().flatten()?;
            Some(Entry {
                id,
                title: title_of(&raw),
                updated: now(),
            })
        })
        .collect();
    list.sort_by(|a, b| a.id.cmp(&b.id));
    list
}

fn title_of(raw: &str) -> String {
    serde_json::from_str::<serde_json::Value>(raw)
        .ok()
        .and_then(|v| v.get("title")?.as_str().map(str::to_owned))
        .unwrap_or_else(|| "Damaged notebook".to_owned())
}

fn write_index(index: &Index) {
    if let Some(storage) = storage() {
        // A full or blocked storage only loses the list, not the page.
        let _ = storage.set_item(INDEX, &serde_json::to_string(index).unwrap_or_default());
    }
}

fn key(id: &str) -> String {
    format!("{PREFIX}{id}")
}

fn new_id(index: &Index) -> String {
    let mut n = index.list.len() + 1;
    loop {
        let id = format!("nb{n}");
        if !index.list.iter().any(|e| e.id == id) {
            return id;
        }
        n += 1;
    }
}

/// Every notebook, in the order they were made.
pub fn list() -> Vec<Entry> {
    index().list
}

/// The notebook last open in this browser, if any.
pub fn current() -> Option<String> {
    let index = index();
    index
        .current
        .filter(|id| index.list.iter().any(|e| &e.id == id))
        .or_else(|| index.list.last().map(|e| e.id.clone()))
}

pub fn set_current(id: &str) {
    let mut index = index();
    index.current = Some(id.to_owned());
    write_index(&index);
}

/// Opens notebook `id`, validating it; a document that cannot be used is reported
/// with its text, never replaced.
pub fn open(id: &str) -> Stored {
    let Some(raw) = storage().and_then(|s| s.get_item(&key(id)).ok().flatten()) else {
        return Stored::Missing;
    };
    match Notebook::from_json(&raw) {
        Ok(notebook) => Stored::Opened(notebook),
        Err(error) => Stored::Damaged(Damaged {
            id: id.to_owned(),
            title: title_of(&raw),
            reason: error.to_string(),
            raw,
        }),
    }
}

/// Adds `notebook` as a new entry and makes it the open one; returns its id.
pub fn add(notebook: &Notebook) -> Result<String, String> {
    let mut index = index();
    let id = new_id(&index);
    write_document(&id, &notebook.to_json())?;
    index.list.push(Entry {
        id: id.clone(),
        title: notebook.title.clone(),
        updated: now(),
    });
    index.current = Some(id.clone());
    write_index(&index);
    Ok(id)
}

fn write_document(id: &str, json: &str) -> Result<(), String> {
    let storage = storage().ok_or("this browser offers no storage for notebooks")?;
    storage
        .set_item(&key(id), json)
        .map_err(|_| "this browser's storage for the site is full or blocked: the notebook was not saved; download it to keep it".to_owned())
}

/// Saves `notebook` as entry `id`; one stored as it is already is left untouched.
pub fn save(id: &str, notebook: &Notebook) -> Result<(), String> {
    let json = notebook.to_json();
    let stored = storage().and_then(|s| s.get_item(&key(id)).ok().flatten());
    if stored.as_deref() == Some(json.as_str()) {
        return Ok(());
    }
    write_document(id, &json)?;
    let mut index = index();
    match index.list.iter_mut().find(|e| e.id == id) {
        Some(entry) => {
            entry.title.clone_from(&notebook.title);
            entry.updated = now();
        }
        None => index.list.push(Entry {
            id: id.to_owned(),
            title: notebook.title.clone(),
            updated: now(),
        }),
    }
    write_index(&index);
    Ok(())
}

/// Removes notebook `id` and its document.
pub fn delete(id: &str) {
    let mut index = index();
    index.list.retain(|e| e.id != id);
    if index.current.as_deref() == Some(id) {
        index.current = None;
    }
    if let Some(storage) = storage() {
        let _ = storage.remove_item(&key(id));
    }
    write_index(&index);
}

//! Datasets kept in this browser: the parsed columns, in the origin-private file
//! system (OPFS), one file per dataset plus an index. A reopened dataset is read
//! back column by column, never re-parsed from CSV.

use js_sys::Promise;
use serde::{Deserialize, Serialize};
use studio_core::frame::{Frame, store};
use studio_core::ingest::{Dialect, LoadOptions, Problem};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    FileSystemDirectoryHandle, FileSystemFileHandle, FileSystemGetDirectoryOptions,
    FileSystemGetFileOptions, FileSystemReadWriteOptions, FileSystemSyncAccessHandle,
    WorkerGlobalScope,
};

use crate::bytes::size;
use crate::protocol::{SavedDataset, SavedList};

const DIRECTORY: &str = "datasets";

thread_local! {
    /// Set while a job holds files open: OPFS refuses a second access handle on the
    /// same file, and jobs interleave at every await.
    static BUSY: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `work` once no other storage operation is in progress.
async fn exclusive<T>(work: impl std::future::Future<Output = T>) -> T {
    while BUSY.get() {
        super::yield_now().await;
    }
    BUSY.set(true);
    let out = work.await;
    BUSY.set(false);
    out
}
const INDEX: &str = "index.json";

/// What a saved file carries besides the columns.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Meta {
    pub name: String,
    pub sha256: String,
    pub dialect: Option<Dialect>,
    pub options: LoadOptions,
    pub problems: Vec<Problem>,
    pub bytes: u64,
}

/// Turns a rejected promise or thrown value into words, naming a full quota as such.
fn error(what: &str, e: JsValue) -> String {
    let name = js_sys::Reflect::get(&e, &"name".into())
        .ok()
        .and_then(|n| n.as_string())
        .unwrap_or_default();
    if name == "QuotaExceededError" {
        return format!(
            "{what}: this browser's storage for the site is full. Delete saved datasets to make room; the dataset stays open but is not saved"
        );
    }
    let message = e
        .as_string()
        .or_else(|| js_sys::Error::from(e).message().as_string())
        .unwrap_or_default();
    format!("{what}: {name} {message}").trim().to_owned()
}

async fn wait<T: JsCast>(promise: Promise, what: &str) -> Result<T, String> {
    JsFuture::from(promise)
        .await
        .map_err(|e| error(what, e))?
        .dyn_into::<T>()
        .map_err(|_| format!("{what}: the browser answered with something unexpected"))
}

async fn directory() -> Result<FileSystemDirectoryHandle, String> {
    let scope: WorkerGlobalScope = js_sys::global().unchecked_into();
    let root: FileSystemDirectoryHandle = wait(
        scope.navigator().storage().get_directory(),
        "this browser does not offer storage for datasets",
    )
    .await?;
    let options = FileSystemGetDirectoryOptions::new();
    options.set_create(true);
    wait(
        root.get_directory_handle_with_options(DIRECTORY, &options),
        "could not open the datasets folder",
    )
    .await
}

async fn handle(
    dir: &FileSystemDirectoryHandle,
    name: &str,
    create: bool,
) -> Result<FileSystemSyncAccessHandle, String> {
    let options = FileSystemGetFileOptions::new();
    options.set_create(create);
    let file: FileSystemFileHandle = wait(
        dir.get_file_handle_with_options(name, &options),
        &format!("could not open {name}"),
    )
    .await?;
    wait(
        file.create_sync_access_handle(),
        &format!("could not open {name}"),
    )
    .await
}

fn at(offset: f64) -> FileSystemReadWriteOptions {
    let options = FileSystemReadWriteOptions::new();
    options.set_at(offset);
    options
}

fn write(file: &FileSystemSyncAccessHandle, bytes: &[u8], offset: f64) -> Result<(), String> {
    let written = file
        .write_with_u8_array_and_options(bytes, &at(offset))
        .map_err(|e| error("could not save the dataset", e))?;
    if (written as usize) < bytes.len() {
        return Err("could not save the dataset: the browser's storage is full. Delete saved datasets to make room".to_owned());
    }
    Ok(())
}

/// Reads `len` bytes at `offset`, or fewer where the file ends. The buffer is
/// reserved fallibly: `len` comes from a header already checked against the file's
/// size, and a file too large for the page's memory is refused, not a crash.
fn read(file: &FileSystemSyncAccessHandle, offset: f64, len: usize) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    bytes.try_reserve_exact(len).map_err(|_| {
        format!(
            "could not read the saved dataset: {} do not fit in this page's memory",
            size(len as f64)
        )
    })?;
    bytes.resize(len, 0);
    let n = file
        .read_with_u8_array_and_options(&mut bytes, &at(offset))
        .map_err(|e| error("could not read the saved dataset", e))?;
    bytes.truncate(n as usize);
    Ok(bytes)
}

async fn index(dir: &FileSystemDirectoryHandle) -> Result<Vec<SavedDataset>, String> {
    let file = handle(dir, INDEX, true).await?;
    let size = file
        .get_size()
        .map_err(|e| error("could not read the index", e))?;
    let bytes = read(&file, 0.0, size as usize);
    file.close();
    let bytes = bytes?;
    if bytes.is_empty() {
        return Ok(Vec::new());
    }
    // A damaged index loses the list, not the page: start a new one.
    Ok(serde_json::from_slice(&bytes).unwrap_or_default())
}

async fn write_index(dir: &FileSystemDirectoryHandle, list: &[SavedDataset]) -> Result<(), String> {
    let json = serde_json::to_vec(list).map_err(|e| e.to_string())?;
    let file = handle(dir, INDEX, true).await?;
    let result = file
        .truncate_with_f64(0.0)
        .map_err(|e| error("could not update the index", e))
        .and_then(|()| write(&file, &json, 0.0))
        .and_then(|()| {
            file.flush()
                .map_err(|e| error("could not update the index", e))
        });
    file.close();
    result
}

fn file_name(id: &str) -> String {
    format!("{id}.frame")
}

/// Saves `frame` under an id made from its file's hash (a file saved again replaces
/// its earlier copy) and returns the id.
pub async fn save(frame: &Frame, meta: &Meta) -> Result<String, String> {
    exclusive(save_now(frame, meta)).await
}

async fn save_now(frame: &Frame, meta: &Meta) -> Result<String, String> {
    let id: String = meta.sha256.chars().take(16).collect();
    let id = if id.is_empty() {
        "dataset".to_owned()
    } else {
        id
    };
    let dir = directory().await?;
    let file = handle(&dir, &file_name(&id), true).await?;
    let meta_json = serde_json::to_value(meta).map_err(|e| e.to_string())?;
    let result = write_frame(&file, frame, &meta_json).await;
    file.close();
    let bytes = match result {
        Ok(bytes) => bytes,
        Err(e) => {
            // Half a dataset is no use: take it out again.
            let _ = JsFuture::from(dir.remove_entry(&file_name(&id))).await;
            return Err(e);
        }
    };
    let mut list = index(&dir).await?;
    list.retain(|d| d.id != id);
    list.push(SavedDataset {
        id: id.clone(),
        name: meta.name.clone(),
        rows: frame.rows(),
        columns: frame.columns().len(),
        bytes: bytes as u64,
        sha256: meta.sha256.clone(),
        saved_at: js_sys::Date::now(),
    });
    write_index(&dir, &list).await?;
    Ok(id)
}

/// Writes the header, then each column, yielding between columns so that the
/// table's row requests are answered while a large dataset is saved.
async fn write_frame(
    file: &FileSystemSyncAccessHandle,
    frame: &Frame,
    meta: &serde_json::Value,
) -> Result<f64, String> {
    file.truncate_with_f64(0.0)
        .map_err(|e| error("could not save the dataset", e))?;
    let header = store::encode_header(frame, meta);
    write(file, &header, 0.0)?;
    let mut offset = header.len() as f64;
    for column in frame.columns() {
        super::yield_now().await;
        let block = store::encode_column(column);
        write(file, &block, offset)?;
        offset += block.len() as f64;
    }
    file.flush()
        .map_err(|e| error("could not save the dataset", e))?;
    Ok(offset)
}

/// Reads a saved dataset back, one column at a time.
pub async fn open(id: &str) -> Result<(Frame, Meta), String> {
    exclusive(open_now(id)).await
}

async fn open_now(id: &str) -> Result<(Frame, Meta), String> {
    let dir = directory().await?;
    let file = handle(&dir, &file_name(id), false)
        .await
        .map_err(|_| format!("the saved dataset {id} is no longer in this browser"))?;
    let result = read_frame(&file);
    file.close();
    match result {
        Ok(opened) => Ok(opened),
        Err(Failure::Browser(e)) => Err(e),
        Err(Failure::Store(e)) => {
            let name = index(&dir)
                .await
                .ok()
                .and_then(|list| list.into_iter().find(|d| d.id == id))
                .map_or_else(|| id.to_owned(), |d| d.name);
            Err(e.about(&name))
        }
    }
}

/// Why a saved file could not be read: the browser refused, or its bytes are wrong.
enum Failure {
    Browser(String),
    Store(store::StoreError),
}

impl From<String> for Failure {
    fn from(e: String) -> Self {
        Failure::Browser(e)
    }
}

impl From<store::StoreError> for Failure {
    fn from(e: store::StoreError) -> Self {
        Failure::Store(e)
    }
}

/// The header, checked against the file's size before any length in it is used.
fn read_header(file: &FileSystemSyncAccessHandle) -> Result<store::Header, Failure> {
    let size = file
        .get_size()
        .map_err(|e| error("could not read the saved dataset", e))?;
    // OPFS sizes are whole numbers of bytes.
    let size = size as u64;
    let prefix = read(file, 0.0, store::PREFIX)?;
    let len = store::header_len(&prefix, size)?;
    let head = read(file, 0.0, store::PREFIX + len)?;
    Ok(store::decode_header(&head, size)?)
}

fn read_frame(file: &FileSystemSyncAccessHandle) -> Result<(Frame, Meta), Failure> {
    let header = read_header(file)?;
    let columns = header
        .columns
        .iter()
        .map(|stored| {
            // The header's check keeps each length within the file, though not
            // always within a 32-bit page's address space.
            let len = usize::try_from(stored.length).unwrap_or(usize::MAX);
            let block = read(file, stored.offset as f64, len)?;
            Ok(store::decode_column(stored, header.rows, &block)?)
        })
        .collect::<Result<Vec<_>, Failure>>()?;
    let frame =
        Frame::new(header.rows, columns).ok_or(store::StoreError::from(store::Damage::Lengths))?;
    let meta: Meta = serde_json::from_value(header.meta)
        .map_err(|e| store::StoreError::from(store::Damage::Meta(e.to_string())))?;
    Ok((frame, meta))
}

pub async fn delete(id: &str) -> Result<(), String> {
    exclusive(delete_now(id)).await
}

async fn delete_now(id: &str) -> Result<(), String> {
    let dir = directory().await?;
    // Already gone is as good as deleted.
    let _ = JsFuture::from(dir.remove_entry(&file_name(id))).await;
    let mut list = index(&dir).await?;
    list.retain(|d| d.id != id);
    write_index(&dir, &list).await
}

pub async fn list() -> Result<SavedList, String> {
    exclusive(list_now()).await
}

async fn list_now() -> Result<SavedList, String> {
    let dir = directory().await?;
    let datasets = index(&dir).await?;
    let scope: WorkerGlobalScope = js_sys::global().unchecked_into();
    let estimate = match scope.navigator().storage().estimate() {
        Ok(promise) => JsFuture::from(promise)
            .await
            .ok()
            .map(web_sys::StorageEstimate::from),
        Err(_) => None,
    };
    Ok(SavedList {
        datasets,
        usage: estimate.as_ref().and_then(|e| e.get_usage()),
        quota: estimate.as_ref().and_then(|e| e.get_quota()),
    })
}

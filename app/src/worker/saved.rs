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
    /// What the last rebuild of the index found, for the next list to tell the page:
    /// a rebuild during a save or a delete is reported by the list that follows it.
    static REBUILT: std::cell::Cell<Option<String>> = const { std::cell::Cell::new(None) };
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
    let file = file_handle(dir, name, create).await?;
    wait(
        file.create_sync_access_handle(),
        &format!("could not open {name}"),
    )
    .await
}

async fn file_handle(
    dir: &FileSystemDirectoryHandle,
    name: &str,
    create: bool,
) -> Result<FileSystemFileHandle, String> {
    let options = FileSystemGetFileOptions::new();
    options.set_create(create);
    wait(
        dir.get_file_handle_with_options(name, &options),
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

/// The index, checked against the `.frame` files in the folder and rebuilt from
/// their headers when it does not parse, lists files that are gone or misses files
/// that are there. `except` is left out of both: the caller is about to set it.
async fn index(
    dir: &FileSystemDirectoryHandle,
    except: Option<&str>,
) -> Result<Vec<SavedDataset>, String> {
    let file = handle(dir, INDEX, true).await?;
    let size = file
        .get_size()
        .map_err(|e| error("could not read the index", e))?;
    let bytes = read(&file, 0.0, size as usize);
    file.close();
    let bytes = bytes?;
    let listed = if bytes.is_empty() {
        Some(Vec::new())
    } else {
        serde_json::from_slice(&bytes).ok()
    };
    let present = frame_ids(dir).await?;
    let Reconciled {
        mut kept,
        unlisted,
        fault,
    } = reconcile(listed, &present, except);
    let Some(fault) = fault else {
        return Ok(kept);
    };
    let mut found = Vec::new();
    let mut removed = 0;
    for id in unlisted {
        match describe(dir, &id).await {
            Ok(entry) => found.push(entry),
            // Bytes that are not a dataset can never be opened; left in place they
            // would only take up storage that the page cannot show.
            Err(Failure::Store(store::StoreError::Damaged(_) | store::StoreError::NotDataset)) => {
                if JsFuture::from(dir.remove_entry(&file_name(&id)))
                    .await
                    .is_ok()
                {
                    removed += 1;
                }
            }
            // A newer Studio's file, or one another tab has open, is left for later.
            Err(_) => {}
        }
    }
    // In the order they were saved, as the index lists them.
    found.sort_by(|a, b| a.saved_at.total_cmp(&b.saved_at));
    kept.extend(found);
    write_index(dir, &kept).await?;
    REBUILT.set(Some(rebuilt(fault, kept.len(), removed)));
    Ok(kept)
}

/// The ids of the `.frame` files in the folder.
async fn frame_ids(dir: &FileSystemDirectoryHandle) -> Result<Vec<String>, String> {
    const WHAT: &str = "could not list the saved datasets";
    let names = dir.keys();
    let mut ids = Vec::new();
    loop {
        let next = names.next().map_err(|e| error(WHAT, e))?;
        let next: js_sys::IteratorNext = JsFuture::from(next)
            .await
            .map_err(|e| error(WHAT, e))?
            .unchecked_into();
        if next.done() {
            return Ok(ids);
        }
        if let Some(name) = next.value().as_string()
            && let Some(id) = name.strip_suffix(".frame")
        {
            ids.push(id.to_owned());
        }
    }
}

/// The index entry for a file the index does not list, from its header.
async fn describe(dir: &FileSystemDirectoryHandle, id: &str) -> Result<SavedDataset, Failure> {
    let name = file_name(id);
    let handle = file_handle(dir, &name, false).await?;
    let file: web_sys::File = wait(handle.get_file(), &format!("could not read {name}")).await?;
    let access: FileSystemSyncAccessHandle = wait(
        handle.create_sync_access_handle(),
        &format!("could not open {name}"),
    )
    .await?;
    let header = read_header(&access);
    access.close();
    Ok(entry(
        id,
        header?,
        file.size() as u64,
        file.last_modified(),
    )?)
}

/// What the index says of a file: its name and hash from the meta saved with it,
/// its shape from the header.
fn entry(
    id: &str,
    header: store::Header,
    bytes: u64,
    saved_at: f64,
) -> Result<SavedDataset, store::StoreError> {
    let meta: Meta =
        serde_json::from_str(header.meta.get()).map_err(|e| store::Damage::Meta(e.to_string()))?;
    Ok(SavedDataset {
        id: id.to_owned(),
        name: meta.name,
        rows: header.rows,
        columns: header.columns.len(),
        bytes,
        sha256: meta.sha256,
        saved_at,
    })
}

/// How the index compares with the files in the folder.
#[derive(Debug, PartialEq)]
struct Reconciled {
    /// The index's entries whose files are there, in its order, each id once.
    kept: Vec<SavedDataset>,
    /// The files there that the index does not list.
    unlisted: Vec<String>,
    /// Why the index must be written again, if it must.
    fault: Option<Fault>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    /// It does not parse.
    Damaged,
    /// It lists files that are gone, or twice, or misses files that are there.
    OutOfStep,
}

/// Compares what the index listed (`None` where it does not parse) with the ids
/// of the files present, both without `except`.
fn reconcile(
    listed: Option<Vec<SavedDataset>>,
    present: &[String],
    except: Option<&str>,
) -> Reconciled {
    let present: Vec<&str> = present
        .iter()
        .map(String::as_str)
        .filter(|&id| Some(id) != except)
        .collect();
    let damaged = listed.is_none();
    let listed: Vec<SavedDataset> = listed
        .unwrap_or_default()
        .into_iter()
        .filter(|d| Some(d.id.as_str()) != except)
        .collect();
    let count = listed.len();
    let mut kept: Vec<SavedDataset> = Vec::with_capacity(count);
    for dataset in listed {
        if present.contains(&dataset.id.as_str()) && !kept.iter().any(|k| k.id == dataset.id) {
            kept.push(dataset);
        }
    }
    let unlisted: Vec<String> = present
        .into_iter()
        .filter(|&id| !kept.iter().any(|k| k.id == id))
        .map(str::to_owned)
        .collect();
    let fault = if damaged {
        Some(Fault::Damaged)
    } else if kept.len() != count || !unlisted.is_empty() {
        Some(Fault::OutOfStep)
    } else {
        None
    };
    Reconciled {
        kept,
        unlisted,
        fault,
    }
}

/// What the page is told after the index was rebuilt.
fn rebuilt(fault: Fault, found: usize, removed: usize) -> String {
    let what = match fault {
        Fault::Damaged => "was damaged",
        Fault::OutOfStep => "did not match the files in this browser's storage",
    };
    let datasets = if found == 1 { "dataset" } else { "datasets" };
    let mut notice = format!(
        "The list of saved datasets {what}; it was rebuilt from the {found} {datasets} found"
    );
    if removed > 0 {
        let files = if removed == 1 {
            "file was"
        } else {
            "files were"
        };
        notice += &format!("; {removed} damaged {files} deleted");
    }
    notice.push('.');
    notice
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
    let mut list = index(&dir, Some(&id)).await?;
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
            let name = index(&dir, None)
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
    let meta: Meta = serde_json::from_str(header.meta.get())
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
    let list = index(&dir, Some(id)).await?;
    write_index(&dir, &list).await
}

pub async fn list() -> Result<SavedList, String> {
    exclusive(list_now()).await
}

async fn list_now() -> Result<SavedList, String> {
    let dir = directory().await?;
    let datasets = index(&dir, None).await?;
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
        notice: REBUILT.take(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use studio_core::frame::Column;

    fn dataset(id: &str) -> SavedDataset {
        SavedDataset {
            id: id.to_owned(),
            name: format!("{id}.csv"),
            rows: 3,
            columns: 1,
            bytes: 100,
            sha256: format!("{id}0000"),
            saved_at: 1.0,
        }
    }

    fn ids(list: &[SavedDataset]) -> Vec<&str> {
        list.iter().map(|d| d.id.as_str()).collect()
    }

    /// The index `listed` against the files `present`: the ids kept, the ids to
    /// read, and the fault.
    fn check(
        listed: Option<&[&str]>,
        present: &[&str],
        except: Option<&str>,
        kept: &[&str],
        unlisted: &[&str],
        fault: Option<Fault>,
    ) {
        let listed = listed.map(|l| l.iter().map(|id| dataset(id)).collect());
        let present: Vec<String> = present.iter().map(|&id| id.to_owned()).collect();
        let out = reconcile(listed, &present, except);
        assert_eq!(ids(&out.kept), kept);
        assert_eq!(out.unlisted, unlisted);
        assert_eq!(out.fault, fault);
    }

    #[test]
    fn the_index_is_rebuilt_only_when_it_does_not_match_the_files() {
        use Fault::*;
        check(Some(&["a", "b"]), &["b", "a"], None, &["a", "b"], &[], None);
        check(Some(&[]), &[], None, &[], &[], None);
        check(None, &["a", "b"], None, &[], &["a", "b"], Some(Damaged));
        check(None, &[], None, &[], &[], Some(Damaged));
        check(
            Some(&["a", "b"]),
            &["a"],
            None,
            &["a"],
            &[],
            Some(OutOfStep),
        );
        check(
            Some(&["a"]),
            &["a", "c"],
            None,
            &["a"],
            &["c"],
            Some(OutOfStep),
        );
        check(
            Some(&["a", "a"]),
            &["a"],
            None,
            &["a"],
            &[],
            Some(OutOfStep),
        );
        // A save has just written its file, a delete just removed it.
        check(Some(&["a"]), &["a", "b"], Some("b"), &["a"], &[], None);
        check(Some(&["a", "b"]), &["a"], Some("b"), &["a"], &[], None);
        check(None, &["a", "b"], Some("b"), &[], &["a"], Some(Damaged));
    }

    #[test]
    fn a_rebuilt_index_is_reported() {
        assert_eq!(
            rebuilt(Fault::Damaged, 2, 0),
            "The list of saved datasets was damaged; it was rebuilt from the 2 datasets found."
        );
        assert_eq!(
            rebuilt(Fault::OutOfStep, 1, 1),
            "The list of saved datasets did not match the files in this browser's storage; \
             it was rebuilt from the 1 dataset found; 1 damaged file was deleted."
        );
        assert_eq!(
            rebuilt(Fault::Damaged, 0, 2),
            "The list of saved datasets was damaged; it was rebuilt from the 0 datasets found; \
             2 damaged files were deleted."
        );
    }

    #[test]
    fn a_file_describes_itself_as_the_index_did() {
        let frame = Frame::new(
            3,
            vec![
                Column::floats("x", [Some(1.0), None, Some(3.0)]),
                Column::floats("y", [Some(1.0), Some(2.0), Some(3.0)]),
            ],
        )
        .expect("equal lengths");
        let meta = Meta {
            name: "people.csv".to_owned(),
            sha256: "ab12".to_owned(),
            dialect: None,
            options: LoadOptions::default(),
            problems: vec![],
            bytes: 1234,
        };
        let file = store::encode(&frame, &serde_json::to_value(&meta).expect("meta"));
        let header = store::decode_header(&file, file.len() as u64).expect("header");
        let described = entry("ab12", header.clone(), file.len() as u64, 5.0).expect("entry");
        assert_eq!(
            described,
            SavedDataset {
                id: "ab12".to_owned(),
                name: "people.csv".to_owned(),
                rows: 3,
                columns: 2,
                bytes: file.len() as u64,
                sha256: "ab12".to_owned(),
                saved_at: 5.0,
            }
        );
        let strange = store::Header {
            meta: serde_json::value::RawValue::from_string(r#"{"name": 7}"#.to_owned())
                .expect("JSON"),
            ..header
        };
        assert!(matches!(
            entry("ab12", strange, 10, 5.0),
            Err(store::StoreError::Damaged(store::Damage::Meta(_)))
        ));
    }
}

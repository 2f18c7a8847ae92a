use wasm_bindgen::JsCast;

use studio_core::notebook::Notebook;

use super::client::{self, JobEvent};
use crate::protocol::{ExportFormat, ExportedFile, Job, JobError, JobOutput};

/// Asks the worker for data cell `cell`'s dataset as CSV, or for train cell
/// `cell`'s fitted pipeline as `notebook` has it now, in `format`, and saves it.
/// What goes wrong is told to `failed`.
pub fn export(
    format: ExportFormat,
    cell: u32,
    notebook: Option<Notebook>,
    failed: impl Fn(JobError) + 'static,
) {
    let job = Job::Export {
        format,
        cell: Some(cell),
        notebook: notebook.map(Box::new),
    };
    client::start(job, move |event| match event {
        JobEvent::Done(JobOutput::File(file)) => {
            if let Err(error) = save(&file) {
                failed(JobError::internal(format!(
                    "the browser would not save {}: {error}",
                    file.name
                )));
            }
        }
        JobEvent::Failed(error) => failed(error),
        JobEvent::Progress { .. }
        | JobEvent::Done(_)
        | JobEvent::Cancelled
        | JobEvent::View(_)
        | JobEvent::Paused => {}
    });
}

/// Hands `file` to the browser's download through a temporary object URL.
pub fn save(file: &ExportedFile) -> Result<(), String> {
    let err = |e: wasm_bindgen::JsValue| format!("{e:?}");
    let bytes = js_sys::Uint8Array::from(file.bytes.as_slice());
    let parts = js_sys::Array::of1(&bytes);
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(&file.mime);
    let blob =
        web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).map_err(err)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(err)?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let link: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(err)?
        .dyn_into()
        .map_err(|_| "not an anchor")?;
    link.set_href(&url);
    link.set_download(&file.name);
    link.click();
    web_sys::Url::revoke_object_url(&url).map_err(err)?;
    Ok(())
}

use wasm_bindgen::JsCast;

use super::client::{self, JobEvent};
use crate::protocol::{ExportFormat, ExportedFile, Job, JobOutput};

/// Asks the worker for train cell `cell`'s fitted pipeline (the open dataset,
/// for CSV) in `format` and saves it.
pub fn export(format: ExportFormat, cell: Option<u32>) {
    client::start(Job::Export { format, cell }, move |event| match event {
        JobEvent::Done(JobOutput::File(file)) => {
            if let Err(error) = save(&file) {
                web_sys::console::error_1(&format!("saving {} failed: {error}", file.name).into());
            }
        }
        JobEvent::Failed(error) => {
            web_sys::console::error_1(&format!("export failed: {error}").into());
        }
        JobEvent::Progress { .. } | JobEvent::Done(_) | JobEvent::Cancelled => {}
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

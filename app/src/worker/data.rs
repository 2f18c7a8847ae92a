//! The worker's open dataset and last fitted pipeline: they live here, next to the
//! code that uses them, and never cross to the UI thread whole.

use std::cell::RefCell;
use std::rc::Rc;

use studio_core::frame::Frame;
use studio_core::ingest::{read_csv, sha256_hex};
use studio_core::train::{Pipeline, Task};

use crate::protocol::DatasetSummary;

/// Rows sent to the page for the preview table.
const PREVIEW_ROWS: usize = 100;

thread_local! {
    static FRAME: RefCell<Option<Rc<Frame>>> = const { RefCell::new(None) };
    static FITTED: RefCell<Option<Pipeline>> = const { RefCell::new(None) };
}

/// Parses `bytes`, keeps the frame as the open dataset, and describes it.
pub fn open(name: &str, bytes: &[u8], sample: bool) -> Result<DatasetSummary, String> {
    let frame = read_csv(bytes, name).map_err(|e| e.to_string())?;
    let summary = DatasetSummary {
        name: name.to_owned(),
        rows: frame.rows(),
        columns: frame.summaries(),
        tasks: frame.columns().iter().map(Task::infer).collect(),
        preview: (0..frame.rows().min(PREVIEW_ROWS))
            .map(|row| frame.columns().iter().map(|c| c.text(row)).collect())
            .collect(),
        sha256: sha256_hex(bytes),
        sample,
    };
    FRAME.set(Some(Rc::new(frame)));
    FITTED.set(None);
    Ok(summary)
}

pub fn open_sample(name: &str) -> Result<DatasetSummary, String> {
    open(name, studio_core::samples::csv(name)?, true)
}

pub fn frame() -> Result<Rc<Frame>, String> {
    FRAME
        .with_borrow(Clone::clone)
        .ok_or_else(|| "open a CSV file or a sample dataset first".to_owned())
}

pub fn keep_fitted(pipeline: Pipeline) {
    FITTED.set(Some(pipeline));
}

pub fn fitted() -> Result<Pipeline, String> {
    FITTED
        .with_borrow(Clone::clone)
        .ok_or_else(|| "train a model first".to_owned())
}

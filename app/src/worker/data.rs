//! The worker's open datasets, one per data cell: they live here, next to the
//! code that uses them, and never cross to the UI thread whole.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

use studio_core::frame::profile::profiles;
use studio_core::frame::view::{self, TableView};
use studio_core::frame::{Frame, Role};
use studio_core::ingest::{Dialect, LoadOptions, Loaded, Problem};
use studio_core::notebook::DataSource;
use studio_core::synthetic::Synthetic;
use studio_core::train::Task;

use super::saved::Meta;
use crate::protocol::{DatasetSummary, Origin, RowWindow};

/// Rows sent with a dataset's summary, so the table shows at once.
pub const FIRST_ROWS: usize = 60;
/// Most rows one window request may ask for.
const MAX_WINDOW: usize = 500;

/// Where the open dataset came from, so that it can be read again with new options.
#[derive(Debug, Clone)]
pub enum Source {
    /// A local file and its fingerprint, which a read with other options keeps.
    File {
        file: web_sys::File,
        sha256: String,
    },
    Sample(String),
    Synthetic,
    Saved,
}

struct Open {
    name: String,
    /// What a save of this dataset records; only files are saved.
    meta: Option<Meta>,
    frame: Arc<Frame>,
    source: Source,
    /// The data as a notebook's data cell names them.
    names: DataSource,
    /// The last view asked for and its rows, so scrolling does not sort again.
    view: Option<(TableView, Option<Rc<Vec<u32>>>)>,
}

thread_local! {
    /// Each data cell's open dataset, by cell id.
    static OPEN: RefCell<HashMap<u32, Open>> = RefCell::new(HashMap::new());
}

/// A dataset read or made, before it becomes the open one.
pub struct Opened {
    pub name: String,
    pub origin: Origin,
    pub source: Source,
    pub frame: Frame,
    pub dialect: Option<Dialect>,
    pub problems: Vec<Problem>,
    pub sha256: String,
    pub bytes: u64,
    pub options: LoadOptions,
    pub read_seconds: Option<f64>,
}

impl Opened {
    pub fn loaded(
        name: String,
        origin: Origin,
        source: Source,
        loaded: Loaded,
        options: LoadOptions,
    ) -> Self {
        Self {
            name,
            origin,
            source,
            frame: loaded.frame,
            dialect: Some(loaded.dialect),
            problems: loaded.problems,
            sha256: loaded.sha256,
            bytes: loaded.bytes,
            options,
            read_seconds: None,
        }
    }
}

/// Keeps `opened` as data cell `cell`'s open dataset and describes it for the page.
pub fn keep(cell: u32, opened: Opened, saved: Option<Result<String, String>>) -> DatasetSummary {
    let Opened {
        name,
        origin,
        source,
        frame,
        dialect,
        problems,
        sha256,
        bytes,
        options,
        read_seconds,
    } = opened;
    let summary = DatasetSummary {
        name,
        rows: frame.rows(),
        columns: frame.summaries(),
        tasks: frame.columns().iter().map(Task::infer).collect(),
        preview: first_rows(&frame),
        sha256,
        origin,
        dialect,
        options,
        problems,
        profiles: profiles(&frame),
        memory: frame.memory(),
        bytes,
        read_seconds,
        saved,
    };
    let meta = matches!(summary.origin, Origin::File).then(|| Meta {
        name: summary.name.clone(),
        sha256: summary.sha256.clone(),
        dialect: summary.dialect,
        options: summary.options.clone(),
        problems: summary.problems.clone(),
        bytes: summary.bytes,
    });
    let open = Open {
        meta,
        name: summary.name.clone(),
        frame: Arc::new(frame),
        source,
        names: summary.source(),
        view: None,
    };
    OPEN.with_borrow_mut(|datasets| datasets.insert(cell, open));
    super::cells::forget(cell);
    summary
}

fn first_rows(frame: &Frame) -> Vec<Vec<Option<String>>> {
    (0..frame.rows().min(FIRST_ROWS))
        .map(|row| frame.columns().iter().map(|c| c.text(row)).collect())
        .collect()
}

/// A generated dataset, described as a load of its own.
pub fn synthetic(spec: Synthetic) -> Result<Opened, String> {
    let frame = spec.generate().map_err(|e| e.to_string())?;
    Ok(Opened {
        name: spec.name(),
        origin: Origin::Synthetic(spec),
        source: Source::Synthetic,
        frame,
        dialect: None,
        problems: Vec::new(),
        sha256: String::new(),
        bytes: 0,
        options: LoadOptions::default(),
        read_seconds: None,
    })
}

const NO_DATA: &str = "open a CSV file or a sample dataset first";

/// What data cell `cell` has open, read by `read`.
fn with_open<T>(cell: u32, read: impl FnOnce(&Open) -> Result<T, String>) -> Result<T, String> {
    OPEN.with_borrow(|datasets| datasets.get(&cell).map_or(Err(NO_DATA.to_owned()), read))
}

pub fn frame(cell: u32) -> Result<Arc<Frame>, String> {
    with_open(cell, |open| Ok(Arc::clone(&open.frame)))
}

/// Data cell `cell`'s open frame, if it holds the data `source` names.
pub fn frame_of(cell: u32, source: &DataSource) -> Result<Arc<Frame>, String> {
    with_open(cell, |open| {
        if open.names == *source {
            Ok(Arc::clone(&open.frame))
        } else {
            Err(format!(
                "the data open now ({}) are not the data this cell names: open them again",
                open.name
            ))
        }
    })
}

/// The open dataset and what saving it records; an error for data that is not a file.
pub fn for_saving(cell: u32) -> Result<(Arc<Frame>, Meta), String> {
    with_open(cell, |open| {
        let meta = open.meta.clone().ok_or(
            "only datasets read from a file are saved: samples and generated data are made again",
        )?;
        Ok((Arc::clone(&open.frame), meta))
    })
}

pub fn name(cell: u32) -> Result<String, String> {
    with_open(cell, |open| Ok(open.name.clone()))
}

pub fn source(cell: u32) -> Result<Source, String> {
    with_open(cell, |open| Ok(open.source.clone()))
}

/// Sets roles on the open frame (copying it only if a job still holds it).
pub fn set_roles(cell: u32, roles: &[(String, Role)]) -> Result<(), String> {
    // Results made with the old roles are stale, and must not hold the frame.
    super::cells::forget(cell);
    OPEN.with_borrow_mut(|datasets| {
        let open = datasets.get_mut(&cell).ok_or(NO_DATA)?;
        let frame = Arc::make_mut(&mut open.frame);
        for (name, role) in roles {
            if !frame.set_role(name, *role) {
                return Err(format!("there is no column \"{name}\""));
            }
        }
        Ok(())
    })
}

/// Rows `start..start + count` of `view`.
pub fn rows(cell: u32, table: &TableView, start: usize, count: usize) -> Result<RowWindow, String> {
    OPEN.with_borrow_mut(|datasets| {
        let open = datasets.get_mut(&cell).ok_or(NO_DATA)?;
        let order = match &open.view {
            Some((v, order)) if v == table => order.clone(),
            _ => {
                let order = view::rows(&open.frame, table).map(Rc::new);
                open.view = Some((table.clone(), order.clone()));
                order
            }
        };
        let frame = &open.frame;
        let total = order.as_ref().map_or(frame.rows(), |o| o.len());
        let start = start.min(total);
        let end = (start + count.min(MAX_WINDOW)).min(total);
        let rows = (start..end)
            .map(|i| {
                let row = order.as_ref().map_or(i, |o| o[i] as usize);
                (
                    row + 1,
                    frame.columns().iter().map(|c| c.text(row)).collect(),
                )
            })
            .collect();
        Ok(RowWindow { total, start, rows })
    })
}

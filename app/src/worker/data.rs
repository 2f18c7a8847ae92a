//! The worker's open dataset: it lives here, next to the code that uses it, and
//! never crosses to the UI thread whole.

use std::cell::RefCell;
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
    static OPEN: RefCell<Option<Open>> = const { RefCell::new(None) };
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

/// Keeps `opened` as the open dataset and describes it for the page.
pub fn keep(opened: Opened, saved: Option<Result<String, String>>) -> DatasetSummary {
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
    OPEN.set(Some(Open {
        meta,
        name: summary.name.clone(),
        frame: Arc::new(frame),
        source,
        names: summary.source(),
        view: None,
    }));
    super::cells::forget();
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

pub fn frame() -> Result<Arc<Frame>, String> {
    OPEN.with_borrow(|open| open.as_ref().map(|o| Arc::clone(&o.frame)))
        .ok_or_else(|| "open a CSV file or a sample dataset first".to_owned())
}

/// The open frame, if it holds the data `source` names.
pub fn frame_of(source: &DataSource) -> Result<Arc<Frame>, String> {
    OPEN.with_borrow(|open| match open {
        Some(open) if open.names == *source => Ok(Arc::clone(&open.frame)),
        Some(open) => Err(format!(
            "the data open now ({}) are not the data this cell names: open them again",
            open.name
        )),
        None => Err("open a CSV file or a sample dataset first".to_owned()),
    })
}

/// The open dataset and what saving it records; an error for data that is not a file.
pub fn for_saving() -> Result<(Arc<Frame>, Meta), String> {
    OPEN.with_borrow(|open| {
        let open = open.as_ref().ok_or("open a CSV file first")?;
        let meta = open.meta.clone().ok_or(
            "only datasets read from a file are saved: samples and generated data are made again",
        )?;
        Ok((Arc::clone(&open.frame), meta))
    })
}

pub fn name() -> Result<String, String> {
    OPEN.with_borrow(|open| open.as_ref().map(|o| o.name.clone()))
        .ok_or_else(|| "open a CSV file or a sample dataset first".to_owned())
}

pub fn source() -> Result<Source, String> {
    OPEN.with_borrow(|open| open.as_ref().map(|o| o.source.clone()))
        .ok_or_else(|| "open a CSV file or a sample dataset first".to_owned())
}

/// Sets roles on the open frame (copying it only if a job still holds it).
pub fn set_roles(roles: &[(String, Role)]) -> Result<(), String> {
    // Results made with the old roles are stale, and must not hold the frame.
    super::cells::forget();
    OPEN.with_borrow_mut(|open| {
        let open = open
            .as_mut()
            .ok_or_else(|| "open a dataset first".to_owned())?;
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
pub fn rows(table: &TableView, start: usize, count: usize) -> Result<RowWindow, String> {
    OPEN.with_borrow_mut(|open| {
        let open = open
            .as_mut()
            .ok_or_else(|| "open a dataset first".to_owned())?;
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

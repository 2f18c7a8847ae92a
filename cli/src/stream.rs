//! A CSV file read a chunk of rows at a time, from its start again on each pass:
//! what `studio train --online` learns from, so that a file larger than memory
//! trains, and what `studio predict` predicts. Each pass guesses the dialect and
//! types from the same first bytes (or reads them as the options say), so every
//! chunk of every pass has one schema.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use studio_core::frame::Frame;
use studio_core::ingest::{LoadOptions, Loader, Problem};
use studio_core::online::{Chunks, OnlineError};

/// Bytes read from disk at a time; about a chunk of rows.
const CHUNK: usize = 8 << 20;

/// A CSV file, read in chunks of rows.
#[derive(Debug, Clone)]
pub struct CsvChunks {
    path: PathBuf,
    options: LoadOptions,
    /// Whole passes read: the load report is told after the first.
    passes: usize,
}

impl CsvChunks {
    pub fn new(path: &Path) -> Self {
        Self::with_options(path, LoadOptions::default())
    }

    /// The file read with `options` (column types forced, for example).
    pub fn with_options(path: &Path, options: LoadOptions) -> Self {
        Self {
            path: path.to_owned(),
            options,
            passes: 0,
        }
    }

    /// The file's first chunk of rows, for what the columns are.
    pub fn first(&mut self) -> Result<Frame, String> {
        let mut first = None;
        let stop = "the first chunk is read";
        let read = self.read(&mut |frame| {
            first = Some(frame.clone());
            Err(OnlineError::Read(stop.to_owned()))
        });
        match (first, read) {
            (Some(frame), _) => Ok(frame),
            (None, Err(e)) => Err(e.to_string()),
            (None, Ok(_)) => Err(format!("{} has no rows", self.path.display())),
        }
    }

    /// One pass: every chunk of rows to `visit`, in file order; the load report.
    pub fn read(
        &mut self,
        visit: &mut dyn FnMut(&Frame) -> Result<(), OnlineError>,
    ) -> Result<Vec<Problem>, OnlineError> {
        let name = self.path.display().to_string();
        let cannot = |e: std::io::Error| OnlineError::Read(format!("cannot read {name}: {e}"));
        let mut file = File::open(&self.path).map_err(cannot)?;
        // No size: the loader would reserve memory for the whole file's rows.
        let mut loader = Loader::new(&name, self.options.clone(), None).without_fingerprint();
        let mut buffer = vec![0; CHUNK];
        loop {
            let n = file.read(&mut buffer).map_err(cannot)?;
            if n == 0 {
                break;
            }
            loader
                .push(&buffer[..n])
                .map_err(|e| OnlineError::Read(e.to_string()))?;
            if let Some(frame) = loader
                .take_rows()
                .map_err(|e| OnlineError::Read(e.to_string()))?
            {
                visit(&frame)?;
            }
        }
        let rest = loader
            .finish()
            .map_err(|e| OnlineError::Read(e.to_string()))?;
        if rest.frame.rows() > 0 {
            visit(&rest.frame)?;
        }
        self.passes += 1;
        Ok(rest.problems)
    }
}

impl Chunks for CsvChunks {
    fn pass(
        &mut self,
        visit: &mut dyn FnMut(&Frame) -> Result<(), OnlineError>,
    ) -> Result<(), OnlineError> {
        let problems = self.read(visit)?;
        if self.passes == 1 {
            crate::train::warn_of(&self.path, &problems);
        }
        Ok(())
    }
}

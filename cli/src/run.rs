use std::path::PathBuf;
use std::sync::Arc;

use clap::Args;
use serde::Serialize;
use studio_core::compute::{Preference, select};
use studio_core::frame::Frame;
use studio_core::ingest::{self, LoadOptions};
use studio_core::notebook::executor::{CellError, ErrorKind, Executor, Quiet, Sources};
use studio_core::notebook::{CellKind, DataSource, Notebook};
use studio_core::train::OnGpuFailure;

use crate::train::{Summary, render_trained, summary};

/// `studio run`: execute a notebook saved from the browser.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// A notebook saved with "Download notebook".
    notebook: PathBuf,
    /// The data file, when the notebook was made with a local file.
    #[arg(long, value_name = "FILE.csv")]
    data: Option<PathBuf>,
    /// auto (the GPU when one verifies), gpu, or cpu.
    #[arg(long, default_value = "auto", value_parser = ["auto", "gpu", "cpu"])]
    device: String,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

/// Data cells' frames: bundled samples and synthetic data by name, a local file
/// from `--data` (checked against the fingerprint the notebook holds).
struct Files {
    data: Option<PathBuf>,
}

impl Sources for Files {
    async fn frame(
        &mut self,
        cell: u32,
        source: &DataSource,
        options: &LoadOptions,
    ) -> Result<Arc<Frame>, CellError> {
        let failed = |message: String| CellError::new(cell, ErrorKind::Data, message);
        match (source, &self.data) {
            (_, Some(path)) => {
                let loaded =
                    crate::data::read(path, options.clone(), crate::data::Hash::Fingerprint)
                        .map_err(failed)?;
                if let DataSource::Local { name, sha256, .. } = source
                    && loaded.sha256 != *sha256
                {
                    eprintln!(
                        "studio: warning: {} is not the file this notebook was made with ({name}); results will differ",
                        path.display()
                    );
                }
                Ok(Arc::new(loaded.frame))
            }
            (DataSource::Sample { name }, None) => {
                let bytes = studio_core::samples::csv(name).map_err(failed)?;
                ingest::load(bytes, name, options.clone())
                    .map(|loaded| Arc::new(loaded.frame))
                    .map_err(|e| failed(e.to_string()))
            }
            (DataSource::Synthetic(spec), None) => spec
                .generate()
                .map(Arc::new)
                .map_err(|e| failed(e.to_string())),
            (DataSource::Local { name, .. }, None) => Err(failed(format!(
                "this notebook was made with the local file {name}: pass it with --data {name}"
            ))),
        }
    }
}

pub fn run(args: RunArgs) -> Result<(), String> {
    let text = std::fs::read_to_string(&args.notebook)
        .map_err(|e| format!("cannot read {}: {e}", args.notebook.display()))?;
    let notebook =
        Notebook::from_json(&text).map_err(|e| format!("{}: {e}", args.notebook.display()))?;
    let train_cells: Vec<u32> = notebook
        .cells
        .iter()
        .filter(|c| matches!(c.kind, CellKind::Train(_)))
        .map(|c| c.id)
        .collect();
    if train_cells.is_empty() {
        return Err("this notebook has no train cell".to_owned());
    }
    if notebook.data_with_sources().is_empty() {
        return Err("this notebook has no data yet: open data in it first".to_owned());
    }
    let preference = match args.device.as_str() {
        "gpu" => Preference::Gpu,
        "cpu" => Preference::Cpu,
        _ => Preference::Auto,
    };
    let (device, report) = pollster::block_on(select(preference))
        .map_err(|e| format!("--device gpu: there is no GPU to train on: {e}"))?;
    let on_failure = match preference {
        Preference::Auto => OnGpuFailure::GoOnOnCpu,
        _ => OnGpuFailure::Stop,
    };
    let mut executor = Executor::default();
    let mut sources = Files { data: args.data };
    let outcomes = pollster::block_on(executor.run(
        &notebook,
        Some(&train_cells),
        &mut sources,
        &device,
        on_failure,
        &mut Quiet,
    ));
    // The first failure is the one to fix; the cells after it only wait for it.
    if let Some((id, Err(error))) = outcomes.iter().find(|(_, o)| o.is_err()) {
        let position = notebook.cells.iter().position(|c| c.id == *id).unwrap_or(0) + 1;
        return Err(format!("cell {position}: {error}"));
    }
    let mut runs = Vec::new();
    for id in &train_cells {
        let cell = notebook.cell(*id).ok_or("a train cell went missing")?;
        let CellKind::Train(train) = &cell.kind else {
            continue;
        };
        let trained = executor
            .trained(&notebook, *id)
            .ok_or_else(|| format!("{} did not run", cell.label()))?;
        if let Some(fallback) = &trained.fallback {
            eprintln!("studio: {fallback}");
        }
        runs.push((*id, cell.label(), train.model.kind.clone(), trained));
    }
    let summaries: Vec<CellSummary<'_>> = runs
        .iter()
        .map(|(id, title, model, trained)| CellSummary {
            id: *id,
            title,
            summary: summary(
                trained.pipeline.task,
                model,
                trained,
                report.reason.as_deref(),
            ),
        })
        .collect();
    if !args.json {
        for (cell, (.., trained)) in summaries.iter().zip(&runs) {
            if summaries.len() > 1 {
                println!("{}", cell.title);
            }
            print!("{}", render_trained(&cell.summary, trained));
        }
        return Ok(());
    }
    let text = match summaries.as_slice() {
        // One train cell prints exactly what `studio train --json` does.
        [only] => serde_json::to_string(&only.summary),
        // Several add every cell's object, with its id and title, under "cells".
        [first, ..] => serde_json::to_string(&WithCells {
            first: &first.summary,
            cells: &summaries,
        }),
        [] => return Err("no train cell ran".to_owned()),
    };
    println!("{}", text.map_err(|e| e.to_string())?);
    Ok(())
}

/// One train cell's summary, named.
#[derive(Debug, Serialize)]
struct CellSummary<'a> {
    id: u32,
    title: &'a str,
    #[serde(flatten)]
    summary: Summary<'a>,
}

/// The first train cell's summary, and every cell's.
#[derive(Debug, Serialize)]
struct WithCells<'a> {
    #[serde(flatten)]
    first: &'a Summary<'a>,
    cells: &'a [CellSummary<'a>],
}

use std::path::PathBuf;

use clap::Args;
use studio_core::ingest;
use studio_core::notebook::{DataSource, Notebook};
use studio_core::train::TrainSpec;

use crate::train::{fit, report};

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

pub fn run(args: RunArgs) -> Result<(), String> {
    let text = std::fs::read_to_string(&args.notebook)
        .map_err(|e| format!("cannot read {}: {e}", args.notebook.display()))?;
    let notebook =
        Notebook::from_json(&text).map_err(|e| format!("{}: {e}", args.notebook.display()))?;
    let options = notebook.data_options();
    let frame = match (notebook.data_source(), &args.data) {
        (_, Some(path)) => {
            let loaded = crate::data::read(path, options, crate::data::Hash::Fingerprint)?;
            if let Some(DataSource::Local { name, sha256, .. }) = notebook.data_source()
                && loaded.sha256 != *sha256
            {
                eprintln!(
                    "studio: warning: {} is not the file this notebook was made with ({name}); results will differ",
                    path.display()
                );
            }
            loaded.frame
        }
        (Some(DataSource::Sample { name }), None) => {
            ingest::load(studio_core::samples::csv(name)?, name, options)
                .map_err(|e| e.to_string())?
                .frame
        }
        (Some(DataSource::Synthetic(spec)), None) => spec.generate().map_err(|e| e.to_string())?,
        (Some(DataSource::Local { name, .. }), None) => {
            return Err(format!(
                "this notebook was made with the local file {name}: pass it with --data {name}"
            ));
        }
        (None, None) => {
            return Err("this notebook has no data yet: open data in it first".to_owned());
        }
    };
    let cell = notebook
        .train_cell()
        .ok_or("this notebook has no train cell")?;
    let task = match (cell.task, &cell.target) {
        (Some(task), _) => task,
        (None, Some(target)) => frame
            .column(target)
            .map(studio_core::train::Task::infer)
            .ok_or_else(|| format!("the data has no column \"{target}\""))?,
        (None, None) => return Err("the notebook's train cell has no target column yet".into()),
    };
    if task.has_target() && cell.target.is_none() {
        return Err("the notebook's train cell has no target column yet".into());
    }
    let spec = TrainSpec {
        target: cell.target.clone(),
        task,
        model: cell.model.clone(),
        test_size: cell.test_size,
        seed: cell.seed,
    };
    let model = spec.model.kind.clone();
    let trained = fit(&frame, None, spec, &args.device)?;
    report(task, &model, &trained, args.json)
}

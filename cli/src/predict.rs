//! `studio predict --model model.json --data NEW.csv --out PRED.csv`: a fitted
//! pipeline over a file of any size, a chunk of rows at a time, through Studio's
//! own core. The file's columns are checked against the ones the model reads
//! before any row is predicted; each column the model reads is read as the type
//! it trained on, so a value that does not fit is reported as the load report
//! reports it and its row predicted with the value missing.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Args;
use serde::Serialize;
use studio_core::frame::{ColumnType, Frame};
use studio_core::ingest::{LoadOptions, Problem};
use studio_core::learner::Output;
use studio_core::model::argmax;
use studio_core::online::OnlineError;
use studio_core::prep::InputKind;
use studio_core::train::Pipeline;

use crate::output::Plan;
use crate::stream::CsvChunks;

#[derive(Debug, Args)]
pub struct PredictArgs {
    /// The fitted pipeline: the JSON `studio train --model-json` or the page's
    /// "Download JSON" writes.
    #[arg(long, value_name = "model.json")]
    model: PathBuf,
    /// The rows to predict, with the columns the model was trained on.
    #[arg(long, value_name = "NEW.csv")]
    data: PathBuf,
    /// Where to write the input columns and `prediction` (and `proba_<class>` for
    /// classifiers, `cluster` and `distance_<k>` for clustering).
    #[arg(long, value_name = "PRED.csv")]
    out: PathBuf,
    /// Replace the output file if it exists.
    #[arg(long)]
    force: bool,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

/// What `--json` prints.
#[derive(Debug, Serialize)]
struct Report {
    rows: usize,
    seconds: f64,
    rows_per_second: f64,
    out: String,
    /// Columns of the file the model does not read, left out of its input.
    ignored_columns: Vec<String>,
    problems: Vec<Problem>,
}

pub fn run(args: PredictArgs) -> Result<(), String> {
    let pipeline = read_model(&args.model)?;
    Plan::new(
        &[("--out", Some(&args.out))],
        &[("--model", Some(&args.model)), ("--data", Some(&args.data))],
        args.force,
    )?;
    let started = Instant::now();
    let mut options = LoadOptions::default();
    for input in &pipeline.preprocessing.inputs {
        let kind = match input.kind {
            InputKind::Number => ColumnType::Float,
            InputKind::Category => ColumnType::Categorical,
        };
        options.set_column(&input.column, Some(kind), None);
    }
    let mut chunks = CsvChunks::with_options(&args.data, options);
    let partial = partial_path(&args.out);
    let written = write_predictions(&pipeline, &mut chunks, &args.data, &partial);
    let (rows, ignored, problems) = match written {
        Ok(done) => done,
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            return Err(e);
        }
    };
    std::fs::rename(&partial, &args.out)
        .map_err(|e| format!("cannot write --out {}: {e}", args.out.display()))?;
    let seconds = started.elapsed().as_secs_f64();
    let report = Report {
        rows,
        seconds,
        rows_per_second: rows as f64 / seconds.max(1e-9),
        out: args.out.display().to_string(),
        ignored_columns: ignored,
        problems,
    };
    if args.json {
        println!(
            "{}",
            serde_json::to_string(&report).map_err(|e| e.to_string())?
        );
    } else {
        crate::train::warn_of(&args.data, &report.problems);
        if !report.ignored_columns.is_empty() {
            eprintln!(
                "studio: {}: the model does not read {}; copied to the output as they are",
                args.data.display(),
                report.ignored_columns.join(", ")
            );
        }
        println!(
            "predicted {} rows in {:.2} s ({:.0} rows per second) → {}",
            report.rows, report.seconds, report.rows_per_second, report.out
        );
    }
    Ok(())
}

fn read_model(path: &Path) -> Result<Pipeline, String> {
    let shown = path.display();
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("onnx"))
    {
        return Err(format!(
            "--model {shown} is an ONNX model: studio predict runs a model.json through \
             Studio's own core, and no ONNX runtime is built in; give it the model.json written \
             beside it (studio train --model-json, or Download JSON in the page), or run the \
             ONNX model in ONNX Runtime"
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read --model {shown}: {e}"))?;
    serde_json::from_slice(&bytes).map_err(|e| {
        format!(
            "--model {shown} is not a fitted pipeline as studio train --model-json writes one: {e}"
        )
    })
}

/// Refuses a file without a column the model reads, naming them; gives the
/// columns it has that the model does not read.
fn check_columns(pipeline: &Pipeline, frame: &Frame, data: &Path) -> Result<Vec<String>, String> {
    let inputs = &pipeline.preprocessing.inputs;
    let missing: Vec<&str> = inputs
        .iter()
        .map(|i| i.column.as_str())
        .filter(|c| frame.column(c).is_none())
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "{} has no column{} {}, which the model reads; its columns are: {}",
            data.display(),
            if missing.len() == 1 { "" } else { "s" },
            missing
                .iter()
                .map(|c| format!("\"{c}\""))
                .collect::<Vec<_>>()
                .join(", "),
            frame
                .columns()
                .iter()
                .map(|c| c.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    Ok(frame
        .columns()
        .iter()
        .map(|c| c.name.clone())
        .filter(|name| !inputs.iter().any(|i| i.column == *name))
        .collect())
}

fn partial_path(out: &Path) -> PathBuf {
    let name = out.file_name().map_or_else(
        || "predictions".into(),
        |n| n.to_string_lossy().into_owned(),
    );
    out.with_file_name(format!(".{name}.partial"))
}

/// The header's answer columns after the input columns.
fn answer_header(pipeline: &Pipeline, first: &Output) -> Vec<String> {
    match first {
        Output::Classes { classes, .. } => std::iter::once("prediction".to_owned())
            .chain(classes.iter().map(|c| format!("proba_{c}")))
            .collect(),
        Output::Values(_) => vec!["prediction".to_owned()],
        Output::Clusters { distances, .. } => {
            let k = distances.first().map_or(0, Vec::len);
            std::iter::once("cluster".to_owned())
                .chain((0..k).map(|c| format!("distance_{c}")))
                .collect()
        }
        Output::Projection { rows, .. } => {
            let n = rows
                .first()
                .map_or(pipeline.model.inputs().min(1), Vec::len);
            (1..=n).map(|i| format!("component_{i}")).collect()
        }
    }
}

/// Each row's answers as text, in the header's order.
fn answers(output: &Output) -> Vec<Vec<String>> {
    let text = |x: &f64| x.to_string();
    match output {
        Output::Classes {
            classes,
            probabilities,
        } => probabilities
            .iter()
            .map(|p| {
                std::iter::once(classes.get(argmax(p)).cloned().unwrap_or_default())
                    .chain(p.iter().map(text))
                    .collect()
            })
            .collect(),
        Output::Values(values) => values.iter().map(|v| vec![text(v)]).collect(),
        Output::Clusters { labels, distances } => labels
            .iter()
            .zip(distances)
            .map(|(l, d)| {
                std::iter::once(l.to_string())
                    .chain(d.iter().map(text))
                    .collect()
            })
            .collect(),
        Output::Projection { rows, .. } => {
            rows.iter().map(|r| r.iter().map(text).collect()).collect()
        }
    }
}

/// Streams every chunk of `data` through the pipeline into `path`, its columns
/// checked on the first chunk before any row is predicted; the rows written,
/// the columns the model does not read, and the load report.
fn write_predictions(
    pipeline: &Pipeline,
    chunks: &mut CsvChunks,
    data: &Path,
    path: &Path,
) -> Result<(usize, Vec<String>, Vec<Problem>), String> {
    let file = File::create(path).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    let mut out = csv::Writer::from_writer(BufWriter::new(file));
    let mut rows = 0;
    let mut ignored = None;
    let problems = chunks
        .read(&mut |frame| {
            let fail = |e: String| OnlineError::Read(e);
            if ignored.is_none() {
                ignored = Some(check_columns(pipeline, frame, data).map_err(fail)?);
            }
            let all: Vec<usize> = (0..frame.rows()).collect();
            let x = pipeline
                .preprocessing
                .transform(frame, &all)
                .map_err(|e| fail(e.to_string()))?;
            let output = pipeline.model.predict(&x);
            if rows == 0 {
                let names = frame.columns().iter().map(|c| c.name.clone());
                let record: Vec<String> = names.chain(answer_header(pipeline, &output)).collect();
                out.write_record(&record).map_err(|e| fail(e.to_string()))?;
            }
            for (r, answer) in answers(&output).into_iter().enumerate() {
                let cells = frame
                    .columns()
                    .iter()
                    .map(|c| c.text(r).unwrap_or_default());
                let record: Vec<String> = cells.chain(answer).collect();
                out.write_record(&record).map_err(|e| fail(e.to_string()))?;
            }
            rows += frame.rows();
            Ok(())
        })
        .map_err(|e| e.to_string())?;
    let ignored = ignored.ok_or_else(|| format!("{} has no rows", data.display()))?;
    let mut inner = out.into_inner().map_err(|e| e.to_string())?;
    inner.flush().map_err(|e| e.to_string())?;
    Ok((rows, ignored, problems))
}

use std::path::{Path, PathBuf};

use clap::Args;
use serde::Serialize;
use studio_core::compute::{DeviceKind, Preference, select};
use studio_core::frame::Frame;
use studio_core::ingest::LoadOptions;
use studio_core::model::{ModelKind, ModelSpec};
use studio_core::train::{Metrics, OnGpuFailure, Task, TrainSpec, Trained, train_on};

use crate::output::Plan;

/// `studio train`: fit a model on a CSV file and report test metrics.
#[derive(Debug, Args)]
pub struct TrainArgs {
    /// The training data (CSV with a header row).
    #[arg(long, value_name = "TRAIN.csv")]
    data: PathBuf,
    /// The column to predict.
    #[arg(long, value_name = "COL")]
    target: String,
    /// Held-out data with the target column; without it, --test-size of --data is held out.
    #[arg(long, value_name = "TEST.csv", conflicts_with = "test_size")]
    test_data: Option<PathBuf>,
    /// Fraction of --data held out for testing.
    #[arg(long, default_value_t = 0.2)]
    test_size: f64,
    /// classification or regression; inferred from the target when omitted.
    #[arg(long, value_parser = ["classification", "regression"])]
    task: Option<String>,
    /// logistic or linear; the task's default when omitted.
    #[arg(long, value_parser = ["logistic", "linear"])]
    model: Option<String>,
    /// A hyperparameter, e.g. --param c=0.5 (repeatable).
    #[arg(long = "param", value_name = "NAME=VALUE")]
    params: Vec<String>,
    /// Seed of the train/test split.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Write the whole fitted pipeline as an ONNX model.
    #[arg(long, value_name = "OUT.onnx")]
    onnx: Option<PathBuf>,
    /// Write the fitted pipeline as JSON.
    #[arg(long, value_name = "OUT.json")]
    model_json: Option<PathBuf>,
    /// Write one row per test row: `prediction`, and `proba_<class>` for classifiers.
    #[arg(long, value_name = "OUT.csv")]
    predictions: Option<PathBuf>,
    /// Replace output files that already exist.
    #[arg(long)]
    force: bool,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
    /// Where to train: auto (the GPU if one passes the verification kernel, else
    /// the CPU), gpu (fail without one) or cpu.
    #[arg(long, default_value = "auto", value_parser = ["auto", "gpu", "cpu"])]
    device: String,
}

#[derive(Debug, Serialize)]
struct Summary<'a> {
    task: Task,
    model: &'static str,
    /// The device that trained the model.
    device: DeviceKind,
    n_train: usize,
    n_test: usize,
    metrics: &'a Metrics,
}

pub fn run(args: TrainArgs) -> Result<(), String> {
    let outputs = Plan::new(
        &[
            ("--model-json", args.model_json.as_deref()),
            ("--onnx", args.onnx.as_deref()),
            ("--predictions", args.predictions.as_deref()),
        ],
        &[
            ("--data", Some(&args.data)),
            ("--test-data", args.test_data.as_deref()),
        ],
        args.force,
    )?;
    let frame = load(&args.data)?;
    let test = args.test_data.as_deref().map(load).transpose()?;
    let target = frame.column(&args.target).ok_or_else(|| {
        let names: Vec<&str> = frame.columns().iter().map(|c| c.name.as_str()).collect();
        format!(
            "{} has no column \"{}\"; its columns are: {}",
            args.data.display(),
            args.target,
            names.join(", ")
        )
    })?;
    let task = match args.task.as_deref() {
        Some("classification") => Task::Classification,
        Some("regression") => Task::Regression,
        _ => Task::infer(target),
    };
    let kind = match args.model.as_deref() {
        Some(name) => ModelKind::parse(name).map_err(|e| e.to_string())?,
        None => task.default_model(),
    };
    let mut model = ModelSpec::new(kind);
    for param in &args.params {
        let (name, value) = param
            .split_once('=')
            .ok_or_else(|| format!("--param {param}: write it as NAME=VALUE, e.g. c=0.5"))?;
        let value: f64 = value
            .trim()
            .parse()
            .map_err(|_| format!("--param {param}: \"{value}\" is not a number"))?;
        model.params.insert(name.trim().to_owned(), value);
    }
    let spec = TrainSpec {
        target: args.target.clone(),
        task,
        model,
        test_size: args.test_size,
        seed: args.seed,
    };
    let trained = fit(&frame, test.as_ref(), spec, &args.device)?;

    outputs.write(|flag| match flag {
        "--model-json" => serde_json::to_vec_pretty(&trained.pipeline).map_err(|e| e.to_string()),
        "--onnx" => studio_core::export::to_onnx(&trained.pipeline).map_err(|e| e.to_string()),
        _ => predictions_csv(&trained),
    })?;
    report(task, kind, &trained, args.json)
}

/// Trains on the device named by `--device` (`auto`, `gpu` or `cpu`). With `auto`, a GPU
/// that fails mid-run hands the job to the CPU, which goes on from where the GPU got to;
/// a GPU asked for by name fails instead.
pub fn fit(
    frame: &Frame,
    test: Option<&Frame>,
    spec: TrainSpec,
    device: &str,
) -> Result<Trained, String> {
    let preference = match device {
        "gpu" => Preference::Gpu,
        "cpu" => Preference::Cpu,
        _ => Preference::Auto,
    };
    let (device, _) = pollster::block_on(select(preference))
        .map_err(|e| format!("--device gpu: there is no GPU to train on: {e}"))?;
    let on_failure = match preference {
        Preference::Auto => OnGpuFailure::GoOnOnCpu,
        _ => OnGpuFailure::Stop,
    };
    let trained = pollster::block_on(train_on(frame, test, spec, &device, on_failure))
        .map_err(|e| e.to_string())?;
    if let Some(fallback) = &trained.fallback {
        eprintln!("studio: {fallback}");
    }
    Ok(trained)
}

/// Prints a finished run: one JSON object, or lines for people.
pub fn report(task: Task, kind: ModelKind, trained: &Trained, json: bool) -> Result<(), String> {
    let summary = Summary {
        task,
        model: kind.name(),
        device: trained.device,
        n_train: trained.split.train.len(),
        n_test: trained.split.test.len(),
        metrics: &trained.metrics,
    };
    if json {
        println!(
            "{}",
            serde_json::to_string(&summary).map_err(|e| e.to_string())?
        );
    } else {
        print!("{}", render(&summary, trained));
    }
    Ok(())
}

pub fn load(path: &Path) -> Result<Frame, String> {
    crate::data::read(path, LoadOptions::default(), crate::data::Hash::Skip)
        .map(|loaded| loaded.frame)
}

fn predictions_csv(trained: &Trained) -> Result<Vec<u8>, String> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let classes: &[String] = match &trained.pipeline.model {
        studio_core::model::Fitted::Logistic { classes, .. } => classes,
        studio_core::model::Fitted::Linear { .. } => &[],
    };
    let mut header = vec!["prediction".to_owned()];
    header.extend(classes.iter().map(|c| format!("proba_{c}")));
    out.write_record(&header).map_err(|e| e.to_string())?;
    let p = &trained.predictions;
    for (i, label) in p.labels.iter().enumerate() {
        let mut record = vec![label.clone()];
        if let Some(probabilities) = p.probabilities.get(i) {
            record.extend(probabilities.iter().map(|x| x.to_string()));
        }
        out.write_record(&record).map_err(|e| e.to_string())?;
    }
    out.into_inner().map_err(|e| e.to_string())
}

fn render(summary: &Summary<'_>, trained: &Trained) -> String {
    let mut out = format!(
        "{} · {} · trained on {} rows, tested on {} · {} iterations on the {}{}\n",
        match summary.task {
            Task::Classification => "classification",
            Task::Regression => "regression",
        },
        summary.model,
        summary.n_train,
        summary.n_test,
        trained.loss_curve.len().saturating_sub(1),
        match summary.device {
            DeviceKind::Gpu => "GPU",
            DeviceKind::Cpu => "CPU",
        },
        if trained.converged {
            ""
        } else {
            " (stopped before converging)"
        }
    );
    match summary.metrics {
        Metrics::Classification(m) => {
            out.push_str(&format!(
                "accuracy {:.4} · macro F1 {:.4}\n",
                m.accuracy, m.f1_macro
            ));
        }
        Metrics::Regression(m) => {
            out.push_str(&format!(
                "RMSE {:.4} · MAE {:.4} · R² {:.4}\n",
                m.rmse, m.mae, m.r2
            ));
        }
    }
    out
}

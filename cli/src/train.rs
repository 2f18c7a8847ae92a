use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use clap::Args;
use serde::Serialize;
use studio_core::compute::{DeviceKind, Preference, select};
use studio_core::frame::Frame;
use studio_core::ingest::{LoadOptions, Problem};
use studio_core::learner::{Family, ModelSpec, ParamValue, registry};
use studio_core::online::{self, OnlineSpec, OnlineTrained};
use studio_core::train::{
    Metrics, OnGpuFailure, Pipeline, Predictions, Task, TrainSpec, Trained, train_on,
};

use crate::output::Plan;
use crate::stream::CsvChunks;

/// `studio train`: fit a model on a CSV file and report test metrics.
#[derive(Debug, Args)]
pub struct TrainArgs {
    /// The training data (CSV with a header row).
    #[arg(long, value_name = "TRAIN.csv")]
    data: PathBuf,
    /// The column to predict; omitted for clustering and decomposition.
    #[arg(long, value_name = "COL")]
    target: Option<String>,
    /// Held-out data with the target column; without it, --test-size of --data is held out.
    #[arg(long, value_name = "TEST.csv", conflicts_with = "test_size")]
    test_data: Option<PathBuf>,
    /// Fraction of --data held out for testing.
    #[arg(long, default_value_t = 0.2)]
    test_size: f64,
    /// classification, regression, clustering or decomposition; inferred from the
    /// target (or the model) when omitted.
    #[arg(long, value_parser = Task::ALL.iter().map(|t| t.name()).collect::<Vec<_>>())]
    task: Option<String>,
    /// The model family (`studio models` lists them); the task's default when omitted.
    #[arg(long, value_parser = registry::FAMILIES.iter().map(|f| f.name()).collect::<Vec<_>>())]
    model: Option<String>,
    /// A hyperparameter, e.g. --param C=0.5 (repeatable; `studio models` lists them).
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
    /// Write one row per test row: `prediction`, and `proba_<class>` for classifiers
    /// (`cluster` and `distance_<k>` for clustering, `component_<i>` for a decomposition).
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
    /// Stream --data in chunks through the model's minibatch updates rather than
    /// read it whole, so that a file larger than memory trains: the
    /// preprocessing is fitted on a first pass, each epoch is one more
    /// (linear, logistic and linear_svm).
    #[arg(long, conflicts_with = "device")]
    online: bool,
    /// With --online: passes of updates over the training rows (fewer if one
    /// stops lowering the objective).
    #[arg(long, default_value_t = online::EPOCHS, requires = "online")]
    epochs: usize,
    /// With --online: rows per minibatch.
    #[arg(long, default_value_t = online::BATCH_SIZE, requires = "online")]
    batch_size: usize,
    /// With --online: Adam's first step size, shrinking with each epoch.
    #[arg(long, default_value_t = online::LEARNING_RATE, requires = "online")]
    learning_rate: f64,
}

#[derive(Debug, Serialize)]
pub struct Summary<'a> {
    task: Task,
    model: &'a str,
    /// The device that trained the model.
    device: DeviceKind,
    /// Why the CPU trained it, where it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    device_reason: Option<String>,
    n_train: usize,
    n_test: usize,
    metrics: &'a Metrics,
    /// Optimizer iterations, epochs or trees, for the families that take steps.
    #[serde(skip_serializing_if = "Option::is_none")]
    iterations: Option<usize>,
    /// The training objective after the last step (what the loss curve ends on).
    #[serde(skip_serializing_if = "Option::is_none")]
    training_loss: Option<f64>,
    converged: bool,
    /// What the model reports of itself, by key (`oob_score`).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    facts: BTreeMap<String, f64>,
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
    if args.online {
        return run_online(&args, outputs);
    }
    let frame = load(&args.data)?;
    let test = args.test_data.as_deref().map(load).transpose()?;
    let family = chosen_family(&args)?;
    let task = task_of(&args, &frame, family)?;
    let family = family.unwrap_or_else(|| registry::default_for(task));
    let spec = TrainSpec {
        target: args.target.clone().filter(|_| task.has_target()),
        task,
        model: model_spec(family, &args.params)?,
        test_size: args.test_size,
        seed: args.seed,
    };
    let (trained, selection) = fit(&frame, test.as_ref(), spec, &args.device)?;

    write_outputs(outputs, &trained.pipeline, &trained.predictions)?;
    report(
        task,
        family.name(),
        &trained,
        selection.as_deref(),
        args.json,
    )
}

/// `--online`: the data and the test data streamed in chunks, the model learned
/// from minibatches.
fn run_online(args: &TrainArgs, outputs: Plan) -> Result<(), String> {
    let mut data = CsvChunks::new(&args.data);
    let mut test = args.test_data.as_deref().map(CsvChunks::new);
    let family = chosen_family(args)?;
    let first = data.first()?;
    let task = task_of(args, &first, family)?;
    let family = family.unwrap_or_else(|| registry::default_for(task));
    // Checked before the passes over the data, not after them.
    if let (Some(test), Some(path)) = (test.as_mut(), &args.test_data) {
        let test_first = test.first()?;
        let missing: Vec<String> = first
            .columns()
            .iter()
            .filter(|c| test_first.column(&c.name).is_none())
            .map(|c| format!("\"{}\"", c.name))
            .collect();
        if !missing.is_empty() {
            return Err(format!(
                "{} has no column {}, which {} has: give the test data the training data's columns",
                path.display(),
                missing.join(", "),
                args.data.display()
            ));
        }
    }
    let spec = OnlineSpec {
        train: TrainSpec {
            target: args.target.clone().filter(|_| task.has_target()),
            task,
            model: model_spec(family, &args.params)?,
            test_size: args.test_size,
            seed: args.seed,
        },
        epochs: args.epochs,
        batch_size: args.batch_size,
        learning_rate: args.learning_rate,
    };
    let started = std::time::Instant::now();
    let trained = online::train_online(
        &mut data,
        test.as_mut().map(|t| t as &mut dyn online::Chunks),
        &spec,
        &mut |p| {
            eprintln!(
                "studio: epoch {}/{} · loss {:.6} · {:.1} s",
                p.epoch,
                p.epochs,
                p.loss,
                started.elapsed().as_secs_f64()
            )
        },
    )
    .map_err(|e| e.to_string())?;
    write_outputs(outputs, &trained.pipeline, &trained.predictions)?;
    let summary = online_summary(task, family.name(), &trained);
    if args.json {
        println!(
            "{}",
            serde_json::to_string(&summary).map_err(|e| e.to_string())?
        );
    } else {
        print!(
            "{} · {} · trained on {} rows, tested on {} · {} epochs of minibatches on the CPU{}\n{}",
            task.name(),
            family.name(),
            trained.n_train,
            trained.n_test,
            trained.loss_curve.len(),
            if trained.converged {
                ""
            } else {
                " (stopped before converging)"
            },
            metrics_line(&trained.metrics)
        );
    }
    Ok(())
}

/// The family `--model` names, if it names one.
fn chosen_family(args: &TrainArgs) -> Result<Option<&'static dyn Family>, String> {
    args.model
        .as_deref()
        .map(registry::family)
        .transpose()
        .map_err(|e| e.to_string())
}

/// Writes the files `--model-json`, `--onnx` and `--predictions` asked for.
fn write_outputs(
    outputs: Plan,
    pipeline: &Pipeline,
    predictions: &Predictions,
) -> Result<(), String> {
    outputs.write(|flag| match flag {
        "--model-json" => serde_json::to_vec_pretty(pipeline).map_err(|e| e.to_string()),
        "--onnx" => studio_core::export::to_onnx(pipeline).map_err(|e| e.to_string()),
        _ => predictions_csv(pipeline, predictions),
    })
}

/// The family with the `--param`s given.
fn model_spec(family: &'static dyn Family, params: &[String]) -> Result<ModelSpec, String> {
    let mut model = ModelSpec::new(family);
    for param in params {
        let (name, value) = parse_param(family, param)?;
        model.params.insert(name, value);
    }
    Ok(model)
}

/// The task `--task` names, or the one the target (or, without one, the model) implies.
fn task_of(args: &TrainArgs, frame: &Frame, family: Option<&dyn Family>) -> Result<Task, String> {
    if let Some(name) = &args.task {
        return Task::ALL
            .iter()
            .copied()
            .find(|t| t.name() == name)
            .ok_or_else(|| format!("--task {name}: unknown task"));
    }
    match &args.target {
        Some(target) => frame.column(target).map(Task::infer).ok_or_else(|| {
            let names: Vec<&str> = frame.columns().iter().map(|c| c.name.as_str()).collect();
            format!(
                "{} has no column \"{target}\"; its columns are: {}",
                args.data.display(),
                names.join(", ")
            )
        }),
        None => match family.map(|f| f.tasks()) {
            Some([task, ..]) if !task.has_target() => Ok(*task),
            _ => Err(format!(
                "--target COL is needed to choose the column to predict; for clustering or \
                 a decomposition, pass such a model, as --model {} or --model {}",
                registry::default_for(Task::Clustering).name(),
                registry::default_for(Task::Decomposition).name()
            )),
        },
    }
}

/// `--param NAME=VALUE`, read by the family's own declaration of `NAME`.
fn parse_param(family: &dyn Family, param: &str) -> Result<(String, ParamValue), String> {
    let (name, value) = param
        .split_once('=')
        .ok_or_else(|| format!("--param {param}: write it as NAME=VALUE, e.g. max_iter=200"))?;
    let name = name.trim();
    let spec = family
        .params()
        .iter()
        .find(|p| p.answers_to(name))
        .ok_or_else(|| {
            let known: Vec<&str> = family.params().iter().map(|p| p.name).collect();
            format!(
                "--param {param}: {} has no hyperparameter \"{name}\"; it takes {}",
                family.name(),
                known.join(", ")
            )
        })?;
    let parsed = spec
        .parse(value)
        .map_err(|e| format!("--param {param}: {}", e.named(name)))?;
    // An unset optional value is written as the word the family reads as unset.
    Ok((
        spec.name.to_owned(),
        parsed.unwrap_or_else(|| ParamValue::Text("none".into())),
    ))
}

/// Trains on the device named by `--device` (`auto`, `gpu` or `cpu`). With `auto`, a GPU
/// that fails mid-run hands the job to the CPU, which goes on from where the GPU got to;
/// a GPU asked for by name fails instead.
pub fn fit(
    frame: &Frame,
    test: Option<&Frame>,
    spec: TrainSpec,
    device: &str,
) -> Result<(Trained, Option<String>), String> {
    let preference = match device {
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
    let trained = pollster::block_on(train_on(frame, test, spec, &device, on_failure))
        .map_err(|e| e.to_string())?;
    if let Some(fallback) = &trained.fallback {
        eprintln!("studio: {fallback}");
    }
    Ok((trained, report.reason))
}

/// What `--json` prints for a finished run.
/// `selection` is why the device chosen for the run was the CPU, where it was.
pub fn summary<'a>(
    task: Task,
    model: &'a str,
    trained: &'a Trained,
    selection: Option<&str>,
) -> Summary<'a> {
    // Why the CPU trained it, where it did: the GPU failed, the fit did not pay
    // for it, or there was no GPU to choose.
    let device_reason = match (&trained.fallback, &trained.cpu_reason) {
        (Some(fallback), _) => Some(fallback.to_string()),
        (None, Some(reason)) => Some(reason.clone()),
        (None, None) if trained.device == DeviceKind::Cpu => selection.map(str::to_owned),
        (None, None) => None,
    };
    Summary {
        task,
        model,
        device: trained.device,
        device_reason,
        n_train: trained.split.train.len(),
        n_test: trained.split.test.len(),
        metrics: &trained.metrics,
        iterations: trained.loss_curve.len().checked_sub(1),
        training_loss: trained.loss_curve.last().copied(),
        converged: trained.converged,
        facts: trained
            .pipeline
            .model
            .facts()
            .into_iter()
            .map(|f| (f.key, f.value))
            .collect(),
    }
}

/// What `--json` prints for a finished `--online` run: minibatch updates run on
/// the CPU, and each pass over the data is an iteration.
pub fn online_summary<'a>(task: Task, model: &'a str, trained: &'a OnlineTrained) -> Summary<'a> {
    Summary {
        task,
        model,
        device: DeviceKind::Cpu,
        device_reason: Some(
            "--online learns from minibatches as the file streams past, on the CPU".to_owned(),
        ),
        n_train: trained.n_train,
        n_test: trained.n_test,
        metrics: &trained.metrics,
        iterations: Some(trained.loss_curve.len()),
        training_loss: trained.loss_curve.last().copied(),
        converged: trained.converged,
        facts: BTreeMap::new(),
    }
}

/// Prints a finished run: one JSON object, or lines for people.
pub fn report(
    task: Task,
    model: &str,
    trained: &Trained,
    selection: Option<&str>,
    json: bool,
) -> Result<(), String> {
    let summary = summary(task, model, trained, selection);
    if json {
        println!(
            "{}",
            serde_json::to_string(&summary).map_err(|e| e.to_string())?
        );
    } else {
        print!("{}", render_trained(&summary, trained));
    }
    Ok(())
}

pub fn load(path: &Path) -> Result<Frame, String> {
    let loaded = crate::data::read(path, LoadOptions::default(), crate::data::Hash::Skip)?;
    warn_of(path, &loaded.problems);
    Ok(loaded.frame)
}

/// Tells the person, on stderr, what of `path` was not read as written (the
/// load report `studio inspect` prints), with its first example.
pub fn warn_of(path: &Path, problems: &[Problem]) {
    for problem in problems {
        let example = problem.examples.first().map_or(String::new(), |e| {
            format!(" (first at row {}, line {}: {:?})", e.row, e.line, e.value)
        });
        eprintln!("studio: {}: {}{example}", path.display(), problem.message);
    }
}

/// The `--predictions` file: one row per test row.
pub fn predictions_csv(pipeline: &Pipeline, p: &Predictions) -> Result<Vec<u8>, String> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let classes = pipeline.model.classes();
    let first = match pipeline.task {
        Task::Clustering => Some("cluster"),
        Task::Classification | Task::Regression => Some("prediction"),
        Task::Decomposition => None,
    };
    let mut header: Vec<String> = first.into_iter().map(str::to_owned).collect();
    header.extend(classes.iter().map(|c| format!("proba_{c}")));
    let clusters = p.distances.first().map_or(0, Vec::len);
    header.extend((0..clusters).map(|k| format!("distance_{k}")));
    let components = p.components.first().map_or(0, Vec::len);
    header.extend((1..=components).map(|i| format!("component_{i}")));
    out.write_record(&header).map_err(|e| e.to_string())?;
    for i in 0..p.rows.len() {
        let mut record: Vec<String> = p.labels.get(i).cloned().into_iter().collect();
        if let Some(probabilities) = p.probabilities.get(i) {
            record.extend(probabilities.iter().map(|x| x.to_string()));
        }
        if let Some(distances) = p.distances.get(i) {
            record.extend(distances.iter().map(|x| x.to_string()));
        }
        if let Some(coordinates) = p.components.get(i) {
            record.extend(coordinates.iter().map(|x| x.to_string()));
        }
        out.write_record(&record).map_err(|e| e.to_string())?;
    }
    out.into_inner().map_err(|e| e.to_string())
}

/// A finished run in lines for people.
pub fn render_trained(summary: &Summary<'_>, trained: &Trained) -> String {
    let rows = match summary.task {
        Task::Clustering | Task::Decomposition => format!("{} rows", summary.n_train),
        _ => format!(
            "trained on {} rows, tested on {}",
            summary.n_train, summary.n_test
        ),
    };
    let steps = match trained.loss_curve.len() {
        0 => String::new(),
        n => format!(" · {} iterations", n - 1),
    };
    let mut out = format!(
        "{} · {} · {rows}{steps} on the {}{}\n",
        summary.task.name(),
        summary.model,
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
    out.push_str(&metrics_line(summary.metrics));
    for fact in trained.pipeline.model.facts() {
        out.push_str(&format!(
            "{} {:.4}\n",
            fact.label.to_lowercase(),
            fact.value
        ));
    }
    // Held-out measures per step; a forest's last is its out-of-bag score above.
    if let (Some(first), Some(last)) = (
        trained.held_out_loss_curve.first(),
        trained.held_out_loss_curve.last(),
    ) {
        out.push_str(&format!("validation loss from {first:.4} to {last:.4}\n"));
    }
    if let Some(curve) = trained
        .score_curve
        .as_ref()
        .filter(|c| !c.name.starts_with("out-of-bag"))
        && let Some(best) = curve.values.iter().copied().reduce(f64::max)
    {
        out.push_str(&format!("best {} {best:.4}\n", curve.name));
    }
    out
}

/// The test metrics in one line for people.
pub fn metrics_line(metrics: &Metrics) -> String {
    match metrics {
        Metrics::Classification(m) => {
            format!("accuracy {:.4} · macro F1 {:.4}\n", m.accuracy, m.f1_macro)
        }
        Metrics::Regression(m) => {
            format!("RMSE {:.4} · MAE {:.4} · R² {:.4}\n", m.rmse, m.mae, m.r2)
        }
        Metrics::Clustering(m) => {
            let silhouette = m
                .silhouette
                .map_or_else(|| "none (one cluster)".to_owned(), |s| format!("{s:.4}"));
            let sizes: Vec<String> = m.sizes.iter().map(usize::to_string).collect();
            format!(
                "inertia {:.4} · silhouette {silhouette} · cluster sizes {}\n",
                m.inertia,
                sizes.join(", ")
            )
        }
        Metrics::Decomposition(m) => {
            let shares: Vec<String> = m
                .explained_variance_ratio
                .iter()
                .map(|r| format!("{:.1} %", 100.0 * r))
                .collect();
            let total: f64 = m.explained_variance_ratio.iter().sum();
            format!(
                "{} components explain {:.1} % of the variance: {}\n",
                shares.len(),
                100.0 * total,
                shares.join(", ")
            )
        }
    }
}

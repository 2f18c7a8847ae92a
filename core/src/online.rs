//! Training on data that streams past in chunks and is never all in memory: the
//! preprocessing fitted on a first pass, then passes of minibatch updates through
//! the family's incremental fit ([`Family::incremental`]), then one more pass
//! that scores the test rows. `studio train --online` reads a CSV larger than
//! memory this way.
//!
//! The test rows are chosen row by row, each held out with probability
//! `test_size` by a hash of the seed and its place in the file, so that every
//! pass sees the same split without keeping it.

use std::collections::BTreeMap;

use thiserror::Error;

use crate::eval;
use crate::frame::{Column, Frame, Role};
use crate::learner::incremental::{Batch, Incremental, Stream};
use crate::learner::{Family, FitError, Output, SpecError, registry};
use crate::model::argmax;
use crate::prep::{Preprocessor, StreamingFit};
use crate::rng::SplitMix64;
use crate::train::{Metrics, Pipeline, Predictions, Task, TrainError, TrainSpec};

/// Passes over the training rows unless the person says otherwise.
pub const EPOCHS: usize = 5;
/// Rows per minibatch unless the person says otherwise.
pub const BATCH_SIZE: usize = 256;
/// Adam's first step size unless the person says otherwise.
pub const LEARNING_RATE: f64 = 0.01;
/// A pass that lowers the objective by less than this share of it ends the fit.
pub const TOL: f64 = 1e-4;

/// Everything that decides an online run.
#[derive(Debug, Clone, PartialEq)]
pub struct OnlineSpec {
    pub train: TrainSpec,
    pub epochs: usize,
    pub batch_size: usize,
    pub learning_rate: f64,
}

/// Data that can be read from its start again, a chunk at a time.
pub trait Chunks {
    /// Reads the data once from the start, handing each chunk to `visit` in
    /// order. Every chunk has the same columns.
    fn pass(
        &mut self,
        visit: &mut dyn FnMut(&Frame) -> Result<(), OnlineError>,
    ) -> Result<(), OnlineError>;
}

#[derive(Debug, Clone, PartialEq, Error)]
pub enum OnlineError {
    /// The data could not be read.
    #[error("{0}")]
    Read(String),
    #[error(transparent)]
    Train(#[from] TrainError),
    #[error("{family} needs every row at once and cannot learn from a stream; choose {suggest}")]
    NotIncremental {
        family: &'static str,
        suggest: String,
    },
    #[error("--{flag} must be at least 1")]
    Zero { flag: &'static str },
}

impl From<FitError> for OnlineError {
    fn from(error: FitError) -> Self {
        OnlineError::Train(error.into())
    }
}

impl From<crate::prep::PrepError> for OnlineError {
    fn from(error: crate::prep::PrepError) -> Self {
        OnlineError::Train(TrainError::Prep(error))
    }
}

/// Where an online run stands after a pass.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OnlineProgress {
    /// Passes of updates done.
    pub epoch: usize,
    pub epochs: usize,
    /// The pass's objective over the training rows, estimated from its
    /// minibatches as they went.
    pub loss: f64,
}

/// A finished online run.
#[derive(Debug, Clone, PartialEq)]
pub struct OnlineTrained {
    pub pipeline: Pipeline,
    pub metrics: Metrics,
    /// The test rows' predictions; `rows` are their places among the data's rows
    /// (or the test data's).
    pub predictions: Predictions,
    /// Each pass's objective, as [`OnlineProgress::loss`].
    pub loss_curve: Vec<f64>,
    /// Whether a pass stopped lowering the objective (rather than the passes
    /// running out).
    pub converged: bool,
    pub n_train: usize,
    pub n_test: usize,
}

/// The families that learn from a stream.
pub fn incremental_families() -> Vec<&'static dyn Family> {
    registry::FAMILIES
        .iter()
        .copied()
        .filter(|family| {
            let stream = Stream {
                inputs: 1,
                rows: 2,
                classes: vec![("a".into(), 1), ("b".into(), 1)],
                values: None,
                batch_size: 1,
                learning_rate: LEARNING_RATE,
            };
            family
                .check(&Default::default())
                .is_ok_and(|params| family.incremental(&params, &stream).is_some())
        })
        .collect()
}

/// Whether row `row` of the data is held out for testing.
fn held_out(seed: u64, row: u64, test_size: f64) -> bool {
    let hash = SplitMix64::new(seed ^ row.wrapping_mul(0x9E37_79B9_7F4A_7C15)).next_u64();
    ((hash >> 11) as f64 / (1u64 << 53) as f64) < test_size
}

/// Row `r`'s class among the sorted `classes`, without copying a label that is
/// already text: a lookup made for every row of every pass.
fn class_of(column: &Column, r: usize, classes: &[String]) -> Option<usize> {
    match column.level(r) {
        Some(label) => classes.binary_search_by(|c| c.as_str().cmp(label)).ok(),
        None => column
            .text(r)
            .and_then(|label| classes.binary_search(&label).ok()),
    }
}

/// The target column of a chunk.
fn target_of<'f>(frame: &'f Frame, name: &str) -> Result<&'f Column, OnlineError> {
    frame
        .column(name)
        .ok_or_else(|| TrainError::NoTarget(name.to_owned()).into())
}

/// What the first pass learns.
struct Survey {
    prep: Preprocessor,
    /// Sorted classes with their training rows; empty for a regression.
    classes: Vec<(String, usize)>,
    /// A regression target's mean and standard deviation.
    values: Option<(f64, f64)>,
    n_train: usize,
}

/// Trains `spec` on `data`, a pass at a time. With `test`, every labelled row of
/// `data` trains and `test`'s rows are scored; otherwise rows of `data` are held
/// out by `spec.train.test_size` and `spec.train.seed`. `progress` hears each
/// pass.
pub fn train_online(
    data: &mut dyn Chunks,
    test: Option<&mut dyn Chunks>,
    spec: &OnlineSpec,
    progress: &mut dyn FnMut(&OnlineProgress),
) -> Result<OnlineTrained, OnlineError> {
    for (flag, value) in [("epochs", spec.epochs), ("batch-size", spec.batch_size)] {
        if value == 0 {
            return Err(OnlineError::Zero { flag });
        }
    }
    let (family, params) = spec.train.model.check().map_err(TrainError::from)?;
    let task = spec.train.task;
    if !matches!(task, Task::Classification | Task::Regression) || !family.tasks().contains(&task) {
        return Err(TrainError::WrongModel {
            model: family.name(),
            task,
            suggest: registry::names(registry::for_task(task)),
        }
        .into());
    }
    let Some(target) = spec.train.target.clone() else {
        return Err(TrainError::TargetNeeded(family.name()).into());
    };
    let split = Holdout {
        seed: spec.train.seed,
        test_size: if test.is_some() {
            0.0
        } else {
            spec.train.test_size
        },
    };
    // Refused before a pass over the data, not after one.
    let not_incremental = || OnlineError::NotIncremental {
        family: family.name(),
        suggest: registry::names(incremental_families().into_iter()),
    };
    if !incremental_families()
        .iter()
        .any(|f| f.name() == family.name())
    {
        return Err(not_incremental());
    }
    let survey = survey(data, &target, task, family, &params, split)?;
    let stream = Stream {
        inputs: survey.prep.width(),
        rows: survey.n_train,
        classes: survey.classes.clone(),
        values: survey.values,
        batch_size: spec.batch_size,
        learning_rate: spec.learning_rate,
    };
    let mut learner = family
        .incremental(&params, &stream)
        .ok_or_else(not_incremental)??;
    let classes: Vec<String> = survey.classes.iter().map(|(c, _)| c.clone()).collect();

    let mut loss_curve = Vec::with_capacity(spec.epochs);
    let mut converged = false;
    for epoch in 0..spec.epochs {
        let loss = one_pass(
            data,
            learner.as_mut(),
            &survey.prep,
            &target,
            &classes,
            split,
            spec,
            epoch,
        )?;
        progress(&OnlineProgress {
            epoch: epoch + 1,
            epochs: spec.epochs,
            loss,
        });
        if let Some(&last) = loss_curve.last() {
            let last: f64 = last;
            if last - loss < TOL * loss.abs() {
                converged = true;
            }
        }
        loss_curve.push(loss);
        if converged {
            break;
        }
    }

    let pipeline = Pipeline {
        target: Some(target.clone()),
        task,
        preprocessing: survey.prep,
        model: learner.model(),
    };
    let scored = match test {
        Some(test) => score(test, &pipeline, &target, &classes, None)?,
        None => score(data, &pipeline, &target, &classes, Some(split))?,
    };
    let n_test = scored.rows.len();
    let (metrics, predictions) = scored.finish(&classes);
    Ok(OnlineTrained {
        pipeline,
        metrics,
        predictions,
        loss_curve,
        converged,
        n_train: survey.n_train,
        n_test,
    })
}

/// How rows are held out for testing.
#[derive(Debug, Clone, Copy)]
struct Holdout {
    seed: u64,
    test_size: f64,
}

impl Holdout {
    fn is_test(self, row: u64) -> bool {
        self.test_size > 0.0 && held_out(self.seed, row, self.test_size)
    }
}

/// Visits each chunk with its labelled rows split in two, and the place of its
/// first row in the data.
fn split_rows(
    frame: &Frame,
    target: &Column,
    first: u64,
    split: Holdout,
) -> (Vec<usize>, Vec<usize>) {
    let (mut train, mut test) = (Vec::new(), Vec::new());
    for r in (0..frame.rows()).filter(|&r| !target.is_missing(r)) {
        if split.is_test(first + r as u64) {
            test.push(r);
        } else {
            train.push(r);
        }
    }
    (train, test)
}

/// The first pass: the preprocessing fitted on the training rows, and their
/// classes.
fn survey(
    data: &mut dyn Chunks,
    target: &str,
    task: Task,
    family: &dyn Family,
    params: &crate::learner::Resolved,
    split: Holdout,
) -> Result<Survey, OnlineError> {
    let numbers = family
        .numbers(params)
        .map_err(SpecError::from)
        .map_err(TrainError::from)?;
    let mut fit: Option<StreamingFit> = None;
    let mut classes: BTreeMap<String, usize> = BTreeMap::new();
    // Welford's running mean and squares of a regression target.
    let (mut count, mut mean, mut squares) = (0usize, 0.0f64, 0.0f64);
    let (mut n_train, mut seen) = (0usize, 0u64);
    data.pass(&mut |frame| {
        let column = target_of(frame, target)?;
        if task == Task::Regression && !column.kind().is_numeric() {
            return Err(TrainError::NotNumeric(column.name.clone(), column.kind().name()).into());
        }
        let (train, _) = split_rows(frame, column, seen, split);
        seen += frame.rows() as u64;
        let fit = match &mut fit {
            Some(fit) => fit,
            None => {
                let features: Vec<String> = frame
                    .columns()
                    .iter()
                    .filter(|c| c.name != target && c.role == Role::Feature)
                    .map(|c| c.name.clone())
                    .collect();
                fit.insert(StreamingFit::new(frame, &features, numbers)?)
            }
        };
        fit.observe(frame, &train)?;
        if task == Task::Classification {
            for &r in &train {
                if let Some(label) = column.text(r) {
                    *classes.entry(label).or_default() += 1;
                }
            }
        } else {
            for y in train.iter().filter_map(|&r| column.number(r)) {
                count += 1;
                let delta = y - mean;
                mean += delta / count as f64;
                squares += delta * (y - mean);
            }
        }
        n_train += train.len();
        Ok(())
    })?;
    let Some(fit) = fit.filter(|_| n_train > 0) else {
        return Err(TrainError::EmptyTarget(target.to_owned()).into());
    };
    if task == Task::Classification && classes.len() < 2 {
        return Err(TrainError::OneClass {
            column: target.to_owned(),
            class: classes.into_keys().next().unwrap_or_default(),
        }
        .into());
    }
    Ok(Survey {
        prep: fit.finish(),
        classes: classes.into_iter().collect(),
        values: (task == Task::Regression).then(|| (mean, (squares / count.max(1) as f64).sqrt())),
        n_train,
    })
}

/// One pass of minibatch updates over the training rows, each chunk's rows in
/// a seeded order; returns the mean of its minibatches' estimates of the
/// objective.
#[allow(clippy::too_many_arguments)]
fn one_pass(
    data: &mut dyn Chunks,
    learner: &mut dyn Incremental,
    prep: &Preprocessor,
    target: &str,
    classes: &[String],
    split: Holdout,
    spec: &OnlineSpec,
    epoch: usize,
) -> Result<f64, OnlineError> {
    let (mut total, mut rows, mut seen, mut chunk) = (0.0, 0usize, 0u64, 0u64);
    data.pass(&mut |frame| {
        let column = target_of(frame, target)?;
        let (train, _) = split_rows(frame, column, seen, split);
        seen += frame.rows() as u64;
        chunk += 1;
        let mut order = SplitMix64::new(spec.train.seed ^ ((epoch as u64) << 32) ^ chunk);
        let shuffled: Vec<usize> = order
            .permutation(train.len())
            .into_iter()
            .map(|i| train[i])
            .collect();
        let x = prep.transform(frame, &shuffled)?;
        let width = prep.width().max(1);
        let (labels, values): (Vec<usize>, Vec<f64>) = if classes.is_empty() {
            let values = shuffled
                .iter()
                .map(|&r| column.number(r).unwrap_or(f64::NAN))
                .collect();
            (Vec::new(), values)
        } else {
            let labels = shuffled
                .iter()
                .map(|&r| class_of(column, r, classes).unwrap_or(0))
                .collect();
            (labels, Vec::new())
        };
        let batch = |range: std::ops::Range<usize>| -> Batch<'_> {
            if classes.is_empty() {
                Batch::Values(&values[range])
            } else {
                Batch::Classes(&labels[range])
            }
        };
        for start in (0..shuffled.len()).step_by(spec.batch_size) {
            let end = (start + spec.batch_size).min(shuffled.len());
            let objective = learner.update(&x[start * width..end * width], batch(start..end));
            total += objective * (end - start) as f64;
        }
        rows += shuffled.len();
        Ok(())
    })?;
    Ok(total / rows.max(1) as f64)
}

/// The test rows' predictions as they are gathered.
#[derive(Default)]
struct Scored {
    rows: Vec<usize>,
    truth_labels: Vec<usize>,
    truth_values: Vec<f64>,
    probabilities: Vec<Vec<f64>>,
    values: Vec<f64>,
}

impl Scored {
    fn finish(self, classes: &[String]) -> (Metrics, Predictions) {
        if classes.is_empty() {
            let metrics = eval::regression(&self.truth_values, &self.values);
            let predictions = Predictions {
                rows: self.rows,
                labels: self.values.iter().map(f64::to_string).collect(),
                values: self.values,
                probabilities: Vec::new(),
                distances: Vec::new(),
                components: Vec::new(),
            };
            return (Metrics::Regression(metrics), predictions);
        }
        let predicted: Vec<usize> = self.probabilities.iter().map(|p| argmax(p)).collect();
        let metrics = eval::classification(&self.truth_labels, &predicted, classes.len());
        let predictions = Predictions {
            rows: self.rows,
            labels: predicted.iter().map(|&c| classes[c].clone()).collect(),
            values: Vec::new(),
            probabilities: self.probabilities,
            distances: Vec::new(),
            components: Vec::new(),
        };
        (Metrics::Classification(metrics), predictions)
    }
}

/// A last pass over `data` that predicts its test rows: the rows `split` holds
/// out, or every labelled row without one.
fn score(
    data: &mut dyn Chunks,
    pipeline: &Pipeline,
    target: &str,
    classes: &[String],
    split: Option<Holdout>,
) -> Result<Scored, OnlineError> {
    let mut scored = Scored::default();
    let mut seen = 0u64;
    data.pass(&mut |frame| {
        let column = target_of(frame, target)?;
        let rows = match split {
            Some(split) => split_rows(frame, column, seen, split).1,
            None => (0..frame.rows())
                .filter(|&r| !column.is_missing(r))
                .collect(),
        };
        let x = pipeline.preprocessing.transform(frame, &rows)?;
        match pipeline.model.predict(&x) {
            Output::Classes { probabilities, .. } => {
                scored.probabilities.extend(probabilities);
                scored.truth_labels.extend(
                    rows.iter()
                        .map(|&r| class_of(column, r, classes).unwrap_or(usize::MAX)),
                );
            }
            Output::Values(values) => {
                scored.values.extend(values);
                scored
                    .truth_values
                    .extend(rows.iter().map(|&r| column.number(r).unwrap_or(f64::NAN)));
            }
            _ => {}
        }
        scored
            .rows
            .extend(rows.iter().map(|&r| (seen + r as u64) as usize));
        seen += frame.rows() as u64;
        Ok(())
    })?;
    Ok(scored)
}

//! The one thing that runs cells. It works out which cells are stale (a cell's
//! hash covers its own settings and its inputs' hashes), runs only those, in
//! order (a cell always sits below what it reads), and keeps each result as an
//! artifact keyed by that hash. The worker and `studio run` share it.

use std::collections::HashMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::{Cell, CellKind, DataSource, Notebook, SplitCell};
use crate::compute::Device;
use crate::frame::Frame;
use crate::ingest::LoadOptions;
use crate::learner::{ParamError, SpecError};
use crate::train::{OnGpuFailure, TrainError, Trained, Trainer};

/// A cell's hash: its settings and, through theirs, everything it reads.
pub type CellHash = u64;

/// What a cell produced.
#[derive(Debug, Clone)]
pub enum Artifact {
    Frame(Arc<Frame>),
    Split(SplitCell),
    Trained(Arc<Trained>),
}

/// What went wrong in a cell, and where, for the page to show at that cell.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, thiserror::Error)]
#[error("{message}")]
pub struct CellError {
    pub kind: ErrorKind,
    pub message: String,
    pub cell: u32,
    /// The column at fault, where one is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// The row at fault, where one is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub row: Option<usize>,
    /// The hyperparameter or setting to change, where one would help.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameter: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The cell cannot run yet: it reads nothing, or what it reads failed.
    Input,
    /// The data do not fit the cell (a missing column, one class).
    Data,
    /// A hyperparameter or setting breaks its rule.
    Parameter,
    /// The compute device failed.
    Device,
    /// The person stopped it.
    Stopped,
    /// Studio itself failed (its worker stopped, a message was lost): nothing the
    /// person did or can change in the cell.
    Internal,
}

impl CellError {
    pub fn new(cell: u32, kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            cell,
            column: None,
            row: None,
            parameter: None,
        }
    }

    /// A training failure, placed at its column or parameter.
    pub fn from_training(cell: u32, error: TrainError) -> Self {
        let message = error.to_string();
        let (kind, column, parameter) = match error {
            TrainError::NoTarget(c)
            | TrainError::EmptyTarget(c)
            | TrainError::NotNumeric(c, _)
            | TrainError::OneClass { column: c, .. } => (ErrorKind::Data, Some(c), None),
            TrainError::TargetNeeded(_) => (ErrorKind::Input, None, Some("target".to_owned())),
            TrainError::Spec(SpecError::Param(ParamError::OutOfRange { name, .. })) => {
                (ErrorKind::Parameter, None, Some(name))
            }
            TrainError::Spec(SpecError::Param(ParamError::Unknown { name, .. })) => {
                (ErrorKind::Parameter, None, Some(name))
            }
            TrainError::Spec(_) | TrainError::WrongModel { .. } => {
                (ErrorKind::Parameter, None, Some("model".to_owned()))
            }
            TrainError::Split(_) => (ErrorKind::Parameter, None, Some("test_size".to_owned())),
            TrainError::Fit { param, .. } => (ErrorKind::Parameter, None, param.map(str::to_owned)),
            TrainError::Prep(crate::prep::PrepError::MissingColumn(c))
            | TrainError::Prep(crate::prep::PrepError::TextColumn(c, _))
            | TrainError::Prep(crate::prep::PrepError::NotNumbers(c)) => {
                (ErrorKind::Data, Some(c), None)
            }
            TrainError::Prep(_) | TrainError::NoRows => (ErrorKind::Data, None, None),
            TrainError::Gpu(_) | TrainError::Compute(_) => (ErrorKind::Device, None, None),
        };
        Self {
            column,
            parameter,
            ..Self::new(cell, kind, message)
        }
    }
}

/// Where data cells get their frames: the CLI reads files and samples, the
/// worker hands over what it streamed in.
#[allow(async_fn_in_trait)] // Used by concrete type only.
pub trait Sources {
    async fn frame(
        &mut self,
        cell: u32,
        source: &DataSource,
        options: &LoadOptions,
    ) -> Result<Arc<Frame>, CellError>;
}

/// What a train cell does after a step, as its observer says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Go on to the next step.
    Go,
    /// End here and keep the model as it stands.
    Finish,
    /// Drop the run: the cell fails as stopped.
    Cancel,
}

/// Hears a train cell's progress between steps.
#[allow(async_fn_in_trait)] // Used by concrete type only.
pub trait Observer {
    /// After each step of `trainer`, which trains on `frame`: whether the cell
    /// goes on, ends with its model so far, or is dropped.
    async fn progress(&mut self, cell: u32, trainer: &Trainer, frame: &Frame) -> Verdict;
}

/// An observer that lets every cell run to the end.
#[derive(Debug, Default)]
pub struct Quiet;

impl Observer for Quiet {
    async fn progress(&mut self, _: u32, _: &Trainer, _: &Frame) -> Verdict {
        Verdict::Go
    }
}

/// Where a cell stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CellState {
    /// Its result is kept for its current settings and inputs.
    Done,
    /// It has not run since it or something it reads changed.
    Stale,
    /// A note: nothing to run.
    Text,
}

/// FNV-1a: stable on every platform, and enough to tell settings apart.
fn fnv(bytes: &[u8], mut hash: u64) -> u64 {
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// Each cell's hash. A cell reads only cells above it, so one pass in order
/// has every input's hash ready.
pub fn hashes(notebook: &Notebook) -> HashMap<u32, CellHash> {
    let mut out = HashMap::new();
    for cell in &notebook.cells {
        let settings = serde_json::to_string(&cell.kind).unwrap_or_default();
        let mut hash = fnv(settings.as_bytes(), FNV_OFFSET);
        for input in &cell.inputs {
            let of_input = out.get(input).copied().unwrap_or(0u64);
            hash = fnv(&of_input.to_le_bytes(), hash);
        }
        out.insert(cell.id, hash);
    }
    out
}

/// Runs cells and keeps their artifacts: each cell's latest result, under the
/// hash it was made for, so a result is used only while that hash is current.
/// Cloning is cheap (frames and fitted models are shared): a run may work on a
/// copy and hand back what it made with [`Executor::take`].
#[derive(Debug, Default, Clone)]
pub struct Executor {
    artifacts: HashMap<u32, (CellHash, Artifact)>,
}

impl Executor {
    /// Every cell's state for `notebook` as it stands.
    pub fn states(&self, notebook: &Notebook) -> Vec<(u32, CellState)> {
        let hashes = hashes(notebook);
        notebook
            .cells
            .iter()
            .map(|cell| {
                let state = match &cell.kind {
                    CellKind::Note { .. } => CellState::Text,
                    _ if self.current(cell.id, &hashes).is_some() => CellState::Done,
                    _ => CellState::Stale,
                };
                (cell.id, state)
            })
            .collect()
    }

    /// Cell `id`'s kept result, if it was made for the hash it has now.
    fn current(&self, id: u32, hashes: &HashMap<u32, CellHash>) -> Option<&Artifact> {
        let (made_for, artifact) = self.artifacts.get(&id)?;
        (hashes.get(&id) == Some(made_for)).then_some(artifact)
    }

    /// The result of cell `id` for its current settings and inputs.
    pub fn artifact(&self, notebook: &Notebook, id: u32) -> Option<&Artifact> {
        self.current(id, &hashes(notebook))
    }

    /// Lets go of cell `id`'s result, such as a frame whose data were replaced.
    pub fn forget(&mut self, id: u32) {
        self.artifacts.remove(&id);
    }

    /// Takes the results that `other`, a copy of this executor, made for `cells`:
    /// runs that went on side by side each hand back only their own cells.
    pub fn take(&mut self, other: &Executor, cells: &[u32]) {
        for id in cells {
            if let Some(entry) = other.artifacts.get(id) {
                self.artifacts.insert(*id, entry.clone());
            }
        }
    }

    /// The trained result of train cell `id`, if it is current.
    pub fn trained(&self, notebook: &Notebook, id: u32) -> Option<Arc<Trained>> {
        match self.artifact(notebook, id)? {
            Artifact::Trained(trained) => Some(Arc::clone(trained)),
            _ => None,
        }
    }

    /// Runs the stale cells among `wanted` (every cell, without it) and the stale
    /// cells they read, in order; cells that are current are not run again.
    /// Returns each cell that ran or could not, with its outcome. Results of
    /// cells the notebook no longer has are let go.
    pub async fn run<S: Sources, O: Observer>(
        &mut self,
        notebook: &Notebook,
        wanted: Option<&[u32]>,
        sources: &mut S,
        device: &Device,
        on_failure: OnGpuFailure,
        observer: &mut O,
    ) -> Vec<(u32, Result<(), CellError>)> {
        let hashes = hashes(notebook);
        let needed = needed(notebook, wanted);
        let mut outcomes = Vec::new();
        let mut failed: HashMap<u32, u32> = HashMap::new();
        for cell in &notebook.cells {
            let hash = hashes.get(&cell.id).copied().unwrap_or_default();
            if !needed.contains(&cell.id)
                || matches!(cell.kind, CellKind::Note { .. })
                || self.current(cell.id, &hashes).is_some()
            {
                continue;
            }
            if let Some(&source) = cell.inputs.iter().find_map(|i| failed.get(i)) {
                failed.insert(cell.id, source);
                outcomes.push((
                    cell.id,
                    Err(CellError::new(
                        cell.id,
                        ErrorKind::Input,
                        format!("it reads a cell that could not run (cell id {source})"),
                    )),
                ));
                continue;
            }
            match self
                .run_one(
                    notebook, cell, &hashes, sources, device, on_failure, observer,
                )
                .await
            {
                Ok(artifact) => {
                    self.artifacts.insert(cell.id, (hash, artifact));
                    outcomes.push((cell.id, Ok(())));
                }
                Err(error) => {
                    failed.insert(cell.id, cell.id);
                    outcomes.push((cell.id, Err(error)));
                }
            }
        }
        self.artifacts.retain(|id, _| hashes.contains_key(id));
        outcomes
    }

    fn input<'a>(
        &'a self,
        cell: &Cell,
        hashes: &HashMap<u32, CellHash>,
        what: &str,
    ) -> Result<&'a Artifact, CellError> {
        let input = cell.inputs.first().ok_or_else(|| {
            CellError::new(
                cell.id,
                ErrorKind::Input,
                format!("choose the {what} it reads"),
            )
        })?;
        self.current(*input, hashes).ok_or_else(|| {
            CellError::new(
                cell.id,
                ErrorKind::Input,
                format!("its {what} has not run yet (cell id {input})"),
            )
        })
    }

    #[allow(clippy::too_many_arguments)] // One cell's run: the run's own context.
    async fn run_one<S: Sources, O: Observer>(
        &self,
        notebook: &Notebook,
        cell: &Cell,
        hashes: &HashMap<u32, CellHash>,
        sources: &mut S,
        device: &Device,
        on_failure: OnGpuFailure,
        observer: &mut O,
    ) -> Result<Artifact, CellError> {
        match &cell.kind {
            CellKind::Note { .. } => Err(CellError::new(
                cell.id,
                ErrorKind::Input,
                "a note has nothing to run",
            )),
            CellKind::Data { source, options } => {
                let source = source.as_ref().ok_or_else(|| {
                    CellError::new(cell.id, ErrorKind::Input, "open data in this cell first")
                })?;
                let frame = sources.frame(cell.id, source, options).await?;
                Ok(Artifact::Frame(frame))
            }
            CellKind::Split(split) => {
                self.input(cell, hashes, "data cell")?;
                Ok(Artifact::Split(split.clone()))
            }
            CellKind::Train(train) => {
                let Artifact::Split(split) = self.input(cell, hashes, "split")? else {
                    return Err(CellError::new(
                        cell.id,
                        ErrorKind::Input,
                        "it reads a split",
                    ));
                };
                let split_cell = notebook
                    .cell(cell.inputs[0])
                    .ok_or_else(|| CellError::new(cell.id, ErrorKind::Input, "choose its split"))?;
                let Artifact::Frame(frame) = self.input(split_cell, hashes, "data cell")? else {
                    return Err(CellError::new(
                        cell.id,
                        ErrorKind::Input,
                        "its split reads data",
                    ));
                };
                let spec = train.spec(split).ok_or_else(|| CellError {
                    parameter: Some("target".to_owned()),
                    ..CellError::new(
                        cell.id,
                        ErrorKind::Input,
                        "choose the column to predict first",
                    )
                })?;
                let failed = |e| CellError::from_training(cell.id, e);
                let mut trainer = Trainer::start(frame, None, spec, device, on_failure)
                    .await
                    .map_err(failed)?;
                loop {
                    let more = trainer.step().await.map_err(failed)?;
                    match observer.progress(cell.id, &trainer, frame).await {
                        Verdict::Cancel => {
                            return Err(CellError::new(cell.id, ErrorKind::Stopped, "stopped"));
                        }
                        Verdict::Finish if more => {
                            return Ok(Artifact::Trained(Arc::new(trainer.stop().await)));
                        }
                        _ if !more => break,
                        _ => {}
                    }
                }
                Ok(Artifact::Trained(Arc::new(trainer.finish().await)))
            }
        }
    }
}

/// `wanted` and every cell they read, directly or not; every cell without `wanted`.
fn needed(notebook: &Notebook, wanted: Option<&[u32]>) -> Vec<u32> {
    let Some(wanted) = wanted else {
        return notebook.cells.iter().map(|c| c.id).collect();
    };
    let mut needed: Vec<u32> = wanted.to_vec();
    // Inputs sit above their readers: one pass from the bottom collects them all.
    for cell in notebook.cells.iter().rev() {
        if needed.contains(&cell.id) {
            needed.extend(cell.inputs.iter().copied());
        }
    }
    needed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compute::CpuDevice;
    use crate::notebook::NewCell;

    /// Reads bundled samples and counts what it read.
    #[derive(Default)]
    struct Samples {
        reads: usize,
    }

    impl Sources for Samples {
        async fn frame(
            &mut self,
            cell: u32,
            source: &DataSource,
            options: &LoadOptions,
        ) -> Result<Arc<Frame>, CellError> {
            self.reads += 1;
            let DataSource::Sample { name } = source else {
                return Err(CellError::new(cell, ErrorKind::Input, "samples only"));
            };
            let bytes =
                crate::samples::csv(name).map_err(|e| CellError::new(cell, ErrorKind::Data, e))?;
            crate::ingest::load(bytes, name, options.clone())
                .map(|loaded| Arc::new(loaded.frame))
                .map_err(|e| CellError::new(cell, ErrorKind::Data, e.to_string()))
        }
    }

    fn iris_with_two_models() -> (Notebook, u32, u32) {
        let mut notebook = Notebook::welcome();
        let data = notebook.first_data().expect("a data cell");
        let iris = DataSource::Sample {
            name: "iris.csv".into(),
        };
        notebook.open_data(data, iris, LoadOptions::default(), &[]);
        let first = notebook.first_train().expect("a train cell");
        notebook.update_train_cell(first, |t| {
            t.choose_target(
                Some("species".into()),
                Some(crate::train::Task::Classification),
            )
        });
        let second = notebook
            .add_cell(NewCell::Train, Some(first))
            .expect("adds");
        notebook.update_train_cell(second, |t| {
            t.choose_target(
                Some("species".into()),
                Some(crate::train::Task::Classification),
            );
            t.model = crate::learner::ModelSpec::new(
                crate::learner::registry::family("tree").expect("tree"),
            );
        });
        (notebook, first, second)
    }

    fn run(executor: &mut Executor, notebook: &Notebook, sources: &mut Samples) -> Vec<u32> {
        let cpu = Device::Cpu(CpuDevice::default());
        pollster::block_on(executor.run(
            notebook,
            None,
            sources,
            &cpu,
            OnGpuFailure::Stop,
            &mut Quiet,
        ))
        .into_iter()
        .map(|(id, outcome)| {
            outcome.unwrap_or_else(|e| panic!("cell {id}: {e}"));
            id
        })
        .collect()
    }

    #[test]
    fn only_stale_cells_run_and_a_changed_input_reruns_what_reads_it() {
        let (mut notebook, first, second) = iris_with_two_models();
        let mut executor = Executor::default();
        let mut sources = Samples::default();
        assert_eq!(
            run(&mut executor, &notebook, &mut sources),
            [2, 4, first, second]
        );
        assert!(executor.trained(&notebook, first).is_some());
        assert!(executor.trained(&notebook, second).is_some());
        // Nothing changed: nothing runs.
        assert!(run(&mut executor, &notebook, &mut sources).is_empty());
        // One model's settings: only that cell.
        notebook.update_train_cell(second, |t| {
            t.model
                .params
                .insert("max_depth".into(), crate::learner::ParamValue::Number(2.0));
        });
        assert_eq!(run(&mut executor, &notebook, &mut sources), [second]);
        // The data cell's options: it and everything after it that reads it.
        notebook.update_data_options(2, |o| o.missing = Some(vec!["?".into()]));
        assert_eq!(
            run(&mut executor, &notebook, &mut sources),
            [2, 4, first, second]
        );
        assert_eq!(sources.reads, 2);
        assert!(
            executor
                .states(&notebook)
                .iter()
                .all(|(_, s)| *s != CellState::Stale)
        );
    }

    #[test]
    fn runs_on_copies_hand_back_only_their_own_cells() {
        let (notebook, first, second) = iris_with_two_models();
        let cpu = Device::Cpu(CpuDevice::default());
        let mut shared = Executor::default();
        let run_on_copy = |shared: &Executor, cell: u32| {
            let mut copy = shared.clone();
            let outcomes = pollster::block_on(copy.run(
                &notebook,
                Some(&[cell]),
                &mut Samples::default(),
                &cpu,
                OnGpuFailure::Stop,
                &mut Quiet,
            ));
            let ran: Vec<u32> = outcomes
                .iter()
                .filter(|(_, o)| o.is_ok())
                .map(|(id, _)| *id)
                .collect();
            (copy, ran)
        };
        // Both start from the same empty executor, as two jobs side by side do.
        let (a, ran_a) = run_on_copy(&shared, first);
        let (b, ran_b) = run_on_copy(&shared, second);
        assert_eq!(ran_a, [2, 4, first]);
        assert_eq!(ran_b, [2, 4, second]);
        shared.take(&a, &ran_a);
        shared.take(&b, &ran_b);
        assert!(shared.trained(&notebook, first).is_some());
        assert!(shared.trained(&notebook, second).is_some());
        // A copy that knew nothing of `first` hands back nothing for it.
        shared.take(&Executor::default(), &[first]);
        assert!(shared.trained(&notebook, first).is_some());
    }

    #[test]
    fn a_failed_cell_is_placed_and_what_reads_it_waits() {
        let (mut notebook, first, second) = iris_with_two_models();
        notebook.update_train_cell(first, |t| {
            t.model
                .params
                .insert("C".into(), crate::learner::ParamValue::Number(-1.0));
        });
        // Added above every split, a train cell reads none.
        let unwired = notebook.add_cell(NewCell::Train, Some(1)).expect("adds");
        let cpu = Device::Cpu(CpuDevice::default());
        let outcomes = pollster::block_on(Executor::default().run(
            &notebook,
            None,
            &mut Samples::default(),
            &cpu,
            OnGpuFailure::Stop,
            &mut Quiet,
        ));
        let error = |id| {
            outcomes
                .iter()
                .find(|(c, _)| *c == id)
                .and_then(|(_, o)| o.clone().err())
                .expect("failed")
        };
        assert_eq!(error(first).kind, ErrorKind::Parameter);
        assert_eq!(error(first).parameter.as_deref(), Some("C"));
        assert!(outcomes.contains(&(second, Ok(()))));
        assert_eq!(error(unwired).kind, ErrorKind::Input);
        assert!(
            error(unwired).message.contains("choose the split"),
            "{}",
            error(unwired)
        );
    }

    /// Says `Finish` (or `Cancel`) once `after` steps are done.
    struct StopAfter {
        after: usize,
        verdict: Verdict,
    }

    impl Observer for StopAfter {
        async fn progress(&mut self, _: u32, trainer: &Trainer, _: &Frame) -> Verdict {
            if trainer.progress().done >= self.after {
                self.verdict
            } else {
                Verdict::Go
            }
        }
    }

    #[test]
    fn finishing_early_keeps_the_model_so_far_and_cancelling_keeps_nothing() {
        let (notebook, first, _) = iris_with_two_models();
        let cpu = Device::Cpu(CpuDevice::default());
        let run = |verdict| {
            let mut executor = Executor::default();
            let outcomes = pollster::block_on(executor.run(
                &notebook,
                Some(&[first]),
                &mut Samples::default(),
                &cpu,
                OnGpuFailure::Stop,
                &mut StopAfter { after: 3, verdict },
            ));
            (executor, outcomes)
        };
        let (finished, outcomes) = run(Verdict::Finish);
        assert!(outcomes.contains(&(first, Ok(()))));
        let trained = finished.trained(&notebook, first).expect("kept");
        assert!(trained.stopped && !trained.converged);
        // The curve's start and three iterations; the test rows are all scored.
        assert_eq!(trained.loss_curve.len(), 4);
        assert_eq!(trained.predictions.labels.len(), trained.split.test.len());

        let (cancelled, outcomes) = run(Verdict::Cancel);
        let error = outcomes
            .iter()
            .find(|(c, _)| *c == first)
            .and_then(|(_, o)| o.clone().err())
            .expect("failed");
        assert_eq!(error.kind, ErrorKind::Stopped);
        assert!(cancelled.trained(&notebook, first).is_none());
    }
}

//! Running a notebook's cells in the worker, through the executor `studio run`
//! uses too. The worker keeps one executor; each run works on a copy of it and
//! hands back the cells it ran, so runs side by side (two train cells) never
//! hold it across a step, and exports read a cell's artifact by its hash.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

use studio_core::boundary::BoundarySpec;
use studio_core::frame::Frame;
use studio_core::ingest::LoadOptions;
use studio_core::notebook::executor::{CellError, ErrorKind, Executor, Observer, Sources, Verdict};
use studio_core::notebook::{CellKind, DataSource, Notebook};
use studio_core::projection::ProjectionSpec;
use studio_core::train::{OnGpuFailure, Trained, Trainer};
use studio_core::try_model;

use super::jobs::Stop;
use super::{data, detect, exclusive, post, yield_now};
use crate::protocol::{FromWorker, JobError, JobId, JobOutput, Steer, TrainSummary};

thread_local! {
    static EXECUTOR: RefCell<Executor> = RefCell::new(Executor::default());
}

/// Lets go of data cell `cell`'s kept frame: other data are open in it now.
pub fn forget(cell: u32) {
    EXECUTOR.with_borrow_mut(|executor| executor.forget(cell));
}

/// Data cells read the open dataset, if it is the one the cell names.
struct OpenData;

impl Sources for OpenData {
    async fn frame(
        &mut self,
        cell: u32,
        source: &DataSource,
        _options: &LoadOptions,
    ) -> Result<Arc<Frame>, CellError> {
        // The page reads the data with the cell's options before it runs what reads it.
        data::frame_of(cell, source).map_err(|why| CellError::new(cell, ErrorKind::Input, why))
    }
}

/// How the page steers a running train job: set by `Steer` messages.
#[derive(Debug, Default)]
struct Steering {
    paused: Cell<bool>,
    finish: Cell<bool>,
}

thread_local! {
    static STEERING: RefCell<HashMap<JobId, Rc<Steering>>> = RefCell::new(HashMap::new());
}

/// Pauses, resumes or ends train job `id`; a job that is not running ignores it.
pub fn steer(id: JobId, steer: Steer) {
    STEERING.with_borrow(|all| {
        if let Some(steering) = all.get(&id) {
            match steer {
                Steer::Pause => steering.paused.set(true),
                Steer::Resume => steering.paused.set(false),
                Steer::Finish => steering.finish.set(true),
            }
        }
    });
}

/// How long a paused run sleeps between looks at its flags.
const PAUSED_POLL_MS: u32 = 50;
/// The least time between two boundaries drawn while a model trains, so that
/// drawing never costs the run more than a small share of its time.
const REDRAW_MS: f64 = 250.0;

/// Streams a train cell's progress; waits while the page has it paused, ends it
/// with the model so far when the page says finish, and drops it when the page
/// cancels the job.
struct Streamed<'a> {
    id: JobId,
    cancelled: &'a Cell<bool>,
    steering: Rc<Steering>,
    /// The decision boundary the page follows, and when it was last drawn.
    boundary: Option<BoundarySpec>,
    drawn: f64,
}

impl Streamed<'_> {
    /// Posts the boundary of the model as it stands, if the page follows one
    /// and the last is old enough. A boundary that cannot be drawn (a
    /// regressor, a column the model does not read) is not posted: the page
    /// asks for the finished model's and shows why.
    fn redraw(&mut self, trainer: &Trainer, frame: &Frame) {
        let Some(spec) = &self.boundary else {
            return;
        };
        let now = js_sys::Date::now();
        if now - self.drawn < REDRAW_MS {
            return;
        }
        if let Ok(boundary) = trainer.boundary(frame, spec) {
            post(&FromWorker::View {
                id: self.id,
                boundary: Box::new(boundary),
            });
        }
        // Measured after drawing, so a slow model draws less often.
        self.drawn = js_sys::Date::now();
    }
}

impl Observer for Streamed<'_> {
    async fn progress(&mut self, _: u32, trainer: &Trainer, frame: &Frame) -> Verdict {
        let (progress, fallback) = (trainer.progress(), trainer.fallback());
        post(&FromWorker::Progress {
            id: self.id,
            done: u32::try_from(progress.done).unwrap_or(u32::MAX),
            total: progress
                .total
                .map_or(0, |t| u32::try_from(t).unwrap_or(u32::MAX)),
            // Empty unless the run left the GPU: the page shows it when it is not.
            message: fallback.map(ToString::to_string).unwrap_or_default(),
            value: progress.loss,
            unit: progress.unit.to_owned(),
            held_out: progress.held_out.map(|h| Box::new(h.into())),
        });
        self.redraw(trainer, frame);
        // Lets a `Cancel` or a `Steer` arrive before the next step.
        yield_now().await;
        let steering = &self.steering;
        let waits = || steering.paused.get() && !steering.finish.get() && !self.cancelled.get();
        if waits() {
            post(&FromWorker::Paused { id: self.id });
        }
        while waits() {
            gloo_timers::future::TimeoutFuture::new(PAUSED_POLL_MS).await;
        }
        if self.cancelled.get() {
            Verdict::Cancel
        } else if steering.finish.get() {
            Verdict::Finish
        } else {
            Verdict::Go
        }
    }
}

/// Runs cell `cell` of `notebook` and the stale cells it reads. A train cell
/// answers with its summary; other cells with `Updated`. If the GPU fails, the
/// CPU goes on from the iteration it reached, and the summary says so.
pub async fn run(
    id: JobId,
    notebook: &Notebook,
    cell: u32,
    boundary: Option<BoundarySpec>,
    cancelled: &Cell<bool>,
) -> Result<JobOutput, Stop> {
    let _turn = exclusive::turn(cancelled).await?;
    let (device, report) = detect::selected().await;
    let steering = Rc::new(Steering::default());
    STEERING.with_borrow_mut(|all| all.insert(id, Rc::clone(&steering)));
    let _unregister = Unregister(id);
    let mut copy = EXECUTOR.with_borrow(Clone::clone);
    let outcomes = copy
        .run(
            notebook,
            Some(&[cell]),
            &mut OpenData,
            &device,
            OnGpuFailure::GoOnOnCpu,
            &mut Streamed {
                id,
                cancelled,
                steering,
                boundary,
                drawn: f64::NEG_INFINITY,
            },
        )
        .await;
    let ran: Vec<u32> = outcomes
        .iter()
        .filter(|(_, outcome)| outcome.is_ok())
        .map(|(id, _)| *id)
        .collect();
    EXECUTOR.with_borrow_mut(|executor| executor.take(&copy, &ran));
    if let Some((_, Err(error))) = outcomes.into_iter().find(|(_, o)| o.is_err()) {
        return Err(match error.kind {
            ErrorKind::Stopped => Stop::Cancelled,
            _ => Stop::Error(error.into()),
        });
    }
    let Some(trained) = copy.trained(notebook, cell) else {
        return Ok(JobOutput::Updated);
    };
    let model = match notebook.cell(cell).map(|c| &c.kind) {
        Some(CellKind::Train(train)) => train.model.kind.clone(),
        _ => String::new(),
    };
    if trained.fallback.is_some() {
        // That GPU is not to be trusted again: the next job chooses afresh.
        detect::forget();
    }
    Ok(JobOutput::Trained(Box::new(summary(
        &trained, model, report,
    ))))
}

/// Forgets a job's steering when its run ends, however it ends.
struct Unregister(JobId);

impl Drop for Unregister {
    fn drop(&mut self) {
        STEERING.with_borrow_mut(|all| all.remove(&self.0));
    }
}

fn summary(
    trained: &Trained,
    model: String,
    report: studio_core::compute::DeviceReport,
) -> TrainSummary {
    let fallback = trained.fallback.as_ref().map(ToString::to_string);
    let device = match (&fallback, &trained.cpu_reason) {
        (Some(fallback), _) => format!("CPU · {fallback}"),
        (None, Some(reason)) => format!("CPU · {reason}"),
        (None, None) => report.summary(),
    };
    TrainSummary {
        task: trained.pipeline.task,
        model,
        device,
        n_train: trained.split.train.len(),
        n_test: trained.split.test.len(),
        metrics: trained.metrics.clone(),
        classes: trained.pipeline.model.classes().to_vec(),
        loss_curve: trained.loss_curve.clone(),
        held_out_loss_curve: trained.held_out_loss_curve.clone(),
        score_curve: trained.score_curve.as_ref().map(Into::into),
        converged: trained.converged,
        stopped: trained.stopped,
        done: trained.progress.done,
        total: trained.progress.total,
        unit: trained.progress.unit.to_owned(),
        facts: trained.pipeline.model.facts(),
        fallback,
    }
}

/// Train cell `cell`'s decision boundary, from its model as `notebook` has it now.
pub fn boundary(
    notebook: &Notebook,
    cell: u32,
    spec: &BoundarySpec,
) -> Result<JobOutput, JobError> {
    let (trained, frame) = trained_with_frame(notebook, cell)?;
    trained
        .boundary(&frame, spec)
        .map(|b| JobOutput::Boundary(Box::new(b)))
        .map_err(|e| input_error(cell, e))
}

/// The "Try the model" form of train cell `cell`: its inputs, with the ranges
/// and levels of its training rows.
pub fn form(notebook: &Notebook, cell: u32) -> Result<JobOutput, JobError> {
    let (trained, frame) = trained_with_frame(notebook, cell)?;
    Ok(JobOutput::Form(try_model::fields(
        &trained.pipeline,
        &frame,
        &trained.split.train,
    )))
}

/// Train cell `cell`'s answer for one row typed into its form.
pub fn try_row(
    notebook: &Notebook,
    cell: u32,
    values: &[(String, String)],
) -> Result<JobOutput, JobError> {
    let trained = trained(notebook, cell)?;
    try_model::answer(&trained.pipeline, values)
        .map(JobOutput::Answer)
        .map_err(|e| JobError {
            column: Some(e.field.clone()).filter(|f| !f.is_empty()),
            ..input_error(cell, e.message)
        })
}

/// Train cell `cell`'s rows along two components, from its decomposition as
/// `notebook` has it now; the points past the chart's limit are sampled with
/// the split's seed.
pub fn projection(
    notebook: &Notebook,
    cell: u32,
    spec: &ProjectionSpec,
) -> Result<JobOutput, JobError> {
    let (trained, frame) = trained_with_frame(notebook, cell)?;
    let seed = notebook.split_of(cell).map_or(0, |split| split.seed);
    studio_core::projection::projection(&trained, &frame, spec, seed)
        .map(|p| JobOutput::Projection(Box::new(p)))
        .map_err(|e| input_error(cell, e))
}

/// The views drawn from a trained cell need its model and the rows it read.
fn trained_with_frame(
    notebook: &Notebook,
    cell: u32,
) -> Result<(Arc<Trained>, Arc<Frame>), JobError> {
    let trained = trained(notebook, cell)?;
    let data = notebook
        .data_of(cell)
        .ok_or_else(|| JobError::internal("the train cell reads no data cell"))?;
    let frame = data::frame(data.id).map_err(JobError::data)?;
    Ok((trained, frame))
}

fn input_error(cell: u32, e: impl std::fmt::Display) -> JobError {
    JobError {
        cell: Some(cell),
        ..JobError::new(ErrorKind::Input, e.to_string())
    }
}

/// Train cell `cell`'s result for `notebook` as it is now.
pub fn trained(notebook: &Notebook, cell: u32) -> Result<Arc<Trained>, JobError> {
    EXECUTOR
        .with_borrow(|executor| executor.trained(notebook, cell))
        .ok_or_else(|| JobError {
            cell: Some(cell),
            ..JobError::new(
                ErrorKind::Input,
                "train this cell first: it has not trained with its settings and data as they are now",
            )
        })
}

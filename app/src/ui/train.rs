use leptos::prelude::*;
use studio_core::learner::{ParamValue, registry};
use studio_core::notebook::{NotebookError, TrainCell as TrainSettings, executor};
use studio_core::train::Task;

use super::boundary::{self, BoundaryView};
use super::client::{self, JobEvent};
use super::download;
use super::live::{Live, step_name};
use super::loss_curve::LossCurve;
use super::metrics::MetricsView;
use super::params::{ParamField, sentence, with_param};
use super::projection::ProjectionView;
use super::score_curve::ScoreCurve;
use super::session::{DatasetState, Session, TrainState};
use super::try_model::TryModel;
use crate::protocol::{ExportFormat, Job, JobError, JobOutput, Steer, TrainSummary};
use crate::text::capitalized;
use wasm_bindgen::JsValue;

/// Runs train cell `cell` (and the stale cells it reads) in the worker's executor.
pub fn start(session: Session, cell: u32) {
    let (notebook, hash) = session.notebook.with_untracked(|nb| {
        (
            nb.clone(),
            executor::hashes(nb).get(&cell).copied().unwrap_or_default(),
        )
    });
    // Its data cell's epoch: an answer after other data were opened there is not shown.
    let data = session
        .notebook
        .with_untracked(|nb| nb.data_of(cell).map(|c| c.id));
    let epoch = data.map(|d| session.epoch(d));
    let handle = move |event| match event {
        JobEvent::Progress {
            done,
            total,
            value,
            message,
            unit,
            held_out,
        } => session.training.update(|runs| {
            if let Some(TrainState::Running(live)) = runs.get_mut(&cell) {
                // The worker's message is empty unless the GPU failed under the run.
                if !message.is_empty() {
                    live.fallback = Some(message);
                }
                live.stepped(done, total, unit, value, js_sys::Date::now());
                live.held_out(held_out);
            }
        }),
        JobEvent::Done(JobOutput::Trained(summary)) => {
            // The worker let go of a GPU that failed: show the device it now chooses.
            if summary.fallback.is_some() {
                super::app::detect(session.device);
            }
            session.set_train_state(
                cell,
                TrainState::Done {
                    summary: *summary,
                    hash,
                },
            )
        }
        JobEvent::Done(_) => {}
        JobEvent::Failed(error) => session.set_train_state(cell, TrainState::Failed(error)),
        JobEvent::Cancelled => session.set_train_state(cell, TrainState::Stopped),
        JobEvent::Paused => session.training.update(|runs| {
            if let Some(TrainState::Running(live)) = runs.get_mut(&cell) {
                live.settle_pause();
            }
        }),
        JobEvent::View(boundary) => session.training.update(|runs| {
            if let Some(TrainState::Running(live)) = runs.get_mut(&cell) {
                // Posted right after its step's progress: drawn after `done` steps.
                live.boundary = Some((boundary, live.done));
            }
        }),
    };
    let job = Job::RunCell {
        notebook: Box::new(notebook),
        cell,
        boundary: boundary::spec(session, cell),
    };
    let id = client::start_guarded(job, JsValue::UNDEFINED, "training", move |event| {
        // A run on data that is no longer open has nothing to show.
        if data.map(|d| session.epoch(d)) == epoch {
            handle(event);
        }
    });
    // A job that could not start has already answered (and failed).
    if id != 0 {
        session.set_train_state(
            cell,
            TrainState::Running(Live::new(id, js_sys::Date::now())),
        );
    }
}

/// The train cell: target, task, model and its settings; Train, Pause or Resume,
/// and Stop; the loss curve and the pace while it runs; then the test metrics and
/// the downloads, of the model as it stood where it was stopped.
#[component]
pub fn TrainCell(session: Session, id: u32) -> impl IntoView {
    let settings = move || {
        session
            .notebook
            .with(|nb| nb.train(id).cloned().unwrap_or_default())
    };
    let state = move || session.train_state(id);
    let dataset = move || match session.data_of(id) {
        Some(data) => session.dataset(data),
        None => DatasetState::Empty,
    };
    let columns = move || match dataset() {
        DatasetState::Ready(summary) => summary
            .columns
            .iter()
            .zip(&summary.tasks)
            .map(|(c, t)| (c.name.clone(), *t))
            .collect(),
        _ => Vec::new(),
    };
    let running = move || matches!(state(), TrainState::Running(_));
    let paused = move || matches!(state(), TrainState::Running(live) if live.paused);
    let ready = move || matches!(dataset(), DatasetState::Ready(_));
    // A setting the notebook would not reopen with is shown here and not kept, so
    // that the saved notebook always loads after a reload.
    let refused = RwSignal::new(None::<String>);
    let edit = move |change: Box<dyn FnOnce(&mut TrainSettings)>| {
        refused.set(None);
        // A failure is about the settings it ran with: once they change, it is gone.
        if session
            .training
            .with_untracked(|runs| matches!(runs.get(&id), Some(TrainState::Failed(_))))
        {
            session.set_train_state(id, TrainState::Idle);
        }
        session
            .notebook
            .update(|nb| nb.update_train_cell(id, change));
    };

    let on_target = move |ev: leptos::ev::Event| {
        let name = event_target_value(&ev);
        let target = (!name.is_empty()).then_some(name);
        let task = target
            .as_ref()
            .and_then(|name| columns().into_iter().find(|(n, _)| n == name))
            .map(|(_, t)| t);
        edit(Box::new(move |t| t.choose_target(target, task)));
    };
    let on_task = move |ev: leptos::ev::Event| {
        let name = event_target_value(&ev);
        if let Some(task) = Task::ALL.iter().copied().find(|t| t.name() == name) {
            edit(Box::new(move |t| t.choose_task(task)));
        }
    };
    let on_model = move |ev: leptos::ev::Event| {
        if let Ok(family) = registry::family(&event_target_value(&ev)) {
            edit(Box::new(move |t| {
                t.model = studio_core::learner::ModelSpec::new(family)
            }));
        }
    };
    // A whole cell that the notebook would not keep is refused with its reason.
    let keep = move |changed: TrainSettings| -> Option<String> {
        match changed.check() {
            Ok(()) => {
                edit(Box::new(move |t| *t = changed));
                None
            }
            Err(NotebookError::Rejected { reason, .. }) => Some(sentence(&reason)),
            Err(other) => Some(other.to_string()),
        }
    };
    let set_param = move |spec: &'static studio_core::learner::ParamSpec| {
        Callback::new(move |value: Option<ParamValue>| {
            let mut changed = session
                .notebook
                .with_untracked(|nb| nb.train(id).cloned().unwrap_or_default());
            changed.model.params = with_param(&changed.model.params, spec, value);
            keep(changed)
        })
    };
    let params = Signal::derive(move || settings().model.params);
    // The last run's error, where it names one of this cell's fields.
    let reported = move |name: &'static str| {
        Signal::derive(move || match state() {
            TrainState::Failed(error) if error.is_at(id, name) => Some(sentence(&error.message)),
            _ => None,
        })
    };
    let at_a_field = move |error: &JobError| {
        registry::family(&settings().model.kind)
            .is_ok_and(|f| f.params().iter().any(|p| error.is_at(id, p.name)))
    };
    let download_error = RwSignal::new(None::<String>);
    let download = move |format: ExportFormat| {
        download_error.set(None);
        let notebook = session.notebook.get_untracked();
        download::export(format, id, Some(notebook), move |error| {
            download_error.set(Some(sentence(&error.message)))
        });
    };
    // Pause, Resume and Stop act between two steps; Stop keeps the model so far.
    let steer = move |steer: Steer| {
        session.training.update(|runs| {
            if let Some(TrainState::Running(live)) = runs.get_mut(&id) {
                let now = js_sys::Date::now();
                match steer {
                    Steer::Pause => live.pause(now),
                    Steer::Resume => live.resume(now),
                    Steer::Finish => {}
                }
                client::steer(live.id, steer);
            }
        });
    };
    let pause_or_resume = move |_| {
        steer(if paused() {
            Steer::Resume
        } else {
            Steer::Pause
        })
    };
    let task = move || settings().task.unwrap_or(Task::Classification);

    view! {
        <section class="card cell" aria-label="Train">
            <h2>"Train"</h2>
            <div class="form">
                <label>
                    "Target column"
                    <select on:change=on_target disabled=move || !ready()>
                        {move || {
                            let chosen = settings().target;
                            let none = match settings().task {
                                Some(Task::Decomposition) => "None: reduce dimensions",
                                _ => "None: find clusters",
                            };
                            let mut options = vec![view! {
                                <option value="" selected=chosen.is_none()>{none}</option>
                            }
                            .into_any()];
                            options.extend(columns().into_iter().map(|(name, _)| {
                                let selected = chosen.as_deref() == Some(name.as_str());
                                view! { <option value=name.clone() selected=selected>{name.clone()}</option> }
                                    .into_any()
                            }));
                            options
                        }}
                    </select>
                </label>
                <label>
                    "Task"
                    <select on:change=on_task prop:value=move || task().name()>
                        {Task::ALL
                            .iter()
                            .map(|t| view! { <option value=t.name()>{capitalized(t.name())}</option> })
                            .collect_view()}
                    </select>
                </label>
                <label>
                    "Model"
                    <select on:change=on_model prop:value=move || settings().model.kind>
                        {move || {
                            registry::for_task(task())
                                .map(|f| view! { <option value=f.name()>{f.label()}</option> })
                                .collect_view()
                        }}
                    </select>
                </label>
                {move || {
                    registry::family(&settings().model.kind)
                        .map(|family| {
                            family
                                .params()
                                .iter()
                                .map(|spec| view! {
                                    <ParamField spec=spec params=params set=set_param(spec) reported=reported(spec.name) />
                                })
                                .collect_view()
                        })
                        .ok()
                }}
            </div>
            {move || refused.get().map(|reason| view! { <p class="error" role="alert">{reason}</p> })}
            <div class="controls">
                <button
                    on:click=move |_| start(session, id)
                    disabled=move || !ready() || running() || refused.with(Option::is_some)
                >
                    "Train"
                </button>
                <button class="ghost" on:click=pause_or_resume disabled=move || !running()>
                    {move || if paused() { "Resume" } else { "Pause" }}
                </button>
                <button class="ghost" on:click=move |_| steer(Steer::Finish) disabled=move || !running()>
                    "Stop"
                </button>
                {move || match state() {
                    TrainState::Running(live) => view! {
                        <span role="status">{live.status()}</span>
                        {live.fallback.map(|note| view! {
                            <p class="notice" role="alert" aria-label="Training device">{sentence(&note)}</p>
                        })}
                    }
                    .into_any(),
                    TrainState::Done { summary, .. } if summary.stopped => view! {
                        <span role="status">{stopped_at(&summary)}</span>
                    }
                    .into_any(),
                    TrainState::Stopped => view! { <span role="status">"Training stopped."</span> }.into_any(),
                    TrainState::Failed(error) if at_a_field(&error) => view! {
                        <span class="error">"Training failed: see the setting marked above."</span>
                    }
                    .into_any(),
                    TrainState::Failed(error) => view! {
                        <span class="error" role="alert">{sentence(&error.message)}</span>
                    }
                    .into_any(),
                    TrainState::Idle | TrainState::Done { .. } => ().into_any(),
                }}
            </div>
            {move || match state() {
                TrainState::Running(live) => {
                    let unit = live.unit_name().to_owned();
                    view! {
                        {(!live.curve.is_empty())
                            .then(|| view! { <LossCurve values=live.curve held_out=live.held_out_curve /> })}
                        {live.score_curve.map(|curve| view! { <ScoreCurve curve=curve unit=unit /> })}
                    }
                    .into_any()
                }
                // A family that minimizes no objective (naive Bayes, PCA) has no curve to show.
                TrainState::Done { summary, .. } => view! {
                    {(!summary.loss_curve.is_empty())
                        .then(|| view! {
                            <LossCurve values=summary.loss_curve.clone() held_out=summary.held_out_loss_curve.clone() />
                        })}
                    {summary.score_curve.clone().map(|curve| {
                        let unit = super::live::step_name(&summary.unit).to_owned();
                        view! { <ScoreCurve curve=curve unit=unit /> }
                    })}
                    <MetricsView summary=summary />
                    <div class="controls">
                        <button on:click=move |_| download(ExportFormat::Onnx)>"Download ONNX"</button>
                        <button on:click=move |_| download(ExportFormat::Json)>"Download JSON"</button>
                    </div>
                    {move || download_error.get().map(|why| view! { <p class="error" role="alert">{why}</p> })}
                }
                .into_any(),
                _ => ().into_any(),
            }}
            <TryModel session=session cell=id />
            <BoundaryView session=session cell=id />
            <ProjectionView session=session cell=id />
        </section>
    }
}

/// `Stopped at epoch 12 of 200: the metrics and downloads are of the model as it stood.`
fn stopped_at(summary: &TrainSummary) -> String {
    let unit = step_name(&summary.unit);
    let of = summary
        .total
        .map(|total| format!(" of {total}"))
        .unwrap_or_default();
    format!(
        "Stopped at {unit} {}{of}: the metrics and downloads are of the model as it stood.",
        summary.done
    )
}

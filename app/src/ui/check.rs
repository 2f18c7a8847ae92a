use leptos::prelude::*;

use super::client::{self, JobEvent};
use super::device::DeviceState;
use crate::protocol::{CheckReport, Job, JobId, JobOutput};

/// Where a compute check stands.
#[derive(Debug, Clone, PartialEq)]
enum CheckState {
    Idle,
    Running {
        id: JobId,
        done: u32,
        total: u32,
        step: String,
    },
    Finished(CheckReport),
    Cancelled,
    Failed(String),
}

/// Runs every verification case on the chosen device, with progress and cancel,
/// and shows each case's time and agreement with the CPU.
#[component]
pub fn ComputeCheck(device: RwSignal<DeviceState>) -> impl IntoView {
    let state = RwSignal::new(CheckState::Idle);
    let repetitions = RwSignal::new(5u32);
    let running = move || matches!(state.get(), CheckState::Running { .. });

    let run = move |_| {
        let id = client::start(
            Job::ComputeCheck {
                repetitions: repetitions.get_untracked(),
            },
            move |event| match event {
                JobEvent::Progress {
                    done,
                    total,
                    message,
                    ..
                } => state.update(|s| {
                    if let CheckState::Running { id, .. } = *s {
                        *s = CheckState::Running {
                            id,
                            done,
                            total,
                            step: message,
                        };
                    }
                }),
                JobEvent::Done(JobOutput::Check(report)) => state.set(CheckState::Finished(report)),
                JobEvent::Done(_) => {}
                JobEvent::Failed(error) => state.set(CheckState::Failed(error)),
                JobEvent::Cancelled => state.set(CheckState::Cancelled),
            },
        );
        state.set(CheckState::Running {
            id,
            done: 0,
            total: 0,
            step: "starting".to_owned(),
        });
    };
    let cancel = move |_| {
        if let CheckState::Running { id, .. } = state.get_untracked() {
            client::cancel(id);
        }
    };

    view! {
        <section class="check" aria-label="Compute check">
            <h3>"Compute check"</h3>
            <p class="hint">
                "Times a matrix-vector product at several sizes on this device and compares \
                 every answer with the CPU reference."
            </p>
            <div class="controls">
                <label>
                    "Repetitions"
                    <input
                        type="number"
                        min="1"
                        max="1000"
                        prop:value=move || repetitions.get().to_string()
                        on:change=move |ev| {
                            let value = event_target_value(&ev).parse::<u32>().unwrap_or(1);
                            repetitions.set(value.clamp(1, 1000));
                        }
                    />
                </label>
                <button
                    on:click=run
                    disabled=move || running() || matches!(device.get(), DeviceState::Detecting)
                >
                    "Run compute check"
                </button>
                <button class="ghost" on:click=cancel disabled=move || !running()>
                    "Cancel"
                </button>
            </div>
            {move || match state.get() {
                CheckState::Idle => ().into_any(),
                CheckState::Running { done, total, step, .. } => view! {
                    <div class="progress">
                        <progress
                            aria-label="Compute check progress"
                            max=total.max(1).to_string()
                            value=done.to_string()
                        ></progress>
                        <span>{format!("{done} of {total} · {step}")}</span>
                    </div>
                }
                .into_any(),
                CheckState::Cancelled => view! { <p role="status">"Compute check cancelled."</p> }.into_any(),
                CheckState::Failed(error) => view! { <p class="error" role="alert">{error}</p> }.into_any(),
                CheckState::Finished(report) => results(report).into_any(),
            }}
        </section>
    }
}

fn results(report: CheckReport) -> impl IntoView {
    let passed = report
        .rows
        .iter()
        .all(|row| row.outcome.as_ref().is_none_or(|o| o.passed));
    let verdict = match (report.rows.iter().any(|r| r.outcome.is_some()), passed) {
        (false, _) => "The CPU is the reference, so these are timings only.".to_owned(),
        (true, true) => "Every case agreed with the CPU.".to_owned(),
        (true, false) => {
            "Some cases disagreed with the CPU: results from this GPU are not trustworthy."
                .to_owned()
        }
    };
    view! {
        <table class="results">
            <caption>{format!("Compute check on {} · {} repetitions", report.device, report.repetitions)}</caption>
            <thead>
                <tr>
                    <th scope="col">"Case"</th>
                    <th scope="col">"Time per product"</th>
                    <th scope="col">"Scaled error"</th>
                    <th scope="col">"Result"</th>
                </tr>
            </thead>
            <tbody>
                {report
                    .rows
                    .into_iter()
                    .map(|row| {
                        let (error, result) = match &row.outcome {
                            Some(o) => (
                                format!("{:.1e}", o.max_scaled_error),
                                if o.passed { "agrees" } else { "DIFFERS" },
                            ),
                            None => ("—".to_owned(), "reference"),
                        };
                        view! {
                            <tr>
                                <th scope="row">{row.label}</th>
                                <td>{format!("{:.3} ms", row.millis)}</td>
                                <td>{error}</td>
                                <td>{result}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
        <p class="verdict" data-passed=passed.to_string()>{verdict}</p>
    }
}

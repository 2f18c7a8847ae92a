use leptos::prelude::*;

use super::client::{self, JobEvent};
use super::device::DeviceState;
use crate::protocol::{ConformanceReport, Job, JobId, JobOutput};
use studio_core::compute::DeviceKind;

#[derive(Debug, Clone, PartialEq)]
enum State {
    Idle,
    Running {
        id: JobId,
        done: u32,
        total: u32,
        step: String,
    },
    Finished(ConformanceReport),
    Cancelled,
    Failed(String),
}

/// Runs one case of every kernel on this browser's GPU and compares each with the
/// CPU reference, the same suite the native tests run in full.
#[component]
pub fn KernelConformance(device: RwSignal<DeviceState>) -> impl IntoView {
    let state = RwSignal::new(State::Idle);
    let running = move || matches!(state.get(), State::Running { .. });
    let on_gpu = move || matches!(device.get(), DeviceState::Ready(report) if report.kind == DeviceKind::Gpu);

    let run = move |_| {
        let id = client::start(Job::Conformance, move |event| match event {
            JobEvent::Progress {
                done,
                total,
                message,
                ..
            } => state.update(|s| {
                if let State::Running { id, .. } = *s {
                    *s = State::Running {
                        id,
                        done,
                        total,
                        step: message,
                    };
                }
            }),
            JobEvent::Done(JobOutput::Conformance(report)) => state.set(State::Finished(report)),
            JobEvent::Done(_) => {}
            JobEvent::Failed(error) => state.set(State::Failed(error)),
            JobEvent::Cancelled => state.set(State::Cancelled),
        });
        state.set(State::Running {
            id,
            done: 0,
            total: 0,
            step: "starting".to_owned(),
        });
    };
    let cancel = move |_| {
        if let State::Running { id, .. } = state.get_untracked() {
            client::cancel(id);
        }
    };

    view! {
        <section class="check" aria-label="Kernel conformance">
            <h3>"Kernel conformance"</h3>
            <p class="hint">
                {move || if on_gpu() {
                    "Runs every GPU kernel (matrix products, elementwise functions, reductions, \
                     losses, distances, histograms, statistics, optimizer steps) once and \
                     compares each result with the CPU reference."
                } else {
                    "Needs a GPU: the CPU is the reference the GPU kernels are checked against."
                }}
            </p>
            <div class="controls">
                <button on:click=run disabled=move || running() || !on_gpu()>
                    "Run conformance suite"
                </button>
                <button class="ghost" on:click=cancel disabled=move || !running()>
                    "Cancel conformance"
                </button>
            </div>
            {move || match state.get() {
                State::Idle => ().into_any(),
                State::Running { done, total, step, .. } => view! {
                    <div class="progress">
                        <progress
                            aria-label="Conformance progress"
                            max=total.max(1).to_string()
                            value=done.to_string()
                        ></progress>
                        <span>{format!("{done} of {total} · {step}")}</span>
                    </div>
                }
                .into_any(),
                State::Cancelled => view! { <p role="status">"Conformance run cancelled."</p> }.into_any(),
                State::Failed(error) => view! { <p class="error" role="alert">{error}</p> }.into_any(),
                State::Finished(report) => results(report).into_any(),
            }}
        </section>
    }
}

fn results(report: ConformanceReport) -> impl IntoView {
    let passed = report.rows.iter().all(|row| row.passed);
    let verdict = if passed {
        "Every kernel agreed with the CPU."
    } else {
        "Some kernels disagreed with the CPU: results from this GPU are not trustworthy."
    };
    view! {
        <table class="results">
            <caption>{format!("Conformance on {}", report.device)}</caption>
            <thead>
                <tr>
                    <th scope="col">"Operation"</th>
                    <th scope="col">"Scaled error"</th>
                    <th scope="col">"Tolerance"</th>
                    <th scope="col">"Result"</th>
                </tr>
            </thead>
            <tbody>
                {report
                    .rows
                    .into_iter()
                    .map(|row| {
                        view! {
                            <tr>
                                <th scope="row">{row.label}</th>
                                <td>{format!("{:.1e}", row.max_scaled_error)}</td>
                                <td>{format!("{:.0e}", row.tolerance)}</td>
                                <td>{if row.passed { "agrees" } else { "DIFFERS" }}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
        <p class="verdict" data-passed=passed.to_string()>{verdict}</p>
    }
}

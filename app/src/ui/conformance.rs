use leptos::prelude::*;

use super::device::DeviceState;
use super::job_run::Followed;
use crate::protocol::{ConformanceReport, Job, JobOutput};
use studio_core::compute::DeviceKind;

/// Runs one case of every kernel on this browser's GPU and compares each with the
/// CPU reference, the same suite the native tests run in full.
#[component]
pub fn KernelConformance(device: RwSignal<DeviceState>) -> impl IntoView {
    let suite = Followed::<ConformanceReport>::new();
    let on_gpu = move || matches!(device.get(), DeviceState::Ready(report) if report.kind == DeviceKind::Gpu);
    let run = move |_| {
        suite.start(Job::Conformance, |output| match output {
            JobOutput::Conformance(report) => Some(report),
            _ => None,
        });
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
                <button on:click=run disabled=move || suite.running() || !on_gpu()>
                    "Run conformance suite"
                </button>
                <button class="ghost" on:click=move |_| suite.cancel() disabled=move || !suite.running()>
                    "Cancel conformance"
                </button>
            </div>
            {suite.view("Conformance progress", "Conformance run cancelled.", |report| {
                results(report).into_any()
            })}
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

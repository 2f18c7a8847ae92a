use leptos::prelude::*;

use super::device::DeviceState;
use super::job_run::Followed;
use crate::protocol::{CheckReport, Job, JobOutput};

/// Runs every verification case on the chosen device, with progress and cancel,
/// and shows each case's time and agreement with the CPU.
#[component]
pub fn ComputeCheck(device: RwSignal<DeviceState>) -> impl IntoView {
    let check = Followed::<CheckReport>::new();
    let repetitions = RwSignal::new(5u32);
    let run = move |_| {
        check.start(
            Job::ComputeCheck {
                repetitions: repetitions.get_untracked(),
            },
            |output| match output {
                JobOutput::Check(report) => Some(report),
                _ => None,
            },
        );
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
                    disabled=move || check.running() || matches!(device.get(), DeviceState::Detecting)
                >
                    "Run compute check"
                </button>
                <button class="ghost" on:click=move |_| check.cancel() disabled=move || !check.running()>
                    "Cancel"
                </button>
            </div>
            {check.view("Compute check progress", "Compute check cancelled.", |report| {
                results(report).into_any()
            })}
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

use leptos::prelude::*;
use studio_core::bench::{BenchOp, BenchResult};
use studio_core::compute::DeviceKind;

use super::client::{self, JobEvent};
use super::device::DeviceState;
use crate::protocol::{Job, JobOutput};

#[derive(Debug, Clone, PartialEq)]
enum State {
    Idle,
    Running(String),
    Failed(String),
}

/// Times one compute operation on the CPU or the GPU and keeps a table of the runs,
/// so the two can be compared side by side.
#[component]
pub fn Benchmark(device: RwSignal<DeviceState>) -> impl IntoView {
    let op = RwSignal::new(BenchOp::Gemm);
    let size = RwSignal::new(browser_size(BenchOp::Gemm));
    let choice = RwSignal::new(None::<DeviceKind>);
    let state = RwSignal::new(State::Idle);
    let results = RwSignal::new(Vec::<BenchResult>::new());
    let running = move || matches!(state.get(), State::Running(_));

    let run = move |_| {
        let (op, size, kind) = (
            op.get_untracked(),
            size.get_untracked(),
            choice.get_untracked(),
        );
        client::start(
            Job::Bench {
                op,
                size,
                device: kind,
            },
            move |event| match event {
                JobEvent::Done(JobOutput::Bench(result)) => {
                    results.update(|rows| rows.push(result));
                    state.set(State::Idle);
                }
                JobEvent::Failed(error) => state.set(State::Failed(error.message)),
                JobEvent::Cancelled => state.set(State::Idle),
                JobEvent::Progress { .. }
                | JobEvent::Done(_)
                | JobEvent::View(_)
                | JobEvent::Paused => {}
            },
        );
        state.set(State::Running(format!(
            "Timing {} at size {size}…",
            op.name()
        )));
    };

    view! {
        <section class="check" aria-label="Benchmark">
            <h3>"Benchmark"</h3>
            <p class="hint">
                "Times one operation for about a second. In the page the CPU path runs on one \
                 thread with WebAssembly SIMD; the GPU path through WebGPU."
            </p>
            <div class="controls">
                <label>
                    "Operation"
                    <select
                        on:change=move |ev| {
                            if let Some(chosen) = BenchOp::from_name(&event_target_value(&ev)) {
                                op.set(chosen);
                                size.set(browser_size(chosen));
                            }
                        }
                    >
                        {BenchOp::ALL
                            .into_iter()
                            .map(|o| {
                                view! {
                                    <option value=o.name() selected=move || op.get() == o>
                                        {o.name()}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </label>
                <label>
                    "Size"
                    <input
                        type="number"
                        min="1"
                        prop:value=move || size.get().to_string()
                        on:change=move |ev| {
                            if let Ok(value) = event_target_value(&ev).parse::<usize>() {
                                size.set(value.max(1));
                            }
                        }
                    />
                </label>
                <label>
                    "Run on"
                    <select on:change=move |ev| {
                        choice.set(match event_target_value(&ev).as_str() {
                            "cpu" => Some(DeviceKind::Cpu),
                            "gpu" => Some(DeviceKind::Gpu),
                            _ => None,
                        })
                    }>
                        <option value="chosen">"The chosen device"</option>
                        <option value="cpu">"CPU"</option>
                        <option value="gpu">"GPU"</option>
                    </select>
                </label>
                <button
                    on:click=run
                    disabled=move || running() || matches!(device.get(), DeviceState::Detecting)
                >
                    "Run benchmark"
                </button>
            </div>
            {move || match state.get() {
                State::Idle => ().into_any(),
                State::Running(message) => view! { <p role="status">{message}</p> }.into_any(),
                State::Failed(error) => view! { <p class="error" role="alert">{error}</p> }.into_any(),
            }}
            <Show when=move || results.with(|rows| !rows.is_empty())>
                <table class="results">
                    <caption>"Benchmark runs"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Operation"</th>
                            <th scope="col">"Device"</th>
                            <th scope="col">"m × n × k"</th>
                            <th scope="col">"Time per run"</th>
                            <th scope="col">"GFLOP/s"</th>
                            <th scope="col">"Adapter"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {move || {
                            results
                                .get()
                                .into_iter()
                                .map(|r| {
                                    view! {
                                        <tr>
                                            <th scope="row">{r.op}</th>
                                            <td>{r.device}</td>
                                            <td>{format!("{} × {} × {}", r.m, r.n, r.k)}</td>
                                            <td>{format!("{:.3} ms", r.seconds * 1000.0)}</td>
                                            <td>{format!("{:.2}", r.gflops)}</td>
                                            <td>{r.adapter}</td>
                                        </tr>
                                    }
                                })
                                .collect_view()
                        }}
                    </tbody>
                </table>
            </Show>
        </section>
    }
}

/// Sizes that finish in about a second in a page: smaller than the native defaults.
fn browser_size(op: BenchOp) -> usize {
    match op {
        BenchOp::Gemm => 512,
        BenchOp::Gemv => 2048,
        BenchOp::Distances => 16_384,
        _ => 200_000,
    }
}

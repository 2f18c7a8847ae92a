use leptos::prelude::*;
use studio_core::compute::{DeviceKind, DeviceReport};

use super::bench::Benchmark;
use super::check::ComputeCheck;
use super::conformance::KernelConformance;

/// What the UI knows about the compute device.
#[derive(Debug, Clone, PartialEq)]
pub enum DeviceState {
    Detecting,
    Ready(DeviceReport),
    /// The worker could not answer at all.
    Unavailable(String),
}

impl DeviceState {
    fn summary(&self) -> String {
        match self {
            DeviceState::Detecting => "Detecting…".to_owned(),
            DeviceState::Ready(report) => report.summary(),
            DeviceState::Unavailable(why) => format!("CPU · {why}"),
        }
    }

    fn kind(&self) -> &'static str {
        match self {
            DeviceState::Detecting => "pending",
            DeviceState::Ready(report) if report.kind == DeviceKind::Gpu => "gpu",
            DeviceState::Ready(_) | DeviceState::Unavailable(_) => "cpu",
        }
    }
}

/// The header's one-line answer to "what will run my work?".
#[component]
pub fn DeviceStatus(device: RwSignal<DeviceState>) -> impl IntoView {
    view! {
        <div
            class="device-status"
            role="status"
            aria-label="Compute device"
            data-kind=move || device.with(DeviceState::kind)
            title=move || device.with(DeviceState::summary)
        >
            {move || device.with(DeviceState::summary)}
        </div>
    }
}

/// The device in full: adapter, why it was chosen, the verification, and the check.
#[component]
pub fn DeviceDetails(device: RwSignal<DeviceState>) -> impl IntoView {
    view! {
        <section id="device-details" class="card" aria-label="Compute device details">
            <h2>"Compute device"</h2>
            {move || match device.get() {
                DeviceState::Detecting => view! { <p>"Looking for a GPU…"</p> }.into_any(),
                DeviceState::Unavailable(why) => view! { <p class="error">{why}</p> }.into_any(),
                DeviceState::Ready(report) => report_view(report).into_any(),
            }}
            <ComputeCheck device=device />
            <KernelConformance device=device />
            <Benchmark device=device />
        </section>
    }
}

fn report_view(report: DeviceReport) -> impl IntoView {
    let adapter = report.adapter.clone().map(|adapter| {
        view! {
            <dt>"Adapter"</dt>
            <dd>{adapter.name}</dd>
            <dt>"Graphics API"</dt>
            <dd>{adapter.backend}</dd>
            <dt>"Kind"</dt>
            <dd>{adapter.device_type}</dd>
        }
    });
    let verification = report.check.clone().map(|check| {
        let verdict = if check.passed {
            "Kernel verified"
        } else {
            "Kernel check failed"
        };
        view! {
            <dt>"Verification"</dt>
            <dd class="verdict" data-passed=check.passed.to_string()>
                {format!(
                    "{verdict}: {} agreed with the CPU (scaled error {:.1e}, tolerance {:.0e})",
                    check.case.label(),
                    check.max_scaled_error,
                    check.tolerance,
                )}
            </dd>
        }
    });
    let reason = report.reason.clone().map(|reason| {
        view! {
            <dt>"Why the CPU"</dt>
            <dd>{reason}</dd>
        }
    });
    view! {
        <dl class="facts">
            <dt>"Runs on"</dt>
            <dd>{report.summary()}</dd>
            {adapter}
            {verification}
            {reason}
        </dl>
    }
}

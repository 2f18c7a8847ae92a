//! Generated data for trying Studio at a chosen scale.

use leptos::prelude::*;
use studio_core::synthetic::Synthetic;
use studio_core::train::Task;
use wasm_bindgen::JsValue;

use super::session::Session;
use crate::protocol::Job;

#[component]
pub fn SyntheticForm(session: Session, cell: u32) -> impl IntoView {
    let rows = RwSignal::new("1000".to_owned());
    let features = RwSignal::new("10".to_owned());
    let task = RwSignal::new("classification".to_owned());
    let seed = RwSignal::new("42".to_owned());
    let error = RwSignal::new(None::<String>);
    // The field the error is about, so that it is marked invalid for assistive technology.
    let invalid = RwSignal::new(None::<&'static str>);
    let generate = move |_| {
        let spec = (|| {
            let spec = Synthetic {
                rows: whole(&rows.get_untracked(), "Rows")?,
                features: whole(&features.get_untracked(), "Features")?,
                task: if task.get_untracked() == "regression" {
                    Task::Regression
                } else {
                    Task::Classification
                },
                seed: whole(&seed.get_untracked(), "Generator seed")?,
            };
            // Sizes are checked here, before the worker allocates anything.
            spec.validate().map_err(|e| (None, e.to_string()))?;
            Ok::<_, (Option<&'static str>, String)>(spec)
        })();
        match spec {
            Ok(spec) => {
                error.set(None);
                invalid.set(None);
                session.open(
                    cell,
                    Job::OpenSynthetic { cell, spec },
                    JsValue::UNDEFINED,
                    spec.name(),
                    false,
                );
            }
            Err((field, e)) => {
                invalid.set(field);
                error.set(Some(e));
            }
        }
    };
    let field = |label: &'static str, value: RwSignal<String>| {
        view! {
            <label>
                {label}
                <input
                    type="text"
                    inputmode="numeric"
                    size="9"
                    aria-invalid=move || (invalid.get() == Some(label)).then_some("true")
                    prop:value=move || value.get()
                    on:input=move |ev| value.set(event_target_value(&ev))
                />
            </label>
        }
    };
    view! {
        <details class="synthetic">
            <summary>"Generate synthetic data"</summary>
            <form class="controls" aria-label="Synthetic data" on:submit=move |ev| ev.prevent_default()>
                {field("Rows", rows)}
                {field("Features", features)}
                <label>
                    "Problem"
                    <select on:change=move |ev| task.set(event_target_value(&ev))>
                        <option value="classification">"classification (3 classes)"</option>
                        <option value="regression">"regression"</option>
                    </select>
                </label>
                {field("Generator seed", seed)}
                <button type="button" on:click=generate>"Generate"</button>
            </form>
            <Show when=move || error.with(Option::is_some)>
                <p class="error" role="alert">{move || error.get().unwrap_or_default()}</p>
            </Show>
        </details>
    }
}

/// A whole number typed into the field `what`, parsed straight into the spec's type:
/// `usize` is 32 bits in the page, so a larger number is refused rather than wrapped.
fn whole<T>(text: &str, what: &'static str) -> Result<T, (Option<&'static str>, String)>
where
    T: std::str::FromStr<Err = std::num::ParseIntError>,
{
    let digits = text.trim().replace(['_', ','], "");
    digits.parse::<T>().map_err(|e| {
        let message = match e.kind() {
            std::num::IntErrorKind::PosOverflow => {
                format!("{what}: {digits} is more than this page can hold; choose a smaller number")
            }
            _ => format!("{what} must be a whole number, not “{text}”"),
        };
        (Some(what), message)
    })
}

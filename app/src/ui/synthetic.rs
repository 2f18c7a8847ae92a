//! Generated data for trying Studio at a chosen scale.

use leptos::prelude::*;
use studio_core::synthetic::Synthetic;
use studio_core::train::Task;
use wasm_bindgen::JsValue;

use super::session::Session;
use crate::protocol::Job;

#[component]
pub fn SyntheticForm(session: Session) -> impl IntoView {
    let rows = RwSignal::new("1000".to_owned());
    let features = RwSignal::new("10".to_owned());
    let task = RwSignal::new("classification".to_owned());
    let seed = RwSignal::new("42".to_owned());
    let error = RwSignal::new(None::<String>);
    let generate = move |_| {
        let number = |s: String, what: &str| {
            s.trim()
                .replace(['_', ','], "")
                .parse::<u64>()
                .map_err(|_| format!("{what} must be a whole number, not “{s}”"))
        };
        let spec = (|| {
            Ok::<_, String>(Synthetic {
                rows: number(rows.get_untracked(), "Rows")? as usize,
                features: number(features.get_untracked(), "Features")? as usize,
                task: if task.get_untracked() == "regression" {
                    Task::Regression
                } else {
                    Task::Classification
                },
                seed: number(seed.get_untracked(), "Seed")?,
            })
        })();
        match spec {
            Ok(spec) => {
                error.set(None);
                session.open(
                    Job::OpenSynthetic { spec },
                    JsValue::UNDEFINED,
                    spec.name(),
                    false,
                );
            }
            Err(e) => error.set(Some(e)),
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

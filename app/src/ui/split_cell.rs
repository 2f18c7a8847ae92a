//! The split cell: how many rows are held out for testing, and the seed that
//! picks them. Every train cell reading it uses the same rows.

use leptos::prelude::*;
use studio_core::notebook::{NotebookError, SplitCell as SplitSettings};

use super::params::sentence;
use super::session::Session;

#[component]
pub fn SplitCell(session: Session, id: u32) -> impl IntoView {
    let settings = move || {
        session
            .notebook
            .with(|nb| nb.split(id).cloned().unwrap_or_default())
    };
    // A setting the notebook would not reopen with is shown here and not kept.
    let refused = RwSignal::new(None::<String>);
    let keep = move |changed: SplitSettings| match changed.check() {
        Ok(()) => {
            refused.set(None);
            session
                .notebook
                .update(|nb| nb.update_split(id, move |s| *s = changed));
        }
        Err(NotebookError::Rejected { reason, .. }) => {
            refused.set(Some(format!("Test size {reason}")))
        }
        Err(other) => refused.set(Some(sentence(&other.to_string()))),
    };
    let on_test_size = move |ev: leptos::ev::Event| {
        if let Ok(value) = event_target_value(&ev).trim().parse::<f64>() {
            let mut changed = session
                .notebook
                .with_untracked(|nb| nb.split(id).cloned().unwrap_or_default());
            changed.test_size = value;
            keep(changed);
        }
    };
    // Read as a whole number, not through a float: every seed up to 2^64 − 1 is
    // kept exactly as typed.
    let seed_error = RwSignal::new(None::<String>);
    let on_seed = move |ev: leptos::ev::Event| {
        let text = event_target_value(&ev);
        match text.trim().parse::<u64>() {
            Ok(seed) => {
                seed_error.set(None);
                let mut changed = session
                    .notebook
                    .with_untracked(|nb| nb.split(id).cloned().unwrap_or_default());
                changed.seed = seed;
                keep(changed);
            }
            Err(_) => seed_error.set(Some(format!(
                "The seed must be a whole number from 0 to {}, not “{}”.",
                u64::MAX,
                text.trim()
            ))),
        }
    };
    view! {
        <section class="card cell" aria-label="Split">
            <h2>"Split"</h2>
            <div class="form">
                <label>
                    "Test size"
                    <input type="number" min="0.05" max="0.95" step="0.05"
                        prop:value=move || settings().test_size.to_string()
                        on:change=on_test_size />
                </label>
                <label>
                    "Seed"
                    <input type="text" inputmode="numeric" size="20"
                        aria-invalid=move || seed_error.with(Option::is_some).then_some("true")
                        prop:value=move || settings().seed.to_string()
                        on:change=on_seed />
                    <Show when=move || seed_error.with(Option::is_some)>
                        <span class="error" role="alert">{move || seed_error.get().unwrap_or_default()}</span>
                    </Show>
                </label>
            </div>
            {move || refused.get().map(|reason| view! { <p class="error" role="alert">{reason}</p> })}
        </section>
    }
}

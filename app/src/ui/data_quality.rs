//! The data-quality warnings of the open dataset, each with its columns and the
//! evidence, found in the worker when asked for; with the target a train cell
//! predicts, class balance and features that give it away too.

use leptos::prelude::*;
use studio_core::frame::quality::{Warning, WarningKind};

use super::client::{self, JobEvent};
use super::session::Session;
use crate::protocol::{Job, JobOutput};

#[derive(Debug, Clone, PartialEq)]
enum State {
    Idle,
    Working,
    Ready(Vec<Warning>),
    Failed(String),
}

/// A warning's kind as a heading.
fn title(kind: WarningKind) -> &'static str {
    match kind {
        WarningKind::Constant => "Constant column",
        WarningKind::NearConstant => "Nearly constant column",
        WarningKind::IdLike => "Looks like an identifier",
        WarningKind::HeavyMissing => "Many values missing",
        WarningKind::HighCardinality => "Many categories",
        WarningKind::Correlated => "Strongly correlated pair",
        WarningKind::Leakage => "Suspected target leakage",
        WarningKind::Imbalance => "Imbalanced classes",
        WarningKind::Outliers => "Outliers",
        WarningKind::Duplicates => "Duplicate rows",
        WarningKind::Spellings => "One value, several spellings",
    }
}

#[component]
pub fn DataQuality(session: Session, cell: u32) -> impl IntoView {
    let state = RwSignal::new(State::Idle);
    let target = move || {
        session.notebook.with(|nb| {
            nb.trains_of(cell)
                .into_iter()
                .find_map(|t| nb.train(t).and_then(|t| t.target.clone()))
        })
    };
    let check = move |_| {
        state.set(State::Working);
        let job = Job::Quality {
            cell,
            target: target(),
        };
        client::start(job, move |event| match event {
            JobEvent::Done(JobOutput::Warnings(warnings)) => state.set(State::Ready(warnings)),
            JobEvent::Failed(error) => state.set(State::Failed(error.message)),
            JobEvent::Cancelled => state.set(State::Idle),
            _ => {}
        });
    };
    let button = move || {
        view! { <button on:click=check>"Check data quality"</button> }
    };
    view! {
        <section class="data-quality" aria-label="Data quality">
            <h3>"Data quality"</h3>
            {move || match state.get() {
                State::Idle => button().into_any(),
                State::Working => view! { <p role="status">"Checking the data…"</p> }.into_any(),
                State::Failed(why) => view! {
                    <p class="error" role="alert">{format!("The data could not be checked: {why}")}</p>
                    {button()}
                }
                .into_any(),
                State::Ready(warnings) if warnings.is_empty() => view! {
                    <p class="ok">"Nothing to warn of: no constant, duplicated, leaking or badly spelled columns, and no rows repeated."</p>
                    {button()}
                }
                .into_any(),
                State::Ready(warnings) => view! {
                    <p>{format!(
                        "{} to look at{}:",
                        if warnings.len() == 1 { "1 thing".to_owned() } else { format!("{} things", warnings.len()) },
                        target().map_or(String::new(), |t| format!(", with {t} as the target"))
                    )}</p>
                    <ul class="warnings">
                        {warnings
                            .into_iter()
                            .map(|w| {
                                let columns = w.columns.join(", ");
                                view! {
                                    <li aria-label=format!("{}{}", title(w.kind), if columns.is_empty() { String::new() } else { format!(": {columns}") })>
                                        <strong>{title(w.kind)}</strong>
                                        {(!columns.is_empty()).then(|| view! { <span class="columns">{format!(" · {columns}")}</span> })}
                                        <p class="evidence">{w.evidence}</p>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                    {button()}
                }
                .into_any(),
            }}
        </section>
    }
}

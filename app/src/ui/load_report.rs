//! The load report: every row or value that was not read as written, counted, with
//! its first examples and what was done about it.

use leptos::prelude::*;
use studio_core::ingest::{Policy, Problem};

fn policy(policy: Policy) -> &'static str {
    match policy {
        Policy::SkipRow => "row skipped",
        Policy::SetMissing => "set to missing",
        Policy::Renamed => "renamed",
        Policy::Ignored => "extra fields dropped",
        Policy::Replaced => "read as Windows-1252",
    }
}

#[component]
pub fn LoadReport(problems: Vec<Problem>) -> impl IntoView {
    let clean = problems.is_empty();
    view! {
        <section class="load-report" aria-label="Load report">
            <h3>"Load report"</h3>
            {clean.then(|| view! { <p class="ok">"Every row and value was read as written."</p> })}
            <ul>
                {problems
                    .into_iter()
                    .map(|p| {
                        let examples = p
                            .examples
                            .iter()
                            .map(|e| {
                                let column = e.column.as_deref().map(|c| format!(", column {c}")).unwrap_or_default();
                                format!("row {} (line {}){column}: “{}”", e.row, e.line, e.value)
                            })
                            .collect::<Vec<_>>();
                        let count = p.count;
                        view! {
                            <li>
                                <strong>{format!("{count} × ")}</strong>
                                {p.message.clone()}
                                <span class="policy">{format!(" [{}]", policy(p.policy))}</span>
                                <ul class="examples" aria-label="Examples">
                                    {examples.into_iter().map(|e| view! { <li>{e}</li> }).collect_view()}
                                </ul>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}

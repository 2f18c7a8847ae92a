//! "Try the model": a form made from the columns a finished train cell's model
//! reads (numbers with their training range, categories as a choice, any left
//! blank for missing), and the model's answer, asked again of the worker as the
//! person types: the prediction, and a bar per class's probability. "Fill from
//! row" takes a row of the data as the table numbers it.

use leptos::prelude::*;
use studio_core::frame::view::TableView;
use studio_core::try_model::{Answer, Field, FieldKind, shown};

use super::after_run::finished_view;
use super::client::{self, JobEvent};
use super::params::sentence;
use super::session::{DatasetState, Session};
use crate::protocol::{Job, JobOutput};

/// Each field's starting text: the training median or most frequent level.
fn starting(fields: &[Field]) -> Vec<(String, String)> {
    fields
        .iter()
        .map(|f| {
            let value = match &f.kind {
                FieldKind::Number { median, .. } => median.map(shown).unwrap_or_default(),
                FieldKind::Category { mode, .. } => mode.clone().unwrap_or_default(),
            };
            (f.name.clone(), value)
        })
        .collect()
}

#[component]
pub fn TryModel(session: Session, cell: u32) -> impl IntoView {
    let always = Memo::new(|_| Some(()));
    let form = finished_view(
        session,
        cell,
        always,
        |notebook, cell, ()| Job::Form { notebook, cell },
        |output| match output {
            JobOutput::Form(fields) => Some(fields),
            _ => None,
        },
    );
    let values = RwSignal::new(Vec::<(String, String)>::new());
    // The last answer stays shown until the next comes, so typing never flickers.
    let answer = RwSignal::new(None::<Result<Answer, (Option<String>, String)>>);
    Effect::new(move |_| {
        if let Some(Ok(fields)) = form.get() {
            values.set(starting(&fields));
        } else {
            answer.set(None);
        }
    });
    Effect::new(move |_| {
        let row = values.get();
        if row.is_empty() || !form.with_untracked(|f| matches!(f, Some(Ok(_)))) {
            return;
        }
        let notebook = Box::new(session.notebook.get_untracked());
        client::start(
            Job::TryRow {
                notebook,
                cell,
                values: row,
            },
            move |event| match event {
                JobEvent::Done(JobOutput::Answer(a)) => answer.set(Some(Ok(a))),
                JobEvent::Failed(error) => {
                    answer.set(Some(Err((error.column, sentence(&error.message)))))
                }
                _ => {}
            },
        );
    });
    let set = move |name: String, text: String| {
        values.update(|row| {
            if let Some(slot) = row.iter_mut().find(|(n, _)| *n == name) {
                slot.1 = text;
            }
        });
    };
    let value_of = move |name: &str| {
        values.with(|row| {
            row.iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        })
    };
    let field = move |f: Field| {
        let name = f.name.clone();
        let wrong = {
            let name = name.clone();
            move || matches!(answer.get(), Some(Err((Some(column), _))) if column == name)
        };
        let input = match f.kind {
            FieldKind::Number { min, max, .. } => {
                let range = match (min, max) {
                    (Some(lo), Some(hi)) => format!("trained on {} to {}", shown(lo), shown(hi)),
                    _ => "no training values".to_owned(),
                };
                let (read, write) = (name.clone(), name.clone());
                view! {
                    <input type="text" inputmode="decimal" placeholder="blank: missing"
                        aria-invalid=move || wrong().then_some("true")
                        prop:value=move || value_of(&read)
                        on:input=move |ev| set(write.clone(), event_target_value(&ev)) />
                    <span class="hint">{range}</span>
                }
                .into_any()
            }
            FieldKind::Category { levels, .. } => {
                let (read, write) = (name.clone(), name.clone());
                view! {
                    <select prop:value=move || value_of(&read)
                        on:change=move |ev| set(write.clone(), event_target_value(&ev))>
                        <option value="">"(missing)"</option>
                        {levels
                            .into_iter()
                            .map(|l| view! { <option value=l.clone()>{l.clone()}</option> })
                            .collect_view()}
                    </select>
                }
                .into_any()
            }
        };
        view! {
            <label class="field">
                <span>{name}</span>
                {input}
            </label>
        }
    };
    // "Fill from row": the values of a row as the data table numbers it (in file order).
    let row_number = RwSignal::new(String::from("1"));
    let fill_error = RwSignal::new(None::<String>);
    let fill = move |_| {
        let Some(data) = session.data_of(cell) else {
            return;
        };
        let Some(start) = row_number
            .get_untracked()
            .trim()
            .parse::<usize>()
            .ok()
            .filter(|&n| n >= 1)
        else {
            fill_error.set(Some(
                "Give the row's number as the data table shows it, from 1.".into(),
            ));
            return;
        };
        let names: Vec<String> = match session.dataset(data) {
            DatasetState::Ready(summary) => {
                summary.columns.iter().map(|c| c.name.clone()).collect()
            }
            _ => return,
        };
        let job = Job::Rows {
            cell: data,
            view: TableView::default(),
            start: start - 1,
            count: 1,
        };
        client::start(job, move |event| match event {
            JobEvent::Done(JobOutput::Rows(window)) => match window.rows.first() {
                Some((_, cells)) => {
                    fill_error.set(None);
                    values.update(|row| {
                        for (name, value) in row.iter_mut() {
                            if let Some(i) = names.iter().position(|n| n == name) {
                                *value = cells.get(i).cloned().flatten().unwrap_or_default();
                            }
                        }
                    });
                }
                None => fill_error.set(Some(format!(
                    "There is no row {start}: the data have {} rows.",
                    window.total
                ))),
            },
            JobEvent::Failed(error) => fill_error.set(Some(sentence(&error.message))),
            _ => {}
        });
    };
    let result = move || {
        answer.get().map(|answer| match answer {
            Ok(Answer::Class {
                label,
                classes,
                probabilities,
            }) => view! {
                <p class="prediction" aria-label="Prediction">{label}</p>
                <ul class="probabilities" aria-label="Probabilities">
                    {classes
                        .into_iter()
                        .zip(probabilities)
                        .map(|(class, p)| {
                            let percent = format!("{:.1} %", 100.0 * p);
                            let label = format!("{class}: {percent}");
                            view! {
                                <li aria-label=label>
                                    <span class="class">{class}</span>
                                    // Drawn, not styled: the page's CSP allows no inline styles.
                                    <svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">
                                        <rect width=format!("{:.2}", 100.0 * p) height="10"></rect>
                                    </svg>
                                    <span class="share">{percent}</span>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            }
            .into_any(),
            Ok(Answer::Value { value }) => {
                view! { <p class="prediction" aria-label="Prediction">{shown(value)}</p> }
                    .into_any()
            }
            Ok(Answer::Cluster { cluster, .. }) => view! {
                <p class="prediction" aria-label="Prediction">{format!("cluster {cluster}")}</p>
            }
            .into_any(),
            Ok(Answer::Components { coordinates }) => view! {
                <p class="prediction" aria-label="Prediction">
                    {coordinates.iter().map(|x| shown(*x)).collect::<Vec<_>>().join(", ")}
                </p>
            }
            .into_any(),
            Err((_, why)) => view! { <p class="error" role="alert">{why}</p> }.into_any(),
        })
    };
    move || {
        form.get().map(|fields| match fields {
            Ok(fields) => view! {
                <section class="try-model" aria-label="Try the model">
                    <h3>"Try the model"</h3>
                    <p class="hint">"Change a value and the model answers at once; leave one blank and it is read as missing."</p>
                    <div class="controls">
                        <label>
                            "Row"
                            <input type="text" inputmode="numeric" size="6"
                                prop:value=move || row_number.get()
                                on:input=move |ev| row_number.set(event_target_value(&ev)) />
                        </label>
                        <button on:click=fill>"Fill from row"</button>
                        {move || fill_error.get().map(|why| view! { <span class="error" role="alert">{why}</span> })}
                    </div>
                    <div class="form">{fields.into_iter().map(field).collect_view()}</div>
                    <div aria-live="polite">{result}</div>
                </section>
            }
            .into_any(),
            Err(why) => view! { <p class="error" role="alert">{why}</p> }.into_any(),
        })
    }
}

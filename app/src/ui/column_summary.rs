//! The column summary: each column's count, missing values, moments, quartiles,
//! distinct and most common values, computed in the worker when asked for, in a
//! table sorted by any of its headers.

use std::cmp::Ordering;

use leptos::prelude::*;
use studio_core::frame::format_number;
use studio_core::frame::statistics::Statistics;

use super::client::{self, JobEvent};
use crate::protocol::{Job, JobOutput};

#[derive(Debug, Clone, PartialEq)]
enum State {
    Idle,
    Working,
    Ready(Vec<(String, Statistics)>),
    Failed(String),
}

/// What a header sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Key {
    Column,
    Count,
    Missing,
    Mean,
    Std,
    Min,
    Q1,
    Median,
    Q3,
    Max,
    Unique,
    Skew,
    Kurtosis,
}

const HEADERS: [(Key, &str); 13] = [
    (Key::Column, "Column"),
    (Key::Count, "Count"),
    (Key::Missing, "Missing"),
    (Key::Mean, "Mean"),
    (Key::Std, "Std"),
    (Key::Min, "Min"),
    (Key::Q1, "Q1"),
    (Key::Median, "Median"),
    (Key::Q3, "Q3"),
    (Key::Max, "Max"),
    (Key::Unique, "Unique"),
    (Key::Skew, "Skewness"),
    (Key::Kurtosis, "Kurtosis"),
];

impl Key {
    fn number(self, s: &Statistics) -> Option<f64> {
        match self {
            Key::Column => None,
            Key::Count => Some(s.count as f64),
            Key::Missing => Some(s.missing as f64),
            Key::Unique => Some(s.unique as f64),
            Key::Mean => s.mean,
            Key::Std => s.std,
            Key::Min => s.min,
            Key::Q1 => s.q1,
            Key::Median => s.median,
            Key::Q3 => s.q3,
            Key::Max => s.max,
            Key::Skew => s.skew,
            Key::Kurtosis => s.kurtosis,
        }
    }

    /// Rows in this key's order; columns without a value come last either way.
    fn order(
        self,
        a: &(String, Statistics),
        b: &(String, Statistics),
        ascending: bool,
    ) -> Ordering {
        let flip = |o: Ordering| if ascending { o } else { o.reverse() };
        if self == Key::Column {
            return flip(a.0.to_lowercase().cmp(&b.0.to_lowercase()));
        }
        match (self.number(&a.1), self.number(&b.1)) {
            (Some(x), Some(y)) => flip(x.total_cmp(&y)),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        }
    }
}

/// A figure to four decimals, as people read them; a dash where there is none.
fn figure(x: Option<f64>) -> String {
    x.map_or_else(
        || "–".to_owned(),
        |x| format_number((x * 1e4).round() / 1e4),
    )
}

#[component]
pub fn ColumnSummary(cell: u32) -> impl IntoView {
    let state = RwSignal::new(State::Idle);
    // In file order until a header is chosen.
    let sort = RwSignal::new(None::<(Key, bool)>);
    let summarise = move |_| {
        state.set(State::Working);
        client::start(Job::Statistics { cell }, move |event| match event {
            JobEvent::Done(JobOutput::Statistics(columns)) => state.set(State::Ready(columns)),
            JobEvent::Failed(error) => state.set(State::Failed(error.message)),
            JobEvent::Cancelled => state.set(State::Idle),
            _ => {}
        });
    };
    let choose = move |key: Key| {
        sort.update(|s| {
            *s = match *s {
                Some((k, ascending)) if k == key => Some((key, !ascending)),
                // Names read A to Z first; figures largest first.
                _ => Some((key, key == Key::Column)),
            }
        });
    };
    let rows = move || {
        let State::Ready(mut columns) = state.get() else {
            return Vec::new();
        };
        if let Some((key, ascending)) = sort.get() {
            columns.sort_by(|a, b| key.order(a, b, ascending));
        }
        columns
    };
    let header = move |(key, label): (Key, &'static str)| {
        let aria = move || match sort.get() {
            Some((k, true)) if k == key => "ascending",
            Some((k, false)) if k == key => "descending",
            _ => "none",
        };
        view! {
            <th scope="col" aria-sort=aria>
                <button class="sort" on:click=move |_| choose(key)>{label}</button>
            </th>
        }
    };
    view! {
        <section class="column-summary" aria-label="Column summary">
            <h3>"Column summary"</h3>
            {move || match state.get() {
                State::Idle => view! {
                    <button on:click=summarise>"Summarise columns"</button>
                }
                .into_any(),
                State::Working => view! {
                    <p role="status">"Summarising the columns…"</p>
                }
                .into_any(),
                State::Failed(why) => view! {
                    <p class="error" role="alert">{format!("The columns could not be summarised: {why}")}</p>
                    <button on:click=summarise>"Summarise columns"</button>
                }
                .into_any(),
                State::Ready(_) => view! {
                    <div class="table-scroll">
                        <table class="results summary">
                            <caption>
                                "Each column's values, missing ones left out: the standard deviation of a sample, quartiles interpolated between values. Choose a header to sort by it."
                            </caption>
                            <thead>
                                <tr>
                                    {HEADERS.into_iter().map(header).collect_view()}
                                    <th scope="col">"Most common"</th>
                                </tr>
                            </thead>
                            <tbody>
                                <For each=rows key=|(name, s)| (name.clone(), s.count, s.unique) let((name, s))>
                                    <tr>
                                        <th scope="row">{name}</th>
                                        <td>{s.count}</td>
                                        <td>{s.missing}</td>
                                        <td>{figure(s.mean)}</td>
                                        <td>{figure(s.std)}</td>
                                        <td>{figure(s.min)}</td>
                                        <td>{figure(s.q1)}</td>
                                        <td>{figure(s.median)}</td>
                                        <td>{figure(s.q3)}</td>
                                        <td>{figure(s.max)}</td>
                                        <td>{s.unique}</td>
                                        <td>{figure(s.skew)}</td>
                                        <td>{figure(s.kurtosis)}</td>
                                        <td>
                                            {s.top
                                                .iter()
                                                .take(3)
                                                .map(|t| format!("{} ({})", t.value, t.count))
                                                .collect::<Vec<_>>()
                                                .join(", ")}
                                        </td>
                                    </tr>
                                </For>
                            </tbody>
                        </table>
                    </div>
                }
                .into_any(),
            }}
        </section>
    }
}

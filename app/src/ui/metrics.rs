use leptos::prelude::*;
use studio_core::train::{Metrics, Task};

use super::variance_chart::VarianceChart;
use crate::protocol::TrainSummary;

/// Test metrics, and which device trained the model.
#[component]
pub fn MetricsView(summary: TrainSummary) -> impl IntoView {
    let rows = match summary.task {
        Task::Clustering | Task::Decomposition => format!("{} rows", summary.n_train),
        _ => format!(
            "trained on {} rows, tested on {}",
            summary.n_train, summary.n_test
        ),
    };
    let steps = match summary.loss_curve.len() {
        0 => String::new(),
        n => format!(" · {} iterations", n - 1),
    };
    let facts = format!(
        "{} · {rows}{steps}{}",
        summary.model,
        if summary.converged {
            ""
        } else {
            " (stopped before converging)"
        }
    );
    let body = match summary.metrics {
        Metrics::Classification(m) => {
            let classes = summary.classes.clone();
            view! {
                <dl class="facts">
                    <dt>"Accuracy"</dt>
                    <dd aria-label="Accuracy">{format!("{:.4}", m.accuracy)}</dd>
                    <dt>"Macro F1"</dt>
                    <dd aria-label="Macro F1">{format!("{:.4}", m.f1_macro)}</dd>
                </dl>
                <table class="results confusion" aria-label="Confusion matrix">
                    <caption>"Confusion matrix: rows are true classes, columns predicted"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"true \\ predicted"</th>
                            {classes.iter().map(|c| view! { <th scope="col">{c.clone()}</th> }).collect_view()}
                        </tr>
                    </thead>
                    <tbody>
                        {m.confusion
                            .into_iter()
                            .zip(classes)
                            .map(|(row, class)| view! {
                                <tr>
                                    <th scope="row">{class}</th>
                                    {row.into_iter().map(|n| view! { <td>{n}</td> }).collect_view()}
                                </tr>
                            })
                            .collect_view()}
                    </tbody>
                </table>
            }
            .into_any()
        }
        Metrics::Regression(m) => view! {
            <dl class="facts">
                <dt>"RMSE"</dt>
                <dd aria-label="RMSE">{format!("{:.4}", m.rmse)}</dd>
                <dt>"MAE"</dt>
                <dd aria-label="MAE">{format!("{:.4}", m.mae)}</dd>
                <dt>"R²"</dt>
                <dd aria-label="R²">{format!("{:.4}", m.r2)}</dd>
            </dl>
        }
        .into_any(),
        Metrics::Clustering(m) => view! {
            <dl class="facts">
                <dt>"Inertia"</dt>
                <dd aria-label="Inertia">{format!("{:.4}", m.inertia)}</dd>
                <dt>"Silhouette"</dt>
                <dd aria-label="Silhouette">
                    {m.silhouette.map_or_else(|| "none (one cluster)".to_owned(), |s| format!("{s:.4}"))}
                </dd>
            </dl>
            <table class="results" aria-label="Cluster sizes">
                <caption>"Rows in each cluster"</caption>
                <thead>
                    <tr><th scope="col">"Cluster"</th><th scope="col">"Rows"</th></tr>
                </thead>
                <tbody>
                    {m.sizes
                        .into_iter()
                        .enumerate()
                        .map(|(c, n)| view! { <tr><th scope="row">{c}</th><td>{n}</td></tr> })
                        .collect_view()}
                </tbody>
            </table>
        }
        .into_any(),
        Metrics::Decomposition(m) => {
            let total: f64 = m.explained_variance_ratio.iter().sum();
            view! {
                <dl class="facts">
                    <dt>"Components"</dt>
                    <dd aria-label="Components">{m.explained_variance_ratio.len()}</dd>
                    <dt>"Variance explained"</dt>
                    <dd aria-label="Variance explained">{format!("{:.1} %", 100.0 * total)}</dd>
                </dl>
                <VarianceChart variance=m.explained_variance ratio=m.explained_variance_ratio />
            }
            .into_any()
        }
    };
    let model_facts = (!summary.facts.is_empty()).then(|| {
        view! {
            <dl class="facts" aria-label="Model facts">
                {summary
                    .facts
                    .into_iter()
                    .map(|fact| {
                        let label = fact.label.clone();
                        view! {
                            <dt>{fact.label}</dt>
                            <dd aria-label=label>{format!("{:.4}", fact.value)}</dd>
                        }
                    })
                    .collect_view()}
            </dl>
        }
    });
    let heading = match summary.task {
        Task::Clustering => "Clustering metrics",
        Task::Decomposition => "Explained variance",
        _ => "Test metrics",
    };
    view! {
        <section class="metrics" aria-label="Metrics">
            <h3>{heading}</h3>
            <p>{facts}</p>
            <p class="device-note">{format!("Device: {}", summary.device)}</p>
            {body}
            {model_facts}
        </section>
    }
}

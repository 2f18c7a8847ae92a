use leptos::prelude::*;
use studio_core::train::Metrics;

use crate::protocol::TrainSummary;

/// Test metrics, and which device trained the model.
#[component]
pub fn MetricsView(summary: TrainSummary) -> impl IntoView {
    let facts = format!(
        "{} · trained on {} rows, tested on {} · {} iterations{}",
        summary.model,
        summary.n_train,
        summary.n_test,
        summary.loss_curve.len().saturating_sub(1),
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
    };
    view! {
        <section class="metrics" aria-label="Metrics">
            <h3>"Test metrics"</h3>
            <p>{facts}</p>
            <p class="device-note">{format!("Device: {}", summary.device)}</p>
            {body}
        </section>
    }
}

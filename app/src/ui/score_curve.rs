use leptos::prelude::*;

use super::loss_curve::{plot, polyline, span};
use crate::protocol::NamedCurve;
use crate::text::capitalized;

/// A score on held-out rows after each step (the MLP's validation accuracy, a
/// forest's out-of-bag score), as an SVG line; `unit` names a step.
#[component]
pub fn ScoreCurve(curve: NamedCurve, unit: String) -> impl IntoView {
    let values: Vec<f64> = curve
        .values
        .iter()
        .copied()
        .filter(|v| v.is_finite())
        .collect();
    let name = capitalized(&curve.name);
    let best = values.iter().copied().reduce(f64::max);
    let label = match (values.first(), values.last(), best) {
        (Some(first), Some(last), Some(best)) => format!(
            "{name}: from {first:.4} to {last:.4} (best {best:.4}) over {} {unit}s",
            values.len()
        ),
        _ => format!("{name}: not measured yet"),
    };
    let line = view! {
        <polyline points=polyline(&values, span(values.iter()), values.len()) class="plot-line score" fill="none"></polyline>
    };
    view! {
        <figure class="loss-curve score-curve">
            {plot(label.clone(), line)}
            <figcaption>{label}</figcaption>
        </figure>
    }
}

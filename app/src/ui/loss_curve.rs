use leptos::prelude::*;

const WIDTH: f64 = 480.0;
const HEIGHT: f64 = 160.0;
const PAD: f64 = 8.0;

/// The objective per iteration, as an SVG line (canvas screenshots come out blank
/// headless, and SVG scales crisply).
#[component]
pub fn LossCurve(values: Vec<f64>) -> impl IntoView {
    let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    let (lo, hi) = finite
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(*v), hi.max(*v))
        });
    let span = if hi > lo { hi - lo } else { 1.0 };
    let steps = finite.len().saturating_sub(1).max(1) as f64;
    let points: String = finite
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let x = PAD + (WIDTH - 2.0 * PAD) * i as f64 / steps;
            let y = PAD + (HEIGHT - 2.0 * PAD) * (1.0 - (v - lo) / span);
            format!("{x:.1},{y:.1}")
        })
        .collect::<Vec<_>>()
        .join(" ");
    let label = match (finite.first(), finite.last()) {
        (Some(first), Some(last)) => format!(
            "Loss curve: objective from {first:.4} to {last:.4} over {} iterations",
            finite.len() - 1
        ),
        _ => "Loss curve: no iterations yet".to_owned(),
    };
    view! {
        <figure class="loss-curve">
            <svg
                role="img"
                aria-label=label.clone()
                viewBox=format!("0 0 {WIDTH} {HEIGHT}")
                width=WIDTH.to_string()
                height=HEIGHT.to_string()
            >
                <rect x="0" y="0" width=WIDTH.to_string() height=HEIGHT.to_string() class="plot-bg"></rect>
                <polyline points=points class="plot-line" fill="none"></polyline>
            </svg>
            <figcaption>{label}</figcaption>
        </figure>
    }
}

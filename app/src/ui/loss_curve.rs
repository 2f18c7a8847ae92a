use leptos::prelude::*;

const WIDTH: f64 = 480.0;
const HEIGHT: f64 = 160.0;
const PAD: f64 = 8.0;

/// The objective per iteration, and beside it the loss on held-out rows where
/// the fit holds some out, as SVG lines on one scale (canvas screenshots come out
/// blank headless, and SVG scales crisply).
#[component]
pub fn LossCurve(values: Vec<f64>, #[prop(optional)] held_out: Vec<f64>) -> impl IntoView {
    let finite = |v: &[f64]| -> Vec<f64> { v.iter().copied().filter(|v| v.is_finite()).collect() };
    let (train, held_out) = (finite(&values), finite(&held_out));
    let range = span(train.iter().chain(&held_out));
    let steps = train.len().max(held_out.len());
    let label = match (train.first(), train.last()) {
        (Some(first), Some(last)) => {
            let validation = match (held_out.first(), held_out.last()) {
                (Some(a), Some(b)) => format!(", validation loss from {a:.4} to {b:.4},"),
                _ => String::new(),
            };
            format!(
                "Loss curve: objective from {first:.4} to {last:.4}{validation} over {} iterations",
                train.len() - 1
            )
        }
        _ => "Loss curve: no iterations yet".to_owned(),
    };
    let legend = (!held_out.is_empty()).then(|| {
        view! {
            <ul class="curve-legend" aria-label="Curves">
                <li><span class="swatch plot-line"></span>"training objective"</li>
                <li><span class="swatch plot-line held-out"></span>"validation loss"</li>
            </ul>
        }
    });
    let held_out_line = (!held_out.is_empty()).then(|| {
        view! {
            <polyline points=polyline(&held_out, range, steps) class="plot-line held-out" fill="none"></polyline>
        }
    });
    let lines = view! {
        <polyline points=polyline(&train, range, steps) class="plot-line" fill="none"></polyline>
        {held_out_line}
    };
    view! {
        <figure class="loss-curve">
            {plot(label.clone(), lines)}
            <figcaption>{label}</figcaption>
            {legend}
        </figure>
    }
}

/// The plot's frame, labelled for screen readers, around `lines`.
pub(super) fn plot(label: String, lines: impl IntoView) -> impl IntoView {
    view! {
        <svg
            role="img"
            aria-label=label
            viewBox=format!("0 0 {WIDTH} {HEIGHT}")
            width=WIDTH.to_string()
            height=HEIGHT.to_string()
        >
            <rect x="0" y="0" width=WIDTH.to_string() height=HEIGHT.to_string() class="plot-bg"></rect>
            {lines}
        </svg>
    }
}

/// The lowest and highest of `values`, a unit apart when they are one value.
pub(super) fn span<'a>(values: impl Iterator<Item = &'a f64>) -> (f64, f64) {
    let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(*v), hi.max(*v))
    });
    if hi > lo { (lo, hi) } else { (lo, lo + 1.0) }
}

/// SVG points for `values` over the plot, `steps` points wide, between `lo`
/// (the bottom) and `hi` (the top).
pub(super) fn polyline(values: &[f64], (lo, hi): (f64, f64), steps: usize) -> String {
    let across = steps.saturating_sub(1).max(1) as f64;
    values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let x = PAD + (WIDTH - 2.0 * PAD) * i as f64 / across;
            let y = PAD + (HEIGHT - 2.0 * PAD) * (1.0 - (v - lo) / (hi - lo));
            format!("{x:.1},{y:.1}")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

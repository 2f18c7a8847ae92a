//! A decomposition's explained variance: one bar per component (its share of
//! the total variance) and the running total as a line, as SVG, with the same
//! figures in a table beside it.

use leptos::prelude::*;

const WIDTH: f64 = 480.0;
const HEIGHT: f64 = 180.0;
const PAD: f64 = 28.0;
/// Room on the left for the axis labels.
const LEFT: f64 = 44.0;
/// The most bars drawn; the table lists every component.
const MAX_BARS: usize = 40;

fn percent(share: f64) -> String {
    format!("{:.1} %", 100.0 * share)
}

#[component]
pub fn VarianceChart(variance: Vec<f64>, ratio: Vec<f64>) -> impl IntoView {
    let k = ratio.len();
    let drawn = k.min(MAX_BARS);
    let slot = (WIDTH - LEFT - PAD) / drawn.max(1) as f64;
    let plot = HEIGHT - 2.0 * PAD;
    let cumulative: Vec<f64> = ratio
        .iter()
        .scan(0.0, |total, r| {
            *total += r;
            Some(*total)
        })
        .collect();
    let bars = ratio
        .iter()
        .take(drawn)
        .enumerate()
        .map(|(i, r)| {
            let h = plot * r.clamp(0.0, 1.0);
            view! {
                <rect
                    x=format!("{:.1}", LEFT + i as f64 * slot + slot * 0.15)
                    y=format!("{:.1}", PAD + plot - h)
                    width=format!("{:.1}", slot * 0.7)
                    height=format!("{h:.1}")
                    class="variance-bar"
                />
            }
        })
        .collect_view();
    let line: String = cumulative
        .iter()
        .take(drawn)
        .enumerate()
        .map(|(i, c)| {
            let x = LEFT + (i as f64 + 0.5) * slot;
            let y = PAD + plot * (1.0 - c.clamp(0.0, 1.0));
            format!("{x:.1},{y:.1}")
        })
        .collect::<Vec<_>>()
        .join(" ");
    let shares: Vec<String> = ratio
        .iter()
        .take(drawn)
        .enumerate()
        .map(|(i, r)| format!("component {} {}", i + 1, percent(*r)))
        .collect();
    let total = cumulative.last().copied().unwrap_or(0.0);
    let label = format!(
        "Explained variance of {k} components: {}{}; together {}",
        shares.join(", "),
        if k > drawn { ", …" } else { "" },
        percent(total)
    );
    let rows = variance
        .iter()
        .zip(&ratio)
        .zip(&cumulative)
        .enumerate()
        .map(|(i, ((v, r), c))| {
            view! {
                <tr>
                    <th scope="row">{i + 1}</th>
                    <td>{format!("{v:.4}")}</td>
                    <td>{percent(*r)}</td>
                    <td>{percent(*c)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <figure class="variance-chart">
            <svg role="img" aria-label=label viewBox=format!("0 0 {WIDTH} {HEIGHT}") width=WIDTH height=HEIGHT>
                <rect x="0" y="0" width=WIDTH height=HEIGHT class="plot-bg" />
                <line x1=LEFT y1=PAD + plot x2=WIDTH - PAD y2=PAD + plot stroke="#888" />
                {bars}
                <polyline points=line class="plot-line" fill="none" />
                <text x=LEFT - 4.0 y=PAD + 4.0 font-size="10" text-anchor="end">"100 %"</text>
                <text x=LEFT - 4.0 y=PAD + plot font-size="10" text-anchor="end">"0"</text>
                <text x=(LEFT + WIDTH - PAD) / 2.0 y=HEIGHT - 6.0 font-size="11" text-anchor="middle">
                    {format!("Components 1–{drawn}: bars each one's share, the line the running total")}
                </text>
            </svg>
            <table class="results" aria-label="Explained variance by component">
                <thead>
                    <tr>
                        <th scope="col">"Component"</th>
                        <th scope="col">"Variance"</th>
                        <th scope="col">"Share"</th>
                        <th scope="col">"Cumulative"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </figure>
    }
}

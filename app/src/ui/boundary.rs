//! The decision-boundary view of a classifier's train cell: the person picks
//! two number columns (the first two features until then), and the view draws
//! the predicted class over a grid as SVG with the test rows on top, redrawn
//! from the model as it stands while it trains.

use leptos::prelude::*;
use studio_core::boundary::{Boundary, BoundarySpec};
use studio_core::frame::{ColumnType, Role};
use studio_core::train::Task;

use super::after_run::finished_view;
use super::session::{DatasetState, Session, TrainState};
use crate::protocol::{Job, JobOutput};

const SIZE: f64 = 320.0;
const PAD: f64 = 52.0;
/// Cells along each axis: 60 × 60 predictions per redraw.
pub const RESOLUTION: usize = 60;
/// One colour per class, repeating past eight.
pub(super) const PALETTE: [&str; 8] = [
    "#4269d0", "#efb118", "#ff725c", "#6cc5b0", "#3ca951", "#ff8ab7", "#a463f2", "#97bbf5",
];

/// The number feature columns of train cell `cell`'s data, target left out.
fn candidates(session: Session, cell: u32) -> Vec<String> {
    let target = session
        .notebook
        .with(|nb| nb.train(cell).and_then(|t| t.target.clone()));
    let Some(DatasetState::Ready(summary)) = session.data_of(cell).map(|d| session.dataset(d))
    else {
        return Vec::new();
    };
    summary
        .columns
        .iter()
        .filter(|c| matches!(c.kind, ColumnType::Integer | ColumnType::Float))
        .filter(|c| c.role == Role::Feature && Some(&c.name) != target.as_ref())
        .map(|c| c.name.clone())
        .collect()
}

/// The boundary train cell `cell` draws: its classifier over the two columns
/// the person chose, or the first two; `None` where there is none to draw.
pub fn spec(session: Session, cell: u32) -> Option<BoundarySpec> {
    let classifies = session.notebook.with(|nb| {
        nb.train(cell)
            .is_some_and(|t| t.task == Some(Task::Classification))
    });
    if !classifies {
        return None;
    }
    let columns = candidates(session, cell);
    let chosen = session
        .boundary_axes
        .with(|all| all.get(&cell).cloned())
        .filter(|(x, y)| columns.contains(x) && columns.contains(y) && x != y);
    let (x, y) = match chosen {
        Some(pair) => pair,
        None => (columns.first()?.clone(), columns.get(1)?.clone()),
    };
    Some(BoundarySpec {
        x,
        y,
        resolution: RESOLUTION,
    })
}

/// The view under a classifier's train cell.
#[component]
pub fn BoundaryView(session: Session, cell: u32) -> impl IntoView {
    // A memo, so that a run's progress, many times a second, derives it not again.
    let wanted = Memo::new(move |_| spec(session, cell));
    // The finished model's boundary, asked for whenever the model or the
    // columns change.
    let finished = finished_view(
        session,
        cell,
        wanted,
        |notebook, cell, spec| Job::Boundary {
            notebook,
            cell,
            spec,
        },
        |output| match output {
            JobOutput::Boundary(boundary) => Some(boundary),
            _ => None,
        },
    );
    let choose = move |axis: usize, name: String| {
        let Some(current) = wanted.get_untracked() else {
            return;
        };
        let pair = match axis {
            0 => (name, current.y),
            _ => (current.x, name),
        };
        session.boundary_axes.update(|all| {
            all.insert(cell, pair);
        });
    };
    let select = move |axis: usize, label: &'static str| {
        view! {
            <label>
                {label}
                <select
                    on:change=move |ev| choose(axis, event_target_value(&ev))
                    prop:value=move || {
                        wanted
                            .get()
                            .map(|s| if axis == 0 { s.x } else { s.y })
                            .unwrap_or_default()
                    }
                >
                    {move || {
                        candidates(session, cell)
                            .into_iter()
                            .map(|c| view! { <option value=c.clone()>{c.clone()}</option> })
                            .collect_view()
                    }}
                </select>
            </label>
        }
    };
    // What to draw, compared before drawing: progress many times a second
    // redraws nothing until the boundary itself changes.
    let drawing = Memo::new(move |_| match session.train_state(cell) {
        TrainState::Running(live) => live
            .boundary
            .clone()
            .map(|(b, done)| Ok((b, format!(" at {} {done}", live.unit_name())))),
        TrainState::Done { .. } => finished.get().map(|r| r.map(|b| (b, String::new()))),
        _ => None,
    });
    let shown = move || {
        drawing.get().map(|drawn| match drawn {
            Ok((b, at)) => view! { <BoundaryChart boundary=*b at=at /> }.into_any(),
            Err(why) => view! { <p class="error" role="alert">{why}</p> }.into_any(),
        })
    };
    view! {
        <Show when=move || wanted.with(Option::is_some)>
            <section class="boundary" aria-label="Decision boundary">
                <h3>"Decision boundary"</h3>
                <div class="form">
                    {select(0, "Horizontal feature")}
                    {select(1, "Vertical feature")}
                </div>
                <small class="help">
                    "The class the model predicts over two columns, the others held at their \
                     training medians (or most frequent category); circles are the test rows in \
                     their true class, ringed in black where the model is wrong."
                </small>
                {shown}
            </section>
        </Show>
    }
}

/// One boundary as SVG: the grid's cells in runs of one class and shade per
/// row, then the test rows.
#[component]
fn BoundaryChart(boundary: Boundary, at: String) -> impl IntoView {
    let n = boundary.resolution.max(1);
    let cell = SIZE / n as f64;
    let k = boundary.classes.len().max(1) as f32;
    // Three shades from the least confident a class can be to certain.
    let shade = |p: f32| -> u8 {
        let share = ((p - 1.0 / k) / (1.0 - 1.0 / k)).clamp(0.0, 1.0);
        (share * 2.99) as u8
    };
    let mut rects = Vec::new();
    for row in 0..n {
        let mut start = 0;
        while start < n {
            let at = row * n + start;
            let key = (boundary.cells[at], shade(boundary.confidence[at]));
            let mut end = start + 1;
            while end < n
                && (
                    boundary.cells[row * n + end],
                    shade(boundary.confidence[row * n + end]),
                ) == key
            {
                end += 1;
            }
            // The lowest y is the bottom row of the picture.
            let y = PAD + SIZE - (row + 1) as f64 * cell;
            rects.push(view! {
                <rect
                    x=format!("{:.2}", PAD + start as f64 * cell)
                    y=format!("{y:.2}")
                    width=format!("{:.2}", (end - start) as f64 * cell)
                    height=format!("{:.2}", cell)
                    fill=PALETTE[key.0 as usize % PALETTE.len()]
                    fill-opacity=format!("{:.2}", 0.2 + 0.2 * f32::from(key.1))
                />
            });
            start = end;
        }
    }
    let (x, y) = (&boundary.x, &boundary.y);
    let px = |v: f64| PAD + SIZE * (v - x.min) / (x.max - x.min);
    let py = |v: f64| PAD + SIZE - SIZE * (v - y.min) / (y.max - y.min);
    let wrong = boundary
        .points
        .iter()
        .filter(|p| p.class != p.predicted)
        .count();
    let points = boundary
        .points
        .iter()
        .map(|p| {
            let right = p.class == p.predicted;
            view! {
                <circle
                    cx=format!("{:.1}", px(p.x))
                    cy=format!("{:.1}", py(p.y))
                    r="3.5"
                    fill=PALETTE[p.class as usize % PALETTE.len()]
                    stroke=if right { "white" } else { "black" }
                    stroke-width=if right { "0.8" } else { "1.6" }
                />
            }
        })
        .collect_view();
    let shown = {
        let mut classes: Vec<u32> = boundary.cells.clone();
        classes.sort_unstable();
        classes.dedup();
        classes.len()
    };
    let label = format!(
        "Decision boundary over {} and {}{at}: {shown} of {} classes on the grid, {} test rows, \
         {wrong} of them misclassified",
        x.name,
        y.name,
        boundary.classes.len(),
        boundary.points.len()
    );
    let total = SIZE + 2.0 * PAD;
    let legend = palette_legend(&boundary.classes, false);
    view! {
        <figure class="boundary-chart">
            <svg role="img" aria-label=label viewBox=format!("0 0 {total} {total}") width=total height=total>
                <g shape-rendering="crispEdges">{rects}</g>
                <rect x=PAD y=PAD width=SIZE height=SIZE fill="none" stroke="#888" />
                {points}
                <text x=PAD + SIZE / 2.0 y=total - 6.0 text-anchor="middle" font-size="12">{x.name.clone()}</text>
                <text
                    x="12"
                    y=PAD + SIZE / 2.0
                    text-anchor="middle"
                    font-size="12"
                    transform=format!("rotate(-90 12 {})", PAD + SIZE / 2.0)
                >
                    {y.name.clone()}
                </text>
                <text x=PAD y=PAD + SIZE + 14.0 font-size="10">{tick(x.min)}</text>
                <text x=PAD + SIZE y=PAD + SIZE + 14.0 font-size="10" text-anchor="end">{tick(x.max)}</text>
                <text x=PAD - 4.0 y=PAD + SIZE font-size="10" text-anchor="end">{tick(y.min)}</text>
                <text x=PAD - 4.0 y=PAD + 8.0 font-size="10" text-anchor="end">{tick(y.max)}</text>
            </svg>
            <ul class="legend" aria-label="Classes">{legend}</ul>
        </figure>
    }
}

/// An axis end with as many decimals as its size needs: `231.4`, `4.37`, `0.052`.
fn tick(v: f64) -> String {
    match v.abs() {
        a if a >= 100.0 => format!("{v:.1}"),
        a if a >= 1.0 => format!("{v:.2}"),
        _ => format!("{v:.3}"),
    }
}

/// A legend entry per name in its palette colour: a dot for points, a square
/// for areas.
pub(super) fn palette_legend(names: &[String], dot: bool) -> impl IntoView + use<> {
    names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let fill = PALETTE[i % PALETTE.len()];
            let swatch = if dot {
                view! { <circle cx="6" cy="6" r="5" fill=fill /> }.into_any()
            } else {
                view! { <rect width="12" height="12" rx="2" fill=fill /> }.into_any()
            };
            view! {
                <li>
                    <svg class="swatch" width="12" height="12" aria-hidden="true">
                        {swatch}
                    </svg>
                    {name.clone()}
                </li>
            }
        })
        .collect_view()
}

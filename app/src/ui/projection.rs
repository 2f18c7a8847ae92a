//! The projection view of a decomposition's train cell: its rows along two
//! components (the first two until the person picks others) as SVG, coloured
//! by a column they choose: its categories, or its numbers as a shade.

use leptos::prelude::*;
use studio_core::frame::{ColumnType, Role};
use studio_core::projection::{Colour, Projection, ProjectionSpec};
use studio_core::train::{Metrics, Task};

use super::after_run::finished_view;
use super::boundary::{PALETTE, palette_legend};
use super::session::{DatasetState, Session, TrainState};
use crate::protocol::{Job, JobOutput};

const SIZE: f64 = 320.0;
const PAD: f64 = 52.0;
/// The colour of a point whose column misses a value.
const MISSING: &str = "#b0b0b0";

/// The columns of train cell `cell`'s data, and the one to colour by until the
/// person picks: the cell's target, a column marked as target, or the first
/// category column.
fn columns(session: Session, cell: u32) -> (Vec<String>, Option<String>) {
    let target = session
        .notebook
        .with(|nb| nb.train(cell).and_then(|t| t.target.clone()));
    let Some(DatasetState::Ready(summary)) = session.data_of(cell).map(|d| session.dataset(d))
    else {
        return (Vec::new(), None);
    };
    let names: Vec<String> = summary.columns.iter().map(|c| c.name.clone()).collect();
    let proposed = target.filter(|t| names.contains(t)).or_else(|| {
        let pick = |keep: &dyn Fn(&studio_core::frame::ColumnType, Role) -> bool| {
            summary
                .columns
                .iter()
                .find(|c| keep(&c.kind, c.role))
                .map(|c| c.name.clone())
        };
        pick(&|_, role| role == Role::Target).or_else(|| {
            pick(&|kind, _| matches!(kind, ColumnType::Categorical | ColumnType::Boolean))
        })
    });
    (names, proposed)
}

/// How many components train cell `cell`'s finished decomposition keeps.
fn kept(session: Session, cell: u32) -> Option<usize> {
    match session.train_state(cell) {
        TrainState::Done { summary, .. } if summary.task == Task::Decomposition => {
            match summary.metrics {
                Metrics::Decomposition(m) => Some(m.explained_variance_ratio.len()),
                _ => None,
            }
        }
        _ => None,
    }
}

/// What train cell `cell` draws: the person's choice, or the first two
/// components coloured as [`columns`] proposes; `None` without a finished
/// decomposition of two components or more.
pub fn spec(session: Session, cell: u32) -> Option<ProjectionSpec> {
    let k = kept(session, cell).filter(|&k| k >= 2)?;
    let (names, proposed) = columns(session, cell);
    let chosen = session
        .projection_views
        .with(|all| all.get(&cell).cloned())
        .filter(|s| s.x < k && s.y < k && s.x != s.y)
        .filter(|s| s.colour.as_ref().is_none_or(|c| names.contains(c)));
    Some(chosen.unwrap_or(ProjectionSpec {
        x: 0,
        y: 1,
        colour: proposed,
    }))
}

#[component]
pub fn ProjectionView(session: Session, cell: u32) -> impl IntoView {
    let wanted = Memo::new(move |_| spec(session, cell));
    let drawn = finished_view(
        session,
        cell,
        wanted,
        |notebook, cell, spec| Job::Projection {
            notebook,
            cell,
            spec,
        },
        |output| match output {
            JobOutput::Projection(p) => Some(p),
            _ => None,
        },
    );
    let choose = move |change: Box<dyn FnOnce(&mut ProjectionSpec)>| {
        let Some(mut current) = wanted.get_untracked() else {
            return;
        };
        change(&mut current);
        session.projection_views.update(|all| {
            all.insert(cell, current);
        });
    };
    let component = move |axis: usize, label: &'static str| {
        view! {
            <label>
                {label}
                <select
                    on:change=move |ev| {
                        if let Ok(c) = event_target_value(&ev).parse::<usize>() {
                            choose(Box::new(move |s| if axis == 0 { s.x = c } else { s.y = c }));
                        }
                    }
                    prop:value=move || {
                        wanted.get().map(|s| if axis == 0 { s.x } else { s.y }).unwrap_or(0).to_string()
                    }
                >
                    {move || {
                        (0..kept(session, cell).unwrap_or(0))
                            .map(|c| view! { <option value=c.to_string()>{format!("Component {}", c + 1)}</option> })
                            .collect_view()
                    }}
                </select>
            </label>
        }
    };
    let colour_by = move || {
        view! {
            <label>
                "Colour by"
                <select
                    on:change=move |ev| {
                        let name = event_target_value(&ev);
                        choose(Box::new(move |s| s.colour = (!name.is_empty()).then_some(name)));
                    }
                    prop:value=move || wanted.get().and_then(|s| s.colour).unwrap_or_default()
                >
                    <option value="">"None"</option>
                    {move || {
                        columns(session, cell)
                            .0
                            .into_iter()
                            .map(|c| view! { <option value=c.clone()>{c.clone()}</option> })
                            .collect_view()
                    }}
                </select>
            </label>
        }
    };
    let shown = move || {
        drawn.get().map(|result| match result {
            Ok(p) => view! { <ProjectionChart projection=*p /> }.into_any(),
            Err(why) => view! { <p class="error" role="alert">{why}</p> }.into_any(),
        })
    };
    view! {
        <Show when=move || wanted.with(Option::is_some)>
            <section class="boundary" aria-label="Projection">
                <h3>"Projection"</h3>
                <div class="form">
                    {component(0, "Horizontal component")}
                    {component(1, "Vertical component")}
                    {colour_by()}
                </div>
                <small class="help">
                    "Every row at its coordinates along two components, coloured by a column \
                     of the data (grey where the column has no value)."
                </small>
                {shown}
            </section>
        </Show>
    }
}

/// A number's shade, from light (the least) to dark blue (the most).
fn shade(value: f64, min: f64, max: f64) -> String {
    let t = if max > min {
        ((value - min) / (max - min)).clamp(0.0, 1.0)
    } else {
        0.5
    };
    let mix = |a: f64, b: f64| (a + (b - a) * t).round() as u8;
    format!(
        "#{:02x}{:02x}{:02x}",
        mix(222.0, 8.0),
        mix(235.0, 48.0),
        mix(247.0, 107.0)
    )
}

#[component]
fn ProjectionChart(projection: Projection) -> impl IntoView {
    let (x, y) = (&projection.x, &projection.y);
    let px = |v: f64| PAD + SIZE * (v - x.min) / (x.max - x.min);
    let py = |v: f64| PAD + SIZE - SIZE * (v - y.min) / (y.max - y.min);
    let fill = |group: Option<u32>, value: Option<f64>| match (&projection.colour, group, value) {
        (Colour::Groups { .. }, Some(g), _) => PALETTE[g as usize % PALETTE.len()].to_owned(),
        (Colour::Scale { min, max, .. }, _, Some(v)) => shade(v, *min, *max),
        (Colour::None, _, _) => PALETTE[0].to_owned(),
        _ => MISSING.to_owned(),
    };
    let points = projection
        .points
        .iter()
        .map(|p| {
            view! {
                <circle
                    cx=format!("{:.1}", px(p.x))
                    cy=format!("{:.1}", py(p.y))
                    r="3"
                    fill=fill(p.group, p.value)
                    fill-opacity="0.8"
                />
            }
        })
        .collect_view();
    let coloured = match &projection.colour {
        Colour::None => String::new(),
        Colour::Groups { column, groups } => {
            format!(", coloured by {column} ({} groups)", groups.len())
        }
        Colour::Scale { column, .. } => format!(", shaded by {column}"),
    };
    let sampled = if projection.points.len() < projection.rows {
        format!(" (a sample of {} of them)", projection.points.len())
    } else {
        String::new()
    };
    let label = format!(
        "Projection of {} rows{sampled} onto {} and {}{coloured}",
        projection.rows, x.name, y.name
    );
    let legend = match &projection.colour {
        Colour::None => ().into_any(),
        Colour::Groups { column, groups } => view! {
            <ul class="legend" aria-label=format!("Colours: {column}")>
                {palette_legend(groups, true)}
            </ul>
        }
        .into_any(),
        Colour::Scale { column, min, max } => view! {
            <ul class="legend" aria-label=format!("Colours: {column}")>
                <li>
                    <svg class="swatch" width="12" height="12" aria-hidden="true">
                        <circle cx="6" cy="6" r="5" fill=shade(*min, *min, *max) />
                    </svg>
                    {format!("{column} {}", tick(*min))}
                </li>
                <li>
                    <svg class="swatch" width="12" height="12" aria-hidden="true">
                        <circle cx="6" cy="6" r="5" fill=shade(*max, *min, *max) />
                    </svg>
                    {format!("{column} {}", tick(*max))}
                </li>
            </ul>
        }
        .into_any(),
    };
    let total = SIZE + 2.0 * PAD;
    view! {
        <figure class="boundary-chart">
            <svg role="img" aria-label=label viewBox=format!("0 0 {total} {total}") width=total height=total>
                <rect x=PAD y=PAD width=SIZE height=SIZE class="plot-bg" stroke="#888" />
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
            </svg>
            {legend}
        </figure>
    }
}

/// A legend value with as many decimals as its size needs.
fn tick(v: f64) -> String {
    match v.abs() {
        a if a >= 100.0 => format!("{v:.0}"),
        a if a >= 1.0 => format!("{v:.2}"),
        _ => format!("{v:.3}"),
    }
}

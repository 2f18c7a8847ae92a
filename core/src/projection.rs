//! A decomposition's rows in the plane of two of its components, each coloured
//! by a column of the data: its category (or class) or, for a number column,
//! its value. What the page's projection chart draws.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::boundary::Axis;
use crate::frame::Frame;
use crate::rng::SplitMix64;
use crate::train::{Metrics, Task, Trained};

/// Which two components (from 0), and the column that colours the points.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectionSpec {
    pub x: usize,
    pub y: usize,
    #[serde(default)]
    pub colour: Option<String>,
}

/// The most points drawn: a seeded sample of the rows past this, so that a
/// chart of a million rows stays a chart.
pub const MAX_POINTS: usize = 2000;

/// How the points are coloured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum Colour {
    /// Not coloured.
    None,
    /// By the column's categories, in sorted order; a point's `group` indexes them.
    Groups { column: String, groups: Vec<String> },
    /// By the column's numbers, from `min` to `max`; a point's `value`.
    Scale { column: String, min: f64, max: f64 },
}

/// A row where it lies, and its colour (none where the column misses a value).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProjectedPoint {
    pub x: f64,
    pub y: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Projection {
    /// Named with the component and its share of the variance: `Component 1 (72.9 %)`.
    pub x: Axis,
    pub y: Axis,
    pub colour: Colour,
    pub points: Vec<ProjectedPoint>,
    /// How many rows were projected; `points` holds at most [`MAX_POINTS`] of them.
    pub rows: usize,
}

#[derive(Debug, Clone, PartialEq, Error)]
pub enum ProjectionError {
    #[error("a projection chart is drawn for a decomposition; this model does {0}")]
    NotDecomposition(&'static str),
    #[error(
        "the model keeps {0} component(s); a projection needs two: set n_components to 2 or more"
    )]
    TooFewComponents(usize),
    #[error("there is no component {0}: the model keeps {1}")]
    NoComponent(usize, usize),
    #[error("choose two different components to draw")]
    SameComponent,
    #[error("there is no column \"{0}\" to colour the points by")]
    NoColumn(String),
}

/// `trained`'s projected rows over `frame` (the data it was fitted on), as
/// `spec` says; the sample past [`MAX_POINTS`] is drawn with `seed`.
pub fn projection(
    trained: &Trained,
    frame: &Frame,
    spec: &ProjectionSpec,
    seed: u64,
) -> Result<Projection, ProjectionError> {
    let task = trained.pipeline.task;
    let Metrics::Decomposition(metrics) = &trained.metrics else {
        return Err(ProjectionError::NotDecomposition(task.name()));
    };
    let k = metrics.explained_variance_ratio.len();
    if k < 2 {
        return Err(ProjectionError::TooFewComponents(k));
    }
    if spec.x == spec.y {
        return Err(ProjectionError::SameComponent);
    }
    if let Some(&missing) = [spec.x, spec.y].iter().find(|&&c| c >= k) {
        return Err(ProjectionError::NoComponent(missing + 1, k));
    }
    let predictions = &trained.predictions;
    let column = spec
        .colour
        .as_deref()
        .map(|name| {
            frame
                .column(name)
                .ok_or_else(|| ProjectionError::NoColumn(name.to_owned()))
        })
        .transpose()?;
    let mut chosen: Vec<usize> = (0..predictions.rows.len()).collect();
    if chosen.len() > MAX_POINTS {
        chosen = SplitMix64::new(seed).permutation(chosen.len());
        chosen.truncate(MAX_POINTS);
        chosen.sort_unstable();
    }
    let groups = column.is_some_and(|c| Task::infer(c) == Task::Classification);
    let colour = match column {
        None => Colour::None,
        Some(c) if groups => {
            let mut names: Vec<String> = chosen
                .iter()
                .filter_map(|&i| c.text(predictions.rows[i]))
                .collect();
            names.sort_unstable();
            names.dedup();
            Colour::Groups {
                column: c.name.clone(),
                groups: names,
            }
        }
        Some(c) => {
            let (min, max) = chosen
                .iter()
                .filter_map(|&i| c.number(predictions.rows[i]))
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
                    (lo.min(v), hi.max(v))
                });
            Colour::Scale {
                column: c.name.clone(),
                min,
                max,
            }
        }
    };
    let points: Vec<ProjectedPoint> = chosen
        .iter()
        .map(|&i| {
            let (row, at) = (predictions.rows[i], &predictions.components[i]);
            let (group, value) = match (&colour, column) {
                (Colour::Groups { groups, .. }, Some(c)) => (
                    c.text(row)
                        .and_then(|t| groups.binary_search(&t).ok())
                        .map(|g| g as u32),
                    None,
                ),
                (Colour::Scale { .. }, Some(c)) => (None, c.number(row)),
                _ => (None, None),
            };
            ProjectedPoint {
                x: at[spec.x],
                y: at[spec.y],
                group,
                value,
            }
        })
        .collect();
    let axis = |c: usize, values: &mut dyn Iterator<Item = f64>| {
        let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
        let (lo, hi) = if lo.is_finite() { (lo, hi) } else { (0.0, 0.0) };
        let pad = if hi > lo { (hi - lo) / 20.0 } else { 0.5 };
        Axis {
            name: format!(
                "Component {} ({:.1} %)",
                c + 1,
                100.0 * metrics.explained_variance_ratio[c]
            ),
            min: lo - pad,
            max: hi + pad,
        }
    };
    Ok(Projection {
        x: axis(spec.x, &mut points.iter().map(|p| p.x)),
        y: axis(spec.y, &mut points.iter().map(|p| p.y)),
        colour,
        points,
        rows: predictions.rows.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::Role;
    use crate::ingest::read_csv;
    use crate::learner::{ModelSpec, ParamValue, registry};
    use crate::train::{TrainSpec, train};

    fn penguins(n_components: f64) -> (Frame, Trained) {
        let mut frame = read_csv(
            crate::samples::csv("penguins.csv").expect("bundled"),
            "penguins.csv",
        )
        .expect("reads");
        frame.set_role("species", Role::Ignore);
        let mut model = ModelSpec::new(registry::family("pca").expect("registered"));
        model
            .params
            .insert("n_components".into(), ParamValue::Number(n_components));
        let spec = TrainSpec {
            target: None,
            task: Task::Decomposition,
            model,
            test_size: 0.2,
            seed: 42,
        };
        let trained = pollster::block_on(train(&frame, None, spec)).expect("trains");
        (frame, trained)
    }

    #[test]
    fn colours_the_rows_by_a_category_or_a_number() {
        let (frame, trained) = penguins(3.0);
        let spec = |colour: Option<&str>| ProjectionSpec {
            x: 0,
            y: 2,
            colour: colour.map(str::to_owned),
        };
        let by_species = projection(&trained, &frame, &spec(Some("species")), 1).expect("draws");
        assert_eq!(by_species.rows, 344);
        assert_eq!(by_species.points.len(), 344);
        let Colour::Groups { groups, .. } = &by_species.colour else {
            panic!("species are groups")
        };
        assert_eq!(groups, &["Adelie", "Chinstrap", "Gentoo"]);
        assert!(by_species.points.iter().all(|p| p.group.is_some()));
        assert!(by_species.x.name.starts_with("Component 1 ("));
        assert!(by_species.y.name.starts_with("Component 3 ("));
        assert_eq!(by_species.points[0].y, trained.predictions.components[0][2]);

        let by_mass = projection(&trained, &frame, &spec(Some("body_mass_g")), 1).expect("draws");
        let Colour::Scale { min, max, .. } = by_mass.colour else {
            panic!("a number scale")
        };
        assert_eq!((min, max), (2700.0, 6300.0));
        // Two penguins were not weighed.
        assert_eq!(
            by_mass.points.iter().filter(|p| p.value.is_none()).count(),
            2
        );
        assert_eq!(
            projection(&trained, &frame, &spec(None), 1).map(|p| p.colour),
            Ok(Colour::None)
        );
    }

    #[test]
    fn refuses_what_it_cannot_draw() {
        let (frame, trained) = penguins(3.0);
        let at = |x, y, colour: &str| ProjectionSpec {
            x,
            y,
            colour: Some(colour.to_owned()),
        };
        assert_eq!(
            projection(&trained, &frame, &at(0, 0, "species"), 1),
            Err(ProjectionError::SameComponent)
        );
        assert_eq!(
            projection(&trained, &frame, &at(0, 3, "species"), 1),
            Err(ProjectionError::NoComponent(4, 3))
        );
        assert_eq!(
            projection(&trained, &frame, &at(0, 1, "beak"), 1),
            Err(ProjectionError::NoColumn("beak".into()))
        );
        let (frame, one) = penguins(1.0);
        assert_eq!(
            projection(&one, &frame, &at(0, 1, "species"), 1),
            Err(ProjectionError::TooFewComponents(1))
        );
    }
}

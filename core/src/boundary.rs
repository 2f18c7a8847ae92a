//! A classifier's decision boundary over two number inputs, as TensorFlow
//! Playground draws it: the predicted class and its probability over a grid
//! spanning the two columns, every other input held at its training median (a
//! number) or its most frequent category, with the test rows on top.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::frame::{Column, Frame};
use crate::learner::{Output, registry};
use crate::model::argmax;
use crate::prep::InputKind;
use crate::train::{Pipeline, Task};

/// Which two columns, and how many grid cells along each.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoundarySpec {
    pub x: String,
    pub y: String,
    pub resolution: usize,
}

impl BoundarySpec {
    /// The most cells along an axis: 120 × 120 predictions stay quick for every family.
    pub const MAX_RESOLUTION: usize = 120;
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Axis {
    pub name: String,
    pub min: f64,
    pub max: f64,
}

impl Axis {
    /// The centre of cell `i` of `n`.
    fn at(&self, i: usize, n: usize) -> f64 {
        self.min + (self.max - self.min) * (i as f64 + 0.5) / n as f64
    }
}

/// A test row where it lies, its class, and the class the model gave it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Point {
    pub x: f64,
    pub y: f64,
    pub class: u32,
    pub predicted: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Boundary {
    pub x: Axis,
    pub y: Axis,
    pub resolution: usize,
    pub classes: Vec<String>,
    /// Row-major, the lowest `y` first: each cell's predicted class.
    pub cells: Vec<u32>,
    /// The probability of that class in each cell.
    pub confidence: Vec<f32>,
    pub points: Vec<Point>,
}

#[derive(Debug, Clone, PartialEq, Error)]
pub enum BoundaryError {
    #[error("a decision boundary is drawn for classifiers; this model does {0}")]
    NotClassifier(&'static str),
    #[error("\"{0}\" is not one of the model's number inputs: choose one of {1}")]
    NotAnInput(String, String),
    #[error("choose two different columns to draw the boundary over")]
    SameColumn,
    #[error("the grid needs between 2 and {max} cells along each axis, not {0}", max = BoundarySpec::MAX_RESOLUTION)]
    Resolution(usize),
    #[error("{0}")]
    Data(String),
}

/// The number inputs a boundary can be drawn over, in the pipeline's order.
pub fn number_inputs(pipeline: &Pipeline) -> Vec<&str> {
    pipeline
        .preprocessing
        .inputs
        .iter()
        .filter(|i| i.kind == InputKind::Number)
        .map(|i| i.column.as_str())
        .collect()
}

/// The boundary of `pipeline` over `frame`: the grid spans the two columns'
/// values in `train` and `test` (a twentieth more on each side), the other
/// inputs take their values over `train`, and the points are the `test` rows
/// with the class each has in the target column and the one `predicted` (by
/// class name, in `test`'s order) says.
pub fn boundary(
    pipeline: &Pipeline,
    frame: &Frame,
    train: &[usize],
    test: &[usize],
    predicted: &[String],
    spec: &BoundarySpec,
) -> Result<Boundary, BoundaryError> {
    if pipeline.task != Task::Classification {
        return Err(BoundaryError::NotClassifier(pipeline.task.name()));
    }
    if spec.x == spec.y {
        return Err(BoundaryError::SameColumn);
    }
    let n = spec.resolution;
    if !(2..=BoundarySpec::MAX_RESOLUTION).contains(&n) {
        return Err(BoundaryError::Resolution(n));
    }
    let inputs = number_inputs(pipeline);
    for name in [&spec.x, &spec.y] {
        if !inputs.contains(&name.as_str()) {
            return Err(BoundaryError::NotAnInput(name.clone(), inputs.join(", ")));
        }
    }
    let column = |name: &str| {
        frame
            .column(name)
            .ok_or_else(|| BoundaryError::Data(format!("column \"{name}\" is not in the data")))
    };
    let axis = |name: &str| -> Result<Axis, BoundaryError> {
        let c = column(name)?;
        let values = train.iter().chain(test).filter_map(|&r| c.number(r));
        let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
        if !lo.is_finite() {
            return Err(BoundaryError::Data(format!(
                "column \"{name}\" has no values in the rows the model saw"
            )));
        }
        let pad = if hi > lo { (hi - lo) / 20.0 } else { 0.5 };
        Ok(Axis {
            name: name.to_owned(),
            min: lo - pad,
            max: hi + pad,
        })
    };
    let (x, y) = (axis(&spec.x)?, axis(&spec.y)?);

    let cells = n * n;
    let mut columns = Vec::with_capacity(pipeline.preprocessing.inputs.len());
    for input in &pipeline.preprocessing.inputs {
        let name = input.column.as_str();
        let grid = if name == x.name {
            Column::floats(name, (0..cells).map(|c| Some(x.at(c % n, n))))
        } else if name == y.name {
            Column::floats(name, (0..cells).map(|c| Some(y.at(c / n, n))))
        } else {
            let c = column(name)?;
            match input.kind {
                InputKind::Number => {
                    let median = median(train.iter().filter_map(|&r| c.number(r)).collect());
                    Column::floats(name, std::iter::repeat_n(median, cells))
                }
                InputKind::Category => {
                    let mode = mode(train.iter().filter_map(|&r| c.text(r)).collect());
                    Column::categories(name, std::iter::repeat_n(mode.as_deref(), cells))
                }
            }
        };
        columns.push(grid);
    }
    let grid = Frame::new(cells, columns)
        .ok_or_else(|| BoundaryError::Data("the grid's columns differ in length".into()))?;
    let arithmetic = registry::family(pipeline.model.family())
        .map(|f| f.arithmetic())
        .map_err(|e| BoundaryError::Data(e.to_string()))?;
    let rows: Vec<usize> = (0..cells).collect();
    let inputs = pipeline
        .preprocessing
        .transform_as(&grid, &rows, arithmetic)
        .map_err(|e| BoundaryError::Data(e.to_string()))?;
    let Output::Classes {
        classes,
        probabilities,
    } = pipeline.model.predict(&inputs)
    else {
        return Err(BoundaryError::NotClassifier("no classification"));
    };
    let best: Vec<usize> = probabilities.iter().map(|p| argmax(p)).collect();
    let confidence = probabilities
        .iter()
        .zip(&best)
        .map(|(p, &b)| p.get(b).copied().unwrap_or(0.0) as f32)
        .collect();

    let index = |label: &str| classes.iter().position(|c| c == label).map(|i| i as u32);
    let (cx, cy) = (column(&x.name)?, column(&y.name)?);
    let target = pipeline.target.as_deref().map(column).transpose()?;
    let points = test
        .iter()
        .zip(predicted)
        .filter_map(|(&r, predicted)| {
            let class = index(&target?.text(r)?)?;
            Some(Point {
                x: cx.number(r)?,
                y: cy.number(r)?,
                class,
                predicted: index(predicted)?,
            })
        })
        .collect();
    Ok(Boundary {
        x,
        y,
        resolution: n,
        cells: best.into_iter().map(|b| b as u32).collect(),
        confidence,
        classes,
        points,
    })
}

/// The middle value (the mean of the two middle ones); `None` for none.
pub(crate) fn median(mut values: Vec<f64>) -> Option<f64> {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(values[n / 2]),
        _ => Some((values[n / 2 - 1] + values[n / 2]) / 2.0),
    }
}

/// The most frequent value, the first in sorted order on ties.
pub(crate) fn mode(mut values: Vec<String>) -> Option<String> {
    values.sort_unstable();
    let mut best: Option<(&str, usize)> = None;
    for group in values.chunk_by(|a, b| a == b) {
        if best.is_none_or(|(_, count)| group.len() > count) {
            best = Some((&group[0], group.len()));
        }
    }
    best.map(|(value, _)| value.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::read_csv;
    use crate::learner::{ModelSpec, registry};
    use crate::train::{TrainSpec, train};

    fn penguins(family: &str) -> (Frame, crate::train::Trained) {
        let frame = read_csv(
            crate::samples::csv("penguins.csv").expect("bundled"),
            "penguins.csv",
        )
        .expect("reads");
        let spec = TrainSpec {
            target: Some("species".into()),
            task: Task::Classification,
            model: ModelSpec::new(registry::family(family).expect("registered")),
            test_size: 0.2,
            seed: 42,
        };
        let trained = pollster::block_on(train(&frame, None, spec)).expect("trains");
        (frame, trained)
    }

    fn spec(x: &str, y: &str) -> BoundarySpec {
        BoundarySpec {
            x: x.into(),
            y: y.into(),
            resolution: 40,
        }
    }

    #[test]
    fn the_grid_holds_the_models_own_predictions_and_the_test_rows_sit_on_it() {
        for family in ["logistic", "tree", "knn", "mlp"] {
            let (frame, trained) = penguins(family);
            let b = trained
                .boundary(&frame, &spec("bill_length_mm", "flipper_length_mm"))
                .expect("draws");
            assert_eq!(b.cells.len(), 40 * 40);
            assert_eq!(b.classes, ["Adelie", "Chinstrap", "Gentoo"]);
            // Bill length and flipper length separate the species: the slice
            // through the other inputs' medians shows more than one (a tree
            // may leave Chinstrap to the island), and most test rows are right.
            let shown = (0..3).filter(|c| b.cells.contains(c)).count();
            assert!(shown >= 2, "{family}: {shown} classes on the grid");
            let right = b.points.iter().filter(|p| p.class == p.predicted).count();
            assert!(right * 10 >= b.points.len() * 8, "{family}: {right}");
            // Rows with both values missing are left out of the points.
            assert!(b.points.len() <= trained.split.test.len());
            assert!(b.points.iter().all(|p| p.x > b.x.min && p.x < b.x.max));
            assert!(b.confidence.iter().all(|&c| c > 0.0 && c <= 1.0));
        }
    }

    #[test]
    fn the_wrong_columns_or_task_are_refused_with_what_to_choose() {
        let (frame, trained) = penguins("logistic");
        let draw = |spec: &BoundarySpec| trained.boundary(&frame, spec);
        let island = draw(&spec("island", "bill_depth_mm")).expect_err("a category");
        assert!(
            island.to_string().contains("bill_length_mm, bill_depth_mm"),
            "{island}"
        );
        assert_eq!(
            draw(&spec("bill_depth_mm", "bill_depth_mm")),
            Err(BoundaryError::SameColumn)
        );
        let coarse = BoundarySpec {
            resolution: 1,
            ..spec("bill_length_mm", "bill_depth_mm")
        };
        assert_eq!(draw(&coarse), Err(BoundaryError::Resolution(1)));
    }

    #[test]
    fn medians_and_modes_hold_the_other_inputs() {
        assert_eq!(median(vec![3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(vec![4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(Vec::new()), None);
        let words = |w: &[&str]| w.iter().map(|s| (*s).to_owned()).collect();
        assert_eq!(mode(words(&["b", "a", "b", "a", "c"])), Some("a".into()));
        assert_eq!(mode(words(&["c", "b", "c"])), Some("c".into()));
    }
}

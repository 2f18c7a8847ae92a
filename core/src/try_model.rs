//! "Try the model": a form made from the columns a fitted pipeline reads, and the
//! answer for one row typed into it. Numbers show the range the training rows
//! had; categories offer the levels they had; any field may be left blank, which
//! the pipeline reads as missing.

use serde::{Deserialize, Serialize};

use rustc_hash::FxHashSet;

use crate::boundary::{median, mode};
use crate::frame::{Column, Frame, format_number};
use crate::learner::{Output, registry};
use crate::model::argmax;
use crate::prep::InputKind;
use crate::train::Pipeline;

/// One field of the form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Field {
    pub name: String,
    pub kind: FieldKind,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FieldKind {
    /// The smallest and largest value in the training rows (`None` if none had one).
    Number {
        min: Option<f64>,
        max: Option<f64>,
        /// The training rows' median, a starting value.
        median: Option<f64>,
    },
    /// The levels the training rows had, in their order, and the most frequent
    /// (the first in sorted order on ties, as the decision boundary holds it).
    Category {
        levels: Vec<String>,
        mode: Option<String>,
    },
}

/// The model's answer for the row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Answer {
    Class {
        label: String,
        classes: Vec<String>,
        probabilities: Vec<f64>,
    },
    Value {
        value: f64,
    },
    Cluster {
        cluster: usize,
        distances: Vec<f64>,
    },
    Components {
        coordinates: Vec<f64>,
    },
}

/// A field whose text is not a value of its kind: the field and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{field}: {message}")]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// The form for `pipeline`, its ranges and levels from the `train` rows of `frame`.
pub fn fields(pipeline: &Pipeline, frame: &Frame, train: &[usize]) -> Vec<Field> {
    pipeline
        .preprocessing
        .inputs
        .iter()
        .map(|input| {
            let column = frame.column(&input.column);
            let kind = match (input.kind, column) {
                (InputKind::Number, Some(c)) => {
                    let values: Vec<f64> = train.iter().filter_map(|&r| c.number(r)).collect();
                    let (min, max) =
                        values
                            .iter()
                            .fold((None::<f64>, None::<f64>), |(lo, hi), &v| {
                                (
                                    Some(lo.map_or(v, |l| l.min(v))),
                                    Some(hi.map_or(v, |h| h.max(v))),
                                )
                            });
                    FieldKind::Number {
                        min,
                        max,
                        median: median(values),
                    }
                }
                (InputKind::Number, None) => FieldKind::Number {
                    min: None,
                    max: None,
                    median: None,
                },
                (InputKind::Category, c) => {
                    let texts: Vec<String> = c
                        .into_iter()
                        .flat_map(|c| train.iter().filter_map(move |&r| c.text(r)))
                        .collect();
                    // In the order the training rows first show them.
                    let mut seen = FxHashSet::default();
                    let levels = texts.iter().filter(|t| seen.insert(*t)).cloned().collect();
                    FieldKind::Category {
                        levels,
                        mode: mode(texts),
                    }
                }
            };
            Field {
                name: input.column.clone(),
                kind,
            }
        })
        .collect()
}

/// The answer for one row: each field's text by name (absent or blank: missing).
pub fn answer(pipeline: &Pipeline, values: &[(String, String)]) -> Result<Answer, FieldError> {
    let text = |name: &str| {
        values
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    };
    let mut columns = Vec::with_capacity(pipeline.preprocessing.inputs.len());
    for input in &pipeline.preprocessing.inputs {
        let name = input.column.as_str();
        let value = text(name);
        columns.push(match input.kind {
            InputKind::Number => {
                let number = value
                    .map(|v| {
                        v.parse::<f64>()
                            .ok()
                            .filter(|x| x.is_finite())
                            .ok_or_else(|| FieldError {
                                field: name.to_owned(),
                                message: format!(
                                    "“{v}” is not a number; type one, or leave it blank for missing"
                                ),
                            })
                    })
                    .transpose()?;
                Column::floats(name, [number])
            }
            InputKind::Category => Column::categories(name, [value]),
        });
    }
    let row = Frame::new(1, columns).ok_or_else(|| FieldError {
        field: String::new(),
        message: "the form's fields differ in length".into(),
    })?;
    let arithmetic = registry::family(pipeline.model.family())
        .map(|f| f.arithmetic())
        .map_err(|e| FieldError {
            field: String::new(),
            message: e.to_string(),
        })?;
    let x = pipeline
        .preprocessing
        .transform_as(&row, &[0], arithmetic)
        .map_err(|e| FieldError {
            field: String::new(),
            message: e.to_string(),
        })?;
    Ok(match pipeline.model.predict(&x) {
        Output::Classes {
            classes,
            mut probabilities,
        } => {
            let p = probabilities.pop().unwrap_or_default();
            Answer::Class {
                label: classes.get(argmax(&p)).cloned().unwrap_or_default(),
                classes,
                probabilities: p,
            }
        }
        Output::Values(v) => Answer::Value {
            value: v.first().copied().unwrap_or(f64::NAN),
        },
        Output::Clusters {
            labels,
            mut distances,
        } => Answer::Cluster {
            cluster: labels.first().copied().unwrap_or(0),
            distances: distances.pop().unwrap_or_default(),
        },
        Output::Projection { mut rows, .. } => Answer::Components {
            coordinates: rows.pop().unwrap_or_default(),
        },
    })
}

/// A number as the form shows a range: to four decimals.
pub fn shown(x: f64) -> String {
    format_number((x * 1e4).round() / 1e4)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::read_csv;
    use crate::learner::ModelSpec;
    use crate::train::{Task, TrainSpec, train};

    fn penguins() -> (Frame, crate::train::Trained) {
        let bytes = include_bytes!("../../data/samples/penguins.csv");
        let frame = read_csv(bytes, "penguins.csv").expect("reads");
        let spec = TrainSpec {
            target: Some("species".into()),
            task: Task::Classification,
            model: ModelSpec::new(registry::family("logistic").expect("known")),
            test_size: 0.2,
            seed: 42,
        };
        let trained = pollster::block_on(train(&frame, None, spec)).expect("trains");
        (frame, trained)
    }

    #[test]
    fn the_form_has_a_field_per_input_with_the_training_range_and_levels() {
        let (frame, trained) = penguins();
        let form = fields(&trained.pipeline, &frame, &trained.split.train);
        let names: Vec<&str> = form.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "island",
                "bill_length_mm",
                "bill_depth_mm",
                "flipper_length_mm",
                "body_mass_g",
                "sex",
                "year"
            ]
        );
        let FieldKind::Category { levels, .. } = &form[0].kind else {
            panic!("island is a category");
        };
        let mut sorted = levels.clone();
        sorted.sort();
        assert_eq!(sorted, ["Biscoe", "Dream", "Torgersen"]);
        let FieldKind::Number { min, max, .. } = form[3].kind else {
            panic!("flipper length is a number");
        };
        assert!(min.expect("min") >= 172.0 && max.expect("max") <= 231.0);
    }

    #[test]
    fn one_row_is_answered_as_the_pipeline_answers_it_and_blanks_are_missing() {
        let (frame, trained) = penguins();
        let row = 0;
        let values: Vec<(String, String)> = trained
            .pipeline
            .preprocessing
            .inputs
            .iter()
            .map(|i| {
                let c = frame.column(&i.column).expect("column");
                (i.column.clone(), c.text(row).unwrap_or_default())
            })
            .collect();
        let Answer::Class {
            label,
            probabilities,
            ..
        } = answer(&trained.pipeline, &values).expect("answers")
        else {
            panic!("a class");
        };
        assert_eq!(label, "Adelie");
        assert!((probabilities.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        // Every field blank: the training means and no category.
        assert!(answer(&trained.pipeline, &[]).is_ok());
        let wrong = answer(&trained.pipeline, &[("body_mass_g".into(), "heavy".into())])
            .expect_err("refused");
        assert_eq!(wrong.field, "body_mass_g");
        assert!(wrong.message.starts_with("“heavy” is not a number"));
    }
}

//! Preprocessing as a list of steps, each fitted on the training rows only, with
//! its own transform, JSON and ONNX nodes. A pipeline is these steps followed by
//! a model. The default steps impute missing numbers with their mean
//! ([`ImputeMean`]), standardize numbers ([`Standardize`]) and one-hot encode
//! categories ([`OneHot`]); a new kind of step is one more file and one more
//! [`Step`] variant, and no model changes.
//!
//! Steps work on a [`Table`]: the rows being transformed, laid out as the model
//! will read them (each feature column's inputs in feature order), so every step
//! writes its own inputs in place. Each step says how it changes that layout
//! ([`Transform::reshape`]): one-hot encoding gives a category column one input
//! per category.

mod bins;
mod impute;
mod layout;
mod one_hot;
mod standardize;
mod streaming;
mod table;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::export::ExportError;
use crate::export::graph::Graph;
use crate::frame::{ColumnType, Frame};

pub use bins::{BinStrategy, Bins};
pub use impute::ImputeMean;
pub use layout::{Layout, Slot};
pub use one_hot::OneHot;
pub use standardize::Standardize;
pub use streaming::{MAX_STREAMED_CATEGORIES, StreamingFit};
pub use table::{Table, Tensors};

/// The arithmetic numbers are transformed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Arithmetic {
    /// In f64: the reference, what the linear models fit.
    #[default]
    F64,
    /// As the exported ONNX graph computes it: each step rounded to f32, e.g.
    /// `(x₃₂ − mean₃₂) · (1 / scale)₃₂`. A model that compares inputs with
    /// thresholds (a tree) reads these, so that a value on a threshold goes the
    /// same way in Studio and in ONNX Runtime.
    OnnxF32,
}

/// A raw feature column as the preprocessing reads it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Input {
    pub column: String,
    pub kind: InputKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InputKind {
    /// Numbers (missing as NaN); in ONNX a `float` input.
    Number,
    /// Category labels (missing as none); in ONNX a `string` input.
    Category,
}

/// One fitted step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum Step {
    ImputeMean(ImputeMean),
    Standardize(Standardize),
    OneHot(OneHot),
    Bins(Bins),
}

/// What every step does.
pub trait Transform {
    /// Gives the columns it turns into other inputs their new shape.
    fn reshape(&self, layout: &mut Layout) -> Result<(), PrepError>;
    /// Transforms its columns of `table` in place.
    fn apply(&self, table: &mut Table<'_>, arithmetic: Arithmetic) -> Result<(), PrepError>;
    /// Adds its nodes: reads each of its columns' tensors and leaves the new ones.
    fn write_onnx(&self, graph: &mut Graph, tensors: &mut Tensors) -> Result<(), ExportError>;
}

impl Step {
    fn transform(&self) -> &dyn Transform {
        match self {
            Step::ImputeMean(step) => step,
            Step::Standardize(step) => step,
            Step::OneHot(step) => step,
            Step::Bins(step) => step,
        }
    }
}

/// The fitted preprocessing: the raw feature columns it reads, and its steps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Preprocessor {
    pub inputs: Vec<Input>,
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone, PartialEq, Error)]
pub enum PrepError {
    #[error("column \"{0}\" is not in the data")]
    MissingColumn(String),
    #[error("column \"{0}\" holds {1} values, which the model cannot use; set its role to ignore")]
    TextColumn(String, &'static str),
    #[error("column \"{0}\" should hold numbers, as it did when the model was trained")]
    NotNumbers(String),
    #[error(
        "no feature columns are left to learn from: keep at least one number or category column besides the target"
    )]
    NoFeatures,
    #[error("the preprocessing does not fit together: {0}")]
    Inconsistent(String),
}

/// What the preprocessing does to number columns, as the model family needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Numbers {
    /// Missing values take the training mean, then every value is standardized.
    Standardized,
    /// Numbers reach the model as they are, missing ones as NaN: for a family that
    /// learns what to do with them and whose splits do not care about scale.
    Raw,
    /// Each number column becomes at most `bins` bins, one input each: for a
    /// family that reads every input as categories.
    Binned { bins: usize, strategy: BinStrategy },
}

/// The raw inputs `features` make: a number or a category each; other kinds are
/// refused.
fn inputs_of(frame: &Frame, features: &[String]) -> Result<Vec<Input>, PrepError> {
    if features.is_empty() {
        return Err(PrepError::NoFeatures);
    }
    features
        .iter()
        .map(|name| {
            let column = frame
                .column(name)
                .ok_or_else(|| PrepError::MissingColumn(name.clone()))?;
            let kind = match column.kind() {
                kind if kind.is_numeric() => InputKind::Number,
                ColumnType::Categorical => InputKind::Category,
                kind => return Err(PrepError::TextColumn(name.clone(), kind.name())),
            };
            Ok(Input {
                column: name.clone(),
                kind,
            })
        })
        .collect()
}

impl Preprocessor {
    /// The default steps for `features`, each fitted on the `train` rows as the
    /// steps before it transform them: mean imputation and standardization of the
    /// number columns (or none, or binning, as `numbers` says), then one-hot
    /// encoding of the category columns.
    pub fn fit(
        frame: &Frame,
        features: &[String],
        train: &[usize],
        numbers: Numbers,
    ) -> Result<Self, PrepError> {
        let inputs = inputs_of(frame, features)?;
        let of_kind = |kind| -> Vec<String> {
            inputs
                .iter()
                .filter(|i| i.kind == kind)
                .map(|i| i.column.clone())
                .collect()
        };
        let (number_columns, categories) =
            (of_kind(InputKind::Number), of_kind(InputKind::Category));
        let mut prep = Self {
            inputs,
            steps: Vec::new(),
        };
        // Each step is fitted on the training rows as the steps before it leave them.
        let mut table = prep.table(frame, train, Arithmetic::F64)?;
        if !number_columns.is_empty() {
            match numbers {
                Numbers::Standardized => {
                    let impute = ImputeMean::fit(&table, &number_columns)?;
                    impute.apply(&mut table, Arithmetic::F64)?;
                    prep.steps.push(Step::ImputeMean(impute));
                    // Nothing after it reads the numbers, so they are not transformed again.
                    prep.steps.push(Step::Standardize(Standardize::fit(
                        &table,
                        &number_columns,
                    )?));
                }
                Numbers::Raw => {}
                Numbers::Binned { bins, strategy } => prep.steps.push(Step::Bins(Bins::fit(
                    &table,
                    &number_columns,
                    bins,
                    strategy,
                )?)),
            }
        }
        if !categories.is_empty() {
            prep.steps
                .push(Step::OneHot(OneHot::fit(&table, &categories)?));
        }
        Ok(prep)
    }

    /// The model inputs' layout after every step.
    pub fn layout(&self) -> Result<Layout, PrepError> {
        let mut layout = Layout::of(&self.inputs);
        for step in &self.steps {
            step.transform().reshape(&mut layout)?;
        }
        Ok(layout)
    }

    /// How many model inputs the steps make.
    pub fn width(&self) -> usize {
        self.layout().map_or(0, |layout| layout.width())
    }

    /// The model inputs of `rows`, row-major (`rows.len()` × [`width`](Self::width)).
    pub fn transform(&self, frame: &Frame, rows: &[usize]) -> Result<Vec<f64>, PrepError> {
        self.transform_as(frame, rows, Arithmetic::F64)
    }

    /// [`transform`](Self::transform) in the given arithmetic.
    pub fn transform_as(
        &self,
        frame: &Frame,
        rows: &[usize],
        arithmetic: Arithmetic,
    ) -> Result<Vec<f64>, PrepError> {
        let table = self.table(frame, rows, arithmetic)?;
        if let Some(slot) = table.layout().slots().iter().find(|s| s.is_raw_category()) {
            return Err(PrepError::Inconsistent(format!(
                "the category column \"{}\" is never encoded as numbers",
                slot.column
            )));
        }
        Ok(table.into_values())
    }

    /// `rows` through every step fitted so far.
    fn table<'a>(
        &self,
        frame: &'a Frame,
        rows: &'a [usize],
        arithmetic: Arithmetic,
    ) -> Result<Table<'a>, PrepError> {
        let mut table = Table::read(frame, rows, &self.inputs, self.layout()?)?;
        for step in &self.steps {
            step.transform().apply(&mut table, arithmetic)?;
        }
        Ok(table)
    }

    /// Adds every step's nodes after the raw inputs' tensors in `tensors`, and
    /// returns the tensors of the model inputs in layout order.
    pub fn write_onnx(
        &self,
        graph: &mut Graph,
        tensors: &mut Tensors,
    ) -> Result<Vec<String>, ExportError> {
        for step in &self.steps {
            step.transform().write_onnx(graph, tensors)?;
        }
        let layout = self
            .layout()
            .map_err(|e| ExportError::Inconsistent(e.to_string()))?;
        let mut blocks = Vec::new();
        for slot in layout.slots() {
            if slot.is_raw_category() {
                return Err(ExportError::Inconsistent(format!(
                    "the category column \"{}\" is never encoded as numbers",
                    slot.column
                )));
            }
            // A category column with no categories seen is read and unused.
            if slot.width > 0 {
                blocks.push(tensors.get(&slot.column)?.to_owned());
            }
        }
        Ok(blocks)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::read_csv;

    #[test]
    fn fits_on_training_rows_and_encodes_unseen_and_missing_as_zeros() {
        let frame = read_csv(b"x,c\n1,a\n3,b\nNA,a\n100,c\n7,b\n8,c\n", "t.csv").expect("reads");
        let prep = Preprocessor::fit(
            &frame,
            &["x".into(), "c".into()],
            &[0, 1, 2],
            Numbers::Standardized,
        )
        .expect("fits");
        // Train x: 1, 3, (missing → 2): mean 2, population std sqrt(2/3).
        let scale = (2.0f64 / 3.0).sqrt();
        assert_eq!(
            prep.steps,
            [
                Step::ImputeMean(ImputeMean {
                    columns: vec!["x".into()],
                    means: vec![2.0],
                }),
                Step::Standardize(Standardize {
                    columns: vec!["x".into()],
                    means: vec![2.0],
                    scales: vec![scale],
                }),
                Step::OneHot(OneHot {
                    columns: vec!["c".into()],
                    categories: vec![vec!["a".into(), "b".into()]],
                }),
            ]
        );
        assert_eq!(prep.width(), 3);
        let x = prep.transform(&frame, &[2, 3]).expect("transforms");
        assert_eq!(x, vec![0.0, 1.0, 0.0, 98.0 / scale, 0.0, 0.0]);
    }

    #[test]
    fn inputs_keep_the_feature_order_with_categories_in_place() {
        let frame =
            read_csv(b"c,x,d,y\na,1,p,5\nb,2,q,6\na,3,p,7\nb,4,q,8\n", "t.csv").expect("reads");
        let features: Vec<String> = ["c", "x", "d", "y"].map(String::from).to_vec();
        let prep =
            Preprocessor::fit(&frame, &features, &[0, 1], Numbers::Standardized).expect("fits");
        let layout = prep.layout().expect("lays out");
        let shape: Vec<(&str, usize, usize)> = layout
            .slots()
            .iter()
            .map(|s| (s.column.as_str(), s.offset, s.width))
            .collect();
        assert_eq!(shape, [("c", 0, 2), ("x", 2, 1), ("d", 3, 2), ("y", 5, 1)]);
        let x = prep.transform(&frame, &[1]).expect("transforms");
        assert_eq!(x, vec![0.0, 1.0, 1.0, 0.0, 1.0, 1.0]);
    }

    #[test]
    fn steps_read_back_from_their_json() {
        let frame = read_csv(b"x,c\n1,a\n3,b\n5,a\n7,b\n", "t.csv").expect("reads");
        let prep = Preprocessor::fit(
            &frame,
            &["x".into(), "c".into()],
            &[0, 1],
            Numbers::Standardized,
        )
        .expect("fits");
        let json = serde_json::to_value(&prep).expect("writes");
        assert_eq!(json["steps"][0]["step"], "impute_mean");
        assert_eq!(json["steps"][1]["step"], "standardize");
        assert_eq!(json["steps"][2]["step"], "one_hot");
        assert_eq!(json["inputs"][1]["kind"], "category");
        let back: Preprocessor = serde_json::from_value(json).expect("reads");
        assert_eq!(back, prep);
    }

    #[test]
    fn a_column_that_changed_kind_is_named() {
        let frame = read_csv(b"x\n1\n2\n", "t.csv").expect("reads");
        let prep =
            Preprocessor::fit(&frame, &["x".into()], &[0, 1], Numbers::Standardized).expect("fits");
        let other = read_csv(b"x\na\nb\n", "t.csv").expect("reads");
        assert_eq!(
            prep.transform(&other, &[0]),
            Err(PrepError::NotNumbers("x".into()))
        );
        let missing = read_csv(b"y\n1\n", "t.csv").expect("reads");
        assert_eq!(
            prep.transform(&missing, &[0]),
            Err(PrepError::MissingColumn("x".into()))
        );
    }
}

//! The default preprocessing fitted on rows that stream past in chunks, never all
//! in memory at once: the steps [`Preprocessor::fit`] fits on the same rows held
//! together, to rounding. Means and variances are merged chunk by chunk (Chan,
//! Golub and LeVeque's pairwise update), so a file of any length is read once.

use std::collections::BTreeSet;

use super::{
    ImputeMean, Input, InputKind, Layout, Numbers, OneHot, PrepError, Preprocessor, Standardize,
    Step, Table, inputs_of,
};
use crate::frame::Frame;

/// The most categories one column may gather across a streamed file: past it,
/// one-hot encoding would make the model wider than a column of labels is worth.
pub const MAX_STREAMED_CATEGORIES: usize = 1024;

/// The present values of one number column seen so far.
#[derive(Debug, Clone, Copy, Default)]
struct Moments {
    count: usize,
    mean: f64,
    /// The sum of squared differences from `mean`.
    squares: f64,
}

impl Moments {
    /// Merges a chunk's moments into these.
    fn merge(&mut self, other: Moments) {
        let count = self.count + other.count;
        if other.count == 0 {
            return;
        }
        let delta = other.mean - self.mean;
        let share = other.count as f64 / count as f64;
        self.squares += other.squares + delta * delta * self.count as f64 * share;
        self.mean += delta * share;
        self.count = count;
    }
}

/// The default preprocessing, fitted a chunk at a time.
#[derive(Debug, Clone)]
pub struct StreamingFit {
    inputs: Vec<Input>,
    numbers: Numbers,
    /// Rows seen, present or not.
    rows: usize,
    moments: Vec<Moments>,
    categories: Vec<BTreeSet<String>>,
}

impl StreamingFit {
    /// A fit of `features`, whose kinds `frame` (the first chunk) shows.
    /// Binning needs every value at once, so only standardized or raw numbers
    /// stream.
    pub fn new(frame: &Frame, features: &[String], numbers: Numbers) -> Result<Self, PrepError> {
        if matches!(numbers, Numbers::Binned { .. }) {
            return Err(PrepError::Inconsistent(
                "binning needs every value at once and cannot be fitted on streamed rows"
                    .to_owned(),
            ));
        }
        let inputs = inputs_of(frame, features)?;
        let count = |kind| inputs.iter().filter(|i| i.kind == kind).count();
        Ok(Self {
            moments: vec![Moments::default(); count(InputKind::Number)],
            categories: vec![BTreeSet::new(); count(InputKind::Category)],
            inputs,
            numbers,
            rows: 0,
        })
    }

    fn names(&self, kind: InputKind) -> Vec<String> {
        self.inputs
            .iter()
            .filter(|i| i.kind == kind)
            .map(|i| i.column.clone())
            .collect()
    }

    /// Takes in `rows` of `frame`, a chunk with the first chunk's columns.
    pub fn observe(&mut self, frame: &Frame, rows: &[usize]) -> Result<(), PrepError> {
        let table = Table::read(frame, rows, &self.inputs, Layout::of(&self.inputs))?;
        let offsets = table.offsets(&self.names(InputKind::Number))?;
        for (moments, &at) in self.moments.iter_mut().zip(&offsets) {
            let present = || table.rows().map(|row| row[at]).filter(|x| !x.is_nan());
            let count = present().count();
            if count == 0 {
                continue;
            }
            let mean = present().sum::<f64>() / count as f64;
            let squares = present().map(|x| (x - mean) * (x - mean)).sum();
            moments.merge(Moments {
                count,
                mean,
                squares,
            });
        }
        let names = self.names(InputKind::Category);
        for (seen, name) in self.categories.iter_mut().zip(names) {
            for label in table.labels(&name)?.flatten() {
                if !seen.contains(label.as_ref()) {
                    if seen.len() == MAX_STREAMED_CATEGORIES {
                        return Err(PrepError::Inconsistent(format!(
                            "the category column \"{name}\" holds more than \
                             {MAX_STREAMED_CATEGORIES} categories: set its role to ignore"
                        )));
                    }
                    seen.insert(label.into_owned());
                }
            }
        }
        self.rows += rows.len();
        Ok(())
    }

    /// The fitted preprocessing over every row taken in.
    pub fn finish(self) -> Preprocessor {
        let number_columns = self.names(InputKind::Number);
        let category_columns = self.names(InputKind::Category);
        let mut steps = Vec::new();
        if !number_columns.is_empty() && self.numbers == Numbers::Standardized {
            let means: Vec<f64> = self
                .moments
                .iter()
                .map(|m| if m.count == 0 { 0.0 } else { m.mean })
                .collect();
            // Imputed rows sit at the mean: they add rows, not squares.
            let n = self.rows.max(1) as f64;
            let scales = self
                .moments
                .iter()
                .map(|m| {
                    let var = m.squares / n;
                    if var > 0.0 && var.is_finite() {
                        var.sqrt()
                    } else {
                        1.0
                    }
                })
                .collect();
            steps.push(Step::ImputeMean(ImputeMean {
                columns: number_columns.clone(),
                means: means.clone(),
            }));
            steps.push(Step::Standardize(Standardize {
                columns: number_columns,
                means,
                scales,
            }));
        }
        if !category_columns.is_empty() {
            steps.push(Step::OneHot(OneHot {
                columns: category_columns,
                categories: self
                    .categories
                    .into_iter()
                    .map(|seen| seen.into_iter().collect())
                    .collect(),
            }));
        }
        Preprocessor {
            inputs: self.inputs,
            steps,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::StreamingFit;
    use crate::frame::{Column, Frame};
    use crate::prep::{Numbers, Preprocessor, Step};

    fn frame(rows: std::ops::Range<usize>) -> Frame {
        let x = rows.clone().map(|i| {
            (i % 7 != 3).then(|| ((i * 37) % 101) as f64 * 0.25 - 3.0 + 1e6 * (i % 2) as f64)
        });
        let colour: Vec<Option<&str>> = rows
            .clone()
            .map(|i| (i % 11 != 5).then(|| ["red", "green", "blue", "teal"][(i * 7) % 4]))
            .collect();
        let n = rows.len();
        Frame::new(
            n,
            vec![Column::floats("x", x), Column::categories("colour", colour)],
        )
        .expect("columns of one length")
    }

    #[test]
    fn chunks_fit_what_the_whole_fits() {
        let features = ["x".to_owned(), "colour".to_owned()];
        let whole = frame(0..1000);
        let train: Vec<usize> = (0..1000).filter(|i| i % 5 != 0).collect();
        let expected =
            Preprocessor::fit(&whole, &features, &train, Numbers::Standardized).expect("fits");
        let mut streamed =
            StreamingFit::new(&frame(0..1), &features, Numbers::Standardized).expect("starts");
        for start in (0..1000).step_by(173) {
            let chunk = frame(start..(start + 173).min(1000));
            let rows: Vec<usize> = (0..chunk.rows()).filter(|i| (start + i) % 5 != 0).collect();
            streamed.observe(&chunk, &rows).expect("observes");
        }
        let got = streamed.finish();
        assert_eq!(got.inputs, expected.inputs);
        assert_eq!(got.steps.len(), expected.steps.len());
        for (got, expected) in got.steps.iter().zip(&expected.steps) {
            match (got, expected) {
                (Step::ImputeMean(a), Step::ImputeMean(b)) => close(&a.means, &b.means),
                (Step::Standardize(a), Step::Standardize(b)) => {
                    close(&a.means, &b.means);
                    close(&a.scales, &b.scales);
                }
                (a, b) => assert_eq!(a, b),
            }
        }
    }

    fn close(a: &[f64], b: &[f64]) {
        assert_eq!(a.len(), b.len());
        for (a, b) in a.iter().zip(b) {
            assert!((a - b).abs() <= 1e-9 * b.abs().max(1.0), "{a} against {b}");
        }
    }

    #[test]
    fn binning_is_refused_and_categories_are_bounded() {
        let features = ["x".to_owned()];
        let binned = Numbers::Binned {
            bins: 8,
            strategy: crate::prep::BinStrategy::Quantile,
        };
        assert!(StreamingFit::new(&frame(0..3), &features, binned).is_err());
        let levels: Vec<String> = (0..=super::MAX_STREAMED_CATEGORIES)
            .map(|i| format!("level {i}"))
            .collect();
        let many = Frame::new(
            levels.len(),
            vec![Column::categories(
                "id",
                levels.iter().map(|l| Some(l.as_str())),
            )],
        )
        .expect("one column");
        let features = ["id".to_owned()];
        let mut fit = StreamingFit::new(&many, &features, Numbers::Standardized).expect("starts");
        let rows: Vec<usize> = (0..many.rows()).collect();
        let error = fit.observe(&many, &rows).expect_err("too many categories");
        assert!(error.to_string().contains("\"id\""), "{error}");
    }
}

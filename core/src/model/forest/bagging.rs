//! Growing one tree of a forest on its bootstrap sample, and scoring the forest
//! on the rows each tree left out (the out-of-bag estimate).

use crate::eval;
use crate::model::tree::cart::{ClassWeight, Grower, Presorted, Tree, TreeParams};
use crate::rng::SplitMix64;

/// A grown tree and how often its sample held each row.
pub(super) struct Grown {
    pub tree: Tree,
    pub counts: Vec<u32>,
}

/// Grows one tree from `seed` alone, so that a forest is the same whichever
/// threads grew its trees: the seed draws the bootstrap sample (`n` rows with
/// replacement, as scikit-learn's `max_samples=None`), then the tree's own
/// feature draws.
///
/// With `balanced` class weights, as in scikit-learn 1.9, the weights are the
/// bootstrap's probabilities rather than the tree's: every class is drawn as
/// often, and the tree weighs its rows by their counts alone.
pub(super) fn grow(data: &Presorted, params: &TreeParams, seed: u64, bootstrap: bool) -> Grown {
    let mut rng = SplitMix64::new(seed);
    let n = data.rows();
    let mut params = params.clone();
    let counts = if bootstrap && n > 0 {
        let mut counts = vec![0u32; n];
        match (params.class_weight, data.labels()) {
            (ClassWeight::Balanced, Some(labels)) => {
                params.class_weight = ClassWeight::Uniform;
                let classes = rows_by_class(labels);
                for _ in 0..n {
                    let rows = &classes[rng.below(classes.len())];
                    counts[rows[rng.below(rows.len())]] += 1;
                }
            }
            _ => {
                for _ in 0..n {
                    counts[rng.below(n)] += 1;
                }
            }
        }
        counts
    } else {
        vec![1; n]
    };
    params.random_state = rng.next_u64();
    let mut grower = Grower::sampled(data, &counts, params);
    while grower.step() {}
    Grown {
        tree: grower.into_tree(),
        counts,
    }
}

/// The rows of each class that has any, in row order.
fn rows_by_class(labels: &[u32]) -> Vec<Vec<usize>> {
    let mut classes: Vec<Vec<usize>> = Vec::new();
    for (r, &label) in labels.iter().enumerate() {
        let label = label as usize;
        if classes.len() <= label {
            classes.resize_with(label + 1, Vec::new);
        }
        classes[label].push(r);
    }
    classes.retain(|rows| !rows.is_empty());
    classes
}

/// What is known of the rows: class indices or values, by presorted row.
pub(super) enum Truth {
    Classes(Vec<usize>),
    Values(Vec<f64>),
}

/// The trees' predictions for the rows each left out, summed.
pub(super) struct OutOfBag {
    width: usize,
    sums: Vec<f64>,
    trees: Vec<u32>,
}

impl OutOfBag {
    pub fn new(rows: usize, width: usize) -> Self {
        Self {
            width,
            sums: vec![0.0; rows * width],
            trees: vec![0; rows],
        }
    }

    /// Adds `grown`'s predictions for the rows its sample left out; `row(r)` is
    /// presorted row `r`'s inputs.
    pub fn add<'x>(&mut self, grown: &Grown, row: impl Fn(usize) -> &'x [f64]) {
        for (r, _) in grown.counts.iter().enumerate().filter(|(_, c)| **c == 0) {
            let value = grown.tree.predict(row(r));
            for (sum, v) in self.sums[r * self.width..].iter_mut().zip(value) {
                *sum += v;
            }
            self.trees[r] += 1;
        }
    }

    /// scikit-learn's `oob_score_`: accuracy of the summed class fractions' argmax,
    /// or R² of the averaged values, over the rows some tree left out; `None`
    /// while no row has been left out.
    pub fn score(&self, truth: &Truth) -> Option<f64> {
        let left_out: Vec<usize> = (0..self.trees.len())
            .filter(|&r| self.trees[r] > 0)
            .collect();
        if left_out.is_empty() {
            return None;
        }
        let sums = |r: usize| &self.sums[r * self.width..(r + 1) * self.width];
        Some(match truth {
            Truth::Classes(labels) => {
                let right = left_out
                    .iter()
                    .filter(|&&r| crate::model::argmax(sums(r)) == labels[r])
                    .count();
                right as f64 / left_out.len() as f64
            }
            Truth::Values(values) => {
                let truth: Vec<f64> = left_out.iter().map(|&r| values[r]).collect();
                let predicted: Vec<f64> = left_out
                    .iter()
                    .map(|&r| sums(r)[0] / f64::from(self.trees[r]))
                    .collect();
                eval::regression(&truth, &predicted).r2
            }
        })
    }
}

//! CART decision trees, grown the way scikit-learn's `DecisionTreeClassifier` and
//! `DecisionTreeRegressor` (splitter "best") grow them, so that on the same data
//! the two give the same tree. Rows weigh alike, or by their class
//! (`class_weight`); the rules on rows per node count rows, as scikit-learn's
//! `min_samples_*` do, while impurities, splits and leaf fractions weigh them.
//!
//! What is copied from scikit-learn 1.9 (`sklearn/tree/_splitter.pyx`,
//! `_partitioner.pyx`, `_criterion.pyx`, `_tree.pyx`), because each of these changes
//! which split wins:
//!
//! - Inputs are compared as f32, since scikit-learn casts `X` to float32 for
//!   fitting and predicting. Two neighbouring sorted values closer than
//!   [`FEATURE_THRESHOLD`] (in f32 arithmetic) are not split apart, a feature whose
//!   range is within it counts as constant, and a threshold is the f64 midpoint
//!   `a / 2 + b / 2` of the two f32 values it falls between.
//! - A split is scored by scikit-learn's proxy (the impurity improvement without its
//!   constant terms), its statistics are updated from whichever end is nearer as
//!   `Criterion.update` does, and the first strictly better candidate wins.
//! - A node stays a leaf when its depth reached `max_depth`, it has fewer rows than
//!   `min_samples_split` or than `2 * min_samples_leaf`, its impurity (as its
//!   parent's split computed it) is at most [`EPSILON`], no candidate leaves
//!   `min_samples_leaf` rows on both sides, or the best split's improvement plus
//!   `EPSILON` is below `min_impurity_decrease` (0).
//!
//! Where it differs:
//!
//! - Ties. scikit-learn visits a node's features in an order drawn from its own
//!   generator and keeps the first strictly better split, so when two features
//!   give exactly the same improvement its `random_state` picks the tree. Its
//!   generator cannot be reproduced here; with `max_features == inputs` the features
//!   are visited in index order, so the lowest-index feature wins a tie. Ties are
//!   common in classification, where the score depends only on the class counts on
//!   each side (two features that cut off the same counts tie exactly), and in
//!   small nodes of regression trees. Depth and leaf count agree with scikit-learn
//!   whenever no tie changes them; test rows routed through a tied split may land
//!   differently. With `max_features < inputs` the features are drawn per node from
//!   [`SplitMix64`]`(random_state)` with the same rule scikit-learn uses (keep
//!   drawing past `max_features` until a non-constant feature was seen), so the
//!   same seed gives the same tree, though not scikit-learn's.
//! - Missing values. scikit-learn learns, per split, which side NaN goes to. Here a
//!   NaN input counts as smaller than every number, in fitting and in prediction,
//!   so it always goes left; Studio imputes inputs before they reach a model.
//! - The tree is grown level by level rather than depth first, so that a caller can
//!   stop after any level. Every node's split depends only on its own rows, so the
//!   tree is the same; only the node numbering differs.
//!
//! Fitting presorts every feature once and keeps, for every feature, each open
//! node's rows as one contiguous sorted run; a split partitions those runs stably.
//! A level then costs O(rows × inputs), on top of one O(rows log rows) sort per
//! feature.

use serde::{Deserialize, Serialize};

use crate::rng::SplitMix64;

/// scikit-learn's `FEATURE_THRESHOLD`: sorted neighbours this close (in f32) are
/// not split apart.
pub const FEATURE_THRESHOLD: f32 = 1e-7;

/// scikit-learn's `EPSILON` in `_tree.pyx`: the impurity a node may have and still
/// count as pure, and the slack on a split's improvement.
pub const EPSILON: f64 = f64::EPSILON;

/// How a split's quality is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Criterion {
    /// Gini impurity, `1 - Σ p_k²` (classification).
    Gini,
    /// Shannon entropy, `-Σ p_k log₂ p_k` (classification).
    Entropy,
    /// Variance of the values, the mean squared error of predicting the mean
    /// (regression).
    SquaredError,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TreeParams {
    /// A criterion that does not fit the target falls back to the target's own
    /// default: Gini for classes, squared error for values.
    pub criterion: Criterion,
    /// `None` grows until the other rules stop it.
    pub max_depth: Option<usize>,
    /// Rows a node needs to be split; values below 2 count as 2.
    pub min_samples_split: usize,
    /// Rows each side of a split keeps; 0 counts as 1.
    pub min_samples_leaf: usize,
    /// Features tried per node, clamped to `1..=inputs`; the caller resolves
    /// scikit-learn's "sqrt" / "log2" / None.
    pub max_features: usize,
    /// Seeds the per-node draw of features when `max_features < inputs`.
    pub random_state: u64,
    /// How a row of each class weighs; ignored for values.
    pub class_weight: ClassWeight,
}

/// scikit-learn's `class_weight` for trees and forests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ClassWeight {
    /// Every row weighs one.
    #[default]
    Uniform,
    /// A class's rows weigh `n / (k · nₖ)` over all the training rows, so that
    /// every class weighs as much in all.
    Balanced,
    /// The same over each tree's own sample (a bootstrap sample repeats rows),
    /// as scikit-learn's `balanced_subsample`.
    BalancedSubsample,
}

/// Each class's weight `n / (k · nₖ)` over `labels`, the row with id `i` held
/// `times(i)` times; a class without rows weighs as one row, as no row carries it.
fn balanced(labels: &[u32], classes: usize, times: impl Fn(usize) -> u32) -> Vec<f64> {
    let mut counts = vec![0u64; classes];
    for (id, &label) in labels.iter().enumerate() {
        counts[label as usize] += u64::from(times(id));
    }
    let n: u64 = counts.iter().sum();
    counts
        .iter()
        .map(|&count| n as f64 / (classes as u64 * count.max(1)) as f64)
        .collect()
}

/// What the tree learns: class indices `0..classes`, or values.
///
/// Rows without a usable target (a label `>= classes`, a value that is not finite)
/// are left out of fitting.
#[derive(Debug, Clone, Copy)]
pub enum Target<'a> {
    Classes { labels: &'a [usize], classes: usize },
    Values(&'a [f64]),
}

/// A fitted tree; node 0 is the root and every child comes after its parent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tree {
    pub nodes: Vec<Node>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Node {
    /// Rows whose `feature`, rounded to f32 (NaN as the smallest value), is at most
    /// `threshold` go `left`; the others go `right`.
    Split {
        feature: usize,
        threshold: f64,
        left: usize,
        right: usize,
    },
    /// Class fractions (summing to 1, one per class) for classification; `[mean]`
    /// for regression.
    Leaf { value: Vec<f64> },
}

impl Tree {
    /// The longest root-to-leaf path in edges; 0 for a root-only tree, as
    /// scikit-learn's `get_depth()`.
    pub fn depth(&self) -> usize {
        let mut deepest = 0;
        self.walk(|_, depth| deepest = deepest.max(depth));
        deepest
    }

    /// Node references point forward and inside the tree, features inside
    /// `inputs`, and leaves hold `width` values (one per class, or one).
    pub fn check(&self, inputs: usize, width: usize) -> Result<(), String> {
        let n = self.nodes.len();
        if n == 0 {
            return Err("the tree has no nodes".into());
        }
        for (i, node) in self.nodes.iter().enumerate() {
            match node {
                Node::Split {
                    feature,
                    left,
                    right,
                    ..
                } if *feature >= inputs
                    || *left <= i
                    || *right <= i
                    || *left >= n
                    || *right >= n =>
                {
                    return Err(format!("node {i} points outside the tree or its inputs"));
                }
                Node::Leaf { value } if value.len() != width => {
                    return Err(format!(
                        "leaf {i} holds {} values, not {width}",
                        value.len()
                    ));
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// The number of leaves, as scikit-learn's `get_n_leaves()`.
    pub fn leaves(&self) -> usize {
        let mut leaves = 0;
        self.walk(|node, _| leaves += usize::from(matches!(node, Node::Leaf { .. })));
        leaves
    }

    /// The index of the node `row` ends in: a leaf, unless the tree is malformed.
    ///
    /// A feature the row does not have reads as NaN (and goes left).
    pub fn leaf_of(&self, row: &[f64]) -> usize {
        let mut at = 0;
        while let Some(Node::Split {
            feature,
            threshold,
            left,
            right,
        }) = self.nodes.get(at)
        {
            let value = f64::from(key(row.get(*feature).copied().unwrap_or(f64::NAN)));
            let next = if value <= *threshold { *left } else { *right };
            // Children come after their parent; anything else (a hand-edited or
            // damaged tree) stops here instead of looping or indexing out of range.
            if next <= at || next >= self.nodes.len() {
                break;
            }
            at = next;
        }
        at
    }

    /// The value of the leaf `row` ends in; empty for an empty or malformed tree.
    pub fn predict(&self, row: &[f64]) -> &[f64] {
        match self.nodes.get(self.leaf_of(row)) {
            Some(Node::Leaf { value }) => value,
            _ => &[],
        }
    }

    /// Visits every node reachable from the root with its depth, following only
    /// children that come after their parent so that any tree terminates.
    fn walk(&self, mut visit: impl FnMut(&Node, usize)) {
        let mut stack = Vec::new();
        if !self.nodes.is_empty() {
            stack.push((0, 0));
        }
        while let Some((at, depth)) = stack.pop() {
            let node = &self.nodes[at];
            visit(node, depth);
            if let Node::Split { left, right, .. } = node {
                for child in [*left, *right] {
                    if child > at && child < self.nodes.len() {
                        stack.push((child, depth + 1));
                    }
                }
            }
        }
    }
}

/// Fits a tree to the rows of `x` (row-major, `inputs` wide): [`Grower`] run to
/// the end.
pub fn fit(x: &[f64], inputs: usize, target: Target<'_>, params: TreeParams) -> Tree {
    let mut grower = Grower::new(x, inputs, target, params);
    while grower.step() {}
    grower.into_tree()
}

/// The value a feature is compared as: scikit-learn's float32, with NaN below
/// every number so that it sorts first and goes left.
fn key(value: f64) -> f32 {
    let key = value as f32;
    if key.is_nan() { f32::NEG_INFINITY } else { key }
}

/// The threshold between neighbouring sorted values `lo < hi`, as scikit-learn
/// computes it.
fn threshold(lo: f32, hi: f32) -> f64 {
    let (lo, hi) = (f64::from(lo), f64::from(hi));
    let mid = lo / 2.0 + hi / 2.0;
    if mid.is_finite() && mid < hi {
        mid
    } else if lo.is_finite() {
        // `hi` overflowed f32 to infinity, so the midpoint did too and would send
        // `hi` left; `lo` itself still separates them.
        lo
    } else {
        // `lo` is a NaN or an f32 overflow to -inf: the lowest finite f64 keeps it
        // left and every f32 number right, and stays representable in JSON.
        f64::MIN
    }
}

/// Grows a tree one depth level per [`step`](Grower::step), so that a caller can
/// show progress and stop early; [`tree`](Grower::tree) at any point is a valid
/// tree whose nodes not yet expanded are leaves.
#[derive(Debug)]
pub struct Grower(Growth);

/// The growth itself, for the kind of target at hand.
#[derive(Debug)]
enum Growth {
    Classes(Growing<Classes>),
    Values(Growing<Values>),
}

/// A training set's inputs sorted once per feature, from which trees grow on
/// samples of its rows (a forest's bootstrap samples) without sorting again.
///
/// Rows without a usable target (a label `>= classes`, a value that is not
/// finite) are left out; [`Presorted::kept`] maps the rows it holds back to
/// the rows of `x`.
#[derive(Debug)]
pub struct Presorted {
    inputs: usize,
    kept: Vec<usize>,
    target: KeptTarget,
    /// For every feature, each kept row's (value as compared, kept index), sorted
    /// by value and then index; feature-major.
    sorted: Vec<(f32, u32)>,
}

#[derive(Debug)]
enum KeptTarget {
    Classes { labels: Vec<u32>, classes: usize },
    Values(Vec<f64>),
}

impl Presorted {
    /// Sorts the rows of `x` (row-major, `inputs` wide; rows = `x.len() / inputs`,
    /// and no more than the target has) by every feature.
    pub fn new(x: &[f64], inputs: usize, target: Target<'_>) -> Presorted {
        let available = match target {
            Target::Classes { labels, .. } => labels.len(),
            Target::Values(values) => values.len(),
        };
        // With no inputs every target row is a row (of nothing).
        let rows = x
            .len()
            .checked_div(inputs)
            .map_or(available, |rows| rows.min(available));
        // Row ids are u32 to keep the sorted runs small; no tree over more rows
        // would fit in memory anyway.
        let keep = |usable: &dyn Fn(usize) -> bool| -> Vec<usize> {
            (0..rows)
                .filter(|&r| usable(r))
                .take(u32::MAX as usize)
                .collect()
        };
        let (kept, target) = match target {
            Target::Classes { labels, classes } => {
                let kept = keep(&|r| labels[r] < classes.min(u32::MAX as usize));
                let labels = kept.iter().map(|&r| labels[r] as u32).collect();
                (kept, KeptTarget::Classes { labels, classes })
            }
            Target::Values(values) => {
                let kept = keep(&|r| values[r].is_finite());
                let values = kept.iter().map(|&r| values[r]).collect();
                (kept, KeptTarget::Values(values))
            }
        };
        let mut sorted = Vec::with_capacity(kept.len() * inputs);
        for feature in 0..inputs {
            let from = sorted.len();
            sorted.extend(
                kept.iter()
                    .enumerate()
                    .map(|(id, &r)| (key(x[r * inputs + feature]), id as u32)),
            );
            // Ordering equal values by row id makes the runs, and so the sums taken
            // along them, independent of the sort algorithm.
            sorted[from..].sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        }
        Presorted {
            inputs,
            kept,
            target,
            sorted,
        }
    }

    /// How many rows it holds.
    pub fn rows(&self) -> usize {
        self.kept.len()
    }

    /// The row of `x` each of its rows came from.
    pub fn kept(&self) -> &[usize] {
        &self.kept
    }

    /// The class labels of its rows, for a classification target.
    pub fn labels(&self) -> Option<&[u32]> {
        match &self.target {
            KeptTarget::Classes { labels, .. } => Some(labels),
            KeptTarget::Values(_) => None,
        }
    }

    /// The sorted runs, targets and counts of a sample holding row `r`
    /// `counts[r]` times: each row it holds once, with ids in row order, so the
    /// runs stay sorted by value and then id, as fresh sorting would leave them.
    fn sample<V: Copy>(&self, counts: &[u32], targets: &[V]) -> Sample<V> {
        let n = self.rows();
        let mut ids = vec![u32::MAX; n];
        let (mut kept, mut held) = (Vec::new(), Vec::new());
        for (r, &count) in counts.iter().enumerate().take(n) {
            if count > 0 {
                ids[r] = kept.len() as u32;
                kept.push(targets[r]);
                held.push(count);
            }
        }
        let mut runs = Vec::with_capacity(kept.len() * self.inputs);
        for feature in 0..self.inputs {
            runs.extend(
                self.sorted[feature * n..(feature + 1) * n]
                    .iter()
                    .filter(|&&(_, r)| ids[r as usize] != u32::MAX)
                    .map(|&(value, r)| (value, ids[r as usize])),
            );
        }
        Sample {
            runs,
            targets: kept,
            counts: held,
        }
    }
}

/// The rows a tree grows on, each once: its sorted runs, targets by id, and how
/// often the sample holds each.
struct Sample<V> {
    runs: Vec<(f32, u32)>,
    targets: Vec<V>,
    counts: Vec<u32>,
}

impl<V> Sample<V> {
    /// Each row's weight, its count times `of(target)`; `None` when every row
    /// weighs one, so that sums stay counts.
    fn weights(&self, of: impl Fn(&V) -> f64) -> Option<Vec<f64>> {
        let weights: Vec<f64> = self
            .targets
            .iter()
            .zip(&self.counts)
            .map(|(t, &c)| f64::from(c) * of(t))
            .collect();
        weights.iter().any(|&w| w != 1.0).then_some(weights)
    }
}

impl Grower {
    /// Prepares to grow a tree on the rows of `x` (row-major, `inputs` wide; rows
    /// = `x.len() / inputs`, and no more than the target has). Copies and sorts
    /// the inputs, so `x` may go.
    pub fn new(x: &[f64], inputs: usize, target: Target<'_>, params: TreeParams) -> Grower {
        let data = Presorted::new(x, inputs, target);
        Grower::sampled(&data, &vec![1; data.rows()], params)
    }

    /// Prepares to grow a tree on a sample of `data`'s rows, row `r` counted
    /// `counts[r]` times (a bootstrap sample; 0 leaves it out), without sorting.
    ///
    /// As in scikit-learn's forests, a row counted twice is one row of weight 2:
    /// one row to `min_samples_leaf` and `min_samples_split`, two to impurities
    /// and leaf values.
    pub fn sampled(data: &Presorted, counts: &[u32], params: TreeParams) -> Grower {
        Grower(match &data.target {
            KeptTarget::Classes { labels, classes } => {
                let sample = data.sample(counts, labels);
                let by_class = match params.class_weight {
                    ClassWeight::Uniform => vec![1.0; *classes],
                    ClassWeight::Balanced => balanced(labels, *classes, |_| 1),
                    ClassWeight::BalancedSubsample => {
                        balanced(&sample.targets, *classes, |id| sample.counts[id])
                    }
                };
                let weights = sample.weights(|&label| by_class[label as usize]);
                let n = sample.targets.len();
                let task = Classes {
                    labels: sample.targets,
                    classes: *classes,
                    entropy: params.criterion == Criterion::Entropy,
                    weights,
                };
                Growth::Classes(Growing::new(sample.runs, n, data.inputs, task, &params))
            }
            KeptTarget::Values(values) => {
                let sample = data.sample(counts, values);
                let task = Values {
                    weights: sample.weights(|_| 1.0),
                    values: sample.targets,
                };
                let n = task.values.len();
                Growth::Values(Growing::new(sample.runs, n, data.inputs, task, &params))
            }
        })
    }

    /// Searches a split for every open node of the current level and opens the
    /// children that may split further. Returns whether any node is still open,
    /// so `while grower.step() {}` grows the whole tree.
    pub fn step(&mut self) -> bool {
        match &mut self.0 {
            Growth::Classes(g) => g.step(),
            Growth::Values(g) => g.step(),
        }
    }

    /// The depth of the tree grown so far.
    pub fn depth_reached(&self) -> usize {
        match &self.0 {
            Growth::Classes(g) => g.depth_reached,
            Growth::Values(g) => g.depth_reached,
        }
    }

    /// The number of nodes grown so far.
    pub fn nodes(&self) -> usize {
        self.grown().len()
    }

    /// The tree grown so far.
    pub fn tree(&self) -> Tree {
        Tree {
            nodes: self.grown().to_vec(),
        }
    }

    /// The tree grown so far, without copying it.
    pub fn into_tree(self) -> Tree {
        Tree {
            nodes: match self.0 {
                Growth::Classes(g) => g.nodes,
                Growth::Values(g) => g.nodes,
            },
        }
    }

    fn grown(&self) -> &[Node] {
        match &self.0 {
            Growth::Classes(g) => &g.nodes,
            Growth::Values(g) => &g.nodes,
        }
    }
}

/// What a criterion needs of the targets: the sums that move from one side of a
/// split to the other, and what they say of impurity.
trait Task: std::fmt::Debug {
    /// Class counts, or the sum of the values.
    type Sums: Clone + std::fmt::Debug;
    fn zero(&self) -> Self::Sums;
    fn add(&self, sums: &mut Self::Sums, id: usize);
    fn remove(&self, sums: &mut Self::Sums, id: usize);
    /// `rest = total - part`.
    fn rest(&self, total: &Self::Sums, part: &Self::Sums, rest: &mut Self::Sums);
    /// What `n` rows with these sums weigh: `n` unless rows carry weights.
    fn weight(&self, sums: &Self::Sums, n: usize) -> f64;
    /// A child's sums, from `scanned` (what the split search left) or afresh
    /// over its rows `run`.
    fn child_sums(&self, scanned: Self::Sums, _run: &[(f32, u32)]) -> Self::Sums {
        scanned
    }
    /// The impurity of the rows of `run`, whose sums are `sums`.
    fn impurity(&self, sums: &Self::Sums, run: &[(f32, u32)]) -> f64;
    /// scikit-learn's `proxy_impurity_improvement`: larger is better, and it
    /// ranks the splits of one node as the impurity improvement does. `nl` and
    /// `nr` count the rows on each side.
    fn proxy(&self, left: &Self::Sums, right: &Self::Sums, nl: usize, nr: usize) -> f64;
    /// The impurities of `run[..pos]` and `run[pos..]` (scikit-learn's
    /// `children_impurity`).
    fn children_impurity(
        &self,
        left: &Self::Sums,
        right: &Self::Sums,
        run: &[(f32, u32)],
        pos: usize,
    ) -> (f64, f64);
    /// What a leaf over `n` rows with these sums predicts.
    fn value(&self, sums: &Self::Sums, n: usize) -> Vec<f64>;
}

/// Classification: labels by row id, as u32 so that more of them stay in cache
/// while a scan reads them in the order of a feature's values; Gini or entropy.
#[derive(Debug)]
struct Classes {
    labels: Vec<u32>,
    classes: usize,
    entropy: bool,
    /// Each row's weight by id; `None` when every row weighs one, so that the
    /// sums stay counts.
    weights: Option<Vec<f64>>,
}

impl Classes {
    fn impurity_of(&self, counts: &[f64], n: f64) -> f64 {
        if self.entropy {
            let mut h = 0.0;
            for &c in counts {
                if c > 0.0 {
                    let p = c / n;
                    // scikit-learn's `log` is ln(x) / ln(2).
                    h -= p * (p.ln() / std::f64::consts::LN_2);
                }
            }
            h
        } else {
            let squares: f64 = counts.iter().map(|c| c * c).sum();
            1.0 - squares / (n * n)
        }
    }
}

impl Task for Classes {
    type Sums = Vec<f64>;

    fn zero(&self) -> Vec<f64> {
        vec![0.0; self.classes]
    }

    fn add(&self, sums: &mut Vec<f64>, id: usize) {
        sums[self.labels[id] as usize] += self.weights.as_ref().map_or(1.0, |w| w[id]);
    }

    fn remove(&self, sums: &mut Vec<f64>, id: usize) {
        sums[self.labels[id] as usize] -= self.weights.as_ref().map_or(1.0, |w| w[id]);
    }

    fn rest(&self, total: &Vec<f64>, part: &Vec<f64>, rest: &mut Vec<f64>) {
        for ((r, t), p) in rest.iter_mut().zip(total).zip(part) {
            *r = t - p;
        }
    }

    fn weight(&self, sums: &Vec<f64>, n: usize) -> f64 {
        match self.weights {
            None => n as f64,
            Some(_) => sums.iter().sum(),
        }
    }

    /// Weighted counts afresh, as scikit-learn takes each node's: what the scan
    /// subtracted leaves rounding residue where a class has no rows, which would
    /// keep a pure child from counting as pure. Counts of unit weights are exact.
    fn child_sums(&self, scanned: Vec<f64>, run: &[(f32, u32)]) -> Vec<f64> {
        if self.weights.is_none() {
            return scanned;
        }
        let mut sums = self.zero();
        for &(_, id) in run {
            self.add(&mut sums, id as usize);
        }
        sums
    }

    fn impurity(&self, sums: &Vec<f64>, run: &[(f32, u32)]) -> f64 {
        self.impurity_of(sums, self.weight(sums, run.len()))
    }

    fn proxy(&self, left: &Vec<f64>, right: &Vec<f64>, nl: usize, nr: usize) -> f64 {
        let (wl, wr) = (self.weight(left, nl), self.weight(right, nr));
        -wr * self.impurity_of(right, wr) - wl * self.impurity_of(left, wl)
    }

    fn children_impurity(
        &self,
        left: &Vec<f64>,
        right: &Vec<f64>,
        run: &[(f32, u32)],
        pos: usize,
    ) -> (f64, f64) {
        (
            self.impurity_of(left, self.weight(left, pos)),
            self.impurity_of(right, self.weight(right, run.len() - pos)),
        )
    }

    fn value(&self, sums: &Vec<f64>, n: usize) -> Vec<f64> {
        let weight = self.weight(sums, n);
        if n == 0 || weight <= 0.0 {
            // No rows at all: every class equally likely.
            return vec![1.0 / sums.len() as f64; sums.len()];
        }
        sums.iter().map(|c| c / weight).collect()
    }
}

/// Regression: values by row id, and their weights; squared error.
#[derive(Debug)]
struct Values {
    values: Vec<f64>,
    /// Each row's weight by id; `None` when every row weighs one.
    weights: Option<Vec<f64>>,
}

/// What the rows of a node weigh, and their weighted sum of values.
#[derive(Debug, Clone, Copy)]
struct ValueSums {
    weight: f64,
    sum: f64,
}

impl Values {
    fn weight_of(&self, id: usize) -> f64 {
        self.weights.as_ref().map_or(1.0, |w| w[id])
    }

    /// The weighted sum of the squared values of `run`.
    fn squares(&self, run: &[(f32, u32)]) -> f64 {
        run.iter()
            .map(|&(_, id)| {
                let (id, y) = (id as usize, self.values[id as usize]);
                self.weight_of(id) * y * y
            })
            .sum()
    }
}

impl Task for Values {
    type Sums = ValueSums;

    fn zero(&self) -> ValueSums {
        ValueSums {
            weight: 0.0,
            sum: 0.0,
        }
    }

    fn add(&self, sums: &mut ValueSums, id: usize) {
        let w = self.weight_of(id);
        sums.weight += w;
        sums.sum += w * self.values[id];
    }

    fn remove(&self, sums: &mut ValueSums, id: usize) {
        let w = self.weight_of(id);
        sums.weight -= w;
        sums.sum -= w * self.values[id];
    }

    fn rest(&self, total: &ValueSums, part: &ValueSums, rest: &mut ValueSums) {
        rest.weight = total.weight - part.weight;
        rest.sum = total.sum - part.sum;
    }

    fn weight(&self, sums: &ValueSums, n: usize) -> f64 {
        match self.weights {
            None => n as f64,
            Some(_) => sums.weight,
        }
    }

    fn impurity(&self, sums: &ValueSums, run: &[(f32, u32)]) -> f64 {
        let w = self.weight(sums, run.len());
        self.squares(run) / w - (sums.sum / w).powi(2)
    }

    fn proxy(&self, left: &ValueSums, right: &ValueSums, nl: usize, nr: usize) -> f64 {
        let (wl, wr) = (self.weight(left, nl), self.weight(right, nr));
        left.sum * left.sum / wl + right.sum * right.sum / wr
    }

    fn children_impurity(
        &self,
        left: &ValueSums,
        right: &ValueSums,
        run: &[(f32, u32)],
        pos: usize,
    ) -> (f64, f64) {
        // As scikit-learn: the left's squares afresh, the right's as what remains
        // of the node's, which is what decides whether a child counts as pure.
        let squares_left = self.squares(&run[..pos]);
        let squares_right = self.squares(run) - squares_left;
        let (wl, wr) = (self.weight(left, pos), self.weight(right, run.len() - pos));
        (
            squares_left / wl - (left.sum / wl).powi(2),
            squares_right / wr - (right.sum / wr).powi(2),
        )
    }

    fn value(&self, sums: &ValueSums, n: usize) -> Vec<f64> {
        let w = self.weight(sums, n);
        // No rows at all: 0 rather than NaN, which would not survive JSON.
        vec![if n == 0 || w <= 0.0 {
            0.0
        } else {
            sums.sum / w
        }]
    }
}

/// A node whose split is still to be searched.
#[derive(Debug)]
struct Open<S> {
    node: usize,
    /// Its rows: `start..end` of every feature's run.
    start: usize,
    end: usize,
    /// Its impurity as its parent's split computed it; scikit-learn passes this
    /// down rather than recomputing it, and tests it against `EPSILON`.
    impurity: f64,
    sums: S,
}

/// The best split of a node found so far.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    feature: usize,
    /// Rows going left: the first `pos` of the node's run sorted by `feature`.
    pos: usize,
    threshold: f64,
    proxy: f64,
}

#[derive(Debug)]
struct Growing<T: Task> {
    task: T,
    inputs: usize,
    rows: usize,
    /// What all the rows weigh.
    weight: f64,
    max_depth: usize,
    min_samples_split: usize,
    min_samples_leaf: usize,
    max_features: usize,
    /// For every feature, `rows` pairs of (value as compared, row id); each open
    /// node owns the same range `start..end` in every feature, sorted by that
    /// feature.
    runs: Vec<(f32, u32)>,
    /// The visiting order of the features, permuted in place per node when
    /// `max_features < inputs` (as scikit-learn permutes its `features`).
    order: Vec<usize>,
    rng: SplitMix64,
    goes_left: Vec<bool>,
    spill: Vec<(f32, u32)>,
    nodes: Vec<Node>,
    open: Vec<Open<T::Sums>>,
    /// The depth of the nodes in `open`.
    depth: usize,
    depth_reached: usize,
}

impl<T: Task> Growing<T> {
    /// `runs`: for every feature, every row's (value as compared, id) sorted by
    /// value and then id; ids index `task`'s targets.
    /// `n` rows, so that with no inputs (and no runs) the root still holds them.
    fn new(runs: Vec<(f32, u32)>, n: usize, inputs: usize, task: T, params: &TreeParams) -> Self {
        let min_samples_leaf = params.min_samples_leaf.max(1);
        let mut growing = Growing {
            task,
            inputs,
            rows: n,
            weight: n as f64,
            max_depth: params.max_depth.unwrap_or(usize::MAX),
            // scikit-learn raises min_samples_split to 2 * min_samples_leaf too.
            min_samples_split: params
                .min_samples_split
                .max(2)
                .max(min_samples_leaf.saturating_mul(2)),
            min_samples_leaf,
            max_features: params.max_features.clamp(1, inputs.max(1)),
            runs,
            order: (0..inputs).collect(),
            rng: SplitMix64::new(params.random_state),
            goes_left: vec![false; n],
            spill: Vec::new(),
            nodes: Vec::new(),
            open: Vec::new(),
            depth: 0,
            depth_reached: 0,
        };
        // The root's rows in id order; with no inputs there is no run to take them
        // from.
        let all: Vec<(f32, u32)> = (0..n as u32).map(|id| (0.0, id)).collect();
        let sums = growing.sums(&all);
        growing.weight = growing.task.weight(&sums, n);
        let impurity = growing.task.impurity(&sums, &all);
        growing.add_node(0, n, impurity, sums);
        growing
    }

    fn step(&mut self) -> bool {
        for open in std::mem::take(&mut self.open) {
            self.expand(open);
        }
        self.depth += 1;
        !self.open.is_empty()
    }

    fn sums(&self, run: &[(f32, u32)]) -> T::Sums {
        let mut sums = self.task.zero();
        for &(_, id) in run {
            self.task.add(&mut sums, id as usize);
        }
        sums
    }

    fn run(&self, feature: usize, start: usize, end: usize) -> &[(f32, u32)] {
        &self.runs[feature * self.rows + start..feature * self.rows + end]
    }

    /// Adds a leaf over rows `start..end` (the root, or a child of a node of the
    /// current level) and queues it unless one of scikit-learn's stopping rules
    /// keeps it a leaf.
    fn add_node(&mut self, start: usize, end: usize, impurity: f64, sums: T::Sums) {
        let node = self.nodes.len();
        let depth = if node == 0 { 0 } else { self.depth + 1 };
        let n = end - start;
        self.nodes.push(Node::Leaf {
            value: self.task.value(&sums, n),
        });
        self.depth_reached = self.depth_reached.max(depth);
        let leaf = depth >= self.max_depth
            || n < self.min_samples_split
            || impurity <= EPSILON
            || self.inputs == 0;
        if !leaf {
            self.open.push(Open {
                node,
                start,
                end,
                impurity,
                sums,
            });
        }
    }

    fn expand(&mut self, open: Open<T::Sums>) {
        let Some(best) = self.best_split(&open) else {
            return;
        };
        // Sliced from the field rather than through `run()`, so that `goes_left`
        // can be written below while this is read.
        let base = best.feature * self.rows;
        let run = &self.runs[base + open.start..base + open.end];
        let mut scan = Scan::new(&self.task, &open.sums, run.len());
        scan.update(run, best.pos);
        let (impurity_left, impurity_right) =
            self.task
                .children_impurity(&scan.left, &scan.right, run, best.pos);
        // scikit-learn's impurity_improvement, weighted by the node's share of
        // all rows; with min_impurity_decrease = 0 this only refuses a split that
        // rounding makes worse than no split.
        let (n, wl, wr) = (
            self.task.weight(&open.sums, run.len()),
            self.task.weight(&scan.left, best.pos),
            self.task.weight(&scan.right, run.len() - best.pos),
        );
        let improvement =
            (n / self.weight) * (open.impurity - wr / n * impurity_right - wl / n * impurity_left);
        if improvement + EPSILON < 0.0 {
            return;
        }
        let sums_left = self.task.child_sums(scan.left, &run[..best.pos]);
        let sums_right = self.task.child_sums(scan.right, &run[best.pos..]);

        for (i, &(_, id)) in run.iter().enumerate() {
            self.goes_left[id as usize] = i < best.pos;
        }
        self.partition(open.start, open.end);

        let mid = open.start + best.pos;
        let left = self.nodes.len();
        self.nodes[open.node] = Node::Split {
            feature: best.feature,
            threshold: best.threshold,
            left,
            right: left + 1,
        };
        self.add_node(open.start, mid, impurity_left, sums_left);
        self.add_node(mid, open.end, impurity_right, sums_right);
    }

    /// The best split of `open`'s rows over the features tried, if any leaves
    /// `min_samples_leaf` rows on both sides.
    fn best_split(&mut self, open: &Open<T::Sums>) -> Option<Candidate> {
        let n = open.end - open.start;
        let mut best: Option<Candidate> = None;
        let mut found_varying = false;
        for i in 0..self.inputs {
            // scikit-learn's rule: stop after max_features, but not before one of
            // them varies.
            if i >= self.max_features && found_varying {
                break;
            }
            if self.max_features < self.inputs {
                let j = i + (self.rng.next_u64() % (self.inputs - i) as u64) as usize;
                self.order.swap(i, j);
            }
            let feature = self.order[i];
            let run = self.run(feature, open.start, open.end);
            if run[n - 1].0 <= run[0].0 + FEATURE_THRESHOLD {
                continue;
            }
            found_varying = true;

            let mut scan = Scan::new(&self.task, &open.sums, n);
            // Candidates leave min_samples_leaf rows on each side; add_node
            // opened only nodes with at least twice that many.
            for pos in self.min_samples_leaf..=n - self.min_samples_leaf {
                if run[pos].0 <= run[pos - 1].0 + FEATURE_THRESHOLD {
                    continue;
                }
                scan.update(run, pos);
                let proxy = self.task.proxy(&scan.left, &scan.right, pos, n - pos);
                if best.is_none_or(|b| proxy > b.proxy) {
                    best = Some(Candidate {
                        feature,
                        pos,
                        threshold: threshold(run[pos - 1].0, run[pos].0),
                        proxy,
                    });
                }
            }
        }
        best
    }

    /// Splits `start..end` of every feature's run into the rows going left, then
    /// those going right, each kept in sorted order.
    ///
    /// Each entry is written to both places and only the right counter moves:
    /// which side a row goes is as good as random along another feature's order,
    /// so a branch on it would be mispredicted half the time.
    fn partition(&mut self, start: usize, end: usize) {
        let rows = self.rows;
        self.spill.resize(end - start, (0.0, 0));
        for feature in 0..self.inputs {
            let run = &mut self.runs[feature * rows + start..feature * rows + end];
            let (mut kept, mut spilled) = (0, 0);
            for i in 0..run.len() {
                let entry = run[i];
                let left = usize::from(self.goes_left[entry.1 as usize]);
                run[kept] = entry;
                self.spill[spilled] = entry;
                kept += left;
                spilled += 1 - left;
            }
            run[kept..].copy_from_slice(&self.spill[..spilled]);
        }
    }
}

/// One node's split search along one sorted run: scikit-learn's `Criterion`, with
/// the rows `..pos` on the left.
#[derive(Debug)]
struct Scan<'a, T: Task> {
    task: &'a T,
    total: &'a T::Sums,
    left: T::Sums,
    right: T::Sums,
    n: usize,
    pos: usize,
}

impl<'a, T: Task> Scan<'a, T> {
    fn new(task: &'a T, total: &'a T::Sums, n: usize) -> Self {
        Scan {
            task,
            total,
            left: task.zero(),
            right: total.clone(),
            n,
            pos: 0,
        }
    }

    /// Moves the rows `pos..new_pos` of `run` to the left. Like scikit-learn it
    /// adds from `pos` or subtracts from the end, whichever touches fewer rows, so
    /// that sums of values round as scikit-learn's do.
    fn update(&mut self, run: &[(f32, u32)], new_pos: usize) {
        if new_pos - self.pos <= self.n - new_pos {
            for &(_, id) in &run[self.pos..new_pos] {
                self.task.add(&mut self.left, id as usize);
            }
        } else {
            self.left = self.total.clone();
            for &(_, id) in run[new_pos..].iter().rev() {
                self.task.remove(&mut self.left, id as usize);
            }
        }
        self.task.rest(self.total, &self.left, &mut self.right);
        self.pos = new_pos;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(criterion: Criterion, inputs: usize) -> TreeParams {
        TreeParams {
            criterion,
            max_depth: None,
            min_samples_split: 2,
            min_samples_leaf: 1,
            max_features: inputs,
            random_state: 0,
            class_weight: ClassWeight::Uniform,
        }
    }

    fn classes(labels: &[usize], classes: usize) -> Target<'_> {
        Target::Classes { labels, classes }
    }

    /// Inputs uniform in [-1, 1) and a two-class label that depends on three of
    /// them, flipped for one row in ten so that the tree has to grow deep.
    fn noisy(rows: usize, inputs: usize, seed: u64) -> (Vec<f64>, Vec<usize>) {
        let mut rng = SplitMix64::new(seed);
        let x: Vec<f64> = (0..rows * inputs)
            .map(|_| f64::from(rng.next_unit()))
            .collect();
        let labels = x
            .chunks(inputs)
            .map(|row| {
                let clean = usize::from(row[0] + row[1 % inputs] * row[inputs - 1] > 0.0);
                if rng.next_u64().is_multiple_of(10) {
                    1 - clean
                } else {
                    clean
                }
            })
            .collect();
        (x, labels)
    }

    fn split(feature: usize, threshold: f64, left: usize, right: usize) -> Node {
        Node::Split {
            feature,
            threshold,
            left,
            right,
        }
    }

    fn leaf(value: &[f64]) -> Node {
        Node::Leaf {
            value: value.to_vec(),
        }
    }

    #[test]
    fn separates_a_one_dimensional_set_between_the_classes() {
        let x = [1.0, 2.0, 3.0, 10.0, 11.0, 12.0];
        let tree = fit(
            &x,
            1,
            classes(&[0, 0, 0, 1, 1, 1], 2),
            params(Criterion::Gini, 1),
        );
        assert_eq!(
            tree.nodes,
            vec![split(0, 6.5, 1, 2), leaf(&[1.0, 0.0]), leaf(&[0.0, 1.0])]
        );
        assert_eq!((tree.depth(), tree.leaves()), (1, 2));
        assert_eq!(tree.predict(&[6.5]), &[1.0, 0.0]);
        assert_eq!(tree.predict(&[6.6]), &[0.0, 1.0]);
    }

    #[test]
    fn thresholds_are_midpoints_of_the_f32_values() {
        let tree = fit(
            &[0.1, 0.2],
            1,
            classes(&[0, 1], 2),
            params(Criterion::Gini, 1),
        );
        let Node::Split { threshold, .. } = tree.nodes[0] else {
            panic!("splits: {tree:?}");
        };
        let expected = f64::from(0.1f32) / 2.0 + f64::from(0.2f32) / 2.0;
        assert_eq!(threshold, expected);
        assert_ne!(threshold, 0.15);
        assert_eq!(tree.predict(&[0.1]), &[1.0, 0.0]);
        assert_eq!(tree.predict(&[0.2]), &[0.0, 1.0]);
    }

    #[test]
    fn gini_and_entropy_choose_their_own_best_split() {
        // Gini's weighted impurities by threshold: 1.5 → 2.5, 2.5 → 2.67;
        // entropy's: 1.5 → 6.0 bits, 2.5 → 5.51 bits.
        let x = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0];
        let labels = [2, 2, 1, 0, 2, 0];
        let stump = |criterion| {
            let params = TreeParams {
                max_depth: Some(1),
                ..params(criterion, 1)
            };
            match fit(&x, 1, classes(&labels, 3), params).nodes[0] {
                Node::Split { threshold, .. } => threshold,
                Node::Leaf { .. } => f64::NAN,
            }
        };
        assert_eq!(stump(Criterion::Gini), 1.5);
        assert_eq!(stump(Criterion::Entropy), 2.5);
    }

    #[test]
    fn min_samples_leaf_is_honoured() {
        // Without the limit row 0 would be cut off alone; with 2 rows a side the
        // best is 1.5, whose left side is too small to split again.
        let x = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0];
        let limited = TreeParams {
            min_samples_leaf: 2,
            ..params(Criterion::Gini, 1)
        };
        let tree = fit(&x, 1, classes(&[1, 0, 0, 0, 0, 0], 2), limited);
        assert_eq!(
            tree.nodes,
            vec![split(0, 1.5, 1, 2), leaf(&[0.5, 0.5]), leaf(&[1.0, 0.0])]
        );

        let (x, labels) = noisy(300, 3, 1);
        let limited = TreeParams {
            min_samples_leaf: 7,
            ..params(Criterion::Gini, 3)
        };
        let tree = fit(&x, 3, classes(&labels, 2), limited);
        assert!(tree.leaves() > 5, "{}", tree.leaves());
        let mut rows = vec![Vec::new(); tree.nodes.len()];
        for (row, &label) in x.chunks(3).zip(&labels) {
            rows[tree.leaf_of(row)].push(label);
        }
        for (node, labels) in tree.nodes.iter().zip(&rows) {
            if let Node::Leaf { value } = node {
                assert!(labels.len() >= 7, "a leaf of {} rows", labels.len());
                let ones = labels.iter().filter(|&&l| l == 1).count() as f64;
                let n = labels.len() as f64;
                assert_eq!(value, &[(n - ones) / n, ones / n]);
            }
        }
    }

    #[test]
    fn max_depth_is_honoured() {
        let (x, labels) = noisy(200, 2, 2);
        let unlimited = fit(&x, 2, classes(&labels, 2), params(Criterion::Gini, 2));
        assert!(unlimited.depth() > 4, "{}", unlimited.depth());
        for depth in [0, 1, 4] {
            let limited = TreeParams {
                max_depth: Some(depth),
                ..params(Criterion::Gini, 2)
            };
            assert_eq!(fit(&x, 2, classes(&labels, 2), limited).depth(), depth);
        }
    }

    #[test]
    fn regression_leaves_hold_the_means() {
        let x = [0.0, 1.0, 2.0, 3.0];
        let y = [1.0, 2.0, 5.0, 6.0];
        let stump = TreeParams {
            max_depth: Some(1),
            ..params(Criterion::SquaredError, 1)
        };
        // Proxies Σ²/n per side: 1.5 → 9/2 + 121/2 = 65 beats 0.5 → 58.3 and
        // 2.5 → 57.3.
        assert_eq!(
            fit(&x, 1, Target::Values(&y), stump).nodes,
            vec![split(0, 1.5, 1, 2), leaf(&[1.5]), leaf(&[5.5])]
        );
        let full = fit(
            &x,
            1,
            Target::Values(&y),
            params(Criterion::SquaredError, 1),
        );
        assert_eq!(full.leaves(), 4);
        for (row, value) in x.iter().zip(y) {
            assert_eq!(full.predict(&[*row]), &[value]);
        }
    }

    #[test]
    fn ties_go_to_the_lowest_feature_and_the_first_threshold() {
        // Both features separate the classes perfectly.
        let x = [10.0, 0.0, 11.0, 1.0, 12.0, 2.0, 13.0, 3.0];
        let tree = fit(&x, 2, classes(&[0, 0, 1, 1], 2), params(Criterion::Gini, 2));
        assert_eq!(tree.nodes[0], split(0, 11.5, 1, 2));

        // 0.5 and 2.5 each cut off one pure row and leave {0, 1, 1}.
        let tree = fit(
            &[0.0, 1.0, 2.0, 3.0],
            1,
            classes(&[0, 1, 1, 0], 2),
            params(Criterion::Gini, 1),
        );
        assert_eq!(tree.nodes[0], split(0, 0.5, 1, 2));
    }

    #[test]
    fn one_row_is_one_leaf() {
        let tree = fit(&[5.0], 1, classes(&[1], 2), params(Criterion::Gini, 1));
        assert_eq!(tree.nodes, vec![leaf(&[0.0, 1.0])]);
        assert_eq!((tree.depth(), tree.leaves()), (0, 1));
        let tree = fit(
            &[5.0, 6.0],
            2,
            Target::Values(&[3.5]),
            params(Criterion::SquaredError, 2),
        );
        assert_eq!(tree.nodes, vec![leaf(&[3.5])]);
    }

    #[test]
    fn a_constant_feature_is_never_split() {
        let labels = [0, 1, 0, 1];
        let tree = fit(
            &[3.0; 4],
            1,
            classes(&labels, 2),
            params(Criterion::Gini, 1),
        );
        assert_eq!(tree.nodes, vec![leaf(&[0.5, 0.5])]);

        // Equal once rounded to f32, or neighbours within FEATURE_THRESHOLD there.
        for gap in [1e-12, 1.2e-7] {
            let tree = fit(
                &[1.0, 1.0 + gap],
                1,
                classes(&[0, 1], 2),
                params(Criterion::Gini, 1),
            );
            assert_eq!(tree.nodes, vec![leaf(&[0.5, 0.5])], "gap {gap}");
        }

        let x = [7.0, 0.0, 7.0, 1.0, 7.0, 2.0, 7.0, 3.0];
        let tree = fit(&x, 2, classes(&labels, 2), params(Criterion::Gini, 2));
        assert!(
            tree.nodes
                .iter()
                .all(|n| !matches!(n, Node::Split { feature: 0, .. }))
        );
        assert_eq!(tree.leaves(), 4);
    }

    #[test]
    fn growing_level_by_level_gives_the_fitted_tree_at_every_depth() {
        let (x, labels) = noisy(400, 4, 3);
        let full = fit(&x, 4, classes(&labels, 2), params(Criterion::Entropy, 4));
        let mut grower = Grower::new(&x, 4, classes(&labels, 2), params(Criterion::Entropy, 4));
        assert_eq!((grower.depth_reached(), grower.nodes()), (0, 1));
        let mut steps = 0;
        loop {
            let more = grower.step();
            steps += 1;
            let limited = TreeParams {
                max_depth: Some(steps),
                ..params(Criterion::Entropy, 4)
            };
            let tree = grower.tree();
            assert_eq!(
                tree,
                fit(&x, 4, classes(&labels, 2), limited),
                "step {steps}"
            );
            assert_eq!(grower.depth_reached(), tree.depth());
            assert_eq!(grower.nodes(), tree.nodes.len());
            if !more {
                break;
            }
        }
        assert_eq!(steps, full.depth());
        assert!(!grower.step());
        assert_eq!(grower.into_tree(), full);
    }

    #[test]
    fn drawn_features_give_the_same_tree_for_the_same_seed() {
        let (x, labels) = noisy(300, 8, 4);
        let drawn = |random_state| TreeParams {
            max_features: 2,
            random_state,
            ..params(Criterion::Gini, 8)
        };
        let tree = |seed| fit(&x, 8, classes(&labels, 2), drawn(seed));
        assert_eq!(tree(7), tree(7));
        let trees: Vec<Tree> = (0..5).map(tree).collect();
        assert!(trees.iter().any(|t| *t != trees[0]));
    }

    #[test]
    fn drawing_features_goes_on_past_constant_ones() {
        // Only the last of five features varies; with one feature a node, the
        // draw continues until it comes up, as scikit-learn's does.
        let mut x = vec![1.0; 5 * 6];
        for row in 0..6 {
            x[row * 5 + 4] = row as f64;
        }
        for random_state in 0..10 {
            let one = TreeParams {
                max_features: 1,
                random_state,
                ..params(Criterion::Gini, 5)
            };
            let tree = fit(&x, 5, classes(&[0, 0, 0, 1, 1, 1], 2), one);
            assert_eq!(tree.nodes[0], split(4, 2.5, 1, 2), "seed {random_state}");
        }
    }

    #[test]
    fn missing_and_overflowing_inputs_sort_to_the_ends() {
        // NaN is below every number: it goes left, even of the lowest threshold.
        let tree = fit(
            &[f64::NAN, 1.0, 2.0],
            1,
            classes(&[1, 0, 0], 2),
            params(Criterion::Gini, 1),
        );
        assert_eq!(tree.nodes[0], split(0, f64::MIN, 1, 2));
        assert_eq!(tree.predict(&[f64::NAN]), &[0.0, 1.0]);
        assert_eq!(tree.predict(&[-3e38]), &[1.0, 0.0]);
        assert_eq!(tree.predict(&[]), &[0.0, 1.0]);

        // Past f32's range a value is infinite, and the threshold below it finite.
        let tree = fit(
            &[1.0, 2.0, 1e300],
            1,
            classes(&[0, 0, 1], 2),
            params(Criterion::Gini, 1),
        );
        assert_eq!(tree.nodes[0], split(0, 2.0, 1, 2));
        assert_eq!(tree.predict(&[f64::INFINITY]), &[0.0, 1.0]);

        let json = serde_json::to_string(&tree).expect("serializes");
        assert_eq!(serde_json::from_str::<Tree>(&json).expect("reads"), tree);
    }

    #[test]
    fn degenerate_inputs_give_a_leaf() {
        let gini = params(Criterion::Gini, 3);
        let uniform = [1.0 / 3.0; 3];
        assert_eq!(
            fit(&[], 3, classes(&[], 3), gini.clone()).nodes,
            vec![leaf(&uniform)]
        );
        // Without inputs every label is a row of nothing.
        assert_eq!(
            fit(&[], 0, classes(&[0, 0, 1, 2], 3), gini.clone()).nodes,
            vec![leaf(&[0.5, 0.25, 0.25])]
        );
        // Labels outside the classes, and rows x does not have, are left out.
        assert_eq!(
            fit(&[1.0, 2.0], 1, classes(&[0, 5, 1], 2), gini.clone()).nodes,
            vec![leaf(&[1.0, 0.0])]
        );
        assert_eq!(
            fit(&[1.0], 1, classes(&[0], 0), gini.clone()).nodes,
            vec![leaf(&[])]
        );
        assert_eq!(
            fit(
                &[1.0, 2.0, 3.0],
                1,
                Target::Values(&[f64::NAN, f64::INFINITY, 4.0]),
                gini.clone()
            )
            .nodes,
            vec![leaf(&[4.0])]
        );
        assert_eq!(
            fit(&[], 2, Target::Values(&[]), gini).nodes,
            vec![leaf(&[0.0])]
        );
        // Out-of-range parameters are brought into range.
        let odd = TreeParams {
            criterion: Criterion::SquaredError,
            max_depth: None,
            min_samples_split: 0,
            min_samples_leaf: 0,
            max_features: 0,
            random_state: 0,
            class_weight: ClassWeight::Uniform,
        };
        let tree = fit(&[0.0, 1.0], 1, classes(&[0, 1], 2), odd);
        assert_eq!(tree.leaves(), 2);
    }

    #[test]
    fn malformed_trees_answer_without_looping() {
        let empty = Tree { nodes: Vec::new() };
        assert_eq!(
            (empty.depth(), empty.leaves(), empty.leaf_of(&[1.0])),
            (0, 0, 0)
        );
        assert!(empty.predict(&[1.0]).is_empty());
        let cyclic = Tree {
            nodes: vec![split(0, 0.5, 0, 7)],
        };
        assert_eq!((cyclic.depth(), cyclic.leaves()), (0, 0));
        assert!(cyclic.predict(&[0.0]).is_empty());
        assert!(cyclic.predict(&[1.0]).is_empty());
    }

    #[test]
    fn trees_are_stored_as_tagged_nodes() {
        let tree = Tree {
            nodes: vec![split(1, 0.25, 1, 2), leaf(&[1.0, 0.0]), leaf(&[0.0, 1.0])],
        };
        let json = serde_json::to_string(&tree).expect("serializes");
        assert_eq!(
            json,
            r#"{"nodes":[{"kind":"split","feature":1,"threshold":0.25,"left":1,"right":2},{"kind":"leaf","value":[1.0,0.0]},{"kind":"leaf","value":[0.0,1.0]}]}"#
        );
        assert_eq!(serde_json::from_str::<Tree>(&json).expect("reads"), tree);
        assert_eq!(
            serde_json::to_string(&Criterion::SquaredError).expect("serializes"),
            r#""squared_error""#
        );
    }

    /// Speed check, run in release:
    /// `cargo test --release -p studio-core --lib model::tree -- --ignored --nocapture`.
    #[test]
    #[ignore = "timing; run in release"]
    fn fits_100k_rows_of_20_features_in_seconds() {
        let (rows, inputs) = (100_000, 20);
        let (x, labels) = noisy(rows, inputs, 5);
        let start = std::time::Instant::now();
        let tree = fit(
            &x,
            inputs,
            classes(&labels, 2),
            params(Criterion::Gini, inputs),
        );
        let classified = start.elapsed();
        let values: Vec<f64> = x.chunks(inputs).map(|r| r[0] + r[1] * r[2]).collect();
        let start = std::time::Instant::now();
        let regression = fit(
            &x,
            inputs,
            Target::Values(&values),
            params(Criterion::SquaredError, inputs),
        );
        let regressed = start.elapsed();
        println!(
            "{rows} x {inputs}: gini {classified:?} (depth {}, {} leaves), \
             squared error {regressed:?} (depth {}, {} leaves)",
            tree.depth(),
            tree.leaves(),
            regression.depth(),
            regression.leaves()
        );
        assert!(classified.as_secs_f64() < 5.0 && regressed.as_secs_f64() < 5.0);
    }
}

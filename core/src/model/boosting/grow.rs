//! One boosting tree grown leaf-wise on binned features, as LightGBM and
//! scikit-learn's `HistGradientBoosting` grow theirs: every open leaf knows its
//! best split, and the leaf whose split gains most is split next, until
//! `max_leaf_nodes` leaves, `max_depth`, or no split gains anything.
//!
//! A leaf's best split comes from its histogram: per feature and bin, the sums of
//! the rows' gradients and hessians and the row count. Only the smaller child's
//! histogram is built from its rows; the larger one's is its parent's minus it.
//! Histograms are built over the features on several threads natively.
//!
//! Gradients and hessians are f32, as scikit-learn keeps them (half the memory
//! a histogram pass reads), summed in f64.
//!
//! The gain of a split is scikit-learn's `_split_gain`,
//! `G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ)`, and a leaf's value is
//! `−shrinkage · G/(H+λ)`. Where the training rows had missing values for a
//! feature, each cut is tried with them on the left and on the right, and the
//! split keeps the better; where they had none, missing values follow the child
//! with more rows.

use serde::{Deserialize, Serialize};

use super::bins::{Binned, MISSING};
use super::histograms::{Histograms, OnGpu, pays_on_gpu};
use crate::compute::ComputeError;
use crate::parallel;

/// scikit-learn's `min_hessian_to_split`.
const MIN_HESSIAN: f64 = 1e-3;

#[derive(Debug, Clone, PartialEq)]
pub struct GrowParams {
    pub max_leaf_nodes: Option<usize>,
    pub max_depth: Option<usize>,
    pub min_samples_leaf: usize,
    pub l2_regularization: f64,
    pub learning_rate: f64,
}

/// A boosting tree; node 0 is the root and every child comes after its parent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tree {
    pub nodes: Vec<Node>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Node {
    /// Rows whose `feature`, rounded to f32, is at most `threshold` go `left`,
    /// the others `right`; a missing value goes left when `missing_left`.
    Split {
        feature: usize,
        threshold: f64,
        missing_left: bool,
        left: usize,
        right: usize,
    },
    /// What the tree adds to the raw score.
    Leaf { value: f64 },
}

impl Tree {
    /// The value of the leaf `row` ends in; a damaged tree answers 0.
    pub fn predict(&self, row: &[f64]) -> f64 {
        let mut at = 0;
        loop {
            match self.nodes.get(at) {
                Some(Node::Leaf { value }) => return *value,
                Some(Node::Split {
                    feature,
                    threshold,
                    missing_left,
                    left,
                    right,
                }) => {
                    let value = f64::from(row.get(*feature).copied().unwrap_or(f64::NAN) as f32);
                    let next = if value.is_nan() {
                        if *missing_left { *left } else { *right }
                    } else if value <= *threshold {
                        *left
                    } else {
                        *right
                    };
                    if next <= at {
                        return 0.0;
                    }
                    at = next;
                }
                None => return 0.0,
            }
        }
    }

    /// Children come after their parents and inside the tree, features inside
    /// `inputs`, and every value is finite.
    pub fn check(&self, inputs: usize) -> Result<(), String> {
        let n = self.nodes.len();
        if n == 0 {
            return Err("a tree has no nodes".into());
        }
        for (i, node) in self.nodes.iter().enumerate() {
            let fine = match node {
                Node::Split {
                    feature,
                    threshold,
                    left,
                    right,
                    ..
                } => {
                    *feature < inputs
                        && !threshold.is_nan()
                        && *left > i
                        && *right > i
                        && *left < n
                        && *right < n
                }
                Node::Leaf { value } => value.is_finite(),
            };
            if !fine {
                return Err(format!(
                    "node {i} points outside the tree or holds no number"
                ));
            }
        }
        Ok(())
    }

    /// The number of leaves.
    pub fn leaves(&self) -> usize {
        self.nodes
            .iter()
            .filter(|n| matches!(n, Node::Leaf { .. }))
            .count()
    }
}

/// numpy's pairwise summation (`DOUBLE_pairwise_sum`), so that totals round as
/// scikit-learn's do: a split's gain is compared against others' to the last bit
/// when two features separate the same rows.
fn pairwise_sum(a: &[f64]) -> f64 {
    let n = a.len();
    if n < 8 {
        let mut sum = -0.0;
        for &v in a {
            sum += v;
        }
        sum
    } else if n <= 128 {
        let mut r = [0.0; 8];
        r.copy_from_slice(&a[..8]);
        let whole = n - n % 8;
        for chunk in a[8..whole].chunks_exact(8) {
            for (acc, &v) in r.iter_mut().zip(chunk) {
                *acc += v;
            }
        }
        let mut sum = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for &v in &a[whole..] {
            sum += v;
        }
        sum
    } else {
        let half = n / 2;
        let half = half - half % 8;
        pairwise_sum(&a[..half]) + pairwise_sum(&a[half..])
    }
}

/// One histogram bin's sums.
#[derive(Debug, Clone, Copy, Default)]
pub struct Bin {
    pub g: f64,
    pub h: f64,
    pub n: u32,
}

impl Bin {
    fn add(&mut self, other: Bin) {
        self.g += other.g;
        self.h += other.h;
        self.n += other.n;
    }

    fn minus(self, other: Bin) -> Bin {
        Bin {
            g: self.g - other.g,
            h: self.h - other.h,
            n: self.n - other.n,
        }
    }
}

/// Bins per feature in a histogram: 255 values and the missing one.
const WIDTH: usize = MISSING as usize + 1;

/// Features whose histograms one pass over a node's rows fills: their bins are
/// apart, so one row's additions overlap rather than wait on each other, and the
/// rows, gradients and hessians are read once for all of them.
const GROUP: usize = 4;

/// Adds each row's gradient `og`, hessian `oh` and count into the bin of its
/// code in each of the `K` columns: the rows `listed` (in the order the
/// gradients were gathered), or every row in order. Each bin still takes its
/// rows in order, so the sums are the same bits as one feature at a time.
fn accumulate<const K: usize>(
    columns: [&[u8]; K],
    bins: &mut [[Bin; WIDTH]],
    listed: Option<&[u32]>,
    og: &[f32],
    oh: &[f32],
) {
    // Fixed-size arrays: a u8 code always indexes them, unchecked.
    let Ok(bins) = <&mut [[Bin; WIDTH]; K]>::try_from(bins) else {
        return;
    };
    let mut add = |r: usize, g: f32, h: f32| {
        let (g, h) = (f64::from(g), f64::from(h));
        for (bins, column) in bins.iter_mut().zip(&columns) {
            let bin = &mut bins[column[r] as usize];
            bin.g += g;
            bin.h += h;
            bin.n += 1;
        }
    };
    match listed {
        Some(rows) => {
            for ((&r, &g), &h) in rows.iter().zip(og).zip(oh) {
                add(r as usize, g, h);
            }
        }
        None => {
            for (r, (&g, &h)) in og.iter().zip(oh).enumerate() {
                add(r, g, h);
            }
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Split {
    gain: f64,
    feature: usize,
    /// Rows with a code at most this go left.
    bin: u8,
    missing_left: bool,
    left: Bin,
    right: Bin,
}

/// A leaf that may still split.
struct Open {
    node: usize,
    start: usize,
    end: usize,
    depth: usize,
    histogram: Vec<Bin>,
    /// Its rows' gradient, hessian and count totals.
    sums: Bin,
    best: Option<Split>,
}

/// The leaves that may split, kept as Python's `heapq` keeps scikit-learn's
/// (a binary heap in which the larger gain comes first), so that when gains tie
/// the same leaf splits next and a tree capped by `max_leaf_nodes` ends the same.
#[derive(Default)]
struct Splittable(Vec<Open>);

impl Splittable {
    fn len(&self) -> usize {
        self.0.len()
    }

    fn first(a: &Open, b: &Open) -> bool {
        let gain = |o: &Open| o.best.map_or(f64::NEG_INFINITY, |s| s.gain);
        gain(a) > gain(b)
    }

    /// `heapq._siftdown`.
    fn sift_down(&mut self, start: usize, mut pos: usize) {
        let heap = &mut self.0;
        while pos > start {
            let parent = (pos - 1) >> 1;
            if Self::first(&heap[pos], &heap[parent]) {
                heap.swap(pos, parent);
                pos = parent;
            } else {
                break;
            }
        }
    }

    fn push(&mut self, open: Open) {
        self.0.push(open);
        let last = self.0.len() - 1;
        self.sift_down(0, last);
    }

    /// `heapq.heappop`: the last leaf replaces the first and sinks by `_siftup`.
    fn pop(&mut self) -> Option<Open> {
        let last = self.0.pop()?;
        if self.0.is_empty() {
            return Some(last);
        }
        let top = std::mem::replace(&mut self.0[0], last);
        let end = self.0.len();
        let mut pos = 0;
        let mut child = 1;
        while child < end {
            let right = child + 1;
            if right < end && !Self::first(&self.0[child], &self.0[right]) {
                child = right;
            }
            self.0.swap(pos, child);
            pos = child;
            child = 2 * pos + 1;
        }
        self.sift_down(0, pos);
        Some(top)
    }
}

/// What grows every tree of one fit: the binned rows and, per feature, its bins
/// and whether the training rows had missing values in it.
pub struct Grower<'a> {
    pub binned: &'a Binned,
    /// Bins besides the missing one, per feature.
    pub bins: &'a [usize],
    pub has_missing: &'a [bool],
    pub edges: &'a [Vec<f64>],
    pub params: &'a GrowParams,
}

/// A grown tree and, for each row, the value its leaf adds.
pub struct Grown {
    pub tree: Tree,
    pub added: Vec<f64>,
}

impl Grower<'_> {
    fn features(&self) -> usize {
        self.bins.len()
    }

    /// Grows a tree on every binned row, fitting gradients `g` with hessians `h`,
    /// its histograms built where `histograms` says.
    pub async fn grow(
        &self,
        g: &[f32],
        h: &[f32],
        histograms: &mut Histograms,
    ) -> Result<Grown, ComputeError> {
        let n = self.binned.rows;
        let mut rows: Vec<u32> = (0..n as u32).collect();
        let mut scratch = vec![0u32; n];
        let mut nodes = vec![Node::Leaf { value: 0.0 }];
        // Every other node is smaller than the root: where the root stays on
        // the CPU, so does the tree, and its gradients need not go to the GPU.
        if let Some(gpu) = self.on_gpu(histograms, n) {
            gpu.load(g, h)?;
        }
        let root = self.build(histograms, &rows, 0, g, h).await?;
        let mut open = Splittable::default();
        let mut finished: Vec<(usize, usize, usize, Bin)> = Vec::new();
        // The root's totals as scikit-learn takes them: numpy's sum over the
        // first feature's bins. A child's are the sides of its parent's split.
        let first_feature = &root[..WIDTH.min(root.len())];
        let total = Bin {
            g: pairwise_sum(&first_feature.iter().map(|b| b.g).collect::<Vec<_>>()),
            h: pairwise_sum(&first_feature.iter().map(|b| b.h).collect::<Vec<_>>()),
            n: n as u32,
        };
        let first = self.open(0, 0, n, 0, root, total);
        if first.best.is_some() {
            open.push(first);
        } else {
            finished.push((0, 0, n, total));
        }
        let max_leaves = self.params.max_leaf_nodes.unwrap_or(usize::MAX).max(2);
        while open.len() + finished.len() < max_leaves {
            let Some(leaf) = open.pop() else { break };
            let Some(split) = leaf.best else { break };
            let column = self.binned.feature(split.feature);
            // Branch-free partition into left then right, as in the CART trees.
            let (mut kept, mut spilled) = (0, 0);
            for k in leaf.start..leaf.end {
                let r = rows[k];
                let code = column[r as usize];
                let left = usize::from(if code == MISSING {
                    split.missing_left
                } else {
                    code <= split.bin
                });
                rows[leaf.start + kept] = r;
                scratch[spilled] = r;
                kept += left;
                spilled += 1 - left;
            }
            let mid = leaf.start + kept;
            rows[mid..leaf.end].copy_from_slice(&scratch[..spilled]);
            let left_node = nodes.len();
            nodes[leaf.node] = Node::Split {
                feature: split.feature,
                threshold: self.edges[split.feature]
                    .get(split.bin as usize)
                    .copied()
                    .unwrap_or(f64::MAX),
                missing_left: split.missing_left,
                left: left_node,
                right: left_node + 1,
            };
            nodes.push(Node::Leaf { value: 0.0 });
            nodes.push(Node::Leaf { value: 0.0 });
            // As scikit-learn: the left child is built from its rows only when it
            // is strictly the smaller.
            let small_left = kept < spilled;
            let (small, large) = if small_left {
                ((leaf.start, mid), (mid, leaf.end))
            } else {
                ((mid, leaf.end), (leaf.start, mid))
            };
            let small_histogram = self
                .build(histograms, &rows[small.0..small.1], small.0, g, h)
                .await?;
            let mut large_histogram = leaf.histogram;
            for (l, s) in large_histogram.iter_mut().zip(&small_histogram) {
                *l = l.minus(*s);
            }
            let (left_h, right_h, left_range, right_range) = if small_left {
                (small_histogram, large_histogram, small, large)
            } else {
                (large_histogram, small_histogram, large, small)
            };
            let depth = leaf.depth + 1;
            for (node, (start, end), histogram, sums) in [
                (left_node, left_range, left_h, split.left),
                (left_node + 1, right_range, right_h, split.right),
            ] {
                let child = self.open(node, start, end, depth, histogram, sums);
                if child.best.is_some() {
                    open.push(child);
                } else {
                    finished.push((node, start, end, sums));
                }
            }
        }
        for o in open.0 {
            finished.push((o.node, o.start, o.end, o.sums));
        }
        let mut added = vec![0.0; n];
        for (node, start, end, sums) in finished {
            let value = self.value(sums);
            nodes[node] = Node::Leaf { value };
            for &r in &rows[start..end] {
                added[r as usize] = value;
            }
        }
        Ok(Grown {
            tree: Tree { nodes },
            added,
        })
    }

    /// The histogram of `rows`, which sit from `offset` in the tree's row order
    /// (the root's are every row in order).
    async fn build(
        &self,
        histograms: &mut Histograms,
        rows: &[u32],
        offset: usize,
        g: &[f32],
        h: &[f32],
    ) -> Result<Vec<Bin>, ComputeError> {
        let in_order = offset == 0 && rows.len() == self.binned.rows;
        match self.on_gpu(histograms, rows.len()) {
            Some(gpu) => gpu.histogram(rows, offset, in_order).await,
            None => Ok(self.histogram(rows, g, h, in_order)),
        }
    }

    /// The GPU, where there is one and a node of `rows` rows is large enough
    /// to pay for waiting on it; a smaller node's histogram is sooner built here.
    fn on_gpu<'h>(&self, histograms: &'h mut Histograms, rows: usize) -> Option<&'h mut OnGpu> {
        match histograms {
            Histograms::Gpu(gpu) if pays_on_gpu(rows, self.features()) => Some(gpu),
            _ => None,
        }
    }

    fn value(&self, sums: Bin) -> f64 {
        -self.params.learning_rate * sums.g / (sums.h + self.params.l2_regularization + 1e-15)
    }

    fn open(
        &self,
        node: usize,
        start: usize,
        end: usize,
        depth: usize,
        histogram: Vec<Bin>,
        sums: Bin,
    ) -> Open {
        let deep = self.params.max_depth.is_some_and(|d| depth >= d);
        let small = end - start < 2 * self.params.min_samples_leaf.max(1);
        let best = if deep || small {
            None
        } else {
            self.best_split(&histogram, sums)
        };
        Open {
            node,
            start,
            end,
            depth,
            histogram,
            sums,
            best,
        }
    }

    /// The histogram of `rows`, feature-major; `in_order` when `rows` is every row
    /// in order, so each feature's codes are read straight through.
    fn histogram(&self, rows: &[u32], g: &[f32], h: &[f32], in_order: bool) -> Vec<Bin> {
        // Gradients gathered once in the rows' order, read by every feature.
        let (og, oh): (Vec<f32>, Vec<f32>) = if in_order {
            (g.to_vec(), h.to_vec())
        } else {
            rows.iter().map(|&r| (g[r as usize], h[r as usize])).unzip()
        };
        let features = self.features();
        let threads = parallel::threads().min(features).max(1);
        // Enough rows per thread to pay for starting it.
        let threads = if rows.len() < 4096 { 1 } else { threads };
        let per = features.div_ceil(threads);
        let listed = (!in_order).then_some(rows);
        let parts = parallel::map(threads, |t| {
            let mine = t * per..((t + 1) * per).min(features);
            let mut part = vec![[Bin::default(); WIDTH]; mine.len()];
            for (first, bins) in mine.step_by(GROUP).zip(part.chunks_mut(GROUP)) {
                let column = |k: usize| self.binned.feature(first + k);
                match bins.len() {
                    4 => accumulate::<4>(std::array::from_fn(column), bins, listed, &og, &oh),
                    3 => accumulate::<3>(std::array::from_fn(column), bins, listed, &og, &oh),
                    2 => accumulate::<2>(std::array::from_fn(column), bins, listed, &og, &oh),
                    _ => accumulate::<1>(std::array::from_fn(column), bins, listed, &og, &oh),
                }
            }
            part
        });
        parts.into_iter().flatten().flatten().collect()
    }

    /// scikit-learn's `_split_gain`, in its order of operations: the node's loss
    /// less its children's, each `G · value` with `value = −G / (H + λ + 1e-15)`.
    fn gain(&self, left: Bin, right: Bin, total: Bin) -> f64 {
        let l2 = self.params.l2_regularization;
        let loss = |side: Bin| side.g * (-side.g / (side.h + l2 + 1e-15));
        loss(total) - loss(left) - loss(right)
    }

    fn best_split(&self, histogram: &[Bin], total: Bin) -> Option<Split> {
        let min_leaf = self.params.min_samples_leaf.max(1) as u32;
        let fits = |side: Bin| side.n >= min_leaf && side.h >= MIN_HESSIAN;
        let mut best: Option<Split> = None;
        for f in 0..self.features() {
            let bins = &histogram[f * WIDTH..(f + 1) * WIDTH];
            let missing = bins[MISSING as usize];
            let mut left = Bin::default();
            let cuts = self.bins[f].saturating_sub(1);
            for (b, &bin) in bins.iter().enumerate().take(cuts) {
                left.add(bin);
                let mut consider = |left: Bin, missing_left: bool| {
                    let right = total.minus(left);
                    if !fits(left) || !fits(right) {
                        return;
                    }
                    let gain = self.gain(left, right, total);
                    if gain > 0.0 && best.is_none_or(|s| gain > s.gain) {
                        best = Some(Split {
                            gain,
                            feature: f,
                            bin: b as u8,
                            missing_left,
                            left,
                            right,
                        });
                    }
                };
                if self.has_missing[f] {
                    consider(left, false);
                    let mut with_missing = left;
                    with_missing.add(missing);
                    consider(with_missing, true);
                } else {
                    let right = total.minus(left);
                    consider(left, left.n > right.n);
                }
            }
        }
        best
    }
}

//! The brute-force neighbour search, as scikit-learn's `algorithm="brute"`:
//! every query row against every training row, blocks of query rows on threads,
//! each against a tile of training rows at a time, so that the distances held at
//! once stay bounded however many rows are asked and the matrix products stay
//! on their block's thread.
//!
//! Euclidean distances come from the expansion `‖q‖² − 2 q·t + ‖t‖²`, the cross
//! terms of a block from one matrix product, summed in scikit-learn's order and
//! clipped at zero as it clips them. The k rows found are then measured again
//! from their differences, so that a row on top of a training row is at 0
//! exactly, where `weights="distance"` gives it all the weight: scikit-learn's
//! norms and products, from one BLAS, cancel there on the bundled data, but the
//! matrix product here sums in another order than the norms and would leave a
//! residue.
//! Manhattan distances are summed input by input in input order, as
//! scikit-learn sums them, so they are the same bits.
//!
//! Each query's nearest rows are kept on a bounded max-heap that the training
//! rows are pushed onto in order, scikit-learn's `heap_push`: a distance not
//! below the largest kept is refused, so on ties at the k-th distance the row
//! seen first usually stays. Not always: when several tied rows are kept, a
//! nearer row evicts whichever of them sits at the heap's root. Copying the
//! heap rather than sorting by (distance, row) is what makes the same rows win
//! as in scikit-learn.

use std::ops::Range;

use ndarray::linalg::general_mat_mul;
use ndarray::{ArrayView2, ArrayViewMut2};

use crate::parallel;
use serde::{Deserialize, Serialize};

/// The most distances held at once: a block of query rows × a tile of training
/// rows (8 MiB of f64).
const BLOCK: usize = 1 << 20;
/// Query rows per block: enough that each matrix product of a block against a
/// tile is large, so that packing the tile is paid over many queries.
const QUERIES: usize = 256;
/// matrixmultiply splits a product of `(m × k)·(k × n)` over its threads once
/// `(m + n)·k` reaches 2¹⁵; a block's products stay below it where the inputs
/// allow, so that they do not wait on each other's threads.
const SERIAL_PRODUCT: usize = (1 << 15) - 1;
/// The fewest training rows per tile, for wide inputs.
const MIN_TILE: usize = 256;
/// Blocks per round: the neighbours found are held a round at a time.
const ROUND: usize = 16;

/// How far apart two rows are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// The straight-line distance, `√Σⱼ (qⱼ − tⱼ)²`.
    Euclidean,
    /// The sum of absolute differences, `Σⱼ |qⱼ − tⱼ|`.
    Manhattan,
}

/// A training row among a query's nearest.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Neighbor {
    /// Its position among the training rows.
    pub row: usize,
    pub distance: f64,
}

/// The training rows, prepared for searching.
#[derive(Debug)]
pub struct Search<'a> {
    /// `rows × inputs`, row-major.
    train: &'a [f64],
    rows: usize,
    inputs: usize,
    metric: Metric,
    k: usize,
    /// Euclidean: each training row's squared norm. Manhattan: the rows
    /// transposed (`inputs × rows`), so that one input of many rows is contiguous.
    prepared: Vec<f64>,
}

impl<'a> Search<'a> {
    /// A search for the `k` nearest of the `rows` training rows in `train`
    /// (row-major, `inputs` wide); at most `rows` are found.
    pub fn new(train: &'a [f64], rows: usize, inputs: usize, metric: Metric, k: usize) -> Self {
        let train = &train[..rows.saturating_mul(inputs).min(train.len())];
        let rows = train.len().checked_div(inputs).unwrap_or(rows);
        let prepared = match metric {
            Metric::Euclidean => (0..rows)
                .map(|t| squared_norm(&train[t * inputs..(t + 1) * inputs]))
                .collect(),
            Metric::Manhattan => {
                let mut transposed = vec![0.0; train.len()];
                for (t, row) in train.chunks_exact(inputs.max(1)).enumerate() {
                    for (j, &v) in row.iter().enumerate() {
                        transposed[j * rows + t] = v;
                    }
                }
                transposed
            }
        };
        Self {
            train,
            rows,
            inputs,
            metric,
            k: k.min(rows),
            prepared,
        }
    }

    /// Calls `each` with the nearest training rows of every whole row of
    /// `queries` (row-major, `inputs` wide), in query order, nearest first.
    pub fn each(&self, queries: &[f64], each: impl FnMut(&[Neighbor])) {
        self.each_in_blocks(queries, QUERIES, each);
    }

    /// [`Search::each`] with `block` query rows at a time, against tiles of
    /// training rows that keep the distances held at once within [`BLOCK`] per
    /// thread. Blocks run on threads, a round of them at a time, and are told in
    /// query order. Each query's heap takes the training rows in order across
    /// the tiles, so the rows found depend neither on the block nor the tile.
    fn each_in_blocks(&self, queries: &[f64], block: usize, mut each: impl FnMut(&[Neighbor])) {
        let d = self.inputs;
        let n = queries.len().checked_div(d).unwrap_or(0);
        let block = block.clamp(1, n.max(1));
        let round = block * ROUND;
        for start in (0..n).step_by(round) {
            let end = (start + round).min(n);
            let blocks = (end - start).div_ceil(block);
            let found = parallel::map(blocks, |b| {
                let lo = start + b * block;
                let hi = (lo + block).min(end);
                self.search_block(&queries[lo * d..hi * d], hi - lo)
            });
            for neighbors in found.iter().flatten() {
                each(neighbors);
            }
        }
    }

    /// The nearest training rows of each of the `n` rows of `queries`.
    fn search_block(&self, queries: &[f64], n: usize) -> Vec<Vec<Neighbor>> {
        // Small enough that the product stays on this thread (the blocks are
        // already spread over threads), large enough to pay for packing it.
        let tile = (SERIAL_PRODUCT / self.inputs.max(1))
            .saturating_sub(n)
            .max(MIN_TILE)
            .min(BLOCK / n.max(1));
        self.search_tiles(queries, n, tile)
    }

    /// [`Search::search_block`] a tile of `tile` training rows at a time.
    fn search_tiles(&self, queries: &[f64], n: usize, tile: usize) -> Vec<Vec<Neighbor>> {
        let (m, d) = (self.rows, self.inputs);
        let tile = tile.clamp(1, m.max(1));
        let mut distances = vec![0.0; n * tile];
        let mut heaps: Vec<Heap> = (0..n).map(|_| Heap::new(self.k)).collect();
        let query_norms: Vec<f64> = queries.chunks_exact(d.max(1)).map(squared_norm).collect();
        for lo in (0..m).step_by(tile) {
            let hi = (lo + tile).min(m);
            let distances = &mut distances[..n * (hi - lo)];
            match self.metric {
                Metric::Euclidean => {
                    self.cross(queries, n, lo..hi, distances);
                    let norms = &self.prepared[lo..hi];
                    let rows = distances.chunks_exact(hi - lo);
                    for ((heap, cross), qq) in heaps.iter_mut().zip(rows).zip(&query_norms) {
                        for (t, (&v, tt)) in cross.iter().zip(norms).enumerate() {
                            heap.push((qq + v + tt).max(0.0), lo + t);
                        }
                    }
                }
                Metric::Manhattan => {
                    self.manhattan(queries, lo..hi, distances);
                    for (heap, from_query) in heaps.iter_mut().zip(distances.chunks_exact(hi - lo))
                    {
                        for (t, &distance) in from_query.iter().enumerate() {
                            heap.push(distance, lo + t);
                        }
                    }
                }
            }
        }
        heaps
            .iter()
            .zip(queries.chunks_exact(d.max(1)))
            .map(|(heap, query)| {
                let mut neighbors: Vec<Neighbor> = heap
                    .rows
                    .iter()
                    .zip(&heap.distances)
                    .map(|(&row, &d)| Neighbor {
                        row,
                        distance: match self.metric {
                            Metric::Euclidean => self.measure(query, row),
                            Metric::Manhattan => d,
                        },
                    })
                    .collect();
                neighbors.sort_by(|a, b| a.distance.total_cmp(&b.distance).then(a.row.cmp(&b.row)));
                neighbors
            })
            .collect()
    }

    /// The Euclidean distance from `query` to training row `row`, summed from the
    /// differences: where the expansion leaves a rounding residue, a row on top
    /// of a training row is at 0 exactly.
    fn measure(&self, query: &[f64], row: usize) -> f64 {
        let (d, train) = (self.inputs, self.train);
        euclidean(query, train.get(row * d..(row + 1) * d).unwrap_or(&[]))
    }

    /// `−2 q·t` for each of the `n` rows of `queries` and each training row of
    /// `tile`, from one matrix product; the search adds the norms in
    /// scikit-learn's order, `(‖q‖² + (−2 q·t)) + ‖t‖²`, and clips at zero (its
    /// `EuclideanArgKmin`).
    fn cross(&self, queries: &[f64], n: usize, tile: Range<usize>, out: &mut [f64]) {
        let (m, d) = (tile.len(), self.inputs);
        let train = &self.train[tile.start * d..tile.end * d];
        let (Ok(q), Ok(t), Ok(mut cross)) = (
            ArrayView2::from_shape((n, d), queries),
            ArrayView2::from_shape((m, d), train),
            ArrayViewMut2::from_shape((n, m), &mut *out),
        ) else {
            // The caller cuts whole rows, so the shapes always hold.
            out.fill(f64::NAN);
            return;
        };
        general_mat_mul(-2.0, &q, &t.t(), 0.0, &mut cross);
    }

    /// The Manhattan distances from each row of `queries` to the training rows
    /// `tile`, each summed from input 0 up; the transposed tile is read from
    /// cache by every query of the block.
    fn manhattan(&self, queries: &[f64], tile: Range<usize>, out: &mut [f64]) {
        let (m, d) = (self.rows, self.inputs);
        out.fill(0.0);
        for (sums, query) in out
            .chunks_exact_mut(tile.len().max(1))
            .zip(queries.chunks_exact(d.max(1)))
        {
            for (j, &q) in query.iter().enumerate() {
                let column = &self.prepared[j * m + tile.start..j * m + tile.end];
                for (s, &t) in sums.iter_mut().zip(column) {
                    *s += (q - t).abs();
                }
            }
        }
    }
}

/// The Euclidean distance between two rows, summed from their differences.
pub fn euclidean(a: &[f64], b: &[f64]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(p, q)| (p - q) * (p - q))
        .sum::<f64>()
        .sqrt()
}

fn squared_norm(row: &[f64]) -> f64 {
    row.iter().map(|v| v * v).sum()
}

/// The `k` smallest distances seen and their rows, as scikit-learn's fixed-size
/// max-heap (`sklearn.utils._heap.heap_push`), started full of `f64::MAX` at
/// row 0 as its search starts them.
#[derive(Debug)]
struct Heap {
    distances: Vec<f64>,
    rows: Vec<usize>,
}

impl Heap {
    fn new(k: usize) -> Self {
        Self {
            distances: vec![f64::MAX; k],
            rows: vec![0; k],
        }
    }

    #[inline]
    fn push(&mut self, distance: f64, row: usize) {
        let (values, rows) = (&mut self.distances, &mut self.rows);
        let size = values.len();
        if size == 0 || distance >= values[0] {
            return;
        }
        let mut at = 0;
        loop {
            let left = 2 * at + 1;
            let right = left + 1;
            if left >= size {
                break;
            }
            // The larger child, the left one on ties, as scikit-learn picks it.
            let child = if right >= size || values[left] >= values[right] {
                left
            } else {
                right
            };
            if distance < values[child] {
                values[at] = values[child];
                rows[at] = rows[child];
                at = child;
            } else {
                break;
            }
        }
        values[at] = distance;
        rows[at] = row;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nearest(
        train: &[f64],
        inputs: usize,
        metric: Metric,
        k: usize,
        query: &[f64],
    ) -> Vec<Neighbor> {
        let search = Search::new(train, train.len() / inputs, inputs, metric, k);
        let mut found = Vec::new();
        search.each(query, |n| found = n.to_vec());
        found
    }

    fn rows(neighbors: &[Neighbor]) -> Vec<usize> {
        let mut rows: Vec<usize> = neighbors.iter().map(|n| n.row).collect();
        rows.sort_unstable();
        rows
    }

    #[test]
    fn distances_are_euclidean_or_manhattan() {
        let train = [0.0, 0.0, 3.0, 4.0, 1.0, 1.0];
        let euclidean = nearest(&train, 2, Metric::Euclidean, 3, &[0.0, 0.0]);
        let want = [(0, 0.0), (2, 2f64.sqrt()), (1, 5.0)];
        for (got, (row, distance)) in euclidean.iter().zip(want) {
            assert_eq!(got.row, row);
            assert!((got.distance - distance).abs() < 1e-12, "{got:?}");
        }
        let manhattan = nearest(&train, 2, Metric::Manhattan, 2, &[0.0, 0.0]);
        assert_eq!(
            manhattan,
            [
                Neighbor {
                    row: 0,
                    distance: 0.0
                },
                Neighbor {
                    row: 2,
                    distance: 2.0
                }
            ]
        );
    }

    #[test]
    fn ties_are_broken_as_scikit_learn_breaks_them() {
        // From the query 0: rows at 1, 1, 1, 0.5, 0.5. scikit-learn's brute force
        // (1.9, either metric) keeps rows 1, 3 and 4: the third row tied at 1 is
        // refused, then row 3 evicts row 2 and row 4 evicts row 0.
        let train = [1.0, -1.0, 1.0, 0.5, -0.5];
        for metric in [Metric::Euclidean, Metric::Manhattan] {
            assert_eq!(rows(&nearest(&train, 1, metric, 3, &[0.0])), [1, 3, 4]);
        }
        // Rows at 1, 1, 2 for two neighbours: the earlier of the tied rows stays.
        assert_eq!(
            rows(&nearest(
                &[1.0, -1.0, 1.0, 2.0],
                1,
                Metric::Euclidean,
                2,
                &[0.0]
            )),
            [0, 1]
        );
    }

    #[test]
    fn blocks_of_queries_find_what_one_query_at_a_time_finds() {
        let train: Vec<f64> = (0..60).map(|i| ((i * 37) % 23) as f64 / 7.0).collect();
        let queries: Vec<f64> = (0..21).map(|i| ((i * 11) % 17) as f64 / 5.0).collect();
        for metric in [Metric::Euclidean, Metric::Manhattan] {
            let search = Search::new(&train, 20, 3, metric, 4);
            let mut whole = Vec::new();
            search.each_in_blocks(&queries, 7, |n| whole.push(n.to_vec()));
            let mut single = Vec::new();
            search.each_in_blocks(&queries, 1, |n| single.push(n.to_vec()));
            assert_eq!(whole.len(), 7);
            assert_eq!(whole, single, "{metric:?}");
        }
    }

    #[test]
    fn tiles_of_training_rows_find_what_the_whole_finds() {
        let train: Vec<f64> = (0..900).map(|i| ((i * 37) % 101) as f64 / 7.0).collect();
        let queries: Vec<f64> = (0..30).map(|i| ((i * 11) % 17) as f64 / 5.0).collect();
        for metric in [Metric::Euclidean, Metric::Manhattan] {
            let search = Search::new(&train, 300, 3, metric, 6);
            let whole = search.search_tiles(&queries, 10, 300);
            assert_eq!(whole.len(), 10);
            for tile in [1, 7, 64, 299] {
                assert_eq!(
                    search.search_tiles(&queries, 10, tile),
                    whole,
                    "{metric:?}, {tile}"
                );
            }
        }
    }

    #[test]
    fn at_most_every_training_row_is_a_neighbour() {
        assert_eq!(
            nearest(&[1.0, 2.0], 1, Metric::Manhattan, 5, &[0.0]).len(),
            2
        );
    }
}

//! The arithmetic of k-means in f64: seeding (k-means++ or random rows), centre
//! updates from assignments, and inertia. Distances for assignment come from the
//! compute device ([`super::assign`]); everything here runs on the CPU.

use crate::parallel;
use crate::rng::SplitMix64;

/// Uniform in `[0, 1)` from the top 53 bits.
fn unit(rng: &mut SplitMix64) -> f64 {
    (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

fn squared(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum()
}

fn row(x: &[f64], dim: usize, r: usize) -> &[f64] {
    &x[r * dim..(r + 1) * dim]
}

/// `k` distinct rows drawn uniformly (scikit-learn's `init="random"`).
pub fn random_rows(x: &[f64], dim: usize, k: usize, rng: &mut SplitMix64) -> Vec<f64> {
    let n = x.len() / dim.max(1);
    let mut chosen: Vec<usize> = rng.permutation(n);
    chosen.truncate(k);
    chosen
        .iter()
        .flat_map(|&r| row(x, dim, r).to_vec())
        .collect()
}

/// Greedy k-means++ as scikit-learn does it: each new centre is the best of
/// `2 + ⌊ln k⌋` candidates drawn in proportion to the squared distance to the
/// nearest centre so far, judged by the total squared distance it leaves.
pub fn kmeans_plus_plus(x: &[f64], dim: usize, k: usize, rng: &mut SplitMix64) -> Vec<f64> {
    let n = x.len() / dim.max(1);
    let trials = 2 + (k as f64).ln().floor() as usize;
    let first = (rng.next_u64() % n as u64) as usize;
    let mut centers = row(x, dim, first).to_vec();
    let mut closest: Vec<f64> = (0..n)
        .map(|r| squared(row(x, dim, r), row(x, dim, first)))
        .collect();
    let mut potential: f64 = closest.iter().sum();
    for _ in 1..k {
        let mut best: Option<(f64, usize, Vec<f64>)> = None;
        for _ in 0..trials {
            let candidate = sample(&closest, potential, rng);
            let c = row(x, dim, candidate);
            let with: Vec<f64> = (0..n)
                .map(|r| closest[r].min(squared(row(x, dim, r), c)))
                .collect();
            let total: f64 = with.iter().sum();
            if best.as_ref().is_none_or(|(p, _, _)| total < *p) {
                best = Some((total, candidate, with));
            }
        }
        if let Some((total, candidate, with)) = best {
            centers.extend_from_slice(row(x, dim, candidate));
            closest = with;
            potential = total;
        }
    }
    centers
}

/// A row drawn with probability `weights[r] / total`; uniform when all are zero.
fn sample(weights: &[f64], total: f64, rng: &mut SplitMix64) -> usize {
    if total <= 0.0 || !total.is_finite() {
        return (rng.next_u64() % weights.len() as u64) as usize;
    }
    let mut target = unit(rng) * total;
    for (r, &w) in weights.iter().enumerate() {
        if target < w {
            return r;
        }
        target -= w;
    }
    // Rounding left the target past the end: the last row with weight.
    weights.iter().rposition(|&w| w > 0.0).unwrap_or(0)
}

/// New centres: each cluster's mean. An empty cluster takes the row farthest
/// from its own centre (as scikit-learn relocates them), so `k` centres remain.
pub fn update(x: &[f64], dim: usize, labels: &[usize], old: &[f64], k: usize) -> Vec<f64> {
    let mut sums = vec![0.0; k * dim];
    let mut counts = vec![0usize; k];
    for (r, &c) in labels.iter().enumerate() {
        counts[c] += 1;
        for (s, v) in sums[c * dim..(c + 1) * dim].iter_mut().zip(row(x, dim, r)) {
            *s += v;
        }
    }
    centres(x, dim, labels, old, k, sums, &counts)
}

/// The clusters' means from their sums and counts; an empty cluster takes the
/// row farthest from its own centre.
fn centres(
    x: &[f64],
    dim: usize,
    labels: &[usize],
    old: &[f64],
    k: usize,
    mut sums: Vec<f64>,
    counts: &[usize],
) -> Vec<f64> {
    let mut taken = Vec::new();
    for c in 0..k {
        if counts[c] > 0 {
            for s in &mut sums[c * dim..(c + 1) * dim] {
                *s /= counts[c] as f64;
            }
            continue;
        }
        let far = (0..labels.len())
            .filter(|r| !taken.contains(r))
            .max_by(|&a, &b| {
                let da = squared(row(x, dim, a), row(old, dim, labels[a]));
                let db = squared(row(x, dim, b), row(old, dim, labels[b]));
                da.total_cmp(&db)
            });
        if let Some(r) = far {
            taken.push(r);
            sums[c * dim..(c + 1) * dim].copy_from_slice(row(x, dim, r));
        }
    }
    sums
}

/// Centres per group of [`assign`]: one f32 lane each.
const LANES: usize = 8;
/// Rows per block of [`assign`]: the blocks, not the threads, fix the order in
/// which the inertia and the clusters' sums are added.
const ASSIGN_BLOCK: usize = 8_192;

/// The centres in groups of [`LANES`], input-major: group g's input j holds
/// its centres' values side by side.
fn lanes_of(centers: &[f64], d: usize) -> Vec<[f32; LANES]> {
    let k = centers.len() / d;
    let mut lanes = vec![[f32::INFINITY; LANES]; k.div_ceil(LANES) * d];
    for (c, centre) in centers.chunks_exact(d).enumerate() {
        for (j, &v) in centre.iter().enumerate() {
            lanes[(c / LANES) * d + j][c % LANES] = v as f32;
        }
    }
    lanes
}

/// One Lloyd step on the CPU in one pass over the rows, the distances never
/// held: each f32 row's squared distances to the centres (eight at a time in f32
/// lanes), its nearest centre (the first on ties), the inertia of those
/// distances, and the new centres ([`update`]'s). Blocks of rows run on threads.
pub fn assign(x32: &[f32], x: &[f64], dim: usize, old: &[f64]) -> (Vec<usize>, f64, Vec<f64>) {
    let d = dim.max(1);
    let k = old.len() / d;
    let lanes = lanes_of(old, d);
    let groups = k.div_ceil(LANES);
    let n = x.len() / d;
    let blocks = parallel::map(n.div_ceil(ASSIGN_BLOCK), |b| {
        let rows = b * ASSIGN_BLOCK..((b + 1) * ASSIGN_BLOCK).min(n);
        let mut labels = Vec::with_capacity(rows.len());
        let (mut inertia, mut sums, mut counts) = (0.0, vec![0.0; k * d], vec![0usize; k]);
        for r in rows {
            let row32 = &x32[r * d..(r + 1) * d];
            let (mut best, mut nearest) = (0, f32::INFINITY);
            for g in 0..groups {
                let mut distances = [0f32; LANES];
                for (&v, centre) in row32.iter().zip(&lanes[g * d..(g + 1) * d]) {
                    for (sum, &c) in distances.iter_mut().zip(centre) {
                        let diff = v - c;
                        *sum += diff * diff;
                    }
                }
                for (i, &distance) in distances.iter().enumerate().take(k - g * LANES) {
                    if distance < nearest || (g == 0 && i == 0 && distance.is_nan()) {
                        (best, nearest) = (g * LANES + i, distance);
                    }
                }
            }
            labels.push(best);
            inertia += f64::from(nearest);
            counts[best] += 1;
            for (s, v) in sums[best * d..(best + 1) * d].iter_mut().zip(row(x, d, r)) {
                *s += v;
            }
        }
        (labels, inertia, sums, counts)
    });
    let (mut labels, mut inertia) = (Vec::with_capacity(n), 0.0);
    let (mut sums, mut counts) = (vec![0.0; k * d], vec![0usize; k]);
    for (block_labels, block_inertia, block_sums, block_counts) in blocks {
        labels.extend(block_labels);
        inertia += block_inertia;
        sums.iter_mut().zip(block_sums).for_each(|(s, b)| *s += b);
        counts
            .iter_mut()
            .zip(block_counts)
            .for_each(|(c, b)| *c += b);
    }
    let centres = centres(x, dim, &labels, old, k, sums, &counts);
    (labels, inertia, centres)
}

/// The nearest centre of each row (the first on ties), from `n × k` distances.
pub fn nearest(distances: &[f32], k: usize) -> Vec<usize> {
    distances
        .chunks(k.max(1))
        .map(|d| {
            let (mut best, mut nearest) = (0, f32::INFINITY);
            for (c, &v) in d.iter().enumerate() {
                // The first of equal distances stays; NaN is never nearer.
                if v < nearest || (c == 0 && v.is_nan()) {
                    (best, nearest) = (c, v);
                }
            }
            best
        })
        .collect()
}

/// The sum of squared distances from each row to its centre, in f64.
pub fn inertia(x: &[f64], dim: usize, labels: &[usize], centers: &[f64]) -> f64 {
    labels
        .iter()
        .enumerate()
        .map(|(r, &c)| squared(row(x, dim, r), row(centers, dim, c)))
        .sum()
}

/// The squared Euclidean distances of one row to every centre, in f64.
pub fn distances_to(row: &[f64], centers: &[f64], dim: usize) -> Vec<f64> {
    centers
        .chunks(dim.max(1))
        .map(|c| squared(row, c))
        .collect()
}

/// The total squared distance the centres moved.
pub fn shift(old: &[f64], new: &[f64]) -> f64 {
    squared(old, new)
}

/// scikit-learn's tolerance scale: the mean of the columns' variances.
pub fn mean_variance(x: &[f64], dim: usize) -> f64 {
    let n = x.len() / dim.max(1);
    if n == 0 || dim == 0 {
        return 0.0;
    }
    let mut total = 0.0;
    for j in 0..dim {
        let mean = (0..n).map(|r| x[r * dim + j]).sum::<f64>() / n as f64;
        total += (0..n).map(|r| (x[r * dim + j] - mean).powi(2)).sum::<f64>() / n as f64;
    }
    total / dim as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeding_picks_distinct_spread_rows_and_updates_average() {
        // Two tight groups far apart: k-means++ seeds one centre in each.
        let x = [0.0, 0.0, 0.1, 0.0, 10.0, 10.0, 10.1, 10.0];
        let centers = kmeans_plus_plus(&x, 2, 2, &mut SplitMix64::new(3));
        let labels = nearest(
            &[0.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 0.0].map(|v| v as f32),
            2,
        );
        assert_eq!(labels, [0, 0, 1, 1]);
        assert!((centers[0] - centers[2]).abs() > 5.0, "{centers:?}");
        let updated = update(&x, 2, &labels, &centers, 2);
        assert_eq!(updated, vec![0.05, 0.0, 10.05, 10.0]);
        assert!((inertia(&x, 2, &labels, &updated) - 0.01).abs() < 1e-12);
        let random = random_rows(&x, 2, 2, &mut SplitMix64::new(1));
        assert_eq!(random.len(), 4);
    }

    #[test]
    fn one_pass_assigns_and_updates_as_the_separate_steps_do() {
        // Eleven centres: a group of eight lanes and a part-filled one.
        let (dim, k) = (3, 11);
        let mut rng = SplitMix64::new(5);
        let centres: Vec<f64> = (0..k * dim).map(|i| (i * 7 % 23) as f64 * 3.0).collect();
        let x: Vec<f64> = (0..20_000)
            .flat_map(|r| {
                let c = r % k;
                let centre = centres[c * dim..(c + 1) * dim].to_vec();
                centre
                    .into_iter()
                    .map(|v| v + unit(&mut rng) - 0.5)
                    .collect::<Vec<_>>()
            })
            .collect();
        let x32: Vec<f32> = x.iter().map(|&v| v as f32).collect();
        let (labels, inertia, updated) = assign(&x32, &x, dim, &centres);
        let distances: Vec<f32> = x
            .chunks_exact(dim)
            .flat_map(|row| {
                distances_to(row, &centres, dim)
                    .into_iter()
                    .map(|d| d as f32)
            })
            .collect();
        assert_eq!(labels, nearest(&distances, k));
        let expected = update(&x, dim, &labels, &centres, k);
        for (a, b) in updated.iter().zip(&expected) {
            assert!((a - b).abs() < 1e-9, "{a} against {b}");
        }
        assert!((inertia - super::inertia(&x, dim, &labels, &centres)).abs() < 1e-3 * inertia);
    }

    #[test]
    fn an_empty_cluster_takes_the_farthest_row() {
        let x = [0.0, 1.0, 9.0];
        let updated = update(&x, 1, &[0, 0, 0], &[0.0, 100.0], 2);
        assert_eq!(updated, vec![10.0 / 3.0, 9.0]);
    }
}

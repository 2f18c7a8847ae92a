//! Test metrics, computed as scikit-learn defines them.

use serde::{Deserialize, Serialize};

/// Metrics of a classifier on held-out rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassificationMetrics {
    pub accuracy: f64,
    pub f1_macro: f64,
    /// `confusion[true][predicted]`, classes in the model's order.
    pub confusion: Vec<Vec<usize>>,
}

/// Metrics of a regressor on held-out rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegressionMetrics {
    pub rmse: f64,
    pub mae: f64,
    pub r2: f64,
}

/// Metrics of a clustering on the rows it assigned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClusteringMetrics {
    /// The sum of squared distances from each row to its centre.
    pub inertia: f64,
    /// The mean silhouette coefficient (−1 to 1; higher is better separated), over
    /// at most [`SILHOUETTE_ROWS`] rows; `None` with fewer than two clusters.
    pub silhouette: Option<f64>,
    /// Rows in each cluster.
    pub sizes: Vec<usize>,
}

/// What a decomposition keeps of its training rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecompositionMetrics {
    /// The variance along each component, largest first.
    pub explained_variance: Vec<f64>,
    /// Each component's share of the inputs' total variance.
    pub explained_variance_ratio: Vec<f64>,
}

/// Silhouette is quadratic in the rows, so larger data is scored on a seeded sample.
pub const SILHOUETTE_ROWS: usize = 4000;

/// `labels` are cluster indices below `k`; `distances` each row's Euclidean
/// distance to every centre; `x` the rows (`inputs` wide) for the silhouette.
pub fn clustering(
    x: &[f64],
    inputs: usize,
    labels: &[usize],
    distances: &[Vec<f64>],
    k: usize,
    seed: u64,
) -> ClusteringMetrics {
    let mut sizes = vec![0usize; k];
    let mut inertia = 0.0;
    for (&c, d) in labels.iter().zip(distances) {
        if c < k {
            sizes[c] += 1;
            inertia += d[c] * d[c];
        }
    }
    let used = sizes.iter().filter(|&&s| s > 0).count();
    let silhouette =
        (used >= 2 && labels.len() > used).then(|| silhouette(x, inputs, labels, k, seed));
    ClusteringMetrics {
        inertia,
        silhouette,
        sizes,
    }
}

/// scikit-learn's `silhouette_score`: per row `(b − a) / max(a, b)` with `a` the
/// mean distance to its own cluster and `b` to the nearest other one; 0 for a row
/// alone in its cluster.
fn silhouette(x: &[f64], inputs: usize, labels: &[usize], k: usize, seed: u64) -> f64 {
    let n = labels.len();
    let rows: Vec<usize> = if n > SILHOUETTE_ROWS {
        let mut sample = crate::rng::SplitMix64::new(seed).permutation(n);
        sample.truncate(SILHOUETTE_ROWS);
        sample.sort_unstable();
        sample
    } else {
        (0..n).collect()
    };
    let row = |r: usize| &x[r * inputs..(r + 1) * inputs];
    let mut counts = vec![0usize; k];
    for &r in &rows {
        counts[labels[r]] += 1;
    }
    let mut total = 0.0;
    for &i in &rows {
        let mut sums = vec![0.0; k];
        for &j in &rows {
            let d: f64 = row(i)
                .iter()
                .zip(row(j))
                .map(|(a, b)| (a - b) * (a - b))
                .sum::<f64>()
                .sqrt();
            sums[labels[j]] += d;
        }
        let own = labels[i];
        if counts[own] <= 1 {
            continue;
        }
        let a = sums[own] / (counts[own] - 1) as f64;
        let b = (0..k)
            .filter(|&c| c != own && counts[c] > 0)
            .map(|c| sums[c] / counts[c] as f64)
            .fold(f64::INFINITY, f64::min);
        let s = (b - a) / a.max(b);
        if s.is_finite() {
            total += s;
        }
    }
    total / rows.len() as f64
}

/// `truth` and `predicted` are class indices below `classes`.
pub fn classification(
    truth: &[usize],
    predicted: &[usize],
    classes: usize,
) -> ClassificationMetrics {
    let mut confusion = vec![vec![0usize; classes]; classes];
    for (&t, &p) in truth.iter().zip(predicted) {
        if t < classes && p < classes {
            confusion[t][p] += 1;
        }
    }
    let n = truth.len().max(1) as f64;
    let correct: usize = (0..classes).map(|c| confusion[c][c]).sum();
    // Macro F1 over the classes that occur in either list, as scikit-learn's f1_score.
    let mut f1_sum = 0.0;
    let mut present = 0;
    for c in 0..classes {
        let tp = confusion[c][c] as f64;
        let actual: usize = confusion[c].iter().sum();
        let predicted_c: usize = confusion.iter().map(|row| row[c]).sum();
        if actual + predicted_c == 0 {
            continue;
        }
        present += 1;
        f1_sum += 2.0 * tp / (actual + predicted_c) as f64;
    }
    ClassificationMetrics {
        accuracy: correct as f64 / n,
        f1_macro: if present == 0 {
            0.0
        } else {
            f1_sum / present as f64
        },
        confusion,
    }
}

pub fn regression(truth: &[f64], predicted: &[f64]) -> RegressionMetrics {
    let n = truth.len().max(1) as f64;
    let mean = truth.iter().sum::<f64>() / n;
    let (mut se, mut ae, mut tot) = (0.0, 0.0, 0.0);
    for (&t, &p) in truth.iter().zip(predicted) {
        se += (t - p) * (t - p);
        ae += (t - p).abs();
        tot += (t - mean) * (t - mean);
    }
    RegressionMetrics {
        rmse: (se / n).sqrt(),
        mae: ae / n,
        // scikit-learn's convention for a constant target: 1 if perfect, else 0.
        r2: if tot == 0.0 {
            if se == 0.0 { 1.0 } else { 0.0 }
        } else {
            1.0 - se / tot
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classification_metrics_match_hand_counts() {
        // truth:     0 0 1 1 2 2 ; predicted: 0 1 1 1 2 0
        let m = classification(&[0, 0, 1, 1, 2, 2], &[0, 1, 1, 1, 2, 0], 3);
        assert_eq!(
            m.confusion,
            vec![vec![1, 1, 0], vec![0, 2, 0], vec![1, 0, 1]]
        );
        assert!((m.accuracy - 4.0 / 6.0).abs() < 1e-12);
        // per-class F1: 2·1/(2+2)=0.5, 2·2/(2+3)=0.8, 2·1/(2+1)=0.6667
        assert!((m.f1_macro - (0.5 + 0.8 + 2.0 / 3.0) / 3.0).abs() < 1e-12);
    }

    #[test]
    fn regression_metrics_match_hand_values() {
        let m = regression(&[1.0, 2.0, 3.0], &[1.0, 2.0, 5.0]);
        assert!((m.rmse - (4.0f64 / 3.0).sqrt()).abs() < 1e-12);
        assert!((m.mae - 2.0 / 3.0).abs() < 1e-12);
        assert!((m.r2 - (1.0 - 4.0 / 2.0)).abs() < 1e-12);
    }
}

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

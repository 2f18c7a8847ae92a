//! The ROC-AUC the reference tests score classifiers by.

/// The area under the ROC curve of `scores` for `positive`, by ranks (ties
/// counted half), as scikit-learn's `roc_auc_score`.
pub fn auc(scores: &[f64], positive: &[bool]) -> f64 {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    let mut ranks = vec![0.0; scores.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && scores[order[j + 1]] == scores[order[i]] {
            j += 1;
        }
        for &k in &order[i..=j] {
            ranks[k] = (i + j) as f64 / 2.0 + 1.0;
        }
        i = j + 1;
    }
    let pos = positive.iter().filter(|&&p| p).count() as f64;
    let neg = positive.len() as f64 - pos;
    let rank_sum: f64 = (0..scores.len())
        .filter(|&k| positive[k])
        .map(|k| ranks[k])
        .sum();
    (rank_sum - pos * (pos + 1.0) / 2.0) / (pos * neg)
}

//! Holding out validation rows inside a fit, for the families that stop early.

use crate::rng::SplitMix64;

/// The first `rows` rows split into training and validation rows by a seeded
/// shuffle; with `labels` (a class index per row, `classes` of them), the same
/// share of each class is held out. Every group keeps at least one training
/// row. Both lists come back in row order.
pub(crate) fn hold_out(
    rows: usize,
    labels: Option<(&[usize], usize)>,
    fraction: f64,
    seed: u64,
) -> (Vec<usize>, Vec<usize>) {
    let mut rng = SplitMix64::new(seed);
    let groups: Vec<Vec<usize>> = match labels {
        None => vec![(0..rows).collect()],
        Some((labels, classes)) => {
            let mut groups = vec![Vec::new(); classes];
            for (r, &l) in labels.iter().enumerate().take(rows) {
                groups[l].push(r);
            }
            groups
        }
    };
    let (mut train, mut validation) = (Vec::new(), Vec::new());
    for group in groups {
        let order = rng.permutation(group.len());
        let held = (fraction * group.len() as f64).ceil() as usize;
        let held = held.min(group.len().saturating_sub(1));
        for (i, &at) in order.iter().enumerate() {
            if i < held {
                validation.push(group[at]);
            } else {
                train.push(group[at]);
            }
        }
    }
    train.sort_unstable();
    validation.sort_unstable();
    (train, validation)
}

//! Features binned into at most 255 bins plus one for missing values, as
//! scikit-learn's `_BinMapper` bins them: a feature with few distinct values gets
//! a bin per value, split at the midpoints; one with more gets bins between
//! quantiles of (a seeded sample of) its values.
//!
//! Values are binned as f32, the precision the exported model compares in, so
//! that a threshold sends a value the same way in Studio and in ONNX Runtime.

use crate::parallel;
use crate::rng::SplitMix64;

/// The bin every missing value goes to.
pub const MISSING: u8 = 255;

/// scikit-learn's `subsample` for finding the quantiles.
const QUANTILE_SAMPLE: usize = 200_000;

/// Each feature's bin edges: a value goes to the first bin whose upper edge it
/// does not exceed, and values above the last edge to the bin after it.
#[derive(Debug, Clone)]
pub struct Binner {
    pub edges: Vec<Vec<f64>>,
}

/// The binned rows, feature-major: `codes[f * rows + r]`.
#[derive(Debug, Clone)]
pub struct Binned {
    pub rows: usize,
    pub codes: Vec<u8>,
}

impl Binned {
    pub fn feature(&self, f: usize) -> &[u8] {
        &self.codes[f * self.rows..(f + 1) * self.rows]
    }
}

fn narrow(value: f64) -> f32 {
    value as f32
}

impl Binner {
    /// Edges for every feature of the `rows` of `x` (row-major, `inputs` wide),
    /// at most `max_bins` bins each (2 to 255).
    pub fn fit(x: &[f64], inputs: usize, rows: &[usize], max_bins: usize, seed: u64) -> Binner {
        let max_bins = max_bins.clamp(2, MISSING as usize);
        let sample: Vec<usize> = if rows.len() > QUANTILE_SAMPLE {
            let mut rng = SplitMix64::new(seed);
            let mut picked = rows.to_vec();
            // A partial Fisher–Yates shuffle: the first QUANTILE_SAMPLE are a
            // uniform sample without replacement.
            for i in 0..QUANTILE_SAMPLE {
                let j = i + rng.below(picked.len() - i);
                picked.swap(i, j);
            }
            picked.truncate(QUANTILE_SAMPLE);
            picked
        } else {
            rows.to_vec()
        };
        let edges = parallel::map(inputs, |f| {
            let mut values: Vec<f32> = sample
                .iter()
                .map(|&r| narrow(x[r * inputs + f]))
                .filter(|v| !v.is_nan())
                .collect();
            values.sort_unstable_by(f32::total_cmp);
            edges_of(&values, max_bins)
        });
        Binner { edges }
    }

    /// The bin of `value` in feature `f`'s bins.
    pub fn code(&self, f: usize, value: f64) -> u8 {
        let value = narrow(value);
        if value.is_nan() {
            return MISSING;
        }
        let value = f64::from(value);
        self.edges[f].partition_point(|&edge| edge < value) as u8
    }

    /// Every row of `rows` of `x`, binned.
    pub fn bin(&self, x: &[f64], inputs: usize, rows: &[usize]) -> Binned {
        // Features on threads, each its own column.
        let columns = parallel::map(inputs, |f| {
            rows.iter()
                .map(|&r| self.code(f, x[r * inputs + f]))
                .collect::<Vec<u8>>()
        });
        Binned {
            rows: rows.len(),
            codes: columns.concat(),
        }
    }

    /// How many bins feature `f` has besides the missing one.
    pub fn bins(&self, f: usize) -> usize {
        self.edges[f].len() + 1
    }
}

/// The upper edges of `sorted`'s bins (a feature's non-missing values, sorted).
fn edges_of(sorted: &[f32], max_bins: usize) -> Vec<f64> {
    let mut distinct: Vec<f64> = Vec::new();
    for &v in sorted {
        if distinct.last() != Some(&f64::from(v)) {
            distinct.push(f64::from(v));
        }
    }
    // Values are f32, so their sums in f64 are exact and cannot overflow.
    if distinct.len() <= max_bins {
        return distinct.windows(2).map(|w| (w[0] + w[1]) / 2.0).collect();
    }
    // numpy's percentile with method="averaged_inverted_cdf" (as scikit-learn
    // 1.9) at 100 k / max_bins, k = 1..max_bins-1: the value at n k / max_bins,
    // or the mean of the two around it where that falls between them.
    let n = sorted.len();
    let mut edges: Vec<f64> = (1..max_bins)
        .map(|k| {
            let (j, rest) = ((k * n) / max_bins, (k * n) % max_bins);
            if rest == 0 {
                (f64::from(sorted[j - 1]) + f64::from(sorted[j])) / 2.0
            } else {
                f64::from(sorted[j])
            }
        })
        .collect();
    edges.dedup();
    edges
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn few_values_get_a_bin_each_split_at_midpoints() {
        let x = [3.0, 1.0, 2.0, 1.0, f64::NAN];
        let binner = Binner::fit(&x, 1, &[0, 1, 2, 3, 4], 255, 0);
        assert_eq!(binner.edges[0], vec![1.5, 2.5]);
        let binned = binner.bin(&x, 1, &[0, 1, 2, 3, 4]);
        assert_eq!(binned.codes, vec![2, 0, 1, 0, MISSING]);
        assert_eq!(binner.bins(0), 3);
    }

    #[test]
    fn many_values_are_cut_at_quantiles() {
        let x: Vec<f64> = (0..1000).map(f64::from).collect();
        let rows: Vec<usize> = (0..1000).collect();
        let binner = Binner::fit(&x, 1, &rows, 10, 0);
        assert_eq!(binner.edges[0].len(), 9);
        let binned = binner.bin(&x, 1, &rows);
        let mut counts = [0; 10];
        for &c in &binned.codes {
            counts[c as usize] += 1;
        }
        assert!(counts.iter().all(|&c| c == 100), "{counts:?}");
    }

    #[test]
    fn a_value_on_an_edge_goes_to_the_lower_bin() {
        let binner = Binner {
            edges: vec![vec![1.5, 2.5]],
        };
        assert_eq!(binner.code(0, 1.5), 0);
        assert_eq!(binner.code(0, 1.6), 1);
        assert_eq!(binner.code(0, 9.0), 2);
    }
}

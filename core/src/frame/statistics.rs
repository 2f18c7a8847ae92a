//! Each column's summary statistics, as pandas computes them: `describe` (the
//! standard deviation with `ddof=1`, quartiles interpolated linearly between the
//! sorted values as NumPy's default `percentile` does), `nunique`, `skew` and
//! `kurt` (the bias-corrected sample skewness and excess kurtosis), and the most
//! common values with their counts. Missing values are left out of all of them.
//! Numbers (integers and floats) get the moments and quartiles; every column gets
//! its count, missing count, distinct values and most common values.

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use super::{Column, ColumnType, Frame, Values, format_number};
use crate::parallel;

/// Most common values listed per column.
pub const TOP_VALUES: usize = 5;

/// One column's statistics. The moments and quartiles are `None` for a column
/// that is not numbers, and where pandas gives NaN (no values; the standard
/// deviation of one value, the skewness of fewer than 3 or of a constant, the
/// kurtosis of fewer than 4 or of a constant).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Statistics {
    /// Values present.
    pub count: usize,
    pub missing: usize,
    pub mean: Option<f64>,
    pub std: Option<f64>,
    pub min: Option<f64>,
    pub q1: Option<f64>,
    pub median: Option<f64>,
    pub q3: Option<f64>,
    pub max: Option<f64>,
    /// Distinct values present.
    pub unique: usize,
    pub skew: Option<f64>,
    pub kurtosis: Option<f64>,
    /// The most common values, most common first (ties in order of first appearance).
    pub top: Vec<TopValue>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TopValue {
    pub value: String,
    pub count: usize,
}

/// Every column's statistics, in column order, columns on threads.
pub fn statistics(frame: &Frame) -> Vec<Statistics> {
    parallel::map(frame.columns().len(), |c| of_column(&frame.columns()[c]))
}

/// Whether a column's values are numbers that moments describe.
pub fn is_measure(kind: ColumnType) -> bool {
    matches!(kind, ColumnType::Integer | ColumnType::Float)
}

pub fn of_column(column: &Column) -> Statistics {
    let missing = column.missing();
    let count = column.len() - missing;
    let measured = is_measure(column.kind());
    let mut values: Vec<f64> = if measured {
        (0..column.len()).filter_map(|r| column.number(r)).collect()
    } else {
        Vec::new()
    };
    // Numbers are sorted once: their quartiles are then read off, and their
    // distinct values counted as runs, with no hashing (slow in wasm).
    values.sort_unstable_by(f64::total_cmp);
    let (unique, top) = if measured {
        runs(column.kind(), &values)
    } else {
        counts(column)
    };
    let mut stats = Statistics {
        count,
        missing,
        mean: None,
        std: None,
        min: None,
        q1: None,
        median: None,
        q3: None,
        max: None,
        unique,
        skew: None,
        kurtosis: None,
        top,
    };
    if measured {
        moments(&values, &mut stats);
        let [min, q1, median, q3, max] = quantiles(&values, [0.0, 0.25, 0.5, 0.75, 1.0]);
        (stats.min, stats.q1, stats.median, stats.q3, stats.max) = (min, q1, median, q3, max);
    }
    stats
}

/// The [`TOP_VALUES`] entries of `tally` that come first in `order`, in that order.
fn leading<T>(mut tally: Vec<T>, order: impl Fn(&T, &T) -> std::cmp::Ordering) -> Vec<T> {
    if tally.len() > TOP_VALUES {
        tally.select_nth_unstable_by(TOP_VALUES, &order);
        tally.truncate(TOP_VALUES);
    }
    tally.sort_unstable_by(order);
    tally
}

/// How many distinct values the sorted `values` hold, and the most common (ties
/// in value order), written as the column writes them.
fn runs(kind: ColumnType, sorted: &[f64]) -> (usize, Vec<TopValue>) {
    let mut tally: Vec<(usize, f64)> = Vec::new();
    let mut at = 0;
    while at < sorted.len() {
        let value = sorted[at];
        let mut end = at + 1;
        // −0 and 0 are one value, as they sort side by side.
        while end < sorted.len() && sorted[end] == value {
            end += 1;
        }
        tally.push((end - at, value));
        at = end;
    }
    let unique = tally.len();
    let top = leading(tally, |a, b| b.0.cmp(&a.0).then(a.1.total_cmp(&b.1)))
        .into_iter()
        .map(|(count, value)| TopValue {
            value: match kind {
                ColumnType::Integer => format!("{}", value as i64),
                _ => format_number(value + 0.0),
            },
            count,
        })
        .collect();
    (unique, top)
}

/// The mean, standard deviation, skewness and kurtosis, from the mean and the
/// central sums in two passes (pandas' `nanskew` and `nankurt` formulas).
fn moments(values: &[f64], stats: &mut Statistics) {
    let n = values.len();
    if n == 0 {
        return;
    }
    let nf = n as f64;
    let mean = values.iter().sum::<f64>() / nf;
    let (mut m2, mut m3, mut m4) = (0.0, 0.0, 0.0);
    for &v in values {
        let d = v - mean;
        let d2 = d * d;
        m2 += d2;
        m3 += d2 * d;
        m4 += d2 * d2;
    }
    stats.mean = Some(mean);
    if n >= 2 {
        stats.std = Some((m2 / (nf - 1.0)).sqrt());
    }
    // A constant column has no shape: pandas 3 answers NaN, as 0/0 does.
    if m2 == 0.0 {
        return;
    }
    if n >= 3 {
        let (m2n, m3n) = (m2 / nf, m3 / nf);
        stats.skew = Some((nf * (nf - 1.0)).sqrt() / (nf - 2.0) * m3n / m2n.powf(1.5));
    }
    if n >= 4 {
        let numerator = nf * (nf + 1.0) * (nf - 1.0) * m4;
        let denominator = (nf - 2.0) * (nf - 3.0) * m2 * m2;
        let adjust = 3.0 * (nf - 1.0) * (nf - 1.0) / ((nf - 2.0) * (nf - 3.0));
        stats.kurtosis = Some(numerator / denominator - adjust);
    }
}

/// The values at fractions `qs` of the sorted `values`, NumPy's `linear`
/// method: between the values at `⌊(n−1)q⌋` and the one after.
fn quantiles<const K: usize>(sorted: &[f64], qs: [f64; K]) -> [Option<f64>; K] {
    let n = sorted.len();
    qs.map(|q| {
        if n == 0 {
            return None;
        }
        let at = (n - 1) as f64 * q;
        let (lo, hi) = (at.floor() as usize, (at.ceil() as usize).min(n - 1));
        let (a, b) = (sorted[lo], sorted[hi]);
        let t = at - at.floor();
        // NumPy's `_lerp`, from the nearer end.
        Some(if t >= 0.5 {
            b - (b - a) * (1.0 - t)
        } else {
            a + (b - a) * t
        })
    })
}

/// How many distinct values are present, and the most common of them.
fn counts(column: &Column) -> (usize, Vec<TopValue>) {
    // Each distinct value's count and first row: coded columns by code, numbers
    // by value (−0 as 0), text by itself; only the most common are written out.
    let tally: Vec<(usize, usize)> = if let Values::Codes { codes, levels } = column.values() {
        let mut per_level = vec![(0usize, usize::MAX); levels.len()];
        for (row, &code) in codes.iter().enumerate() {
            if !column.is_missing(row)
                && let Some(entry) = per_level.get_mut(code as usize)
            {
                entry.0 += 1;
                entry.1 = entry.1.min(row);
            }
        }
        per_level.retain(|&(count, _)| count > 0);
        per_level
    } else if column.kind().is_numeric() {
        let mut by_bits: FxHashMap<u64, (usize, usize)> = FxHashMap::default();
        for row in 0..column.len() {
            if let Some(x) = column.number(row) {
                by_bits.entry((x + 0.0).to_bits()).or_insert((0, row)).0 += 1;
            }
        }
        by_bits.into_values().collect()
    } else {
        let mut by_text: FxHashMap<String, (usize, usize)> = FxHashMap::default();
        for row in 0..column.len() {
            if let Some(text) = column.text(row) {
                by_text.entry(text).or_insert((0, row)).0 += 1;
            }
        }
        by_text.into_values().collect()
    };
    let unique = tally.len();
    let top = leading(tally, |a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)))
        .into_iter()
        .map(|(count, row)| TopValue {
            value: column.text(row).unwrap_or_default(),
            count,
        })
        .collect();
    (unique, top)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stats(values: &[Option<f64>]) -> Statistics {
        of_column(&Column::floats("x", values.iter().copied()))
    }

    #[test]
    fn quartiles_interpolate_as_numpy_does() {
        let s = stats(&[Some(4.0), Some(1.0), None, Some(3.0), Some(2.0)]);
        assert_eq!((s.count, s.missing), (4, 1));
        assert_eq!(s.min, Some(1.0));
        assert_eq!(s.q1, Some(1.75));
        assert_eq!(s.median, Some(2.5));
        assert_eq!(s.q3, Some(3.25));
        assert_eq!(s.max, Some(4.0));
        assert_eq!(s.mean, Some(2.5));
        assert_eq!(s.unique, 4);
    }

    #[test]
    fn too_few_values_have_no_spread_or_shape() {
        let one = stats(&[Some(2.0), None]);
        assert_eq!(
            (one.mean, one.std, one.skew, one.kurtosis),
            (Some(2.0), None, None, None)
        );
        let none = stats(&[None, None]);
        assert_eq!(
            (none.count, none.mean, none.min, none.unique),
            (0, None, None, 0)
        );
        let flat = stats(&[Some(1.0); 5]);
        assert_eq!(
            (flat.std, flat.skew, flat.kurtosis),
            (Some(0.0), None, None)
        );
    }

    #[test]
    fn categories_are_counted_most_common_first() {
        let column = Column::categories(
            "c",
            [
                Some("b"),
                Some("a"),
                None,
                Some("a"),
                Some("c"),
                Some("b"),
                Some("a"),
            ],
        );
        let s = of_column(&column);
        assert_eq!(s.unique, 3);
        assert_eq!(s.mean, None);
        let top: Vec<(&str, usize)> = s.top.iter().map(|t| (t.value.as_str(), t.count)).collect();
        assert_eq!(top, [("a", 3), ("b", 2), ("c", 1)]);
    }
}

//! Correlation matrices over the numeric columns, as pandas' `DataFrame.corr`
//! computes them: each pair over the rows where both values are present
//! (pairwise-complete), Pearson's coefficient from the means of those rows,
//! Spearman's as Pearson's of the values' ranks among those rows (ties
//! averaged). A pair with no rows, or a column constant over them, has none.
//! Over the category columns instead, Cramér's V of each pair's contingency
//! table (SciPy's `association(method="cramer")`, without Yates' correction).

use serde::{Deserialize, Serialize};

use rustc_hash::FxHashMap;

use super::statistics::is_measure;
use super::{ColumnType, Frame, Values};
use crate::parallel;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    Pearson,
    Spearman,
    CramersV,
}

impl Method {
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "pearson" => Some(Method::Pearson),
            "spearman" => Some(Method::Spearman),
            "cramers_v" => Some(Method::CramersV),
            _ => None,
        }
    }
}

/// A symmetric matrix over `columns`, `None` where a coefficient is undefined.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Correlation {
    pub method: Method,
    pub columns: Vec<String>,
    pub matrix: Vec<Vec<Option<f64>>>,
}

/// The matrix over every integer and float column of `frame` (every category
/// column, for Cramér's V), pairs on threads.
pub fn correlation(frame: &Frame, method: Method) -> Correlation {
    if method == Method::CramersV {
        return cramers_v(frame);
    }
    let numeric: Vec<_> = frame
        .columns()
        .iter()
        .filter(|c| is_measure(c.kind()))
        .collect();
    // NaN marks a missing value.
    let values: Vec<Vec<f64>> = numeric
        .iter()
        .map(|c| {
            (0..c.len())
                .map(|r| c.number(r).unwrap_or(f64::NAN))
                .collect()
        })
        .collect();
    let complete: Vec<bool> = values
        .iter()
        .map(|v| !v.iter().any(|x| x.is_nan()))
        .collect();
    // Where a column has no gaps, its ranks over all rows serve every pair it
    // shares with another column without gaps.
    let ranks: Vec<Option<Vec<f64>>> = values
        .iter()
        .zip(&complete)
        .map(|(v, &full)| (method == Method::Spearman && full).then(|| rank(v)))
        .collect();
    let k = values.len();
    let pairs: Vec<(usize, usize)> = (0..k).flat_map(|i| (i..k).map(move |j| (i, j))).collect();
    let coefficients = parallel::map(pairs.len(), |p| {
        let (i, j) = pairs[p];
        match (method, &ranks[i], &ranks[j]) {
            (Method::Pearson | Method::CramersV, ..) => pearson(&values[i], &values[j]),
            (Method::Spearman, Some(a), Some(b)) => pearson(a, b),
            (Method::Spearman, ..) => {
                let (a, b): (Vec<f64>, Vec<f64>) = values[i]
                    .iter()
                    .zip(&values[j])
                    .filter(|(a, b)| !a.is_nan() && !b.is_nan())
                    .map(|(&a, &b)| (a, b))
                    .unzip();
                pearson(&rank(&a), &rank(&b))
            }
        }
    });
    let mut matrix = vec![vec![None; k]; k];
    for (&(i, j), r) in pairs.iter().zip(coefficients) {
        matrix[i][j] = r;
        matrix[j][i] = r;
    }
    Correlation {
        method,
        columns: numeric.iter().map(|c| c.name.clone()).collect(),
        matrix,
    }
}

/// Cramér's V between every two category columns, over the rows both have.
fn cramers_v(frame: &Frame) -> Correlation {
    let categories: Vec<(&str, &[u32], &super::Column)> = frame
        .columns()
        .iter()
        .filter(|c| c.kind() == ColumnType::Categorical)
        .filter_map(|c| match c.values() {
            Values::Codes { codes, .. } => Some((c.name.as_str(), codes.as_slice(), c)),
            _ => None,
        })
        .collect();
    let k = categories.len();
    let pairs: Vec<(usize, usize)> = (0..k).flat_map(|i| (i..k).map(move |j| (i, j))).collect();
    let coefficients = parallel::map(pairs.len(), |p| {
        let (i, j) = pairs[p];
        let (a, b) = (&categories[i], &categories[j]);
        let both = (0..a.1.len()).filter(|&r| !a.2.is_missing(r) && !b.2.is_missing(r));
        association(both.map(|r| (a.1[r], b.1[r])))
    });
    let mut matrix = vec![vec![None; k]; k];
    for (&(i, j), v) in pairs.iter().zip(coefficients) {
        matrix[i][j] = v;
        matrix[j][i] = v;
    }
    Correlation {
        method: Method::CramersV,
        columns: categories.iter().map(|c| c.0.to_owned()).collect(),
        matrix,
    }
}

/// Cramér's V of the pairs of codes: `√(χ² / n / (min(r, c) − 1))` over the
/// levels that occur; none where either side has fewer than two.
fn association(pairs: impl Iterator<Item = (u32, u32)>) -> Option<f64> {
    let mut table: FxHashMap<(u32, u32), usize> = FxHashMap::default();
    let (mut rows, mut cols): (FxHashMap<u32, usize>, FxHashMap<u32, usize>) = Default::default();
    let mut n = 0usize;
    for (a, b) in pairs {
        *table.entry((a, b)).or_default() += 1;
        *rows.entry(a).or_default() += 1;
        *cols.entry(b).or_default() += 1;
        n += 1;
    }
    let smaller = rows.len().min(cols.len());
    if smaller < 2 {
        return None;
    }
    let nf = n as f64;
    let mut chi2 = 0.0;
    for (a, &ra) in &rows {
        for (b, &cb) in &cols {
            let expected = ra as f64 * cb as f64 / nf;
            let observed = table.get(&(*a, *b)).copied().unwrap_or(0) as f64;
            chi2 += (observed - expected) * (observed - expected) / expected;
        }
    }
    Some((chi2 / nf / (smaller - 1) as f64).sqrt().min(1.0))
}

/// Pearson's coefficient over the rows where both `x` and `y` are present.
fn pearson(x: &[f64], y: &[f64]) -> Option<f64> {
    let both = || x.iter().zip(y).filter(|(a, b)| !a.is_nan() && !b.is_nan());
    let (mut n, mut sx, mut sy) = (0usize, 0.0, 0.0);
    for (a, b) in both() {
        n += 1;
        sx += a;
        sy += b;
    }
    if n == 0 {
        return None;
    }
    let (mx, my) = (sx / n as f64, sy / n as f64);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in both() {
        let (dx, dy) = (a - mx, b - my);
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    let divisor = (sxx * syy).sqrt();
    (divisor != 0.0).then(|| (sxy / divisor).clamp(-1.0, 1.0))
}

/// Each value's rank from 1, tied values sharing the mean of their ranks.
fn rank(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut ranks = vec![0.0; values.len()];
    let mut start = 0;
    while start < order.len() {
        let mut end = start + 1;
        while end < order.len() && values[order[end]] == values[order[start]] {
            end += 1;
        }
        // Ranks start..end (from 1: start+1 ..= end) share their mean.
        let shared = (start + 1 + end) as f64 / 2.0;
        for &i in &order[start..end] {
            ranks[i] = shared;
        }
        start = end;
    }
    ranks
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::Column;

    fn frame(columns: Vec<Column>) -> Frame {
        let rows = columns[0].len();
        Frame::new(rows, columns).expect("a frame")
    }

    #[test]
    fn pairs_are_taken_over_the_rows_both_have() {
        let x = Column::floats("x", [Some(1.0), Some(2.0), Some(3.0), Some(4.0), None]);
        let y = Column::floats("y", [Some(2.0), Some(4.0), Some(6.0), None, Some(1.0)]);
        let flat = Column::floats("flat", [Some(1.0); 5]);
        let c = correlation(&frame(vec![x, y, flat]), Method::Pearson);
        assert_eq!(c.columns, ["x", "y", "flat"]);
        assert_eq!(c.matrix[0][1], Some(1.0));
        assert_eq!(c.matrix[1][0], Some(1.0));
        assert_eq!(c.matrix[0][0], Some(1.0));
        assert_eq!(c.matrix[2][2], None);
        assert_eq!(c.matrix[0][2], None);
    }

    #[test]
    fn spearman_ranks_ties_by_their_mean() {
        assert_eq!(rank(&[10.0, 20.0, 10.0, 30.0]), [1.5, 3.0, 1.5, 4.0]);
        let x = Column::floats("x", [Some(1.0), Some(2.0), Some(3.0), Some(4.0)]);
        let y = Column::floats("y", [Some(1.0), Some(8.0), Some(27.0), Some(64.0)]);
        let c = correlation(&frame(vec![x, y]), Method::Spearman);
        assert_eq!(c.matrix[0][1], Some(1.0));
    }
}

//! A small picture of each column for the table header: a histogram of numbers,
//! or the most common categories.

use serde::{Deserialize, Serialize};

use super::{Column, Frame, Values};

/// Bars in a numeric column's histogram.
pub const BINS: usize = 16;
/// Categories listed for a categorical column.
pub const TOP_LEVELS: usize = 6;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "shape", rename_all = "snake_case")]
pub enum Profile {
    /// Counts of present values in [`BINS`] equal-width bins from `min` to `max`.
    Histogram {
        min: f64,
        max: f64,
        counts: Vec<u64>,
    },
    /// The most common levels and their counts, most common first.
    Levels {
        top: Vec<(String, u64)>,
        distinct: usize,
    },
    /// Text and IDs: only how many distinct values there are is worth showing.
    Distinct { distinct: Option<usize> },
}

/// One profile per column, in column order.
pub fn profiles(frame: &Frame) -> Vec<Profile> {
    frame.columns().iter().map(profile).collect()
}

pub fn profile(column: &Column) -> Profile {
    if column.kind().is_numeric() {
        return histogram(column);
    }
    match column.values() {
        Values::Codes { codes, levels } => {
            let mut counts = vec![0u64; levels.len()];
            for (row, &code) in codes.iter().enumerate() {
                if !column.is_missing(row)
                    && let Some(c) = counts.get_mut(code as usize)
                {
                    *c += 1;
                }
            }
            let mut order: Vec<usize> = (0..levels.len()).collect();
            order.sort_by(|&a, &b| counts[b].cmp(&counts[a]).then(a.cmp(&b)));
            let top = order
                .iter()
                .take(TOP_LEVELS)
                .map(|&i| (levels[i].clone(), counts[i]))
                .collect();
            if column.kind() == super::ColumnType::Categorical {
                Profile::Levels {
                    top,
                    distinct: levels.len(),
                }
            } else {
                Profile::Distinct {
                    distinct: Some(levels.len()),
                }
            }
        }
        _ => Profile::Distinct { distinct: None },
    }
}

fn histogram(column: &Column) -> Profile {
    let (mut min, mut max) = (f64::INFINITY, f64::NEG_INFINITY);
    // Comparisons rather than `f64::min`, which in wasm is a call to `fmin` per value
    // (its NaN rule differs from the instruction's); they pass over NaN as it does.
    each_number(column, |x| {
        if x < min {
            min = x;
        }
        if x > max {
            max = x;
        }
    });
    let mut counts = vec![0u64; BINS];
    if min > max {
        return Profile::Histogram {
            min: 0.0,
            max: 0.0,
            counts,
        };
    }
    let width = (max - min) / BINS as f64;
    each_number(column, |x| {
        let bin = if width > 0.0 {
            (((x - min) / width) as usize).min(BINS - 1)
        } else {
            0
        };
        counts[bin] += 1;
    });
    Profile::Histogram { min, max, counts }
}

/// Calls `f` on each present number of `column`. A float or integer column with
/// nothing missing is read straight from its array: this runs on every column of
/// every file opened, and going row by row through `Column::number` cost more than
/// a tenth of the whole load.
fn each_number(column: &Column, mut f: impl FnMut(f64)) {
    let whole = column.missing() == 0;
    match (column.values(), column.kind()) {
        (Values::Float(v), _) if whole => v.iter().for_each(|&x| f(x)),
        (Values::Int(v), super::ColumnType::Integer) if whole => {
            v.iter().for_each(|&x| f(x as f64));
        }
        _ => (0..column.len())
            .filter_map(|row| column.number(row))
            .for_each(f),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histograms_and_levels() {
        let x = Column::floats("x", [Some(0.0), Some(0.5), None, Some(16.0)]);
        match profile(&x) {
            Profile::Histogram { min, max, counts } => {
                assert_eq!((min, max), (0.0, 16.0));
                assert_eq!(counts[0], 2);
                assert_eq!(counts[BINS - 1], 1);
                assert_eq!(counts.iter().sum::<u64>(), 3);
            }
            other => panic!("{other:?}"),
        }
        // Nothing missing: read from the array directly, to the same counts.
        let whole = Column::floats("x", [Some(0.0), Some(0.5), Some(16.0)]);
        assert_eq!(profile(&whole), profile(&x));
        let c = Column::categories("c", [Some("a"), Some("b"), Some("b"), None]);
        assert_eq!(
            profile(&c),
            Profile::Levels {
                top: vec![("b".into(), 2), ("a".into(), 1)],
                distinct: 2
            }
        );
    }
}

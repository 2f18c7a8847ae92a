//! The rows a table shows: filtered by a search and sorted by a column, as row
//! indices into the frame (the frame itself never moves).

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};

use super::{Column, Frame, Values};

/// How the table is ordered and filtered.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TableView {
    /// The column to sort by, and whether descending.
    pub sort: Option<(String, bool)>,
    /// Rows are kept when any value contains this text, ignoring case.
    pub filter: String,
}

/// The frame's row indices in `view`'s order; `None` when nothing filters or sorts
/// (every row, in file order).
pub fn rows(frame: &Frame, view: &TableView) -> Option<Vec<u32>> {
    let filter = view.filter.trim().to_lowercase();
    let sort = view
        .sort
        .as_ref()
        .and_then(|(name, desc)| frame.column(name).map(|c| (c, *desc)));
    if filter.is_empty() && sort.is_none() {
        return None;
    }
    let mut rows: Vec<u32> = if filter.is_empty() {
        (0..frame.rows() as u32).collect()
    } else {
        matching(frame, &filter)
    };
    if let Some((column, desc)) = sort {
        rows.sort_by(|&a, &b| compare(column, a as usize, b as usize, desc));
    }
    Some(rows)
}

/// Rows where some column's text contains `needle` (already lower case).
fn matching(frame: &Frame, needle: &str) -> Vec<u32> {
    // Coded columns are matched once per level, not once per row.
    let level_hits: Vec<Option<Vec<bool>>> = frame
        .columns()
        .iter()
        .map(|c| match c.values() {
            Values::Codes { levels, .. } => Some(
                levels
                    .iter()
                    .map(|l| l.to_lowercase().contains(needle))
                    .collect(),
            ),
            _ => None,
        })
        .collect();
    (0..frame.rows())
        .filter(|&row| {
            frame.columns().iter().zip(&level_hits).any(|(c, hits)| {
                if c.is_missing(row) {
                    return false;
                }
                match (c.values(), hits) {
                    (Values::Codes { codes, .. }, Some(hits)) => {
                        hits.get(codes[row] as usize).copied().unwrap_or(false)
                    }
                    (Values::Strings(s), _) => s
                        .get(row)
                        .is_some_and(|v| v.to_lowercase().contains(needle)),
                    _ => c
                        .text(row)
                        .is_some_and(|t| t.to_lowercase().contains(needle)),
                }
            })
        })
        .map(|row| row as u32)
        .collect()
}

/// Missing values sort last in either direction.
fn compare(column: &Column, a: usize, b: usize, desc: bool) -> Ordering {
    let order = match (column.is_missing(a), column.is_missing(b)) {
        (true, true) => return Ordering::Equal,
        (true, false) => return Ordering::Greater,
        (false, true) => return Ordering::Less,
        (false, false) => match column.values() {
            Values::Codes { .. } | Values::Strings(_) => column.level(a).cmp(&column.level(b)),
            _ => column
                .number(a)
                .unwrap_or(f64::NAN)
                .total_cmp(&column.number(b).unwrap_or(f64::NAN)),
        },
    };
    if desc { order.reverse() } else { order }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame() -> Frame {
        Frame::new(
            4,
            vec![
                Column::floats("x", [Some(3.0), None, Some(1.0), Some(2.0)]),
                Column::categories("c", [Some("Red"), Some("blue"), Some("red"), None]),
            ],
        )
        .expect("frame")
    }

    #[test]
    fn sorts_with_missing_last_and_filters_ignoring_case() {
        let f = frame();
        assert_eq!(rows(&f, &TableView::default()), None);
        let by_x = TableView {
            sort: Some(("x".into(), false)),
            filter: String::new(),
        };
        assert_eq!(rows(&f, &by_x), Some(vec![2, 3, 0, 1]));
        let desc = TableView {
            sort: Some(("x".into(), true)),
            filter: String::new(),
        };
        assert_eq!(rows(&f, &desc), Some(vec![0, 3, 2, 1]));
        let red = TableView {
            sort: None,
            filter: " RED".into(),
        };
        assert_eq!(rows(&f, &red), Some(vec![0, 2]));
        let number = TableView {
            sort: None,
            filter: "2".into(),
        };
        assert_eq!(rows(&f, &number), Some(vec![3]));
    }
}

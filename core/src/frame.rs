//! The typed columnar table that every later step reads.
//!
//! Numbers are `f64` with NaN standing for a missing value (CSV missing markers such
//! as `NA` and `NaN` both mean "no value"); categories are dictionary codes with
//! [`MISSING_CODE`] for missing; free text keeps its strings.

use serde::{Deserialize, Serialize};

/// The code of a missing category.
pub const MISSING_CODE: u32 = u32::MAX;

/// A table of named, typed columns of equal length.
#[derive(Debug, Clone, PartialEq)]
pub struct Frame {
    rows: usize,
    columns: Vec<Column>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub name: String,
    pub values: Values,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Values {
    Number(Vec<f64>),
    Category {
        codes: Vec<u32>,
        levels: Vec<String>,
    },
    Text(Vec<Option<String>>),
}

/// A column's type, as shown to people and written in JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ColumnType {
    Number,
    Category,
    Text,
}

/// One column's description: what the preview and `studio` print.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnSummary {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: ColumnType,
    pub missing: usize,
    /// Distinct non-missing values, for categories.
    pub levels: Option<usize>,
}

impl Frame {
    /// Builds a frame; every column must have `rows` values.
    pub fn new(rows: usize, columns: Vec<Column>) -> Option<Self> {
        columns
            .iter()
            .all(|c| c.len() == rows)
            .then_some(Self { rows, columns })
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    pub fn summaries(&self) -> Vec<ColumnSummary> {
        self.columns.iter().map(Column::summary).collect()
    }
}

impl Column {
    pub fn len(&self) -> usize {
        match &self.values {
            Values::Number(v) => v.len(),
            Values::Category { codes, .. } => codes.len(),
            Values::Text(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn kind(&self) -> ColumnType {
        match &self.values {
            Values::Number(_) => ColumnType::Number,
            Values::Category { .. } => ColumnType::Category,
            Values::Text(_) => ColumnType::Text,
        }
    }

    pub fn is_missing(&self, row: usize) -> bool {
        match &self.values {
            Values::Number(v) => v.get(row).is_none_or(|x| x.is_nan()),
            Values::Category { codes, .. } => codes.get(row).is_none_or(|&c| c == MISSING_CODE),
            Values::Text(v) => v.get(row).is_none_or(Option::is_none),
        }
    }

    pub fn missing(&self) -> usize {
        (0..self.len()).filter(|&row| self.is_missing(row)).count()
    }

    /// The value at `row` as text, `None` when missing: what a preview shows and
    /// what a classifier's label is.
    pub fn text(&self, row: usize) -> Option<String> {
        match &self.values {
            Values::Number(v) => v
                .get(row)
                .copied()
                .filter(|x| !x.is_nan())
                .map(format_number),
            Values::Category { codes, levels } => codes
                .get(row)
                .and_then(|&c| levels.get(c as usize))
                .cloned(),
            Values::Text(v) => v.get(row).cloned().flatten(),
        }
    }

    pub fn summary(&self) -> ColumnSummary {
        ColumnSummary {
            name: self.name.clone(),
            kind: self.kind(),
            missing: self.missing(),
            levels: match &self.values {
                Values::Category { levels, .. } => Some(levels.len()),
                _ => None,
            },
        }
    }
}

/// Writes a number the way people typed it: `3` rather than `3.0`.
pub fn format_number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{x:.0}")
    } else {
        format!("{x}")
    }
}

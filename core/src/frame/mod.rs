//! The typed columnar table that every later step reads.
//!
//! Each column keeps its values contiguous (integers, floats, booleans as bits,
//! categories as dictionary codes, text as one buffer with offsets) and a validity
//! bitmap for missing values; see [`Values`].

mod bitmap;
pub mod calendar;
mod column;
pub mod correlation;
mod kind;
pub mod profile;
pub mod quality;
pub mod statistics;
pub mod store;
mod strings;
pub mod view;
mod write;

use serde::{Deserialize, Serialize};

pub use bitmap::Bitmap;
pub use column::{Column, ColumnError, Values, format_number};
pub use kind::{ColumnType, Role};
pub use strings::Strings;
pub use write::{to_csv, write_csv};

/// A table of named, typed columns of equal length.
#[derive(Debug, Clone, PartialEq)]
pub struct Frame {
    rows: usize,
    columns: Vec<Column>,
}

/// One column's description: what the data cell and `studio inspect` show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnSummary {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: ColumnType,
    pub missing: usize,
    pub role: Role,
    /// Distinct non-missing values, for categories.
    #[serde(skip_serializing_if = "Option::is_none", default)]
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

    /// Sets the role of the column called `name`; false if there is none.
    pub fn set_role(&mut self, name: &str, role: Role) -> bool {
        match self.columns.iter_mut().find(|c| c.name == name) {
            Some(column) => {
                column.role = role;
                true
            }
            None => false,
        }
    }

    pub fn summaries(&self) -> Vec<ColumnSummary> {
        self.columns
            .iter()
            .map(|c| ColumnSummary {
                name: c.name.clone(),
                kind: c.kind(),
                missing: c.missing(),
                role: c.role,
                levels: c.levels().map(<[String]>::len),
            })
            .collect()
    }

    /// The bytes the columns hold in memory.
    pub fn memory(&self) -> usize {
        self.columns.iter().map(Column::memory).sum()
    }
}

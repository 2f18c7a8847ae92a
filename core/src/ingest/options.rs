//! What a person can override about how a file is read. Every field left `None`
//! is guessed from the file; the guesses come back as a [`Dialect`](super::Dialect).

use serde::{Deserialize, Serialize};

use crate::frame::{ColumnType, Role};

use super::encoding::Encoding;

/// Cells that mean "no value" unless the person sets others; compared after
/// trimming, ignoring ASCII case.
pub const MISSING_MARKERS: [&str; 7] = ["", "NA", "N/A", "null", "NaN", "?", "-"];

/// Overrides for reading one file. Stored in the notebook's data cell, so a reload
/// or a shared link reads the file the same way.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LoadOptions {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delimiter: Option<char>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quote: Option<char>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub header: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding: Option<Encoding>,
    /// The decimal mark: `.` or `,`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decimal: Option<char>,
    /// The thousands separator; `Some("")` means none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thousands: Option<String>,
    /// Replaces [`MISSING_MARKERS`] when set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub missing: Option<Vec<String>>,
    #[serde(skip_serializing_if = "is_default")]
    pub ragged: RaggedPolicy,
    /// Per-column type and role, by column name.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub columns: Vec<ColumnOverride>,
}

fn is_default(policy: &RaggedPolicy) -> bool {
    *policy == RaggedPolicy::default()
}

/// A person's choice for one column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnOverride {
    pub name: String,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<ColumnType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
}

/// What to do with a row whose field count differs from the header's.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RaggedPolicy {
    /// Short rows get missing values for the absent fields; long rows are skipped.
    #[default]
    Fill,
    /// Every ragged row is skipped.
    Skip,
    /// The load stops at the first ragged row.
    Stop,
}

impl LoadOptions {
    /// The override for the column called `name`, if any.
    pub fn column(&self, name: &str) -> Option<&ColumnOverride> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// Sets (or, with both `None`, clears) the override for one column.
    pub fn set_column(&mut self, name: &str, kind: Option<ColumnType>, role: Option<Role>) {
        self.columns.retain(|c| c.name != name);
        if kind.is_some() || role.is_some() {
            self.columns.push(ColumnOverride {
                name: name.to_owned(),
                kind,
                role,
            });
        }
    }

    /// The missing-value markers in effect.
    pub fn missing_markers(&self) -> Vec<String> {
        self.missing
            .clone()
            .unwrap_or_else(|| MISSING_MARKERS.iter().map(|m| (*m).to_owned()).collect())
    }
}

//! What a column holds and what it is for: the two things a person can override.

use serde::{Deserialize, Serialize};

/// A column's type, as shown to people and written in JSON (`studio inspect`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ColumnType {
    Integer,
    Float,
    Boolean,
    /// Calendar days; its numeric value is days since 1970-01-01.
    Date,
    /// Date and time of day; its numeric value is seconds since 1970-01-01T00:00:00.
    Datetime,
    /// Strings of low cardinality, stored as dictionary codes.
    Categorical,
    /// Free text.
    Text,
    /// Every value distinct: a key, not something to learn from.
    Id,
}

impl ColumnType {
    pub const ALL: [ColumnType; 8] = [
        ColumnType::Integer,
        ColumnType::Float,
        ColumnType::Boolean,
        ColumnType::Date,
        ColumnType::Datetime,
        ColumnType::Categorical,
        ColumnType::Text,
        ColumnType::Id,
    ];

    /// The JSON name, which is also what people see.
    pub fn name(self) -> &'static str {
        match self {
            ColumnType::Integer => "integer",
            ColumnType::Float => "float",
            ColumnType::Boolean => "boolean",
            ColumnType::Date => "date",
            ColumnType::Datetime => "datetime",
            ColumnType::Categorical => "categorical",
            ColumnType::Text => "text",
            ColumnType::Id => "id",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.name() == name)
    }

    /// Whether a model reads the column as one number per row.
    pub fn is_numeric(self) -> bool {
        matches!(
            self,
            ColumnType::Integer
                | ColumnType::Float
                | ColumnType::Boolean
                | ColumnType::Date
                | ColumnType::Datetime
        )
    }

    /// The role a column of this type starts with.
    pub fn default_role(self) -> Role {
        match self {
            ColumnType::Id => Role::Id,
            ColumnType::Text => Role::Ignore,
            _ => Role::Feature,
        }
    }
}

/// What a column is for in modelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Feature,
    Target,
    Ignore,
    Id,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Feature, Role::Target, Role::Ignore, Role::Id];

    pub fn name(self) -> &'static str {
        match self {
            Role::Feature => "feature",
            Role::Target => "target",
            Role::Ignore => "ignore",
            Role::Id => "id",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.name() == name)
    }
}

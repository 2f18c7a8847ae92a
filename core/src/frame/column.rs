//! One typed column: contiguous values, a validity bitmap, a type and a role.

use thiserror::Error;

use super::bitmap::Bitmap;
use super::calendar::{format_date, format_datetime};
use super::kind::{ColumnType, Role};
use super::strings::Strings;

/// How a column's values are stored. Slots of missing values hold 0 (NaN for
/// floats, code 0 for codes) and are marked absent in the validity bitmap.
#[derive(Debug, Clone, PartialEq)]
pub enum Values {
    /// Integers, dates (days) and date-times (milliseconds).
    Int(Vec<i64>),
    Float(Vec<f64>),
    Bool(Bitmap),
    /// Dictionary codes into `levels`, for categories (and text with repeats).
    Codes {
        codes: Vec<u32>,
        levels: Vec<String>,
    },
    Strings(Strings),
}

impl Values {
    pub fn len(&self) -> usize {
        match self {
            Values::Int(v) => v.len(),
            Values::Float(v) => v.len(),
            Values::Bool(v) => v.len(),
            Values::Codes { codes, .. } => codes.len(),
            Values::Strings(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn memory(&self) -> usize {
        match self {
            Values::Int(v) => v.capacity() * 8,
            Values::Float(v) => v.capacity() * 8,
            Values::Bool(v) => v.memory(),
            Values::Codes { codes, levels } => {
                codes.capacity() * 4 + levels.iter().map(|l| l.capacity() + 24).sum::<usize>()
            }
            Values::Strings(v) => v.memory(),
        }
    }

    /// Whether this storage can hold a column of type `kind`.
    fn fits(&self, kind: ColumnType) -> bool {
        match self {
            Values::Int(_) => matches!(
                kind,
                ColumnType::Integer | ColumnType::Date | ColumnType::Datetime | ColumnType::Id
            ),
            Values::Float(_) => kind == ColumnType::Float,
            Values::Bool(_) => kind == ColumnType::Boolean,
            Values::Codes { .. } => matches!(
                kind,
                ColumnType::Categorical | ColumnType::Text | ColumnType::Id
            ),
            Values::Strings(_) => matches!(kind, ColumnType::Text | ColumnType::Id),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ColumnError {
    #[error("column \"{name}\" has {values} values but {valid} validity bits")]
    Length {
        name: String,
        values: usize,
        valid: usize,
    },
    #[error("column \"{name}\" cannot be of type {kind} with this storage")]
    Storage { name: String, kind: &'static str },
    #[error("column \"{name}\" has a code past its {levels} levels")]
    Code { name: String, levels: usize },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub name: String,
    pub role: Role,
    kind: ColumnType,
    values: Values,
    valid: Bitmap,
    /// A boolean column's words as its data spells them (`No`, `Yes`), false first;
    /// `None` reads as `false` and `true`.
    words: Option<Box<[String; 2]>>,
}

impl Column {
    /// A column whose storage fits its type and whose bitmap covers every value.
    pub fn new(
        name: String,
        kind: ColumnType,
        values: Values,
        valid: Bitmap,
    ) -> Result<Self, ColumnError> {
        if values.len() != valid.len() {
            return Err(ColumnError::Length {
                name,
                values: values.len(),
                valid: valid.len(),
            });
        }
        if !values.fits(kind) {
            return Err(ColumnError::Storage {
                name,
                kind: kind.name(),
            });
        }
        if let Values::Codes { codes, levels } = &values
            && codes.iter().any(|&c| c as usize >= levels.len().max(1))
        {
            return Err(ColumnError::Code {
                name,
                levels: levels.len(),
            });
        }
        Ok(Self {
            name,
            role: kind.default_role(),
            kind,
            values,
            valid,
            words: None,
        })
    }

    /// A boolean column that shows its values as `words` (false, true): class
    /// labels and exported text keep the data's spelling.
    pub fn with_words(mut self, words: [String; 2]) -> Self {
        if matches!(self.values, Values::Bool(_)) {
            self.words = Some(Box::new(words));
        }
        self
    }

    /// A boolean column's words for false and true, where the data spelled them.
    pub fn words(&self) -> Option<&[String; 2]> {
        self.words.as_deref()
    }

    /// A float column from optional values (`None` or NaN is missing).
    pub fn floats(name: &str, values: impl IntoIterator<Item = Option<f64>>) -> Self {
        let mut valid = Bitmap::default();
        let values: Vec<f64> = values
            .into_iter()
            .map(|v| {
                let v = v.filter(|x| !x.is_nan());
                // Pushing one bit only fails when memory is gone, as would the Vec.
                let _ = valid.push(v.is_some());
                v.unwrap_or(f64::NAN)
            })
            .collect();
        Self {
            name: name.to_owned(),
            role: Role::Feature,
            kind: ColumnType::Float,
            values: Values::Float(values),
            valid,
            words: None,
        }
    }

    /// A categorical column from optional labels.
    pub fn categories<'a>(name: &str, values: impl IntoIterator<Item = Option<&'a str>>) -> Self {
        let mut levels: Vec<String> = Vec::new();
        let mut index = std::collections::HashMap::<String, u32>::new();
        let mut valid = Bitmap::default();
        let codes = values
            .into_iter()
            .map(|v| {
                let _ = valid.push(v.is_some());
                v.map_or(0, |v| {
                    *index.entry(v.to_owned()).or_insert_with(|| {
                        levels.push(v.to_owned());
                        levels.len() as u32 - 1
                    })
                })
            })
            .collect();
        Self {
            name: name.to_owned(),
            role: Role::Feature,
            kind: ColumnType::Categorical,
            values: Values::Codes { codes, levels },
            valid,
            words: None,
        }
    }

    pub fn len(&self) -> usize {
        self.valid.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn kind(&self) -> ColumnType {
        self.kind
    }

    pub fn values(&self) -> &Values {
        &self.values
    }

    pub fn validity(&self) -> &Bitmap {
        &self.valid
    }

    #[inline]
    pub fn is_missing(&self, row: usize) -> bool {
        !self.valid.get(row)
    }

    pub fn missing(&self) -> usize {
        self.len() - self.valid.count_ones()
    }

    /// The number a model reads at `row`: the value itself for integers and floats,
    /// 0/1 for booleans, days for dates, seconds for date-times; `None` when missing
    /// or when the column is not numeric.
    #[inline]
    pub fn number(&self, row: usize) -> Option<f64> {
        if !self.valid.get(row) {
            return None;
        }
        match (&self.values, self.kind) {
            (Values::Float(v), _) => v.get(row).copied(),
            (Values::Int(v), ColumnType::Datetime) => v.get(row).map(|&ms| ms as f64 / 1000.0),
            (Values::Int(v), ColumnType::Integer | ColumnType::Date) => {
                v.get(row).map(|&x| x as f64)
            }
            (Values::Bool(v), _) => Some(if v.get(row) { 1.0 } else { 0.0 }),
            _ => None,
        }
    }

    /// The dictionary level at `row`, for coded columns.
    pub fn level(&self, row: usize) -> Option<&str> {
        match &self.values {
            Values::Codes { codes, levels } if self.valid.get(row) => {
                levels.get(*codes.get(row)? as usize).map(String::as_str)
            }
            Values::Strings(v) if self.valid.get(row) => v.get(row),
            _ => None,
        }
    }

    /// The value at `row` as text, `None` when missing: what the table shows, what
    /// CSV export writes, and what a classifier's label is.
    pub fn text(&self, row: usize) -> Option<String> {
        if !self.valid.get(row) {
            return None;
        }
        match (&self.values, self.kind) {
            (Values::Int(v), ColumnType::Date) => v.get(row).map(|&d| format_date(d)),
            (Values::Int(v), ColumnType::Datetime) => v.get(row).map(|&ms| format_datetime(ms)),
            (Values::Int(v), _) => v.get(row).map(i64::to_string),
            (Values::Float(v), _) => v.get(row).copied().map(format_number),
            (Values::Bool(v), _) => Some(match &self.words {
                Some(words) => words[usize::from(v.get(row))].clone(),
                None => v.get(row).to_string(),
            }),
            (Values::Codes { .. } | Values::Strings(_), _) => self.level(row).map(str::to_owned),
        }
    }

    /// The bytes this column holds in memory.
    pub fn memory(&self) -> usize {
        self.values.memory() + self.valid.memory() + self.name.capacity()
    }

    /// The number of dictionary levels, for coded columns.
    pub fn levels(&self) -> Option<&[String]> {
        match &self.values {
            Values::Codes { levels, .. } => Some(levels),
            _ => None,
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

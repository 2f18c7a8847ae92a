//! Growing one typed column while rows stream in. Growth is fallible, so a load
//! that does not fit in memory is reported rather than aborting the page.

use std::collections::TryReserveError;

use rustc_hash::{FxHashMap, FxHashSet};

use crate::frame::{Bitmap, Column, ColumnError, ColumnType, Role, Strings, Values};

use super::infer::Parse;
use super::markers::Markers;
use super::value::{NumberFormat, parse_bool, parse_date, parse_datetime, parse_float, parse_int};

/// A string column with at most this many distinct values (and at most half as many
/// as it has values) is categorical.
pub const MAX_CATEGORY_LEVELS: usize = 50;

/// A dictionary that grows past this many levels, more than half its rows, stops
/// being a dictionary: the column is text or IDs, and codes would only cost memory.
const MAX_DICTIONARY_LEVELS: usize = 4096;

const MILLIS_PER_DAY: i64 = 86_400_000;

/// What became of one field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Value,
    Missing,
    /// Did not fit the column's type: stored as missing.
    Unparsable,
    /// Not valid UTF-8: stored as read in Windows-1252.
    Reencoded,
}

#[derive(Debug)]
enum Store {
    Int(Vec<i64>),
    Float(Vec<f64>),
    Bool(Bitmap),
    Dictionary {
        codes: Vec<u32>,
        levels: Vec<String>,
        index: FxHashMap<String, u32>,
    },
    Plain(Strings),
}

/// Aligned to whole cache lines (two, against the adjacent-line prefetcher):
/// columns read on different threads then never share one, which each row's
/// pushes would otherwise pass back and forth.
#[derive(Debug)]
#[repr(align(128))]
pub struct ColumnBuilder {
    pub name: String,
    parse: Parse,
    /// The type the person chose, which turns off automatic widening.
    forced: Option<ColumnType>,
    role: Option<Role>,
    store: Store,
    valid: Validity,
    /// A boolean column's first spelling of false and of true, as written.
    words: [Option<String>; 2],
}

/// Which rows hold a value. The bitmap is built only once a value is missing:
/// most columns have none, and until then a row costs a counter.
#[derive(Debug, Default)]
struct Validity {
    rows: usize,
    /// Rows to make room for when the bitmap is built.
    reserve: usize,
    bits: Option<Bitmap>,
}

impl Validity {
    fn try_reserve(&mut self, rows: usize) -> Result<(), TryReserveError> {
        self.reserve = rows;
        match &mut self.bits {
            Some(bits) => bits.try_reserve(rows),
            None => Ok(()),
        }
    }

    #[inline(always)]
    fn push_present(&mut self) -> Result<(), TryReserveError> {
        if let Some(bits) = &mut self.bits {
            bits.push(true)?;
        }
        self.rows += 1;
        Ok(())
    }

    fn push_missing(&mut self) -> Result<(), TryReserveError> {
        let bits = match &mut self.bits {
            Some(bits) => bits,
            None => {
                let mut words = Vec::new();
                words.try_reserve_exact(self.rows.max(self.reserve).div_ceil(64) + 1)?;
                words.resize(self.rows.div_ceil(64), u64::MAX);
                let bits = Bitmap::from_words(words, self.rows)
                    .unwrap_or_else(|| Bitmap::filled(self.rows, true));
                self.bits.insert(bits)
            }
        };
        bits.push(false)?;
        self.rows += 1;
        Ok(())
    }

    fn len(&self) -> usize {
        self.rows
    }

    #[inline]
    fn get(&self, row: usize) -> bool {
        match &self.bits {
            Some(bits) => bits.get(row),
            None => row < self.rows,
        }
    }

    fn count_ones(&self) -> usize {
        self.bits.as_ref().map_or(self.rows, Bitmap::count_ones)
    }

    fn finish(self) -> Bitmap {
        self.bits.unwrap_or_else(|| Bitmap::filled(self.rows, true))
    }
}

#[inline(always)]
fn push<T>(values: &mut Vec<T>, value: T) -> Result<(), TryReserveError> {
    if values.len() == values.capacity() {
        grow(values)?;
    }
    values.push(value);
    Ok(())
}

/// Grows by a quarter rather than doubling: the peak of a huge load stays close
/// to the data's own size.
#[cold]
#[inline(never)]
fn grow<T>(values: &mut Vec<T>) -> Result<(), TryReserveError> {
    values.try_reserve_exact(values.len() / 4 + 1024)
}

impl ColumnBuilder {
    pub fn new(name: String, parse: Parse, forced: Option<ColumnType>, role: Option<Role>) -> Self {
        let store = match parse {
            Parse::Int | Parse::Date(_) | Parse::Datetime(_) => Store::Int(Vec::new()),
            Parse::Float => Store::Float(Vec::new()),
            Parse::Bool => Store::Bool(Bitmap::default()),
            Parse::Str => Store::Dictionary {
                codes: Vec::new(),
                levels: Vec::new(),
                index: FxHashMap::default(),
            },
        };
        Self {
            name,
            parse,
            forced,
            role,
            store,
            valid: Validity::default(),
            words: [None, None],
        }
    }

    /// The finished column, and an empty builder for the rows after its own that
    /// reads fields as this one reads them now. A string column's successor keeps
    /// the type this one finished as, so that a category stays a category
    /// whatever the next rows hold; numbers may still widen, and read as numbers
    /// either way.
    pub fn finish_and_follow(self) -> Result<(Column, Self), ColumnError> {
        let (name, parse, forced, role) = (self.name.clone(), self.parse, self.forced, self.role);
        let column = self.finish()?;
        let forced = if parse == Parse::Str {
            Some(column.kind())
        } else {
            forced
        };
        Ok((column, Self::new(name, parse, forced, role)))
    }

    /// Makes room for `rows` more rows up front, so a large load allocates once.
    pub fn reserve(&mut self, rows: usize) -> Result<(), TryReserveError> {
        self.valid.try_reserve(rows)?;
        match &mut self.store {
            Store::Int(v) => v.try_reserve_exact(rows),
            Store::Float(v) => v.try_reserve_exact(rows),
            Store::Bool(v) => v.try_reserve(rows),
            Store::Dictionary { codes, .. } => codes.try_reserve_exact(rows),
            Store::Plain(_) => Ok(()),
        }
    }

    /// Bytes per row this column is expected to take, for the memory estimate.
    pub fn bytes_per_row(&self, average_field: f64) -> f64 {
        match self.parse {
            Parse::Bool => 0.25,
            Parse::Str => average_field.min(8.0) + 4.125,
            _ => 8.125,
        }
    }

    pub fn push_missing(&mut self) -> Result<(), TryReserveError> {
        self.valid.push_missing()?;
        match &mut self.store {
            Store::Int(v) => push(v, 0),
            Store::Float(v) => push(v, f64::NAN),
            Store::Bool(v) => v.push(false),
            Store::Dictionary { codes, .. } => push(codes, 0),
            Store::Plain(v) => v.push(""),
        }
    }

    /// Reads one trimmed field.
    #[inline]
    pub fn push(
        &mut self,
        field: &[u8],
        format: NumberFormat,
        markers: &Markers,
    ) -> Result<Outcome, TryReserveError> {
        let widen = self.forced.is_none();
        // Markers first: a person may declare a number such as -999 a marker.
        if markers.is_missing(field) {
            self.push_missing()?;
            return Ok(Outcome::Missing);
        }
        match self.parse {
            Parse::Float => {
                if let Some(x) = parse_float(field, format) {
                    return self.push_float(x);
                }
            }
            Parse::Int => {
                if let Some(x) = parse_int(field, format) {
                    return self.push_int(x);
                }
                if widen && let Some(x) = parse_float(field, format) {
                    self.widen_to_float();
                    return self.push_float(x);
                }
            }
            Parse::Bool => {
                if let Some(b) = parse_bool(field) {
                    self.valid.push_present()?;
                    if let Store::Bool(v) = &mut self.store {
                        v.push(b)?;
                    }
                    let word = &mut self.words[usize::from(b)];
                    if word.is_none() {
                        *word = Some(String::from_utf8_lossy(field).into_owned());
                    }
                    return Ok(Outcome::Value);
                }
            }
            Parse::Date(order) => {
                if let Some(days) = parse_date(field, order) {
                    return self.push_int(days);
                }
                if widen && let Some(ms) = parse_datetime(field, order) {
                    self.parse = Parse::Datetime(order);
                    if let Store::Int(v) = &mut self.store {
                        v.iter_mut().for_each(|d| *d *= MILLIS_PER_DAY);
                    }
                    return self.push_int(ms);
                }
            }
            Parse::Datetime(order) => {
                if let Some(ms) = parse_datetime(field, order)
                    .or_else(|| parse_date(field, order).map(|d| d * MILLIS_PER_DAY))
                {
                    return self.push_int(ms);
                }
            }
            Parse::Str => {
                return match std::str::from_utf8(field) {
                    Ok(text) => self.push_str(text).map(|()| Outcome::Value),
                    Err(_) => {
                        let (text, _) =
                            encoding_rs::WINDOWS_1252.decode_without_bom_handling(field);
                        self.push_str(&text).map(|()| Outcome::Reencoded)
                    }
                };
            }
        }
        self.push_missing()?;
        Ok(Outcome::Unparsable)
    }

    /// How the column reads its fields now (an integer column may have widened).
    #[inline]
    pub fn parse(&self) -> Parse {
        self.parse
    }

    /// Stores a number already read from a field of a float column.
    #[inline(always)]
    pub fn push_float(&mut self, x: f64) -> Result<Outcome, TryReserveError> {
        self.valid.push_present()?;
        if let Store::Float(v) = &mut self.store {
            push(v, x)?;
        }
        Ok(Outcome::Value)
    }

    /// Stores a number already read from a field of an integer column.
    #[inline(always)]
    pub fn push_int(&mut self, x: i64) -> Result<Outcome, TryReserveError> {
        self.valid.push_present()?;
        if let Store::Int(v) = &mut self.store {
            push(v, x)?;
        }
        Ok(Outcome::Value)
    }

    /// Integers then a decimal: the column becomes floats, in place. Each value
    /// is rewritten as a float's bits in the same buffer, which then holds floats:
    /// widening allocates nothing, so cannot run out of memory.
    fn widen_to_float(&mut self) {
        if let Store::Int(v) = &mut self.store {
            let mut ints = std::mem::take(v);
            for (i, x) in ints.iter_mut().enumerate() {
                let float = if self.valid.get(i) {
                    *x as f64
                } else {
                    f64::NAN
                };
                *x = bytemuck::cast(float);
            }
            self.store = Store::Float(bytemuck::allocation::cast_vec(ints));
        }
        self.parse = Parse::Float;
    }

    fn push_str(&mut self, text: &str) -> Result<(), TryReserveError> {
        let rows = self.valid.len();
        self.valid.push_present()?;
        match &mut self.store {
            Store::Dictionary {
                codes,
                levels,
                index,
            } => {
                let code = match index.get(text) {
                    Some(&code) => code,
                    None => {
                        let code = levels.len() as u32;
                        levels.try_reserve(1)?;
                        levels.push(text.to_owned());
                        index.insert(text.to_owned(), code);
                        code
                    }
                };
                push(codes, code)?;
                if levels.len() > MAX_DICTIONARY_LEVELS && levels.len() * 2 > rows {
                    self.make_plain()?;
                }
                Ok(())
            }
            Store::Plain(v) => v.push(text),
            _ => Ok(()),
        }
    }

    fn make_plain(&mut self) -> Result<(), TryReserveError> {
        if let Store::Dictionary { codes, levels, .. } = &self.store {
            let mut plain = Strings::default();
            for (row, &code) in codes.iter().enumerate() {
                plain.push(if self.valid.get(row) {
                    &levels[code as usize]
                } else {
                    ""
                })?;
            }
            self.store = Store::Plain(plain);
        }
        Ok(())
    }

    /// The finished column, with its final type: for strings, categorical, text or
    /// ID by cardinality; for integers, ID when the values are a key.
    pub fn finish(self) -> Result<Column, ColumnError> {
        let present = self.valid.count_ones();
        let (kind, values) = match (self.store, self.parse) {
            (Store::Int(v), Parse::Date(_)) => (ColumnType::Date, Values::Int(v)),
            (Store::Int(v), Parse::Datetime(_)) => (ColumnType::Datetime, Values::Int(v)),
            (Store::Int(v), _) => {
                let kind = match self.forced {
                    Some(ColumnType::Id) => ColumnType::Id,
                    Some(_) => ColumnType::Integer,
                    None if integer_key(&self.name, &v, present) => ColumnType::Id,
                    None => ColumnType::Integer,
                };
                (kind, Values::Int(v))
            }
            (Store::Float(v), _) => (ColumnType::Float, Values::Float(v)),
            (Store::Bool(v), _) => (ColumnType::Boolean, Values::Bool(v)),
            (Store::Dictionary { codes, levels, .. }, _) => {
                let kind = self.forced.unwrap_or_else(|| {
                    if levels.len() <= MAX_CATEGORY_LEVELS && levels.len() * 2 <= present.max(2) {
                        ColumnType::Categorical
                    } else if levels.len() == present && present > 1 {
                        ColumnType::Id
                    } else {
                        ColumnType::Text
                    }
                });
                (kind, Values::Codes { codes, levels })
            }
            (Store::Plain(strings), _) => match self.forced {
                Some(ColumnType::Categorical) => {
                    let mut levels: Vec<String> = Vec::new();
                    let mut index = FxHashMap::<&str, u32>::default();
                    let codes = strings
                        .iter()
                        .enumerate()
                        .map(|(row, s)| {
                            if !self.valid.get(row) {
                                return 0;
                            }
                            *index.entry(s).or_insert_with(|| {
                                levels.push(s.to_owned());
                                levels.len() as u32 - 1
                            })
                        })
                        .collect();
                    (ColumnType::Categorical, Values::Codes { codes, levels })
                }
                Some(kind) => (kind, Values::Strings(strings)),
                None => {
                    let mut seen = FxHashSet::default();
                    let unique = strings
                        .iter()
                        .enumerate()
                        .filter(|(row, _)| self.valid.get(*row))
                        .all(|(_, s)| seen.insert(s));
                    let kind = if unique {
                        ColumnType::Id
                    } else {
                        ColumnType::Text
                    };
                    (kind, Values::Strings(strings))
                }
            },
        };
        let column = finish(self.name, kind, values, self.valid.finish(), self.role)?;
        Ok(match spelled(self.words) {
            Some(words) => column.with_words(words),
            None => column,
        })
    }
}

/// The words a boolean column's data used, false first. A word never seen is
/// the other's partner in the same case (`Yes` → `No`, `TRUE` → `FALSE`); the
/// plain `true` and `false` need no words.
fn spelled(words: [Option<String>; 2]) -> Option<[String; 2]> {
    let partner = |word: &str, of_true: bool| {
        let lower = word.to_ascii_lowercase();
        let other = match (lower.as_str(), of_true) {
            ("yes", true) => "no",
            ("no", false) => "yes",
            ("true", true) => "false",
            _ => "true",
        };
        if word.len() > 1 && word.chars().all(|c| c.is_ascii_uppercase()) {
            other.to_ascii_uppercase()
        } else if word.starts_with(|c: char| c.is_ascii_uppercase()) {
            let mut chars = other.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        } else {
            other.to_owned()
        }
    };
    let [no, yes] = words;
    let words = match (no, yes) {
        (Some(no), Some(yes)) => [no, yes],
        (Some(no), None) => {
            let yes = partner(&no, false);
            [no, yes]
        }
        (None, Some(yes)) => [partner(&yes, true), yes],
        (None, None) => return None,
    };
    (words != ["false", "true"]).then_some(words)
}

fn finish(
    name: String,
    kind: ColumnType,
    values: Values,
    valid: Bitmap,
    role: Option<Role>,
) -> Result<Column, ColumnError> {
    let mut column = Column::new(name, kind, values, valid)?;
    if let Some(role) = role {
        column.role = role;
    }
    Ok(column)
}

/// An integer column is a key when its name says so (`id`, `customer_id`,
/// `PassengerId`) and no value repeats, or when it is an unnamed or `index` column
/// counting rows 0, 1, 2… or 1, 2, 3… (as written by pandas and spreadsheets).
fn integer_key(name: &str, values: &[i64], present: usize) -> bool {
    if present < 2 || present != values.len() {
        return false;
    }
    let lower = name.to_ascii_lowercase();
    let index_name = lower.starts_with("column_")
        || lower.starts_with("unnamed")
        || matches!(lower.as_str(), "index" | "row" | "#");
    let counts_rows =
        (values[0] == 0 || values[0] == 1) && values.windows(2).all(|w| w[1] == w[0] + 1);
    if index_name && counts_rows {
        return true;
    }
    let named = lower == "id"
        || lower.ends_with("_id")
        || lower.ends_with(" id")
        || name.ends_with("Id")
        || name.ends_with("ID");
    // Keys are most often written in order: rising values are distinct without a
    // set (this runs on every such column of every file opened).
    named
        && (values.windows(2).all(|w| w[0] < w[1]) || {
            let mut seen = FxHashSet::default();
            values.iter().all(|v| seen.insert(*v))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_widen_to_floats_in_their_own_buffer() {
        let installed = allocation_counter::measure(|| {
            std::hint::black_box(Vec::<u8>::with_capacity(8));
        });
        assert_eq!(
            installed.count_total, 1,
            "the allocation counter is installed"
        );
        let (format, markers) = (NumberFormat::default(), Markers::new(["NA"]));
        let mut column = ColumnBuilder::new("n".into(), Parse::Int, None, None);
        column.reserve(1002).expect("room");
        for i in 0..1000 {
            column
                .push(i.to_string().as_bytes(), format, &markers)
                .expect("room");
        }
        column.push(b"NA", format, &markers).expect("room");
        let widening = allocation_counter::measure(|| {
            let outcome = column.push(b"2.5", format, &markers).expect("room");
            assert_eq!(outcome, Outcome::Value);
        });
        assert_eq!(widening.count_total, 0, "allocations while widening");
        let column = column.finish().expect("a column");
        assert_eq!(column.kind(), ColumnType::Float);
        assert_eq!(column.number(999), Some(999.0));
        assert_eq!(column.number(1000), None);
        assert_eq!(column.number(1001), Some(2.5));
    }
}

//! Guessing each column's type, and whether the first row is a header, from a
//! sample of records.

use std::collections::BTreeSet;

use super::markers::Markers;
use super::value::{
    DateOrder, NumberFormat, parse_bool, parse_date, parse_datetime, parse_float, parse_int,
};

/// How a column's fields are read while loading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Parse {
    Int,
    Float,
    Bool,
    Date(DateOrder),
    Datetime(DateOrder),
    /// Kept as strings; categorical, text or ID is decided when the load ends.
    Str,
}

/// A column is still read as numbers when at most this share of its sampled values
/// are not numbers (and those are few distinct words, such as "unknown"): the rest
/// are reported and set missing rather than turning the column into text.
const MAX_STRAY_SHARE: f64 = 0.05;
const MAX_STRAY_WORDS: usize = 3;

/// The type that every (or nearly every, for numbers) present value in `values` fits.
pub fn column(
    values: &[&str],
    markers: &Markers,
    format: NumberFormat,
    prefer: DateOrder,
) -> Parse {
    let present: Vec<&[u8]> = values
        .iter()
        .map(|v| v.as_bytes())
        .filter(|v| !markers.is_missing(v))
        .collect();
    if present.is_empty() {
        return Parse::Float;
    }
    if present.iter().all(|v| parse_bool(v).is_some()) {
        return Parse::Bool;
    }
    if let Some(order) = date_order(&present, prefer, |v, o| parse_date(v, o).is_some()) {
        return Parse::Date(order);
    }
    if let Some(order) = date_order(&present, prefer, |v, o| {
        parse_datetime(v, o).is_some() || parse_date(v, o).is_some()
    }) {
        return Parse::Datetime(order);
    }
    let (numbers, strays): (Vec<&[u8]>, Vec<&[u8]>) = present
        .iter()
        .copied()
        .partition(|v| parse_float(v, format).is_some());
    let strays: BTreeSet<&[u8]> = strays.into_iter().collect();
    let stray_count = present.len() - numbers.len();
    // In a small sample one stray value is already more than 5%: allow one.
    let allowed = ((present.len() as f64 * MAX_STRAY_SHARE) as usize).max(1);
    if numbers.is_empty()
        || (stray_count > 0 && numbers.len() < 3)
        || stray_count > allowed
        || strays.len() > MAX_STRAY_WORDS
    {
        return Parse::Str;
    }
    if numbers.iter().all(|v| parse_int(v, format).is_some()) {
        Parse::Int
    } else {
        Parse::Float
    }
}

/// The date order that reads every value, preferring `prefer` when several do.
fn date_order(
    present: &[&[u8]],
    prefer: DateOrder,
    fits: impl Fn(&[u8], DateOrder) -> bool,
) -> Option<DateOrder> {
    let orders = [DateOrder::Ymd, prefer, DateOrder::Dmy, DateOrder::Mdy];
    orders
        .into_iter()
        .find(|&order| present.iter().all(|v| fits(v, order)))
}

/// The date order that reads the most of `values` as dates or date-times;
/// `prefer` (then year first, day first, month first) on a tie.
pub fn most_read_order(values: &[&[u8]], prefer: DateOrder) -> DateOrder {
    let reads = |order: DateOrder| {
        values
            .iter()
            .filter(|v| parse_date(v, order).is_some() || parse_datetime(v, order).is_some())
            .count()
    };
    let mut best = (prefer, reads(prefer));
    for order in [DateOrder::Ymd, DateOrder::Dmy, DateOrder::Mdy] {
        let count = reads(order);
        if count > best.1 {
            best = (order, count);
        }
    }
    best.0
}

/// Whether a value of `kind` reads `field`.
pub fn fits(kind: Parse, field: &str, format: NumberFormat) -> bool {
    let field = field.as_bytes();
    match kind {
        Parse::Int => parse_int(field, format).is_some(),
        Parse::Float => parse_float(field, format).is_some(),
        Parse::Bool => parse_bool(field).is_some(),
        Parse::Date(order) => parse_date(field, order).is_some(),
        Parse::Datetime(order) => {
            parse_datetime(field, order).is_some() || parse_date(field, order).is_some()
        }
        Parse::Str => true,
    }
}

/// Whether the first record is a header: it is when, in a column whose other values
/// are numbers, booleans or dates, the first value is not; it is not when every such
/// first value fits. With only text columns, a header is assumed unless a first
/// value repeats further down its column.
pub fn has_header(
    records: &[Vec<String>],
    kinds: &[Parse],
    markers: &Markers,
    format: NumberFormat,
) -> bool {
    let Some(first) = records.first() else {
        return true;
    };
    let mut evidence = 0i32;
    for (i, kind) in kinds.iter().enumerate() {
        let Some(value) = first.get(i) else { continue };
        if *kind == Parse::Str || markers.is_missing(value.as_bytes()) {
            continue;
        }
        evidence += if fits(*kind, value, format) { -1 } else { 1 };
    }
    if evidence != 0 {
        return evidence > 0;
    }
    let repeats = first.iter().enumerate().any(|(i, value)| {
        !value.is_empty() && records[1..].iter().any(|r| r.get(i) == Some(value))
    });
    !repeats
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(values: &[&str]) -> Parse {
        column(
            values,
            &Markers::default(),
            NumberFormat::default(),
            DateOrder::Mdy,
        )
    }

    #[test]
    fn each_type_from_its_values() {
        assert_eq!(kind(&["1", "-2", "NA", "30"]), Parse::Int);
        assert_eq!(kind(&["1", "2.5", "3e4"]), Parse::Float);
        assert_eq!(kind(&["true", "False", ""]), Parse::Bool);
        assert_eq!(
            kind(&["2024-01-31", "2023-12-01"]),
            Parse::Date(DateOrder::Ymd)
        );
        assert_eq!(
            kind(&["31/01/2024", "01/02/2024"]),
            Parse::Date(DateOrder::Dmy)
        );
        assert_eq!(
            kind(&["01/02/2024", "01/31/2024"]),
            Parse::Date(DateOrder::Mdy)
        );
        assert_eq!(
            kind(&["01/02/2024", "03/04/2024"]),
            Parse::Date(DateOrder::Mdy)
        );
        assert_eq!(
            kind(&["2024-01-31T10:00:00", "2024-02-01"]),
            Parse::Datetime(DateOrder::Ymd)
        );
        assert_eq!(kind(&["red", "blue"]), Parse::Str);
        assert_eq!(kind(&["NA", ""]), Parse::Float);
    }

    #[test]
    fn a_few_stray_words_keep_a_number_column() {
        let mut values = vec!["1.5"; 40];
        values.push("unknown");
        assert_eq!(kind(&values), Parse::Float);
        values.extend(["a", "b", "c"]);
        assert_eq!(kind(&values), Parse::Str);
    }

    fn recs(rows: &[&[&str]]) -> Vec<Vec<String>> {
        rows.iter()
            .map(|r| r.iter().map(|s| (*s).to_owned()).collect())
            .collect()
    }

    #[test]
    fn headers_are_told_from_data() {
        let m = Markers::default();
        let f = NumberFormat::default();
        let with = recs(&[&["x", "y"], &["1", "a"], &["2", "b"]]);
        assert!(has_header(&with, &[Parse::Int, Parse::Str], &m, f));
        let without = recs(&[&["3", "a"], &["1", "a"], &["2", "b"]]);
        assert!(!has_header(&without, &[Parse::Int, Parse::Str], &m, f));
        let text = recs(&[&["name", "colour"], &["ann", "red"], &["bo", "red"]]);
        assert!(has_header(&text, &[Parse::Str, Parse::Str], &m, f));
        let repeated = recs(&[&["ann", "red"], &["bo", "red"]]);
        assert!(!has_header(&repeated, &[Parse::Str, Parse::Str], &m, f));
    }
}

//! Reading one field as a typed value: integers, floats in the file's number
//! format, booleans, dates and date-times. Every function takes trimmed bytes and
//! returns `None` for anything it does not accept, never panicking.

use serde::{Deserialize, Serialize};

use crate::frame::calendar::days;

/// How the file writes numbers: the decimal mark and an optional thousands separator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NumberFormat {
    pub decimal: u8,
    pub thousands: Option<u8>,
}

impl Default for NumberFormat {
    fn default() -> Self {
        Self {
            decimal: b'.',
            thousands: None,
        }
    }
}

/// Longest number that is rewritten on the stack; longer ones (such as `f64::MAX`
/// written out in full, as CSV export does) are rewritten on the heap.
const MAX_NUMBER_LEN: usize = 64;

/// An integer: optional sign, digits, and thousands separators in groups of three.
#[inline]
pub fn parse_int(field: &[u8], format: NumberFormat) -> Option<i64> {
    let (negative, digits) = match field.first()? {
        b'-' => (true, &field[1..]),
        b'+' => (false, &field[1..]),
        _ => (false, field),
    };
    if digits.is_empty() || digits.len() > 26 {
        return None;
    }
    let mut value: i64 = 0;
    let mut since_separator = 0usize;
    let mut separators = 0;
    for (i, &b) in digits.iter().enumerate() {
        if b.is_ascii_digit() {
            value = value.checked_mul(10)?.checked_sub(i64::from(b - b'0'))?;
            since_separator += 1;
        } else if Some(b) == format.thousands && i > 0 && (separators == 0 || since_separator == 3)
        {
            if separators == 0 && since_separator > 3 {
                return None;
            }
            separators += 1;
            since_separator = 0;
        } else {
            return None;
        }
    }
    if separators > 0 && since_separator != 3 {
        return None;
    }
    // Accumulated as a negative number so that i64::MIN parses too.
    if negative {
        Some(value)
    } else {
        value.checked_neg()
    }
}

/// A finite number, with scientific notation, in the file's number format. NaN and
/// infinities are not numbers a model can use, so they are refused here.
#[inline]
pub fn parse_float(field: &[u8], format: NumberFormat) -> Option<f64> {
    let first = *field.first()?;
    if !(first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.' | b',')) {
        return None;
    }
    let value = if format.decimal == b'.' && format.thousands.is_none() {
        fast_float2::parse::<f64, _>(field).ok()?
    } else {
        let mut stack = [0u8; MAX_NUMBER_LEN];
        let mut heap = Vec::new();
        let buffer: &mut [u8] = if field.len() <= MAX_NUMBER_LEN {
            &mut stack
        } else {
            heap.resize(field.len(), 0);
            &mut heap
        };
        let mut len = 0;
        let mut seen_decimal = false;
        for &b in field {
            if b == format.decimal {
                seen_decimal = true;
                buffer[len] = b'.';
                len += 1;
            } else if Some(b) == format.thousands && !seen_decimal {
                continue;
            } else if b == b'.' {
                // A dot that is neither the decimal mark nor the separator.
                return None;
            } else {
                buffer[len] = b;
                len += 1;
            }
        }
        if let Some(separator) = format.thousands
            && field.contains(&separator)
        {
            parse_int_part_grouped(field, format)?;
        }
        fast_float2::parse::<f64, _>(&buffer[..len]).ok()?
    };
    value.is_finite().then_some(value)
}

/// Checks that thousands separators before the decimal mark group digits by three.
fn parse_int_part_grouped(field: &[u8], format: NumberFormat) -> Option<()> {
    let int_part = field
        .split(|&b| b == format.decimal || b == b'e' || b == b'E')
        .next()?;
    parse_int(int_part, format).map(|_| ())
}

/// `true`/`false` and `yes`/`no`, in any case.
#[inline]
pub fn parse_bool(field: &[u8]) -> Option<bool> {
    match field.len() {
        2 if field.eq_ignore_ascii_case(b"no") => Some(false),
        3 if field.eq_ignore_ascii_case(b"yes") => Some(true),
        4 if field.eq_ignore_ascii_case(b"true") => Some(true),
        5 if field.eq_ignore_ascii_case(b"false") => Some(false),
        _ => None,
    }
}

/// The order of a date's parts. ISO dates are always year first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DateOrder {
    Ymd,
    Dmy,
    Mdy,
}

/// The three numbers of a date written with `-`, `/` or `.` between them, and the
/// rest of the field.
fn date_parts(field: &[u8]) -> Option<([u32; 3], [usize; 3], &[u8])> {
    let mut parts = [0u32; 3];
    let mut widths = [0usize; 3];
    let mut i = 0;
    let mut separator = None;
    for part in 0..3 {
        let start = i;
        while i < field.len() && field[i].is_ascii_digit() && i - start < 4 {
            parts[part] = parts[part] * 10 + u32::from(field[i] - b'0');
            i += 1;
        }
        widths[part] = i - start;
        if widths[part] == 0 {
            return None;
        }
        if part < 2 {
            let b = *field.get(i)?;
            if !matches!(b, b'-' | b'/' | b'.') || separator.is_some_and(|s| s != b) {
                return None;
            }
            separator = Some(b);
            i += 1;
        }
    }
    Some((parts, widths, &field[i..]))
}

/// Days since 1970-01-01 of a date in `order`; `None` for anything else,
/// including dates that do not exist.
#[inline]
pub fn parse_date(field: &[u8], order: DateOrder) -> Option<i64> {
    let (parts, widths, rest) = date_parts(field)?;
    if !rest.is_empty() {
        return None;
    }
    ymd(parts, widths, order)
}

fn ymd(parts: [u32; 3], widths: [usize; 3], order: DateOrder) -> Option<i64> {
    // A four-digit first part is a year whatever the column's order: ISO dates.
    let order = if widths[0] == 4 {
        DateOrder::Ymd
    } else {
        order
    };
    let (y, m, d, year_width) = match order {
        DateOrder::Ymd => (parts[0], parts[1], parts[2], widths[0]),
        DateOrder::Dmy => (parts[2], parts[1], parts[0], widths[2]),
        DateOrder::Mdy => (parts[2], parts[0], parts[1], widths[2]),
    };
    if year_width != 4 {
        return None;
    }
    days(i32::try_from(y).ok()?, m, d)
}

/// Milliseconds since 1970-01-01T00:00:00 UTC of a date in `order` followed by `T`
/// or a space and `HH:MM`, optional `:SS` and fraction, and an optional `Z` or
/// `±HH:MM` offset.
pub fn parse_datetime(field: &[u8], order: DateOrder) -> Option<i64> {
    let (parts, widths, rest) = date_parts(field)?;
    let day = ymd(parts, widths, order)?;
    let (&sep, time) = rest.split_first()?;
    if !matches!(sep, b'T' | b't' | b' ') {
        return None;
    }
    let two = |b: &[u8]| -> Option<u32> {
        match b {
            [a, b] if a.is_ascii_digit() && b.is_ascii_digit() => {
                Some(u32::from(a - b'0') * 10 + u32::from(b - b'0'))
            }
            _ => None,
        }
    };
    let hour = two(time.get(0..2)?)?;
    if time.get(2) != Some(&b':') {
        return None;
    }
    let minute = two(time.get(3..5)?)?;
    let mut i = 5;
    let mut second = 0;
    let mut millis = 0u32;
    if time.get(i) == Some(&b':') {
        second = two(time.get(i + 1..i + 3)?)?;
        i += 3;
        if matches!(time.get(i), Some(b'.' | b',')) {
            i += 1;
            let start = i;
            let mut scale = 100;
            while let Some(&b) = time.get(i).filter(|b| b.is_ascii_digit()) {
                millis += u32::from(b - b'0') * scale;
                scale /= 10;
                i += 1;
            }
            if i == start {
                return None;
            }
        }
    }
    let offset_minutes: i64 = match &time[i..] {
        [] | [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] | [sign @ (b'+' | b'-'), h1, h2, m1, m2] => {
            let minutes = i64::from(two(&[*h1, *h2])? * 60 + two(&[*m1, *m2])?);
            if *sign == b'+' { minutes } else { -minutes }
        }
        _ => return None,
    };
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let seconds =
        day * 86_400 + i64::from(hour * 3600 + minute * 60 + second) - offset_minutes * 60;
    Some(seconds * 1000 + i64::from(millis))
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOT: NumberFormat = NumberFormat {
        decimal: b'.',
        thousands: None,
    };
    const EUROPEAN: NumberFormat = NumberFormat {
        decimal: b',',
        thousands: Some(b'.'),
    };

    #[test]
    fn integers_with_signs_limits_and_groups() {
        assert_eq!(parse_int(b"42", DOT), Some(42));
        assert_eq!(parse_int(b"-7", DOT), Some(-7));
        assert_eq!(parse_int(b"+7", DOT), Some(7));
        assert_eq!(parse_int(b"-9223372036854775808", DOT), Some(i64::MIN));
        assert_eq!(parse_int(b"9223372036854775808", DOT), None);
        assert_eq!(parse_int(b"1.5", DOT), None);
        assert_eq!(parse_int(b"", DOT), None);
        assert_eq!(parse_int(b"-", DOT), None);
        assert_eq!(parse_int(b"1.234.567", EUROPEAN), Some(1_234_567));
        assert_eq!(parse_int(b"12.34", EUROPEAN), None);
        assert_eq!(parse_int(b"1234.567", EUROPEAN), None);
    }

    #[test]
    fn floats_in_both_formats_and_no_infinities() {
        assert_eq!(parse_float(b"2.5", DOT), Some(2.5));
        assert_eq!(parse_float(b"-3e2", DOT), Some(-300.0));
        assert_eq!(parse_float(b".5", DOT), Some(0.5));
        assert_eq!(parse_float(b"1e400", DOT), None);
        assert_eq!(parse_float(b"NaN", DOT), None);
        assert_eq!(parse_float(b"inf", DOT), None);
        assert_eq!(parse_float(b"1,5", DOT), None);
        assert_eq!(parse_float(b"1,5", EUROPEAN), Some(1.5));
        assert_eq!(parse_float(b"1.234,5", EUROPEAN), Some(1234.5));
        assert_eq!(parse_float(b"-0,001", EUROPEAN), Some(-0.001));
        assert_eq!(parse_float(b"12.34,5", EUROPEAN), None);
        assert_eq!(parse_float(b"abc", DOT), None);
        // Longer than the stack buffer: as CSV export writes f64::MAX.
        let max = format!("{}", f64::MAX);
        assert_eq!(parse_float(max.as_bytes(), EUROPEAN), Some(f64::MAX));
        let grouped = NumberFormat {
            decimal: b'.',
            thousands: Some(b','),
        };
        let tiny = format!("{}", 5e-324);
        assert_eq!(parse_float(tiny.as_bytes(), grouped), Some(5e-324));
    }

    #[test]
    fn booleans() {
        assert_eq!(parse_bool(b"TRUE"), Some(true));
        assert_eq!(parse_bool(b"no"), Some(false));
        assert_eq!(parse_bool(b"1"), None);
    }

    #[test]
    fn dates_in_each_order_and_datetimes_with_offsets() {
        let day = days(2024, 3, 31).expect("exists");
        assert_eq!(parse_date(b"2024-03-31", DateOrder::Ymd), Some(day));
        assert_eq!(parse_date(b"2024/3/31", DateOrder::Ymd), Some(day));
        assert_eq!(parse_date(b"31.03.2024", DateOrder::Dmy), Some(day));
        assert_eq!(parse_date(b"03/31/2024", DateOrder::Mdy), Some(day));
        assert_eq!(parse_date(b"31/03/2024", DateOrder::Mdy), None);
        assert_eq!(parse_date(b"2024-03-31", DateOrder::Dmy), Some(day));
        assert_eq!(parse_date(b"2024-02-30", DateOrder::Ymd), None);
        assert_eq!(parse_date(b"2024-03/31", DateOrder::Ymd), None);
        assert_eq!(parse_date(b"24-03-31", DateOrder::Ymd), None);
        let base = day * 86_400_000;
        assert_eq!(
            parse_datetime(b"2024-03-31T12:30", DateOrder::Ymd),
            Some(base + 45_000_000)
        );
        assert_eq!(
            parse_datetime(b"2024-03-31 12:30:15.25Z", DateOrder::Ymd),
            Some(base + 45_015_250)
        );
        assert_eq!(
            parse_datetime(b"2024-03-31T12:30:00+02:00", DateOrder::Ymd),
            Some(base + 45_000_000 - 7_200_000)
        );
        assert_eq!(parse_datetime(b"2024-03-31T25:00", DateOrder::Ymd), None);
        assert_eq!(parse_datetime(b"2024-03-31", DateOrder::Ymd), None);
    }
}

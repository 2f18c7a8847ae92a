//! Reading simple records (no quote character, as many fields as columns, found
//! by `Reading::simple_records`) straight from the file's bytes, one group of
//! columns at a time, so that groups can be read on several threads.
//!
//! Numbers are read where they stand: each number reader takes what it can from
//! the start of the input and says how many bytes it took, so a field needs no
//! separate split. Each gives exactly what [`super::value`] gives for the same
//! field, or `None` to leave the field to [`ColumnBuilder::push`].

use super::builder::{ColumnBuilder, Outcome};
use super::infer::Parse;
use super::markers::Markers;
use super::report::{Example, Policy, ProblemKind};
use super::value::NumberFormat;

/// One simple record: where it lies in the input, and the line it starts on.
#[derive(Debug, Clone, Copy)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub line: u64,
}

/// Simple records to read, and how.
#[derive(Debug)]
pub struct Batch<'a> {
    pub input: &'a [u8],
    pub spans: &'a [Span],
    /// The row number of the first record.
    pub first_row: u64,
    pub delimiter: u8,
    pub format: NumberFormat,
    pub markers: &'a Markers,
    /// Whether numbers may be read where they stand (see `Reading::fast_numbers`).
    pub fast_numbers: bool,
    /// How many fields each record has.
    pub width: usize,
}

/// Values of one kind in one column that were not read as written, as the load
/// report counts them.
#[derive(Debug)]
pub struct Found {
    pub kind: ProblemKind,
    pub policy: Policy,
    /// The column's index and name.
    pub column: usize,
    pub name: String,
    /// The row of the first one.
    pub first_row: u64,
    pub count: u64,
    /// The first few, in row order.
    pub examples: Vec<Example>,
}

/// Where the record at the start of `bytes` ends if it is simple: the position of
/// the first line break or quote, and how many delimiters come before it. `None`
/// when there is neither.
#[inline]
pub fn record_end(bytes: &[u8], delimiter: u8, quote: u8) -> Option<(usize, usize)> {
    let end = memchr::memchr3(b'\n', b'\r', quote, bytes)?;
    Some((end, count(&bytes[..end], delimiter)))
}

/// How many times `byte` occurs in `bytes`, eight bytes at a time in plain
/// integer arithmetic (the release build is optimised for size, which leaves
/// loops unvectorised).
#[inline]
fn count(bytes: &[u8], byte: u8) -> usize {
    let (words, rest) = bytes.as_chunks::<8>();
    let mut total = 0;
    for word in words {
        // One per match, summed into the top byte.
        total += ((matches(word, byte) >> 7).wrapping_mul(LOW) >> 56) as usize;
    }
    total + rest.iter().filter(|&&b| b == byte).count()
}

const LOW: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// The top bit of each byte of `word` that is `byte`, in plain integer arithmetic.
#[inline(always)]
fn matches(word: &[u8; 8], byte: u8) -> u64 {
    // Zero bytes where `byte` is; then the top bit of every byte that is zero.
    let x = u64::from_le_bytes(*word) ^ (LOW * u64::from(byte));
    let nonzero = ((x & !HIGH).wrapping_add(!HIGH) | x) & HIGH;
    !nonzero & HIGH
}

/// Where field `n` of `record` starts: just past its `n`-th delimiter, or the
/// record's end when it has fewer. Eight bytes at a time: a reader of the later
/// columns skips the earlier ones in every record, and a search per field cost
/// more than reading them.
#[inline]
fn field_start(record: &[u8], delimiter: u8, n: usize) -> usize {
    if n == 0 {
        return 0;
    }
    let mut left = n;
    let (words, rest) = record.as_chunks::<8>();
    for (i, word) in words.iter().enumerate() {
        let mut found = matches(word, delimiter);
        let count = found.count_ones() as usize;
        if count < left {
            left -= count;
            continue;
        }
        for _ in 1..left {
            found &= found - 1;
        }
        return i * 8 + (found.trailing_zeros() / 8) as usize + 1;
    }
    rest.iter()
        .enumerate()
        .filter(|&(_, &b)| b == delimiter)
        .nth(left - 1)
        .map_or(record.len(), |(j, _)| words.len() * 8 + j + 1)
}

/// Reads columns `first..first + columns.len()` of every record of `batch` into
/// `columns`; returns what was not read as written, in the order first met, or
/// the row at which memory ran out.
pub fn read_columns(
    batch: &Batch,
    first: usize,
    columns: &mut [ColumnBuilder],
) -> Result<Vec<Found>, u64> {
    let mut found: Vec<Found> = Vec::new();
    let delimiter = batch.delimiter;
    let last = batch.width.saturating_sub(1);
    let input = batch.input;
    // A record's floats, as (column, numerator, divisor): divided together at
    // the end of the record, the divisions overlap instead of waiting in turn.
    let mut quotients: Vec<(usize, f64, f64)> = Vec::with_capacity(columns.len());
    for (j, span) in batch.spans.iter().enumerate() {
        let row = batch.first_row + j as u64;
        let record = input.get(span.start..span.end).unwrap_or_default();
        // Where the field being read starts, in `input`.
        let mut at = span.start + field_start(record, delimiter, first);
        for (c, column) in columns.iter_mut().enumerate() {
            // Numbers are read from the whole input, so that the last field too
            // has a word of bytes after it: the record's line break ends them.
            if batch.fast_numbers {
                match number(column, &input[at..], span.end - at, delimiter).map_err(|_| row)? {
                    Number::Stored(taken) => {
                        at += taken + 1;
                        continue;
                    }
                    Number::Quotient(numerator, divisor, taken) => {
                        quotients.push((c, numerator, divisor));
                        at += taken + 1;
                        continue;
                    }
                    Number::Other => {}
                }
            }
            let rest = record.get(at - span.start..).unwrap_or_default();
            let index = first + c;
            let end = if index == last {
                rest.len()
            } else {
                memchr::memchr(delimiter, rest).unwrap_or(rest.len())
            };
            let value = rest[..end].trim_ascii();
            let outcome = column
                .push(value, batch.format, batch.markers)
                .map_err(|_| row)?;
            if matches!(outcome, Outcome::Unparsable | Outcome::Reencoded) {
                let (kind, policy) = if outcome == Outcome::Unparsable {
                    (ProblemKind::UnparsableValue, Policy::SetMissing)
                } else {
                    (ProblemKind::InvalidEncoding, Policy::Replaced)
                };
                let at = match found
                    .iter()
                    .position(|f| f.kind == kind && f.column == index)
                {
                    Some(at) => at,
                    None => {
                        found.push(Found {
                            kind,
                            policy,
                            column: index,
                            name: column.name.clone(),
                            first_row: row,
                            count: 0,
                            examples: Vec::new(),
                        });
                        found.len() - 1
                    }
                };
                let entry = &mut found[at];
                entry.count += 1;
                if entry.examples.len() < super::report::MAX_EXAMPLES {
                    entry.examples.push(Example {
                        row,
                        line: span.line,
                        column: Some(entry.name.clone()),
                        value: String::from_utf8_lossy(value).into_owned(),
                    });
                }
            }
            at += end + 1;
        }
        for (c, numerator, divisor) in quotients.drain(..) {
            columns[c]
                .push_float(numerator / divisor)
                .map_err(|_| row)?;
        }
    }
    Ok(found)
}

/// What [`number`] made of a field.
enum Number {
    /// Stored; the bytes it took.
    Stored(usize),
    /// A float field, the quotient of these two, still to be stored; the bytes
    /// it took.
    Quotient(f64, f64, usize),
    /// Left to the field reader.
    Other,
}

/// Reads the number at the start of `rest` for numeric `column` when the field,
/// the first `left` bytes of `rest` up to a delimiter, is exactly that number, as
/// [`ColumnBuilder::push`] would read it.
#[inline(always)]
fn number(
    column: &mut ColumnBuilder,
    rest: &[u8],
    left: usize,
    delimiter: u8,
) -> Result<Number, std::collections::TryReserveError> {
    let ends = |n: usize| n == left || (n < left && rest.get(n) == Some(&delimiter));
    Ok(match column.parse() {
        Parse::Float => match float_parts(rest) {
            Some((numerator, divisor, n)) if ends(n) => Number::Quotient(numerator, divisor, n),
            _ => Number::Other,
        },
        Parse::Int => match leading_int(rest) {
            Some((x, n)) if ends(n) => {
                column.push_int(x)?;
                Number::Stored(n)
            }
            _ => Number::Other,
        },
        _ => Number::Other,
    })
}

/// Powers of ten that `f64` holds exactly.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// Powers of ten up to one digit more than a word holds.
const POW10_INT: [u64; 9] = [
    1,
    10,
    100,
    1_000,
    10_000,
    100_000,
    1_000_000,
    10_000_000,
    100_000_000,
];

/// Most digits a number read here may have: 19 cannot overflow a `u64`.
const MAX_DIGITS: usize = 19;

/// The run of ASCII digits at `bytes[i..]`, appended to `value` (wrapping past
/// [`MAX_DIGITS`], which the callers refuse); returns where the run ends. Eight
/// bytes at a time where eight are left.
#[inline(always)]
fn digits(bytes: &[u8], mut i: usize, value: &mut u64) -> usize {
    const ZEROS: u64 = 0x3030_3030_3030_3030;
    const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    const TOP: u64 = 0x8080_8080_8080_8080;
    while let Some(word) = bytes.get(i..).and_then(<[u8]>::first_chunk::<8>) {
        // Each byte less '0': a digit is 0 to 9, anything else is more.
        let x = u64::from_le_bytes(*word) ^ ZEROS;
        let other = (((x & LOW7).wrapping_add(0x7676_7676_7676_7676)) | x) & TOP;
        let n = (other.trailing_zeros() / 8) as usize;
        if n > 0 {
            // The n digits, with zeros before them to fill the word.
            *value = value
                .wrapping_mul(POW10_INT[n])
                .wrapping_add(eight_digits(x << (8 * (8 - n))));
        }
        i += n;
        if n < 8 {
            return i;
        }
    }
    while let Some(&b) = bytes.get(i)
        && b.is_ascii_digit()
    {
        *value = value.wrapping_mul(10).wrapping_add(u64::from(b - b'0'));
        i += 1;
    }
    i
}

/// The number written by eight digits, each byte holding one (0 to 9), the first
/// in the lowest byte.
#[inline(always)]
fn eight_digits(x: u64) -> u64 {
    const MASK: u64 = 0x0000_00FF_0000_00FF;
    const MUL1: u64 = 100 + (1_000_000 << 32);
    const MUL2: u64 = 1 + (10_000 << 32);
    let x = x.wrapping_mul(10).wrapping_add(x >> 8);
    ((x & MASK)
        .wrapping_mul(MUL1)
        .wrapping_add(((x >> 16) & MASK).wrapping_mul(MUL2)))
        >> 32
}

/// An integer at the start of `bytes`: an optional sign and up to 18 digits, so it
/// cannot overflow; with the bytes it took. Longer ones are left to the field
/// reader.
#[inline(always)]
pub fn leading_int(bytes: &[u8]) -> Option<(i64, usize)> {
    let (negative, start) = match bytes.first()? {
        b'-' => (true, 1),
        b'+' => (false, 1),
        _ => (false, 0),
    };
    let mut value = 0u64;
    let end = digits(bytes, start, &mut value);
    if end == start || end - start > 18 {
        return None;
    }
    let value = value as i64;
    Some((if negative { -value } else { value }, end))
}

/// The number at the start of `bytes` read by [`float_parts`], divided out.
#[cfg(test)]
pub fn leading_float(bytes: &[u8]) -> Option<(f64, usize)> {
    float_parts(bytes).map(|(numerator, divisor, n)| (numerator / divisor, n))
}

/// A number at the start of `bytes` in the plain format (`.` decimal mark, no
/// thousands separators, sign allowed), as a quotient still to take, with the
/// bytes it took.
///
/// Numbers written with at most 19 digits, no exponent, a value of at most 2^53
/// before the decimal point is placed and at most 22 decimals are exact in `f64`
/// as an integer over a power of ten, so one division rounds them correctly
/// (Clinger's fast path, which fast-float takes too); the others are read by
/// fast-float, over one. Either way the quotient is the correctly rounded value,
/// the same as [`super::value::parse_float`] gives. Infinities and NaN are refused.
#[inline(always)]
fn float_parts(bytes: &[u8]) -> Option<(f64, f64, usize)> {
    match bytes.first()? {
        b'0'..=b'9' | b'-' | b'+' | b'.' => {}
        _ => return None,
    }
    if let Some(found) = short_decimal(bytes) {
        return Some(found);
    }
    let (value, n) = fast_float2::parse_partial::<f64, _>(bytes).ok()?;
    value.is_finite().then_some((value, 1.0, n))
}

/// `m` (at most 2^53) as an `f64`. Below 2^52 by way of the bits of 2^52 + m:
/// the usual conversion instruction waits for the last value computed in its
/// register, which chains every number's division to the one before.
#[inline(always)]
fn exact(m: u64) -> f64 {
    const TWO_52: u64 = 0x4330_0000_0000_0000;
    if m < 1 << 52 {
        f64::from_bits(TWO_52 | m) - 4_503_599_627_370_496.0
    } else {
        m as f64
    }
}

#[inline(always)]
fn short_decimal(bytes: &[u8]) -> Option<(f64, f64, usize)> {
    let (negative, start) = match bytes.first()? {
        b'-' => (true, 1),
        b'+' => (false, 1),
        _ => (false, 0),
    };
    let mut mantissa = 0u64;
    let mut i = digits(bytes, start, &mut mantissa);
    let mut count = i - start;
    let mut decimals = 0;
    if bytes.get(i) == Some(&b'.') {
        let after = i + 1;
        i = digits(bytes, after, &mut mantissa);
        decimals = i - after;
        count += decimals;
    }
    if count == 0
        || count > MAX_DIGITS
        || decimals >= POW10.len()
        || mantissa > 1 << 53
        || matches!(bytes.get(i), Some(b'e' | b'E' | b'.'))
    {
        return None;
    }
    // The sign on the numerator: -(m / d) and (-m) / d round alike.
    let numerator = exact(mantissa);
    let numerator = if negative { -numerator } else { numerator };
    Some((numerator, POW10[decimals], i))
}

#[cfg(test)]
mod tests {
    use super::super::value::{NumberFormat, parse_float, parse_int};
    use super::*;

    /// What the field reader gives for `field` alone.
    fn whole_float(field: &str) -> Option<f64> {
        parse_float(field.as_bytes(), NumberFormat::default())
    }

    #[test]
    fn field_start_skips_whole_fields_as_a_search_per_field_does() {
        let mut rng = crate::rng::SplitMix64::new(3);
        for _ in 0..2000 {
            let len = (rng.next_u64() % 40) as usize;
            let record: Vec<u8> = (0..len)
                .map(|_| b",a1;"[(rng.next_u64() % 4) as usize])
                .collect();
            for n in 0..8 {
                let mut at = 0;
                for _ in 0..n {
                    let rest = &record[at..];
                    at += memchr::memchr(b',', rest).map_or(rest.len(), |i| i + 1);
                }
                assert_eq!(field_start(&record, b',', n), at, "{record:?} field {n}");
            }
        }
    }

    #[test]
    fn floats_agree_with_the_field_reader_bit_for_bit() {
        let cases = [
            "0",
            "-0",
            "+0",
            "0.0",
            "-0.0",
            "1",
            "1.",
            ".5",
            "-.5",
            "+.5",
            "3.14159",
            "-2.5e3",
            "1e400",
            "1e-400",
            "0.1",
            "0.2",
            "0.3",
            "123456789.123456789",
            "9007199254740993",
            "9007199254740992",
            "12345678901234567890",
            "1234567890123456789",
            "0.000000000000000000001",
            "0.0000000000000000000001",
            "0.00000000000000000000001",
            "179769313486231570000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000.0",
            "4.9e-324",
            "2.2250738585072014e-308",
            "-1593.099",
            "0.0010400199",
            "95.39223195",
            ".",
            "-",
            "+",
            "",
            "e5",
            "1.5.2",
            "--1",
            "inf",
            "-inf",
            "nan",
            "NaN",
            "1,5",
            "0x10",
        ];
        for case in cases {
            for tail in ["", ",", ",7", "\n"] {
                let input = format!("{case}{tail}");
                let read = leading_float(input.as_bytes())
                    .filter(|&(_, n)| n == case.len())
                    .map(|(x, _)| x.to_bits());
                let whole = whole_float(case).map(f64::to_bits);
                if read.is_some() {
                    assert_eq!(read, whole, "{input:?}");
                }
                if tail.is_empty() {
                    assert_eq!(read.is_some(), whole.is_some(), "{input:?}");
                }
            }
        }
    }

    #[test]
    fn counts_every_byte_value() {
        let bytes: Vec<u8> = (0..=255u8)
            .cycle()
            .take(1000)
            .chain([0x80, 0x80, 0x7f])
            .collect();
        for byte in 0..=255u8 {
            let expected = bytes.iter().filter(|&&b| b == byte).count();
            assert_eq!(count(&bytes, byte), expected, "{byte}");
            assert_eq!(
                count(&bytes[3..17], byte),
                bytes[3..17].iter().filter(|&&b| b == byte).count()
            );
        }
        assert_eq!(count(b",,,,,,,,,,,,,,,,,", b','), 17);
    }

    #[test]
    fn record_ends_and_delimiters_before_them() {
        assert_eq!(record_end(b"a,b,c\nd", b',', b'"'), Some((5, 2)));
        assert_eq!(record_end(b"a,b,c", b',', b'"'), None);
        assert_eq!(record_end(b"a,\"b\",c\n", b',', b'"'), Some((2, 1)));
        assert_eq!(record_end(b"\r\n", b',', b'"'), Some((0, 0)));
        for len in [0, 1, 31, 32, 33, 64, 100] {
            let mut line = vec![b'x'; len];
            for i in (0..len).step_by(3) {
                line[i] = b';';
            }
            let delimiters = line.iter().filter(|&&b| b == b';').count();
            for end in [b'\n', b'\r', b'\''] {
                let mut bytes = line.clone();
                bytes.push(end);
                bytes.extend_from_slice(b";;;\n");
                assert_eq!(
                    record_end(&bytes, b';', b'\''),
                    Some((len, delimiters)),
                    "{len}"
                );
            }
            assert_eq!(record_end(&line, b';', b'\''), None);
        }
    }

    #[test]
    fn many_shapes_of_numbers_agree_bit_for_bit() {
        let mut state: u64 = 1;
        let mut next = move |n: u64| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) % n
        };
        for _ in 0..100_000 {
            let mut text = String::new();
            match next(4) {
                0 => text.push('-'),
                1 if next(4) == 0 => text.push('+'),
                _ => {}
            }
            for _ in 0..next(22) {
                text.push(char::from(b'0' + next(10) as u8));
            }
            if next(3) > 0 {
                text.push('.');
                for _ in 0..next(26) {
                    text.push(char::from(b'0' + next(10) as u8));
                }
            }
            if next(10) == 0 {
                text.push_str(&format!("e{}", next(40) as i64 - 20));
            }
            for tail in ["", ",1.5", "\n"] {
                let input = format!("{text}{tail}");
                let read = leading_float(input.as_bytes())
                    .filter(|&(_, n)| n == text.len())
                    .map(|(x, _)| x.to_bits());
                let whole = whole_float(&text).map(f64::to_bits);
                assert_eq!(read, whole, "{input:?}");
                let int = leading_int(input.as_bytes())
                    .filter(|&(_, n)| n == text.len())
                    .map(|(x, _)| x);
                if int.is_some() {
                    assert_eq!(
                        int,
                        parse_int(text.as_bytes(), NumberFormat::default()),
                        "{text}"
                    );
                }
            }
        }
    }

    #[test]
    fn integers_agree_with_the_field_reader() {
        for case in [
            "0",
            "-0",
            "+7",
            "-7",
            "42",
            "123456789012345678",
            "1234567890123456789",
            "-9223372036854775808",
            "",
            "-",
            "+",
            "1.5",
            "1e3",
        ] {
            let read = leading_int(case.as_bytes())
                .filter(|&(_, n)| n == case.len())
                .map(|(x, _)| x);
            if read.is_some() {
                assert_eq!(
                    read,
                    parse_int(case.as_bytes(), NumberFormat::default()),
                    "{case}"
                );
            }
        }
        assert_eq!(leading_int(b"12,3"), Some((12, 2)));
    }
}

#[cfg(test)]
mod equivalence {
    use super::super::{LoadOptions, Loaded, Loader};

    /// A file that takes every path: numbers read where they stand and left to
    /// the field reader, integers widening to floats past the sample, markers,
    /// stray words, spaces, quoted records with line breaks, blank lines, ragged
    /// rows, and `line_break` between records.
    fn file(rows: usize, line_break: &str) -> String {
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            state >> 33
        };
        let mut csv = format!("id,x,count,mixed,when,flag,colour,note{line_break}");
        for i in 0..rows {
            let r = next();
            let x = match r % 97 {
                0 => "NA".to_owned(),
                1 => String::new(),
                2 => "unknown".to_owned(),
                3 => format!(" {}.25 ", r % 1000),
                4 => format!("{}e-3", r % 1000),
                5 => "-0".to_owned(),
                6 => "12345678901234567890.5".to_owned(),
                _ => format!("{}.{:04}", (r % 20_000) as i64 - 10_000, r % 10_000),
            };
            let count = match r % 211 {
                0 => "?".to_owned(),
                1 => "many".to_owned(),
                _ => (r % 5000).to_string(),
            };
            let mixed = if i > 30_000 && r % 5 == 0 {
                format!("{}.5", r % 100)
            } else {
                format!("{}", r % 100_000)
            };
            let when = format!("2024-{:02}-{:02}", r % 12 + 1, r % 28 + 1);
            let flag = if r % 2 == 0 { "true" } else { "false" };
            let colour = ["red", "green", "blue"][(r % 3) as usize];
            let note = match r % 53 {
                0 => format!("\"two{line_break}lines, {i}\""),
                1 => format!("\"said \"\"hi\"\" {i}\""),
                _ => format!("note {}", r % 7),
            };
            csv.push_str(&format!(
                "{i},{x},{count},{mixed},{when},{flag},{colour},{note}{line_break}"
            ));
            match r % 1009 {
                0 => csv.push_str(line_break),
                1 => csv.push_str(&format!("{i},1.5{line_break}")),
                2 => csv.push_str(&format!(
                    "{i},1,2,3,2024-01-01,true,red,n,extra{line_break}"
                )),
                3 => csv.push_str(&format!("{i},1,2,3,2024-01-01,true,red,n,{line_break}")),
                _ => {}
            }
        }
        csv
    }

    fn read(bytes: &[u8], chunk: usize, loader: Loader) -> Loaded {
        let mut loader = loader;
        for piece in bytes.chunks(chunk) {
            loader.push(piece).expect("reads");
        }
        loader.finish().expect("reads")
    }

    /// Fails at the first difference, showing it.
    fn same(loaded: &Loaded, reference: &Loaded, what: &str) {
        let parts = |l: &Loaded| -> Vec<String> {
            let mut parts = vec![format!("{:?}", l.dialect), format!("{:?}", l.problems)];
            parts.extend(l.frame.columns().iter().map(|c| format!("{c:?}")));
            parts
        };
        for (a, b) in parts(loaded).iter().zip(parts(reference).iter()) {
            if a != b {
                let at = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
                let from = at.saturating_sub(300);
                panic!(
                    "{what}: differs at {at}:\n{}\n---\n{}",
                    &a[from..(at + 200).min(a.len())],
                    &b[from..(at + 200).min(b.len())]
                );
            }
        }
        // Missing floats are NaN, which `==` never matches: the texts above compare them.
        assert_eq!(
            (
                loaded.frame.rows(),
                loaded.frame.columns().len(),
                &loaded.sha256,
                loaded.bytes
            ),
            (
                reference.frame.rows(),
                reference.frame.columns().len(),
                &reference.sha256,
                reference.bytes
            ),
            "{what}"
        );
    }

    #[test]
    fn simple_records_and_threads_read_exactly_as_csv_core_alone() {
        for line_break in ["\n", "\r\n"] {
            let csv = file(40_000, line_break);
            let bytes = csv.as_bytes();
            let new = || Loader::new("f.csv", LoadOptions::default(), Some(bytes.len() as u64));
            let reference = read(bytes, 1 << 20, new().csv_core_only().with_threads(1));
            assert_eq!(reference.problems.len(), 5, "{:?}", reference.problems);
            assert!(reference.frame.rows() > 40_000);
            for (chunk, threads) in [(1 << 20, 2), (4 << 20, 3), (777, 1)] {
                let loaded = read(bytes, chunk, new().with_threads(threads));
                same(
                    &loaded,
                    &reference,
                    &format!("chunk {chunk}, threads {threads}"),
                );
            }
        }
    }

    #[test]
    fn a_marker_that_is_a_number_is_still_a_marker() {
        let mut csv = String::from("a,b\n");
        for i in 0..5000 {
            csv.push_str(&format!("{},{}.5\n", if i % 10 == 0 { -999 } else { i }, i));
        }
        let options = LoadOptions {
            missing: Some(vec!["-999".into(), "-999.5".into()]),
            ..LoadOptions::default()
        };
        let bytes = csv.as_bytes();
        let loaded = read(bytes, 1 << 20, Loader::new("f.csv", options, None));
        let a = loaded.frame.column("a").expect("a");
        assert_eq!(a.missing(), 500);
        assert_eq!(loaded.frame.column("b").expect("b").missing(), 0);
    }
}

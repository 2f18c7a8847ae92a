//! The file's dialect: delimiter, quote, header, encoding, line endings and number
//! format, each guessed from a sample unless the person set it.

use serde::{Deserialize, Serialize};

use super::encoding::Encoding;
use super::value::NumberFormat;

/// How the file was read; `studio inspect --json` prints it as `dialect`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dialect {
    pub delimiter: char,
    pub quote: char,
    pub header: bool,
    pub encoding: Encoding,
    /// Whether the file starts with a byte-order mark.
    pub bom: bool,
    pub line_ending: LineEnding,
    pub decimal: char,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub thousands: Option<char>,
}

impl Dialect {
    pub fn number_format(&self) -> NumberFormat {
        NumberFormat {
            decimal: self.decimal as u8,
            thousands: self.thousands.map(|c| c as u8),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LineEnding {
    Lf,
    Crlf,
    Cr,
}

/// Delimiters tried, in order of preference when several fit.
pub const DELIMITERS: [u8; 5] = [b',', b';', b'\t', b'|', b' '];

/// The most common line ending in `sample`.
pub fn line_ending(sample: &[u8]) -> LineEnding {
    let mut crlf = 0;
    let mut lf = 0;
    let mut cr = 0;
    // The `\n` of a `\r\n` just counted.
    let mut paired = None;
    for i in memchr::memchr2_iter(b'\r', b'\n', sample) {
        match sample[i] {
            b'\r' if sample.get(i + 1) == Some(&b'\n') => {
                crlf += 1;
                paired = Some(i + 1);
            }
            b'\r' => cr += 1,
            _ if paired == Some(i) => {}
            _ => lf += 1,
        }
    }
    if crlf >= lf && crlf >= cr && crlf > 0 {
        LineEnding::Crlf
    } else if cr > lf {
        LineEnding::Cr
    } else {
        LineEnding::Lf
    }
}

/// `'` when fields open with it more often than with `"`.
pub fn quote(sample: &[u8]) -> u8 {
    // Fields opened with each: at the start, or after a delimiter or line break.
    let (mut single, mut double) = (0usize, 0usize);
    for i in memchr::memchr2_iter(b'\'', b'"', sample) {
        let opens = i == 0 || DELIMITERS.contains(&sample[i - 1]) || sample[i - 1] == b'\n';
        if opens && sample[i] == b'\'' {
            single += 1;
        } else if opens {
            double += 1;
        }
    }
    if single > double { b'\'' } else { b'"' }
}

/// Reads up to `limit` records of `sample` with `delimiter` and `quote`.
pub fn records(sample: &[u8], delimiter: u8, quote: u8, limit: usize) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .quote(quote)
        .from_reader(sample);
    let mut out = Vec::new();
    if std::str::from_utf8(sample).is_ok() {
        // Text: checked once here and once per record, not once per field.
        let mut record = csv::StringRecord::new();
        while out.len() < limit && matches!(reader.read_record(&mut record), Ok(true)) {
            out.push(record.iter().map(|f| f.trim().to_owned()).collect());
        }
        return out;
    }
    let mut record = csv::ByteRecord::new();
    while out.len() < limit && matches!(reader.read_byte_record(&mut record), Ok(true)) {
        out.push(
            record
                .iter()
                .map(|f| match std::str::from_utf8(f) {
                    Ok(text) => text.trim().to_owned(),
                    Err(_) => String::from_utf8_lossy(f).trim().to_owned(),
                })
                .collect(),
        );
    }
    out
}

/// Below this share of records with the modal field count, a character does not
/// delimit the file's fields: it only occurs in its text.
const MIN_CONSISTENCY: f64 = 0.5;

/// A space also splits prose, into as many fields as there are words: it delimits
/// only a table that nearly every line fits.
const MIN_SPACE_CONSISTENCY: f64 = 0.9;

/// The delimiter that splits the sample's lines into the same number (more than
/// one) of fields most consistently; a comma (one column) when none does.
pub fn delimiter(sample: &[u8], quote: u8) -> u8 {
    let mut best = (b',', 0.0f64, 0usize);
    for delimiter in DELIMITERS {
        let counts: Vec<usize> = records(sample, delimiter, quote, 200)
            .iter()
            .map(Vec::len)
            .collect();
        if counts.is_empty() {
            continue;
        }
        let mode = mode(&counts);
        if mode < 2 {
            continue;
        }
        let consistency =
            counts.iter().filter(|&&c| c == mode).count() as f64 / counts.len() as f64;
        let least = if delimiter == b' ' {
            MIN_SPACE_CONSISTENCY
        } else {
            MIN_CONSISTENCY
        };
        if consistency < least {
            continue;
        }
        // A space splits prose too: only choose it when nothing else fits.
        let consistency = if delimiter == b' ' {
            consistency * 0.5
        } else {
            consistency
        };
        if consistency > best.1 + 1e-9 {
            best = (delimiter, consistency, mode);
        }
    }
    best.0
}

fn mode(counts: &[usize]) -> usize {
    let mut sorted = counts.to_vec();
    sorted.sort_unstable();
    let mut best = (0, 0);
    let mut i = 0;
    while i < sorted.len() {
        let j = sorted[i..].iter().take_while(|&&c| c == sorted[i]).count();
        if j > best.1 || (j == best.1 && sorted[i] > best.0) {
            best = (sorted[i], j);
        }
        i += j;
    }
    best.0
}

/// The modal number of fields per record.
pub fn field_count(records: &[Vec<String>]) -> usize {
    mode(&records.iter().map(Vec::len).collect::<Vec<_>>())
}

/// `digits (sep digit{3})+ (dec digits)?`, with an optional sign.
fn grouped(field: &[u8], separator: u8, decimal: u8) -> bool {
    let field = field.strip_prefix(b"-").unwrap_or(field);
    // Quickly: the first group, before the first separator, has one to three
    // characters, and the second, up to the next mark, three.
    let Some(first @ 1..=3) = field.iter().position(|&b| b == separator) else {
        return false;
    };
    let second = &field[first + 1..];
    if second
        .iter()
        .position(|&b| b == separator || b == decimal)
        .unwrap_or(second.len())
        != 3
    {
        return false;
    }
    let (int_part, frac) = match field.iter().position(|&b| b == decimal) {
        Some(i) => (&field[..i], Some(&field[i + 1..])),
        None => (field, None),
    };
    let digits = |g: &[u8]| g.iter().all(u8::is_ascii_digit);
    let mut groups = int_part.split(|&b| b == separator);
    let first = groups.next().unwrap_or_default();
    let mut more = 0;
    (1..=3).contains(&first.len())
        && digits(first)
        && groups.all(|g| {
            more += 1;
            g.len() == 3 && digits(g)
        })
        && more >= 1
        && frac.is_none_or(|f| !f.is_empty() && digits(f))
}

/// `digits mark digits`, with an optional sign.
fn decimal_with(field: &[u8], mark: u8) -> bool {
    let field = field.strip_prefix(b"-").unwrap_or(field);
    match field.iter().position(|&b| b == mark) {
        Some(i) => {
            i > 0
                && i + 1 < field.len()
                && field[..i].iter().all(u8::is_ascii_digit)
                && field[i + 1..].iter().all(u8::is_ascii_digit)
        }
        None => false,
    }
}

/// A decimal comma where fields like `1,5` appear (and the delimiter is not a
/// comma); thousands separators where grouped numbers appear.
pub fn number_format(records: &[Vec<String>], delimiter: u8) -> NumberFormat {
    // One pass: fields with `1,5`, fields with `1.5` (not grouped as `1.234`),
    // and whether any is grouped with commas or with dots. Each test needs its
    // mark in the field, which most fields lack.
    let (mut commas, mut dots) = (0usize, 0usize);
    let (mut comma_groups, mut dot_groups) = (false, false);
    for field in records.iter().flatten().map(String::as_bytes) {
        if field.contains(&b',') {
            commas += usize::from(decimal_with(field, b','));
            comma_groups = comma_groups || grouped(field, b',', b'.');
        }
        if field.contains(&b'.') {
            let dot_grouped = grouped(field, b'.', b',');
            dot_groups = dot_groups || dot_grouped;
            dots += usize::from(!dot_grouped && decimal_with(field, b'.'));
        }
    }
    let decimal = if delimiter != b',' && commas > 0 && commas >= dots {
        b','
    } else {
        b'.'
    };
    let thousands = if decimal == b',' {
        dot_groups.then_some(b'.')
    } else {
        comma_groups.then_some(b',')
    };
    NumberFormat { decimal, thousands }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_each_delimiter() {
        assert_eq!(delimiter(b"a,b,c\n1,2,3\n4,5,6\n", b'"'), b',');
        assert_eq!(delimiter(b"a;b;c\n1,5;2;3\n4;5,5;6\n", b'"'), b';');
        assert_eq!(delimiter(b"a\tb\n1\t2\n", b'"'), b'\t');
        assert_eq!(delimiter(b"a|b\n1|2\n", b'"'), b'|');
        assert_eq!(delimiter(b"a b\n1 2\n3 4\n", b'"'), b' ');
        assert_eq!(
            delimiter(b"name,note\n\"Smith; J\",\"a b; c\"\nx,y\n", b'"'),
            b','
        );
    }

    #[test]
    fn prose_in_one_column_is_not_split() {
        // Words and semicolons in running text: no character splits most lines alike.
        let notes = b"comment\nhello; world\nfine thanks\nwhat; now; then\nok\nsee you; soon\n";
        assert_eq!(delimiter(notes, b'"'), b',');
        // A space-separated table with one ragged line among ten is still one.
        let mut table = b"a b c\n".to_vec();
        for i in 0..9 {
            table.extend_from_slice(format!("{i} {i} {i}\n").as_bytes());
        }
        table.extend_from_slice(b"1 2\n");
        assert_eq!(delimiter(&table, b'"'), b' ');
        // Two semicolon columns, a third of whose lines are ragged, are still split.
        assert_eq!(delimiter(b"a;b\n1;2\n3;4\n5\n6;7\n8;9;10\n", b'"'), b';');
    }

    #[test]
    fn line_endings_and_quotes() {
        assert_eq!(line_ending(b"a\r\nb\r\n"), LineEnding::Crlf);
        assert_eq!(line_ending(b"a\rb\rc"), LineEnding::Cr);
        assert_eq!(line_ending(b"a\nb\n"), LineEnding::Lf);
        assert_eq!(quote(b"a,b\n'x,y',2\n'z',3\n"), b'\'');
        assert_eq!(quote(b"a,b\n\"it's\",2\n"), b'"');
    }

    #[test]
    fn european_and_grouped_numbers() {
        let recs = records(b"x;y\n1,5;1.234,5\n2,25;3\n", b';', b'"', 10);
        assert_eq!(
            number_format(&recs, b';'),
            NumberFormat {
                decimal: b',',
                thousands: Some(b'.')
            }
        );
        let recs = records(b"x,y\n1.5,\"1,234\"\n", b',', b'"', 10);
        assert_eq!(
            number_format(&recs, b','),
            NumberFormat {
                decimal: b'.',
                thousands: Some(b',')
            }
        );
        let recs = records(b"x,y\n1.5,2\n", b',', b'"', 10);
        assert_eq!(number_format(&recs, b','), NumberFormat::default());
    }
}

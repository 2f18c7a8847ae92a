//! Writing a frame as CSV: a header of column names, then one line per row, each
//! value as [`Column::text`](super::Column::text) shows it (dates and date-times in
//! ISO 8601, booleans `true`/`false`, floats in their shortest form that reads back
//! to the same number) and missing values as empty fields.
//!
//! Quoting follows RFC 4180: a field is put in double quotes, with its quotes
//! doubled, when it holds a comma, a quote or a line break. A field is also quoted
//! when it starts or ends with whitespace, so that readers that trim unquoted
//! fields (Studio's own among them) keep those spaces. The `csv` crate's writer
//! cannot choose quoting field by field, so the few lines here do it. Lines end
//! with `\n`.

use std::io::{self, Write};

use super::Frame;

const DELIMITER: u8 = b',';
const QUOTE: u8 = b'"';

/// Bytes gathered before they are handed to the writer: rows stream out in
/// blocks of about this size, never the whole file at once.
const BLOCK: usize = 64 * 1024;

/// Writes `frame` to `out` as CSV, row by row. `out` receives blocks of about
/// 64 KiB, so it need not be buffered.
pub fn write_csv<W: Write>(frame: &Frame, mut out: W) -> io::Result<()> {
    let columns = frame.columns();
    // A record of one empty field would be an empty line, which readers skip.
    let lone = columns.len() == 1;
    let mut block = Vec::with_capacity(BLOCK + 1024);
    for (i, column) in columns.iter().enumerate() {
        if i > 0 {
            block.push(DELIMITER);
        }
        field(&mut block, &column.name, lone);
    }
    block.push(b'\n');
    for row in 0..frame.rows() {
        for (i, column) in columns.iter().enumerate() {
            if i > 0 {
                block.push(DELIMITER);
            }
            // Strings are borrowed; other values are formatted.
            if let Some(text) = column.level(row) {
                field(&mut block, text, lone);
            } else if let Some(text) = column.text(row) {
                field(&mut block, &text, lone);
            } else if lone {
                block.extend_from_slice(b"\"\"");
            }
        }
        block.push(b'\n');
        if block.len() >= BLOCK {
            out.write_all(&block)?;
            block.clear();
        }
    }
    out.write_all(&block)?;
    out.flush()
}

/// The CSV bytes of `frame`.
pub fn to_csv(frame: &Frame) -> Vec<u8> {
    let mut out = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = write_csv(frame, &mut out);
    out
}

/// Appends one field, quoted when it must be.
fn field(out: &mut Vec<u8>, text: &str, lone: bool) {
    let bytes = text.as_bytes();
    let quote = needs_quotes(bytes) || (lone && bytes.is_empty());
    if !quote {
        out.extend_from_slice(bytes);
        return;
    }
    out.push(QUOTE);
    for part in bytes.split_inclusive(|&b| b == QUOTE) {
        out.extend_from_slice(part);
        if part.last() == Some(&QUOTE) {
            out.push(QUOTE);
        }
    }
    out.push(QUOTE);
}

fn needs_quotes(bytes: &[u8]) -> bool {
    let edge = |b: Option<&u8>| b.is_some_and(u8::is_ascii_whitespace);
    edge(bytes.first())
        || edge(bytes.last())
        || bytes
            .iter()
            .any(|&b| matches!(b, DELIMITER | QUOTE | b'\n' | b'\r'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::{Bitmap, Column, ColumnType, Strings, Values};

    fn column(name: &str, kind: ColumnType, values: Values, valid: &[bool]) -> Column {
        let mut bits = Bitmap::default();
        for &v in valid {
            bits.push(v).expect("memory");
        }
        Column::new(name.to_owned(), kind, values, bits).expect("fits")
    }

    fn csv(frame: &Frame) -> String {
        String::from_utf8(to_csv(frame)).expect("utf-8")
    }

    #[test]
    fn every_type_as_text_and_missing_as_empty() {
        let frame = Frame::new(
            3,
            vec![
                column(
                    "n",
                    ColumnType::Integer,
                    Values::Int(vec![1, -9_223_372_036_854_775_808, 0]),
                    &[true, true, false],
                ),
                Column::floats("x", [Some(0.1), Some(3.0), Some(-1.5e300)]),
                column(
                    "b",
                    ColumnType::Boolean,
                    Values::Bool(Bitmap::filled(3, true)),
                    &[true, false, true],
                ),
                column(
                    "d",
                    ColumnType::Date,
                    Values::Int(vec![19_782, 0, -1]),
                    &[true, true, true],
                ),
                column(
                    "t",
                    ColumnType::Datetime,
                    Values::Int(vec![1_500, 0, 86_400_000]),
                    &[true, false, true],
                ),
                Column::categories("c", [Some("red"), None, Some("red")]),
            ],
        )
        .expect("same lengths");
        let expected = format!(
            "n,x,b,d,t,c\n\
             1,0.1,true,2024-02-29,1970-01-01T00:00:01.500,red\n\
             -9223372036854775808,3,,1970-01-01,,\n\
             ,-15{},true,1969-12-31,1970-01-02T00:00:00,red\n",
            "0".repeat(299)
        );
        assert_eq!(csv(&frame), expected);
    }

    #[test]
    fn quotes_only_what_needs_it() {
        let strings: Strings = [
            "plain",
            "a,b",
            "say \"hi\"",
            "two\nlines",
            "cr\r",
            " lead",
            "trail\t",
            "in side",
            "",
            "é😀",
        ]
        .into_iter()
        .collect();
        let valid = [true, true, true, true, true, true, true, true, false, true];
        let frame = Frame::new(
            10,
            vec![
                column(
                    "text, \"quoted\"",
                    ColumnType::Text,
                    Values::Strings(strings),
                    &valid,
                ),
                Column::floats("k", (0..10).map(|i| Some(f64::from(i)))),
            ],
        )
        .expect("same lengths");
        assert_eq!(
            csv(&frame),
            "\"text, \"\"quoted\"\"\",k\n\
             plain,0\n\
             \"a,b\",1\n\
             \"say \"\"hi\"\"\",2\n\
             \"two\nlines\",3\n\
             \"cr\r\",4\n\
             \" lead\",5\n\
             \"trail\t\",6\n\
             in side,7\n\
             ,8\n\
             é😀,9\n"
        );
    }

    #[test]
    fn a_lone_column_writes_missing_values_as_empty_quotes() {
        let frame = Frame::new(3, vec![Column::floats("x", [Some(1.0), None, Some(2.5)])])
            .expect("same lengths");
        assert_eq!(csv(&frame), "x\n1\n\"\"\n2.5\n");
    }

    #[test]
    fn streams_in_blocks_to_any_writer() {
        let rows = 20_000;
        let frame = Frame::new(
            rows,
            vec![Column::floats(
                "x",
                (0..rows).map(|i| Some(i as f64 + 0.25)),
            )],
        )
        .expect("same lengths");
        #[derive(Default)]
        struct Writes(Vec<usize>, Vec<u8>);
        impl Write for Writes {
            fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
                self.0.push(buf.len());
                self.1.extend_from_slice(buf);
                Ok(buf.len())
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let mut writes = Writes::default();
        write_csv(&frame, &mut writes).expect("writes");
        assert_eq!(writes.1, to_csv(&frame));
        assert!(writes.0.len() > 1);
        assert!(writes.0.iter().all(|&n| n < BLOCK + 1024), "{:?}", writes.0);
    }

    #[test]
    fn floats_are_written_so_that_they_read_back_exactly() {
        for x in [
            0.1,
            1.0 / 3.0,
            -0.0,
            5e-324,
            f64::MAX,
            f64::MIN_POSITIVE,
            123_456_789.123_456_78,
            1e15,
            999_999_999_999_999.0,
            2f64.powi(60),
        ] {
            let text = crate::frame::format_number(x);
            let back: f64 = text.parse().expect("a number");
            assert_eq!(back.to_bits(), x.to_bits(), "{x} written as {text}");
        }
    }
}

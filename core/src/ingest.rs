//! Reading a CSV file into a [`Frame`], with errors that say what, where, and what to do.

use std::collections::{BTreeSet, HashMap};

use thiserror::Error;

use crate::frame::{Column, Frame, MISSING_CODE, Values};

/// Cells that mean "no value", compared after trimming, ignoring case.
pub const MISSING_MARKERS: [&str; 7] = ["", "na", "n/a", "null", "nan", "?", "-"];

/// A text column with at most this many distinct values (and at most half as many
/// as it has values) is treated as a category.
pub const MAX_CATEGORY_LEVELS: usize = 50;

/// Why a file could not be read.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum LoadError {
    #[error("{file} is empty: choose a CSV file with a header row and at least one data row")]
    Empty { file: String },
    #[error("{file} has a header but no data rows: add at least one row below the header")]
    NoRows { file: String },
    #[error(
        "{file} is not UTF-8 text: the byte at line {line}, byte {byte} is not valid UTF-8. \
         Save the file as \"CSV UTF-8\" and open it again"
    )]
    NotUtf8 { file: String, line: u64, byte: u64 },
    #[error(
        "{file}, line {line}: row {row} has {found} fields but the header has {expected}. \
         Check for a missing or extra delimiter on that line"
    )]
    Ragged {
        file: String,
        line: u64,
        row: usize,
        expected: usize,
        found: usize,
    },
    #[error("{file}, line {line}: {message}")]
    Malformed {
        file: String,
        line: u64,
        message: String,
    },
}

/// The file's SHA-256 in hex: how a notebook recognises a local file again.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Reads comma-separated `bytes` (UTF-8, optional BOM) named `file` into a frame.
pub fn read_csv(bytes: &[u8], file: &str) -> Result<Frame, LoadError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(LoadError::Empty {
            file: file.to_owned(),
        });
    }
    if let Err(error) = std::str::from_utf8(bytes) {
        let at = error.valid_up_to();
        let line = 1 + bytes[..at].iter().filter(|&&b| b == b'\n').count() as u64;
        return Err(LoadError::NotUtf8 {
            file: file.to_owned(),
            line,
            byte: at as u64 + 1,
        });
    }

    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(true)
        .from_reader(bytes);
    let malformed = |error: csv::Error| LoadError::Malformed {
        file: file.to_owned(),
        line: error.position().map_or(0, csv::Position::line),
        message: error.to_string(),
    };
    let header = reader.headers().map_err(malformed)?.clone();
    let names = column_names(&header);

    let mut cells: Vec<Vec<String>> = vec![Vec::new(); names.len()];
    let mut record = csv::StringRecord::new();
    let mut row = 0;
    while reader.read_record(&mut record).map_err(malformed)? {
        row += 1;
        // A blank line inside the file is not a row.
        if record.len() == 1 && record[0].trim().is_empty() && names.len() > 1 {
            continue;
        }
        if record.len() != names.len() {
            return Err(LoadError::Ragged {
                file: file.to_owned(),
                line: record.position().map_or(0, csv::Position::line),
                row,
                expected: names.len(),
                found: record.len(),
            });
        }
        for (column, field) in cells.iter_mut().zip(record.iter()) {
            column.push(field.trim().to_owned());
        }
    }
    let rows = cells.first().map_or(0, Vec::len);
    if rows == 0 {
        return Err(LoadError::NoRows {
            file: file.to_owned(),
        });
    }
    let columns = names
        .into_iter()
        .zip(cells)
        .map(|(name, fields)| Column {
            name,
            values: infer(fields),
        })
        .collect();
    Frame::new(rows, columns).ok_or_else(|| LoadError::Malformed {
        file: file.to_owned(),
        line: 0,
        message: "columns of different lengths".to_owned(),
    })
}

/// Header names, with blanks named by position and repeats made unique (`x`, `x.2`).
fn column_names(header: &csv::StringRecord) -> Vec<String> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    header
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let name = name.trim();
            let base = if name.is_empty() {
                format!("column_{}", i + 1)
            } else {
                name.to_owned()
            };
            let count = seen.entry(base.clone()).or_insert(0);
            *count += 1;
            if *count == 1 {
                base
            } else {
                format!("{base}.{count}")
            }
        })
        .collect()
}

fn is_missing(field: &str) -> bool {
    MISSING_MARKERS
        .iter()
        .any(|marker| field.eq_ignore_ascii_case(marker))
}

/// Numbers if every present value parses as a finite number; categories if few
/// distinct values repeat; text otherwise.
fn infer(fields: Vec<String>) -> Values {
    let numbers: Option<Vec<f64>> = fields
        .iter()
        .map(|field| {
            if is_missing(field) {
                Some(f64::NAN)
            } else {
                field.parse::<f64>().ok().filter(|x| x.is_finite())
            }
        })
        .collect();
    if let Some(numbers) = numbers {
        return Values::Number(numbers);
    }
    let present = fields.iter().filter(|f| !is_missing(f)).count();
    let levels: BTreeSet<&str> = fields
        .iter()
        .filter(|f| !is_missing(f))
        .map(String::as_str)
        .collect();
    if levels.len() <= MAX_CATEGORY_LEVELS && levels.len() * 2 <= present.max(2) {
        let levels: Vec<String> = levels.into_iter().map(str::to_owned).collect();
        let index: HashMap<&str, u32> = levels
            .iter()
            .enumerate()
            .map(|(i, level)| (level.as_str(), i as u32))
            .collect();
        let codes = fields
            .iter()
            .map(|field| index.get(field.as_str()).copied().unwrap_or(MISSING_CODE))
            .collect();
        return Values::Category { codes, levels };
    }
    Values::Text(
        fields
            .into_iter()
            .map(|field| (!is_missing(&field)).then_some(field))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::ColumnType;

    fn types(csv: &str) -> Vec<(String, ColumnType, usize)> {
        read_csv(csv.as_bytes(), "t.csv")
            .expect("reads")
            .summaries()
            .into_iter()
            .map(|s| (s.name, s.kind, s.missing))
            .collect()
    }

    #[test]
    fn infers_numbers_categories_and_text_and_counts_missing() {
        let csv = "x,colour,note\n1,red,hello\n2.5,blue,NA\nNA,red,world\n-3e2,blue,again\n";
        assert_eq!(
            types(csv),
            vec![
                ("x".into(), ColumnType::Number, 1),
                ("colour".into(), ColumnType::Category, 0),
                ("note".into(), ColumnType::Text, 1),
            ]
        );
    }

    #[test]
    fn names_blank_and_repeated_headers() {
        let names: Vec<_> = types("a,,a\n1,2,3\n").into_iter().map(|t| t.0).collect();
        assert_eq!(names, ["a", "column_2", "a.2"]);
    }

    fn error(bytes: &[u8]) -> String {
        read_csv(bytes, "data.csv").expect_err("fails").to_string()
    }

    #[test]
    fn bad_files_say_what_and_where() {
        assert!(error(b"").contains("data.csv is empty"));
        assert!(error(b"  \n").contains("is empty"));
        assert!(error(b"a,b\n").contains("has a header but no data rows"));
        let ragged = error(b"a,b\n1,2\n3\n4,5\n");
        assert!(
            ragged.contains("line 3: row 2 has 1 fields but the header has 2"),
            "{ragged}"
        );
        let latin1 = error(b"name\nJos\xe9\n");
        assert!(
            latin1.contains("not UTF-8") && latin1.contains("line 2"),
            "{latin1}"
        );
    }

    #[test]
    fn a_bom_and_crlf_are_accepted() {
        let frame = read_csv(b"\xEF\xBB\xBFa,b\r\n1,x\r\n2,x\r\n", "t.csv").expect("reads");
        assert_eq!(frame.columns()[0].name, "a");
        assert_eq!(frame.rows(), 2);
    }
}

//! Why a file could not be read at all (as opposed to the problems a load report
//! counts and works around).

use thiserror::Error;

use super::binary::{FileKind, advice};

#[derive(Debug, Clone, PartialEq, Error)]
pub enum LoadError {
    #[error("{file} is empty: choose a CSV file with a header row and at least one data row")]
    Empty { file: String },
    #[error("{file} has a header but no data rows: add at least one row below the header")]
    NoRows { file: String },
    #[error(
        "{file}, line {line}: row {row} has {found} fields but the header has {expected}. \
         Check for a missing or extra delimiter on that line, or let Studio fill or skip such rows"
    )]
    Ragged {
        file: String,
        line: u64,
        row: u64,
        expected: usize,
        found: usize,
    },
    #[error(
        "{file} has {columns} columns; Studio reads at most {limit}. \
         Check that the delimiter is right (Reading options, or `--delimiter`), or split the file"
    )]
    TooManyColumns {
        file: String,
        columns: usize,
        limit: usize,
    },
    #[error(
        "{file}, line {line}: a quote opened there is never closed, so the rest of the file \
         would be one value. Close it (a quote inside a quoted value is written twice: \"\"), \
         or choose another quote character (Reading options, or `--quote`)"
    )]
    UnclosedQuote { file: String, line: u64 },
    #[error("{file}, line {line}: {}", long_field(*.quoted, *.limit_mb))]
    FieldTooLong {
        file: String,
        line: u64,
        limit_mb: u64,
        /// Whether the value was in quotes, which then most likely never close.
        quoted: bool,
    },
    #[error(
        "{file}, line {line}: a row has more than {limit} fields, more than Studio reads. \
         Check that the delimiter is right (Reading options, or `--delimiter`)"
    )]
    TooManyFields {
        file: String,
        line: u64,
        limit: usize,
    },
    #[error("{file} {}", advice(*.kind))]
    NotText { file: String, kind: FileKind },
    #[error("{file}: {message}")]
    Options { file: String, message: String },
    #[error(
        "{file} needs about {needed_mb} MB as typed columns, more than the {limit_mb} MB this page can hold. \
         Split the file, or use `studio inspect` / `studio run`, which read it natively"
    )]
    TooLarge {
        file: String,
        needed_mb: u64,
        limit_mb: u64,
    },
    #[error(
        "ran out of memory at row {row} of {file}. Split the file, \
         or use `studio inspect` / `studio run`, which read it natively"
    )]
    OutOfMemory { file: String, row: u64 },
    #[error("could not read {file}: {message}")]
    Read { file: String, message: String },
}

fn long_field(quoted: bool, limit_mb: u64) -> String {
    if quoted {
        format!(
            "a quoted value starts there and runs on past {limit_mb} MB, the most Studio reads \
             in one cell: its closing quote is most likely missing. Close it (a quote inside a \
             quoted value is written twice: \"\"), or choose another quote character \
             (Reading options, or `--quote`)"
        )
    } else {
        format!(
            "a value there is longer than {limit_mb} MB, the most Studio reads in one cell. \
             Check that this is a CSV file and that its delimiter is right (Reading options, \
             or `--delimiter`)"
        )
    }
}

//! Streaming a file into a frame: chunks go in as they are read, and no whole copy
//! of the file, as bytes or as text, is ever held.
//!
//! The first [`SNIFF_BYTES`] are buffered to guess the dialect and the column
//! types; after that every chunk is parsed as it arrives (RFC 4180, by `csv-core`)
//! and each field goes straight into its typed column.

use std::collections::TryReserveError;
use std::ops::Range;

use csv_core::{ReadRecordResult, ReaderBuilder};
use rustc_hash::{FxHashMap, FxHashSet};

use crate::frame::{Column, Frame};

use super::binary;
use super::builder::{ColumnBuilder, Outcome};
use super::dialect::{self, Dialect};
use super::encoding::{self, Encoding};
use super::error::LoadError;
use super::fingerprint::Fingerprint;
use super::infer::{self, Parse};
use super::markers::Markers;
use super::options::{LoadOptions, RaggedPolicy};
use super::quoted;
use super::report::{Example, Policy, Problem, ProblemKind, Report};
use super::scan::{self, Batch, Span};
use super::value::{DateOrder, NumberFormat};

/// How much of the file the dialect and types are guessed from, unless
/// [`Loader::with_sample_bytes`] says otherwise.
pub const SNIFF_BYTES: usize = 1 << 20;

/// The most columns a file may have. Wider than any spreadsheet (Excel and
/// LibreOffice stop at 16,384) or gene-expression table (some 60,000 genes), yet
/// a mistaken delimiter that splits every byte is caught before it costs memory.
pub const MAX_COLUMNS: usize = 100_000;

/// The longest field Studio reads, in bytes: a thousand times the longest cell a
/// spreadsheet holds (32,767 characters), so that a quote left open is caught
/// before it swallows a large file into one value.
pub const MAX_FIELD_BYTES: usize = 16_000_000;

/// Records of the sample that type inference looks at.
const SNIFF_RECORDS: usize = 5_000;

/// Chunks below this size are fingerprinted on the thread that reads them.
const MIN_PARALLEL_HASH: usize = 256 << 10;

/// Simple records in one piece of input below which its columns are read on one
/// thread: starting threads would cost more.
const MIN_PARALLEL_RECORDS: usize = 1024;

/// The most bytes of one record kept across chunks to tell its quoted fields;
/// past this, its text is trimmed inside quotes too.
const MAX_RAW_RECORD: usize = 4 << 20;

/// A finished load: the frame, how the file was read, and what was not read as written.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    pub frame: Frame,
    pub dialect: Dialect,
    pub problems: Vec<Problem>,
    /// The file's SHA-256 in hex, computed as it streamed past.
    pub sha256: String,
    /// The file's size in bytes.
    pub bytes: u64,
}

/// Reads a file chunk by chunk. See the module documentation.
#[derive(Debug)]
pub struct Loader {
    file: String,
    options: LoadOptions,
    total: Option<u64>,
    memory_limit: Option<u64>,
    /// The bytes the dialect and types are guessed from ([`SNIFF_BYTES`]).
    sample_bytes: usize,
    /// Threads the simple records' columns (and the fingerprint) are read on.
    threads: usize,
    /// Whether simple records are read without csv-core; off only in tests that
    /// compare the two ways.
    simple: bool,
    bytes: u64,
    /// `None` when the caller fingerprints the file itself ([`Loader::without_fingerprint`]).
    hasher: Option<Fingerprint>,
    state: State,
}

#[derive(Debug)]
enum State {
    Sniffing(Vec<u8>),
    Reading(Box<Reading>),
}

#[derive(Debug)]
struct Reading {
    file: String,
    dialect: Dialect,
    format: NumberFormat,
    markers: Markers,
    ragged: RaggedPolicy,
    decoder: Option<encoding_rs::Decoder>,
    decoded: String,
    /// Bytes of a byte-order mark still to skip.
    bom_left: usize,
    parser: csv_core::Reader,
    out: Vec<u8>,
    ends: Vec<usize>,
    outlen: usize,
    endlen: usize,
    header_pending: bool,
    /// The dialect's delimiter and quote, as bytes.
    delimiter: u8,
    quote: u8,
    /// Whether csv-core is between records, so that simple records may be read
    /// without it (see [`Reading::simple_records`]).
    boundary: bool,
    /// The line the record csv-core is reading started on, when known.
    start_line: Option<u64>,
    /// Whether numbers may be read straight from the input: the number format is
    /// the plain one, no marker could be a number, and the delimiter cannot be
    /// part of one.
    fast_numbers: bool,
    /// Whether simple records are read without csv-core (`Loader::simple`).
    simple: bool,
    /// Simple records found in the current piece of input.
    spans: Vec<Span>,
    /// The columns each thread reads, in order; one group reads on one thread.
    groups: Vec<Range<usize>>,
    columns: Vec<ColumnBuilder>,
    /// Which columns are read as strings, whose spaces inside quotes are kept.
    text: Vec<bool>,
    /// The bytes of the record being read that came in earlier chunks.
    raw: Vec<u8>,
    /// Whether `raw` outgrew [`MAX_RAW_RECORD`].
    raw_lost: bool,
    /// Where the bytes of the record that came in earlier chunks leave its
    /// quotes (kept when `raw` is not).
    pending: quoted::State,
    /// What [`quoted::fields`] found in the current record.
    quoted: Vec<Option<usize>>,
    /// Data records seen, kept or not: the row numbers of the report.
    records: u64,
    kept: usize,
    /// Rows handed out already by [`Loader::take_rows`].
    taken: u64,
    report: Report,
}

impl Loader {
    /// A loader for `file`; `total` is its size when known, for the memory check
    /// and for reserving the columns' memory at once.
    pub fn new(file: &str, options: LoadOptions, total: Option<u64>) -> Self {
        Self {
            file: file.to_owned(),
            options,
            total,
            memory_limit: None,
            sample_bytes: SNIFF_BYTES,
            threads: default_threads(),
            simple: true,
            bytes: 0,
            hasher: Some(Fingerprint::default()),
            state: State::Sniffing(Vec::new()),
        }
    }

    /// Refuses, before reading past the sample, a file whose typed columns would
    /// need more than `bytes`.
    pub fn with_memory_limit(mut self, bytes: u64) -> Self {
        self.memory_limit = Some(bytes);
        self
    }

    /// Guesses the dialect and the column types from the first `bytes` of the file
    /// (at least one) rather than [`SNIFF_BYTES`]. A smaller sample guesses from
    /// less; with one, tests and fuzzing reach the chunks parsed after the sample
    /// with a few kilobytes. The sample is the same however the file is chunked.
    pub fn with_sample_bytes(mut self, bytes: usize) -> Self {
        self.sample_bytes = bytes.max(1);
        self
    }

    /// Reads on at most `threads` threads (at least one). Natively the default is
    /// the machine's parallelism; in the browser, one.
    pub fn with_threads(mut self, threads: usize) -> Self {
        self.threads = threads.max(1);
        self
    }

    /// Leaves the fingerprint to the caller, who hashes the same bytes elsewhere (the
    /// browser does, in a second worker, while this one parses); `Loaded::sha256` is
    /// then empty.
    pub fn without_fingerprint(mut self) -> Self {
        self.hasher = None;
        self
    }

    /// Reads every record with csv-core, for tests that compare the two ways.
    #[cfg(test)]
    pub(super) fn csv_core_only(mut self) -> Self {
        self.simple = false;
        self
    }

    /// Bytes of the file taken in so far.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Data rows read so far.
    pub fn rows(&self) -> u64 {
        match &self.state {
            State::Sniffing(_) => 0,
            State::Reading(r) => r.records,
        }
    }

    /// Takes in the next chunk of the file.
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), LoadError> {
        self.bytes += chunk.len() as u64;
        let Some(mut hasher) = self.hasher.take() else {
            return self.read(chunk);
        };
        if self.threads < 2 || chunk.len() < MIN_PARALLEL_HASH {
            hasher.update(chunk);
            self.hasher = Some(hasher);
            return self.read(chunk);
        }
        // The fingerprint on a thread of its own, while the chunk is read.
        let (hasher, result) = std::thread::scope(|scope| {
            let hashing = scope.spawn(move || {
                hasher.update(chunk);
                hasher
            });
            let result = self.read(chunk);
            match hashing.join() {
                Ok(hasher) => (hasher, result),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        });
        self.hasher = Some(hasher);
        result
    }

    fn read(&mut self, chunk: &[u8]) -> Result<(), LoadError> {
        match &mut self.state {
            State::Sniffing(buffer) => {
                buffer.extend_from_slice(chunk);
                if buffer.len() >= self.sample_bytes {
                    let buffered = std::mem::take(buffer);
                    let mut reading = self.start(&buffered[..self.sample_bytes], false)?;
                    reading.feed(&buffered, false)?;
                    self.state = State::Reading(reading);
                }
                Ok(())
            }
            State::Reading(reading) => reading.feed(chunk, false),
        }
    }

    /// The rows read since the last call as a frame of their own, or `None` while
    /// the dialect and types are still being guessed or no row has come since.
    /// The columns go on with the types these rows gave them (see
    /// [`ColumnBuilder::successor`]), so that a file too large to hold is read
    /// chunk by chunk with one schema; [`Loader::finish`] then gives the rows
    /// after the last call, and the report of the whole file.
    pub fn take_rows(&mut self) -> Result<Option<Frame>, LoadError> {
        match &mut self.state {
            State::Sniffing(_) => Ok(None),
            State::Reading(reading) => reading.take_rows(),
        }
    }

    /// Ends the file and builds the frame.
    pub fn finish(mut self) -> Result<Loaded, LoadError> {
        let hasher = self.hasher.take();
        let mut reading = match std::mem::replace(&mut self.state, State::Sniffing(Vec::new())) {
            State::Sniffing(sample) => {
                let mut reading = self.start(&sample, true)?;
                reading.feed(&sample, false)?;
                reading
            }
            State::Reading(reading) => reading,
        };
        reading.feed(&[], true)?;
        let mut loaded = reading.finish()?;
        loaded.sha256 = hasher.map(Fingerprint::finish).unwrap_or_default();
        loaded.bytes = self.bytes;
        Ok(loaded)
    }

    /// Guesses the dialect and types from `sample` and sets up the columns.
    fn start(&self, sample: &[u8], whole: bool) -> Result<Box<Reading>, LoadError> {
        let file = &self.file;
        let options = &self.options;
        if whole && sample.iter().all(u8::is_ascii_whitespace) {
            return Err(LoadError::Empty { file: file.clone() });
        }
        let (detected, bom) = encoding::detect(sample);
        let encoding = options.encoding.unwrap_or(detected);
        // UTF-16's ASCII is half NUL bytes, which in any other text mean binary.
        if !matches!(encoding, Encoding::Utf16Le | Encoding::Utf16Be)
            && let Some(kind) = binary::detect(sample)
        {
            return Err(LoadError::NotText {
                file: file.clone(),
                kind,
            });
        }
        let bom = if encoding == detected { bom } else { 0 };
        let text = match encoding.decoder() {
            // Valid UTF-8 is checked a word at a time; only invalid text is copied.
            None => match std::str::from_utf8(&sample[bom..]) {
                Ok(text) => std::borrow::Cow::Borrowed(text),
                Err(_) => String::from_utf8_lossy(&sample[bom..]),
            },
            Some(e) => e.decode_without_bom_handling(&sample[bom..]).0,
        };
        let text = text.as_bytes();
        let ascii = |c: char, what: &str| -> Result<u8, LoadError> {
            u8::try_from(c)
                .ok()
                .filter(|b| b.is_ascii() && !matches!(b, b'\n' | b'\r'))
                .ok_or_else(|| LoadError::Options {
                    file: file.clone(),
                    message: format!(
                        "the {what} must be one ASCII character other than a line break, not {c:?}"
                    ),
                })
        };
        let quote = match options.quote {
            Some(c) => ascii(c, "quote")?,
            None => dialect::quote(text),
        };
        let delimiter = match options.delimiter {
            Some(c) => ascii(c, "delimiter")?,
            None => dialect::delimiter(text, quote),
        };
        if delimiter == quote {
            return Err(LoadError::Options {
                file: file.clone(),
                message: "the delimiter and the quote must differ".to_owned(),
            });
        }
        let mut records = dialect::records(text, delimiter, quote, SNIFF_RECORDS);
        if !whole && records.len() > 1 {
            // The sample may end inside its last record.
            records.pop();
        }
        let sniffed = dialect::number_format(&records, delimiter);
        let decimal = match options.decimal {
            Some(c) => ascii(c, "decimal mark")?,
            None => sniffed.decimal,
        };
        let thousands = match options.thousands.as_deref() {
            None if decimal == sniffed.decimal => sniffed.thousands,
            None => None,
            Some("") => None,
            Some(s) => match s.chars().next() {
                Some(c) if s.chars().count() == 1 => Some(ascii(c, "thousands separator")?),
                _ => {
                    return Err(LoadError::Options {
                        file: file.clone(),
                        message: format!(
                            "the thousands separator must be one character, not {s:?}"
                        ),
                    });
                }
            },
        };
        let format = NumberFormat { decimal, thousands };
        let markers = Markers::new(options.missing_markers().iter().map(String::as_str));
        let prefer = if delimiter == b';' || decimal == b',' {
            DateOrder::Dmy
        } else {
            DateOrder::Mdy
        };

        // The first row, header or data, is at least as wide as the frame would be.
        check_width(file, records.first().map_or(0, Vec::len))?;
        let width = dialect::field_count(&records).max(records.first().map_or(0, Vec::len));
        let kinds_of = |rows: &[Vec<String>]| -> Vec<Parse> {
            (0..width)
                .map(|i| {
                    let values: Vec<&str> = rows
                        .iter()
                        .filter_map(|r| r.get(i).map(String::as_str))
                        .collect();
                    infer::column(&values, &markers, format, prefer)
                })
                .collect()
        };
        let rest = records.get(1..).unwrap_or(&[]);
        let mut rest_kinds = None;
        let header = match options.header {
            Some(h) => h,
            None => {
                let kinds = kinds_of(rest);
                let header = infer::has_header(&records, &kinds, &markers, format);
                rest_kinds = Some(kinds);
                header
            }
        };
        let data = if header { rest } else { &records[..] };
        let width = match records.first() {
            Some(names) if header => data_width(names.len(), data),
            _ => width,
        };
        let kinds = match rest_kinds {
            // Without a header the data starts a row earlier.
            Some(kinds) if header => kinds,
            _ => kinds_of(data),
        };

        let header_row = header.then(|| records.first()).flatten();
        check_width(file, width)?;
        let mut report = Report::default();
        let names = names(header_row, width, &mut report);
        let mut strings = Vec::new();
        let columns: Vec<ColumnBuilder> = names
            .into_iter()
            .zip(kinds.iter().chain(std::iter::repeat(&Parse::Float)))
            .enumerate()
            .map(|(i, (name, &inferred))| {
                let chosen = options.column(&name);
                let forced = chosen.and_then(|c| c.kind);
                let role = chosen.and_then(|c| c.role);
                // A date type given to a column not guessed as dates is read in the
                // order that reads most of the sample's values.
                let order = || {
                    let values: Vec<&[u8]> = data
                        .iter()
                        .filter_map(|r| r.get(i).map(|v| v.trim().as_bytes()))
                        .filter(|v| !v.is_empty() && !markers.is_missing(v))
                        .collect();
                    infer::most_read_order(&values, prefer)
                };
                let parse = forced.map_or(inferred, |kind| parse_for(kind, inferred, order));
                strings.push(parse == Parse::Str);
                ColumnBuilder::new(name, parse, forced, role)
            })
            .collect();

        let groups = column_groups(&columns, data, self.threads);
        let dialect = Dialect {
            delimiter: char::from(delimiter),
            quote: char::from(quote),
            header,
            encoding,
            bom: bom > 0,
            line_ending: dialect::line_ending(text),
            decimal: char::from(decimal),
            thousands: thousands.map(char::from),
        };
        let fast_numbers = format == NumberFormat::default()
            && !markers.numeric()
            && !matches!(delimiter, b'0'..=b'9' | b'.' | b'+' | b'-' | b'e' | b'E');
        let mut reading = Box::new(Reading {
            file: file.clone(),
            dialect,
            format,
            markers,
            ragged: options.ragged,
            decoder: encoding
                .decoder()
                .map(|e| e.new_decoder_without_bom_handling()),
            decoded: String::new(),
            bom_left: bom,
            parser: ReaderBuilder::new()
                .delimiter(delimiter)
                .quote(quote)
                .build(),
            out: vec![0; 64 * 1024],
            ends: vec![0; columns.len() + 16],
            outlen: 0,
            endlen: 0,
            header_pending: header,
            delimiter,
            quote,
            boundary: false,
            start_line: None,
            fast_numbers,
            simple: self.simple,
            spans: Vec::new(),
            groups,
            columns,
            text: strings,
            raw: Vec::new(),
            raw_lost: false,
            pending: quoted::State::Start,
            quoted: Vec::new(),
            records: 0,
            kept: 0,
            taken: 0,
            report,
        });
        self.reserve(&mut reading, sample.len(), data)?;
        Ok(reading)
    }

    /// Estimates the typed size from the sample; refuses a file over the memory
    /// limit and reserves the columns' memory once for the others.
    fn reserve(
        &self,
        reading: &mut Reading,
        sample_bytes: usize,
        data: &[Vec<String>],
    ) -> Result<(), LoadError> {
        let Some(total) = self.total else {
            return Ok(());
        };
        if data.is_empty() || sample_bytes == 0 {
            return Ok(());
        }
        let rows = (total as f64 / sample_bytes as f64 * data.len() as f64).ceil();
        let per_row: f64 = reading
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let average = data
                    .iter()
                    .filter_map(|r| r.get(i))
                    .map(String::len)
                    .sum::<usize>() as f64
                    / data.len() as f64;
                c.bytes_per_row(average)
            })
            .sum();
        let needed = rows * per_row;
        if let Some(limit) = self.memory_limit
            && needed > limit as f64
        {
            return Err(LoadError::TooLarge {
                file: self.file.clone(),
                needed_mb: (needed / 1e6).ceil() as u64,
                limit_mb: limit / 1_000_000,
            });
        }
        // A little over the estimate, so that a slightly denser tail fits too.
        let rows = (rows * 1.02) as usize + 16;
        for column in &mut reading.columns {
            column.reserve(rows).map_err(|_| LoadError::TooLarge {
                file: self.file.clone(),
                needed_mb: (needed / 1e6).ceil() as u64,
                limit_mb: self.memory_limit.unwrap_or(0) / 1_000_000,
            })?;
        }
        Ok(())
    }
}

/// Refuses a file of more than [`MAX_COLUMNS`] columns.
fn check_width(file: &str, columns: usize) -> Result<(), LoadError> {
    if columns > MAX_COLUMNS {
        return Err(LoadError::TooManyColumns {
            file: file.to_owned(),
            columns,
            limit: MAX_COLUMNS,
        });
    }
    Ok(())
}

/// Doubles a buffer of csv-core's, failing rather than aborting when memory runs out.
fn double<T: Copy + Default>(buffer: &mut Vec<T>) -> Result<(), TryReserveError> {
    let len = buffer.len();
    buffer.try_reserve_exact(len)?;
    buffer.resize(len * 2, T::default());
    Ok(())
}

/// The threads a loader reads on unless told otherwise.
fn default_threads() -> usize {
    if cfg!(target_arch = "wasm32") {
        1
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get().min(8))
    }
}

/// Splits the columns into at most `threads` runs of about equal reading work,
/// judged from the sample's field lengths and the columns' types.
fn column_groups(
    columns: &[ColumnBuilder],
    data: &[Vec<String>],
    threads: usize,
) -> Vec<Range<usize>> {
    let rows = data.len().max(1) as f64;
    let costs: Vec<f64> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let bytes = data
                .iter()
                .filter_map(|r| r.get(i))
                .map(String::len)
                .sum::<usize>() as f64
                / rows;
            let per_field = match c.parse() {
                Parse::Int | Parse::Float | Parse::Bool => 4.0,
                _ => 16.0,
            };
            bytes + per_field
        })
        .collect();
    let total: f64 = costs.iter().sum();
    let threads = threads.clamp(1, columns.len().max(1));
    let mut groups = Vec::with_capacity(threads);
    let (mut start, mut sum) = (0, 0.0);
    for (i, cost) in costs.iter().enumerate() {
        sum += cost;
        let done = groups.len() + 1;
        if done < threads && sum >= total * done as f64 / threads as f64 {
            groups.push(start..i + 1);
            start = i + 1;
        }
    }
    if start < columns.len() || groups.is_empty() {
        groups.push(start..columns.len());
    }
    groups
}

/// The header's width, or more when most data rows have more fields and the
/// extra ones hold values (not just a trailing delimiter).
fn data_width(header: usize, data: &[Vec<String>]) -> usize {
    let longer = data.iter().filter(|r| r.len() > header).count();
    let filled = data
        .iter()
        .any(|r| r.iter().skip(header).any(|f| !f.is_empty()));
    if longer * 2 > data.len() && filled {
        dialect::field_count(data)
    } else {
        header
    }
}

/// How a column the person gave type `kind` is read; `order` is the date order
/// for one whose values were not guessed as dates.
fn parse_for(
    kind: crate::frame::ColumnType,
    inferred: Parse,
    order: impl FnOnce() -> DateOrder,
) -> Parse {
    use crate::frame::ColumnType as T;
    let guessed = match inferred {
        Parse::Date(o) | Parse::Datetime(o) => Some(o),
        _ => None,
    };
    match kind {
        T::Integer => Parse::Int,
        T::Float => Parse::Float,
        T::Boolean => Parse::Bool,
        T::Date => Parse::Date(guessed.unwrap_or_else(order)),
        T::Datetime => Parse::Datetime(guessed.unwrap_or_else(order)),
        T::Id if inferred == Parse::Int => Parse::Int,
        T::Categorical | T::Text | T::Id => Parse::Str,
    }
}

/// Column names from the header row: blanks named by position, repeats numbered
/// (`x`, `x.2`, skipping names already taken), and columns past the header's end
/// named by position.
fn names(header: Option<&Vec<String>>, width: usize, report: &mut Report) -> Vec<String> {
    let header: &[String] = header.map_or(&[], Vec::as_slice);
    let count = width.max(header.len());
    let mut names: Vec<String> = Vec::with_capacity(count);
    let mut taken = FxHashSet::default();
    // The number each name was last given: names are only ever taken, so the
    // first free number for it is never lower, and each repeat costs no search.
    let mut numbers = FxHashMap::<String, usize>::default();
    for i in 0..count {
        let raw = header.get(i).map(|s| s.trim());
        let base = match raw {
            Some(name) if !name.is_empty() => name.to_owned(),
            _ => {
                let kind = if raw.is_some() {
                    ProblemKind::EmptyHeader
                } else {
                    ProblemKind::MissingHeader
                };
                if !header.is_empty() {
                    report.add(kind, Policy::Renamed, None, || Example {
                        row: 0,
                        line: 1,
                        column: Some(format!("column_{}", i + 1)),
                        value: String::new(),
                    });
                }
                format!("column_{}", i + 1)
            }
        };
        let mut n = numbers.get(&base).copied().unwrap_or(1);
        let mut name = numbered(&base, n);
        while taken.contains(&name) {
            n += 1;
            name = numbered(&base, n);
        }
        if n > 1 {
            report.add(ProblemKind::DuplicateHeader, Policy::Renamed, None, || {
                Example {
                    row: 0,
                    line: 1,
                    column: Some(name.clone()),
                    value: base.clone(),
                }
            });
        }
        taken.insert(name.clone());
        numbers.insert(base, n);
        names.push(name);
    }
    names
}

/// The `n`th column called `base`: `base` itself, then `base.2`, `base.3`…
fn numbered(base: &str, n: usize) -> String {
    if n == 1 {
        base.to_owned()
    } else {
        format!("{base}.{n}")
    }
}

impl Reading {
    /// Parses `input` (raw file bytes); `last` ends the file.
    fn feed(&mut self, input: &[u8], last: bool) -> Result<(), LoadError> {
        let skip = self.bom_left.min(input.len());
        self.bom_left -= skip;
        let input = &input[skip..];
        match &mut self.decoder {
            None => self.parse(input, last),
            Some(decoder) => {
                let room = decoder
                    .max_utf8_buffer_length(input.len())
                    .unwrap_or(usize::MAX);
                let mut text = std::mem::take(&mut self.decoded);
                text.clear();
                if text.try_reserve(room).is_err() {
                    return Err(self.out_of_memory(self.records + 1));
                }
                if let Some(decoder) = &mut self.decoder {
                    let _ = decoder.decode_to_string(input, &mut text, last);
                }
                let result = self.parse(text.as_bytes(), last);
                self.decoded = text;
                result
            }
        }
    }

    fn parse(&mut self, input: &[u8], last: bool) -> Result<(), LoadError> {
        let mut pos = 0;
        // Where the record csv-core reads starts in `input` (or before, in `raw`).
        let mut start = 0;
        loop {
            if self.boundary {
                pos += self.simple_records(&input[pos..])?;
                start = pos;
            }
            // An empty input tells csv-core the file has ended.
            if pos == input.len() && !last {
                self.keep_raw(&input[start..]);
                return Ok(());
            }
            // csv-core would end a quoted field at the end of the file, making
            // the rest of the file one value.
            if pos == input.len() && self.in_quotes(&input[start..]) {
                return Err(LoadError::UnclosedQuote {
                    file: self.file.clone(),
                    line: self.field_line(),
                });
            }
            // Room up to one byte past the longest field, so that it is caught.
            let room = self.out.len().min(self.field_start() + MAX_FIELD_BYTES + 1);
            let (result, nin, nout, nend) = self.parser.read_record(
                &input[pos..],
                &mut self.out[self.outlen..room],
                &mut self.ends[self.endlen..],
            );
            self.boundary = false;
            pos += nin;
            self.outlen += nout;
            self.endlen += nend;
            match result {
                ReadRecordResult::InputEmpty => {
                    if !last {
                        self.keep_raw(&input[start..]);
                        return Ok(());
                    }
                }
                ReadRecordResult::OutputFull => self.grow_out(&input[start..pos])?,
                ReadRecordResult::OutputEndsFull => self.grow_ends()?,
                ReadRecordResult::Record => {
                    let out = std::mem::take(&mut self.out);
                    let ends = std::mem::take(&mut self.ends);
                    let tail = &input[start..pos];
                    let result = self.record(&out, &ends, tail, last && pos == input.len());
                    self.out = out;
                    self.ends = ends;
                    result?;
                    self.outlen = 0;
                    self.endlen = 0;
                    self.boundary = true;
                    self.raw.clear();
                    self.raw_lost = false;
                    self.pending = quoted::State::Start;
                    start = pos;
                }
                ReadRecordResult::End => return Ok(()),
            }
        }
    }

    /// Makes more room for the record csv-core is reading, refusing a field that
    /// has run past [`MAX_FIELD_BYTES`]; `tail` is the record's bytes in this chunk.
    fn grow_out(&mut self, tail: &[u8]) -> Result<(), LoadError> {
        if self.outlen - self.field_start() > MAX_FIELD_BYTES {
            return Err(LoadError::FieldTooLong {
                file: self.file.clone(),
                line: self.field_line(),
                limit_mb: (MAX_FIELD_BYTES / 1_000_000) as u64,
                quoted: self.in_quotes(tail),
            });
        }
        if self.outlen < self.out.len() {
            // Only an earlier field of the record reached the room it was given.
            return Ok(());
        }
        double(&mut self.out).map_err(|_| self.out_of_memory(self.records + 1))
    }

    /// Makes room for more fields in the record csv-core is reading, refusing a
    /// record of more than [`MAX_COLUMNS`].
    fn grow_ends(&mut self) -> Result<(), LoadError> {
        if self.endlen > MAX_COLUMNS {
            return Err(LoadError::TooManyFields {
                file: self.file.clone(),
                line: self.record_line(self.start_line, &self.out, true),
                limit: MAX_COLUMNS,
            });
        }
        double(&mut self.ends).map_err(|_| self.out_of_memory(self.records + 1))
    }

    /// Where, in `out`, the field csv-core is reading starts.
    fn field_start(&self) -> usize {
        self.endlen.checked_sub(1).map_or(0, |i| self.ends[i])
    }

    /// The line the field csv-core is reading starts on: its record's, plus the
    /// line breaks quoted in the fields before it.
    fn field_line(&self) -> u64 {
        let before = &self.out[..self.field_start()];
        let breaks = before.iter().filter(|&&b| b == b'\n').count() as u64;
        self.record_line(self.start_line, &self.out, true) + breaks
    }

    /// Whether the record csv-core is reading is inside a quoted field; `tail`
    /// is its bytes in this chunk.
    fn in_quotes(&self, tail: &[u8]) -> bool {
        self.pending
            .after(tail, self.delimiter, self.quote)
            .in_quotes()
    }

    /// Keeps the start of a record that continues in the next chunk.
    fn keep_raw(&mut self, bytes: &[u8]) {
        self.pending = self.pending.after(bytes, self.delimiter, self.quote);
        if self.raw_lost || bytes.is_empty() {
            return;
        }
        if self.raw.len() + bytes.len() > MAX_RAW_RECORD {
            self.raw_lost = true;
            self.raw = Vec::new();
        } else {
            self.raw.extend_from_slice(bytes);
        }
    }

    /// Finds which fields of the record csv-core just ended were quoted (into
    /// `quoted`, left empty when that cannot be told); `tail` is the record's
    /// bytes in this chunk, after those kept in `raw`.
    fn find_quoted(&mut self, tail: &[u8]) {
        self.quoted.clear();
        if self.raw_lost {
            return;
        }
        let (delimiter, quote) = (self.delimiter, self.quote);
        if self.raw.is_empty() {
            quoted::fields(tail, delimiter, quote, &mut self.quoted);
        } else {
            self.raw.extend_from_slice(tail);
            quoted::fields(&self.raw, delimiter, quote, &mut self.quoted);
        }
        // Reading differently from csv-core would be a bug; then trim as before.
        if self.quoted.len() != self.endlen {
            self.quoted.clear();
        }
    }

    /// Field `i` of a record without the whitespace around it, except, in text,
    /// the whitespace inside quotes.
    fn trim<'a>(&self, i: usize, raw: &'a [u8]) -> &'a [u8] {
        let value = raw.trim_ascii();
        match self.quoted.get(i) {
            // A marker stays a marker in quotes.
            Some(&after @ Some(_)) if self.text[i] && !self.markers.is_missing(value) => {
                quoted::trim(raw, after)
            }
            _ => value,
        }
    }

    /// Reads, without csv-core, the records at the start of `input` that need no
    /// quoting rules: no quote character, a line break before the end of `input`,
    /// and as many fields as there are columns. Stops before the first other
    /// record, which csv-core then reads; returns the bytes taken.
    ///
    /// csv-core must be between records. It would discard the line breaks
    /// between records, as this does, and split such a record the same way, so
    /// the two can take turns.
    fn simple_records(&mut self, input: &[u8]) -> Result<usize, LoadError> {
        let expected = self.columns.len();
        let delimiter = self.delimiter;
        let mut spans = std::mem::take(&mut self.spans);
        spans.clear();
        let mut line = self.parser.line();
        let mut pos = 0;
        loop {
            while let Some(&b) = input.get(pos)
                && matches!(b, b'\n' | b'\r')
            {
                line += u64::from(b == b'\n');
                pos += 1;
            }
            let rest = &input[pos..];
            if !self.simple {
                break;
            }
            let Some((end, delimiters)) = scan::record_end(rest, delimiter, self.quote) else {
                break;
            };
            // csv-core reads a record too long to be simple, and refuses its
            // field if it is too long.
            if rest[end] == self.quote || delimiters + 1 != expected || end > MAX_FIELD_BYTES {
                break;
            }
            spans.push(Span {
                start: pos,
                end: pos + end,
                line,
            });
            pos += end;
        }
        let result = if spans.is_empty() {
            Ok(())
        } else {
            self.read_spans(input, &spans)
        };
        self.spans = spans;
        result?;
        self.parser.set_line(line);
        self.start_line = Some(line);
        Ok(pos)
    }

    /// Reads the simple records at `spans` of `input`, on several threads when
    /// there are enough of them.
    fn read_spans(&mut self, input: &[u8], spans: &[Span]) -> Result<(), LoadError> {
        let batch = Batch {
            input,
            spans,
            first_row: self.records + 1,
            delimiter: self.delimiter,
            format: self.format,
            markers: &self.markers,
            fast_numbers: self.fast_numbers,
            width: self.columns.len(),
        };
        let whole = 0..self.columns.len();
        let groups: &[Range<usize>] = if spans.len() >= MIN_PARALLEL_RECORDS {
            &self.groups
        } else {
            std::slice::from_ref(&whole)
        };
        let results = match groups {
            [_] => vec![scan::read_columns(&batch, 0, &mut self.columns)],
            _ => {
                let mut parts = Vec::with_capacity(groups.len());
                let mut rest = &mut self.columns[..];
                for group in groups {
                    let (part, after) = rest.split_at_mut(group.len());
                    parts.push((group.start, part));
                    rest = after;
                }
                let batch = &batch;
                std::thread::scope(|scope| {
                    let mut parts = parts.into_iter();
                    let here = parts.next();
                    let threads: Vec<_> = parts
                        .map(|(first, columns)| {
                            scope.spawn(move || scan::read_columns(batch, first, columns))
                        })
                        .collect();
                    let mut results = Vec::with_capacity(groups.len());
                    if let Some((first, columns)) = here {
                        results.push(scan::read_columns(batch, first, columns));
                    }
                    for thread in threads {
                        match thread.join() {
                            Ok(result) => results.push(result),
                            Err(panic) => std::panic::resume_unwind(panic),
                        }
                    }
                    results
                })
            }
        };
        let mut found = Vec::new();
        let mut out_of_memory: Option<u64> = None;
        for result in results {
            match result {
                Ok(mut f) => found.append(&mut f),
                Err(row) => out_of_memory = Some(out_of_memory.map_or(row, |r| r.min(row))),
            }
        }
        if let Some(row) = out_of_memory {
            return Err(self.out_of_memory(row));
        }
        // In the order a single reader, row by row, would have met them.
        found.sort_by_key(|f| (f.first_row, f.column));
        for f in found {
            self.report
                .merge(f.kind, f.policy, Some(&f.name), f.count, f.examples);
        }
        self.records += spans.len() as u64;
        self.kept += spans.len();
        Ok(())
    }

    /// Reads one field (untrimmed) into column `i`, reporting it when it does not
    /// fit; `line` tells the line its record started on. Trimmed as [`Self::trim`]
    /// says.
    fn field(
        &mut self,
        i: usize,
        raw: &[u8],
        row: u64,
        line: &dyn Fn() -> u64,
    ) -> Result<(), LoadError> {
        let value = self.trim(i, raw);
        let outcome = self.columns[i]
            .push(value, self.format, &self.markers)
            .map_err(|_| self.out_of_memory(row))?;
        if matches!(outcome, Outcome::Unparsable | Outcome::Reencoded) {
            let (kind, policy) = if outcome == Outcome::Unparsable {
                (ProblemKind::UnparsableValue, Policy::SetMissing)
            } else {
                (ProblemKind::InvalidEncoding, Policy::Replaced)
            };
            let name = self.columns[i].name.clone();
            let line = line();
            self.report.add(kind, policy, Some(&name), || Example {
                row,
                line,
                column: Some(name.clone()),
                value: String::from_utf8_lossy(value).into_owned(),
            });
        }
        Ok(())
    }

    fn out_of_memory(&self, row: u64) -> LoadError {
        LoadError::OutOfMemory {
            file: self.file.clone(),
            row,
        }
    }

    /// The line a record csv-core just ended started on, counted back from its
    /// end when it was not known at its start.
    fn record_line(&self, start: Option<u64>, out: &[u8], at_end: bool) -> u64 {
        start.unwrap_or_else(|| {
            let inside = out[..self.outlen].iter().filter(|&&b| b == b'\n').count() as u64;
            let terminator = u64::from(!at_end);
            self.parser
                .line()
                .saturating_sub(inside + terminator)
                .max(1)
        })
    }

    /// Takes in the record csv-core just read into `out`, its fields ending at `ends`.
    /// `tail` is the record's bytes in this chunk.
    fn record(
        &mut self,
        out: &[u8],
        ends: &[usize],
        tail: &[u8],
        at_end: bool,
    ) -> Result<(), LoadError> {
        let start = self.start_line.take();
        if self.header_pending {
            self.header_pending = false;
            return Ok(());
        }
        let found = self.endlen;
        let expected = self.columns.len();
        let field = |i: usize| -> &[u8] {
            let start = if i == 0 { 0 } else { ends[i - 1] };
            &out[start..ends[i]]
        };
        // A line of spaces is not a row.
        if found == 1 && expected > 1 && field(0).trim_ascii().is_empty() {
            return Ok(());
        }
        self.records += 1;
        let row = self.records;
        let mut take = found.min(expected);
        if found != expected {
            let trailing =
                found > expected && (expected..found).all(|i| field(i).trim_ascii().is_empty());
            let kind = if trailing {
                ProblemKind::TrailingDelimiter
            } else if found < expected {
                ProblemKind::ShortRow
            } else {
                ProblemKind::LongRow
            };
            if kind != ProblemKind::TrailingDelimiter && self.ragged == RaggedPolicy::Stop {
                return Err(LoadError::Ragged {
                    file: self.file.clone(),
                    line: self.record_line(start, out, at_end),
                    row,
                    expected,
                    found,
                });
            }
            let skip = match kind {
                ProblemKind::TrailingDelimiter => false,
                ProblemKind::ShortRow => self.ragged == RaggedPolicy::Skip,
                _ => true,
            };
            let policy = match kind {
                ProblemKind::TrailingDelimiter => Policy::Ignored,
                _ if skip => Policy::SkipRow,
                _ => Policy::SetMissing,
            };
            let line = self.record_line(start, out, at_end);
            let value = {
                let shown: Vec<String> = (0..found.min(8))
                    .map(|i| String::from_utf8_lossy(field(i)).into_owned())
                    .collect();
                let mut text = shown.join(&self.dialect.delimiter.to_string());
                if found > 8 {
                    text.push('…');
                }
                text
            };
            self.report.add(kind, policy, None, || Example {
                row,
                line,
                column: None,
                value,
            });
            if skip {
                return Ok(());
            }
            take = expected.min(found);
        }
        let line = self.record_line(start, out, at_end);
        // Text with whitespace at an edge keeps what was inside quotes.
        self.quoted.clear();
        let spaced = (0..take).any(|i| {
            let value = field(i);
            self.text[i]
                && (value.first().is_some_and(u8::is_ascii_whitespace)
                    || value.last().is_some_and(u8::is_ascii_whitespace))
        });
        if spaced {
            self.find_quoted(tail);
        }
        for i in 0..take {
            self.field(i, field(i), row, &|| line)?;
        }
        for column in &mut self.columns[take..] {
            column.push_missing().map_err(|_| LoadError::OutOfMemory {
                file: self.file.clone(),
                row,
            })?;
        }
        self.kept += 1;
        Ok(())
    }

    fn take_rows(&mut self) -> Result<Option<Frame>, LoadError> {
        if self.kept == 0 {
            return Ok(None);
        }
        let read = |file: &str, message: String| LoadError::Read {
            file: file.to_owned(),
            message,
        };
        let mut columns = Vec::with_capacity(self.columns.len());
        let mut next = Vec::with_capacity(self.columns.len());
        for builder in std::mem::take(&mut self.columns) {
            let (column, successor) = builder
                .finish_and_follow()
                .map_err(|e| read(&self.file, e.to_string()))?;
            columns.push(column);
            next.push(successor);
        }
        self.columns = next;
        let frame = Frame::new(self.kept, columns)
            .ok_or_else(|| read(&self.file, "columns of different lengths".to_owned()))?;
        self.taken += self.kept as u64;
        self.kept = 0;
        Ok(Some(frame))
    }

    fn finish(self) -> Result<Loaded, LoadError> {
        if self.kept == 0 && self.taken == 0 {
            return Err(if self.dialect.header && self.records == 0 {
                LoadError::NoRows { file: self.file }
            } else if self.records == 0 {
                LoadError::Empty { file: self.file }
            } else {
                LoadError::NoRows { file: self.file }
            });
        }
        let file = self.file;
        let columns: Vec<Column> = self
            .columns
            .into_iter()
            .map(ColumnBuilder::finish)
            .collect::<Result<_, _>>()
            .map_err(|e| LoadError::Read {
                file: file.clone(),
                message: e.to_string(),
            })?;
        let types: Vec<(String, &'static str)> = columns
            .iter()
            .map(|c| (c.name.clone(), c.kind().name()))
            .collect();
        let problems = self
            .report
            .finish(|name| types.iter().find(|(n, _)| n == name).map(|(_, t)| *t));
        let frame = Frame::new(self.kept, columns).ok_or_else(|| LoadError::Read {
            file,
            message: "columns of different lengths".to_owned(),
        })?;
        Ok(Loaded {
            frame,
            dialect: self.dialect,
            problems,
            sha256: String::new(),
            bytes: 0,
        })
    }
}

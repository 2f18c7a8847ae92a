//! Streaming a file into a frame: chunks go in as they are read, and no whole copy
//! of the file, as bytes or as text, is ever held.
//!
//! The first [`SNIFF_BYTES`] are buffered to guess the dialect and the column
//! types; after that every chunk is parsed as it arrives (RFC 4180, by `csv-core`)
//! and each field goes straight into its typed column.

use csv_core::{ReadRecordResult, ReaderBuilder};

use crate::frame::{Column, Frame};

use super::builder::{ColumnBuilder, Outcome};
use super::dialect::{self, Dialect};
use super::encoding;
use super::error::LoadError;
use super::infer::{self, Parse};
use super::markers::Markers;
use super::options::{LoadOptions, RaggedPolicy};
use super::report::{Example, Policy, Problem, ProblemKind, Report};
use super::value::{DateOrder, NumberFormat};

/// How much of the file the dialect and types are guessed from.
pub const SNIFF_BYTES: usize = 1 << 20;

/// Records of the sample that type inference looks at.
const SNIFF_RECORDS: usize = 20_000;

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
    bytes: u64,
    hasher: sha2::Sha256,
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
    columns: Vec<ColumnBuilder>,
    /// Data records seen, kept or not: the row numbers of the report.
    records: u64,
    kept: usize,
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
            bytes: 0,
            hasher: sha2::Sha256::default(),
            state: State::Sniffing(Vec::new()),
        }
    }

    /// Refuses, before reading past the sample, a file whose typed columns would
    /// need more than `bytes`.
    pub fn with_memory_limit(mut self, bytes: u64) -> Self {
        self.memory_limit = Some(bytes);
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
        sha2::Digest::update(&mut self.hasher, chunk);
        match &mut self.state {
            State::Sniffing(buffer) => {
                buffer.extend_from_slice(chunk);
                if buffer.len() >= SNIFF_BYTES {
                    let sample = std::mem::take(buffer);
                    let mut reading = self.start(&sample, false)?;
                    reading.feed(&sample, false)?;
                    self.state = State::Reading(reading);
                }
                Ok(())
            }
            State::Reading(reading) => reading.feed(chunk, false),
        }
    }

    /// Ends the file and builds the frame.
    pub fn finish(mut self) -> Result<Loaded, LoadError> {
        let hasher = std::mem::take(&mut self.hasher);
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
        loaded.sha256 = super::hex(&sha2::Digest::finalize(hasher));
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
        let bom = if encoding == detected { bom } else { 0 };
        let text = match encoding.decoder() {
            None => String::from_utf8_lossy(&sample[bom..]),
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
        let header = match options.header {
            Some(h) => h,
            None => infer::has_header(&records, &kinds_of(rest), &markers, format),
        };
        let data = if header { rest } else { &records[..] };
        let width = match records.first() {
            Some(names) if header => data_width(names.len(), data),
            _ => width,
        };
        let kinds = kinds_of(data);

        let mut report = Report::default();
        let names = names(
            header.then(|| records.first()).flatten(),
            width,
            &mut report,
        );
        let columns: Vec<ColumnBuilder> = names
            .into_iter()
            .zip(kinds.iter().chain(std::iter::repeat(&Parse::Float)))
            .map(|(name, &inferred)| {
                let chosen = options.column(&name);
                let forced = chosen.and_then(|c| c.kind);
                let role = chosen.and_then(|c| c.role);
                let parse = forced.map_or(inferred, |kind| parse_for(kind, inferred, prefer));
                ColumnBuilder::new(name, parse, forced, role)
            })
            .collect();

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
            columns,
            records: 0,
            kept: 0,
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

/// How a column the person gave type `kind` is read.
fn parse_for(kind: crate::frame::ColumnType, inferred: Parse, prefer: DateOrder) -> Parse {
    use crate::frame::ColumnType as T;
    let order = match inferred {
        Parse::Date(o) | Parse::Datetime(o) => o,
        _ => prefer,
    };
    match kind {
        T::Integer => Parse::Int,
        T::Float => Parse::Float,
        T::Boolean => Parse::Bool,
        T::Date => Parse::Date(order),
        T::Datetime => Parse::Datetime(order),
        T::Id if inferred == Parse::Int => Parse::Int,
        T::Categorical | T::Text | T::Id => Parse::Str,
    }
}

/// Column names from the header row: blanks named by position, repeats numbered
/// (`x`, `x.2`), and columns past the header's end named by position.
fn names(header: Option<&Vec<String>>, width: usize, report: &mut Report) -> Vec<String> {
    let header: &[String] = header.map_or(&[], Vec::as_slice);
    let mut names: Vec<String> = Vec::new();
    for i in 0..width.max(header.len()) {
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
        let mut name = base.clone();
        let mut n = 1;
        while names.contains(&name) {
            n += 1;
            name = format!("{base}.{n}");
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
        names.push(name);
    }
    names
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
                let mut text = std::mem::take(&mut self.decoded);
                text.clear();
                let room = decoder
                    .max_utf8_buffer_length(input.len())
                    .unwrap_or(input.len() * 3 + 16);
                text.reserve(room);
                let _ = decoder.decode_to_string(input, &mut text, last);
                let result = self.parse(text.as_bytes(), last);
                self.decoded = text;
                result
            }
        }
    }

    fn parse(&mut self, input: &[u8], last: bool) -> Result<(), LoadError> {
        let mut pos = 0;
        loop {
            // An empty input tells csv-core the file has ended.
            if pos == input.len() && !last {
                return Ok(());
            }
            let (result, nin, nout, nend) = self.parser.read_record(
                &input[pos..],
                &mut self.out[self.outlen..],
                &mut self.ends[self.endlen..],
            );
            pos += nin;
            self.outlen += nout;
            self.endlen += nend;
            match result {
                ReadRecordResult::InputEmpty => {
                    if !last {
                        return Ok(());
                    }
                }
                ReadRecordResult::OutputFull => {
                    let len = self.out.len();
                    self.out.resize(len * 2, 0);
                }
                ReadRecordResult::OutputEndsFull => {
                    let len = self.ends.len();
                    self.ends.resize(len * 2, 0);
                }
                ReadRecordResult::Record => {
                    self.record(last && pos == input.len())?;
                    self.outlen = 0;
                    self.endlen = 0;
                }
                ReadRecordResult::End => return Ok(()),
            }
        }
    }

    /// The line a record that just ended started on, counted from its end.
    fn record_line(&self, at_end: bool) -> u64 {
        let inside = self.out[..self.outlen]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64;
        let terminator = u64::from(!at_end);
        self.parser
            .line()
            .saturating_sub(inside + terminator)
            .max(1)
    }

    fn record(&mut self, at_end: bool) -> Result<(), LoadError> {
        if self.header_pending {
            self.header_pending = false;
            return Ok(());
        }
        let found = self.endlen;
        let expected = self.columns.len();
        let field = |i: usize| -> &[u8] {
            let start = if i == 0 { 0 } else { self.ends[i - 1] };
            &self.out[start..self.ends[i]]
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
                    line: self.record_line(at_end),
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
            let line = self.record_line(at_end);
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
        let oom = |row: u64| LoadError::OutOfMemory {
            file: self.file.clone(),
            row,
        };
        for i in 0..take {
            let start = if i == 0 { 0 } else { self.ends[i - 1] };
            let raw = &self.out[start..self.ends[i]];
            let value = raw.trim_ascii();
            let outcome = self.columns[i]
                .push(value, self.format, &self.markers)
                .map_err(|_| oom(row))?;
            if matches!(outcome, Outcome::Unparsable | Outcome::Reencoded) {
                let (kind, policy) = if outcome == Outcome::Unparsable {
                    (ProblemKind::UnparsableValue, Policy::SetMissing)
                } else {
                    (ProblemKind::InvalidEncoding, Policy::Replaced)
                };
                let name = self.columns[i].name.clone();
                let line = self.record_line(at_end);
                self.report.add(kind, policy, Some(&name), || Example {
                    row,
                    line,
                    column: Some(name.clone()),
                    value: String::from_utf8_lossy(value).into_owned(),
                });
            }
        }
        for column in &mut self.columns[take..] {
            column.push_missing().map_err(|_| oom(row))?;
        }
        self.kept += 1;
        Ok(())
    }

    fn finish(self) -> Result<Loaded, LoadError> {
        if self.kept == 0 {
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

//! Saving a parsed [`Frame`] (in the browser's private file system) and reading it
//! back without parsing the CSV again.
//!
//! The format is little-endian and versioned, and laid out so that a reader can
//! fetch the header first and then one column at a time by byte range:
//!
//! ```text
//! "STUDIOFR"   8 bytes of magic
//! version      u32, currently 1
//! H            u32, the length of the JSON header
//! header       H bytes of JSON (see below), then zeros up to a multiple of 8
//! blocks       one per column, each starting at a multiple of 8, zeros between
//! ```
//!
//! The JSON header is `{"rows": N, "columns": [...], "meta": ...}`, where each
//! column is `{"name", "type", "role", "storage", "offset", "length", "missing",
//! "levels"?}` ([`StoredColumn`]): `offset` is where its block starts, counted from
//! the start of the file, and `length` its size without the padding that follows.
//! `meta` is whatever the caller saved with the frame (dialect, problems, source).
//!
//! A column block is its validity bitmap, `ceil(N / 64)` u64 words, then its
//! values by storage:
//!
//! - `int`: N × i64; `float`: N × f64; `bool`: `ceil(N / 64)` u64 words;
//! - `codes`: N × u32, a u32 count of levels, then each level as a u32 byte
//!   length and its UTF-8 bytes;
//! - `strings`: (N + 1) × u64 offsets into the text, then the text's UTF-8 bytes.
//!
//! Decoding checks every length, offset, code and string, so damaged bytes give a
//! [`StoreError`], never a panic or a wrong frame of the right shape. The header is
//! checked against the file's size ([`decode_header`]) before a reader allocates
//! by any length in it, so a hostile file costs no more memory than its size.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use thiserror::Error;

use super::{Bitmap, Column, ColumnError, ColumnSummary, ColumnType, Frame, Role, Strings, Values};

/// The first eight bytes of every saved frame.
pub const MAGIC: [u8; 8] = *b"STUDIOFR";
/// The format this code writes, and the newest it reads.
pub const VERSION: u32 = 1;
/// The bytes before the JSON header: magic, version and header length. Read these
/// first, then [`header_len`] says how many more the header needs.
pub const PREFIX: usize = 16;

/// Blocks start at multiples of this many bytes.
const ALIGN: u64 = 8;

/// What a person is told to do about a damaged file.
const ADVICE: &str = "delete it and open the CSV again";

// Header lengths are u32s used as usize.
const _: () = assert!(usize::BITS >= 32);

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum StoreError {
    #[error("this file is not a saved Studio dataset; {ADVICE}")]
    NotDataset,
    #[error("this saved dataset was written by a newer Studio (format {0}); reload the page")]
    Newer(u32),
    #[error("the saved dataset is damaged: {0}; {ADVICE}")]
    Damaged(Damage),
}

impl StoreError {
    /// The error in a sentence that names the dataset, for the page.
    pub fn about(&self, dataset: &str) -> String {
        match self {
            StoreError::Damaged(damage) => {
                format!("the saved dataset {dataset} is damaged: {damage}; {ADVICE}")
            }
            StoreError::NotDataset => {
                format!("the saved dataset {dataset} is not a Studio dataset file; {ADVICE}")
            }
            StoreError::Newer(_) => self.to_string(),
        }
    }
}

impl From<Damage> for StoreError {
    fn from(damage: Damage) -> Self {
        StoreError::Damaged(damage)
    }
}

/// What is wrong with a damaged file, with the sizes and the column concerned.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Damage {
    #[error("it ends after {0} bytes, inside its first {PREFIX}")]
    Cut(usize),
    #[error("its format version is 0")]
    Version0,
    #[error("its header claims {} but the file holds {}", size(.header), size(.file))]
    HeaderPastEnd { header: u64, file: u64 },
    #[error("its header cannot be read ({0})")]
    Header(String),
    #[error("it claims {rows} rows, but a file of {} holds at most {most}", size(.file))]
    Rows { rows: usize, file: u64, most: u64 },
    #[error("column \"{column}\" starts at byte {offset}, not at a multiple of 8")]
    Unaligned { column: String, offset: u64 },
    #[error(
        "column \"{column}\" starts at byte {offset}, inside the header or the column before it (which end at byte {free})"
    )]
    Overlaps {
        column: String,
        offset: u64,
        free: u64,
    },
    #[error("column \"{column}\" claims {} from byte {offset}, but the file holds {}", size(.length), size(.file))]
    PastEnd {
        column: String,
        offset: u64,
        length: u64,
        file: u64,
    },
    #[error(
        "column \"{column}\" claims {length} bytes, but {rows} rows stored as {storage} take {}{expected}",
        if *.exact { "" } else { "at least " }
    )]
    Length {
        column: String,
        storage: Storage,
        rows: usize,
        length: u64,
        expected: u64,
        exact: bool,
    },
    #[error("column \"{column}\" {fault}")]
    Block { column: String, fault: BlockFault },
    #[error("{0}")]
    Column(ColumnError),
    #[error("it holds {} where its header describes {}", size(.file), size(.expected))]
    Size { file: u64, expected: u64 },
    #[error("its columns have different lengths")]
    Lengths,
    #[error("what it says about its source cannot be read ({0})")]
    Meta(String),
}

/// What is wrong inside one column's block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum BlockFault {
    #[error("is cut short")]
    Short,
    #[error("should take {expected} bytes but {read} were read")]
    Read { expected: u64, read: usize },
    #[error("holds text that is not UTF-8")]
    NotUtf8,
    #[error("has text offsets that do not fit")]
    Offsets,
    #[error("has {0} bytes too many")]
    Extra(usize),
    #[error("does not match its description in the header")]
    Mismatch,
}

/// A byte count as people read it: `950 bytes`, `12.3 MB`, `4.29 GB`.
fn size(bytes: &u64) -> String {
    let n = *bytes as f64;
    match *bytes {
        0..1_000 => format!("{bytes} bytes"),
        1_000..1_000_000 => format!("{:.1} kB", n / 1e3),
        1_000_000..1_000_000_000 => format!("{:.1} MB", n / 1e6),
        _ => format!("{:.2} GB", n / 1e9),
    }
}

/// How a column's values are laid out in its block; one per [`Values`] variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Storage {
    Int,
    Float,
    Bool,
    Codes,
    Strings,
}

impl std::fmt::Display for Storage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Storage::Int => "int",
            Storage::Float => "float",
            Storage::Bool => "bool",
            Storage::Codes => "codes",
            Storage::Strings => "strings",
        })
    }
}

impl Storage {
    pub fn of(values: &Values) -> Self {
        match values {
            Values::Int(_) => Storage::Int,
            Values::Float(_) => Storage::Float,
            Values::Bool(_) => Storage::Bool,
            Values::Codes { .. } => Storage::Codes,
            Values::Strings(_) => Storage::Strings,
        }
    }
}

/// One column as the header describes it: enough to show its summary and to fetch
/// and decode its block alone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredColumn {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: ColumnType,
    pub role: Role,
    pub storage: Storage,
    /// Where the block starts, in bytes from the start of the file.
    pub offset: u64,
    /// The block's size in bytes, without the padding after it.
    pub length: u64,
    /// Missing values, as in [`ColumnSummary`].
    pub missing: usize,
    /// Dictionary levels, for coded columns.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub levels: Option<usize>,
    /// A boolean column's words for false and true, where the data spelled them.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub words: Option<[String; 2]>,
}

impl StoredColumn {
    /// The byte range of the block within the file.
    pub fn range(&self) -> std::ops::Range<u64> {
        self.offset..self.offset.saturating_add(self.length)
    }
}

/// The decoded JSON header.
#[derive(Debug, Clone, Deserialize)]
pub struct Header {
    pub rows: usize,
    pub columns: Vec<StoredColumn>,
    /// The meta's JSON text, for the caller to parse into its own type: a
    /// `serde_json::Value` of small numbers takes some 25 times their bytes, which
    /// would let a hostile header cost more memory than the file.
    #[serde(default)]
    pub meta: Box<RawValue>,
    /// Where the first block may start: the header's end, padded to 8 bytes.
    #[serde(skip)]
    pub data_start: u64,
}

impl Header {
    /// The size of the whole file: the last block's end, padded to 8 bytes.
    pub fn file_len(&self) -> u64 {
        self.columns.iter().fold(self.data_start, |end, c| {
            end.max(pad(c.offset.saturating_add(c.length)).unwrap_or(u64::MAX))
        })
    }

    /// The columns' summaries, the same as [`Frame::summaries`] of the saved frame,
    /// without reading any block.
    pub fn summaries(&self) -> Vec<ColumnSummary> {
        self.columns
            .iter()
            .map(|c| ColumnSummary {
                name: c.name.clone(),
                kind: c.kind,
                missing: c.missing,
                role: c.role,
                levels: c.levels,
            })
            .collect()
    }
}

/// What [`encode_header`] serializes, borrowing the caller's meta.
#[derive(Serialize)]
struct HeaderOut<'a> {
    rows: usize,
    columns: &'a [StoredColumn],
    meta: &'a serde_json::Value,
}

/// `x` rounded up to a multiple of [`ALIGN`]; `None` on overflow.
fn pad(x: u64) -> Option<u64> {
    x.checked_next_multiple_of(ALIGN)
}

/// The number of u64 words a bitmap of `rows` bits takes.
fn words(rows: usize) -> usize {
    rows.div_ceil(64)
}

/// The least block `rows` rows take in `storage`, and whether that is exactly its
/// length (fixed widths) or only a floor (levels or text follow); `None` past a u64.
fn floor(storage: Storage, rows: usize) -> Option<(u64, bool)> {
    let n = u64::try_from(rows).ok()?;
    let bitmap = 8 * n.div_ceil(64);
    let (values, exact) = match storage {
        Storage::Int | Storage::Float => (n.checked_mul(8)?, true),
        Storage::Bool => (bitmap, true),
        Storage::Codes => (n.checked_mul(4)?.checked_add(4)?, false),
        Storage::Strings => (n.checked_add(1)?.checked_mul(8)?, false),
    };
    Some((bitmap.checked_add(values)?, exact))
}

/// The size of a column's block before padding. In-memory sizes cannot overflow a u64.
fn block_length(column: &Column) -> u64 {
    let storage = Storage::of(column.values());
    let (floor, _) = floor(storage, column.len()).unwrap_or((u64::MAX, true));
    floor.saturating_add(match column.values() {
        Values::Codes { levels, .. } => levels.iter().map(|l| 4 + l.len() as u64).sum::<u64>(),
        Values::Strings(s) => s.bytes().len() as u64,
        Values::Int(_) | Values::Float(_) | Values::Bool(_) => 0,
    })
}

/// The file's first bytes: magic, version, header length, the JSON header, and
/// zeros up to where the first column's block starts. Write the blocks from
/// [`encode_column`] right after it, in the frame's column order.
pub fn encode_header(frame: &Frame, meta: &serde_json::Value) -> Vec<u8> {
    let mut columns: Vec<StoredColumn> = frame
        .columns()
        .iter()
        .map(|c| StoredColumn {
            name: c.name.clone(),
            kind: c.kind(),
            role: c.role,
            storage: Storage::of(c.values()),
            offset: 0,
            length: block_length(c),
            missing: c.missing(),
            levels: c.levels().map(<[String]>::len),
            words: c.words().cloned(),
        })
        .collect();
    // The offsets are in the header, so the header's length depends on them. Its
    // length only grows with the offsets, so guessing upwards settles in a few rounds.
    let mut data_start = 0;
    loop {
        let mut offset = data_start;
        for column in &mut columns {
            column.offset = offset;
            offset = pad(offset + column.length).unwrap_or(u64::MAX);
        }
        // Serializing plain structs and a `Value` (whose maps have string keys)
        // cannot fail; an empty header would read back as damaged, never as wrong.
        let json = serde_json::to_vec(&HeaderOut {
            rows: frame.rows(),
            columns: &columns,
            meta,
        })
        .unwrap_or_default();
        let start = pad((PREFIX + json.len()) as u64).unwrap_or(u64::MAX);
        if start <= data_start {
            let mut out = Vec::with_capacity(data_start as usize);
            out.extend_from_slice(&MAGIC);
            out.extend_from_slice(&VERSION.to_le_bytes());
            // A header past 4 GiB would need a meta that large; it would read back
            // as damaged rather than wrong.
            out.extend_from_slice(&u32::try_from(json.len()).unwrap_or(u32::MAX).to_le_bytes());
            out.extend_from_slice(&json);
            out.resize(data_start as usize, 0);
            return out;
        }
        data_start = start;
    }
}

/// Appends `values` as fixed-width little-endian bytes, in one pass over a buffer
/// sized up front.
fn put<T: Copy, const W: usize>(out: &mut Vec<u8>, values: &[T], bytes: impl Fn(T) -> [u8; W]) {
    let start = out.len();
    out.resize(start + values.len() * W, 0);
    for (chunk, &value) in out[start..].chunks_exact_mut(W).zip(values) {
        chunk.copy_from_slice(&bytes(value));
    }
}

/// Appends exactly `count` bitmap words (the bitmap holds exactly that many).
fn put_words(out: &mut Vec<u8>, bitmap: &Bitmap, count: usize) {
    let words = bitmap.words();
    put(out, &words[..count.min(words.len())], u64::to_le_bytes);
    out.resize(out.len() + 8 * count.saturating_sub(words.len()), 0);
}

/// One column's block, padded with zeros to a multiple of 8 bytes so that the next
/// block can be written right after it.
pub fn encode_column(column: &Column) -> Vec<u8> {
    let mut out = Vec::with_capacity(pad(block_length(column)).unwrap_or(0) as usize);
    write_column(&mut out, column);
    out
}

/// Appends a column's block and its padding to `out`.
fn write_column(out: &mut Vec<u8>, column: &Column) {
    let rows = column.len();
    let start = out.len();
    put_words(out, column.validity(), words(rows));
    match column.values() {
        Values::Int(v) => put(out, v, i64::to_le_bytes),
        Values::Float(v) => put(out, v, f64::to_le_bytes),
        Values::Bool(v) => put_words(out, v, words(rows)),
        Values::Codes { codes, levels } => {
            put(out, codes, u32::to_le_bytes);
            out.extend_from_slice(&(levels.len() as u32).to_le_bytes());
            for level in levels {
                out.extend_from_slice(&(level.len() as u32).to_le_bytes());
                out.extend_from_slice(level.as_bytes());
            }
        }
        Values::Strings(s) => {
            put(out, s.offsets(), |o| (o as u64).to_le_bytes());
            out.extend_from_slice(s.bytes().as_bytes());
        }
    }
    debug_assert_eq!((out.len() - start) as u64, block_length(column));
    let end = start + (out.len() - start).next_multiple_of(ALIGN as usize);
    out.resize(end, 0);
}

/// The whole file: the header and every column's block. For tests and frames small
/// enough to hold twice; larger ones write [`encode_header`] and then each
/// [`encode_column`] in turn.
pub fn encode(frame: &Frame, meta: &serde_json::Value) -> Vec<u8> {
    let mut out = encode_header(frame, meta);
    let total = frame
        .columns()
        .iter()
        .map(|c| pad(block_length(c)).unwrap_or(0))
        .sum::<u64>();
    out.reserve(total as usize);
    for column in frame.columns() {
        write_column(&mut out, column);
    }
    out
}

/// The JSON header's length, from the file's first [`PREFIX`] bytes (or more) and
/// the file's size. Checks the magic, the version, and that the header fits in the
/// file, so that the caller can read it without trusting the length.
pub fn header_len(prefix: &[u8], file: u64) -> Result<usize, StoreError> {
    let Some(prefix) = prefix.get(..PREFIX) else {
        return Err(if MAGIC.starts_with(prefix) {
            Damage::Cut(prefix.len()).into()
        } else {
            StoreError::NotDataset
        });
    };
    if prefix[..8] != MAGIC {
        return Err(StoreError::NotDataset);
    }
    let version = u32::from_le_bytes(array(&prefix[8..12]));
    if version > VERSION {
        return Err(StoreError::Newer(version));
    }
    if version == 0 {
        return Err(Damage::Version0.into());
    }
    let length = u32::from_le_bytes(array(&prefix[12..16]));
    let header = PREFIX as u64 + u64::from(length);
    if header > file {
        return Err(Damage::HeaderPastEnd { header, file }.into());
    }
    Ok(length as usize)
}

/// Decodes the header from the file's first `PREFIX + header_len` bytes (or more)
/// and checks it against the file's size before anything is read by it: each
/// column's block lies after the header and the block before it, aligned, within
/// the file, and is as long as its storage and the row count make it. A caller
/// that has checked this can allocate each block's length: together they are at
/// most the file. The column count needs no check of its own: each column is a
/// JSON object of some 80 bytes in the header, which fits in the file.
pub fn decode_header(head: &[u8], file: u64) -> Result<Header, StoreError> {
    let length = header_len(head, file)?;
    let end = PREFIX + length;
    let json = head.get(PREFIX..end).ok_or(Damage::HeaderPastEnd {
        header: end as u64,
        file: head.len() as u64,
    })?;
    let mut header: Header =
        serde_json::from_slice(json).map_err(|e| Damage::Header(e.to_string()))?;
    // Every row takes at least two bits of each column (a boolean's validity and
    // value), and a file of no columns is never larger than that would be.
    let most = file.saturating_mul(4);
    if header.rows as u64 > most {
        return Err(Damage::Rows {
            rows: header.rows,
            file,
            most,
        }
        .into());
    }
    // `end` is at most `file`, which is a u64.
    header.data_start = pad(end as u64).unwrap_or(u64::MAX);
    let mut free = header.data_start;
    for c in &header.columns {
        let column = || c.name.clone();
        if !c.offset.is_multiple_of(ALIGN) {
            return Err(Damage::Unaligned {
                column: column(),
                offset: c.offset,
            }
            .into());
        }
        if c.offset < free {
            return Err(Damage::Overlaps {
                column: column(),
                offset: c.offset,
                free,
            }
            .into());
        }
        let past = Damage::PastEnd {
            column: column(),
            offset: c.offset,
            length: c.length,
            file,
        };
        let end = c.offset.checked_add(c.length).ok_or(past.clone())?;
        if end > file {
            return Err(past.into());
        }
        let (expected, exact) = floor(c.storage, header.rows).ok_or(Damage::Rows {
            rows: header.rows,
            file,
            most,
        })?;
        if c.length < expected || (exact && c.length != expected) {
            return Err(Damage::Length {
                column: column(),
                storage: c.storage,
                rows: header.rows,
                length: c.length,
                expected,
                exact,
            }
            .into());
        }
        // Nothing can follow a block that ends within 8 bytes of u64::MAX.
        free = pad(end).unwrap_or(u64::MAX);
    }
    Ok(header)
}

/// Reads a column block front to back, every read checked against its end.
struct Reader<'a> {
    bytes: &'a [u8],
    name: &'a str,
}

impl<'a> Reader<'a> {
    fn fault(&self, fault: BlockFault) -> StoreError {
        Damage::Block {
            column: self.name.to_owned(),
            fault,
        }
        .into()
    }

    fn short(&self) -> StoreError {
        self.fault(BlockFault::Short)
    }

    /// The next `count` items of `width` bytes each.
    fn take(&mut self, count: usize, width: usize) -> Result<&'a [u8], StoreError> {
        let n = count.checked_mul(width).ok_or_else(|| self.short())?;
        if n > self.bytes.len() {
            return Err(self.short());
        }
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Ok(head)
    }

    fn u32(&mut self) -> Result<u32, StoreError> {
        Ok(u32::from_le_bytes(array(self.take(1, 4)?)))
    }

    /// The next `count` fixed-width little-endian values.
    fn values<T, const W: usize>(
        &mut self,
        count: usize,
        from: impl Fn([u8; W]) -> T,
    ) -> Result<Vec<T>, StoreError> {
        Ok(self
            .take(count, W)?
            .chunks_exact(W)
            .map(|c| from(array(c)))
            .collect())
    }

    fn bitmap(&mut self, rows: usize) -> Result<Bitmap, StoreError> {
        let words = self.values(words(rows), u64::from_le_bytes)?;
        Bitmap::from_words(words, rows).ok_or_else(|| self.short())
    }

    fn string(&mut self, len: usize) -> Result<String, StoreError> {
        let bytes = self.take(len, 1)?;
        std::str::from_utf8(bytes)
            .map(str::to_owned)
            .map_err(|_| self.fault(BlockFault::NotUtf8))
    }
}

/// The bytes of a slice whose length is known to be `W`.
#[inline]
fn array<const W: usize>(bytes: &[u8]) -> [u8; W] {
    bytes.try_into().unwrap_or([0; W])
}

/// Decodes one column from its block (`stored.range()` of the file, without the
/// padding after it) and the frame's row count from the header. Any bytes and any
/// description give a column or an error, and nothing is allocated before the
/// block is known to hold it.
pub fn decode_column(
    stored: &StoredColumn,
    rows: usize,
    block: &[u8],
) -> Result<Column, StoreError> {
    let name = stored.name.as_str();
    let mut r = Reader { bytes: block, name };
    if block.len() as u64 != stored.length {
        return Err(r.fault(BlockFault::Read {
            expected: stored.length,
            read: block.len(),
        }));
    }
    let valid = r.bitmap(rows)?;
    let values = match stored.storage {
        Storage::Int => Values::Int(r.values(rows, i64::from_le_bytes)?),
        Storage::Float => Values::Float(r.values(rows, f64::from_le_bytes)?),
        Storage::Bool => Values::Bool(r.bitmap(rows)?),
        Storage::Codes => {
            let codes = r.values(rows, u32::from_le_bytes)?;
            let count = r.u32()? as usize;
            // Each level takes at least its 4-byte length, so a damaged count
            // cannot make this reserve more than the block could hold.
            let mut levels = Vec::with_capacity(count.min(r.bytes.len() / 4));
            for _ in 0..count {
                let len = r.u32()? as usize;
                levels.push(r.string(len)?);
            }
            Values::Codes { codes, levels }
        }
        Storage::Strings => {
            let count = rows.checked_add(1).ok_or_else(|| r.short())?;
            let offsets = r
                .values(count, u64::from_le_bytes)?
                .into_iter()
                .map(usize::try_from)
                .collect::<Result<Vec<usize>, _>>()
                .map_err(|_| r.fault(BlockFault::Offsets))?;
            let len = offsets.last().copied().unwrap_or(0);
            let text = r.string(len)?;
            Values::Strings(
                Strings::from_parts(offsets, text).ok_or_else(|| r.fault(BlockFault::Offsets))?,
            )
        }
    };
    if !r.bytes.is_empty() {
        return Err(r.fault(BlockFault::Extra(r.bytes.len())));
    }
    let mut column =
        Column::new(stored.name.clone(), stored.kind, values, valid).map_err(Damage::Column)?;
    column.role = stored.role;
    if column.missing() != stored.missing || column.levels().map(<[String]>::len) != stored.levels {
        return Err(r.fault(BlockFault::Mismatch));
    }
    Ok(match &stored.words {
        Some(words) => column.with_words(words.clone()),
        None => column,
    })
}

/// Decodes a whole file, as [`encode`] (or the header and blocks in turn) wrote it,
/// into the frame and the meta's JSON text saved with it.
pub fn decode(bytes: &[u8]) -> Result<(Frame, Box<RawValue>), StoreError> {
    let file = bytes.len() as u64;
    let header = decode_header(bytes, file)?;
    let expected = header.file_len();
    if file != expected {
        return Err(Damage::Size { file, expected }.into());
    }
    let columns = header
        .columns
        .iter()
        .map(|c| decode_column(c, header.rows, block(bytes, c)))
        .collect::<Result<Vec<_>, _>>()?;
    let frame = Frame::new(header.rows, columns).ok_or(Damage::Lengths)?;
    Ok((frame, header.meta))
}

/// A column's block within the whole file, or what of it the file holds (which
/// [`decode_column`] refuses as cut short).
fn block<'a>(file: &'a [u8], column: &StoredColumn) -> &'a [u8] {
    let start = usize::try_from(column.offset).unwrap_or(usize::MAX);
    let rest = file.get(start..).unwrap_or(&[]);
    let len = usize::try_from(column.length).unwrap_or(usize::MAX);
    rest.get(..len).unwrap_or(rest)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn bits(values: &[bool]) -> Bitmap {
        let mut b = Bitmap::default();
        for &v in values {
            b.push(v).expect("memory");
        }
        b
    }

    fn column(name: &str, kind: ColumnType, values: Values, valid: &[bool]) -> Column {
        Column::new(name.to_owned(), kind, values, bits(valid)).expect("a valid column")
    }

    /// A frame with every type and storage, missing values, and `rows` rows.
    fn every_kind(rows: usize) -> Frame {
        let valid: Vec<bool> = (0..rows).map(|i| i % 3 != 1).collect();
        let all = vec![true; rows];
        let ints: Vec<i64> = (0..rows as i64)
            .map(|i| if i % 3 == 1 { 0 } else { i * 1_000_003 - 7 })
            .collect();
        let texts = ["", "plain", "café", "🦀 crab", "a,b\"c\n"];
        let strings: Strings = (0..rows).map(|i| texts[i % texts.len()]).collect();
        let levels: Vec<String> = ["red", "green", "blé", ""].map(String::from).to_vec();
        let codes: Vec<u32> = (0..rows as u32)
            .map(|i| if i % 3 == 1 { 0 } else { i % 4 })
            .collect();
        let mut flags = bits(&(0..rows).map(|i| i % 5 == 0).collect::<Vec<_>>());
        flags.set(1, false);
        let mut columns = vec![
            column(
                "int",
                ColumnType::Integer,
                Values::Int(ints.clone()),
                &valid,
            ),
            Column::floats(
                "float",
                (0..rows).map(|i| (i % 4 != 2).then_some(i as f64 * 0.1 - 1e300 * (i % 2) as f64)),
            ),
            column("bool", ColumnType::Boolean, Values::Bool(flags), &valid),
            column("date", ColumnType::Date, Values::Int(ints.clone()), &valid),
            column(
                "when",
                ColumnType::Datetime,
                Values::Int(ints.clone()),
                &all,
            ),
            Column::categories(
                "cat",
                (0..rows).map(|i| (i % 7 != 3).then_some(["x", "y", "zé"][i % 3])),
            ),
            column(
                "free",
                ColumnType::Text,
                Values::Strings(strings.clone()),
                &valid,
            ),
            column(
                "coded text",
                ColumnType::Text,
                Values::Codes {
                    codes: codes.clone(),
                    levels: levels.clone(),
                },
                &valid,
            ),
            column("id int", ColumnType::Id, Values::Int(ints), &all),
            column(
                "id codes",
                ColumnType::Id,
                Values::Codes { codes, levels },
                &all,
            ),
            column("id text", ColumnType::Id, Values::Strings(strings), &all),
            column(
                "all missing",
                ColumnType::Categorical,
                Values::Codes {
                    codes: vec![0; rows],
                    levels: vec![],
                },
                &vec![false; rows],
            ),
        ];
        columns[1].role = Role::Target;
        columns[3].role = Role::Ignore;
        Frame::new(rows, columns).expect("equal lengths")
    }

    fn meta() -> serde_json::Value {
        json!({"dialect": {"delimiter": ";"}, "problems": [{"row": 3, "what": "ragged"}], "source": "ü.csv"})
    }

    /// The meta read back, as a value to compare.
    fn value(meta: &RawValue) -> serde_json::Value {
        serde_json::from_str(meta.get()).expect("the meta is JSON")
    }

    /// Compares frames through `Debug`, which shows NaN (missing floats) as equal.
    fn assert_same(a: &Frame, b: &Frame) {
        assert_eq!(format!("{a:?}"), format!("{b:?}"));
    }

    #[test]
    fn round_trips_every_kind_with_missing_values() {
        for rows in [0, 1, 5, 63, 64, 65, 130] {
            let frame = every_kind(rows);
            let bytes = encode(&frame, &meta());
            let (back, meta_back) = decode(&bytes).expect("decodes");
            assert_same(&back, &frame);
            assert_eq!(value(&meta_back), meta());
            assert_eq!(back.summaries(), frame.summaries());
            assert_eq!(encode(&back, &meta()), bytes, "re-encoding is identical");
            assert_eq!(back.column("float").map(|c| c.role), Some(Role::Target));
            assert_eq!(back.column("date").map(|c| c.role), Some(Role::Ignore));
            assert_eq!(back.column("id text").map(|c| c.role), Some(Role::Id));
        }
    }

    #[test]
    fn round_trips_frames_without_columns() {
        for rows in [0, 10] {
            let frame = Frame::new(rows, vec![]).expect("no columns");
            let bytes = encode(&frame, &serde_json::Value::Null);
            let (back, meta) = decode(&bytes).expect("decodes");
            assert_eq!(back, frame);
            assert_eq!(value(&meta), serde_json::Value::Null);
        }
    }

    #[test]
    fn header_and_columns_read_one_at_a_time() {
        let frame = every_kind(70);
        let bytes = encode(&frame, &meta());
        let file = bytes.len() as u64;
        let h = header_len(&bytes[..PREFIX], file).expect("prefix");
        let header = decode_header(&bytes[..PREFIX + h], file).expect("header alone");
        assert_eq!(header.rows, 70);
        assert_eq!(value(&header.meta), meta());
        assert_eq!(header.summaries(), frame.summaries());
        assert_eq!(header.file_len(), bytes.len() as u64);
        assert_eq!(
            encode_header(&frame, &meta()).len() as u64,
            header.data_start
        );
        let mut written = encode_header(&frame, &meta());
        for (stored, original) in header.columns.iter().zip(frame.columns()) {
            assert_eq!(
                stored.offset,
                written.len() as u64,
                "blocks follow each other"
            );
            assert!(stored.offset.is_multiple_of(8));
            let range = stored.offset as usize..(stored.offset + stored.length) as usize;
            let column = decode_column(stored, header.rows, &bytes[range]).expect("column");
            assert_eq!(format!("{column:?}"), format!("{original:?}"));
            written.extend_from_slice(&encode_column(original));
        }
        assert_eq!(written, bytes, "streaming writes the same file");
        let json: serde_json::Value =
            serde_json::from_slice(&bytes[PREFIX..PREFIX + h]).expect("JSON");
        assert_eq!(json["columns"][0]["storage"], "int");
        assert_eq!(json["columns"][1]["type"], "float");
        assert_eq!(json["columns"][1]["role"], "target");
    }

    #[test]
    fn every_truncation_is_an_error() {
        let bytes = encode(&every_kind(5), &meta());
        for len in 0..bytes.len() {
            assert!(decode(&bytes[..len]).is_err(), "cut at {len}");
        }
        assert!(matches!(
            decode(b"PK\x03\x04 not ours at all"),
            Err(StoreError::NotDataset)
        ));
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(decode(&longer).is_err());
    }

    /// A small xorshift generator, so the test needs no dependency.
    fn next(state: &mut u64) -> u64 {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        *state
    }

    fn decode_by_parts(bytes: &[u8]) {
        if let Ok(header) = decode_header(bytes, bytes.len() as u64) {
            for c in &header.columns {
                let _ = decode_column(c, header.rows, block(bytes, c));
            }
        }
    }

    #[test]
    fn damaged_bytes_never_panic() {
        let original = encode(&every_kind(5), &meta());
        // Every byte set to a few troublesome values.
        for i in 0..original.len() {
            for value in [0x00, 0xFF, 0x7F, 0x80, b'9', b'"', original[i] ^ 1] {
                let mut bytes = original.clone();
                bytes[i] = value;
                let _ = decode(&bytes);
                decode_by_parts(&bytes);
            }
        }
        // And random flips of several bytes at once.
        let mut state = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..5_000 {
            let mut bytes = original.clone();
            for _ in 0..1 + next(&mut state) % 4 {
                let i = (next(&mut state) % bytes.len() as u64) as usize;
                bytes[i] ^= 1 << (next(&mut state) % 8);
            }
            let _ = decode(&bytes);
            decode_by_parts(&bytes);
        }
    }

    #[test]
    fn damaged_values_are_reported() {
        let frame = every_kind(5);
        let bytes = encode(&frame, &meta());
        let header = decode_header(&bytes, bytes.len() as u64).expect("header");
        let find = |name: &str| {
            header
                .columns
                .iter()
                .find(|c| c.name == name)
                .expect("column")
        };
        // A code past the levels.
        let cat = find("cat");
        let mut bad = bytes.clone();
        bad[cat.offset as usize + 8] = 200;
        assert!(matches!(decode(&bad), Err(StoreError::Damaged(_))));
        // Text that is not UTF-8.
        let free = find("free");
        let mut bad = bytes.clone();
        bad[(free.offset + free.length) as usize - 1] = 0xFF;
        assert!(matches!(decode(&bad), Err(StoreError::Damaged(_))));
        // A huge row count fails on lengths, without trying to allocate it.
        let int = find("int");
        let stored = int.clone();
        let block = &bytes[int.offset as usize..(int.offset + int.length) as usize];
        assert!(decode_column(&stored, usize::MAX, block).is_err());
        assert!(decode_column(&stored, 1 << 40, block).is_err());
    }

    #[test]
    fn newer_formats_ask_for_a_reload() {
        let mut bytes = encode(&every_kind(3), &meta());
        bytes[8..12].copy_from_slice(&2u32.to_le_bytes());
        let error = decode(&bytes).expect_err("newer");
        assert_eq!(error, StoreError::Newer(2));
        assert_eq!(
            error.to_string(),
            "this saved dataset was written by a newer Studio (format 2); reload the page"
        );
        assert_eq!(
            header_len(&bytes[..PREFIX], 1 << 20),
            Err(StoreError::Newer(2))
        );
        assert!(matches!(
            header_len(&bytes[..7], 7),
            Err(StoreError::Damaged(_))
        ));
        assert!(
            decode(&bytes[..0])
                .expect_err("empty")
                .to_string()
                .starts_with("the saved dataset is damaged: ")
        );
    }

    /// How far [`edited`] moves the blocks, so that a longer header fits before them.
    const SHIFT: u64 = 1024;

    /// `bytes` with its JSON header changed by `edit`, after every column's offset
    /// has been moved [`SHIFT`] bytes later, where the blocks are then written.
    fn edited(bytes: &[u8], edit: impl FnOnce(&mut serde_json::Value)) -> Vec<u8> {
        let file = bytes.len() as u64;
        let h = header_len(bytes, file).expect("a good file");
        let start = decode_header(bytes, file).expect("a good file").data_start;
        let mut json: serde_json::Value =
            serde_json::from_slice(&bytes[PREFIX..PREFIX + h]).expect("JSON");
        for c in json["columns"].as_array_mut().expect("columns") {
            c["offset"] = json!(c["offset"].as_u64().expect("offset") + SHIFT);
        }
        edit(&mut json);
        let text = serde_json::to_vec(&json).expect("JSON");
        let blocks = (start + SHIFT) as usize;
        assert!(
            PREFIX + text.len() <= blocks,
            "the edit fits before the blocks"
        );
        let mut out = bytes[..12].to_vec();
        out.extend_from_slice(&(text.len() as u32).to_le_bytes());
        out.extend_from_slice(&text);
        out.resize(blocks, 0);
        out.extend_from_slice(&bytes[start as usize..]);
        out
    }

    /// The message `bytes` are refused with, read as a file of `file` bytes.
    fn refusal(bytes: &[u8], file: u64) -> String {
        match decode_header(bytes, file) {
            Ok(header) => panic!("accepted {} rows", header.rows),
            Err(e) => e.to_string(),
        }
    }

    fn check(bytes: &[u8], expected: &str) {
        let message = refusal(bytes, bytes.len() as u64);
        assert_eq!(
            message,
            format!("the saved dataset is damaged: {expected}; delete it and open the CSV again")
        );
        assert!(decode(bytes).is_err(), "{expected}");
    }

    #[test]
    fn an_edited_header_that_changes_nothing_still_round_trips() {
        let frame = every_kind(5);
        let bytes = edited(&encode(&frame, &meta()), |_| ());
        let (back, meta_back) = decode(&bytes).expect("decodes");
        assert_same(&back, &frame);
        assert_eq!(value(&meta_back), meta());
    }

    #[test]
    fn the_header_is_refused_before_its_lengths_are_trusted() {
        let bytes = encode(&every_kind(5), &meta());
        let file = bytes.len() as u64;
        let h = header_len(&bytes, file).expect("good");
        // A header length past the end, read from the prefix alone.
        let mut long = bytes.clone();
        long[12..16].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(
            header_len(&long[..PREFIX], file)
                .expect_err("past the end")
                .to_string(),
            format!(
                "the saved dataset is damaged: its header claims 4.29 GB but the file holds {}; \
                 delete it and open the CSV again",
                size(&file)
            )
        );
        // A file cut inside its header: the prefix is fine, the size is not.
        let cut = (PREFIX + h / 2) as u64;
        assert_eq!(
            header_len(&bytes[..PREFIX], cut),
            Err(Damage::HeaderPastEnd {
                header: (PREFIX + h) as u64,
                file: cut
            }
            .into())
        );
        // A file cut anywhere before its last block ends.
        let last = decode_header(&bytes, file)
            .expect("good")
            .columns
            .last()
            .map(|c| c.range().end);
        for len in 0..last.expect("columns") as usize {
            assert!(
                decode_header(&bytes[..len], len as u64).is_err(),
                "cut at {len}"
            );
        }
        // A header that lies about the file: longer than the bytes handed in.
        assert!(matches!(
            decode_header(&bytes[..PREFIX + h - 1], file),
            Err(StoreError::Damaged(Damage::HeaderPastEnd { .. }))
        ));
    }

    #[test]
    fn columns_must_lie_within_the_file_after_the_header_without_overlaps() {
        let bytes = encode(&every_kind(5), &meta());
        let moved = edited(&bytes, |_| ());
        let file = moved.len() as u64;
        let good = decode_header(&moved, file).expect("good");
        let at = |i: usize| good.columns[i].offset;
        let with = |i: usize, key: &str, value: serde_json::Value| {
            edited(&bytes, |json| json["columns"][i][key] = value)
        };
        check(
            &with(0, "length", json!(4_000_000_000u64)),
            &format!(
                "column \"int\" claims 4.00 GB from byte {}, but the file holds {}",
                at(0),
                size(&file)
            ),
        );
        check(
            &with(0, "length", json!(u64::MAX)),
            &format!(
                "column \"int\" claims 18446744073.71 GB from byte {}, but the file holds {}",
                at(0),
                size(&file)
            ),
        );
        check(
            &with(11, "offset", json!(file)),
            &format!(
                "column \"all missing\" claims {} bytes from byte {file}, but the file holds {}",
                good.columns[11].length,
                size(&file)
            ),
        );
        check(
            &with(1, "offset", json!(at(0))),
            &format!(
                "column \"float\" starts at byte {}, inside the header or the column before it (which end at byte {})",
                at(0),
                at(1)
            ),
        );
        check(
            &with(0, "offset", json!(PREFIX)),
            &format!(
                "column \"int\" starts at byte {PREFIX}, inside the header or the column before it (which end at byte {})",
                good.data_start
            ),
        );
        check(
            &with(2, "offset", json!(at(2) + 4)),
            &format!(
                "column \"bool\" starts at byte {}, not at a multiple of 8",
                at(2) + 4
            ),
        );
    }

    #[test]
    fn each_column_is_as_long_as_its_storage_and_rows_make_it() {
        let bytes = encode(&every_kind(5), &meta());
        let with = |i: usize, length: u64| {
            edited(&bytes, |json| json["columns"][i]["length"] = json!(length))
        };
        // 5 rows: one validity word, then 5 values of 8 bytes, or one more word.
        check(
            &with(0, 56),
            "column \"int\" claims 56 bytes, but 5 rows stored as int take 48",
        );
        check(
            &with(2, 8),
            "column \"bool\" claims 8 bytes, but 5 rows stored as bool take 16",
        );
        // Levels and text follow the fixed part, so that is only a floor.
        check(
            &with(5, 20),
            "column \"cat\" claims 20 bytes, but 5 rows stored as codes take at least 32",
        );
        check(
            &with(6, 8),
            "column \"free\" claims 8 bytes, but 5 rows stored as strings take at least 56",
        );
    }

    #[test]
    fn row_counts_are_bounded_by_what_the_file_can_hold() {
        let bytes = encode(&every_kind(5), &meta());
        let rows = |n: serde_json::Value| edited(&bytes, |json| json["rows"] = n);
        let huge = rows(json!(1u64 << 40));
        let file = huge.len() as u64;
        check(
            &huge,
            &format!(
                "it claims 1099511627776 rows, but a file of {} holds at most {}",
                size(&file),
                4 * file
            ),
        );
        // Within the bound, the columns' lengths say it is wrong.
        check(
            &rows(json!(6)),
            "column \"int\" claims 48 bytes, but 6 rows stored as int take 56",
        );
        // A frame without columns has nothing to check its rows against but the file.
        let empty = encode(&Frame::new(3, vec![]).expect("no columns"), &meta());
        let mut lying = edited(&empty, |json| json["rows"] = json!(u64::MAX));
        assert!(matches!(
            decode_header(&lying, lying.len() as u64),
            Err(StoreError::Damaged(Damage::Rows { .. }))
        ));
        let most = 4 * (empty.len() as u64 + SHIFT);
        lying = edited(&empty, |json| json["rows"] = json!(most));
        let header =
            decode_header(&lying, lying.len() as u64).expect("as many as the bound allows");
        assert_eq!(header.rows as u64, most);
    }

    #[test]
    fn errors_name_the_dataset_and_say_what_to_do() {
        let error = StoreError::from(Damage::PastEnd {
            column: "age".to_owned(),
            offset: 4096,
            length: 4_000_000_000,
            file: 12_300_000,
        });
        assert_eq!(
            error.about("people.csv"),
            "the saved dataset people.csv is damaged: column \"age\" claims 4.00 GB from byte 4096, \
             but the file holds 12.3 MB; delete it and open the CSV again"
        );
        assert_eq!(
            StoreError::NotDataset.about("people.csv"),
            "the saved dataset people.csv is not a Studio dataset file; delete it and open the CSV again"
        );
        assert_eq!(
            StoreError::Newer(3).about("people.csv"),
            StoreError::Newer(3).to_string()
        );
        for (bytes, shown) in [
            (0, "0 bytes"),
            (999, "999 bytes"),
            (1_234, "1.2 kB"),
            (5_000_000_000, "5.00 GB"),
        ] {
            assert_eq!(size(&bytes), shown);
        }
    }

    #[test]
    fn a_header_costs_no_more_memory_than_a_few_times_its_bytes() {
        // 30,000 small numbers in the meta: as a `Value` they took 25 times the file.
        let bytes = encode(&every_kind(5), &json!(vec![0; 30_000]));
        let file = bytes.len() as u64;
        let mut header = None;
        let held = allocation_counter::measure(|| header = Some(decode_header(&bytes, file)));
        let header = header.expect("measured").expect("a good header");
        assert_eq!(value(&header.meta), json!(vec![0; 30_000]));
        assert!(
            held.bytes_max < 2 * file,
            "{} bytes held to read a {file}-byte header",
            held.bytes_max
        );
    }
}

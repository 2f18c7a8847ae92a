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
//! [`StoreError`], never a panic or a wrong frame of the right shape.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::{Bitmap, Column, ColumnSummary, ColumnType, Frame, Role, Strings, Values};

/// The first eight bytes of every saved frame.
pub const MAGIC: [u8; 8] = *b"STUDIOFR";
/// The format this code writes, and the newest it reads.
pub const VERSION: u32 = 1;
/// The bytes before the JSON header: magic, version and header length. Read these
/// first, then [`header_len`] says how many more the header needs.
pub const PREFIX: usize = 16;

/// Blocks start at multiples of this many bytes.
const ALIGN: u64 = 8;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum StoreError {
    #[error("this file is not a saved Studio dataset")]
    NotDataset,
    #[error("this saved dataset was written by a newer Studio (format {0}); reload the page")]
    Newer(u32),
    #[error("the saved dataset is damaged: {0}")]
    Damaged(String),
}

fn damaged(what: impl Into<String>) -> StoreError {
    StoreError::Damaged(what.into())
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
}

impl StoredColumn {
    /// The byte range of the block within the file.
    pub fn range(&self) -> std::ops::Range<u64> {
        self.offset..self.offset.saturating_add(self.length)
    }
}

/// The decoded JSON header.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Header {
    pub rows: usize,
    pub columns: Vec<StoredColumn>,
    #[serde(default)]
    pub meta: serde_json::Value,
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

/// The size of a column's block before padding. In-memory sizes cannot overflow a u64.
fn block_length(column: &Column) -> u64 {
    let n = column.len() as u64;
    let validity = 8 * n.div_ceil(64);
    validity
        + match column.values() {
            Values::Int(_) | Values::Float(_) => 8 * n,
            Values::Bool(_) => 8 * n.div_ceil(64),
            Values::Codes { levels, .. } => {
                4 * n + 4 + levels.iter().map(|l| 4 + l.len() as u64).sum::<u64>()
            }
            Values::Strings(s) => 8 * (n + 1) + s.bytes().len() as u64,
        }
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

/// The JSON header's length, from the file's first [`PREFIX`] bytes (or more).
/// Checks the magic and the version.
pub fn header_len(prefix: &[u8]) -> Result<usize, StoreError> {
    let Some(prefix) = prefix.get(..PREFIX) else {
        return Err(if MAGIC.starts_with(prefix) {
            damaged(format!(
                "it ends after {} bytes, inside its header",
                prefix.len()
            ))
        } else {
            StoreError::NotDataset
        });
    };
    if prefix[..8] != MAGIC {
        return Err(StoreError::NotDataset);
    }
    let version = u32::from_le_bytes([prefix[8], prefix[9], prefix[10], prefix[11]]);
    if version > VERSION {
        return Err(StoreError::Newer(version));
    }
    if version == 0 {
        return Err(damaged("its format version is 0"));
    }
    let length = u32::from_le_bytes([prefix[12], prefix[13], prefix[14], prefix[15]]);
    usize::try_from(length).map_err(|_| damaged("its header is too long for this device"))
}

/// Decodes the header from the file's first `PREFIX + header_len` bytes (or more),
/// and returns it with the number of bytes it took (`PREFIX + header_len`). Checks
/// that every column's block lies after the header, aligned, without overlaps.
pub fn decode_header(bytes: &[u8]) -> Result<(Header, usize), StoreError> {
    let length = header_len(bytes)?;
    let end = PREFIX
        .checked_add(length)
        .ok_or_else(|| damaged("its header length is impossible"))?;
    let json = bytes.get(PREFIX..end).ok_or_else(|| {
        damaged(format!(
            "it ends after {} bytes, inside its {end}-byte header",
            bytes.len()
        ))
    })?;
    let mut header: Header = serde_json::from_slice(json)
        .map_err(|e| damaged(format!("its header cannot be read ({e})")))?;
    header.data_start =
        pad(end as u64).ok_or_else(|| damaged("its header length is impossible"))?;
    let mut next = header.data_start;
    for column in &header.columns {
        if column.offset < next || !column.offset.is_multiple_of(ALIGN) {
            return Err(damaged(format!(
                "column \"{}\" is placed at byte {}, where it cannot be",
                column.name, column.offset
            )));
        }
        next = column
            .offset
            .checked_add(column.length)
            .and_then(pad)
            .ok_or_else(|| damaged(format!("column \"{}\" is impossibly long", column.name)))?;
    }
    Ok((header, end))
}

/// Reads a column block front to back, every read checked against its end.
struct Reader<'a> {
    bytes: &'a [u8],
    name: &'a str,
}

impl<'a> Reader<'a> {
    fn short(&self) -> StoreError {
        damaged(format!("column \"{}\" is cut short", self.name))
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
        String::from_utf8(bytes.to_vec()).map_err(|_| {
            damaged(format!(
                "column \"{}\" holds text that is not UTF-8",
                self.name
            ))
        })
    }
}

/// The bytes of a slice whose length is known to be `W`.
#[inline]
fn array<const W: usize>(bytes: &[u8]) -> [u8; W] {
    bytes.try_into().unwrap_or([0; W])
}

/// Decodes one column from its block (`stored.range()` of the file, without the
/// padding after it) and the frame's row count from the header.
pub fn decode_column(
    stored: &StoredColumn,
    rows: usize,
    block: &[u8],
) -> Result<Column, StoreError> {
    let name = stored.name.as_str();
    if block.len() as u64 != stored.length {
        return Err(damaged(format!(
            "column \"{name}\" should take {} bytes but {} were read",
            stored.length,
            block.len()
        )));
    }
    let mut r = Reader { bytes: block, name };
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
                .map_err(|_| r.short())?;
            let len = offsets.last().copied().unwrap_or(0);
            let text = r.string(len)?;
            Values::Strings(Strings::from_parts(offsets, text).ok_or_else(|| {
                damaged(format!(
                    "column \"{name}\" has text offsets that do not fit"
                ))
            })?)
        }
    };
    if !r.bytes.is_empty() {
        return Err(damaged(format!(
            "column \"{name}\" has {} bytes too many",
            r.bytes.len()
        )));
    }
    let mut column = Column::new(stored.name.clone(), stored.kind, values, valid)
        .map_err(|e| damaged(e.to_string()))?;
    column.role = stored.role;
    if column.missing() != stored.missing || column.levels().map(<[String]>::len) != stored.levels {
        return Err(damaged(format!(
            "column \"{name}\" does not match its description in the header"
        )));
    }
    Ok(column)
}

/// Decodes a whole file, as [`encode`] (or the header and blocks in turn) wrote it,
/// into the frame and the meta saved with it.
pub fn decode(bytes: &[u8]) -> Result<(Frame, serde_json::Value), StoreError> {
    let (header, _) = decode_header(bytes)?;
    let expected = header.file_len();
    let actual = bytes.len() as u64;
    if actual < expected {
        return Err(damaged(format!(
            "it ends after {actual} of its {expected} bytes"
        )));
    }
    if actual > expected {
        return Err(damaged(format!(
            "it has {actual} bytes where {expected} were expected"
        )));
    }
    let columns = header
        .columns
        .iter()
        .map(|c| {
            let block = usize::try_from(c.offset)
                .ok()
                .zip(usize::try_from(c.length).ok())
                .and_then(|(start, len)| bytes.get(start..start.checked_add(len)?))
                .ok_or_else(|| damaged(format!("column \"{}\" lies past its end", c.name)))?;
            decode_column(c, header.rows, block)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let frame = Frame::new(header.rows, columns)
        .ok_or_else(|| damaged("its columns have different lengths"))?;
    Ok((frame, header.meta))
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
            assert_eq!(meta_back, meta());
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
            assert_eq!(meta, serde_json::Value::Null);
        }
    }

    #[test]
    fn header_and_columns_read_one_at_a_time() {
        let frame = every_kind(70);
        let bytes = encode(&frame, &meta());
        let h = header_len(&bytes[..PREFIX]).expect("prefix");
        let (header, used) = decode_header(&bytes[..PREFIX + h]).expect("header alone");
        assert_eq!(used, PREFIX + h);
        assert_eq!(header.rows, 70);
        assert_eq!(header.meta, meta());
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
        if let Ok((header, _)) = decode_header(bytes) {
            for c in &header.columns {
                let block = bytes.get(c.offset as usize..).unwrap_or(&[]);
                let block = block.get(..c.length as usize).unwrap_or(block);
                let _ = decode_column(c, header.rows, block);
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
        let (header, _) = decode_header(&bytes).expect("header");
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
        assert_eq!(header_len(&bytes[..PREFIX]), Err(StoreError::Newer(2)));
        assert!(matches!(
            header_len(&bytes[..7]),
            Err(StoreError::Damaged(_))
        ));
        assert!(
            decode(&bytes[..0])
                .expect_err("empty")
                .to_string()
                .starts_with("the saved dataset is damaged: ")
        );
    }
}

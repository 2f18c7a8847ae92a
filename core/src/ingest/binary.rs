//! Telling a file that is not text (a workbook, an archive, an image) from a CSV
//! before it is read as one, and what it is where its first bytes say.

use memchr::memmem;

/// What a file that is not text looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// An Excel workbook (`.xlsx`, a zip with `xl/` inside).
    Xlsx,
    /// An OpenDocument spreadsheet (`.ods`).
    Ods,
    /// Any other zip archive.
    Zip,
    /// An OLE compound file: a legacy Excel workbook (`.xls`) or another Office file.
    Xls,
    Pdf,
    Parquet,
    Png,
    Jpeg,
    Gif,
    Webp,
    Gzip,
    /// Binary data of no kind Studio knows.
    Binary,
}

/// One control character in this many bytes of text is more than any CSV holds.
const CONTROL_SHARE: usize = 10;

/// What `sample`, the start of a file, is when it is not text; `None` for text.
/// Not for UTF-16, whose ASCII leaves every other byte NUL.
pub fn detect(sample: &[u8]) -> Option<FileKind> {
    let binary = looks_binary(sample);
    match signature(sample) {
        // `PAR1` could begin a header row; a Parquet file soon holds binary data.
        Some(FileKind::Parquet) if !binary => None,
        Some(kind) => Some(kind),
        None => binary.then_some(FileKind::Binary),
    }
}

/// A NUL byte (which, like git, we take to mean binary) or many control
/// characters other than tab, line feed, form feed and carriage return.
fn looks_binary(sample: &[u8]) -> bool {
    if memchr::memchr(0, sample).is_some() {
        return true;
    }
    let controls = sample
        .iter()
        .filter(|&&b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\x0c' | b'\r')) || b == 0x7f)
        .count();
    controls * CONTROL_SHARE > sample.len()
}

/// The format the file's magic bytes name.
fn signature(sample: &[u8]) -> Option<FileKind> {
    const MAGIC: [(&[u8], FileKind); 9] = [
        (b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", FileKind::Xls),
        (b"%PDF-", FileKind::Pdf),
        (b"PAR1", FileKind::Parquet),
        (b"\x89PNG\r\n\x1A\n", FileKind::Png),
        (b"\xFF\xD8\xFF", FileKind::Jpeg),
        (b"GIF87a", FileKind::Gif),
        (b"GIF89a", FileKind::Gif),
        (b"\x1F\x8B", FileKind::Gzip),
        (b"PK\x03\x04", FileKind::Zip),
    ];
    let webp = sample.len() >= 12 && sample.starts_with(b"RIFF") && &sample[8..12] == b"WEBP";
    if webp {
        return Some(FileKind::Webp);
    }
    match MAGIC.iter().find(|(magic, _)| sample.starts_with(magic))?.1 {
        FileKind::Zip => Some(zip_kind(sample)),
        kind => Some(kind),
    }
}

/// Which kind of zip: workbooks are zips whose first entries name them.
fn zip_kind(sample: &[u8]) -> FileKind {
    let has = |needle: &[u8]| memmem::find(sample, needle).is_some();
    if has(b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet") {
        FileKind::Ods
    } else if has(b"[Content_Types].xml") && has(b"xl/") {
        FileKind::Xlsx
    } else {
        FileKind::Zip
    }
}

/// What the file is and what to do instead, after its name.
pub(super) fn advice(kind: FileKind) -> &'static str {
    match kind {
        FileKind::Xlsx => {
            "is an Excel workbook, not a CSV file. Open it in Excel, save it as CSV \
             (File → Save As → CSV UTF-8) and open that"
        }
        FileKind::Xls => {
            "looks like an Excel 97-2003 workbook (.xls), not a CSV file. Open it in Excel, \
             save it as CSV (File → Save As → CSV UTF-8) and open that"
        }
        FileKind::Ods => {
            "is an OpenDocument spreadsheet, not a CSV file. Open it in LibreOffice Calc, \
             save it as CSV (File → Save As → Text CSV) and open that"
        }
        FileKind::Zip => {
            "is a zip archive, not a CSV file. Extract the CSV file inside it and open that"
        }
        FileKind::Gzip => {
            "is compressed with gzip. Decompress it (for example with `gunzip`) and open the \
             CSV file inside"
        }
        FileKind::Pdf => {
            "is a PDF document, not a CSV file. Export the table as CSV from where the data \
             came from, and open that"
        }
        FileKind::Parquet => {
            "is a Parquet file, not a CSV file. Convert it to CSV (for example with pandas or \
             DuckDB) and open that"
        }
        FileKind::Png => {
            "is a PNG image, not a CSV file. Choose a CSV file: text with one row per line"
        }
        FileKind::Jpeg => {
            "is a JPEG image, not a CSV file. Choose a CSV file: text with one row per line"
        }
        FileKind::Gif => {
            "is a GIF image, not a CSV file. Choose a CSV file: text with one row per line"
        }
        FileKind::Webp => {
            "is a WebP image, not a CSV file. Choose a CSV file: text with one row per line"
        }
        FileKind::Binary => {
            "holds binary data, not text, so it is not a CSV file. Choose a CSV file: text with \
             one row per line. If this is text in UTF-16, choose that encoding (Reading options, \
             or `--encoding`)"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_name_the_format_and_text_is_text() {
        let cases: [(&[u8], Option<FileKind>); 8] = [
            (b"a,b\n1,2\n", None),
            (b"PAR1,x\n1,2\n", None),
            (b"PAR1\0\x15", Some(FileKind::Parquet)),
            (
                b"PK\x03\x04....[Content_Types].xml....xl/styles.xml",
                Some(FileKind::Xlsx),
            ),
            (
                b"PK\x03\x04....[Content_Types].xml....word/document.xml",
                Some(FileKind::Zip),
            ),
            (b"RIFF\0\0\0\0WEBPVP8L", Some(FileKind::Webp)),
            (b"a,b\n1,\x002\n", Some(FileKind::Binary)),
            (b"a\x01b\x02c\x03d\x04e\x05f\x06", Some(FileKind::Binary)),
        ];
        for (sample, kind) in cases {
            assert_eq!(detect(sample), kind, "{}", String::from_utf8_lossy(sample));
        }
    }
}

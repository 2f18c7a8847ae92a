//! Which text encoding a file is in, from its byte-order mark or its bytes.

use serde::{Deserialize, Serialize};

/// The encodings Studio reads. Latin-1 files are read as Windows-1252, its superset
/// (as browsers do).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Encoding {
    #[serde(rename = "utf-8")]
    Utf8,
    #[serde(rename = "utf-16le")]
    Utf16Le,
    #[serde(rename = "utf-16be")]
    Utf16Be,
    #[serde(rename = "windows-1252")]
    Windows1252,
}

impl Encoding {
    pub const ALL: [Encoding; 4] = [
        Encoding::Utf8,
        Encoding::Utf16Le,
        Encoding::Utf16Be,
        Encoding::Windows1252,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Utf16Le => "utf-16le",
            Encoding::Utf16Be => "utf-16be",
            Encoding::Windows1252 => "windows-1252",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.name() == name)
    }

    pub(super) fn decoder(self) -> Option<&'static encoding_rs::Encoding> {
        match self {
            Encoding::Utf8 => None,
            Encoding::Utf16Le => Some(encoding_rs::UTF_16LE),
            Encoding::Utf16Be => Some(encoding_rs::UTF_16BE),
            Encoding::Windows1252 => Some(encoding_rs::WINDOWS_1252),
        }
    }
}

/// The encoding and the length of its byte-order mark, from the first bytes.
pub fn detect(sample: &[u8]) -> (Encoding, usize) {
    if sample.starts_with(b"\xEF\xBB\xBF") {
        return (Encoding::Utf8, 3);
    }
    if sample.starts_with(b"\xFF\xFE") {
        return (Encoding::Utf16Le, 2);
    }
    if sample.starts_with(b"\xFE\xFF") {
        return (Encoding::Utf16Be, 2);
    }
    // UTF-16 without a mark: ASCII text leaves every other byte zero.
    let pairs = sample.len() / 2;
    if pairs >= 4 && memchr::memchr(0, sample).is_some() {
        let even_zeros = sample.iter().step_by(2).filter(|&&b| b == 0).count();
        let odd_zeros = sample
            .iter()
            .skip(1)
            .step_by(2)
            .filter(|&&b| b == 0)
            .count();
        if odd_zeros * 10 >= pairs * 9 && even_zeros == 0 {
            return (Encoding::Utf16Le, 0);
        }
        if even_zeros * 10 >= pairs * 9 && odd_zeros == 0 {
            return (Encoding::Utf16Be, 0);
        }
    }
    match std::str::from_utf8(sample) {
        Ok(_) => (Encoding::Utf8, 0),
        // A sequence cut off by the end of the sample is not an error.
        Err(e) if e.error_len().is_none() => (Encoding::Utf8, 0),
        Err(_) => (Encoding::Windows1252, 0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_bytes_and_fallback() {
        assert_eq!(detect(b"\xEF\xBB\xBFa,b"), (Encoding::Utf8, 3));
        assert_eq!(detect(b"\xFF\xFEa\0,\0"), (Encoding::Utf16Le, 2));
        assert_eq!(detect(b"a\0,\0b\0\n\0c\0"), (Encoding::Utf16Le, 0));
        assert_eq!(detect("café,1\n".as_bytes()), (Encoding::Utf8, 0));
        assert_eq!(detect(b"caf\xC3"), (Encoding::Utf8, 0));
        assert_eq!(detect(b"caf\xE9,1\n"), (Encoding::Windows1252, 0));
    }
}

//! Recognising missing-value markers quickly: most fields are not markers, and
//! most are told apart by their length alone.

use super::options::MISSING_MARKERS;

/// The markers in effect, grouped by length, compared ignoring ASCII case.
#[derive(Debug, Clone)]
pub struct Markers {
    by_len: Vec<Vec<Vec<u8>>>,
    /// Whether a marker holds a digit, so that a field that reads as a number
    /// may still be a marker (`-999`).
    numeric: bool,
}

impl Default for Markers {
    fn default() -> Self {
        Self::new(MISSING_MARKERS.iter().copied())
    }
}

impl Markers {
    pub fn new<'a>(markers: impl IntoIterator<Item = &'a str>) -> Self {
        let mut by_len: Vec<Vec<Vec<u8>>> = Vec::new();
        let mut numeric = false;
        for marker in markers {
            let marker = marker.trim().as_bytes();
            numeric |= marker.iter().any(u8::is_ascii_digit);
            if by_len.len() <= marker.len() {
                by_len.resize(marker.len() + 1, Vec::new());
            }
            by_len[marker.len()].push(marker.to_ascii_lowercase());
        }
        Self { by_len, numeric }
    }

    /// Whether some marker could also be read as a number. When none can, a field
    /// that reads as a number is not a marker, and numbers need no marker check.
    pub fn numeric(&self) -> bool {
        self.numeric
    }

    /// Whether the trimmed `field` is a marker.
    #[inline]
    pub fn is_missing(&self, field: &[u8]) -> bool {
        self.by_len
            .get(field.len())
            .is_some_and(|ms| ms.iter().any(|m| m.eq_ignore_ascii_case(field)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_and_custom_markers() {
        let m = Markers::default();
        for field in ["", "NA", "n/a", "NULL", "nan", "?", "-"] {
            assert!(m.is_missing(field.as_bytes()), "{field}");
        }
        assert!(!m.is_missing(b"0"));
        assert!(!m.is_missing(b"none"));
        let custom = Markers::new(["missing", "-999"]);
        assert!(custom.is_missing(b"MISSING") && custom.is_missing(b"-999"));
        assert!(!custom.is_missing(b""));
        assert!(custom.numeric() && !m.numeric());
    }
}

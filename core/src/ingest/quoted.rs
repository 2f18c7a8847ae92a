//! Which fields of a record were quoted. Fields are trimmed of the spaces people
//! type around delimiters, but spaces inside quotes are data (RFC 4180), and
//! csv-core unquotes fields without saying which were quoted. So, for the rare
//! record whose text has spaces at an edge, its bytes are read again here with
//! csv-core's rules (quote only at the start of a field, `""` for a quote inside
//! quotes, `\r`, `\n` or both ending a record).

/// Where a record read so far stands, as csv-core reads quotes: a quote opens a
/// quoted field only at the field's start, and after its closing quote the rest
/// of the field is read as written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum State {
    /// At the start of a field (or of a record, where line breaks are skipped).
    #[default]
    Start,
    Unquoted,
    Quoted,
    /// A quote inside a quoted field: the closing one or the first of `""`.
    QuoteInQuoted,
}

impl State {
    /// The state after `bytes`, read in a record of this dialect.
    pub fn after(self, mut bytes: &[u8], delimiter: u8, quote: u8) -> State {
        let mut state = self;
        while let Some((&b, rest)) = bytes.split_first() {
            state = state.next(b, delimiter, quote).0;
            // Inside a field only a quote, or the field's end, changes the state.
            let skip = match state {
                State::Quoted => memchr::memchr(quote, rest),
                State::Unquoted => memchr::memchr3(delimiter, b'\n', b'\r', rest),
                _ => Some(0),
            };
            bytes = &rest[skip.unwrap_or(rest.len())..];
        }
        state
    }

    /// Whether the record is inside a quoted field that has not been closed.
    pub fn in_quotes(self) -> bool {
        self == State::Quoted
    }

    /// The state after `b`, and whether `b` ended a field (a delimiter or a line
    /// break outside quotes).
    #[inline]
    fn next(self, b: u8, delimiter: u8, quote: u8) -> (State, bool) {
        match self {
            State::Quoted if b == quote => (State::QuoteInQuoted, false),
            State::Quoted => (State::Quoted, false),
            State::QuoteInQuoted if b == quote => (State::Quoted, false),
            State::Start if b == quote => (State::Quoted, false),
            _ if b == delimiter || matches!(b, b'\r' | b'\n') => (State::Start, true),
            _ => (State::Unquoted, false),
        }
    }
}

/// For each field of `raw`, one record as csv-core read it (after any line
/// breaks it skipped before the record), the number of bytes at the end of the
/// field's value that came after its closing quote; `None` for a field that was
/// not quoted. Replaces the contents of `out`.
pub fn fields(raw: &[u8], delimiter: u8, quote: u8, out: &mut Vec<Option<usize>>) {
    out.clear();
    let start = raw
        .iter()
        .position(|&b| !matches!(b, b'\r' | b'\n'))
        .unwrap_or(raw.len());
    let mut state = State::Start;
    let mut field: Option<usize> = None;
    for &b in &raw[start..] {
        let (next, ended) = state.next(b, delimiter, quote);
        if ended {
            out.push(field.take());
            if matches!(b, b'\r' | b'\n') {
                return;
            }
        } else if state == State::Start && next == State::Quoted {
            field = Some(0);
        } else if next == State::Unquoted
            && let Some(after) = &mut field
        {
            *after += 1;
        }
        state = next;
    }
    out.push(field);
}

/// `value` without the spaces at its ends, except those inside quotes: `after`
/// is what [`fields`] said of it.
pub fn trim(value: &[u8], after: Option<usize>) -> &[u8] {
    match after {
        None => value.trim_ascii(),
        Some(after) => {
            let spaces = value.len() - value.trim_ascii_end().len();
            &value[..value.len() - spaces.min(after)]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(raw: &str) -> Vec<Option<usize>> {
        let mut out = vec![Some(99)];
        fields(raw.as_bytes(), b',', b'"', &mut out);
        out
    }

    #[test]
    fn tells_quoted_fields_and_what_followed_their_quotes() {
        assert_eq!(of("a,b\n"), [None, None]);
        assert_eq!(of("\r\n\na, \" b \" ,\"c\"\r\n"), [None, None, Some(0)]);
        assert_eq!(of("\" x \"  ,\"\"\"y\"\"\",z"), [Some(2), Some(0), None]);
        assert_eq!(of("\"a\nb,c\r\"d e,"), [Some(3), None]);
        assert_eq!(of("x,"), [None, None]);
        assert_eq!(of("\"unclosed, \n"), [Some(0)]);
        assert_eq!(of("a \"b\" c,\"\""), [None, Some(0)]);
    }

    #[test]
    fn tells_a_quote_left_open() {
        let open = |bytes: &[u8]| State::Start.after(bytes, b',', b'"').in_quotes();
        assert!(open(b"a,\"b"));
        assert!(open(b"a,\"b\"\"\nc,"));
        assert!(open(b"\r\n\"x"));
        assert!(!open(b"a,\"b\""));
        assert!(
            !open(b"a,\"b\"x\"y"),
            "a quote after the closing one is data"
        );
        assert!(!open(b"a,b\"c"), "a quote inside an unquoted field is data");
        assert!(!open(b"\"a\"\n"));
        let halves = State::Start.after(b"1,\"a", b',', b'"');
        assert!(halves.after(b"\"\"b", b',', b'"').in_quotes());
        assert!(!halves.after(b"\",2", b',', b'"').in_quotes());
    }

    #[test]
    fn trims_only_outside_quotes() {
        assert_eq!(trim(b"  a b  ", None), b"a b");
        assert_eq!(trim(b" a \t", Some(0)), b" a \t");
        assert_eq!(trim(b" a   ", Some(2)), b" a ");
        assert_eq!(trim(b" a x  ", Some(4)), b" a x");
    }
}

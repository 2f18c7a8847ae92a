//! Which fields of a record were quoted. Fields are trimmed of the spaces people
//! type around delimiters, but spaces inside quotes are data (RFC 4180), and
//! csv-core unquotes fields without saying which were quoted. So, for the rare
//! record whose text has spaces at an edge, its bytes are read again here with
//! csv-core's rules (quote only at the start of a field, `""` for a quote inside
//! quotes, `\r`, `\n` or both ending a record).

/// For each field of `raw`, one record as csv-core read it (after any line
/// breaks it skipped before the record), the number of bytes at the end of the
/// field's value that came after its closing quote; `None` for a field that was
/// not quoted. Replaces the contents of `out`.
pub fn fields(raw: &[u8], delimiter: u8, quote: u8, out: &mut Vec<Option<usize>>) {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        Start,
        Unquoted,
        Quoted,
        /// A quote inside a quoted field: the closing one or the first of `""`.
        QuoteInQuoted,
    }
    out.clear();
    let start = raw
        .iter()
        .position(|&b| !matches!(b, b'\r' | b'\n'))
        .unwrap_or(raw.len());
    let mut state = State::Start;
    let mut field: Option<usize> = None;
    for &b in &raw[start..] {
        let ends_record = matches!(b, b'\r' | b'\n');
        match state {
            State::Quoted => {
                if b == quote {
                    state = State::QuoteInQuoted;
                }
                continue;
            }
            State::QuoteInQuoted if b == quote => {
                state = State::Quoted;
                continue;
            }
            State::Start if b == quote => {
                field = Some(0);
                state = State::Quoted;
                continue;
            }
            _ => {}
        }
        if b == delimiter || ends_record {
            out.push(field.take());
            if ends_record {
                return;
            }
            state = State::Start;
        } else {
            if let Some(after) = &mut field {
                *after += 1;
            }
            state = State::Unquoted;
        }
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
    fn trims_only_outside_quotes() {
        assert_eq!(trim(b"  a b  ", None), b"a b");
        assert_eq!(trim(b" a \t", Some(0)), b" a \t");
        assert_eq!(trim(b" a   ", Some(2)), b" a ");
        assert_eq!(trim(b" a x  ", Some(4)), b" a x");
    }
}

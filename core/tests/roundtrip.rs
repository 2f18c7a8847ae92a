//! A frame written as CSV and read back, with each column's type given, is the same
//! frame: every value, every missing value and every type, for text with commas,
//! quotes, line breaks, tabs, unicode and spaces at either end.

use proptest::prelude::*;
use studio_core::frame::{Bitmap, Column, ColumnType, Frame, Strings, Values, calendar, to_csv};
use studio_core::ingest::{self, LoadOptions, Loader};

const KINDS: [ColumnType; 7] = [
    ColumnType::Integer,
    ColumnType::Float,
    ColumnType::Boolean,
    ColumnType::Date,
    ColumnType::Datetime,
    ColumnType::Categorical,
    ColumnType::Text,
];

/// Characters that stress a CSV reader, and any character of text at all: not
/// NUL or the other control characters, which mark a file as binary (a NUL
/// byte, or one byte in ten), except tab, line feed, form feed and carriage return.
fn character() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => proptest::char::range('a', 'z'),
        1 => proptest::char::range('0', '9'),
        1 => Just(','),
        1 => Just('"'),
        1 => Just('\n'),
        1 => Just('\r'),
        1 => Just(' '),
        1 => Just('\t'),
        1 => Just(';'),
        1 => Just('\''),
        1 => Just('.'),
        1 => prop_oneof![Just('é'), Just('中'), Just('😀'), Just('\u{a0}'), Just('\u{feff}')],
        1 => any::<char>().prop_filter("a control character", |c| {
            !c.is_ascii_control() || matches!(c, '\t' | '\n' | '\x0c' | '\r')
        }),
    ]
}

/// Text that is not blank: blank text reads back as missing (the empty marker
/// matches a field after trimming). Some of it looks like numbers, dates or
/// booleans, which must not change how the other columns are read.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => proptest::collection::vec(character(), 1..12).prop_map(String::from_iter),
        1 => "[0-9]{1,3}(,[0-9]{3}){1,2}(\\.[0-9]{1,2})?",
        1 => "-?[0-9]{1,3}(\\.[0-9]{3}){0,2},[0-9]{1,3}",
        1 => "(true|no|NA|null|-|\\?|[0-9]{4}-[0-9]{2}-[0-9]{2}| [0-9]+ )",
    ]
    .prop_filter("blank", |s| !s.trim_ascii().is_empty())
}

/// Days of years 1 to 9999: the years written with four digits.
fn day() -> impl Strategy<Value = i64> {
    let first = calendar::days(1, 1, 1).expect("a date");
    let last = calendar::days(9999, 12, 31).expect("a date");
    first..=last
}

fn millis() -> impl Strategy<Value = i64> {
    let first = calendar::days(1, 1, 1).expect("a date") * 86_400_000;
    let last = (calendar::days(9999, 12, 31).expect("a date") + 1) * 86_400_000 - 1;
    prop_oneof![
        first..=last,
        // Whole seconds, and whole days, as they are usually written.
        (first / 1000..=last / 1000).prop_map(|s| s * 1000),
        day().prop_map(|d| d * 86_400_000),
    ]
}

fn float() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<f64>().prop_filter("finite", |x| x.is_finite()),
        -1e6..1e6f64,
        (-1_000_000i64..1_000_000).prop_map(|n| n as f64 / 100.0),
        Just(0.0),
        Just(-0.0),
        Just(f64::MAX),
        Just(f64::MIN_POSITIVE),
        Just(5e-324),
    ]
}

fn integer() -> impl Strategy<Value = i64> {
    prop_oneof![any::<i64>(), -1000i64..1000, Just(i64::MIN), Just(i64::MAX)]
}

fn bits(values: &[Option<impl Sized>]) -> Bitmap {
    let mut bits = Bitmap::default();
    for v in values {
        bits.push(v.is_some()).expect("memory");
    }
    bits
}

/// Present values with a fifth missing.
fn values<T: std::fmt::Debug + Clone>(
    value: impl Strategy<Value = T>,
    rows: usize,
) -> impl Strategy<Value = Vec<Option<T>>> {
    proptest::collection::vec(proptest::option::weighted(0.8, value), rows)
}

fn column(name: String, kind: ColumnType, rows: usize) -> BoxedStrategy<Column> {
    let label = name.clone();
    let new = move |values: Values, valid: Bitmap| {
        Column::new(name.clone(), kind, values, valid).expect("fits")
    };
    match kind {
        ColumnType::Integer => values(integer(), rows)
            .prop_map(move |v| {
                let valid = bits(&v);
                new(
                    Values::Int(v.into_iter().map(Option::unwrap_or_default).collect()),
                    valid,
                )
            })
            .boxed(),
        ColumnType::Float => values(float(), rows)
            .prop_map(move |v| {
                let valid = bits(&v);
                let x = v.into_iter().map(|x| x.unwrap_or(f64::NAN)).collect();
                new(Values::Float(x), valid)
            })
            .boxed(),
        ColumnType::Boolean => values(any::<bool>(), rows)
            .prop_map(move |v| {
                let mut b = Bitmap::default();
                for x in &v {
                    b.push(x.unwrap_or(false)).expect("memory");
                }
                new(Values::Bool(b), bits(&v))
            })
            .boxed(),
        ColumnType::Date | ColumnType::Datetime => {
            let value = if kind == ColumnType::Date {
                day().boxed()
            } else {
                millis().boxed()
            };
            values(value, rows)
                .prop_map(move |v| {
                    let valid = bits(&v);
                    new(
                        Values::Int(v.into_iter().map(Option::unwrap_or_default).collect()),
                        valid,
                    )
                })
                .boxed()
        }
        // A few levels, so that values repeat.
        ColumnType::Categorical => proptest::collection::vec(text(), 1..5)
            .prop_flat_map(move |levels| {
                let n = levels.len();
                values(0..n, rows).prop_map(move |codes| (levels.clone(), codes))
            })
            .prop_map(move |(levels, codes)| {
                Column::categories(&label, codes.iter().map(|c| c.map(|c| levels[c].as_str())))
            })
            .boxed(),
        ColumnType::Text | ColumnType::Id => values(text(), rows)
            .prop_map(move |v| {
                let valid = bits(&v);
                let strings: Strings = v.iter().map(|s| s.as_deref().unwrap_or("")).collect();
                new(Values::Strings(strings), valid)
            })
            .boxed(),
    }
}

fn frame() -> impl Strategy<Value = Frame> {
    (1usize..=6, 1usize..=30)
        .prop_flat_map(|(width, rows)| {
            let specs = proptest::collection::vec(
                (proptest::sample::select(KINDS.to_vec()), text()),
                width,
            );
            (specs, Just(rows))
        })
        .prop_flat_map(|(specs, rows)| {
            let columns: Vec<BoxedStrategy<Column>> = specs
                .into_iter()
                .enumerate()
                .map(|(i, (kind, suffix))| {
                    // Names are trimmed when read, and unique by their prefix.
                    let name = format!("c{i}{suffix}").trim().to_owned();
                    column(name, kind, rows)
                })
                .collect();
            (columns, Just(rows))
        })
        .prop_map(|(columns, rows)| Frame::new(rows, columns).expect("same lengths"))
}

fn options(frame: &Frame) -> LoadOptions {
    let mut options = LoadOptions {
        header: Some(true),
        delimiter: Some(','),
        quote: Some('"'),
        missing: Some(vec![String::new()]),
        ..LoadOptions::default()
    };
    for column in frame.columns() {
        options.set_column(&column.name, Some(column.kind()), None);
    }
    options
}

fn assert_same(written: &Frame, read: &Frame) -> Result<(), TestCaseError> {
    prop_assert_eq!(read.rows(), written.rows());
    prop_assert_eq!(read.columns().len(), written.columns().len());
    for (a, b) in written.columns().iter().zip(read.columns()) {
        prop_assert_eq!(&a.name, &b.name);
        prop_assert_eq!(a.kind(), b.kind(), "type of {:?}", a.name);
        for row in 0..written.rows() {
            prop_assert_eq!(
                a.is_missing(row),
                b.is_missing(row),
                "missing in {:?} row {}: {:?}",
                a.name,
                row,
                b.text(row)
            );
            prop_assert_eq!(a.text(row), b.text(row), "{:?} row {}", a.name, row);
            prop_assert_eq!(
                a.number(row).map(f64::to_bits),
                b.number(row).map(f64::to_bits),
                "{:?} row {}",
                a.name,
                row
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn written_frames_read_back_the_same(frame in frame(), split in any::<prop::sample::Index>()) {
        let bytes = to_csv(&frame);
        let loaded = ingest::load(&bytes, "roundtrip.csv", options(&frame))
            .map_err(|e| TestCaseError::fail(format!("{e}\n{}", String::from_utf8_lossy(&bytes))))?;
        prop_assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
        assert_same(&frame, &loaded.frame)?;

        // The same bytes in two chunks read the same.
        let at = split.index(bytes.len() + 1);
        let mut loader = Loader::new("roundtrip.csv", options(&frame), None);
        loader.push(&bytes[..at]).map_err(|e| TestCaseError::fail(e.to_string()))?;
        loader.push(&bytes[at..]).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let chunked = loader.finish().map_err(|e| TestCaseError::fail(e.to_string()))?;
        // (Not `==`: missing floats are NaN.)
        assert_same(&loaded.frame, &chunked.frame)?;
    }
}

/// `frame`'s rows written over and over until the file is longer than the sample
/// the loader guesses from: what comes after it is parsed chunk by chunk.
fn past_the_sample(frame: &Frame) -> (Vec<u8>, usize) {
    let names = Frame::new(
        0,
        frame
            .columns()
            .iter()
            .map(|c| Column::floats(&c.name, []))
            .collect(),
    )
    .expect("no rows");
    let header = to_csv(&names);
    let whole = to_csv(frame);
    let body = &whole[header.len()..];
    let mut bytes = header;
    let mut copies = 0;
    while bytes.len() < ingest::SNIFF_BYTES + 64 * 1024 {
        bytes.extend_from_slice(body);
        copies += 1;
    }
    (bytes, copies)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4, ..ProptestConfig::default() })]

    #[test]
    fn long_files_read_back_the_same_in_any_chunks(frame in frame(), size in 1000usize..100_000) {
        let (bytes, copies) = past_the_sample(&frame);
        let mut loader = Loader::new("long.csv", options(&frame), Some(bytes.len() as u64));
        for chunk in bytes.chunks(size) {
            loader.push(chunk).map_err(|e| TestCaseError::fail(e.to_string()))?;
        }
        let loaded = loader.finish().map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
        let read = &loaded.frame;
        prop_assert_eq!(read.rows(), frame.rows() * copies);
        for (a, b) in frame.columns().iter().zip(read.columns()) {
            prop_assert_eq!(&a.name, &b.name);
            prop_assert_eq!(a.kind(), b.kind());
            for row in 0..read.rows() {
                prop_assert_eq!(a.text(row % frame.rows()), b.text(row), "{:?} row {}", a.name, row);
            }
        }
    }
}

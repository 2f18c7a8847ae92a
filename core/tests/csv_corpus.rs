//! Edge cases of reading CSV, each with the parse it must give: the public
//! csv-spectrum cases (`fixtures/csv-spectrum/`, compared with their JSON) and
//! Studio's own (`fixtures/csv/`): line endings, byte-order marks and encodings,
//! dialects, headers, ragged rows, quoting, number and date formats, markers and
//! type inference.
//!
//! Whitespace: fields are trimmed of ASCII whitespace, except that a text field
//! keeps the whitespace inside its quotes (`"  padded  "` reads as `  padded  `);
//! a quoted field that is all whitespace is still blank, so the empty marker
//! makes it missing.

use std::path::{Path, PathBuf};

use serde_json::Value;
use studio_core::frame::{ColumnType, Frame};
use studio_core::ingest::{
    self, Encoding, LineEnding, LoadError, LoadOptions, Loaded, Policy, ProblemKind,
};

fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path)
}

fn bytes(path: &str) -> Vec<u8> {
    std::fs::read(fixture(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn load(name: &str) -> Loaded {
    load_with(name, LoadOptions::default())
}

fn load_with(name: &str, options: LoadOptions) -> Loaded {
    let path = format!("csv/{name}");
    let bytes = bytes(&path);
    let loaded = ingest::load(&bytes, name, options.clone()).unwrap_or_else(|e| panic!("{e}"));
    // Streaming a byte at a time reads the same.
    let mut loader = ingest::Loader::new(name, options, None);
    for b in bytes.chunks(1) {
        loader.push(b).expect("reads");
    }
    let streamed = loader.finish().expect("reads");
    assert_eq!(
        rows(&streamed.frame),
        rows(&loaded.frame),
        "{name} by bytes"
    );
    assert_eq!(streamed.problems, loaded.problems, "{name} by bytes");
    loaded
}

fn error(name: &str) -> LoadError {
    let bytes = bytes(&format!("csv/{name}"));
    ingest::load(&bytes, name, LoadOptions::default()).expect_err("fails")
}

/// Each column's name and type.
fn columns(frame: &Frame) -> Vec<(String, ColumnType)> {
    frame
        .columns()
        .iter()
        .map(|c| (c.name.clone(), c.kind()))
        .collect()
}

/// Every value as text, `None` when missing, row by row.
fn rows(frame: &Frame) -> Vec<Vec<Option<String>>> {
    (0..frame.rows())
        .map(|r| frame.columns().iter().map(|c| c.text(r)).collect())
        .collect()
}

/// Rows written compactly: `"-"` is a missing value.
fn expect(rows: &[&[&str]]) -> Vec<Vec<Option<String>>> {
    rows.iter()
        .map(|r| {
            r.iter()
                .map(|v| (*v != "-").then(|| (*v).to_owned()))
                .collect()
        })
        .collect()
}

fn named(columns: &[(&str, ColumnType)]) -> Vec<(String, ColumnType)> {
    columns.iter().map(|(n, t)| ((*n).to_owned(), *t)).collect()
}

/// Each problem's kind, column, count and policy, and its examples' rows and lines.
type Summary = (ProblemKind, Option<String>, u64, Policy, Vec<(u64, u64)>);

fn problems(loaded: &Loaded) -> Vec<Summary> {
    loaded
        .problems
        .iter()
        .map(|p| {
            (
                p.kind,
                p.column.clone(),
                p.count,
                p.policy,
                p.examples.iter().map(|e| (e.row, e.line)).collect(),
            )
        })
        .collect()
}

use ColumnType::{Boolean, Date, Float, Id, Integer, Text};

// ---- csv-spectrum ----

const SPECTRUM: [&str; 12] = [
    "comma_in_quotes",
    "empty",
    "empty_crlf",
    "escaped_quotes",
    "json",
    "location_coordinates",
    "newlines",
    "newlines_crlf",
    "quotes_and_newlines",
    "simple",
    "simple_crlf",
    "utf8",
];

/// The records a case's JSON lists, with the upstream errata corrected (see the
/// fixture's README).
fn spectrum_records(name: &str) -> Vec<serde_json::Map<String, Value>> {
    let json: Value =
        serde_json::from_slice(&bytes(&format!("csv-spectrum/json/{name}.json"))).expect("json");
    let mut records: Vec<serde_json::Map<String, Value>> = match json {
        Value::Array(items) => items
            .into_iter()
            .map(|v| match v {
                Value::Object(o) => o,
                other => panic!("{name}: {other}"),
            })
            .collect(),
        // Upstream erratum: one record written as a bare object.
        Value::Object(o) => vec![o],
        other => panic!("{name}: {other}"),
    };
    if name == "location_coordinates" {
        // Upstream erratum: the JSON's number is not the CSV's.
        records[0].insert(
            "Contact Phone Number".into(),
            Value::String("2095257564".into()),
        );
    }
    records
}

#[test]
fn every_spectrum_case_is_listed() {
    let mut found: Vec<String> = std::fs::read_dir(fixture("csv-spectrum/csvs"))
        .expect("fixtures")
        .map(|e| {
            let path = e.expect("entry").path();
            path.file_stem()
                .and_then(|s| s.to_str())
                .expect("name")
                .to_owned()
        })
        .collect();
    found.sort();
    assert_eq!(found, SPECTRUM);
}

#[test]
fn csv_spectrum_reads_as_its_json_says() {
    for name in SPECTRUM {
        let expected = spectrum_records(name);
        let mut options = LoadOptions {
            header: Some(true),
            missing: Some(vec![]),
            ..LoadOptions::default()
        };
        let keys: Vec<String> = expected[0].keys().cloned().collect();
        for key in &keys {
            options.set_column(key, Some(Text), None);
        }
        let csv = bytes(&format!("csv-spectrum/csvs/{name}.csv"));
        let loaded = ingest::load(&csv, name, options).unwrap_or_else(|e| panic!("{e}"));
        assert!(loaded.problems.is_empty(), "{name}: {:?}", loaded.problems);
        assert_eq!(loaded.dialect.delimiter, ',', "{name}");
        let frame = &loaded.frame;
        let mut names: Vec<String> = frame.columns().iter().map(|c| c.name.clone()).collect();
        names.sort();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(names, sorted, "{name}");
        assert_eq!(frame.rows(), expected.len(), "{name}");
        for (row, record) in expected.iter().enumerate() {
            for (key, value) in record {
                let column = frame.column(key).expect("column");
                assert_eq!(column.kind(), Text, "{name}.{key}");
                assert_eq!(
                    column.text(row).as_deref(),
                    Some(value.as_str().expect("a string")),
                    "{name}, row {row}, {key}"
                );
            }
        }
    }
}

#[test]
fn csv_spectrum_with_every_setting_guessed() {
    // Guessed types: zip codes stay text (a leading zero), empty strings are missing.
    let csv = bytes("csv-spectrum/csvs/comma_in_quotes.csv");
    let frame = ingest::read_csv(&csv, "comma_in_quotes.csv").expect("reads");
    assert_eq!(
        frame.column("city").and_then(|c| c.text(0)),
        Some("Anytown, WW".into())
    );
    let csv = bytes("csv-spectrum/csvs/empty_crlf.csv");
    let loaded = ingest::load(&csv, "empty_crlf.csv", LoadOptions::default()).expect("reads");
    assert_eq!(loaded.dialect.line_ending, LineEnding::Crlf);
    assert_eq!(
        rows(&loaded.frame),
        expect(&[&["1", "-", "-"], &["2", "3", "4"]])
    );
}

// ---- line endings, byte-order marks, encodings ----

#[test]
fn crlf_line_endings() {
    let loaded = load("crlf.csv");
    assert_eq!(loaded.dialect.line_ending, LineEnding::Crlf);
    assert_eq!(rows(&loaded.frame), expect(&[&["1", "x"], &["2", "y"]]));
    assert!(loaded.problems.is_empty());
}

#[test]
fn cr_only_line_endings() {
    let loaded = load("cr_only.csv");
    assert_eq!(loaded.dialect.line_ending, LineEnding::Cr);
    assert_eq!(columns(&loaded.frame), named(&[("a", Integer), ("b", Id)]));
    assert_eq!(rows(&loaded.frame), expect(&[&["1", "x"], &["2", "y"]]));
}

#[test]
fn a_utf8_byte_order_mark_is_not_part_of_the_first_name() {
    let loaded = load("bom_utf8.csv");
    assert!(loaded.dialect.bom);
    assert_eq!(loaded.dialect.encoding, Encoding::Utf8);
    assert_eq!(
        columns(&loaded.frame),
        named(&[("name", Id), ("n", Integer)])
    );
    assert_eq!(rows(&loaded.frame), expect(&[&["ä", "1"], &["ö", "2"]]));
}

#[test]
fn utf16_with_either_byte_order() {
    for (name, encoding) in [
        ("utf16le_bom.csv", Encoding::Utf16Le),
        ("utf16be_bom.csv", Encoding::Utf16Be),
    ] {
        let loaded = load(name);
        assert_eq!(loaded.dialect.encoding, encoding, "{name}");
        assert!(loaded.dialect.bom, "{name}");
        assert_eq!(loaded.dialect.line_ending, LineEnding::Crlf, "{name}");
        assert_eq!(
            columns(&loaded.frame),
            named(&[("name", Id), ("n", Integer)])
        );
        assert_eq!(
            rows(&loaded.frame),
            expect(&[&["Köln", "1"], &["東京", "2"]])
        );
    }
}

#[test]
fn windows_1252_text() {
    let loaded = load("windows1252.csv");
    assert_eq!(loaded.dialect.encoding, Encoding::Windows1252);
    assert_eq!(
        rows(&loaded.frame),
        expect(&[&["Köln", "3"], &["München", "4"], &["€uro", "5"]])
    );
    assert!(loaded.problems.is_empty());
}

// ---- dialects ----

#[test]
fn semicolons_with_decimal_commas_and_thousands_dots() {
    let loaded = load("semicolon_decimal_comma.csv");
    let d = loaded.dialect;
    assert_eq!((d.delimiter, d.decimal, d.thousands), (';', ',', Some('.')));
    assert_eq!(
        columns(&loaded.frame),
        named(&[("Name", Id), ("Preis", Float), ("Menge", Integer)])
    );
    assert_eq!(
        rows(&loaded.frame),
        expect(&[
            &["A", "1.5", "2"],
            &["B", "1234.5", "3"],
            &["C", "-0.25", "4"]
        ])
    );
}

#[test]
fn tabs_and_pipes() {
    let loaded = load("tab.tsv");
    assert_eq!(loaded.dialect.delimiter, '\t');
    assert_eq!(
        rows(&loaded.frame),
        expect(&[&["1", "2", "x y"], &["3", "4", "z"]])
    );
    let loaded = load("pipe.csv");
    assert_eq!(loaded.dialect.delimiter, '|');
    assert_eq!(rows(&loaded.frame), expect(&[&["1", "x"], &["2", "y"]]));
}

// ---- headers and shapes ----

#[test]
fn a_file_without_a_header() {
    let loaded = load("no_header.csv");
    assert!(!loaded.dialect.header);
    assert_eq!(
        columns(&loaded.frame),
        named(&[("column_1", Id), ("column_2", Float), ("column_3", Text)])
    );
    assert_eq!(loaded.frame.rows(), 3);
    // Told there is one, the first row names the columns.
    let options = LoadOptions {
        header: Some(true),
        ..LoadOptions::default()
    };
    let loaded = load_with("no_header.csv", options);
    assert_eq!(
        columns(&loaded.frame),
        named(&[("1", Integer), ("2.5", Float), ("red", Id)])
    );
}

#[test]
fn blank_lines_and_lines_of_spaces_are_not_rows() {
    let loaded = load("blank_lines.csv");
    assert_eq!(
        rows(&loaded.frame),
        expect(&[&["1", "2"], &["3", "4"], &["5", "6"]])
    );
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
}

#[test]
fn a_trailing_delimiter_is_dropped_and_reported() {
    let loaded = load("trailing_delimiter.csv");
    assert_eq!(
        columns(&loaded.frame),
        named(&[("a", Integer), ("b", Integer)])
    );
    assert_eq!(rows(&loaded.frame), expect(&[&["1", "2"], &["3", "4"]]));
    assert_eq!(
        problems(&loaded),
        [(
            ProblemKind::TrailingDelimiter,
            None,
            2,
            Policy::Ignored,
            vec![(1, 2), (2, 3)]
        )]
    );
}

#[test]
fn ragged_rows_are_filled_or_skipped_and_reported() {
    let loaded = load("ragged.csv");
    assert_eq!(
        rows(&loaded.frame),
        expect(&[
            &["1", "2", "3"],
            &["4", "5", "-"],
            &["10", "11", "12"],
            &["13", "-", "-"]
        ])
    );
    assert_eq!(
        problems(&loaded),
        [
            (
                ProblemKind::ShortRow,
                None,
                2,
                Policy::SetMissing,
                vec![(2, 3), (5, 6)]
            ),
            (ProblemKind::LongRow, None, 1, Policy::SkipRow, vec![(3, 4)]),
        ]
    );
}

#[test]
fn an_empty_file_and_a_header_alone_are_errors() {
    assert!(matches!(error("empty.csv"), LoadError::Empty { .. }));
    let header = error("header_only.csv");
    assert!(matches!(header, LoadError::NoRows { .. }), "{header}");
    assert!(header.to_string().contains("has a header but no data rows"));
}

#[test]
fn a_single_column() {
    let loaded = load("single_column.csv");
    assert_eq!(columns(&loaded.frame), named(&[("value", Integer)]));
    assert_eq!(rows(&loaded.frame), expect(&[&["1"], &["2"], &["3"]]));
}

#[test]
fn blank_and_repeated_header_names() {
    let loaded = load("duplicate_headers.csv");
    let names: Vec<String> = columns(&loaded.frame).into_iter().map(|c| c.0).collect();
    assert_eq!(names, ["x", "column_2", "x.2", "x.3"]);
    assert_eq!(
        problems(&loaded),
        [
            (
                ProblemKind::EmptyHeader,
                None,
                1,
                Policy::Renamed,
                vec![(0, 1)]
            ),
            (
                ProblemKind::DuplicateHeader,
                None,
                2,
                Policy::Renamed,
                vec![(0, 1), (0, 1)]
            ),
        ]
    );
    assert_eq!(
        rows(&loaded.frame),
        expect(&[&["1", "2", "3", "4"], &["5", "6", "7", "8"]])
    );
}

// ---- quoting ----

#[test]
fn quoted_delimiters_line_breaks_quotes_and_spaces() {
    let loaded = load("quoted.csv");
    assert_eq!(columns(&loaded.frame), named(&[("id", Id), ("text", Id)]));
    assert_eq!(
        rows(&loaded.frame),
        expect(&[
            &["1", "a, b"],
            &["2", "line1\nline2"],
            &["3", "say \"hi\""],
            // Spaces inside quotes are data; outside them they are trimmed.
            &["4", "  padded  "],
            &["5", "unquoted padded"],
            // Blank even in quotes: the empty marker.
            &["6", "-"],
        ])
    );
    assert!(loaded.problems.is_empty());
}

#[test]
fn spaces_inside_quotes_survive_any_chunking() {
    let csv = b"id,text\n1,\"  two words \"  \n2,\" \"\"q\"\" \" \n3,plain  \n";
    let whole = ingest::load(csv, "q.csv", LoadOptions::default()).expect("reads");
    let expected = expect(&[&["1", "  two words "], &["2", " \"q\" "], &["3", "plain"]]);
    assert_eq!(rows(&whole.frame), expected);
    for at in 0..=csv.len() {
        let mut loader = ingest::Loader::new("q.csv", LoadOptions::default(), None);
        loader.push(&csv[..at]).expect("reads");
        loader.push(&csv[at..]).expect("reads");
        let split = loader.finish().expect("reads");
        assert_eq!(rows(&split.frame), expected, "split at {at}");
    }
}

#[test]
fn spaces_inside_quotes_survive_chunks_past_the_sample() {
    // Past the first SNIFF_BYTES, records are parsed chunk by chunk as they arrive.
    let mut csv = String::from("n,text\n");
    let mut n = 0;
    while csv.len() < ingest::SNIFF_BYTES + 100_000 {
        csv.push_str(&format!("{n},\"  v{}\nw \"  \n", n % 5000));
        n += 1;
    }
    for size in [4093, 65_537] {
        let mut loader = ingest::Loader::new("big.csv", LoadOptions::default(), None);
        for chunk in csv.as_bytes().chunks(size) {
            loader.push(chunk).expect("reads");
        }
        let loaded = loader.finish().expect("reads");
        assert_eq!(loaded.frame.rows(), n);
        let text = loaded.frame.column("text").expect("text");
        for row in 0..n {
            assert_eq!(
                text.text(row),
                Some(format!("  v{}\nw ", row % 5000)),
                "row {row}, chunks of {size}"
            );
        }
    }
}

// ---- numbers, dates, booleans, markers, inference ----

#[test]
fn numbers_with_thousands_separators() {
    let loaded = load("thousands.csv");
    assert_eq!(loaded.dialect.thousands, Some(','));
    assert_eq!(
        columns(&loaded.frame),
        named(&[("city", Id), ("population", Integer), ("area", Float)])
    );
    assert_eq!(
        rows(&loaded.frame),
        expect(&[
            &["A", "1234567", "12.5"],
            &["B", "89000", "3.25"],
            &["C", "512", "1000.75"]
        ])
    );
}

#[test]
fn dates_in_iso_dmy_and_mdy() {
    let loaded = load("dates.csv");
    assert_eq!(
        columns(&loaded.frame),
        named(&[("iso", Date), ("dmy", Date), ("mdy", Date)])
    );
    assert_eq!(
        rows(&loaded.frame),
        expect(&[
            &["2024-01-31", "2024-01-31", "2024-01-31"],
            &["2023-12-01", "2023-12-01", "2023-12-01"]
        ])
    );
    // Ambiguous dates in a semicolon file are read day first.
    let loaded = load("dates_semicolon.csv");
    assert_eq!(
        rows(&loaded.frame),
        expect(&[&["2024-02-01", "1"], &["2024-04-03", "2"]])
    );
}

#[test]
fn booleans_in_any_case() {
    let loaded = load("booleans.csv");
    assert_eq!(
        columns(&loaded.frame),
        named(&[("a", Boolean), ("b", Boolean), ("c", Boolean)])
    );
    // Shown as the data spells them: each column's first word for true and false.
    assert_eq!(
        rows(&loaded.frame),
        expect(&[
            &["true", "yes", "TRUE"],
            &["false", "no", "False"],
            &["-", "yes", "TRUE"]
        ])
    );
}

#[test]
fn markers_in_a_number_column_quoted_or_not() {
    let loaded = load("na_in_number.csv");
    assert_eq!(columns(&loaded.frame), named(&[("x", Float), ("y", Id)]));
    assert_eq!(
        rows(&loaded.frame),
        expect(&[&["1.5", "a"], &["-", "b"], &["2.5", "c"], &["-", "d"]])
    );
    assert!(loaded.problems.is_empty());
    // Without markers the column is text.
    let options = LoadOptions {
        missing: Some(vec![]),
        ..LoadOptions::default()
    };
    let loaded = load_with("na_in_number.csv", options);
    assert_eq!(loaded.frame.column("x").map(|c| c.kind()), Some(Id));
    assert_eq!(
        loaded.frame.column("x").and_then(|c| c.text(1)),
        Some("N/A".into())
    );
}

#[test]
fn a_few_stray_words_are_reported_and_more_make_text() {
    let loaded = load("stray_words.csv");
    // Four distinct words in "price" (more than three): text. One in "weight":
    // a float column, the word reported and missing.
    assert_eq!(
        columns(&loaded.frame),
        named(&[("price", Text), ("weight", Float)])
    );
    let price = loaded.frame.column("price").expect("price");
    assert_eq!(price.text(7), Some("unknown".into()));
    assert_eq!(price.text(0), Some("0.5".into()));
    assert_eq!(price.missing(), 0);
    assert_eq!(
        problems(&loaded),
        [(
            ProblemKind::UnparsableValue,
            Some("weight".into()),
            1,
            Policy::SetMissing,
            vec![(34, 35)]
        )]
    );
    assert_eq!(loaded.problems[0].examples[0].value, "heavy");
}

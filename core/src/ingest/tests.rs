use super::*;
use crate::frame::{ColumnType, Role};

fn loaded(csv: &str) -> Loaded {
    load(csv.as_bytes(), "t.csv", LoadOptions::default()).expect("reads")
}

fn types(csv: &str) -> Vec<(String, ColumnType, usize)> {
    loaded(csv)
        .frame
        .summaries()
        .into_iter()
        .map(|s| (s.name, s.kind, s.missing))
        .collect()
}

#[test]
fn infers_every_type_and_counts_missing() {
    let csv = "id,x,n,flag,day,at,colour,note\n\
               1,1.5,3,true,2024-01-02,2024-01-02T10:00,red,hello there\n\
               2,NA,4,false,2024-01-03,2024-01-02T11:30:15,blue,NA\n\
               3,-3e2,,yes,,2024-01-03 00:00,red,another one\n\
               4,2,7,no,2024-01-05,,red,and more\n";
    assert_eq!(
        types(csv),
        vec![
            ("id".into(), ColumnType::Id, 0),
            ("x".into(), ColumnType::Float, 1),
            ("n".into(), ColumnType::Integer, 1),
            ("flag".into(), ColumnType::Boolean, 0),
            ("day".into(), ColumnType::Date, 1),
            ("at".into(), ColumnType::Datetime, 1),
            ("colour".into(), ColumnType::Categorical, 0),
            ("note".into(), ColumnType::Id, 1),
        ]
    );
    let frame = loaded(csv).frame;
    assert_eq!(frame.column("id").map(|c| c.role), Some(Role::Id));
    assert_eq!(
        frame.column("day").and_then(|c| c.text(3)),
        Some("2024-01-05".into())
    );
    assert_eq!(frame.column("flag").and_then(|c| c.number(0)), Some(1.0));
}

#[test]
fn a_column_named_as_a_key_is_an_id_only_when_no_value_repeats() {
    let kind = |values: &str| {
        let csv = format!("user_id,x\n{}\n", values.replace(' ', ",1\n") + ",1");
        types(&csv)[0].1
    };
    // In order, out of order, and with one value twice.
    assert_eq!(kind("3 8 20 21"), ColumnType::Id);
    assert_eq!(kind("21 3 20 8"), ColumnType::Id);
    assert_eq!(kind("3 8 8 21"), ColumnType::Integer);
    assert_eq!(kind("21 8 3 8"), ColumnType::Integer);
}

#[test]
fn names_blank_and_repeated_headers_and_reports_them() {
    let loaded = loaded("a,,a\n1,2,3\n");
    let names: Vec<_> = loaded
        .frame
        .columns()
        .iter()
        .map(|c| c.name.clone())
        .collect();
    assert_eq!(names, ["a", "column_2", "a.2"]);
    let kinds: Vec<_> = loaded.problems.iter().map(|p| p.kind).collect();
    assert_eq!(
        kinds,
        [ProblemKind::EmptyHeader, ProblemKind::DuplicateHeader]
    );
}

fn error(bytes: &[u8]) -> String {
    load(bytes, "data.csv", LoadOptions::default())
        .expect_err("fails")
        .to_string()
}

#[test]
fn empty_files_say_so() {
    assert!(error(b"").contains("data.csv is empty"));
    assert!(error(b"  \n").contains("is empty"));
    assert!(error(b"a,b\n").contains("has a header but no data rows"));
}

#[test]
fn ragged_rows_are_filled_skipped_or_stop_the_load() {
    let csv = b"a,b\n1,2\n3\n4,5,6\n7,8,\n";
    let loaded = load(csv, "data.csv", LoadOptions::default()).expect("reads");
    assert_eq!(loaded.frame.rows(), 3);
    let summary: Vec<_> = loaded
        .problems
        .iter()
        .map(|p| {
            (
                p.kind,
                p.count,
                p.policy,
                p.examples[0].row,
                p.examples[0].line,
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (ProblemKind::ShortRow, 1, Policy::SetMissing, 2, 3),
            (ProblemKind::LongRow, 1, Policy::SkipRow, 3, 4),
            (ProblemKind::TrailingDelimiter, 1, Policy::Ignored, 4, 5),
        ]
    );
    let stop = LoadOptions {
        ragged: RaggedPolicy::Stop,
        ..LoadOptions::default()
    };
    let message = load(csv, "data.csv", stop).expect_err("stops").to_string();
    assert!(
        message.contains("line 3: row 2 has 1 fields but the header has 2"),
        "{message}"
    );
}

#[test]
fn stray_words_in_a_number_column_are_reported_with_examples() {
    let mut csv = String::from("x,y\n");
    for i in 0..60 {
        csv.push_str(&format!("{i}.5,{i}\n"));
    }
    csv.push_str("unknown,1\n");
    let loaded = loaded(&csv);
    let x = loaded.frame.column("x").expect("x");
    assert_eq!((x.kind(), x.missing()), (ColumnType::Float, 1));
    let problem = &loaded.problems[0];
    assert_eq!(problem.kind, ProblemKind::UnparsableValue);
    assert_eq!(problem.column.as_deref(), Some("x"));
    assert_eq!(
        problem.examples[0],
        Example {
            row: 61,
            line: 62,
            column: Some("x".into()),
            value: "unknown".into()
        }
    );
    assert!(
        problem.message.contains("could not be read as float"),
        "{}",
        problem.message
    );
}

#[test]
fn european_files_with_semicolons_decimal_commas_and_latin1() {
    let bytes = b"Stadt;Preis;Datum\nK\xf6ln;1.234,50;31.12.2023\nM\xfcnchen;7,25;01.02.2024\nK\xf6ln;3;02.02.2024\n";
    let loaded = load(bytes, "preise.csv", LoadOptions::default()).expect("reads");
    assert_eq!(loaded.dialect.delimiter, ';');
    assert_eq!(loaded.dialect.decimal, ',');
    assert_eq!(loaded.dialect.thousands, Some('.'));
    assert_eq!(loaded.dialect.encoding, Encoding::Windows1252);
    let frame = loaded.frame;
    assert_eq!(
        frame.column("Stadt").and_then(|c| c.text(1)),
        Some("München".into())
    );
    assert_eq!(
        frame.column("Preis").and_then(|c| c.number(0)),
        Some(1234.5)
    );
    assert_eq!(
        frame.column("Datum").map(|c| c.kind()),
        Some(ColumnType::Date)
    );
    assert_eq!(
        frame.column("Datum").and_then(|c| c.text(0)),
        Some("2023-12-31".into())
    );
}

#[test]
fn utf16_with_a_bom_and_crlf() {
    let text = "a,b\r\n1,x\r\n2,y\r\n";
    let mut bytes = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    let loaded = load(&bytes, "t.csv", LoadOptions::default()).expect("reads");
    assert_eq!(loaded.dialect.encoding, Encoding::Utf16Le);
    assert!(loaded.dialect.bom);
    assert_eq!(loaded.dialect.line_ending, LineEnding::Crlf);
    assert_eq!(loaded.frame.rows(), 2);
    assert_eq!(
        loaded.frame.column("b").and_then(|c| c.text(1)),
        Some("y".into())
    );
}

#[test]
fn quoted_fields_with_newlines_quotes_and_delimiters() {
    let csv = "name,quote\n\"Smith, J\",\"said \"\"hi\"\"\nthen left\"\nDoe,plain\n";
    let frame = loaded(csv).frame;
    assert_eq!(frame.rows(), 2);
    let quote = frame.column("quote").expect("quote");
    assert_eq!(quote.text(0), Some("said \"hi\"\nthen left".into()));
    assert_eq!(
        frame.column("name").and_then(|c| c.text(0)),
        Some("Smith, J".into())
    );
}

#[test]
fn a_headerless_file_is_recognised() {
    let loaded = loaded("1,2.5\n3,4.5\n5,6.5\n");
    assert!(!loaded.dialect.header);
    assert_eq!(loaded.frame.rows(), 3);
    assert_eq!(loaded.frame.columns()[0].name, "column_1");
}

#[test]
fn overrides_change_type_role_and_markers() {
    let csv = "code,v\n001,-999\n002,5\n003,7\n004,7\n";
    let mut options = LoadOptions {
        missing: Some(vec!["-999".into()]),
        ..LoadOptions::default()
    };
    options.set_column("code", Some(ColumnType::Text), Some(Role::Ignore));
    let loaded = load(csv.as_bytes(), "t.csv", options).expect("reads");
    let code = loaded.frame.column("code").expect("code");
    assert_eq!((code.kind(), code.role), (ColumnType::Text, Role::Ignore));
    assert_eq!(code.text(0), Some("001".into()));
    assert_eq!(loaded.frame.column("v").map(|c| c.missing()), Some(1));
}

#[test]
fn a_date_type_given_to_a_text_column_reads_in_the_order_most_values_fit() {
    // Commas and no decimal comma: month-first is the default, which reads none of
    // these. The stray word keeps the guess at text.
    let csv = "when,v\n31/12/2023,1\n15/01/2024,2\nunknown,3\n28/02/2024,4\n";
    let guessed = load(csv.as_bytes(), "t.csv", LoadOptions::default()).expect("reads");
    assert_ne!(
        guessed.frame.column("when").map(|c| c.kind()),
        Some(ColumnType::Date)
    );
    let mut options = LoadOptions::default();
    options.set_column("when", Some(ColumnType::Date), None);
    let loaded = load(csv.as_bytes(), "t.csv", options).expect("reads");
    let when = loaded.frame.column("when").expect("when");
    assert_eq!(when.kind(), ColumnType::Date);
    assert_eq!(when.text(0), Some("2023-12-31".into()));
    assert_eq!(when.text(3), Some("2024-02-28".into()));
    assert_eq!(when.missing(), 1, "only the word is missing");
    // Where the day cannot tell, the dialect's default order still decides.
    let ambiguous = "when,v\n01/02/2024,1\nsoon,2\n";
    let mut options = LoadOptions::default();
    options.set_column("when", Some(ColumnType::Date), None);
    let loaded = load(ambiguous.as_bytes(), "t.csv", options).expect("reads");
    let when = loaded.frame.column("when").expect("when");
    assert_eq!(when.text(0), Some("2024-01-02".into()), "month first");
}

#[test]
fn integers_widen_to_floats_past_the_sample_and_chunks_do_not_matter() {
    let mut csv = String::from("n,label\n");
    let mut row = 0;
    while csv.len() < SNIFF_BYTES + 4096 {
        csv.push_str(&format!("{row},\"a\nb\"\n"));
        row += 1;
    }
    csv.push_str("2.5,\"c\"\n");
    let whole = load(csv.as_bytes(), "t.csv", LoadOptions::default()).expect("reads");
    let n = whole.frame.column("n").expect("n");
    assert_eq!(n.kind(), ColumnType::Float);
    assert_eq!(n.number(whole.frame.rows() - 1), Some(2.5));
    assert!(whole.problems.is_empty(), "{:?}", whole.problems);
    for size in [1, 7, 4096] {
        let mut loader = Loader::new("t.csv", LoadOptions::default(), None);
        for chunk in csv.as_bytes().chunks(size) {
            loader.push(chunk).expect("reads");
        }
        assert_eq!(
            loader.finish().expect("reads").frame,
            whole.frame,
            "chunks of {size}"
        );
    }
}

#[test]
fn a_file_too_large_for_the_limit_is_refused_before_it_is_read() {
    let csv = "x,y\n1.5,2.5\n".repeat(1000);
    let loader = Loader::new("big.csv", LoadOptions::default(), Some(10_000_000_000))
        .with_memory_limit(1_000_000_000);
    let mut loader = loader;
    let err = loader
        .push(csv.as_bytes())
        .and_then(|()| loader.finish().map(|_| ()));
    let message = err.expect_err("refused").to_string();
    assert!(
        message.contains("needs about") && message.contains("1000 MB"),
        "{message}"
    );
}

/// A header of `columns` copies of `name`, and one row of zeros.
fn repeated_header(name: &str, columns: usize) -> String {
    let header = vec![name; columns].join(",");
    let row = vec!["0"; columns].join(",");
    format!("{header}\n{row}\n")
}

fn column_names(loaded: &Loaded) -> Vec<&str> {
    loaded
        .frame
        .columns()
        .iter()
        .map(|c| c.name.as_str())
        .collect()
}

#[test]
fn a_header_of_fifty_thousand_repeats_is_numbered_in_one_pass() {
    // Numbering each repeat by searching the names before it took minutes here.
    let loaded = loaded(&repeated_header("a", 50_000));
    let names = column_names(&loaded);
    assert_eq!(names.len(), 50_000);
    assert_eq!(names[..3], ["a", "a.2", "a.3"]);
    assert_eq!(names[49_999], "a.50000");
    assert_eq!(loaded.problems.len(), 1);
    assert_eq!(loaded.problems[0].kind, ProblemKind::DuplicateHeader);
    assert_eq!(loaded.problems[0].count, 49_999);
}

#[test]
fn repeats_skip_names_already_taken() {
    let loaded = loaded("a,a.2,a,a,b,a.3\n1,2,3,4,5,6\n");
    let names = column_names(&loaded);
    assert_eq!(names, ["a", "a.2", "a.3", "a.4", "b", "a.3.2"]);
    let examples: Vec<(&str, &str)> = loaded.problems[0]
        .examples
        .iter()
        .map(|e| (e.column.as_deref().unwrap_or(""), e.value.as_str()))
        .collect();
    assert_eq!(examples, [("a.3", "a"), ("a.4", "a"), ("a.3.2", "a.3")]);
}

#[test]
fn more_columns_than_studio_reads_are_refused() {
    let columns = MAX_COLUMNS + 1;
    let err = load(
        repeated_header("c", columns).as_bytes(),
        "wide.csv",
        LoadOptions::default(),
    )
    .expect_err("refused");
    assert_eq!(
        err,
        LoadError::TooManyColumns {
            file: "wide.csv".into(),
            columns,
            limit: MAX_COLUMNS,
        }
    );
    let message = err.to_string();
    assert!(
        message.contains(&format!("has {columns} columns"))
            && message.contains(&format!("at most {MAX_COLUMNS}")),
        "{message}"
    );
}

/// The error loading `bytes` in chunks of `chunk` bytes.
fn error_in(bytes: &[u8], chunk: usize) -> LoadError {
    let mut loader = Loader::new("data.csv", LoadOptions::default(), None).without_fingerprint();
    let result = bytes
        .chunks(chunk.max(1))
        .try_for_each(|c| loader.push(c))
        .and_then(|()| loader.finish().map(|_| ()));
    match result {
        Err(e) => e,
        Ok(()) => panic!("loads in chunks of {chunk}"),
    }
}

/// The error loading `bytes` in one piece, which chunks of `chunk` bytes must give too.
fn error_in_chunks(bytes: &[u8], chunk: usize) -> LoadError {
    let whole = error_in(bytes, bytes.len());
    assert_eq!(error_in(bytes, chunk), whole, "in chunks of {chunk}");
    whole
}

#[test]
fn a_quote_left_open_at_the_end_names_its_line() {
    // The open quote would make the last three lines one value of row 2.
    let csv = b"name,note\nann,fine\nbob,\"left open\ncid,x\ndan,y\n";
    for chunk in [1, 5, 1 << 20] {
        let message = error_in_chunks(csv, chunk).to_string();
        assert!(
            message.contains("data.csv, line 3")
                && message.contains("quote")
                && message.contains("never closed"),
            "{message}"
        );
    }
    // Line breaks in the quotes of earlier fields count.
    let csv = b"a,b\n\"x\ny\",\"open\n1,2\n";
    let message = error_in_chunks(csv, 3).to_string();
    assert!(message.contains("line 3"), "{message}");
    // A quote closed at the very end is fine.
    assert_eq!(loaded("a,b\n1,\"x\ny\"").frame.rows(), 1);
}

#[test]
fn a_value_longer_than_studio_reads_in_a_cell_is_refused_where_it_starts() {
    let long = "x".repeat(MAX_FIELD_BYTES + 1);
    let quoted = format!("a,b\n1,2\n3,\"{long}\"\n4,5\n");
    let message = error_in(quoted.as_bytes(), 1 << 20).to_string();
    assert!(
        message.contains("data.csv, line 3") && message.contains("closing quote"),
        "{message}"
    );
    // Unquoted, whether the record comes in one chunk or in many.
    let plain = format!("a,b\n1,2\n3,4\n5,{long}\n");
    let message = error_in_chunks(plain.as_bytes(), 1 << 20).to_string();
    assert!(
        message.contains("data.csv, line 4") && message.contains("longer than 16 MB"),
        "{message}"
    );
}

/// Seeded random bytes, as a damaged or unknown binary file holds.
fn random_bytes(len: usize, seed: u64) -> Vec<u8> {
    let mut rng = crate::rng::SplitMix64::new(seed);
    (0..len).map(|_| rng.next_u64() as u8).collect()
}

/// `head` followed by 2 KB of seeded random bytes, like a file of that format.
fn signed(head: &[u8]) -> Vec<u8> {
    let mut bytes = head.to_vec();
    bytes.extend(random_bytes(2048, 7));
    bytes
}

#[test]
fn a_binary_file_is_refused_with_what_it_looks_like() {
    let refused = |bytes: &[u8], says: &[&str]| {
        let message = error_in_chunks(bytes, 100).to_string();
        assert!(
            message.starts_with("data.csv ") && says.iter().all(|s| message.contains(s)),
            "{message}"
        );
    };
    // Random bytes loaded as a 17-row table named with control characters.
    refused(&random_bytes(2048, 1), &["binary data", "not a CSV file"]);
    refused(&signed(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), &["a PNG image"]);
    refused(&signed(b"\xFF\xD8\xFF\xE0\0\x10JFIF\0"), &["a JPEG image"]);
    refused(&signed(b"GIF89a"), &["a GIF image"]);
    refused(&signed(b"RIFF\x24\0\0\0WEBPVP8 "), &["a WebP image"]);
    refused(&signed(b"\x1F\x8B\x08\0"), &["gzip", "Decompress"]);
    refused(
        &signed(b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n"),
        &["a PDF document"],
    );
    refused(&signed(b"PAR1\x15\x04\x15"), &["a Parquet file"]);
    refused(
        &signed(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"),
        &["Excel 97-2003 workbook", "Save As"],
    );
    let mut xlsx = b"PK\x03\x04\x14\0\x06\0\x08\0\0\0!\0".to_vec();
    xlsx.extend_from_slice(b"[Content_Types].xml");
    xlsx.extend(random_bytes(300, 3));
    xlsx.extend_from_slice(b"PK\x03\x04\x14\0\x06\0\x08\0\0\0!\0xl/workbook.xml");
    refused(
        &signed(&xlsx),
        &["an Excel workbook", "File → Save As → CSV"],
    );
    refused(
        &signed(b"PK\x03\x04\x14\0\0\0\0\0mimetypeapplication/vnd.oasis.opendocument.spreadsheet"),
        &["an OpenDocument spreadsheet", "Save As"],
    );
    refused(
        &signed(b"PK\x03\x04\x14\0\0\0\x08\0data.csv"),
        &["a zip archive", "Extract"],
    );
}

#[test]
fn text_that_only_starts_like_a_signature_or_has_stray_controls_loads() {
    assert_eq!(
        loaded("PAR1,PAR2\n1,2\n3,4\n").frame.columns()[0].name,
        "PAR1"
    );
    // FileMaker writes line breaks inside a field as vertical tabs.
    let frame = loaded("name,notes\nann,first\x0bsecond\nbob,\x0c page\n").frame;
    assert_eq!(frame.rows(), 2);
}

/// `text` in UTF-16 without a byte-order mark.
fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
    text.encode_utf16()
        .flat_map(|u| {
            if big_endian {
                u.to_be_bytes()
            } else {
                u.to_le_bytes()
            }
        })
        .collect()
}

#[test]
fn utf16_without_a_bom_is_text_though_half_its_bytes_are_nul() {
    for (big_endian, encoding) in [(false, Encoding::Utf16Le), (true, Encoding::Utf16Be)] {
        let bytes = utf16("city,n\nKöln,1\nLyon,2\n", big_endian);
        let loaded = load(&bytes, "t.csv", LoadOptions::default()).expect("reads");
        assert_eq!(loaded.dialect.encoding, encoding);
        assert!(!loaded.dialect.bom);
        assert_eq!(
            loaded.frame.column("city").and_then(|c| c.text(0)),
            Some("Köln".into())
        );
    }
}

#[test]
fn a_smaller_sample_guesses_from_less_and_chunks_still_do_not_matter() {
    // Numbers in the first 64 bytes, words after.
    let mut csv = String::from("x,n\n");
    for i in 0..12 {
        csv.push_str(&format!("{i},{i}\n"));
    }
    for i in 0..30 {
        csv.push_str(&format!("word{i},{i}\n"));
    }
    let x = |loaded: &Loaded| loaded.frame.column("x").map(|c| c.kind());
    let whole = loaded(&csv);
    assert_eq!(x(&whole), Some(ColumnType::Id));
    assert!(whole.problems.is_empty(), "{:?}", whole.problems);
    let read = |chunk: usize| {
        let mut loader = Loader::new("t.csv", LoadOptions::default(), None).with_sample_bytes(64);
        for piece in csv.as_bytes().chunks(chunk) {
            loader.push(piece).expect("reads");
        }
        loader.finish().expect("reads")
    };
    let sampled = read(csv.len());
    assert_eq!(x(&sampled), Some(ColumnType::Integer));
    assert_eq!(sampled.problems[0].kind, ProblemKind::UnparsableValue);
    assert_eq!(sampled.problems[0].count, 30);
    for chunk in [1, 7, 63, 64, 65, 200] {
        let chunked = read(chunk);
        assert_eq!(chunked.frame, sampled.frame, "chunks of {chunk}");
        assert_eq!(chunked.problems, sampled.problems, "chunks of {chunk}");
        assert_eq!(chunked.dialect, sampled.dialect, "chunks of {chunk}");
    }
}

#[test]
fn rows_taken_in_chunks_are_the_whole_files_rows_with_one_schema() {
    // The first rows make `colour` a category; later ones would make it text
    // read alone (every value new), and `n` widens to floats part way.
    let mut csv = String::from("n,colour,x\n");
    for i in 0..3000 {
        let colour = if i < 1000 {
            ["red", "blue"][i % 2].to_owned()
        } else {
            format!("shade {i}")
        };
        let n = if i < 2000 {
            format!("{i}")
        } else {
            format!("{i}.5")
        };
        csv.push_str(&format!("{n},{colour},{}\n", i as f64 * 0.25));
    }
    let mut loader = Loader::new("t.csv", LoadOptions::default(), None).with_sample_bytes(2048);
    let mut chunks = Vec::new();
    for piece in csv.as_bytes().chunks(4096) {
        loader.push(piece).expect("reads");
        chunks.extend(loader.take_rows().expect("takes"));
    }
    let rest = loader.finish().expect("finishes");
    chunks.push(rest.frame);
    assert!(chunks.len() > 5, "{} chunks", chunks.len());
    let (mut n, mut colour, mut x) = (Vec::new(), Vec::new(), Vec::new());
    for chunk in &chunks {
        assert_eq!(
            chunk.column("colour").map(|c| c.kind()),
            Some(ColumnType::Categorical)
        );
        let column = |name| chunk.column(name).expect("a column");
        for r in 0..chunk.rows() {
            n.push(column("n").number(r));
            colour.push(column("colour").text(r));
            x.push(column("x").number(r));
        }
    }
    assert_eq!(n.len(), 3000);
    for i in 0..3000 {
        let whole = if i < 2000 { i as f64 } else { i as f64 + 0.5 };
        assert_eq!(n[i], Some(whole), "row {i}");
        assert_eq!(x[i], Some(i as f64 * 0.25), "row {i}");
    }
    assert_eq!(colour[1], Some("blue".to_owned()));
    assert_eq!(colour[2999], Some("shade 2999".to_owned()));
    // Rows taken are not given again, and a file whose every row was taken
    // finishes with none left rather than failing as empty.
    let mut small = Loader::new("t.csv", LoadOptions::default(), None).with_sample_bytes(16);
    small.push(b"a,b\n1,2\n3,4\n5,6\n").expect("reads");
    let taken = small.take_rows().expect("takes").map_or(0, |f| f.rows());
    assert_eq!(small.take_rows().expect("takes"), None);
    assert_eq!(taken + small.finish().expect("finishes").frame.rows(), 3);
}

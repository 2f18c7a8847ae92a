//! Studio's column statistics and correlation matrices against pandas.
//!
//! `tests/reference/explore_*.json` are written by
//! `scripts/reference/pandas_explore.py` from the bundled samples and a seeded
//! fixture with gaps, ties and a constant column. Every figure must agree to
//! 1e-9 relative (a figure pandas leaves undefined, Studio too); counts exactly.

use std::path::Path;

use serde_json::Value;
use studio_core::frame::Frame;
use studio_core::frame::correlation::{Method, correlation};
use studio_core::frame::statistics::{is_measure, statistics};
use studio_core::ingest::read_csv;

const TOLERANCE: f64 = 1e-9;

fn close(got: Option<f64>, want: &Value, what: &str) {
    match (got, want.as_f64()) {
        (None, None) => {}
        (Some(g), Some(w)) => assert!(
            (g - w).abs() <= TOLERANCE * w.abs().max(1e-3),
            "{what}: {g} against pandas' {w}"
        ),
        _ => panic!("{what}: {got:?} against pandas' {want}"),
    }
}

fn read(file: &str) -> Frame {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(file);
    read_csv(&std::fs::read(&path).expect("the file"), file).expect("reads")
}

fn check(name: &str) {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/reference/explore_{name}.json")),
    )
    .expect("the reference file");
    let reference: Value = serde_json::from_str(&text).expect("JSON");
    let frame = read(reference["file"].as_str().expect("file"));
    let stats = statistics(&frame);
    for (column, s) in frame.columns().iter().zip(&stats) {
        let want = &reference["columns"][&column.name];
        let what = |field: &str| format!("{name}: {} {field}", column.name);
        assert_eq!(
            s.missing as u64,
            want["missing"].as_u64().expect("missing"),
            "{}",
            what("missing")
        );
        assert_eq!(
            s.unique as u64,
            want["unique"].as_u64().expect("unique"),
            "{}",
            what("unique")
        );
        let counts: Vec<u64> = s.top.iter().map(|t| t.count as u64).collect();
        let want_counts: Vec<u64> = want["top_counts"]
            .as_array()
            .expect("counts")
            .iter()
            .filter_map(Value::as_u64)
            .collect();
        assert_eq!(counts, want_counts, "{}", what("most common counts"));
        // Studio's measures are pandas' numeric columns.
        assert_eq!(
            is_measure(column.kind()),
            want.get("mean").is_some(),
            "{}",
            what("kind")
        );
        if !is_measure(column.kind()) {
            continue;
        }
        assert_eq!(
            s.count as u64,
            want["count"].as_u64().expect("count"),
            "{}",
            what("count")
        );
        for (field, got) in [
            ("mean", s.mean),
            ("std", s.std),
            ("min", s.min),
            ("q1", s.q1),
            ("median", s.median),
            ("q3", s.q3),
            ("max", s.max),
            ("skew", s.skew),
            ("kurtosis", s.kurtosis),
        ] {
            close(got, &want[field], &what(field));
        }
    }
    let methods = [
        (Method::Pearson, "pearson"),
        (Method::Spearman, "spearman"),
        (Method::CramersV, "cramers_v"),
    ];
    for (method, key) in methods {
        let got = correlation(&frame, method);
        let want = &reference["corr"][key];
        let columns: Vec<&str> = want["columns"]
            .as_array()
            .expect("columns")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert_eq!(got.columns, columns, "{name} {key}: the columns");
        for (i, row) in got.matrix.iter().enumerate() {
            for (j, &r) in row.iter().enumerate() {
                let what = format!("{name} {key} {} × {}", columns[i], columns[j]);
                close(r, &want["matrix"][i][j], &what);
            }
        }
    }
}

#[test]
fn statistics_and_correlations_match_pandas_on_every_sample() {
    for name in ["iris", "penguins", "diabetes", "wine", "breast_cancer"] {
        check(name);
    }
}

#[test]
fn gaps_ties_and_a_constant_column_match_pandas() {
    check("gaps");
}

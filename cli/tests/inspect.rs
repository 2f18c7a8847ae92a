//! `studio inspect`: the schema, dialect and load report of a CSV, as text and as
//! the contracted JSON.

use assert_cmd::Command;
use serde_json::Value;

fn studio() -> Command {
    Command::cargo_bin("studio").expect("the studio binary is built")
}

fn fixture(name: &str) -> String {
    format!(
        "{}/../core/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[test]
fn json_has_the_contracted_keys_and_the_load_report() {
    let output = studio()
        .args(["inspect", &fixture("messy-latin1.csv"), "--json"])
        .output()
        .expect("runs");
    assert!(output.status.success(), "{output:?}");
    let v: Value = serde_json::from_slice(&output.stdout).expect("one JSON object");
    assert_eq!(v["rows"], 6);
    let columns = v["columns"].as_array().expect("columns");
    let described: Vec<(String, String, u64, String)> = columns
        .iter()
        .map(|c| {
            (
                c["name"].as_str().expect("name").to_owned(),
                c["type"].as_str().expect("type").to_owned(),
                c["missing"].as_u64().expect("missing"),
                c["role"].as_str().expect("role").to_owned(),
            )
        })
        .collect();
    let expected = [
        ("id", "id", 0, "id"),
        ("Stadt", "categorical", 0, "feature"),
        ("Preis", "float", 1, "feature"),
        ("Datum", "date", 0, "feature"),
        ("Anzahl", "integer", 1, "feature"),
        ("Aktiv", "categorical", 1, "feature"),
    ];
    assert_eq!(
        described,
        expected
            .iter()
            .map(|(n, t, m, r)| ((*n).to_owned(), (*t).to_owned(), *m, (*r).to_owned()))
            .collect::<Vec<_>>()
    );
    let d = &v["dialect"];
    assert_eq!(
        (&d["delimiter"], &d["quote"], &d["header"], &d["encoding"]),
        (
            &Value::from(";"),
            &Value::from("\""),
            &Value::from(true),
            &Value::from("windows-1252")
        )
    );
    let problems = v["problems"].as_array().expect("problems");
    let kinds: Vec<(&str, u64)> = problems
        .iter()
        .map(|p| {
            (
                p["kind"].as_str().expect("kind"),
                p["count"].as_u64().expect("count"),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [("unparsable_value", 1), ("short_row", 1), ("long_row", 1)]
    );
    let example = &problems[0]["examples"][0];
    assert_eq!(
        (&example["row"], &example["column"], &example["value"]),
        (
            &Value::from(4),
            &Value::from("Preis"),
            &Value::from("unbekannt")
        )
    );
}

#[test]
fn text_output_and_overrides() {
    let output = studio()
        .args([
            "inspect",
            &fixture("messy-latin1.csv"),
            "--type",
            "Preis=text",
            "--header",
            "true",
        ])
        .output()
        .expect("runs");
    assert!(output.status.success(), "{output:?}");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("6 rows × 6 columns"), "{text}");
    assert!(
        text.contains("delimiter ';'") && text.contains("windows-1252"),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("Preis") && l.contains("text")),
        "{text}"
    );
    assert!(!text.contains("unparsable_value"), "{text}");
    assert!(text.contains("short_row (1)"), "{text}");
}

#[test]
fn unreadable_files_fail_with_the_reason() {
    let missing = studio()
        .args(["inspect", "/nonexistent/data.csv"])
        .output()
        .expect("runs");
    assert!(!missing.status.success());
    let message = String::from_utf8_lossy(&missing.stderr);
    assert!(
        message.contains("cannot read /nonexistent/data.csv"),
        "{message}"
    );

    let dir = std::env::temp_dir().join(format!("studio-inspect-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let empty = dir.join("empty.csv");
    std::fs::write(&empty, b"").expect("write");
    let output = studio()
        .args(["inspect", empty.to_str().expect("utf-8")])
        .output()
        .expect("runs");
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("is empty"));

    let bad = studio()
        .args([
            "inspect",
            empty.to_str().expect("utf-8"),
            "--type",
            "x=number",
        ])
        .output()
        .expect("runs");
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown type \"number\""));
}

#[test]
fn a_binary_file_fails_with_what_it_is_and_prints_no_table() {
    let dir = std::env::temp_dir().join(format!("studio-binary-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let mut rng = studio_core::rng::SplitMix64::new(1);
    let random: Vec<u8> = (0..2048).map(|_| rng.next_u64() as u8).collect();
    let mut workbook = b"PK\x03\x04\x14\0\x06\0\x08\0\0\0!\0[Content_Types].xml".to_vec();
    workbook.extend_from_slice(&random);
    workbook.extend_from_slice(b"PK\x03\x04\x14\0\x06\0\x08\0\0\0!\0xl/workbook.xml");
    for (name, bytes, says) in [
        ("random.csv", &random, "holds binary data, not text"),
        ("book.xlsx", &workbook, "is an Excel workbook"),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, bytes).expect("write");
        let output = studio()
            .args(["inspect", path.to_str().expect("utf-8")])
            .output()
            .expect("runs");
        assert!(!output.status.success(), "{output:?}");
        let message = String::from_utf8_lossy(&output.stderr);
        assert!(message.contains(says), "{message}");
        assert!(output.stdout.is_empty(), "{output:?}");
    }
    std::fs::remove_dir_all(&dir).expect("clean up");
}

#[test]
fn stats_and_corr_add_the_contracted_keys() {
    let output = studio()
        .args([
            "inspect",
            &fixture("gaps.csv"),
            "--stats",
            "--corr",
            "spearman",
            "--json",
        ])
        .output()
        .expect("runs");
    assert!(output.status.success(), "{output:?}");
    let v: Value = serde_json::from_slice(&output.stdout).expect("one JSON object");
    let columns = v["columns"].as_array().expect("columns");
    let normal = &columns[0];
    assert_eq!(normal["name"], "normal");
    for key in ["mean", "std", "min", "q1", "median", "q3", "max", "skew"] {
        assert!(normal[key].is_f64(), "{key}: {normal}");
    }
    assert!(normal["unique"].as_u64().expect("unique") > 500);
    assert!(normal["missing"].as_u64().expect("missing") > 0);
    // A category has counts and its most common values, and no moments.
    let group = columns
        .iter()
        .find(|c| c["name"] == "group")
        .expect("group");
    assert_eq!(group["unique"], 4);
    assert!(group["mean"].is_null());
    assert_eq!(group["top"][0]["value"], "north");
    // A constant column has no skewness: null, not NaN.
    let constant = columns
        .iter()
        .find(|c| c["name"] == "constant")
        .expect("constant");
    assert!(constant["skew"].is_null() && constant["std"] == 0.0);
    let corr = &v["corr"];
    assert_eq!(corr["method"], "spearman");
    assert_eq!(
        corr["columns"],
        serde_json::json!(["normal", "tied", "skewed", "count", "constant"])
    );
    assert_eq!(corr["matrix"][0][0], 1.0);
    assert!(corr["matrix"][4][4].is_null());
    // Without the flags, neither is there.
    let plain = studio()
        .args(["inspect", &fixture("gaps.csv"), "--json"])
        .output()
        .expect("runs");
    let v: Value = serde_json::from_slice(&plain.stdout).expect("JSON");
    assert!(v.get("corr").is_none() && v["columns"][0].get("mean").is_none());
    let wrong = studio()
        .args(["inspect", &fixture("gaps.csv"), "--corr", "kendall"])
        .output()
        .expect("runs");
    assert!(!wrong.status.success());
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("use pearson, spearman or cramers_v"));
}

#[test]
fn quality_adds_warnings_with_their_kind_columns_and_evidence() {
    let sample = format!(
        "{}/../data/samples/breast_cancer.csv",
        env!("CARGO_MANIFEST_DIR")
    );
    let output = studio()
        .args([
            "inspect",
            &sample,
            "--quality",
            "--target",
            "diagnosis",
            "--json",
        ])
        .output()
        .expect("runs");
    assert!(output.status.success(), "{output:?}");
    let v: Value = serde_json::from_slice(&output.stdout).expect("one JSON object");
    let warnings = v["warnings"].as_array().expect("warnings");
    let correlated = warnings
        .iter()
        .find(|w| {
            w["kind"] == "correlated"
                && w["columns"] == serde_json::json!(["mean radius", "mean perimeter"])
        })
        .expect("radius and perimeter say the same");
    assert!(
        correlated["evidence"]
            .as_str()
            .expect("evidence")
            .starts_with("Pearson's r is 0.998")
    );
    for w in warnings {
        assert!(
            w["kind"].is_string() && w["columns"].is_array() && w["evidence"].is_string(),
            "{w}"
        );
    }
    let gaps = studio()
        .args(["inspect", &fixture("gaps.csv"), "--quality"])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&gaps.stdout);
    assert!(
        text.contains("constant (constant): every value present is “7.5”"),
        "{text}"
    );
    let wrong = studio()
        .args([
            "inspect",
            &fixture("gaps.csv"),
            "--quality",
            "--target",
            "nope",
        ])
        .output()
        .expect("runs");
    assert!(!wrong.status.success());
    assert!(
        String::from_utf8_lossy(&wrong.stderr).contains("there is no column \"nope\" for --target")
    );
}

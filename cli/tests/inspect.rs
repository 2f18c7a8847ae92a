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

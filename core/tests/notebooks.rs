//! Notebooks written by earlier Studios still open, unchanged.

use studio_core::notebook::{Notebook, decode_link, encode_link};

/// Schema-1 notebooks as Studio writes them (pretty-printed): the welcome notebook, a
/// sample with a trained logistic regression, a local file with reading overrides,
/// and synthetic data.
const FIXTURES: [&str; 4] = [
    "welcome.json",
    "sample-logistic.json",
    "local-file.json",
    "synthetic.json",
];

#[test]
fn every_schema_1_fixture_opens_unchanged() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/notebooks");
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .expect("the fixtures directory")
        .map(|entry| {
            entry
                .expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    on_disk.sort();
    let mut listed = FIXTURES.map(str::to_owned).to_vec();
    listed.sort();
    assert_eq!(on_disk, listed, "every fixture is listed here");
    for name in FIXTURES {
        let text = std::fs::read_to_string(dir.join(name)).expect("reads");
        let notebook = Notebook::from_json(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let written: serde_json::Value =
            serde_json::from_str(&notebook.to_json()).expect("writes JSON");
        let fixture: serde_json::Value = serde_json::from_str(&text).expect("fixture JSON");
        assert_eq!(written, fixture, "{name} changed on the way through");
        assert_eq!(
            decode_link(&encode_link(&notebook)),
            Some(Ok(notebook)),
            "{name} through a link"
        );
    }
}

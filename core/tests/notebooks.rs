//! Notebooks written by earlier Studios still open, meaning what they meant.

use serde_json::Value;
use studio_core::notebook::{CellKind, Notebook, SCHEMA_VERSION, decode_link, encode_link};

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
fn every_schema_1_fixture_opens_with_its_split_in_a_cell_of_its_own() {
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
        assert_eq!(notebook.schema_version, SCHEMA_VERSION);
        let fixture: Value = serde_json::from_str(&text).expect("fixture JSON");
        let old: Vec<&Value> = fixture["cells"].as_array().expect("cells").iter().collect();
        // Every old cell is there, in its order, with its id and settings; each
        // train cell reads a split holding its old test_size and seed, which
        // reads the first data cell.
        let kept: Vec<u32> = notebook
            .cells
            .iter()
            .filter(|c| !matches!(c.kind, CellKind::Split(_)))
            .map(|c| c.id)
            .collect();
        let ids: Vec<u32> = old
            .iter()
            .map(|c| c["id"].as_u64().expect("id") as u32)
            .collect();
        assert_eq!(kept, ids, "{name}: the cells kept");
        let data = old
            .iter()
            .find(|c| c["kind"] == "data")
            .map(|c| c["id"].as_u64().expect("id") as u32);
        for cell in old.iter().filter(|c| c["kind"] == "train") {
            let id = cell["id"].as_u64().expect("id") as u32;
            let split = notebook
                .split_of(id)
                .unwrap_or_else(|| panic!("{name}: a split"));
            assert_eq!(Some(split.test_size), cell["test_size"].as_f64(), "{name}");
            assert_eq!(Some(split.seed), cell["seed"].as_u64(), "{name}");
            assert_eq!(
                notebook.data_of(id).map(|c| c.id),
                data,
                "{name}: the data read"
            );
            let CellKind::Train(train) = &notebook.cell(id).expect("cell").kind else {
                panic!("{name}: a train cell");
            };
            assert_eq!(
                serde_json::to_value(&train.model).expect("json"),
                cell["model"],
                "{name}: the model"
            );
        }
        // Written again, it reads back as itself.
        assert_eq!(
            Notebook::from_json(&notebook.to_json()),
            Ok(notebook.clone())
        );
        assert_eq!(
            decode_link(&encode_link(&notebook)),
            Some(Ok(notebook)),
            "{name} through a link"
        );
    }
}

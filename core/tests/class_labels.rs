//! Class labels keep the data's own spelling: a `Yes`/`No` target is read as
//! boolean, and the model predicts `Yes` and `No`, in its classes, its predictions,
//! its ONNX `label` output and back from a saved dataset.

use prost::Message;
use studio_core::export::onnx_proto::ModelProto;
use studio_core::export::to_onnx;
use studio_core::frame::ColumnType;
use studio_core::frame::store::{decode, encode};
use studio_core::ingest::read_csv;
use studio_core::learner::{ModelSpec, registry};
use studio_core::train::{Task, TrainSpec, train};

fn data() -> Vec<u8> {
    let mut csv = String::from("x,bought\n");
    for i in 0..60 {
        csv.push_str(&format!("{i},{}\n", if i % 3 == 0 { "Yes" } else { "No" }));
    }
    csv.into_bytes()
}

#[test]
fn a_yes_no_target_is_predicted_as_yes_and_no() {
    let frame = read_csv(&data(), "shop.csv").expect("reads");
    let column = frame.column("bought").expect("the target");
    assert_eq!(column.kind(), ColumnType::Boolean);
    assert_eq!(column.text(0).as_deref(), Some("Yes"));
    for family in ["logistic", "tree"] {
        let spec = TrainSpec {
            target: Some("bought".into()),
            task: Task::Classification,
            model: ModelSpec::new(registry::family(family).expect("known")),
            test_size: 0.25,
            seed: 3,
        };
        let trained = pollster::block_on(train(&frame, None, spec)).expect("trains");
        assert_eq!(trained.pipeline.model.classes(), ["No", "Yes"], "{family}");
        assert!(
            trained
                .predictions
                .labels
                .iter()
                .all(|l| l == "Yes" || l == "No"),
            "{family}: {:?}",
            trained.predictions.labels
        );
        let onnx =
            ModelProto::decode(&to_onnx(&trained.pipeline).expect("exports")[..]).expect("decodes");
        let graph = onnx.graph.expect("a graph");
        let yes = |s: &Vec<u8>| s == b"Yes";
        let in_nodes = graph
            .node
            .iter()
            .flat_map(|n| &n.attribute)
            .any(|a| a.strings.iter().any(yes));
        let in_constants = graph
            .initializer
            .iter()
            .any(|t| t.string_data.iter().any(yes));
        assert!(
            in_nodes || in_constants,
            "{family}: the ONNX labels are spelled as the data"
        );
    }
}

#[test]
fn the_spelling_survives_a_saved_dataset_and_an_unseen_word_is_partnered() {
    let frame = read_csv(&data(), "shop.csv").expect("reads");
    let bytes = encode(&frame, &serde_json::json!({}));
    let (back, _) = decode(&bytes).expect("decodes");
    assert_eq!(
        back.column("bought").and_then(|c| c.text(1)).as_deref(),
        Some("No")
    );
    // Only `YES` is written: false reads as `NO`, in the same case.
    let upper = read_csv(b"flag\nYES\nYES\n\nYES\n", "u.csv").expect("reads");
    let column = upper.column("flag").expect("column");
    assert_eq!(column.kind(), ColumnType::Boolean);
    assert_eq!(column.words().map(|w| w[0].as_str()), Some("NO"));
    // Plain true/false needs no words.
    let plain = read_csv(b"flag\ntrue\nfalse\n", "p.csv").expect("reads");
    assert_eq!(plain.column("flag").and_then(|c| c.words()), None);
}

//! A fitted [`Pipeline`] as an ONNX model (IR version 8, opset 17 and `ai.onnx.ml` 3).
//!
//! The graph takes one `[N, 1]` input per raw feature column, named after the
//! column and in preprocessing order: `tensor(float)` for number columns (NaN is
//! missing) and `tensor(string)` for category columns (an empty or unseen string
//! is missing). Each preprocessing step adds its own nodes
//! ([`Transform::write_onnx`](crate::prep::Transform::write_onnx)); the default ones:
//!
//! * mean imputation: `Imputer` (missing → training mean);
//! * standardization: `Scaler` (`(x − mean) / scale`);
//! * one-hot encoding: `OneHotEncoder` (unseen → all zeros), then `Flatten` to `[N, categories]`.
//!
//! `Concat` joins the blocks into the `[N, inputs]` model input, and the fitted
//! model adds its own nodes from there ([`Model::write_onnx`](crate::learner::Model::write_onnx)).
//! Classifiers give **`label`** (`tensor(string)`, `[N]`, spelled as in the data)
//! and **`probabilities`** (`tensor(float)`, `[N, classes]`, columns in the
//! model's class order); regressors give **`prediction`** (`tensor(float)`,
//! `[N, 1]`); k-means gives **`label`** (`tensor(int64)`, `[N]`) and
//! **`distances`** (`tensor(float)`, `[N, k]`).
//!
//! The model's `metadata_props` hold the pipeline itself as JSON under
//! `studio.pipeline`, with `studio.target` and `studio.task`.
//!
//! ONNX computes in 32-bit floats where Studio uses 64-bit ones, so its numbers
//! agree with Studio's to about six significant digits.

use prost::Message;
use thiserror::Error;

use super::graph::{self, Graph, INTERNAL, ML_DOMAIN};
use super::onnx_proto::{ModelProto, OperatorSetIdProto, StringStringEntryProto};
use crate::prep::{Input, Tensors};
use crate::train::Pipeline;

pub use super::graph::BATCH;

/// The ONNX IR version written.
pub const IR_VERSION: i64 = 8;
/// The version of the default (`""`, `ai.onnx`) operator set imported.
pub const OPSET: i64 = 17;
/// The version of the `ai.onnx.ml` operator set imported.
pub const ML_OPSET: i64 = 3;
/// The `metadata_props` key that holds the pipeline JSON.
pub const PIPELINE_KEY: &str = "studio.pipeline";

/// Classifier output: the predicted class, `tensor(string)` `[N]`.
pub const LABEL: &str = "label";
/// Classifier output: class probabilities, `tensor(float)` `[N, classes]`.
pub const PROBABILITIES: &str = "probabilities";
/// Regressor output: the predicted value, `tensor(float)` `[N, 1]`.
pub const PREDICTION: &str = "prediction";

#[derive(Debug, Clone, PartialEq, Error)]
pub enum ExportError {
    #[error("the pipeline has no feature columns, so there is nothing to export")]
    NoFeatures,
    #[error("the preprocessing makes no model inputs (every category column is empty)")]
    NoInputs,
    #[error(
        "a feature column has an empty name, which ONNX cannot use as an input name; \
         rename it and train again"
    )]
    EmptyName,
    #[error(
        "the feature column \"{0}\" appears twice in the pipeline; ONNX input names must differ"
    )]
    DuplicateColumn(String),
    #[error(
        "the feature column \"{0}\" clashes with a name the ONNX model uses itself \
         (its outputs, or names starting with \"{INTERNAL}\"); rename it and train again"
    )]
    NameClash(String),
    #[error("the pipeline does not fit together: {0}")]
    Inconsistent(String),
    #[error(
        "{0} is not a finite 32-bit number (the training may have diverged); \
         train again, for example with stronger regularization"
    )]
    NotFinite(String),
    #[error("could not write the pipeline as JSON: {0}")]
    Json(String),
}

/// The fitted pipeline as a serialized ONNX `ModelProto`; see the [module docs](self).
pub fn to_onnx(pipeline: &Pipeline) -> Result<Vec<u8>, ExportError> {
    Ok(model(pipeline)?.encode_to_vec())
}

fn model(pipeline: &Pipeline) -> Result<ModelProto, ExportError> {
    let prep = &pipeline.preprocessing;
    if prep.inputs.is_empty() {
        return Err(ExportError::NoFeatures);
    }
    let fitted = pipeline.model.model();
    check_names(&prep.inputs, fitted.outputs())?;
    let width = prep
        .layout()
        .map_err(|e| ExportError::Inconsistent(e.to_string()))?
        .width();
    if width == 0 {
        return Err(ExportError::NoInputs);
    }
    check_width(fitted.inputs(), width)?;

    let mut graph = Graph::new("studio_pipeline");
    let mut tensors = Tensors::inputs(&mut graph, &prep.inputs);
    let blocks = prep.write_onnx(&mut graph, &mut tensors)?;
    let features = format!("{INTERNAL}features");
    let block_refs: Vec<&str> = blocks.iter().map(String::as_str).collect();
    graph.node(
        "Concat",
        "",
        &block_refs,
        &[&features],
        vec![graph::int("axis", 1)],
    );
    let what = fitted.write_onnx(&mut graph, &features)?;
    let task = pipeline.task.name();
    let predicts = match &pipeline.target {
        Some(target) => format!("Predicts \"{target}\" ({task}) with {what}"),
        None => format!("Groups the rows ({task}) with {what}"),
    };
    let description = format!(
        "{predicts} Inputs: one [N, 1] tensor per raw feature column ({}), \
         float with NaN for missing numbers, string with \"\" for missing categories.",
        prep.inputs
            .iter()
            .map(|i| i.column.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    let graph = graph.finish(description.clone());

    let json = serde_json::to_string(pipeline).map_err(|e| ExportError::Json(e.to_string()))?;
    let mut metadata_props = vec![entry(PIPELINE_KEY, json)];
    if let Some(target) = &pipeline.target {
        metadata_props.push(entry("studio.target", target.clone()));
    }
    metadata_props.push(entry("studio.task", task.into()));
    Ok(ModelProto {
        ir_version: Some(IR_VERSION),
        opset_import: vec![
            OperatorSetIdProto {
                domain: Some(String::new()),
                version: Some(OPSET),
            },
            OperatorSetIdProto {
                domain: Some(ML_DOMAIN.into()),
                version: Some(ML_OPSET),
            },
        ],
        producer_name: Some("studio".into()),
        producer_version: Some(crate::VERSION.into()),
        doc_string: Some(description),
        graph: Some(graph),
        metadata_props,
        ..Default::default()
    })
}

/// Inputs are named after their columns: names must be non-empty, distinct, and
/// clear of the outputs and internal names.
fn check_names(inputs: &[Input], outputs: &[&str]) -> Result<(), ExportError> {
    let mut seen = std::collections::BTreeSet::new();
    for column in inputs.iter().map(|i| i.column.as_str()) {
        if column.is_empty() {
            return Err(ExportError::EmptyName);
        }
        if outputs.contains(&column) || column.starts_with(INTERNAL) {
            return Err(ExportError::NameClash(column.into()));
        }
        if !seen.insert(column) {
            return Err(ExportError::DuplicateColumn(column.into()));
        }
    }
    Ok(())
}

pub(crate) fn check_width(got: usize, width: usize) -> Result<(), ExportError> {
    if got == width {
        Ok(())
    } else {
        Err(ExportError::Inconsistent(format!(
            "the model reads {got} inputs per row but the preprocessing makes {width}"
        )))
    }
}

fn entry(key: &str, value: String) -> StringStringEntryProto {
    StringStringEntryProto {
        key: Some(key.into()),
        value: Some(value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::onnx_proto::tensor_proto::DataType;
    use crate::export::onnx_proto::tensor_shape_proto::dimension;
    use crate::export::onnx_proto::{
        AttributeProto, GraphProto, NodeProto, ValueInfoProto, type_proto,
    };
    use crate::learner::Fitted;
    use crate::model::linear::LinearModel;
    use crate::model::logistic::LogisticModel;
    use crate::prep::{ImputeMean, InputKind, OneHot, Preprocessor, Standardize, Step};
    use crate::train::Task;

    fn pipeline(task: Task, model: Fitted) -> Pipeline {
        Pipeline {
            target: Some("y".into()),
            task,
            preprocessing: Preprocessor {
                inputs: vec![
                    Input {
                        column: "x".into(),
                        kind: InputKind::Number,
                    },
                    Input {
                        column: "colour".into(),
                        kind: InputKind::Category,
                    },
                ],
                steps: vec![
                    Step::ImputeMean(ImputeMean {
                        columns: vec!["x".into()],
                        means: vec![2.0],
                    }),
                    Step::Standardize(Standardize {
                        columns: vec!["x".into()],
                        means: vec![2.0],
                        scales: vec![0.5],
                    }),
                    Step::OneHot(OneHot {
                        columns: vec!["colour".into()],
                        categories: vec![vec!["blue".into(), "green".into()]],
                    }),
                ],
            },
            model,
        }
    }

    fn logistic_model() -> LogisticModel {
        LogisticModel {
            classes: vec!["a".into(), "b".into(), "c".into()],
            coef: vec![
                vec![1.0, 2.0, 3.0],
                vec![4.0, 5.0, 6.0],
                vec![7.0, 8.0, 9.0],
            ],
            intercept: vec![0.1, 0.2, 0.3],
        }
    }

    fn linear_model() -> LinearModel {
        LinearModel {
            coef: vec![1.5, -2.0, 0.25],
            intercept: 10.0,
        }
    }

    fn logistic() -> Pipeline {
        pipeline(Task::Classification, Fitted::new(logistic_model()))
    }

    fn linear() -> Pipeline {
        pipeline(Task::Regression, Fitted::new(linear_model()))
    }

    fn export(pipeline: &Pipeline) -> ModelProto {
        let bytes = to_onnx(pipeline).expect("exports");
        ModelProto::decode(bytes.as_slice()).expect("decodes")
    }

    fn graph(model: &ModelProto) -> &GraphProto {
        model.graph.as_ref().expect("has a graph")
    }

    /// (name, element type, dims as text: a number or the symbolic name).
    fn signature(values: &[ValueInfoProto]) -> Vec<(String, DataType, Vec<String>)> {
        values
            .iter()
            .map(|v| {
                let Some(type_proto::Value::TensorType(t)) =
                    v.r#type.as_ref().and_then(|t| t.value.as_ref())
                else {
                    panic!("{:?} is not a tensor", v.name)
                };
                let elem = DataType::try_from(t.elem_type.expect("elem type")).expect("known");
                let dims = t
                    .shape
                    .as_ref()
                    .expect("shape")
                    .dim
                    .iter()
                    .map(|d| match d.value.as_ref().expect("dim") {
                        dimension::Value::DimValue(n) => n.to_string(),
                        dimension::Value::DimParam(p) => p.clone(),
                    })
                    .collect();
                (v.name.clone().expect("name"), elem, dims)
            })
            .collect()
    }

    fn sig(name: &str, elem: DataType, dims: &[&str]) -> (String, DataType, Vec<String>) {
        (
            name.into(),
            elem,
            dims.iter().map(|d| (*d).to_owned()).collect(),
        )
    }

    fn ops(graph: &GraphProto) -> Vec<(String, String)> {
        graph
            .node
            .iter()
            .map(|n| {
                (
                    n.domain.clone().unwrap_or_default(),
                    n.op_type.clone().expect("op type"),
                )
            })
            .collect()
    }

    fn attr<'a>(node: &'a NodeProto, name: &str) -> &'a AttributeProto {
        node.attribute
            .iter()
            .find(|a| a.name.as_deref() == Some(name))
            .unwrap_or_else(|| panic!("{:?} has no attribute {name}", node.op_type))
    }

    fn find<'a>(graph: &'a GraphProto, op: &str) -> &'a NodeProto {
        graph
            .node
            .iter()
            .find(|n| n.op_type.as_deref() == Some(op))
            .unwrap_or_else(|| panic!("no {op} node"))
    }

    fn check_header(model: &ModelProto) {
        assert_eq!(model.ir_version, Some(8));
        let opsets: Vec<(&str, i64)> = model
            .opset_import
            .iter()
            .map(|o| {
                (
                    o.domain.as_deref().unwrap_or(""),
                    o.version.expect("version"),
                )
            })
            .collect();
        assert_eq!(opsets, vec![("", 17), ("ai.onnx.ml", 3)]);
        assert_eq!(model.producer_name.as_deref(), Some("studio"));
        assert_eq!(model.producer_version.as_deref(), Some(crate::VERSION));
        let json = model
            .metadata_props
            .iter()
            .find(|p| p.key.as_deref() == Some("studio.pipeline"))
            .and_then(|p| p.value.as_deref())
            .expect("pipeline metadata");
        let _: Pipeline = serde_json::from_str(json).expect("pipeline JSON");
    }

    fn check_inputs(graph: &GraphProto) {
        assert_eq!(
            signature(&graph.input),
            vec![
                sig("x", DataType::Float, &["N", "1"]),
                sig("colour", DataType::String, &["N", "1"]),
            ]
        );
    }

    fn check_ops(graph: &GraphProto, model_op: &str) {
        let want: Vec<(String, String)> = [
            ("ai.onnx.ml", "Imputer"),
            ("ai.onnx.ml", "Scaler"),
            ("ai.onnx.ml", "OneHotEncoder"),
            ("", "Flatten"),
            ("", "Concat"),
            ("ai.onnx.ml", model_op),
        ]
        .iter()
        .map(|(d, o)| ((*d).to_owned(), (*o).to_owned()))
        .collect();
        assert_eq!(ops(graph), want);
    }

    #[test]
    fn exports_a_classifier_with_label_and_probabilities() {
        let pipeline = logistic();
        let model = export(&pipeline);
        check_header(&model);
        let graph = graph(&model);
        check_inputs(graph);
        assert_eq!(
            signature(&graph.output),
            vec![
                sig("label", DataType::String, &["N"]),
                sig("probabilities", DataType::Float, &["N", "3"]),
            ]
        );
        check_ops(graph, "LinearClassifier");
        assert!(
            model
                .doc_string
                .as_deref()
                .is_some_and(|d| d.contains("\"y\"") && d.contains("classification"))
        );
        assert_eq!(graph.doc_string, model.doc_string);

        let imputer = find(graph, "Imputer");
        assert_eq!(attr(imputer, "imputed_value_floats").floats, vec![2.0]);
        assert!(attr(imputer, "replaced_value_float").f.expect("f").is_nan());
        let scaler = find(graph, "Scaler");
        assert_eq!(attr(scaler, "offset").floats, vec![2.0]);
        assert_eq!(attr(scaler, "scale").floats, vec![2.0]);
        let onehot = find(graph, "OneHotEncoder");
        assert_eq!(onehot.input, vec!["colour".to_owned()]);
        assert_eq!(
            attr(onehot, "cats_strings").strings,
            vec![b"blue".to_vec(), b"green".to_vec()]
        );
        assert_eq!(attr(onehot, "zeros").i, Some(1));
        let concat = find(graph, "Concat");
        assert_eq!(
            concat.input,
            vec![
                find(graph, "Scaler").output[0].clone(),
                find(graph, "Flatten").output[0].clone()
            ]
        );
        let classifier = find(graph, "LinearClassifier");
        assert_eq!(classifier.input, concat.output);
        assert_eq!(
            classifier.output,
            vec!["label".to_owned(), "probabilities".to_owned()]
        );
        assert_eq!(
            attr(classifier, "coefficients").floats,
            vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]
        );
        assert_eq!(attr(classifier, "intercepts").floats, vec![0.1, 0.2, 0.3]);
        assert_eq!(
            attr(classifier, "classlabels_strings").strings,
            vec![b"a".to_vec(), b"b".to_vec(), b"c".to_vec()]
        );
        assert_eq!(
            attr(classifier, "post_transform").s.as_deref(),
            Some(&b"SOFTMAX"[..])
        );
    }

    #[test]
    fn exports_a_regressor_with_prediction() {
        let pipeline = linear();
        let model = export(&pipeline);
        check_header(&model);
        let graph = graph(&model);
        check_inputs(graph);
        assert_eq!(
            signature(&graph.output),
            vec![sig("prediction", DataType::Float, &["N", "1"])]
        );
        check_ops(graph, "LinearRegressor");
        let regressor = find(graph, "LinearRegressor");
        assert_eq!(regressor.output, vec!["prediction".to_owned()]);
        assert_eq!(
            attr(regressor, "coefficients").floats,
            vec![1.5, -2.0, 0.25]
        );
        assert_eq!(attr(regressor, "intercepts").floats, vec![10.0]);
        assert!(
            graph
                .doc_string
                .as_deref()
                .is_some_and(|d| d.contains("regression"))
        );
    }

    #[test]
    fn refuses_pipelines_it_cannot_export() {
        let mut clash = linear();
        clash.preprocessing.inputs[0].column = "prediction".into();
        assert_eq!(
            to_onnx(&clash),
            Err(ExportError::NameClash("prediction".into()))
        );

        let mut twice = linear();
        twice.preprocessing.inputs[1].column = "x".into();
        assert_eq!(
            to_onnx(&twice),
            Err(ExportError::DuplicateColumn("x".into()))
        );

        let mut narrow = logistic();
        let mut model = logistic_model();
        model.coef[1].pop();
        narrow.model = Fitted::new(model);
        assert!(matches!(
            to_onnx(&narrow),
            Err(ExportError::Inconsistent(_))
        ));

        let mut diverged = linear();
        let mut model = linear_model();
        model.intercept = f64::NAN;
        diverged.model = Fitted::new(model);
        assert!(matches!(to_onnx(&diverged), Err(ExportError::NotFinite(_))));

        let mut empty = linear();
        empty.preprocessing.inputs.clear();
        assert_eq!(to_onnx(&empty), Err(ExportError::NoFeatures));
    }
}

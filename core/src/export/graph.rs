//! The shared ONNX graph builder: preprocessing steps and models add their nodes
//! through it, so that names stay unique and the attribute encoding is written once.

use super::onnx::{ExportError, LABEL, PROBABILITIES};
use super::onnx_proto::attribute_proto::AttributeType;
use super::onnx_proto::tensor_proto::DataType;
use super::onnx_proto::tensor_shape_proto::{Dimension, dimension};
use super::onnx_proto::{
    AttributeProto, GraphProto, NodeProto, TensorProto, TensorShapeProto, TypeProto,
    ValueInfoProto, type_proto,
};

/// The ONNX-ML operator set's domain.
pub const ML_DOMAIN: &str = "ai.onnx.ml";
/// The symbolic batch dimension of every input and output.
pub const BATCH: &str = "N";
/// Prefix of every name inside the graph that is not an input or an output.
pub const INTERNAL: &str = "studio/";

/// A graph being written: inputs, nodes, initializers and outputs.
#[derive(Debug, Default)]
pub struct Graph {
    proto: GraphProto,
    names: usize,
}

impl Graph {
    pub fn new(name: &str) -> Self {
        Self {
            proto: GraphProto {
                name: Some(name.into()),
                ..Default::default()
            },
            names: 0,
        }
    }

    /// A fresh internal tensor name that says what it holds.
    pub fn internal(&mut self, what: &str) -> String {
        self.names += 1;
        format!("{INTERNAL}{}/{what}", self.names)
    }

    /// Adds a node of `op` (in `domain`, `""` for the default set).
    pub fn node(
        &mut self,
        op: &str,
        domain: &str,
        inputs: &[&str],
        outputs: &[&str],
        attribute: Vec<AttributeProto>,
    ) {
        let name = self.internal(op);
        self.proto.node.push(NodeProto {
            input: inputs.iter().map(|s| (*s).to_owned()).collect(),
            output: outputs.iter().map(|s| (*s).to_owned()).collect(),
            name: Some(name),
            op_type: Some(op.into()),
            domain: Some(domain.into()),
            attribute,
            ..Default::default()
        });
    }

    /// Writes `label`: the class (of `classes`) with the largest `scores` in each
    /// row, the first on ties as Studio picks it (ArgMax, then Gather).
    pub fn label_by_argmax(&mut self, scores: &str, classes: &[String], label: &str) {
        let (best, names) = (
            self.internal("best"),
            self.constant_strings("classes", classes),
        );
        self.node(
            "ArgMax",
            "",
            &[scores],
            &[&best],
            vec![int("axis", 1), int("keepdims", 0)],
        );
        self.node(
            "Gather",
            "",
            &[&names, &best],
            &[label],
            vec![int("axis", 0)],
        );
    }

    /// Writes and declares the classifier outputs from raw `scores`: for two
    /// classes one column, the log-odds of the second, as `[1 − σ(s), σ(s)]`; for
    /// more, one column per class through a softmax. `label` is the class of the
    /// largest probability.
    pub fn classify(&mut self, scores: &str, classes: &[String]) {
        if classes.len() == 2 {
            let (second, one, first) = (
                self.internal("second"),
                self.constant("one", &[1], vec![1.0]),
                self.internal("first"),
            );
            self.node("Sigmoid", "", &[scores], &[&second], vec![]);
            self.node("Sub", "", &[&one, &second], &[&first], vec![]);
            self.node(
                "Concat",
                "",
                &[&first, &second],
                &[PROBABILITIES],
                vec![int("axis", 1)],
            );
        } else {
            self.node(
                "Softmax",
                "",
                &[scores],
                &[PROBABILITIES],
                vec![int("axis", 1)],
            );
        }
        self.label_by_argmax(PROBABILITIES, classes, LABEL);
        self.output(LABEL, DataType::String, &[batch()]);
        self.output(
            PROBABILITIES,
            DataType::Float,
            &[batch(), fixed(classes.len())],
        );
    }

    /// A float constant of shape `dims`, returning its name.
    pub fn constant(&mut self, what: &str, dims: &[usize], values: Vec<f32>) -> String {
        let name = self.internal(what);
        self.proto.initializer.push(TensorProto {
            dims: dims.iter().map(|&d| to_i64(d)).collect(),
            data_type: Some(DataType::Float as i32),
            float_data: values,
            name: Some(name.clone()),
            ..Default::default()
        });
        name
    }

    /// An int64 constant (shapes, axes), returning its name.
    pub fn constant_ints(&mut self, what: &str, values: &[i64]) -> String {
        let name = self.internal(what);
        self.proto.initializer.push(TensorProto {
            dims: vec![to_i64(values.len())],
            data_type: Some(DataType::Int64 as i32),
            int64_data: values.to_vec(),
            name: Some(name.clone()),
            ..Default::default()
        });
        name
    }

    /// A string constant (class names), returning its name.
    pub fn constant_strings(&mut self, what: &str, values: &[String]) -> String {
        let name = self.internal(what);
        self.proto.initializer.push(TensorProto {
            dims: vec![to_i64(values.len())],
            data_type: Some(DataType::String as i32),
            string_data: values.iter().map(|s| s.as_bytes().to_vec()).collect(),
            name: Some(name.clone()),
            ..Default::default()
        });
        name
    }

    pub fn input(&mut self, name: &str, elem: DataType, dims: &[Dimension]) {
        self.proto.input.push(tensor_info(name, elem, dims));
    }

    pub fn output(&mut self, name: &str, elem: DataType, dims: &[Dimension]) {
        self.proto.output.push(tensor_info(name, elem, dims));
    }

    pub fn finish(mut self, doc: String) -> GraphProto {
        self.proto.doc_string = Some(doc);
        self.proto
    }
}

fn to_i64(size: usize) -> i64 {
    i64::try_from(size).unwrap_or(i64::MAX)
}

/// The batch dimension, `N`.
pub fn batch() -> Dimension {
    Dimension {
        value: Some(dimension::Value::DimParam(BATCH.into())),
        denotation: None,
    }
}

pub fn fixed(size: usize) -> Dimension {
    Dimension {
        value: Some(dimension::Value::DimValue(to_i64(size))),
        denotation: None,
    }
}

fn tensor_info(name: &str, elem: DataType, dims: &[Dimension]) -> ValueInfoProto {
    ValueInfoProto {
        name: Some(name.into()),
        r#type: Some(TypeProto {
            value: Some(type_proto::Value::TensorType(type_proto::Tensor {
                elem_type: Some(elem as i32),
                shape: Some(TensorShapeProto { dim: dims.to_vec() }),
            })),
            denotation: None,
        }),
        ..Default::default()
    }
}

/// `value` as an `f32`, which must be finite; `what` names it in the error.
pub fn finite(what: &str, value: f64) -> Result<f32, ExportError> {
    let narrow = value as f32;
    if narrow.is_finite() {
        Ok(narrow)
    } else {
        Err(ExportError::NotFinite(format!("{what} ({value})")))
    }
}

fn attribute(name: &str, kind: AttributeType) -> AttributeProto {
    AttributeProto {
        name: Some(name.into()),
        r#type: Some(kind as i32),
        ..Default::default()
    }
}

pub fn float(name: &str, value: f32) -> AttributeProto {
    AttributeProto {
        f: Some(value),
        ..attribute(name, AttributeType::Float)
    }
}

pub fn floats(name: &str, values: Vec<f32>) -> AttributeProto {
    AttributeProto {
        floats: values,
        ..attribute(name, AttributeType::Floats)
    }
}

pub fn int(name: &str, value: i64) -> AttributeProto {
    AttributeProto {
        i: Some(value),
        ..attribute(name, AttributeType::Int)
    }
}

pub fn ints(name: &str, values: Vec<i64>) -> AttributeProto {
    AttributeProto {
        ints: values,
        ..attribute(name, AttributeType::Ints)
    }
}

pub fn string(name: &str, value: &str) -> AttributeProto {
    AttributeProto {
        s: Some(value.as_bytes().to_vec()),
        ..attribute(name, AttributeType::String)
    }
}

pub fn strings<S: AsRef<str>>(name: &str, values: &[S]) -> AttributeProto {
    AttributeProto {
        strings: values
            .iter()
            .map(|s| s.as_ref().as_bytes().to_vec())
            .collect(),
        ..attribute(name, AttributeType::Strings)
    }
}

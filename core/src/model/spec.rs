use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Which model to fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ModelKind {
    /// Multinomial logistic regression with an L2 penalty, for classification.
    Logistic,
    /// Linear regression with an L2 penalty (ridge), for regression.
    Linear,
}

/// A model and its hyperparameters, as the user wrote them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelSpec {
    pub kind: ModelKind,
    #[serde(default)]
    pub params: BTreeMap<String, f64>,
}

#[derive(Debug, Clone, PartialEq, Error)]
pub enum SpecError {
    #[error("{model} has no hyperparameter \"{name}\"; it takes {known}")]
    Unknown {
        model: &'static str,
        name: String,
        known: String,
    },
    #[error("{name} should be {rule}, but is {value}")]
    OutOfRange {
        name: String,
        rule: &'static str,
        value: f64,
    },
    #[error("unknown model \"{0}\": choose logistic or linear")]
    UnknownModel(String),
}

/// One hyperparameter: its name, default and valid range.
struct Param {
    name: &'static str,
    default: f64,
    rule: &'static str,
    valid: fn(f64) -> bool,
}

const LOGISTIC: [Param; 2] = [
    Param {
        name: "c",
        default: 1.0,
        rule: "a positive number (inverse regularization strength)",
        valid: |v| v > 0.0 && v.is_finite(),
    },
    Param {
        name: "max_iter",
        default: 1000.0,
        rule: "a whole number from 1 to 100000",
        valid: |v| v.fract() == 0.0 && (1.0..=100_000.0).contains(&v),
    },
];

const LINEAR: [Param; 2] = [
    Param {
        name: "alpha",
        default: 1.0,
        rule: "zero or a positive number (regularization strength)",
        valid: |v| v >= 0.0 && v.is_finite(),
    },
    Param {
        name: "max_iter",
        default: 1000.0,
        rule: "a whole number from 1 to 100000",
        valid: |v| v.fract() == 0.0 && (1.0..=100_000.0).contains(&v),
    },
];

impl ModelKind {
    pub fn parse(name: &str) -> Result<Self, SpecError> {
        match name {
            "logistic" => Ok(ModelKind::Logistic),
            "linear" => Ok(ModelKind::Linear),
            other => Err(SpecError::UnknownModel(other.to_owned())),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            ModelKind::Logistic => "logistic",
            ModelKind::Linear => "linear",
        }
    }

    fn params(self) -> &'static [Param] {
        match self {
            ModelKind::Logistic => &LOGISTIC,
            ModelKind::Linear => &LINEAR,
        }
    }
}

impl ModelSpec {
    pub fn new(kind: ModelKind) -> Self {
        Self {
            kind,
            params: BTreeMap::new(),
        }
    }

    /// Checks every hyperparameter before anything is fitted.
    pub fn check(&self) -> Result<(), SpecError> {
        let known = self.kind.params();
        for (name, &value) in &self.params {
            let param =
                known
                    .iter()
                    .find(|p| p.name == name)
                    .ok_or_else(|| SpecError::Unknown {
                        model: self.kind.name(),
                        name: name.clone(),
                        known: known.iter().map(|p| p.name).collect::<Vec<_>>().join(", "),
                    })?;
            if !(param.valid)(value) {
                return Err(SpecError::OutOfRange {
                    name: name.clone(),
                    rule: param.rule,
                    value,
                });
            }
        }
        Ok(())
    }

    /// The value of `name`, or its default.
    pub fn get(&self, name: &str) -> f64 {
        self.params.get(name).copied().unwrap_or_else(|| {
            self.kind
                .params()
                .iter()
                .find(|p| p.name == name)
                .map_or(f64::NAN, |p| p.default)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(kind: ModelKind, name: &str, value: f64) -> Result<(), String> {
        let mut spec = ModelSpec::new(kind);
        spec.params.insert(name.to_owned(), value);
        spec.check().map_err(|e| e.to_string())
    }

    #[test]
    fn hyperparameters_are_checked_with_the_offending_value() {
        assert_eq!(check(ModelKind::Logistic, "c", 0.5), Ok(()));
        assert_eq!(
            check(ModelKind::Logistic, "c", -1.0),
            Err(
                "c should be a positive number (inverse regularization strength), but is -1".into()
            )
        );
        assert_eq!(check(ModelKind::Linear, "alpha", 0.0), Ok(()));
        assert!(check(ModelKind::Linear, "max_iter", 2.5).is_err());
        assert_eq!(
            check(ModelKind::Linear, "c", 1.0),
            Err("linear has no hyperparameter \"c\"; it takes alpha, max_iter".into())
        );
        assert_eq!(ModelSpec::new(ModelKind::Logistic).get("c"), 1.0);
    }
}

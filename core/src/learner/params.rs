//! Hyperparameters as data: what a family declares ([`ParamSpec`]), what a person
//! writes ([`Params`]), and the checked values a family reads ([`Resolved`]).
//!
//! Every front end (the page's form, `studio train --param`, `studio models`,
//! a notebook's JSON) goes through these types, so a rule is written once.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// A hyperparameter's value as written: a number, a switch, a choice or a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ParamValue {
    Bool(bool),
    Number(f64),
    Text(String),
    Integers(Vec<i64>),
}

impl std::fmt::Display for ParamValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ParamValue::Bool(b) => write!(f, "{b}"),
            ParamValue::Number(x) => write!(f, "{x}"),
            ParamValue::Text(s) => write!(f, "{s}"),
            ParamValue::Integers(v) => {
                let parts: Vec<String> = v.iter().map(i64::to_string).collect();
                write!(f, "{}", parts.join(","))
            }
        }
    }
}

/// The hyperparameters a person set, by name; the rest take their defaults.
pub type Params = BTreeMap<String, ParamValue>;

/// What values a hyperparameter takes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ParamKind {
    /// A number in `[min, max]`, or `(min, max]` when `min_exclusive`.
    Float {
        min: f64,
        max: f64,
        min_exclusive: bool,
    },
    /// A whole number in `[min, max]`.
    Integer {
        min: i64,
        max: i64,
    },
    Boolean,
    /// One of the listed words.
    Choice(&'static [&'static str]),
    /// A comma-separated list of whole numbers, each in `[min, max]`.
    Integers {
        min: i64,
        max: i64,
    },
    /// One of the listed words, or a fraction in `(0, 1]` (scikit-learn's
    /// `max_features="sqrt"` or `max_features=0.5`).
    ChoiceOrFraction(&'static [&'static str]),
}

/// A [`ParamKind::ChoiceOrFraction`] value, checked.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Share<'a> {
    Word(&'a str),
    Fraction(f64),
}

/// A hyperparameter's default.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ParamDefault {
    Float(f64),
    Integer(i64),
    Boolean(bool),
    Choice(&'static str),
    Integers(&'static [i64]),
    /// Unset: the family decides (scikit-learn's `None`, such as no depth limit).
    Unset,
}

/// One hyperparameter as a family declares it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ParamSpec {
    /// scikit-learn's spelling, as the CLI and notebooks write it.
    pub name: &'static str,
    /// Older spellings still read, so that saved notebooks and scripts keep working.
    pub aliases: &'static [&'static str],
    /// A human label for the form.
    pub label: &'static str,
    pub kind: ParamKind,
    pub default: ParamDefault,
    /// Whether "none" (or an empty field) is a value: the [`ParamDefault::Unset`] meaning.
    pub optional: bool,
    /// Searched and shown on a log scale.
    pub log_scale: bool,
    /// One line for people learning what the parameter does.
    pub help: &'static str,
}

#[derive(Debug, Clone, PartialEq, Error)]
pub enum ParamError {
    #[error("{model} has no hyperparameter \"{name}\"; it takes {known}")]
    Unknown {
        model: &'static str,
        name: String,
        known: String,
    },
    #[error("{name} should be {rule}, but is {value}")]
    OutOfRange {
        /// As the person wrote it: an alias stays an alias.
        name: String,
        rule: String,
        value: String,
    },
    /// A family read a value it does not declare, or as another kind: a bug in
    /// the family, caught by its conformance suite.
    #[error("{model} asked for hyperparameter \"{name}\" as {wanted}, which it does not declare")]
    Undeclared {
        model: &'static str,
        name: &'static str,
        wanted: &'static str,
    },
}

impl ParamError {
    /// The error with the parameter named as the person wrote it.
    pub fn named(self, written: &str) -> Self {
        match self {
            ParamError::OutOfRange { rule, value, .. } => ParamError::OutOfRange {
                name: written.to_owned(),
                rule,
                value,
            },
            other => other,
        }
    }
}

impl ParamSpec {
    /// Whether `name` is this parameter's name or one of its aliases.
    pub fn answers_to(&self, name: &str) -> bool {
        self.name == name || self.aliases.contains(&name)
    }

    /// The rule a value must keep, in words, for error messages and help text.
    pub fn rule(&self) -> String {
        let mut rule = match self.kind {
            ParamKind::Float {
                min,
                max,
                min_exclusive,
            } => match (min_exclusive, max.is_finite()) {
                (true, false) if min == 0.0 => "a positive number".to_owned(),
                (false, false) if min == 0.0 => "zero or a positive number".to_owned(),
                (true, false) => format!("a number greater than {min}"),
                (false, false) => format!("a number of at least {min}"),
                (true, true) => format!("a number greater than {min} and at most {max}"),
                (false, true) => format!("a number from {min} to {max}"),
            },
            ParamKind::Integer { min, max } => format!("a whole number from {min} to {max}"),
            ParamKind::Boolean => "true or false".to_owned(),
            ParamKind::Choice(choices) => format!("one of {}", choices.join(", ")),
            ParamKind::Integers { min, max } => {
                format!("a list of whole numbers from {min} to {max}, such as 64,32")
            }
            ParamKind::ChoiceOrFraction(choices) => format!(
                "one of {}, or a fraction greater than 0 and at most 1",
                choices.join(", ")
            ),
        };
        if self.optional {
            rule.push_str(", or none");
        }
        rule
    }

    fn out_of_range(&self, value: impl std::fmt::Display) -> ParamError {
        ParamError::OutOfRange {
            name: self.name.to_owned(),
            rule: self.rule(),
            value: value.to_string(),
        }
    }

    /// Checks a written value against the rule; `None` is the unset value.
    pub fn check(&self, value: &ParamValue) -> Result<Option<ParamValue>, ParamError> {
        let whole =
            |x: f64, min: i64, max: i64| x.fract() == 0.0 && x >= min as f64 && x <= max as f64;
        match (self.kind, value) {
            (_, ParamValue::Text(t)) if self.optional && is_none(t) => Ok(None),
            (
                ParamKind::Float {
                    min,
                    max,
                    min_exclusive,
                },
                ParamValue::Number(x),
            ) => {
                let above = if min_exclusive { *x > min } else { *x >= min };
                if x.is_finite() && above && *x <= max {
                    Ok(Some(value.clone()))
                } else {
                    Err(self.out_of_range(x))
                }
            }
            (ParamKind::Integer { min, max }, ParamValue::Number(x)) if whole(*x, min, max) => {
                Ok(Some(value.clone()))
            }
            (ParamKind::Boolean, ParamValue::Bool(_)) => Ok(Some(value.clone())),
            (ParamKind::Choice(choices), ParamValue::Text(t)) if choices.contains(&t.as_str()) => {
                Ok(Some(value.clone()))
            }
            (ParamKind::Integers { min, max }, ParamValue::Integers(list))
                if !list.is_empty() && list.iter().all(|v| (min..=max).contains(v)) =>
            {
                Ok(Some(value.clone()))
            }
            (ParamKind::ChoiceOrFraction(choices), ParamValue::Text(t))
                if choices.contains(&t.as_str()) =>
            {
                Ok(Some(value.clone()))
            }
            (ParamKind::ChoiceOrFraction(_), ParamValue::Number(x)) if *x > 0.0 && *x <= 1.0 => {
                Ok(Some(value.clone()))
            }
            (_, value) => Err(self.out_of_range(value)),
        }
    }

    /// Reads a value as a person types it (the CLI's `--param`, the page's form):
    /// `0.5`, `true`, `gini`, `64,32`, or `none` where the parameter is optional.
    pub fn parse(&self, text: &str) -> Result<Option<ParamValue>, ParamError> {
        let text = text.trim();
        if self.optional && (text.is_empty() || is_none(text)) {
            return Ok(None);
        }
        let value = match self.kind {
            ParamKind::Float { .. } | ParamKind::Integer { .. } => text
                .parse::<f64>()
                .ok()
                .filter(|x| !x.is_nan())
                .map(ParamValue::Number),
            ParamKind::Boolean => match text {
                "true" => Some(ParamValue::Bool(true)),
                "false" => Some(ParamValue::Bool(false)),
                _ => None,
            },
            ParamKind::Choice(_) => Some(ParamValue::Text(text.to_owned())),
            ParamKind::Integers { .. } => text
                .split(',')
                .map(|part| part.trim().parse::<i64>().ok())
                .collect::<Option<Vec<_>>>()
                .map(ParamValue::Integers),
            ParamKind::ChoiceOrFraction(_) => Some(
                text.parse::<f64>()
                    .ok()
                    .filter(|x| !x.is_nan())
                    .map_or_else(|| ParamValue::Text(text.to_owned()), ParamValue::Number),
            ),
        };
        match value {
            Some(value) => self.check(&value),
            None => Err(self.out_of_range(if text.is_empty() { "empty" } else { text })),
        }
    }

    /// The default as a value; `None` when it is unset.
    pub fn default_value(&self) -> Option<ParamValue> {
        match self.default {
            ParamDefault::Float(x) => Some(ParamValue::Number(x)),
            ParamDefault::Integer(i) => Some(ParamValue::Number(i as f64)),
            ParamDefault::Boolean(b) => Some(ParamValue::Bool(b)),
            ParamDefault::Choice(c) => Some(ParamValue::Text(c.to_owned())),
            ParamDefault::Integers(v) => Some(ParamValue::Integers(v.to_vec())),
            ParamDefault::Unset => None,
        }
    }

    /// The kind's name as `studio models --json` spells it.
    pub fn kind_name(&self) -> &'static str {
        match self.kind {
            ParamKind::Float { .. } => "float",
            ParamKind::Integer { .. } => "integer",
            ParamKind::Boolean => "boolean",
            ParamKind::Choice(_) => "choice",
            ParamKind::Integers { .. } => "integers",
            ParamKind::ChoiceOrFraction(_) => "choice_or_fraction",
        }
    }
}

fn is_none(text: &str) -> bool {
    text.eq_ignore_ascii_case("none")
}

/// Checked hyperparameters: every declared one, set or defaulted, under its name.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolved {
    model: &'static str,
    values: BTreeMap<&'static str, Option<ParamValue>>,
}

impl Resolved {
    /// Checks `params` against `specs`: unknown names and values that break their
    /// rule are errors that name the parameter, the value and the rule.
    pub fn check(
        model: &'static str,
        specs: &'static [ParamSpec],
        params: &Params,
    ) -> Result<Self, ParamError> {
        let mut values: BTreeMap<&'static str, Option<ParamValue>> = specs
            .iter()
            .map(|spec| (spec.name, spec.default_value()))
            .collect();
        for (name, value) in params {
            let spec =
                specs
                    .iter()
                    .find(|s| s.answers_to(name))
                    .ok_or_else(|| ParamError::Unknown {
                        model,
                        name: name.clone(),
                        known: specs.iter().map(|s| s.name).collect::<Vec<_>>().join(", "),
                    })?;
            values.insert(spec.name, spec.check(value).map_err(|e| e.named(name))?);
        }
        Ok(Self { model, values })
    }

    fn get(
        &self,
        name: &'static str,
        wanted: &'static str,
    ) -> Result<&Option<ParamValue>, ParamError> {
        self.values.get(name).ok_or(ParamError::Undeclared {
            model: self.model,
            name,
            wanted,
        })
    }

    fn undeclared(&self, name: &'static str, wanted: &'static str) -> ParamError {
        ParamError::Undeclared {
            model: self.model,
            name,
            wanted,
        }
    }

    pub fn float(&self, name: &'static str) -> Result<f64, ParamError> {
        match self.get(name, "a number")? {
            Some(ParamValue::Number(x)) => Ok(*x),
            _ => Err(self.undeclared(name, "a number")),
        }
    }

    /// A whole number; unset is an error (use [`Resolved::optional_count`]).
    pub fn count(&self, name: &'static str) -> Result<usize, ParamError> {
        self.optional_count(name)?
            .ok_or_else(|| self.undeclared(name, "a whole number"))
    }

    pub fn optional_count(&self, name: &'static str) -> Result<Option<usize>, ParamError> {
        match self.get(name, "a whole number")? {
            // Checked against its range: whole and non-negative when it is a count.
            Some(ParamValue::Number(x)) if *x >= 0.0 => Ok(Some(*x as usize)),
            None => Ok(None),
            _ => Err(self.undeclared(name, "a whole number")),
        }
    }

    /// A whole number as `u64`, for seeds.
    pub fn seed(&self, name: &'static str) -> Result<u64, ParamError> {
        match self.get(name, "a seed")? {
            Some(ParamValue::Number(x)) if *x >= 0.0 => Ok(*x as u64),
            _ => Err(self.undeclared(name, "a seed")),
        }
    }

    pub fn boolean(&self, name: &'static str) -> Result<bool, ParamError> {
        match self.get(name, "true or false")? {
            Some(ParamValue::Bool(b)) => Ok(*b),
            _ => Err(self.undeclared(name, "true or false")),
        }
    }

    /// The chosen word; `None` when unset.
    pub fn choice(&self, name: &'static str) -> Result<Option<&str>, ParamError> {
        match self.get(name, "a choice")? {
            Some(ParamValue::Text(t)) => Ok(Some(t)),
            None => Ok(None),
            _ => Err(self.undeclared(name, "a choice")),
        }
    }

    /// The chosen word or fraction; `None` when unset.
    pub fn share(&self, name: &'static str) -> Result<Option<Share<'_>>, ParamError> {
        match self.get(name, "a choice or a fraction")? {
            Some(ParamValue::Text(t)) => Ok(Some(Share::Word(t))),
            Some(ParamValue::Number(x)) => Ok(Some(Share::Fraction(*x))),
            None => Ok(None),
            _ => Err(self.undeclared(name, "a choice or a fraction")),
        }
    }

    pub fn integers(&self, name: &'static str) -> Result<&[i64], ParamError> {
        match self.get(name, "a list of whole numbers")? {
            Some(ParamValue::Integers(v)) => Ok(v),
            _ => Err(self.undeclared(name, "a list of whole numbers")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPECS: &[ParamSpec] = &[
        ParamSpec {
            name: "C",
            aliases: &["c"],
            label: "C",
            kind: ParamKind::Float {
                min: 0.0,
                max: f64::INFINITY,
                min_exclusive: true,
            },
            default: ParamDefault::Float(1.0),
            optional: false,
            log_scale: true,
            help: "",
        },
        ParamSpec {
            name: "max_depth",
            aliases: &[],
            label: "Depth",
            kind: ParamKind::Integer { min: 1, max: 1000 },
            default: ParamDefault::Unset,
            optional: true,
            log_scale: false,
            help: "",
        },
        ParamSpec {
            name: "criterion",
            aliases: &[],
            label: "Criterion",
            kind: ParamKind::Choice(&["gini", "entropy"]),
            default: ParamDefault::Choice("gini"),
            optional: false,
            log_scale: false,
            help: "",
        },
    ];

    fn resolve(pairs: &[(&str, ParamValue)]) -> Result<Resolved, String> {
        let params: Params = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect();
        Resolved::check("m", SPECS, &params).map_err(|e| e.to_string())
    }

    #[test]
    fn aliases_defaults_and_unset_values_resolve() {
        let r = resolve(&[("c", ParamValue::Number(0.5))]).expect("checks");
        assert_eq!(r.float("C"), Ok(0.5));
        assert_eq!(r.optional_count("max_depth"), Ok(None));
        assert_eq!(r.choice("criterion"), Ok(Some("gini")));
        assert!(r.float("gamma").is_err());
        assert!(r.count("criterion").is_err());
    }

    #[test]
    fn errors_name_the_parameter_the_value_and_the_rule() {
        assert_eq!(
            resolve(&[("C", ParamValue::Number(-1.0))]),
            Err("C should be a positive number, but is -1".into())
        );
        assert_eq!(
            resolve(&[("max_depth", ParamValue::Number(2.5))]),
            Err("max_depth should be a whole number from 1 to 1000, or none, but is 2.5".into())
        );
        assert_eq!(
            resolve(&[("gamma", ParamValue::Number(1.0))]),
            Err("m has no hyperparameter \"gamma\"; it takes C, max_depth, criterion".into())
        );
        assert_eq!(
            resolve(&[("criterion", ParamValue::Text("gain".into()))]),
            Err("criterion should be one of gini, entropy, but is gain".into())
        );
    }

    #[test]
    fn typed_text_is_parsed_by_kind() {
        assert_eq!(SPECS[0].parse("2"), Ok(Some(ParamValue::Number(2.0))));
        assert!(SPECS[0].parse("nan").is_err());
        assert!(SPECS[0].parse("").is_err());
        assert_eq!(SPECS[1].parse("none"), Ok(None));
        assert_eq!(SPECS[1].parse(""), Ok(None));
        assert_eq!(SPECS[1].parse("7"), Ok(Some(ParamValue::Number(7.0))));
        assert_eq!(
            SPECS[2].parse("entropy"),
            Ok(Some(ParamValue::Text("entropy".into())))
        );
    }

    #[test]
    fn a_share_is_a_listed_word_or_a_fraction() {
        let spec = ParamSpec {
            name: "max_features",
            aliases: &[],
            label: "Features",
            kind: ParamKind::ChoiceOrFraction(&["sqrt", "log2"]),
            default: ParamDefault::Choice("sqrt"),
            optional: true,
            log_scale: false,
            help: "",
        };
        assert_eq!(spec.parse("0.5"), Ok(Some(ParamValue::Number(0.5))));
        assert_eq!(
            spec.parse("log2"),
            Ok(Some(ParamValue::Text("log2".into())))
        );
        assert_eq!(spec.parse("none"), Ok(None));
        for wrong in ["0", "1.5", "half"] {
            assert_eq!(
                spec.parse(wrong).map_err(|e| e.to_string()),
                Err(format!(
                    "max_features should be one of sqrt, log2, or a fraction greater than 0 and \
                     at most 1, or none, but is {wrong}"
                ))
            );
        }
        let specs: &'static [ParamSpec] = Box::leak(Box::new([spec]));
        let r = Resolved::check("m", specs, &Params::new()).expect("checks");
        assert_eq!(r.share("max_features"), Ok(Some(Share::Word("sqrt"))));
    }
}

//! A model as a person chose it: a family name and the hyperparameters they set.

use serde::{Deserialize, Serialize};

use super::registry::{self, UnknownFamily};
use super::{Family, ParamError, Params, Resolved};

/// A model and its hyperparameters, as written in a notebook or on the command line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelSpec {
    /// The family's name (`logistic`, `tree`).
    pub kind: String,
    #[serde(default)]
    pub params: Params,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SpecError {
    #[error(transparent)]
    Family(#[from] UnknownFamily),
    #[error(transparent)]
    Param(#[from] ParamError),
}

impl ModelSpec {
    /// `family` with every hyperparameter at its default.
    pub fn new(family: &dyn Family) -> Self {
        Self {
            kind: family.name().to_owned(),
            params: Params::new(),
        }
    }

    pub fn family(&self) -> Result<&'static dyn Family, UnknownFamily> {
        registry::family(&self.kind)
    }

    /// Checks the family and every hyperparameter before anything is fitted.
    pub fn check(&self) -> Result<(&'static dyn Family, Resolved), SpecError> {
        let family = self.family()?;
        let resolved = family.check(&self.params)?;
        Ok((family, resolved))
    }
}

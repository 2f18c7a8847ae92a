//! Class weights, as scikit-learn's `class_weight`: every row of a class counts
//! alike, or with `balanced` in inverse proportion to its class's size.

use crate::learner::{FitError, ParamDefault, ParamKind, ParamSpec, Resolved};

pub(crate) const CLASS_WEIGHT: ParamSpec = ParamSpec {
    name: "class_weight",
    aliases: &[],
    label: "Class weights",
    kind: ParamKind::Choice(&["balanced"]),
    default: ParamDefault::Unset,
    optional: true,
    log_scale: false,
    help: "balanced charges a class's rows in inverse proportion to its size, so that a \
           small class counts as much as a large one; none charges every row alike.",
};

/// Class weights asked of a regression, refused at the parameter.
pub(crate) fn refused_for_values() -> FitError {
    FitError::Data {
        message: "class weights are for classes; a regression weighs every row alike: choose none"
            .into(),
        param: Some(CLASS_WEIGHT.name),
    }
}

/// Whether the person asked for balanced weights.
pub(crate) fn is_balanced(params: &Resolved) -> Result<bool, crate::learner::ParamError> {
    Ok(params.choice(CLASS_WEIGHT.name)? == Some("balanced"))
}

/// Each class's weight `n / (k · nₖ)`, as scikit-learn's `compute_class_weight`
/// with `balanced`; a class without rows (which no fit has) weighs as one row.
pub(crate) fn balanced(labels: &[usize], classes: usize) -> Vec<f64> {
    let mut counts = vec![0usize; classes];
    for &label in labels {
        if let Some(count) = counts.get_mut(label) {
            *count += 1;
        }
    }
    counts
        .iter()
        .map(|&count| labels.len() as f64 / (classes * count.max(1)) as f64)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_class_weighs_as_much_as_a_large_one() {
        let weights = balanced(&[0, 0, 0, 1], 2);
        assert_eq!(weights, [4.0 / 6.0, 4.0 / 2.0]);
        assert_eq!(weights[0] * 3.0, weights[1] * 1.0);
    }
}

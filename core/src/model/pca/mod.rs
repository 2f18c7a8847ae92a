//! Principal component analysis, as scikit-learn's `PCA` with the full solver:
//! the directions of greatest variance of the (preprocessed) inputs, from the
//! eigen-decomposition of their scatter matrix in f64 ([`eigen`]), each flipped
//! so that its largest entry in absolute value is positive (scikit-learn's
//! `svd_flip` on the components). Closed-form: one step.

mod eigen;
mod model;

pub use model::{PROJECTION, PcaModel};

use crate::learner::{
    Family, Fit, FitError, Model, ParamDefault, ParamKind, ParamSpec, Resolved, TrainingSet,
};
use crate::model::closed_form::ClosedForm;
use crate::train::Task;

#[derive(Debug)]
pub struct Pca;

const PARAMS: &[ParamSpec] = &[
    ParamSpec {
        name: "n_components",
        aliases: &[],
        label: "Components",
        kind: ParamKind::Integer {
            min: 1,
            max: 10_000,
        },
        default: ParamDefault::Unset,
        optional: true,
        log_scale: false,
        help: "How many directions of greatest variance to keep; none keeps one per input \
               (or per row, if there are fewer rows).",
    },
    ParamSpec {
        name: "whiten",
        aliases: &[],
        label: "Whiten",
        kind: ParamKind::Boolean,
        default: ParamDefault::Boolean(false),
        optional: false,
        log_scale: false,
        help: "Scale each component to unit variance, so that every kept direction counts the \
               same in what reads the projection.",
    },
];

impl Family for Pca {
    fn name(&self) -> &'static str {
        "pca"
    }

    fn label(&self) -> &'static str {
        "Principal component analysis"
    }

    fn tasks(&self) -> &'static [Task] {
        &[Task::Decomposition]
    }

    fn params(&self) -> &'static [ParamSpec] {
        PARAMS
    }

    fn start(&self, p: &Resolved, data: TrainingSet) -> Result<Box<dyn Fit>, FitError> {
        let model = fit(
            &data.x,
            data.inputs,
            p.optional_count("n_components")?,
            p.boolean("whiten")?,
        )?;
        Ok(Box::new(ClosedForm::new(model)))
    }

    fn model_from_json(&self, value: serde_json::Value) -> Result<Box<dyn Model>, String> {
        let model: PcaModel = serde_json::from_value(value).map_err(|e| e.to_string())?;
        model.check()?;
        Ok(Box::new(model))
    }
}

/// The closed-form fit of `n_components` (all, when `None`) over the row-major
/// `x`, `inputs` wide.
fn fit(
    x: &[f64],
    inputs: usize,
    n_components: Option<usize>,
    whiten: bool,
) -> Result<PcaModel, FitError> {
    let d = inputs;
    let n = x.len().checked_div(d).unwrap_or(0);
    if n < 2 || d == 0 {
        return Err(FitError::Data {
            message: format!(
                "PCA needs at least two rows and one input column to find directions of \
                 variance; this data has {n} rows and {d} inputs"
            ),
            param: None,
        });
    }
    let most = n.min(d);
    let k = n_components.unwrap_or(most);
    if k > most {
        return Err(FitError::Data {
            message: format!(
                "n_components is {k}, but {n} rows of {d} inputs have at most {most} \
                 components: choose {most} or fewer"
            ),
            param: Some("n_components"),
        });
    }
    let mut mean = vec![0.0; d];
    for row in x.chunks_exact(d) {
        for (m, v) in mean.iter_mut().zip(row) {
            *m += v;
        }
    }
    for m in &mut mean {
        *m /= n as f64;
    }
    // The scatter matrix XcᵀXc of the centred rows, upper triangle, then mirrored.
    let mut scatter = vec![0.0; d * d];
    let mut centred = vec![0.0; d];
    for row in x.chunks_exact(d) {
        for ((c, v), m) in centred.iter_mut().zip(row).zip(&mean) {
            *c = v - m;
        }
        for i in 0..d {
            let ci = centred[i];
            for (s, cj) in scatter[i * d + i..(i + 1) * d]
                .iter_mut()
                .zip(&centred[i..])
            {
                *s += ci * cj;
            }
        }
    }
    for i in 0..d {
        for j in 0..i {
            scatter[i * d + j] = scatter[j * d + i];
        }
    }
    let total: f64 = (0..d).map(|i| scatter[i * d + i]).sum::<f64>() / (n - 1) as f64;
    if total == 0.0 {
        return Err(FitError::Data {
            message: "every input is constant over the rows, so there is no variance for PCA \
                      to explain: choose columns whose values differ"
                .into(),
            param: None,
        });
    }
    let (values, vectors) = eigen::symmetric(scatter, d);
    let components: Vec<Vec<f64>> = vectors
        .into_iter()
        .take(k)
        .map(|mut v| {
            let largest =
                v.iter().enumerate().fold(
                    0,
                    |best, (i, x)| if x.abs() > v[best].abs() { i } else { best },
                );
            if v[largest] < 0.0 {
                v.iter_mut().for_each(|x| *x = -*x);
            }
            v
        })
        .collect();
    // Rounding can leave an eigenvalue of a singular matrix a hair below zero.
    let squares: Vec<f64> = values.iter().take(k).map(|v| v.max(0.0)).collect();
    let explained_variance: Vec<f64> = squares.iter().map(|s| s / (n - 1) as f64).collect();
    Ok(PcaModel {
        mean,
        explained_variance_ratio: explained_variance.iter().map(|v| v / total).collect(),
        singular_values: squares.iter().map(|s| s.sqrt()).collect(),
        explained_variance,
        components,
        whiten,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::learner::Output;

    #[test]
    fn finds_the_direction_of_greatest_variance() {
        // Points along y = x with a little spread across it.
        let x = [0.0, 0.0, 1.0, 1.1, 2.0, 1.9, 3.0, 3.0];
        let model = fit(&x, 2, None, false).expect("fits");
        let s = std::f64::consts::FRAC_1_SQRT_2;
        assert!((model.components[0][0] - s).abs() < 0.01, "{model:?}");
        assert!((model.components[0][1] - s).abs() < 0.01);
        // Flipped so that the largest entry is positive.
        let second = &model.components[1];
        let largest = if second[0].abs() > second[1].abs() {
            second[0]
        } else {
            second[1]
        };
        assert!(largest > 0.0);
        let ratio: f64 = model.explained_variance_ratio.iter().sum();
        assert!((ratio - 1.0).abs() < 1e-12);
        assert!(model.explained_variance_ratio[0] > 0.99);
        let Output::Projection { rows, .. } = model.predict(&x) else {
            panic!("a projection")
        };
        // The projection is centred and its variance is the explained variance.
        let first: Vec<f64> = rows.iter().map(|r| r[0]).collect();
        assert!(first.iter().sum::<f64>().abs() < 1e-12);
        let var = first.iter().map(|v| v * v).sum::<f64>() / 3.0;
        assert!((var - model.explained_variance[0]).abs() < 1e-12);
        let white = fit(&x, 2, Some(1), true).expect("fits");
        let Output::Projection { rows, .. } = white.predict(&x) else {
            panic!("a projection")
        };
        let var = rows.iter().map(|r| r[0] * r[0]).sum::<f64>() / 3.0;
        assert!((var - 1.0).abs() < 1e-12);
    }

    #[test]
    fn refuses_more_components_than_the_data_has() {
        let x = [0.0, 1.0, 2.0, 1.0, 3.0, 0.5];
        let Err(FitError::Data { message, param }) = fit(&x, 2, Some(3), false) else {
            panic!("refused")
        };
        assert_eq!(param, Some("n_components"));
        assert!(message.contains("at most 2"), "{message}");
        assert!(matches!(
            fit(&x[..2], 2, None, false),
            Err(FitError::Data { .. })
        ));
        assert!(matches!(
            fit(&[1.0; 6], 2, None, false),
            Err(FitError::Data { .. })
        ));
    }
}

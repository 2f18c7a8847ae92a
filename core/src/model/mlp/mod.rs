//! The multi-layer perceptron, as scikit-learn's `MLPClassifier` and
//! `MLPRegressor` with the `adam`, `sgd` and `lbfgs` solvers: fully connected
//! hidden layers, Glorot-uniform initialization, minibatches, an L2 penalty
//! `alpha`, and a softmax (or one logistic unit for two classes) or the value at
//! the output. Training runs through the compute interface ([`engine`]), so it
//! runs on the GPU where one is offered; with adam and sgd one step is one epoch
//! ([`fit`]), with lbfgs one L-BFGS iteration over every row ([`full_batch`]).

mod engine;
mod fit;
mod full_batch;
pub mod network;

use engine::{Layout, Solver, State};
use fit::{MlpFit, Schedule, Settings, Truth, Validation};
use full_batch::FullBatchFit;
pub use network::{Activation, MlpModel};

use super::split;
use crate::learner::{
    Family, Fit, FitError, Model, ParamDefault, ParamKind, ParamSpec, Resolved, Target, TrainingSet,
};
use crate::model::tree::RANDOM_STATE;
use crate::rng::SplitMix64;
use crate::train::Task;

#[derive(Debug)]
pub struct Mlp;

const fn float(min: f64, max: f64, min_exclusive: bool) -> ParamKind {
    ParamKind::Float {
        min,
        max,
        min_exclusive,
    }
}

const PARAMS: &[ParamSpec] = &[
    ParamSpec {
        name: "hidden_layer_sizes",
        aliases: &[],
        label: "Hidden layer sizes",
        kind: ParamKind::Integers { min: 1, max: 4096 },
        default: ParamDefault::Integers(&[100]),
        optional: false,
        log_scale: false,
        help: "The units of each hidden layer, comma-separated: 100 is one layer of 100 \
               units, 64,32 two layers.",
    },
    ParamSpec {
        name: "activation",
        aliases: &[],
        label: "Activation",
        kind: ParamKind::Choice(Activation::NAMES),
        default: ParamDefault::Choice("relu"),
        optional: false,
        log_scale: false,
        help: "The function each hidden unit applies to its weighted sum: relu max(0, z), \
               tanh, logistic 1/(1+e⁻ᶻ), or identity (a linear model).",
    },
    ParamSpec {
        name: "solver",
        aliases: &[],
        label: "Solver",
        kind: ParamKind::Choice(&["adam", "sgd", "lbfgs"]),
        default: ParamDefault::Choice("adam"),
        optional: false,
        log_scale: false,
        help: "How the weights are updated: adam adapts a step size per weight from each \
               batch's gradient; sgd is plain gradient descent with momentum; lbfgs, a \
               quasi-Newton method over every row at once, often fits small tables best.",
    },
    ParamSpec {
        name: "alpha",
        aliases: &[],
        label: "L2 penalty (alpha)",
        kind: float(0.0, 1e4, false),
        default: ParamDefault::Float(1e-4),
        optional: false,
        log_scale: true,
        help: "The strength of the L2 penalty on the weights: larger values keep them small \
               and the fit smoother.",
    },
    ParamSpec {
        name: "dropout",
        aliases: &[],
        label: "Dropout",
        kind: float(0.0, 0.9, false),
        default: ParamDefault::Float(0.0),
        optional: false,
        log_scale: false,
        help: "The share of hidden units switched off at random in each batch while \
               training (none when predicting), so that no unit can lean on another; not \
               in scikit-learn.",
    },
    super::BATCH_SIZE,
    ParamSpec {
        name: "learning_rate",
        aliases: &[],
        label: "Learning-rate schedule",
        kind: ParamKind::Choice(&["constant", "invscaling", "adaptive"]),
        default: ParamDefault::Choice("constant"),
        optional: false,
        log_scale: false,
        help: "For sgd: keep the rate, shrink it as rows are seen (invscaling), or divide it \
               by 5 whenever the loss stops improving (adaptive).",
    },
    ParamSpec {
        name: "learning_rate_init",
        aliases: &[],
        label: "Initial learning rate",
        kind: float(0.0, 10.0, true),
        default: ParamDefault::Float(1e-3),
        optional: false,
        log_scale: true,
        help: "The size of the first weight updates; too large and the loss diverges.",
    },
    ParamSpec {
        name: "power_t",
        aliases: &[],
        label: "Inverse-scaling exponent",
        kind: float(0.0, 10.0, false),
        default: ParamDefault::Float(0.5),
        optional: false,
        log_scale: false,
        help: "For sgd with invscaling: how fast the learning rate shrinks.",
    },
    ParamSpec {
        name: "max_iter",
        aliases: &[],
        label: "Maximum epochs",
        kind: ParamKind::Integer {
            min: 1,
            max: 100_000,
        },
        default: ParamDefault::Integer(200),
        optional: false,
        log_scale: true,
        help: "The most passes over the training rows (iterations, for lbfgs); fitting stops \
               sooner once the loss stops improving.",
    },
    ParamSpec {
        name: "shuffle",
        aliases: &[],
        label: "Shuffle",
        kind: ParamKind::Boolean,
        default: ParamDefault::Boolean(true),
        optional: false,
        log_scale: false,
        help: "Visit the rows in a new random order every epoch.",
    },
    RANDOM_STATE,
    ParamSpec {
        name: "tol",
        aliases: &[],
        label: "Tolerance",
        kind: float(0.0, f64::INFINITY, false),
        default: ParamDefault::Float(1e-4),
        optional: false,
        log_scale: true,
        help: "How much the loss (or the validation score) must improve in an epoch to count \
               as improving.",
    },
    ParamSpec {
        name: "momentum",
        aliases: &[],
        label: "Momentum",
        kind: float(0.0, 1.0, false),
        default: ParamDefault::Float(0.9),
        optional: false,
        log_scale: false,
        help: "For sgd: the share of the last update carried into the next.",
    },
    ParamSpec {
        name: "nesterovs_momentum",
        aliases: &[],
        label: "Nesterov momentum",
        kind: ParamKind::Boolean,
        default: ParamDefault::Boolean(true),
        optional: false,
        log_scale: false,
        help: "For sgd with momentum: look ahead along the velocity before taking the \
               gradient's step.",
    },
    ParamSpec {
        name: "early_stopping",
        aliases: &[],
        label: "Early stopping",
        kind: ParamKind::Boolean,
        default: ParamDefault::Boolean(false),
        optional: false,
        log_scale: false,
        help: "Hold out validation rows and stop once their score stops improving, keeping \
               the best epoch's weights.",
    },
    ParamSpec {
        name: "validation_fraction",
        aliases: &[],
        label: "Validation fraction",
        kind: float(0.0, 0.99, true),
        default: ParamDefault::Float(0.1),
        optional: false,
        log_scale: false,
        help: "With early stopping: the share of the training rows held out.",
    },
    ParamSpec {
        name: "beta_1",
        aliases: &[],
        label: "Adam β₁",
        kind: float(0.0, 0.999_999, false),
        default: ParamDefault::Float(0.9),
        optional: false,
        log_scale: false,
        help: "For adam: how slowly the running mean of the gradients forgets.",
    },
    ParamSpec {
        name: "beta_2",
        aliases: &[],
        label: "Adam β₂",
        kind: float(0.0, 0.999_999, false),
        default: ParamDefault::Float(0.999),
        optional: false,
        log_scale: false,
        help: "For adam: how slowly the running mean of the squared gradients forgets.",
    },
    ParamSpec {
        name: "epsilon",
        aliases: &[],
        label: "Adam ε",
        kind: float(0.0, 1.0, true),
        default: ParamDefault::Float(1e-8),
        optional: false,
        log_scale: true,
        help: "For adam: keeps the step finite where the squared gradients are near zero.",
    },
    ParamSpec {
        name: "n_iter_no_change",
        aliases: &[],
        label: "Patience",
        kind: ParamKind::Integer {
            min: 1,
            max: 100_000,
        },
        default: ParamDefault::Integer(10),
        optional: false,
        log_scale: false,
        help: "Stop after this many epochs in a row without improving by tol.",
    },
];

impl Family for Mlp {
    fn name(&self) -> &'static str {
        "mlp"
    }

    fn label(&self) -> &'static str {
        "Neural network (MLP)"
    }

    fn tasks(&self) -> &'static [Task] {
        &[Task::Classification, Task::Regression]
    }

    fn params(&self) -> &'static [ParamSpec] {
        PARAMS
    }

    fn start(&self, p: &Resolved, data: TrainingSet) -> Result<Box<dyn Fit>, FitError> {
        let (classes, outputs, labels) = match &data.target {
            Target::Classes { labels, classes } if classes.len() >= 2 => (
                classes.clone(),
                if classes.len() == 2 { 1 } else { classes.len() },
                Some(labels),
            ),
            Target::Classes { classes, .. } => {
                return Err(FitError::Data {
                    message: format!(
                        "the training rows hold {} class, and a classifier needs at least two: \
                         choose another target or give the split more rows",
                        classes.len()
                    ),
                    param: None,
                });
            }
            Target::Values(_) => (Vec::new(), 1, None),
            Target::None => {
                return Err(FitError::Data {
                    message: "a neural network needs a target column to learn from".into(),
                    param: None,
                });
            }
        };
        let (inputs, rows) = (data.inputs, data.rows());
        if inputs == 0 || rows == 0 {
            return Err(FitError::Data {
                message: "a neural network needs at least one input column and one row".into(),
                param: None,
            });
        }
        let activation = p
            .choice("activation")?
            .and_then(Activation::parse)
            .unwrap_or(Activation::Relu);
        let seed = p.seed("random_state")?;
        let lbfgs = p.choice("solver")? == Some("lbfgs");
        let early = p.boolean("early_stopping")?;
        if lbfgs && early {
            return Err(FitError::Data {
                message: "early stopping holds out rows between the epochs of adam or sgd, \
                          and lbfgs fits every row at once: turn it off, or choose adam"
                    .into(),
                param: Some("early_stopping"),
            });
        }
        if lbfgs && p.float("dropout")? > 0.0 {
            return Err(FitError::Data {
                message: "dropout switches units off per batch, and lbfgs fits every row at \
                          once: choose 0, or choose adam"
                    .into(),
                param: Some("dropout"),
            });
        }
        let (train, held) = if early {
            let labels = labels.map(|l| (&l[..], classes.len()));
            split::hold_out(rows, labels, p.float("validation_fraction")?, seed)
        } else {
            ((0..rows).collect(), Vec::new())
        };
        if train.is_empty() || (early && held.is_empty()) {
            return Err(FitError::Data {
                message: format!(
                    "{rows} rows are too few to hold out validation rows for early stopping; \
                     choose early_stopping false"
                ),
                param: Some("early_stopping"),
            });
        }
        let target = |r: usize| match &data.target {
            Target::Classes { labels, .. } if outputs == 1 => f32::from(u8::from(labels[r] == 1)),
            Target::Classes { labels, .. } => labels[r] as f32,
            Target::Values(values) => values[r] as f32,
            Target::None => f32::NAN,
        };
        let x: Vec<f32> = train
            .iter()
            .flat_map(|&r| {
                data.x[r * inputs..(r + 1) * inputs]
                    .iter()
                    .map(|&v| v as f32)
            })
            .collect();
        let targets: Vec<f32> = train.iter().map(|&r| target(r)).collect();
        let validation = early.then(|| Validation {
            x: held
                .iter()
                .flat_map(|&r| data.x[r * inputs..(r + 1) * inputs].to_vec())
                .collect(),
            truth: match &data.target {
                Target::Classes { labels, .. } => {
                    Truth::Classes(held.iter().map(|&r| labels[r]).collect())
                }
                Target::Values(values) => Truth::Values(held.iter().map(|&r| values[r]).collect()),
                Target::None => Truth::Values(Vec::new()),
            },
        });

        let mut widths = vec![inputs];
        for &h in p.integers("hidden_layer_sizes")? {
            widths.push(usize::try_from(h).unwrap_or(1));
        }
        widths.push(outputs);
        let solver = match p.choice("solver")? {
            Some("sgd") => Solver::Sgd {
                momentum: p.float("momentum")? as f32,
                nesterov: p.boolean("nesterovs_momentum")?,
            },
            _ => Solver::Adam {
                beta1: p.float("beta_1")? as f32,
                beta2: p.float("beta_2")? as f32,
                eps: p.float("epsilon")? as f32,
            },
        };
        let layout = Layout {
            batch: p
                .optional_count("batch_size")?
                .unwrap_or(200)
                .clamp(1, train.len()),
            widths,
            activation,
            head: fit::head(classes.len()),
            solver,
            alpha: p.float("alpha")? as f32,
            dropout: p.float("dropout")? as f32,
        };
        let mut rng = SplitMix64::new(seed);
        let (weights, biases) = glorot(&layout.widths, activation, &mut rng);
        let state = State::new(weights, biases, solver);
        if lbfgs {
            let (max_iter, tol) = (p.count("max_iter")?, p.float("tol")?);
            let fit = FullBatchFit::new(layout, classes, x, targets, &state, max_iter, tol)?;
            return Ok(Box::new(fit));
        }
        let settings = Settings {
            max_iter: p.count("max_iter")?,
            tol: p.float("tol")?,
            n_iter_no_change: p.count("n_iter_no_change")?,
            shuffle: p.boolean("shuffle")?,
            learning_rate_init: p.float("learning_rate_init")?,
            schedule: match p.choice("learning_rate")? {
                Some("invscaling") => Schedule::InvScaling {
                    power_t: p.float("power_t")?,
                },
                Some("adaptive") => Schedule::Adaptive,
                _ => Schedule::Constant,
            },
        };
        let fit = MlpFit::new(
            layout, classes, x, targets, validation, settings, state, rng,
        )?;
        Ok(Box::new(fit))
    }

    fn model_from_json(&self, value: serde_json::Value) -> Result<Box<dyn Model>, String> {
        let model: MlpModel = serde_json::from_value(value).map_err(|e| e.to_string())?;
        model.check()?;
        Ok(Box::new(model))
    }
}

/// scikit-learn's initialization: per layer, weights then biases uniform in
/// `±√(f / (fan_in + fan_out))`, `f` 2 for logistic units and 6 otherwise,
/// drawn from SplitMix64 (`next_unit`) so that the reference can replay them.
fn glorot(
    widths: &[usize],
    activation: Activation,
    rng: &mut SplitMix64,
) -> (Vec<Vec<f32>>, Vec<Vec<f32>>) {
    let factor = if activation == Activation::Logistic {
        2.0
    } else {
        6.0
    };
    let mut draw = |len: usize, bound: f64| -> Vec<f32> {
        (0..len)
            .map(|_| (f64::from(rng.next_unit()) * bound) as f32)
            .collect()
    };
    widths
        .windows(2)
        .map(|fans| {
            let bound = (factor / (fans[0] + fans[1]) as f64).sqrt();
            (draw(fans[0] * fans[1], bound), draw(fans[1], bound))
        })
        .unzip()
}

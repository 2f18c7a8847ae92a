//! Linear support vector classification, as scikit-learn's `LinearSVC` with
//! `dual=True`: liblinear's dual coordinate descent (`dual.rs`) on the hinge or
//! squared hinge, one-vs-rest for three classes or more (one two-class problem
//! per class, its rows against all others), one problem for two classes (the
//! second class against the first). The intercept is liblinear's: the weight of
//! a synthetic input of value `intercept_scaling`, penalized like the others.
//!
//! Each step is one pass over every unfinished problem's coordinates, in an
//! order drawn from SplitMix64 seeded by `random_state`. liblinear draws its own
//! orders, so the path differs from scikit-learn's; the solution does not, as
//! the primal is strictly convex. No GPU path.

mod dual;
mod model;

pub use model::LinearSvmModel;

use super::MAX_ITER;
use super::class_weight::{self, CLASS_WEIGHT};
use crate::compute::ComputeError;
use crate::learner::incremental::{Incremental, Stream};
use crate::learner::{
    Family, Fit, FitError, Fitted, Local, Model, ParamDefault, ParamKind, ParamSpec, Progress,
    Resolved, Target, TrainingSet,
};
use crate::model::sgd::{self, Makes, Minibatches, SampleLoss, Setup, SgdFit};
use crate::rng::SplitMix64;
use crate::train::Task;
use dual::{DualDescent, Loss};

#[derive(Debug)]
pub struct LinearSvm;

const PARAMS: &[ParamSpec] = &[
    ParamSpec {
        name: "C",
        aliases: &[],
        label: "C (inverse regularization)",
        kind: ParamKind::Float {
            min: 0.0,
            max: f64::INFINITY,
            min_exclusive: true,
        },
        default: ParamDefault::Float(1.0),
        optional: false,
        log_scale: true,
        help: "What each margin violation costs: smaller values widen the margin and keep the \
               weights small.",
    },
    ParamSpec {
        name: "loss",
        aliases: &[],
        label: "Loss",
        kind: ParamKind::Choice(&["squared_hinge", "hinge"]),
        default: ParamDefault::Choice("squared_hinge"),
        optional: false,
        log_scale: false,
        help: "How a row inside the margin is charged: hinge by its distance from it, \
               squared_hinge by the square of that distance.",
    },
    MAX_ITER,
    ParamSpec {
        name: "tol",
        aliases: &[],
        label: "Tolerance",
        kind: ParamKind::Float {
            min: 0.0,
            max: 1.0,
            min_exclusive: true,
        },
        default: ParamDefault::Float(1e-4),
        optional: false,
        log_scale: true,
        help: "Fitting stops once the projected gradients of all the rows' dual variables lie \
               within this of each other.",
    },
    sgd::solver(
        &["liblinear", sgd::ADAM],
        "How the weights are fitted: liblinear's dual coordinate descent over every row, or \
         adam on minibatches of rows, an epoch per step (max_iter epochs), for tables too \
         large to go over whole at every step.",
    ),
    super::BATCH_SIZE,
    sgd::LEARNING_RATE_INIT,
    CLASS_WEIGHT,
    ParamSpec {
        name: "fit_intercept",
        aliases: &[],
        label: "Fit intercept",
        kind: ParamKind::Boolean,
        default: ParamDefault::Boolean(true),
        optional: false,
        log_scale: false,
        help: "Whether to learn an intercept, as the weight of a constant input that is \
               penalized like the others.",
    },
    ParamSpec {
        name: "intercept_scaling",
        aliases: &[],
        label: "Intercept scaling",
        kind: ParamKind::Float {
            min: 0.0,
            max: f64::INFINITY,
            min_exclusive: true,
        },
        default: ParamDefault::Float(1.0),
        optional: false,
        log_scale: true,
        help: "The value of the constant input that carries the intercept: larger values \
               penalize the intercept less.",
    },
    ParamSpec {
        name: "random_state",
        aliases: &[],
        label: "Random seed",
        kind: ParamKind::Integer {
            min: 0,
            max: 4_294_967_295,
        },
        default: ParamDefault::Integer(0),
        optional: false,
        log_scale: false,
        help: "Seeds the order the rows are visited in; a converged fit gives the same model \
               for every seed.",
    },
];

/// Checked hyperparameters.
struct SvmParams {
    c: f64,
    loss: Loss,
    max_iter: usize,
    tol: f64,
    balanced: bool,
    /// The synthetic input carrying the intercept, if one is fitted.
    bias: Option<f64>,
    seed: u64,
}

impl SvmParams {
    fn from(p: &Resolved) -> Result<Self, FitError> {
        Ok(Self {
            c: p.float("C")?,
            loss: match p.choice("loss")? {
                Some("hinge") => Loss::Hinge,
                _ => Loss::SquaredHinge,
            },
            max_iter: p.count("max_iter")?,
            tol: p.float("tol")?,
            balanced: class_weight::is_balanced(p)?,
            bias: p
                .boolean("fit_intercept")?
                .then(|| p.float("intercept_scaling"))
                .transpose()?,
            seed: p.seed("random_state")?,
        })
    }
}

impl SvmParams {
    /// How minibatches fit it: `‖w‖² / 2 + C Σ losses`, divided by `C`.
    fn online_setup(&self) -> Setup {
        Setup {
            makes: Makes::LinearSvm,
            loss: SampleLoss::Hinge {
                squared: self.loss == Loss::SquaredHinge,
            },
            l2: 1.0 / self.c,
            intercept: self.bias.is_some(),
            balanced: self.balanced,
            units: self.c,
        }
    }
}

impl Family for LinearSvm {
    fn name(&self) -> &'static str {
        "linear_svm"
    }

    fn label(&self) -> &'static str {
        "Linear SVM"
    }

    fn tasks(&self) -> &'static [Task] {
        &[Task::Classification]
    }

    fn params(&self) -> &'static [ParamSpec] {
        PARAMS
    }

    fn start(&self, params: &Resolved, data: TrainingSet) -> Result<Box<dyn Fit>, FitError> {
        let p = SvmParams::from(params)?;
        if params.choice("solver")? == Some(sgd::ADAM) {
            let minibatches = Minibatches::from(params, p.seed)?;
            return Ok(Box::new(SgdFit::new(p.online_setup(), data, minibatches)?));
        }
        let Target::Classes { labels, classes } = data.target else {
            return Err(FitError::Data {
                message: "a linear SVM predicts classes: choose a column of categories as the \
                          target"
                    .into(),
                param: None,
            });
        };
        if classes.len() < 2 {
            return Err(FitError::Data {
                message: "a linear SVM needs rows of at least two classes to learn from".into(),
                param: None,
            });
        }
        let costs = class_costs(&labels, classes.len(), p.c, p.balanced);
        let problem = |positive: usize, costs: [f64; 2]| {
            DualDescent::new(
                data.x.clone(),
                data.inputs,
                p.bias,
                labels.iter().map(move |&c| c == positive),
                costs,
                p.loss,
                p.tol,
            )
        };
        let problems = if classes.len() == 2 {
            vec![problem(1, [costs[1], costs[0]])]
        } else {
            // liblinear's one-vs-rest weighs the positive class only: the rest
            // keep the plain C.
            (0..classes.len())
                .map(|k| problem(k, [costs[k], p.c]))
                .collect()
        };
        Ok(Box::new(SvmFit {
            problems,
            rng: SplitMix64::new(p.seed),
            max_iter: p.max_iter,
            classes,
            steps: 0,
        }))
    }

    fn incremental(
        &self,
        params: &Resolved,
        stream: &Stream,
    ) -> Option<Result<Box<dyn Incremental>, FitError>> {
        let setup = SvmParams::from(params).map(|p| p.online_setup());
        sgd::incremental(setup, stream)
    }

    fn model_from_json(&self, value: serde_json::Value) -> Result<Box<dyn Model>, String> {
        let model: LinearSvmModel = serde_json::from_value(value).map_err(|e| e.to_string())?;
        model.check()?;
        Ok(Box::new(model))
    }
}

/// Each class's cost per row: `C`, or with `balanced` `C · n / (k · nₖ)`, as
/// scikit-learn's `compute_class_weight`. Every class has training rows.
fn class_costs(labels: &[usize], classes: usize, c: f64, balanced: bool) -> Vec<f64> {
    if !balanced {
        return vec![c; classes];
    }
    class_weight::balanced(labels, classes)
        .into_iter()
        .map(|w| c * w)
        .collect()
}

struct SvmFit {
    problems: Vec<DualDescent>,
    rng: SplitMix64,
    max_iter: usize,
    classes: Vec<String>,
    steps: usize,
}

impl SvmFit {
    fn finished(&self) -> bool {
        self.problems
            .iter()
            .all(|p| p.converged || p.iterations >= self.max_iter)
    }
}

impl Fit for SvmFit {
    fn step(&mut self) -> Local<'_, Result<bool, ComputeError>> {
        Box::pin(async move {
            if self.finished() {
                return Ok(false);
            }
            for problem in &mut self.problems {
                if problem.iterations < self.max_iter {
                    problem.pass(&mut self.rng);
                }
            }
            self.steps += 1;
            Ok(!self.finished())
        })
    }

    fn progress(&self) -> Progress {
        Progress {
            done: self.steps,
            total: Some(self.max_iter),
            loss: Some(self.problems.iter().map(DualDescent::objective).sum()),
            unit: "iteration",
            held_out: None,
        }
    }

    fn converged(&self) -> bool {
        self.problems.iter().all(|p| p.converged)
    }

    fn model(&self) -> Fitted {
        Fitted::new(LinearSvmModel {
            classes: self.classes.clone(),
            coef: self.problems.iter().map(|p| p.coef().to_vec()).collect(),
            intercept: self.problems.iter().map(DualDescent::intercept).collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn balanced_costs_weigh_classes_by_their_inverse_size() {
        let labels = [0, 0, 0, 1];
        assert_eq!(class_costs(&labels, 2, 2.0, false), [2.0, 2.0]);
        let costs = class_costs(&labels, 2, 2.0, true);
        assert_eq!(costs, [2.0 * 4.0 / 6.0, 2.0 * 4.0 / 2.0]);
    }
}

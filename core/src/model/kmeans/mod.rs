//! k-means clustering (Lloyd's algorithm) with k-means++ or random seeding and
//! several restarts, as scikit-learn's `KMeans`. Each step is one Lloyd
//! iteration; rows are assigned through the compute device's pairwise distances,
//! so assignment runs on the GPU where one is chosen.

mod lloyd;

use serde::{Deserialize, Serialize};

use crate::compute::ops::Distances;
use crate::compute::{Compute, ComputeError, DeviceKind, GpuBuffer, GpuDevice};
use crate::export::graph::{self, Graph, batch, finite, fixed};
use crate::export::onnx::ExportError;
use crate::export::onnx_proto::tensor_proto::DataType;
use crate::learner::{
    Family, Fit, FitError, Fitted, Local, Model, Output, ParamDefault, ParamKind, ParamSpec,
    Progress, Resolved, TrainingSet,
};
use crate::rng::SplitMix64;
use crate::train::Task;

/// ONNX output: the nearest cluster, `tensor(int64)` `[N]`.
pub const LABEL: &str = "label";
/// ONNX output: the Euclidean distance to every centre, `tensor(float)` `[N, k]`.
pub const DISTANCES: &str = "distances";

#[derive(Debug)]
pub struct KMeans;

const PARAMS: &[ParamSpec] = &[
    ParamSpec {
        name: "n_clusters",
        aliases: &[],
        label: "Clusters",
        kind: ParamKind::Integer { min: 1, max: 1000 },
        default: ParamDefault::Integer(8),
        optional: false,
        log_scale: false,
        help: "How many groups to find.",
    },
    ParamSpec {
        name: "init",
        aliases: &[],
        label: "Initialization",
        kind: ParamKind::Choice(&["k-means++", "random"]),
        default: ParamDefault::Choice("k-means++"),
        optional: false,
        log_scale: false,
        help: "How the first centres are placed: spread apart (k-means++) or at random rows.",
    },
    ParamSpec {
        name: "n_init",
        aliases: &[],
        label: "Restarts",
        kind: ParamKind::Integer { min: 1, max: 100 },
        default: ParamDefault::Unset,
        optional: true,
        log_scale: false,
        help: "How many times to start afresh, keeping the best; none means 1 for k-means++ and 10 for random.",
    },
    ParamSpec {
        name: "max_iter",
        aliases: &[],
        label: "Maximum iterations",
        kind: ParamKind::Integer {
            min: 1,
            max: 10_000,
        },
        default: ParamDefault::Integer(300),
        optional: false,
        log_scale: true,
        help: "The most iterations of each start.",
    },
    ParamSpec {
        name: "tol",
        aliases: &[],
        label: "Tolerance",
        kind: ParamKind::Float {
            min: 0.0,
            max: f64::INFINITY,
            min_exclusive: false,
        },
        default: ParamDefault::Float(1e-4),
        optional: false,
        log_scale: true,
        help: "A start has converged when its centres move less than this (relative to the data's variance).",
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
        help: "Seeds the starting centres: the same seed gives the same clusters.",
    },
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Init {
    PlusPlus,
    Random,
}

struct KMeansParams {
    k: usize,
    init: Init,
    n_init: usize,
    max_iter: usize,
    tol: f64,
    seed: u64,
}

impl KMeansParams {
    fn from(p: &Resolved) -> Result<Self, FitError> {
        let init = match p.choice("init")? {
            Some("random") => Init::Random,
            _ => Init::PlusPlus,
        };
        let auto = if init == Init::PlusPlus { 1 } else { 10 };
        Ok(Self {
            k: p.count("n_clusters")?,
            init,
            n_init: p.optional_count("n_init")?.unwrap_or(auto),
            max_iter: p.count("max_iter")?,
            tol: p.float("tol")?,
            seed: p.seed("random_state")?,
        })
    }
}

impl Family for KMeans {
    fn name(&self) -> &'static str {
        "kmeans"
    }

    fn label(&self) -> &'static str {
        "k-means"
    }

    fn tasks(&self) -> &'static [Task] {
        &[Task::Clustering]
    }

    fn params(&self) -> &'static [ParamSpec] {
        PARAMS
    }

    fn start(&self, params: &Resolved, data: TrainingSet) -> Result<Box<dyn Fit>, FitError> {
        let p = KMeansParams::from(params)?;
        let rows = data.rows();
        if p.k > rows {
            return Err(FitError::Data {
                message: format!(
                    "there are only {rows} rows to cluster, fewer than n_clusters ({}): choose at most {rows}",
                    p.k
                ),
                param: Some("n_clusters"),
            });
        }
        let x32: Vec<f32> = data.x.iter().map(|&v| v as f32).collect();
        let tol = p.tol * lloyd::mean_variance(&data.x, data.inputs);
        let mut fit = KMeansFit {
            rng: SplitMix64::new(p.seed),
            assigner: Assigner::Cpu,
            x32,
            data,
            p,
            tol,
            start: 0,
            iteration: 0,
            done: 0,
            centers: Vec::new(),
            labels: None,
            best: None,
            converged_all: true,
            inertia: None,
        };
        fit.seed_start();
        Ok(Box::new(fit))
    }

    fn model_from_json(&self, value: serde_json::Value) -> Result<Box<dyn Model>, String> {
        let model: KMeansModel = serde_json::from_value(value).map_err(|e| e.to_string())?;
        let width = model.inputs();
        if model.centers.is_empty() || model.centers.iter().any(|c| c.len() != width) {
            return Err("its centres must be a non-empty list of rows of one width".into());
        }
        Ok(Box::new(model))
    }
}

/// Where rows are assigned: on the CPU in one pass over them, or on the GPU,
/// which holds the training rows in f32.
enum Assigner {
    Cpu,
    Gpu(Box<GpuDevice>, GpuBuffer),
}

/// One Lloyd step from `centers` over the rows (`x`, and `x32` as the
/// distances read them): each row's nearest centre, the inertia, and the new
/// centres.
type Step = (Vec<usize>, f64, Vec<f64>);

impl Assigner {
    async fn step(
        &self,
        x32: &[f32],
        x: &[f64],
        dim: usize,
        centers: &[f64],
    ) -> Result<Step, ComputeError> {
        let Assigner::Gpu(gpu, on_gpu) = self else {
            // The distances are never held.
            return Ok(lloyd::assign(x32, x, dim, centers));
        };
        let (n, k) = (x.len() / dim.max(1), centers.len() / dim.max(1));
        let y: Vec<f32> = centers.iter().map(|&v| v as f32).collect();
        let y = gpu.upload(&y)?;
        let mut out = gpu.zeros(n.saturating_mul(k))?;
        gpu.distances(Distances { n, m: k, dim }, on_gpu, &y, &mut out)?;
        let distances = gpu.read(&out).await?;
        let labels = lloyd::nearest(&distances, k);
        let inertia = labels
            .iter()
            .enumerate()
            .map(|(r, &c)| f64::from(distances[r * k + c]))
            .sum();
        let updated = lloyd::update(x, dim, &labels, centers, k);
        Ok((labels, inertia, updated))
    }
}

/// The best start so far: its centres and inertia.
struct Best {
    centers: Vec<f64>,
    inertia: f64,
}

struct KMeansFit {
    data: TrainingSet,
    x32: Vec<f32>,
    p: KMeansParams,
    /// The tolerance on the squared centre shift, scaled by the data.
    tol: f64,
    rng: SplitMix64,
    assigner: Assigner,
    /// Which start is running, and its iteration.
    start: usize,
    iteration: usize,
    /// Iterations done over all starts.
    done: usize,
    centers: Vec<f64>,
    /// The last assignment of the running start.
    labels: Option<Vec<usize>>,
    best: Option<Best>,
    converged_all: bool,
    /// The running start's inertia at its last assignment (in f32 distances).
    inertia: Option<f64>,
}

impl KMeansFit {
    fn seed_start(&mut self) {
        let (x, dim, k) = (&self.data.x[..], self.data.inputs, self.p.k);
        self.centers = match self.p.init {
            Init::PlusPlus => lloyd::kmeans_plus_plus(x, dim, k, &mut self.rng),
            Init::Random => lloyd::random_rows(x, dim, k, &mut self.rng),
        };
        self.iteration = 0;
        self.labels = None;
    }

    /// Keeps the running start if it beats the best, then begins the next one.
    fn end_start(&mut self, labels: &[usize], converged: bool) {
        let inertia = lloyd::inertia(&self.data.x, self.data.inputs, labels, &self.centers);
        self.converged_all &= converged;
        if self.best.as_ref().is_none_or(|b| inertia < b.inertia) {
            self.best = Some(Best {
                centers: self.centers.clone(),
                inertia,
            });
        }
        self.start += 1;
        if self.start < self.p.n_init {
            self.seed_start();
        }
    }

    async fn advance(&mut self) -> Result<bool, ComputeError> {
        if self.start >= self.p.n_init {
            return Ok(false);
        }
        let dim = self.data.inputs;
        // Distances first: a device failure here leaves the state untouched.
        let (labels, inertia, updated) = self
            .assigner
            .step(&self.x32, &self.data.x, dim, &self.centers)
            .await?;
        self.inertia = Some(inertia);
        let moved = lloyd::shift(&self.centers, &updated);
        let same = self.labels.as_ref() == Some(&labels);
        self.centers = updated;
        self.iteration += 1;
        self.done += 1;
        let converged = same || moved <= self.tol;
        if converged || self.iteration >= self.p.max_iter {
            // scikit-learn reports the centres with labels consistent to them.
            let (final_labels, _, _) = self
                .assigner
                .step(&self.x32, &self.data.x, dim, &self.centers)
                .await?;
            self.end_start(&final_labels, converged);
        } else {
            self.labels = Some(labels);
        }
        Ok(self.start < self.p.n_init)
    }
}

impl Fit for KMeansFit {
    fn step(&mut self) -> Local<'_, Result<bool, ComputeError>> {
        Box::pin(self.advance())
    }

    fn progress(&self) -> Progress {
        Progress {
            done: self.done,
            total: Some(self.p.max_iter * self.p.n_init),
            loss: self.inertia,
            unit: "iteration",
            held_out: None,
        }
    }

    fn converged(&self) -> bool {
        self.start >= self.p.n_init && self.converged_all
    }

    fn model(&self) -> Fitted {
        // Part way through a later start, the best finished one is the model.
        let centers = self.best.as_ref().map_or(&self.centers, |b| &b.centers);
        Fitted::new(KMeansModel {
            centers: centers
                .chunks(self.data.inputs.max(1))
                .map(<[f64]>::to_vec)
                .collect(),
        })
    }

    fn device(&self) -> DeviceKind {
        match self.assigner {
            Assigner::Cpu => DeviceKind::Cpu,
            Assigner::Gpu(..) => DeviceKind::Gpu,
        }
    }

    /// Every row's distance to every centre.
    fn work_per_step(&self) -> u64 {
        (self.x32.len() * self.p.k) as u64
    }

    fn to_gpu<'a>(&'a mut self, gpu: &'a GpuDevice) -> Local<'a, Result<bool, ComputeError>> {
        Box::pin(async move {
            let x = gpu.upload(&self.x32)?;
            self.assigner = Assigner::Gpu(Box::new(gpu.clone()), x);
            Ok(true)
        })
    }

    fn leave_gpu(&mut self) -> Local<'_, Result<(), ComputeError>> {
        Box::pin(async move {
            self.assigner = Assigner::Cpu;
            Ok(())
        })
    }
}

/// Cluster centres over the preprocessed inputs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KMeansModel {
    /// `k × inputs`.
    pub centers: Vec<Vec<f64>>,
}

impl Model for KMeansModel {
    fn family(&self) -> &'static str {
        "kmeans"
    }

    fn inputs(&self) -> usize {
        self.centers.first().map_or(0, Vec::len)
    }

    fn predict(&self, x: &[f64]) -> Output {
        let dim = self.inputs();
        let flat: Vec<f64> = self.centers.concat();
        let squared: Vec<Vec<f64>> = x
            .chunks(dim.max(1))
            .map(|row| lloyd::distances_to(row, &flat, dim))
            .collect();
        let labels = squared
            .iter()
            .map(|d| {
                let mut best = 0;
                for (c, v) in d.iter().enumerate() {
                    if *v < d[best] {
                        best = c;
                    }
                }
                best
            })
            .collect();
        Output::Clusters {
            labels,
            distances: squared
                .into_iter()
                .map(|d| d.into_iter().map(f64::sqrt).collect())
                .collect(),
        }
    }

    fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }

    fn outputs(&self) -> &'static [&'static str] {
        &[LABEL, DISTANCES]
    }

    /// `‖x‖² − 2 x·c + ‖c‖²` per centre, clipped at zero, square-rooted; the label
    /// is the first nearest centre (`ArgMin`).
    fn write_onnx(&self, graph: &mut Graph, features: &str) -> Result<String, ExportError> {
        let (k, dim) = (self.centers.len(), self.inputs());
        let mut transposed = vec![0.0f32; dim * k];
        let mut norms = Vec::with_capacity(k);
        for (c, center) in self.centers.iter().enumerate() {
            let mut norm = 0.0;
            for (j, &v) in center.iter().enumerate() {
                transposed[j * k + c] = finite(&format!("coordinate {j} of centre {c}"), v)?;
                norm += v * v;
            }
            norms.push(finite(&format!("the norm of centre {c}"), norm)?);
        }
        let centers = graph.constant("centers_t", &[dim, k], transposed);
        let norms = graph.constant("center_norms", &[k], norms);
        let minus_two = graph.constant("minus_two", &[], vec![-2.0]);
        let zero = graph.constant("zero", &[], vec![0.0]);
        let (xx, xc, scaled, partial, squared, clipped) = (
            graph.internal("row_norms"),
            graph.internal("cross"),
            graph.internal("cross_scaled"),
            graph.internal("partial"),
            graph.internal("squared"),
            graph.internal("clipped"),
        );
        graph.node(
            "ReduceSumSquare",
            "",
            &[features],
            &[&xx],
            vec![graph::ints("axes", vec![1]), graph::int("keepdims", 1)],
        );
        graph.node("MatMul", "", &[features, &centers], &[&xc], vec![]);
        graph.node("Mul", "", &[&xc, &minus_two], &[&scaled], vec![]);
        graph.node("Add", "", &[&xx, &scaled], &[&partial], vec![]);
        graph.node("Add", "", &[&partial, &norms], &[&squared], vec![]);
        // Rounding can leave a point on its centre a hair below zero.
        graph.node("Max", "", &[&squared, &zero], &[&clipped], vec![]);
        graph.node("Sqrt", "", &[&clipped], &[DISTANCES], vec![]);
        graph.node(
            "ArgMin",
            "",
            &[DISTANCES],
            &[LABEL],
            vec![graph::int("axis", 1), graph::int("keepdims", 0)],
        );
        graph.output(LABEL, DataType::Int64, &[batch()]);
        graph.output(DISTANCES, DataType::Float, &[batch(), fixed(k)]);
        Ok(format!(
            "k-means into {k} clusters. Outputs: label, the nearest cluster (int64, [N]); \
             distances, the Euclidean distance to each centre (float, [N, {k}])."
        ))
    }

    fn clone_box(&self) -> Box<dyn Model> {
        Box::new(self.clone())
    }
}

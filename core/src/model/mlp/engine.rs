//! Minibatch training of a perceptron on a compute device, in f32: the same
//! recorded operations on the CPU and the GPU, with every buffer allocated once
//! when the engine is built, so that an epoch allocates nothing.
//!
//! Per batch, as scikit-learn's `_backprop`: the forward pass (`Z = A·W + b`,
//! then the activation), the fused loss and its gradient at the output
//! (`δ = p − y`), the gradients `(Aᵀδ + α W) / b` and `mean(δ)`, the deltas
//! `δ Wᵀ ⊙ f'(A)` back through the hidden layers, and an Adam or SGD step on
//! every weight and bias; with dropout, each hidden layer's outputs (and its
//! deltas) times a fresh mask per batch. The sum over the epoch of each batch's loss times its
//! rows (`½α‖W‖²` per batch included) stays on the device until the epoch ends.

use super::network::Activation;
use crate::compute::ops::{Adam, Gemm, Gemv, Loss, LossKind, Sgd, Shape};
use crate::compute::{Binary, Compute, ComputeError, DeviceBuffer, Unary};
use crate::rng::SplitMix64;

/// What the last layer's outputs are trained as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Head {
    /// A softmax over one output per class; the targets are class indices.
    Softmax,
    /// One logistic unit; the targets are 0 or 1.
    Logistic,
    /// The value itself, with squared error.
    Identity,
}

impl Head {
    fn loss(self) -> LossKind {
        match self {
            Head::Softmax => LossKind::SoftmaxCrossEntropy,
            Head::Logistic => LossKind::LogLoss,
            Head::Identity => LossKind::SquaredError,
        }
    }
}

/// The optimizer and its constants; the learning rate comes per epoch.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Solver {
    Adam { beta1: f32, beta2: f32, eps: f32 },
    Sgd { momentum: f32, nesterov: bool },
}

/// The network's shape and how it is trained.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    /// Every layer's width, inputs first and outputs last.
    pub widths: Vec<usize>,
    pub activation: Activation,
    pub head: Head,
    pub solver: Solver,
    /// The L2 penalty `alpha`.
    pub alpha: f32,
    /// The share of hidden units dropped in each batch (inverted dropout: the
    /// kept ones scaled by `1 / (1 − p)`, so prediction uses every unit as it is).
    pub dropout: f32,
    pub batch: usize,
}

impl Layout {
    /// Multiply-adds for one pass over `rows` rows: the forward pass and the two
    /// products of the backward pass, per layer.
    pub fn work(&self, rows: usize) -> u64 {
        let per_row: usize = self.widths.windows(2).map(|w| w[0] * w[1]).sum();
        (3 * rows * per_row) as u64
    }
}

impl Layout {
    fn layers(&self) -> usize {
        self.widths.len() - 1
    }

    /// `(fan_in, fan_out)` of layer `l`.
    fn fans(&self, l: usize) -> (usize, usize) {
        (self.widths[l], self.widths[l + 1])
    }
}

/// Everything the device holds between epochs, on the host: what a model is
/// read from, and what a fit moved to another device starts from.
#[derive(Debug, Clone, PartialEq)]
pub struct State {
    /// Per layer, `fan_in × fan_out` row-major.
    pub weights: Vec<Vec<f32>>,
    pub biases: Vec<Vec<f32>>,
    /// Adam's first moments or SGD's velocities, for the weights and biases of
    /// each layer in turn.
    pub first: Vec<Vec<f32>>,
    /// Adam's second moments in the same order; empty for SGD.
    pub second: Vec<Vec<f32>>,
}

impl State {
    /// The weights and biases, with zeroed optimizer state.
    pub fn new(weights: Vec<Vec<f32>>, biases: Vec<Vec<f32>>, solver: Solver) -> Self {
        let zeros: Vec<Vec<f32>> = weights
            .iter()
            .zip(&biases)
            .flat_map(|(w, b)| [vec![0.0; w.len()], vec![0.0; b.len()]])
            .collect();
        let second = match solver {
            Solver::Adam { .. } => zeros.clone(),
            Solver::Sgd { .. } => Vec::new(),
        };
        Self {
            weights,
            biases,
            first: zeros,
            second,
        }
    }
}

/// One epoch's settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Epoch {
    pub lr: f32,
    /// Adam's step count before the epoch's first batch.
    pub steps: u32,
}

/// A layer's parameters, gradients and optimizer state on the device.
struct Layer<B> {
    w: B,
    b: B,
    grad_w: B,
    grad_b: B,
    first: [B; 2],
    second: Option<[B; 2]>,
}

/// The buffers of one batch size: the full batch, and the shorter last one.
struct Pass<B> {
    rows: usize,
    x: B,
    targets: B,
    ones: B,
    row_loss: B,
    /// Per layer, `rows × fan_out` before the activation.
    z: Vec<B>,
    /// Per hidden layer, after the activation (unused for the identity).
    a: Vec<B>,
    delta: Vec<B>,
    /// Per hidden layer, `δ Wᵀ` from the layer above, and two scratch buffers
    /// for the activation's derivative.
    back: Vec<B>,
    scratch: Vec<[B; 2]>,
    /// With dropout, per hidden layer: the batch's mask (0, or `1 / (1 − p)`)
    /// and the layer's outputs times it, which the next layer reads.
    mask: Vec<B>,
    dropped: Vec<B>,
}

pub struct Engine<C: Compute> {
    device: C,
    layout: Layout,
    layers: Vec<Layer<C::Buffer>>,
    full: Pass<C::Buffer>,
    tail: Option<Pass<C::Buffer>>,
    /// The epoch's summed loss, one value.
    total: C::Buffer,
    /// The batch's rows gathered on the host before they are written.
    staging: Vec<f32>,
    staging_targets: Vec<f32>,
    staging_mask: Vec<f32>,
}

impl<C: Compute> Engine<C> {
    /// Allocates every buffer for `rows` training rows and loads `state`.
    pub fn new(
        device: C,
        layout: Layout,
        rows: usize,
        state: &State,
    ) -> Result<Self, ComputeError> {
        let batch = layout.batch.clamp(1, rows.max(1));
        let layers = (0..layout.layers())
            .map(|l| {
                let (w, b) = (&state.weights[l], &state.biases[l]);
                let moments = |from: &[Vec<f32>]| -> Result<[C::Buffer; 2], ComputeError> {
                    Ok([
                        device.upload(&from[2 * l])?,
                        device.upload(&from[2 * l + 1])?,
                    ])
                };
                Ok(Layer {
                    w: device.upload(w)?,
                    b: device.upload(b)?,
                    grad_w: device.zeros(w.len())?,
                    grad_b: device.zeros(b.len())?,
                    first: moments(&state.first)?,
                    second: if state.second.is_empty() {
                        None
                    } else {
                        Some(moments(&state.second)?)
                    },
                })
            })
            .collect::<Result<Vec<_>, ComputeError>>()?;
        let full = Pass::new(&device, &layout, batch)?;
        let tail = match rows % batch {
            0 => None,
            rest => Some(Pass::new(&device, &layout, rest)?),
        };
        let total = device.zeros(1)?;
        Ok(Self {
            staging: Vec::with_capacity(batch * layout.widths[0]),
            staging_targets: Vec::with_capacity(batch),
            staging_mask: Vec::new(),
            device,
            layout,
            layers,
            full,
            tail,
            total,
        })
    }

    /// Records one epoch over the rows of `x` (row-major, `inputs` wide) in
    /// `order`, each row with one target value; dropout masks come from `rng`.
    pub fn epoch(
        &mut self,
        x: &[f32],
        targets: &[f32],
        order: &[usize],
        epoch: Epoch,
        rng: &mut SplitMix64,
    ) -> Result<(), ComputeError> {
        let inputs = self.layout.widths[0];
        self.device.write(&mut self.total, &[0.0])?;
        let mut steps = epoch.steps;
        for rows in order.chunks(self.full.rows) {
            self.staging.clear();
            self.staging_targets.clear();
            for &r in rows {
                self.staging
                    .extend_from_slice(&x[r * inputs..(r + 1) * inputs]);
                self.staging_targets.push(targets[r]);
            }
            steps = steps.saturating_add(1);
            let pass = match &mut self.tail {
                Some(tail) if rows.len() == tail.rows => tail,
                _ => &mut self.full,
            };
            self.device.write(&mut pass.x, &self.staging)?;
            self.device
                .write(&mut pass.targets, &self.staging_targets)?;
            let keep = 1.0 - f64::from(self.layout.dropout);
            for mask in &mut pass.mask {
                self.staging_mask.clear();
                self.staging_mask.extend((0..mask.len()).map(|_| {
                    let unit = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
                    if unit < keep {
                        (1.0 / keep) as f32
                    } else {
                        0.0
                    }
                }));
                self.device.write(mask, &self.staging_mask)?;
            }
            batch(
                &self.device,
                &self.layout,
                &mut self.layers,
                pass,
                &mut self.total,
                epoch.lr,
                steps,
            )?;
        }
        Ok(())
    }

    /// Loads `weights` and `biases` (per layer, as [`State`] holds them) and
    /// records the loss and the gradients over every row, in row order, with no
    /// step: what a full-batch optimizer evaluates. The engine must have been
    /// built with a batch of every row.
    pub fn evaluate(
        &mut self,
        x: &[f32],
        targets: &[f32],
        weights: &[Vec<f32>],
        biases: &[Vec<f32>],
    ) -> Result<(), ComputeError> {
        if self.full.rows != targets.len() || !self.full.mask.is_empty() {
            return Err(ComputeError::Invalid(
                "a full-batch evaluation needs one batch of every row and no dropout".to_owned(),
            ));
        }
        for ((layer, w), b) in self.layers.iter_mut().zip(weights).zip(biases) {
            self.device.write(&mut layer.w, w)?;
            self.device.write(&mut layer.b, b)?;
        }
        self.device.write(&mut self.total, &[0.0])?;
        self.device.write(&mut self.full.x, x)?;
        self.device.write(&mut self.full.targets, targets)?;
        gradients(
            &self.device,
            &self.layout,
            &mut self.layers,
            &mut self.full,
            &mut self.total,
        )
    }

    /// Waits for an [`evaluate`](Engine::evaluate) and reads back its summed
    /// loss and each layer's gradients of the weights and biases (the mean
    /// loss's, without the penalty's).
    pub async fn read_gradients(&self) -> Result<(f64, Vec<Vec<f32>>), ComputeError> {
        let total = self.device.read(&self.total).await?;
        let mut grads = Vec::with_capacity(2 * self.layers.len());
        for layer in &self.layers {
            grads.push(self.device.read(&layer.grad_w).await?);
            grads.push(self.device.read(&layer.grad_b).await?);
        }
        Ok((f64::from(total.first().copied().unwrap_or(f32::NAN)), grads))
    }

    /// Waits for the epoch and reads back its summed loss and the state.
    pub async fn read(&self) -> Result<(f64, State), ComputeError> {
        let total = self.device.read(&self.total).await?;
        let mut state = State {
            weights: Vec::new(),
            biases: Vec::new(),
            first: Vec::new(),
            second: Vec::new(),
        };
        for layer in &self.layers {
            state.weights.push(self.device.read(&layer.w).await?);
            state.biases.push(self.device.read(&layer.b).await?);
            for m in &layer.first {
                state.first.push(self.device.read(m).await?);
            }
            if let Some(second) = &layer.second {
                for v in second {
                    state.second.push(self.device.read(v).await?);
                }
            }
        }
        Ok((f64::from(total.first().copied().unwrap_or(f32::NAN)), state))
    }
}

impl<B> Pass<B> {
    fn new<C: Compute<Buffer = B>>(
        device: &C,
        layout: &Layout,
        rows: usize,
    ) -> Result<Self, ComputeError> {
        let n = layout.layers();
        let out = |l: usize| rows * layout.widths[l + 1];
        let zeros = |layers: usize| -> Result<Vec<B>, ComputeError> {
            (0..layers).map(|l| device.zeros(out(l))).collect()
        };
        // The identity needs no activations and no derivative, and without
        // dropout none of what masks them.
        let identity = layout.activation == Activation::Identity;
        let dropout = if layout.dropout > 0.0 { n - 1 } else { 0 };
        let hidden = if identity { 0 } else { n - 1 };
        let back = if identity { dropout } else { n - 1 };
        Ok(Self {
            rows,
            x: device.zeros(rows * layout.widths[0])?,
            targets: device.zeros(rows)?,
            ones: device.upload(&vec![1.0; rows])?,
            row_loss: device.zeros(rows)?,
            z: zeros(n)?,
            delta: zeros(n)?,
            a: zeros(hidden)?,
            back: zeros(back)?,
            scratch: zeros(hidden)?
                .into_iter()
                .zip(zeros(hidden)?)
                .map(|(s1, s2)| [s1, s2])
                .collect(),
            mask: zeros(dropout)?,
            dropped: zeros(dropout)?,
        })
    }

    /// What layer `l` reads: the batch's inputs, or the layer below's outputs.
    fn input(&self, l: usize, activation: Activation) -> &B {
        match l {
            0 => &self.x,
            _ if !self.dropped.is_empty() => &self.dropped[l - 1],
            _ if activation == Activation::Identity => &self.z[l - 1],
            _ => &self.a[l - 1],
        }
    }
}

/// Records one batch: forward, loss, backward, and the optimizer's step.
fn batch<C: Compute>(
    device: &C,
    layout: &Layout,
    layers: &mut [Layer<C::Buffer>],
    pass: &mut Pass<C::Buffer>,
    total: &mut C::Buffer,
    lr: f32,
    step: u32,
) -> Result<(), ComputeError> {
    gradients(device, layout, layers, pass, total)?;
    update(device, layout, layers, pass.rows, lr, step)
}

/// Records the forward pass, the loss (added to `total`, with `½α‖W‖²`) and
/// the gradients of the batch's mean loss, the penalty's left out.
fn gradients<C: Compute>(
    device: &C,
    layout: &Layout,
    layers: &mut [Layer<C::Buffer>],
    pass: &mut Pass<C::Buffer>,
    total: &mut C::Buffer,
) -> Result<(), ComputeError> {
    let (n, rows, act) = (layout.layers(), pass.rows, layout.activation);
    let dropout = !pass.mask.is_empty();
    let scale = 1.0 / rows as f32;
    // Forward.
    for l in 0..n {
        let (fan_in, fan_out) = layout.fans(l);
        let (below, above) = pass.z.split_at_mut(l);
        let input = match l {
            0 => &pass.x,
            _ if dropout => &pass.dropped[l - 1],
            _ if act == Activation::Identity => &below[l - 1],
            _ => &pass.a[l - 1],
        };
        let z = &mut above[0];
        device.gemm(Gemm::new(rows, fan_out, fan_in), input, &layers[l].w, z)?;
        device.add_row(Shape::new(rows, fan_out), z, &layers[l].b)?;
        if l + 1 == n {
            continue;
        }
        if let Some(op) = unary(act) {
            device.unary(op, z, &mut pass.a[l])?;
        }
        if dropout {
            let out = if act == Activation::Identity {
                &*z
            } else {
                &pass.a[l]
            };
            device.binary(Binary::Mul, out, &pass.mask[l], &mut pass.dropped[l])?;
        }
    }
    // The loss and the output layer's delta.
    let (_, outputs) = layout.fans(n - 1);
    let loss = Loss {
        kind: layout.head.loss(),
        shape: Shape::new(rows, outputs),
    };
    device.loss(
        loss,
        &pass.z[n - 1],
        &pass.targets,
        &mut pass.delta[n - 1],
        &mut pass.row_loss,
    )?;
    let accumulate = Gemv::new(1, rows).scaled(1.0, 1.0);
    device.gemv(accumulate, &pass.row_loss, &pass.ones, total)?;
    if layout.alpha > 0.0 {
        for layer in layers.iter() {
            let len = layer.w.len();
            let norm = Gemv::new(1, len).scaled(0.5 * layout.alpha, 1.0);
            device.gemv(norm, &layer.w, &layer.w, total)?;
        }
    }
    // Backward: every gradient from the weights before this step.
    for l in (0..n).rev() {
        let (fan_in, fan_out) = layout.fans(l);
        let input = pass.input(l, act);
        let grad_w = Gemm::new(fan_in, fan_out, rows)
            .transpose_a()
            .scaled(scale, 0.0);
        device.gemm(grad_w, input, &pass.delta[l], &mut layers[l].grad_w)?;
        let grad_b = Gemv::new(rows, fan_out).transposed().scaled(scale, 0.0);
        device.gemv(grad_b, &pass.delta[l], &pass.ones, &mut layers[l].grad_b)?;
        if l == 0 {
            break;
        }
        // δ of the layer below: δ Wᵀ, times the dropout mask and the
        // activation's derivative.
        let (below, above) = pass.delta.split_at_mut(l);
        let product = Gemm::new(rows, fan_in, fan_out).transpose_b();
        let h = l - 1;
        if act == Activation::Identity && !dropout {
            device.gemm(product, &above[0], &layers[l].w, &mut below[h])?;
            continue;
        }
        device.gemm(product, &above[0], &layers[l].w, &mut pass.back[h])?;
        if act == Activation::Identity {
            device.binary(Binary::Mul, &pass.back[h], &pass.mask[h], &mut below[h])?;
            continue;
        }
        let back = if dropout {
            // The masked outputs were read for this layer's gradient: free now.
            let masked = &mut pass.dropped[h];
            device.binary(Binary::Mul, &pass.back[h], &pass.mask[h], masked)?;
            &pass.dropped[h]
        } else {
            &pass.back[h]
        };
        let (a, delta) = (&pass.a[h], &mut below[h]);
        let [s1, s2] = &mut pass.scratch[h];
        match act {
            Activation::Relu => {
                device.unary(Unary::Step, a, s1)?;
                device.binary(Binary::Mul, back, s1, delta)?;
            }
            // δ = back − back·a²
            Activation::Tanh => {
                device.unary(Unary::Square, a, s1)?;
                device.binary(Binary::Mul, back, s1, s2)?;
                device.binary(Binary::Sub, back, s2, delta)?;
            }
            // δ = back · (a − a²)
            Activation::Logistic => {
                device.unary(Unary::Square, a, s1)?;
                device.binary(Binary::Sub, a, s1, s2)?;
                device.binary(Binary::Mul, back, s2, delta)?;
            }
            Activation::Identity => {}
        }
    }
    Ok(())
}

/// Records the optimizer's step from the gradients of a batch of `rows`, with
/// the penalty's gradient `α W / b` on the weights only.
fn update<C: Compute>(
    device: &C,
    layout: &Layout,
    layers: &mut [Layer<C::Buffer>],
    rows: usize,
    lr: f32,
    step: u32,
) -> Result<(), ComputeError> {
    let scale = 1.0 / rows as f32;
    for layer in layers.iter_mut() {
        let decays = [layout.alpha * scale, 0.0];
        let Layer {
            w,
            b,
            grad_w,
            grad_b,
            first,
            second,
        } = layer;
        let [first_w, first_b] = first;
        let params = [(w, &*grad_w, first_w), (b, &*grad_b, first_b)];
        for (i, ((p, g, m), decay)) in params.into_iter().zip(decays).enumerate() {
            match (layout.solver, second.as_mut()) {
                (Solver::Adam { beta1, beta2, eps }, Some(v)) => {
                    let op = Adam {
                        lr,
                        beta1,
                        beta2,
                        eps: sklearn_eps(eps, beta2, step),
                        weight_decay: decay,
                        step,
                    };
                    device.adam(op, p, g, m, &mut v[i])?;
                }
                (Solver::Sgd { momentum, nesterov }, _) => {
                    let op = Sgd {
                        lr,
                        momentum,
                        weight_decay: decay,
                        nesterov,
                    };
                    device.sgd(op, p, g, m)?;
                }
                (Solver::Adam { .. }, None) => {
                    return Err(ComputeError::Invalid(
                        "Adam needs second moments".to_owned(),
                    ));
                }
            }
        }
    }
    Ok(())
}

/// The op's ε that puts scikit-learn's outside the bias correction: the op
/// divides by `√v / √(1 − β₂ᵗ) + ε′`, scikit-learn by `(√v + ε) / √(1 − β₂ᵗ)`
/// (Kingma and Ba's "efficient" form), which are one when `ε′ = ε / √(1 − β₂ᵗ)`.
fn sklearn_eps(eps: f32, beta2: f32, step: u32) -> f32 {
    let correction = 1.0 - f64::from(beta2).powf(f64::from(step));
    (f64::from(eps) / correction.sqrt()) as f32
}

fn unary(activation: Activation) -> Option<Unary> {
    match activation {
        Activation::Relu => Some(Unary::Relu),
        Activation::Tanh => Some(Unary::Tanh),
        Activation::Logistic => Some(Unary::Sigmoid),
        Activation::Identity => None,
    }
}

use std::borrow::Cow;

use wgpu::util::DeviceExt;

use crate::compute::{ComputeError, GpuDevice, Kernel, Matrix, read_f32};

// WGSL has no includes: each kernel is compiled with the shared `Dims` prepended.
const SOFTMAX_ROWS: &str = concat!(
    include_str!("linear_dims.wgsl"),
    include_str!("softmax_rows.wgsl")
);
const SQUARED_ROWS: &str = concat!(
    include_str!("linear_dims.wgsl"),
    include_str!("squared_rows.wgsl")
);
const GRADIENT: &str = concat!(
    include_str!("linear_dims.wgsl"),
    include_str!("gradient.wgsl")
);

/// Invocations per workgroup of the per-row kernels (their `WORKGROUP_SIZE`).
const ROWS_PER_GROUP: usize = 64;

fn softmax_rows(gpu: &GpuDevice) -> Kernel {
    gpu.kernel("studio.softmax_rows", SOFTMAX_ROWS)
}

fn squared_rows(gpu: &GpuDevice) -> Kernel {
    gpu.kernel("studio.squared_rows", SQUARED_ROWS)
}

fn gradient(gpu: &GpuDevice) -> Kernel {
    gpu.kernel("studio.gradient", GRADIENT)
}

/// The per-row loss of a linear model and what each row is measured against.
#[derive(Debug, Clone, Copy)]
pub enum RowLoss<'a> {
    /// Softmax cross-entropy: `classes` outputs per row, each row's class in `labels`.
    SoftmaxCrossEntropy { labels: &'a [usize], classes: usize },
    /// Squared error: one output per row, each row's number in `targets`.
    SquaredError { targets: &'a [f64] },
}

/// Training rows resident on the GPU, and the kernels that evaluate a linear
/// model's loss and gradient on them.
///
/// The inputs and targets are uploaded once, by [`upload`](Self::upload); each
/// [`eval`](Self::eval) uploads only the parameters and reads back only the
/// gradient and the loss. Parameters are laid out output by output,
/// `[w_c0 … w_c(d−1), b_c]`, and so is the gradient. The loss is the data term
/// alone, `Σᵢ loss(rowᵢ)`: penalties belong to the caller.
#[derive(Debug)]
pub struct GpuLinearLoss {
    gpu: GpuDevice,
    rows_pipeline: wgpu::ComputePipeline,
    gradient_pipeline: wgpu::ComputePipeline,
    rows_bind: wgpu::BindGroup,
    gradient_bind: wgpu::BindGroup,
    params: wgpu::Buffer,
    out: wgpu::Buffer,
    param_count: usize,
    row_groups: (u32, u32),
    out_groups: (u32, u32),
}

impl GpuLinearLoss {
    /// Uploads `x` (one row per training row) and the targets of `loss`.
    ///
    /// Fails with [`ComputeError::TooLarge`] when a buffer would not fit this
    /// device, and with [`ComputeError::ShapeMismatch`] when the targets do not
    /// match the rows.
    pub async fn upload(
        gpu: &GpuDevice,
        x: &Matrix,
        loss: RowLoss<'_>,
    ) -> Result<Self, ComputeError> {
        gpu.check_fault()?;
        let (rows, inputs) = (x.rows(), x.cols());
        let outputs_per_row = match loss {
            RowLoss::SoftmaxCrossEntropy { labels, classes } => {
                check_len("class labels", rows, labels.len())?;
                let in_range = labels.iter().filter(|&&label| label < classes).count();
                check_len("class labels below the class count", rows, in_range)?;
                classes
            }
            RowLoss::SquaredError { targets } => {
                check_len("targets", rows, targets.len())?;
                1
            }
        };
        let Plan {
            param_count,
            outputs,
            residuals,
            row_groups,
            out_groups,
            dims,
        } = Plan::new(gpu, rows, inputs, outputs_per_row)?;
        let (labels32, targets32): (Vec<u32>, Vec<f32>) = match loss {
            // Every label is below `classes`, which the plan found to fit a u32.
            RowLoss::SoftmaxCrossEntropy { labels, .. } => (
                labels
                    .iter()
                    .map(|&label| u32::try_from(label).unwrap_or(u32::MAX))
                    .collect(),
                Vec::new(),
            ),
            RowLoss::SquaredError { targets } => {
                (Vec::new(), targets.iter().map(|&y| y as f32).collect())
            }
        };
        let targets = match loss {
            RowLoss::SoftmaxCrossEntropy { .. } => words(&labels32),
            RowLoss::SquaredError { .. } => words(&targets32),
        };

        let device = gpu.device();
        let scope = device.push_error_scope(wgpu::ErrorFilter::Validation);
        let oom_scope = device.push_error_scope(wgpu::ErrorFilter::OutOfMemory);
        // Compiled on first use; a kernel this platform rejects fails this upload,
        // and the run goes on on the CPU.
        let kernel = match loss {
            RowLoss::SoftmaxCrossEntropy { .. } => softmax_rows(gpu),
            RowLoss::SquaredError { .. } => squared_rows(gpu),
        };
        let gradient_kernel = gradient(gpu);

        let init = |label, contents: &[u8], usage| {
            device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
                label: Some(label),
                contents,
                usage,
            })
        };
        let empty = |label, count: usize, usage| {
            device.create_buffer(&wgpu::BufferDescriptor {
                label: Some(label),
                // Zero-sized bindings are invalid in WebGPU.
                size: bytes(count.max(1)),
                usage,
                mapped_at_creation: false,
            })
        };
        let storage = wgpu::BufferUsages::STORAGE;
        let x_buf = init("studio.loss.x", &words(x.data()), storage);
        let targets_buf = init("studio.loss.targets", &targets, storage);
        let params = empty(
            "studio.loss.params",
            param_count,
            storage | wgpu::BufferUsages::COPY_DST,
        );
        let residual = empty("studio.loss.residual", residuals, storage);
        let row_loss = empty("studio.loss.row_loss", rows, storage);
        let out = empty(
            "studio.loss.out",
            outputs,
            storage | wgpu::BufferUsages::COPY_SRC,
        );
        let dims_buf = init(
            "studio.loss.dims",
            bytemuck::cast_slice(&dims),
            wgpu::BufferUsages::UNIFORM,
        );
        let bind = |label, kernel: &Kernel, buffers: &[&wgpu::Buffer]| {
            let entries: Vec<wgpu::BindGroupEntry<'_>> = buffers
                .iter()
                .zip(0u32..)
                .map(|(buffer, binding)| wgpu::BindGroupEntry {
                    binding,
                    resource: buffer.as_entire_binding(),
                })
                .collect();
            device.create_bind_group(&wgpu::BindGroupDescriptor {
                label: Some(label),
                layout: &kernel.layout,
                entries: &entries,
            })
        };
        let rows_bind = bind(
            "studio.loss.rows",
            &kernel,
            &[
                &x_buf,
                &targets_buf,
                &params,
                &residual,
                &row_loss,
                &dims_buf,
            ],
        );
        let gradient_bind = bind(
            "studio.loss.gradient",
            &gradient_kernel,
            &[&x_buf, &residual, &row_loss, &out, &dims_buf],
        );

        if let Some(error) = oom_scope.pop().await {
            return Err(ComputeError::Gpu(format!(
                "out of GPU memory while uploading the training data: {error}"
            )));
        }
        if let Some(error) = scope.pop().await {
            return Err(ComputeError::Gpu(error.to_string()));
        }
        gpu.check_fault()?;
        Ok(Self {
            gpu: gpu.clone(),
            rows_pipeline: kernel.pipeline,
            gradient_pipeline: gradient_kernel.pipeline,
            rows_bind,
            gradient_bind,
            params,
            out,
            param_count,
            row_groups,
            out_groups,
        })
    }

    /// The most training rows of `inputs` numbers with `outputs_per_row` outputs
    /// each (classes; 1 for squared error) that one upload holds: every buffer
    /// within one storage binding and the kernels' u32 indices. More rows are
    /// uploaded in several parts of at most this many. [`ComputeError::TooLarge`]
    /// when not even one row (or its parameters) fits.
    pub fn max_rows(
        gpu: &GpuDevice,
        inputs: usize,
        outputs_per_row: usize,
    ) -> Result<usize, ComputeError> {
        let words = (gpu.binding_limit() / 4).min(u64::from(u32::MAX));
        let widest = inputs.max(outputs_per_row).max(1) as u64;
        let max_groups = u64::from(gpu.limits().max_compute_workgroups_per_dimension).pow(2);
        // One row must fit, and so must the parameters it trains; then `rows` ≥ 1.
        Plan::new(gpu, 1, inputs, outputs_per_row)?;
        let rows = (words / widest).min(max_groups * ROWS_PER_GROUP as u64);
        Ok(usize::try_from(rows).unwrap_or(usize::MAX))
    }

    /// Number of parameters: outputs per row × (inputs + 1).
    pub fn param_count(&self) -> usize {
        self.param_count
    }

    /// The data term of the objective at `params`, and its gradient.
    pub async fn eval(&self, params: &[f32]) -> Result<(f32, Vec<f32>), ComputeError> {
        check_len("parameters", self.param_count, params.len())?;
        self.gpu.check_fault()?;
        let device = self.gpu.device();
        let scope = device.push_error_scope(wgpu::ErrorFilter::Validation);
        let oom_scope = device.push_error_scope(wgpu::ErrorFilter::OutOfMemory);

        if !params.is_empty() {
            self.gpu
                .queue()
                .write_buffer(&self.params, 0, bytemuck::cast_slice(params));
        }
        let mut encoder = device.create_command_encoder(&wgpu::CommandEncoderDescriptor {
            label: Some("studio.loss"),
        });
        {
            let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor {
                label: Some("studio.loss"),
                timestamp_writes: None,
            });
            // Each dispatch is its own usage scope: the residuals the first writes
            // are visible to the second.
            pass.set_pipeline(&self.rows_pipeline);
            pass.set_bind_group(0, &self.rows_bind, &[]);
            pass.dispatch_workgroups(self.row_groups.0, self.row_groups.1, 1);
            pass.set_pipeline(&self.gradient_pipeline);
            pass.set_bind_group(0, &self.gradient_bind, &[]);
            pass.dispatch_workgroups(self.out_groups.0, self.out_groups.1, 1);
        }
        let outputs = self.param_count + 1;
        let result = read_f32(device, self.gpu.queue(), encoder, &self.out, bytes(outputs)).await;

        if let Some(error) = oom_scope.pop().await {
            return Err(ComputeError::Gpu(format!("out of GPU memory: {error}")));
        }
        if let Some(error) = scope.pop().await {
            return Err(ComputeError::Gpu(error.to_string()));
        }
        self.gpu.check_fault()?;
        let mut gradient = result?;
        check_len("the read-back gradient and loss", outputs, gradient.len())?;
        let loss = gradient.pop().unwrap_or(f32::NAN);
        Ok((loss, gradient))
    }
}

/// The sizes of one upload, checked against the device's limits.
struct Plan {
    param_count: usize,
    outputs: usize,
    residuals: usize,
    row_groups: (u32, u32),
    out_groups: (u32, u32),
    /// The kernels' `Dims` uniform.
    dims: [u32; 8],
}

impl Plan {
    fn new(
        gpu: &GpuDevice,
        rows: usize,
        inputs: usize,
        outputs_per_row: usize,
    ) -> Result<Self, ComputeError> {
        let u32_limit = u64::from(u32::MAX) * 4;
        let count = |a: usize, b: usize, what| {
            a.checked_mul(b).ok_or(ComputeError::TooLarge {
                what,
                bytes: u64::MAX,
                limit: u32_limit,
            })
        };
        let elements = count(rows, inputs, "the training inputs")?;
        let residuals = count(rows, outputs_per_row, "the residuals (rows × classes)")?;
        let param_count = count(outputs_per_row, inputs.saturating_add(1), "the parameters")?;
        let outputs = param_count.saturating_add(1);
        // The kernels index with u32, so every count must fit one, and every buffer
        // must fit one binding.
        for (what, count) in [
            ("the training inputs", elements),
            ("the residuals (rows × classes)", residuals),
            ("the targets", rows),
            ("the gradient", outputs),
        ] {
            let bytes = bytes(count);
            if u32::try_from(count).is_err() {
                return Err(ComputeError::TooLarge {
                    what,
                    bytes,
                    limit: u32_limit,
                });
            }
            gpu.check_binding(what, bytes)?;
        }
        let row_groups = grid(gpu, rows.div_ceil(ROWS_PER_GROUP), "the row count", rows)?;
        let out_groups = grid(gpu, outputs, "the parameter count", outputs)?;
        let word = |count: usize, what| {
            u32::try_from(count).map_err(|_| ComputeError::TooLarge {
                what,
                bytes: bytes(count),
                limit: u32_limit,
            })
        };
        let dims = [
            word(rows, "the row count")?,
            word(inputs, "the input count")?,
            word(outputs_per_row, "the class count")?,
            word(outputs, "the gradient")?,
            row_groups.0,
            out_groups.0,
            0,
            0,
        ];
        Ok(Self {
            param_count,
            outputs,
            residuals,
            row_groups,
            out_groups,
            dims,
        })
    }
}

fn bytes(count: usize) -> u64 {
    (count as u64).saturating_mul(4)
}

/// The bytes of `values`, at least one word: zero-sized buffers cannot be bound.
fn words<T: bytemuck::Pod>(values: &[T]) -> Cow<'_, [u8]> {
    if values.is_empty() {
        Cow::Owned(vec![0; 4])
    } else {
        Cow::Borrowed(bytemuck::cast_slice(values))
    }
}

fn check_len(what: &'static str, expected: usize, actual: usize) -> Result<(), ComputeError> {
    if expected != actual {
        return Err(ComputeError::ShapeMismatch {
            what,
            expected,
            actual,
        });
    }
    Ok(())
}

/// Spreads `groups` workgroups over x and, past one dimension's limit, y.
/// At least one workgroup, so that empty inputs still write their (zero) outputs.
fn grid(
    gpu: &GpuDevice,
    groups: usize,
    what: &'static str,
    count: usize,
) -> Result<(u32, u32), ComputeError> {
    let max = gpu.limits().max_compute_workgroups_per_dimension.max(1);
    let too_large = ComputeError::TooLarge {
        what,
        bytes: bytes(count),
        limit: u64::from(max) * u64::from(max) * 4,
    };
    let groups = u32::try_from(groups.max(1)).map_err(|_| too_large.clone())?;
    let x = groups.min(max);
    let y = groups.div_ceil(x);
    if y > max {
        return Err(too_large);
    }
    Ok((x, y))
}

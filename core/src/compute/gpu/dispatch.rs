//! [`Compute`] on the GPU: each operation checks its description, picks its kernel's
//! shape class and grid, and is recorded for the next submission.

use super::GpuDevice;
use super::buffer::GpuBuffer;
use super::kernels::KernelKey;
use super::recorder::Params;
use crate::compute::ops::{
    Adam, BinnedHistogram, ColumnStats, Distances, Gemm, Gemv, Histogram, Loss, Per, Reduce, Sgd,
    Shape, check,
};
use crate::compute::{Binary, Compute, ComputeError, DeviceBuffer, DeviceKind, Unary};

/// Rows at least this long get a workgroup each in a matrix-vector product; shorter
/// ones an invocation each, which keeps every invocation busy (and software
/// rasterizers, which run workgroups one after another, fast).
const WIDE_ROW: usize = 512;

impl Compute for GpuDevice {
    type Buffer = GpuBuffer;

    fn kind(&self) -> DeviceKind {
        DeviceKind::Gpu
    }

    fn allocations(&self) -> u64 {
        self.recorder.allocations()
    }

    fn zeros(&self, len: usize) -> Result<GpuBuffer, ComputeError> {
        self.check_fault()?;
        self.check_binding("a buffer", (len as u64).saturating_mul(4))?;
        Ok(self.recorder.buffer(len, None))
    }

    fn upload(&self, data: &[f32]) -> Result<GpuBuffer, ComputeError> {
        self.check_fault()?;
        self.check_binding("a buffer", (data.len() as u64).saturating_mul(4))?;
        Ok(self.recorder.buffer(data.len(), Some(data)))
    }

    fn write(&self, buffer: &mut GpuBuffer, data: &[f32]) -> Result<(), ComputeError> {
        check::write(buffer.len(), data.len())?;
        self.check_fault()?;
        self.recorder.write(buffer, 0, data)
    }

    fn write_at(
        &self,
        buffer: &mut GpuBuffer,
        offset: usize,
        data: &[f32],
    ) -> Result<(), ComputeError> {
        check::write_at(buffer.len(), offset, data.len())?;
        self.check_fault()?;
        self.recorder.write(buffer, offset, data)
    }

    async fn read(&self, buffer: &GpuBuffer) -> Result<Vec<f32>, ComputeError> {
        self.check_fault()?;
        let values = self.recorder.read(buffer).await;
        // An error in any recorded operation surfaces here, where the caller can fall back.
        self.check_fault()?;
        values
    }

    fn gemm(
        &self,
        op: Gemm,
        a: &GpuBuffer,
        b: &GpuBuffer,
        c: &mut GpuBuffer,
    ) -> Result<(), ComputeError> {
        op.check(a.len(), b.len(), c.len())?;
        if op.m == 0 || op.n == 0 {
            return Ok(());
        }
        let groups = (
            self.axis_groups("the columns of a matrix product", op.n.div_ceil(64))?,
            self.axis_groups("the rows of a matrix product", op.m.div_ceil(64))?,
        );
        let params = Params::new(&[u32s(op.m)?, u32s(op.n)?, u32s(op.k)?])
            .float(3, op.alpha)
            .float(4, op.beta);
        let kernel = KernelKey::Gemm {
            trans_a: op.trans_a,
            trans_b: op.trans_b,
        };
        self.record(kernel, &[a, b, c], params, groups)
    }

    fn gemv(
        &self,
        op: Gemv,
        a: &GpuBuffer,
        x: &GpuBuffer,
        y: &mut GpuBuffer,
    ) -> Result<(), ComputeError> {
        op.check(a.len(), x.len(), y.len())?;
        let (len, outputs) = op.vector_lengths();
        if outputs == 0 {
            return Ok(());
        }
        if !op.trans && op.cols < WIDE_ROW {
            let params = Params::new(&[u32s(op.rows)?, u32s(op.cols)?])
                .float(2, op.alpha)
                .float(3, op.beta);
            let groups = self.grid(op.rows.div_ceil(64))?;
            return self.record(KernelKey::GemvRows, &[a, x, y], params, groups);
        }
        let (out_stride, step) = if op.trans { (1, op.cols) } else { (op.cols, 1) };
        let params = Params::new(&[u32s(outputs)?, u32s(len)?, u32s(out_stride)?, u32s(step)?])
            .float(4, op.alpha)
            .float(5, op.beta);
        let groups = self.grid(outputs)?;
        self.record(KernelKey::GemvDots, &[a, x, y], params, groups)
    }

    fn unary(&self, op: Unary, x: &GpuBuffer, y: &mut GpuBuffer) -> Result<(), ComputeError> {
        check::unary(x.len(), y.len())?;
        self.elementwise(KernelKey::Unary, &[x, y], x.len(), op.code())
    }

    fn binary(
        &self,
        op: Binary,
        a: &GpuBuffer,
        b: &GpuBuffer,
        out: &mut GpuBuffer,
    ) -> Result<(), ComputeError> {
        check::binary(a.len(), b.len(), out.len())?;
        self.elementwise(KernelKey::Binary, &[a, b, out], a.len(), op.code())
    }

    fn add_row(&self, shape: Shape, x: &mut GpuBuffer, v: &GpuBuffer) -> Result<(), ComputeError> {
        check::add_row(shape, x.len(), v.len())?;
        self.elementwise(KernelKey::AddRow, &[x, v], x.len(), u32s(shape.cols)?)
    }

    fn softmax(&self, shape: Shape, x: &GpuBuffer, y: &mut GpuBuffer) -> Result<(), ComputeError> {
        check::softmax(shape, x.len(), y.len())?;
        if x.is_empty() {
            return Ok(());
        }
        let params = Params::new(&[u32s(shape.rows)?, u32s(shape.cols)?]);
        let groups = self.grid(shape.rows.div_ceil(64))?;
        self.record(KernelKey::Softmax, &[x, y], params, groups)
    }

    fn reduce(&self, op: Reduce, x: &GpuBuffer, out: &mut GpuBuffer) -> Result<(), ComputeError> {
        op.check(x.len(), out.len())?;
        let (lines, len) = op.lines();
        if lines == 0 {
            return Ok(());
        }
        let (line_stride, step) = match op.per {
            Per::Row => (op.shape.cols, 1),
            Per::Column => (1, op.shape.cols),
        };
        let params = Params::new(&[
            u32s(lines)?,
            u32s(len)?,
            u32s(line_stride)?,
            u32s(step)?,
            op.op.code(),
        ]);
        let groups = self.grid(lines)?;
        self.record(KernelKey::Reduce, &[x, out], params, groups)
    }

    fn loss(
        &self,
        op: Loss,
        z: &GpuBuffer,
        targets: &GpuBuffer,
        grad: &mut GpuBuffer,
        row_loss: &mut GpuBuffer,
    ) -> Result<(), ComputeError> {
        op.check(z.len(), targets.len(), grad.len(), row_loss.len())?;
        if op.shape.rows == 0 {
            return Ok(());
        }
        let params = Params::new(&[u32s(op.shape.rows)?, u32s(op.shape.cols)?, op.kind.code()]);
        let groups = self.grid(op.shape.rows.div_ceil(64))?;
        self.record(
            KernelKey::Loss,
            &[z, targets, grad, row_loss],
            params,
            groups,
        )
    }

    fn distances(
        &self,
        op: Distances,
        x: &GpuBuffer,
        y: &GpuBuffer,
        out: &mut GpuBuffer,
    ) -> Result<(), ComputeError> {
        op.check(x.len(), y.len(), out.len())?;
        if op.n == 0 || op.m == 0 {
            return Ok(());
        }
        let groups = (
            self.axis_groups("the rows of Y", op.m.div_ceil(16))?,
            self.axis_groups("the rows of X", op.n.div_ceil(16))?,
        );
        let params = Params::new(&[u32s(op.n)?, u32s(op.m)?, u32s(op.dim)?]);
        self.record(KernelKey::Distances, &[x, y, out], params, groups)
    }

    fn histogram(
        &self,
        op: Histogram,
        x: &GpuBuffer,
        weights: Option<&GpuBuffer>,
        out: &mut GpuBuffer,
    ) -> Result<(), ComputeError> {
        op.check(x.len(), weights.map(GpuBuffer::len), out.len())?;
        self.check_fault()?;
        self.recorder.clear(out)?;
        if x.is_empty() {
            return Ok(());
        }
        // Enough workgroups to fill a GPU, few enough that merging their bins is cheap.
        let groups = x.len().div_ceil(256 * 16).clamp(1, 512) as u32;
        let params = Params::new(&[u32s(x.len())?, u32s(op.bins)?, u32::from(weights.is_some())])
            .float(3, op.lo)
            .float(4, op.scale());
        // Without weights the kernel never reads them; x stands in for the binding.
        let weights = weights.unwrap_or(x);
        self.record(
            KernelKey::Histogram,
            &[x, weights, out],
            params,
            (groups, 1),
        )
    }

    fn binned_histogram(
        &self,
        op: BinnedHistogram,
        codes: &GpuBuffer,
        index: &GpuBuffer,
        gradients: &GpuBuffer,
        out: &mut GpuBuffer,
    ) -> Result<(), ComputeError> {
        op.check(codes.len(), index.len(), gradients.len(), out.len())?;
        self.check_fault()?;
        self.recorder.clear(out)?;
        if op.count == 0 || op.features == 0 {
            return Ok(());
        }
        // Enough workgroups per feature to fill a GPU, few enough that adding
        // their bins into the output stays cheap.
        let groups = (
            op.count.div_ceil(256 * 32).clamp(1, 64) as u32,
            self.axis_groups("the features of a binned histogram", op.features)?,
        );
        let params = Params::new(&[
            u32s(op.rows)?,
            u32s(op.offset)?,
            u32s(op.count)?,
            u32::from(op.listed),
            u32s(op.words_per_feature())?,
        ]);
        self.record(
            KernelKey::BinnedHistogram,
            &[codes, index, gradients, out],
            params,
            groups,
        )
    }

    fn column_stats(
        &self,
        op: ColumnStats,
        x: &GpuBuffer,
        out: &mut GpuBuffer,
    ) -> Result<(), ComputeError> {
        op.check(x.len(), out.len())?;
        if op.shape.cols == 0 {
            return Ok(());
        }
        let params = Params::new(&[u32s(op.shape.rows)?, u32s(op.shape.cols)?]);
        let groups = self.grid(op.shape.cols)?;
        self.record(KernelKey::ColumnStats, &[x, out], params, groups)
    }

    fn sgd(
        &self,
        op: Sgd,
        params: &mut GpuBuffer,
        grads: &GpuBuffer,
        velocity: &mut GpuBuffer,
    ) -> Result<(), ComputeError> {
        check::sgd(params.len(), grads.len(), velocity.len())?;
        if params.is_empty() {
            return Ok(());
        }
        let values = Params::new(&[u32s(params.len())?, 0, 0, 0, u32::from(op.nesterov)])
            .float(1, op.lr)
            .float(2, op.momentum)
            .float(3, op.weight_decay);
        let groups = self.grid(params.len().div_ceil(256))?;
        self.record(KernelKey::Sgd, &[params, grads, velocity], values, groups)
    }

    fn adam(
        &self,
        op: Adam,
        params: &mut GpuBuffer,
        grads: &GpuBuffer,
        m: &mut GpuBuffer,
        v: &mut GpuBuffer,
    ) -> Result<(), ComputeError> {
        check::adam(params.len(), grads.len(), m.len(), v.len())?;
        let (c1, c2) = op.corrections()?;
        if params.is_empty() {
            return Ok(());
        }
        let values = Params::new(&[u32s(params.len())?])
            .float(1, op.beta1)
            .float(2, op.beta2)
            .float(3, op.eps)
            .float(4, op.weight_decay)
            .float(5, c1)
            .float(6, c2);
        let groups = self.grid(params.len().div_ceil(256))?;
        self.record(KernelKey::Adam, &[params, grads, m, v], values, groups)
    }
}

impl GpuDevice {
    fn record(
        &self,
        kernel: KernelKey,
        buffers: &[&GpuBuffer],
        params: Params,
        groups: (u32, u32),
    ) -> Result<(), ComputeError> {
        self.check_fault()?;
        self.recorder.dispatch(kernel, buffers, params, groups)
    }

    /// An elementwise kernel of 256 invocations per workgroup over `len` elements.
    fn elementwise(
        &self,
        kernel: KernelKey,
        buffers: &[&GpuBuffer],
        len: usize,
        word: u32,
    ) -> Result<(), ComputeError> {
        if len == 0 {
            return Ok(());
        }
        let groups = self.grid(len.div_ceil(256))?;
        self.record(kernel, buffers, Params::new(&[u32s(len)?, word]), groups)
    }

    /// `groups` workgroups as a grid that wraps into the second dimension.
    fn grid(&self, groups: usize) -> Result<(u32, u32), ComputeError> {
        let max = self.limits.max_compute_workgroups_per_dimension.max(1) as usize;
        let x = groups.clamp(1, max);
        let y = groups.div_ceil(x);
        Ok((x as u32, self.axis_groups("the work of one operation", y)?))
    }

    fn axis_groups(&self, what: &'static str, groups: usize) -> Result<u32, ComputeError> {
        let max = self.limits.max_compute_workgroups_per_dimension;
        match u32::try_from(groups) {
            Ok(groups) if groups <= max => Ok(groups),
            _ => Err(ComputeError::TooLarge {
                what,
                bytes: (groups as u64).saturating_mul(4),
                limit: u64::from(max) * 4,
            }),
        }
    }
}

fn u32s(n: usize) -> Result<u32, ComputeError> {
    u32::try_from(n).map_err(|_| ComputeError::TooLarge {
        what: "a dimension",
        bytes: (n as u64).saturating_mul(4),
        limit: u64::from(u32::MAX),
    })
}

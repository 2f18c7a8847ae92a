//! The CPU implementation: the reference every GPU kernel is checked against.
//!
//! Matrix products go through ndarray to matrixmultiply, which picks AVX2/FMA kernels
//! at run time and splits big products over threads natively (in wasm it is built
//! with `simd128`). The other operations are plain loops; sums accumulate in f64, so
//! the reference is at least as accurate as any device compared with it.

mod binned_histogram;
mod distances;
mod elementwise;
mod histogram;
mod linalg;
mod loss;
mod optim;
mod reduce;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use super::ops::{
    Adam, BinnedHistogram, ColumnStats, Distances, Gemm, Gemv, Histogram, Loss, Reduce, Sgd, Shape,
    check,
};
use super::{Binary, Compute, ComputeError, DeviceBuffer, DeviceKind, Unary};

/// The CPU device. Clones share the allocation counter.
#[derive(Debug, Clone, Default)]
pub struct CpuDevice {
    allocations: Arc<AtomicU64>,
}

/// A buffer in main memory.
#[derive(Debug, Clone, PartialEq)]
pub struct CpuBuffer(Vec<f32>);

impl CpuBuffer {
    pub fn as_slice(&self) -> &[f32] {
        &self.0
    }
}

impl DeviceBuffer for CpuBuffer {
    fn len(&self) -> usize {
        self.0.len()
    }
}

impl CpuDevice {
    fn allocate(&self, data: Vec<f32>) -> CpuBuffer {
        self.allocations.fetch_add(1, Ordering::Relaxed);
        CpuBuffer(data)
    }
}

impl Compute for CpuDevice {
    type Buffer = CpuBuffer;

    fn kind(&self) -> DeviceKind {
        DeviceKind::Cpu
    }

    fn allocations(&self) -> u64 {
        self.allocations.load(Ordering::Relaxed)
    }

    fn zeros(&self, len: usize) -> Result<CpuBuffer, ComputeError> {
        let mut data = Vec::new();
        data.try_reserve_exact(len)
            .map_err(|_| ComputeError::TooLarge {
                what: "a buffer",
                bytes: (len as u64).saturating_mul(4),
                limit: isize::MAX as u64,
            })?;
        data.resize(len, 0.0);
        Ok(self.allocate(data))
    }

    fn upload(&self, data: &[f32]) -> Result<CpuBuffer, ComputeError> {
        let mut buffer = self.zeros(data.len())?;
        buffer.0.copy_from_slice(data);
        Ok(buffer)
    }

    fn write(&self, buffer: &mut CpuBuffer, data: &[f32]) -> Result<(), ComputeError> {
        check::write(buffer.len(), data.len())?;
        buffer.0.copy_from_slice(data);
        Ok(())
    }

    fn write_at(
        &self,
        buffer: &mut CpuBuffer,
        offset: usize,
        data: &[f32],
    ) -> Result<(), ComputeError> {
        check::write_at(buffer.len(), offset, data.len())?;
        buffer.0[offset..offset + data.len()].copy_from_slice(data);
        Ok(())
    }

    async fn read(&self, buffer: &CpuBuffer) -> Result<Vec<f32>, ComputeError> {
        Ok(buffer.0.clone())
    }

    fn gemm(
        &self,
        op: Gemm,
        a: &CpuBuffer,
        b: &CpuBuffer,
        c: &mut CpuBuffer,
    ) -> Result<(), ComputeError> {
        op.check(a.len(), b.len(), c.len())?;
        linalg::gemm(op, &a.0, &b.0, &mut c.0)
    }

    fn gemv(
        &self,
        op: Gemv,
        a: &CpuBuffer,
        x: &CpuBuffer,
        y: &mut CpuBuffer,
    ) -> Result<(), ComputeError> {
        op.check(a.len(), x.len(), y.len())?;
        linalg::gemv(op, &a.0, &x.0, &mut y.0)
    }

    fn unary(&self, op: Unary, x: &CpuBuffer, y: &mut CpuBuffer) -> Result<(), ComputeError> {
        check::unary(x.len(), y.len())?;
        elementwise::unary(op, &x.0, &mut y.0);
        Ok(())
    }

    fn binary(
        &self,
        op: Binary,
        a: &CpuBuffer,
        b: &CpuBuffer,
        out: &mut CpuBuffer,
    ) -> Result<(), ComputeError> {
        check::binary(a.len(), b.len(), out.len())?;
        elementwise::binary(op, &a.0, &b.0, &mut out.0);
        Ok(())
    }

    fn add_row(&self, shape: Shape, x: &mut CpuBuffer, v: &CpuBuffer) -> Result<(), ComputeError> {
        check::add_row(shape, x.len(), v.len())?;
        elementwise::add_row(shape, &mut x.0, &v.0);
        Ok(())
    }

    fn softmax(&self, shape: Shape, x: &CpuBuffer, y: &mut CpuBuffer) -> Result<(), ComputeError> {
        check::softmax(shape, x.len(), y.len())?;
        elementwise::softmax(shape, &x.0, &mut y.0);
        Ok(())
    }

    fn reduce(&self, op: Reduce, x: &CpuBuffer, out: &mut CpuBuffer) -> Result<(), ComputeError> {
        op.check(x.len(), out.len())?;
        reduce::reduce(op, &x.0, &mut out.0);
        Ok(())
    }

    fn loss(
        &self,
        op: Loss,
        z: &CpuBuffer,
        targets: &CpuBuffer,
        grad: &mut CpuBuffer,
        row_loss: &mut CpuBuffer,
    ) -> Result<(), ComputeError> {
        op.check(z.len(), targets.len(), grad.len(), row_loss.len())?;
        loss::loss(op, &z.0, &targets.0, &mut grad.0, &mut row_loss.0)
    }

    fn distances(
        &self,
        op: Distances,
        x: &CpuBuffer,
        y: &CpuBuffer,
        out: &mut CpuBuffer,
    ) -> Result<(), ComputeError> {
        op.check(x.len(), y.len(), out.len())?;
        distances::distances(op, &x.0, &y.0, &mut out.0);
        Ok(())
    }

    fn histogram(
        &self,
        op: Histogram,
        x: &CpuBuffer,
        weights: Option<&CpuBuffer>,
        out: &mut CpuBuffer,
    ) -> Result<(), ComputeError> {
        op.check(x.len(), weights.map(CpuBuffer::len), out.len())?;
        histogram::histogram(op, &x.0, weights.map(CpuBuffer::as_slice), &mut out.0);
        Ok(())
    }

    fn binned_histogram(
        &self,
        op: BinnedHistogram,
        codes: &CpuBuffer,
        index: &CpuBuffer,
        gradients: &CpuBuffer,
        out: &mut CpuBuffer,
    ) -> Result<(), ComputeError> {
        op.check(codes.len(), index.len(), gradients.len(), out.len())?;
        let words = |b: &CpuBuffer| b.0.iter().map(|v| v.to_bits()).collect::<Vec<u32>>();
        let mut sums = vec![0u32; out.len()];
        binned_histogram::binned_histogram(
            op,
            &words(codes),
            &words(index),
            &words(gradients),
            &mut sums,
        );
        for (o, w) in out.0.iter_mut().zip(sums) {
            *o = f32::from_bits(w);
        }
        Ok(())
    }

    fn column_stats(
        &self,
        op: ColumnStats,
        x: &CpuBuffer,
        out: &mut CpuBuffer,
    ) -> Result<(), ComputeError> {
        op.check(x.len(), out.len())?;
        reduce::column_stats(op.shape, &x.0, &mut out.0);
        Ok(())
    }

    fn sgd(
        &self,
        op: Sgd,
        params: &mut CpuBuffer,
        grads: &CpuBuffer,
        velocity: &mut CpuBuffer,
    ) -> Result<(), ComputeError> {
        check::sgd(params.len(), grads.len(), velocity.len())?;
        optim::sgd(op, &mut params.0, &grads.0, &mut velocity.0);
        Ok(())
    }

    fn adam(
        &self,
        op: Adam,
        params: &mut CpuBuffer,
        grads: &CpuBuffer,
        m: &mut CpuBuffer,
        v: &mut CpuBuffer,
    ) -> Result<(), ComputeError> {
        check::adam(params.len(), grads.len(), m.len(), v.len())?;
        let corrections = op.corrections()?;
        optim::adam(op, corrections, &mut params.0, &grads.0, &mut m.0, &mut v.0);
        Ok(())
    }
}

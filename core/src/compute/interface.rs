use super::ops::{
    Adam, BinnedHistogram, ColumnStats, Distances, Gemm, Gemv, Histogram, Loss, Reduce, Sgd, Shape,
};
use super::{Binary, ComputeError, DeviceKind, Matrix, Unary};

/// A buffer of `f32` that lives on a device.
pub trait DeviceBuffer {
    fn len(&self) -> usize;

    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The operations every compute device provides.
///
/// Operations are recorded, not awaited: the CPU runs each at once, the GPU queues
/// it behind the ones before. Only [`read`](Compute::read) waits, so a training loop
/// reads a number back only when someone needs it. Every description is checked
/// against the buffers before any work starts; outputs are `&mut` so an output can
/// never also be an input, which WebGPU forbids.
#[allow(async_fn_in_trait)] // Devices are used by concrete type or through `Device`, never as `dyn`.
pub trait Compute {
    type Buffer: DeviceBuffer + std::fmt::Debug;

    fn kind(&self) -> DeviceKind;

    /// How many buffers this device has allocated so far: a training iteration
    /// that allocates nothing leaves it unchanged.
    fn allocations(&self) -> u64;

    /// A buffer of `len` zeros.
    fn zeros(&self, len: usize) -> Result<Self::Buffer, ComputeError>;

    /// A buffer holding `data`.
    fn upload(&self, data: &[f32]) -> Result<Self::Buffer, ComputeError>;

    /// Overwrites `buffer` with `data` (of the same length), after the work recorded so far.
    fn write(&self, buffer: &mut Self::Buffer, data: &[f32]) -> Result<(), ComputeError>;

    /// Overwrites `buffer` from `offset` with `data`, after the work recorded so far.
    fn write_at(
        &self,
        buffer: &mut Self::Buffer,
        offset: usize,
        data: &[f32],
    ) -> Result<(), ComputeError>;

    /// Waits for the work recorded so far and copies `buffer` back.
    async fn read(&self, buffer: &Self::Buffer) -> Result<Vec<f32>, ComputeError>;

    /// A buffer holding `words` bit for bit, for an operation that reads integers.
    fn upload_words(&self, words: &[u32]) -> Result<Self::Buffer, ComputeError> {
        self.upload(&floats(words))
    }

    /// Overwrites `buffer` from `offset` with `words`, bit for bit.
    fn write_words(
        &self,
        buffer: &mut Self::Buffer,
        offset: usize,
        words: &[u32],
    ) -> Result<(), ComputeError> {
        self.write_at(buffer, offset, &floats(words))
    }

    /// Copies back a buffer an operation wrote integers into.
    async fn read_words(&self, buffer: &Self::Buffer) -> Result<Vec<u32>, ComputeError> {
        Ok(self
            .read(buffer)
            .await?
            .into_iter()
            .map(f32::to_bits)
            .collect())
    }

    fn gemm(
        &self,
        op: Gemm,
        a: &Self::Buffer,
        b: &Self::Buffer,
        c: &mut Self::Buffer,
    ) -> Result<(), ComputeError>;

    fn gemv(
        &self,
        op: Gemv,
        a: &Self::Buffer,
        x: &Self::Buffer,
        y: &mut Self::Buffer,
    ) -> Result<(), ComputeError>;

    /// `y = f(x)` element by element.
    fn unary(&self, op: Unary, x: &Self::Buffer, y: &mut Self::Buffer) -> Result<(), ComputeError>;

    /// `out = f(a, b)` element by element.
    fn binary(
        &self,
        op: Binary,
        a: &Self::Buffer,
        b: &Self::Buffer,
        out: &mut Self::Buffer,
    ) -> Result<(), ComputeError>;

    /// Adds the row vector `v` (`cols` long) to every row of `x`, in place: a bias.
    fn add_row(
        &self,
        shape: Shape,
        x: &mut Self::Buffer,
        v: &Self::Buffer,
    ) -> Result<(), ComputeError>;

    /// The softmax of each row, computed stably.
    fn softmax(
        &self,
        shape: Shape,
        x: &Self::Buffer,
        y: &mut Self::Buffer,
    ) -> Result<(), ComputeError>;

    fn reduce(
        &self,
        op: Reduce,
        x: &Self::Buffer,
        out: &mut Self::Buffer,
    ) -> Result<(), ComputeError>;

    fn loss(
        &self,
        op: Loss,
        z: &Self::Buffer,
        targets: &Self::Buffer,
        grad: &mut Self::Buffer,
        row_loss: &mut Self::Buffer,
    ) -> Result<(), ComputeError>;

    fn distances(
        &self,
        op: Distances,
        x: &Self::Buffer,
        y: &Self::Buffer,
        out: &mut Self::Buffer,
    ) -> Result<(), ComputeError>;

    fn histogram(
        &self,
        op: Histogram,
        x: &Self::Buffer,
        weights: Option<&Self::Buffer>,
        out: &mut Self::Buffer,
    ) -> Result<(), ComputeError>;

    fn binned_histogram(
        &self,
        op: BinnedHistogram,
        codes: &Self::Buffer,
        index: &Self::Buffer,
        gradients: &Self::Buffer,
        out: &mut Self::Buffer,
    ) -> Result<(), ComputeError>;

    fn column_stats(
        &self,
        op: ColumnStats,
        x: &Self::Buffer,
        out: &mut Self::Buffer,
    ) -> Result<(), ComputeError>;

    fn sgd(
        &self,
        op: Sgd,
        params: &mut Self::Buffer,
        grads: &Self::Buffer,
        velocity: &mut Self::Buffer,
    ) -> Result<(), ComputeError>;

    fn adam(
        &self,
        op: Adam,
        params: &mut Self::Buffer,
        grads: &Self::Buffer,
        m: &mut Self::Buffer,
        v: &mut Self::Buffer,
    ) -> Result<(), ComputeError>;

    /// Matrix-vector product `y = A x`, uploading and reading back: the device check.
    async fn matvec(&self, a: &Matrix, x: &[f32]) -> Result<Vec<f32>, ComputeError> {
        a.check_vector(x)?;
        let a_buf = self.upload(a.data())?;
        let x_buf = self.upload(x)?;
        let mut y = self.zeros(a.rows())?;
        self.gemv(Gemv::new(a.rows(), a.cols()), &a_buf, &x_buf, &mut y)?;
        self.read(&y).await
    }
}

/// Words carried in `f32`s: copies keep every bit, NaN patterns included.
fn floats(words: &[u32]) -> Vec<f32> {
    words.iter().map(|&w| f32::from_bits(w)).collect()
}

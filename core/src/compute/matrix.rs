use super::ComputeError;

/// A dense row-major matrix of `f32`.
#[derive(Debug, Clone, PartialEq)]
pub struct Matrix {
    rows: usize,
    cols: usize,
    data: Vec<f32>,
}

impl Matrix {
    /// Wraps `data` as a `rows` × `cols` matrix, checking that the lengths agree.
    pub fn new(rows: usize, cols: usize, data: Vec<f32>) -> Result<Self, ComputeError> {
        let expected = rows.checked_mul(cols).ok_or(ComputeError::TooLarge {
            what: "matrix",
            bytes: u64::MAX,
            limit: u64::MAX,
        })?;
        if data.len() != expected {
            return Err(ComputeError::ShapeMismatch {
                what: "matrix data",
                expected,
                actual: data.len(),
            });
        }
        Ok(Self { rows, cols, data })
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    pub fn cols(&self) -> usize {
        self.cols
    }

    /// The elements in row-major order.
    pub fn data(&self) -> &[f32] {
        &self.data
    }

    /// Checks that `x` can multiply this matrix from the right.
    pub(crate) fn check_vector(&self, x: &[f32]) -> Result<(), ComputeError> {
        if x.len() != self.cols {
            return Err(ComputeError::ShapeMismatch {
                what: "vector for a matrix-vector product",
                expected: self.cols,
                actual: x.len(),
            });
        }
        Ok(())
    }
}

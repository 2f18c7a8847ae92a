//! The rows being transformed, as the model will read them, and the ONNX
//! tensors that stand for each column while the graph is built.

use std::borrow::Cow;
use std::collections::HashMap;

use super::{Input, InputKind, Layout, PrepError};
use crate::export::ExportError;
use crate::export::graph::{Graph, batch, fixed};
use crate::export::onnx_proto::tensor_proto::DataType;
use crate::frame::{Column, Frame};

/// `rows` of a frame, row-major, `layout.width()` inputs each. Number columns
/// start as their raw values (NaN for missing); category columns' inputs start at
/// zero, for the step that encodes them to fill from the frame.
#[derive(Debug)]
pub struct Table<'a> {
    frame: &'a Frame,
    rows: &'a [usize],
    layout: Layout,
    values: Vec<f64>,
}

impl<'a> Table<'a> {
    /// Reads `inputs` of `rows` into `layout`, checking that each column is there
    /// and of the kind it was fitted on.
    pub fn read(
        frame: &'a Frame,
        rows: &'a [usize],
        inputs: &[Input],
        layout: Layout,
    ) -> Result<Self, PrepError> {
        let width = layout.width();
        let mut numbers = Vec::new();
        for input in inputs {
            let column = frame
                .column(&input.column)
                .ok_or_else(|| PrepError::MissingColumn(input.column.clone()))?;
            if input.kind != InputKind::Number {
                continue;
            }
            if !column.kind().is_numeric() {
                return Err(PrepError::NotNumbers(input.column.clone()));
            }
            if let Some(at) = layout.raw_number(&input.column)? {
                numbers.push((column, at));
            }
        }
        let mut values = vec![0.0; rows.len() * width];
        if width > 0 {
            // Row by row: one pass over the output, every column read in order.
            for (&row, out) in rows.iter().zip(values.chunks_exact_mut(width)) {
                for &(column, at) in &numbers {
                    out[at] = column.number(row).unwrap_or(f64::NAN);
                }
            }
        }
        Ok(Self {
            frame,
            rows,
            layout,
            values,
        })
    }

    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    /// How many rows it holds.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Where each of number columns `names` sits in a row.
    pub fn offsets(&self, names: &[String]) -> Result<Vec<usize>, PrepError> {
        names.iter().map(|name| self.layout.number(name)).collect()
    }

    /// Each row's inputs.
    pub fn rows(&self) -> impl Iterator<Item = &[f64]> {
        self.values.chunks_exact(self.layout.width().max(1))
    }

    /// Changes number columns `names` in each row: the `i`th of them, `x`, becomes
    /// `f(i, x)`. Row by row, so a step is one pass over the rows however many
    /// columns it changes.
    pub fn update(
        &mut self,
        names: &[String],
        f: impl Fn(usize, f64) -> f64,
    ) -> Result<(), PrepError> {
        let offsets = self.offsets(names)?;
        let width = self.layout.width();
        if width == 0 {
            return Ok(());
        }
        for row in self.values.chunks_exact_mut(width) {
            for (i, &at) in offsets.iter().enumerate() {
                row[at] = f(i, row[at]);
            }
        }
        Ok(())
    }

    /// Category column `name`'s label in each row (`None` for missing).
    pub fn labels(
        &self,
        name: &str,
    ) -> Result<impl Iterator<Item = Option<Cow<'a, str>>> + 'a, PrepError> {
        let column = self.column(name)?;
        Ok(self.rows.iter().map(move |&row| label(column, row)))
    }

    /// Fills category column `name`'s inputs: `f` hears each row's label (`None`
    /// for missing) and that row's inputs of the column, which start at zero.
    pub fn encode(
        &mut self,
        name: &str,
        mut f: impl FnMut(Option<&str>, &mut [f64]),
    ) -> Result<(), PrepError> {
        let column = self.column(name)?;
        let slot = self.layout.slot(name)?;
        let (offset, inputs, width) = (slot.offset, slot.width, self.layout.width());
        if width == 0 {
            return Ok(());
        }
        for (row, values) in self.rows.iter().zip(self.values.chunks_exact_mut(width)) {
            f(
                label(column, *row).as_deref(),
                &mut values[offset..offset + inputs],
            );
        }
        Ok(())
    }

    /// Rewrites number column `name`'s inputs from its raw value: `f` hears each
    /// row's value (NaN for missing) and that row's inputs of the column, zeroed.
    pub fn widen(&mut self, name: &str, f: impl Fn(f64, &mut [f64])) -> Result<(), PrepError> {
        let slot = self.layout.slot(name)?;
        let (offset, inputs, width) = (slot.offset, slot.width, self.layout.width());
        if width == 0 || inputs == 0 {
            return Ok(());
        }
        for values in self.values.chunks_exact_mut(width) {
            let inputs = &mut values[offset..offset + inputs];
            let x = inputs[0];
            inputs.fill(0.0);
            f(x, inputs);
        }
        Ok(())
    }

    fn column(&self, name: &str) -> Result<&'a Column, PrepError> {
        self.frame
            .column(name)
            .ok_or_else(|| PrepError::MissingColumn(name.to_owned()))
    }

    pub fn into_values(self) -> Vec<f64> {
        self.values
    }
}

/// A category's label without allocating when the column is coded.
fn label(column: &Column, row: usize) -> Option<Cow<'_, str>> {
    column
        .level(row)
        .map(Cow::Borrowed)
        .or_else(|| column.text(row).map(Cow::Owned))
}

/// The tensor that holds each column's values so far in an ONNX graph.
#[derive(Debug, Default)]
pub struct Tensors {
    by_column: HashMap<String, String>,
}

impl Tensors {
    /// One `[N, 1]` graph input per raw feature column, named after it: `float`
    /// for numbers (NaN for missing), `string` for categories.
    pub fn inputs(graph: &mut Graph, inputs: &[Input]) -> Self {
        let mut tensors = Self::default();
        for input in inputs {
            let kind = match input.kind {
                InputKind::Number => DataType::Float,
                InputKind::Category => DataType::String,
            };
            graph.input(&input.column, kind, &[batch(), fixed(1)]);
            tensors
                .by_column
                .insert(input.column.clone(), input.column.clone());
        }
        tensors
    }

    /// Column `column`'s tensor.
    pub fn get(&self, column: &str) -> Result<&str, ExportError> {
        self.by_column
            .get(column)
            .map(String::as_str)
            .ok_or_else(|| ExportError::Inconsistent(format!("no input reads column \"{column}\"")))
    }

    /// Makes `tensor` column `column`'s tensor from here on.
    pub fn set(&mut self, column: &str, tensor: String) {
        self.by_column.insert(column.to_owned(), tensor);
    }
}

//! Where each feature column's model inputs sit in a row.

use super::{Input, InputKind, PrepError};

/// The model inputs of one feature column: `width` of them from `offset`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    pub column: String,
    pub offset: usize,
    pub width: usize,
    /// Still the raw labels of a category column: no inputs until a step encodes it.
    raw_category: bool,
}

impl Slot {
    pub fn is_raw_category(&self) -> bool {
        self.raw_category
    }
}

/// Every feature column's slot, in feature order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    slots: Vec<Slot>,
}

impl Layout {
    /// The raw inputs: one input per number column, none yet per category column.
    pub fn of(inputs: &[Input]) -> Self {
        let slots = inputs
            .iter()
            .map(|input| Slot {
                column: input.column.clone(),
                offset: 0,
                width: usize::from(input.kind == InputKind::Number),
                raw_category: input.kind == InputKind::Category,
            })
            .collect();
        let mut layout = Self { slots };
        layout.place();
        layout
    }

    pub fn slots(&self) -> &[Slot] {
        &self.slots
    }

    /// Inputs per row.
    pub fn width(&self) -> usize {
        self.slots.iter().map(|s| s.width).sum()
    }

    /// Column `name`'s slot.
    pub fn slot(&self, name: &str) -> Result<&Slot, PrepError> {
        self.slots
            .iter()
            .find(|s| s.column == name)
            .ok_or_else(|| PrepError::Inconsistent(format!("no step reads column \"{name}\"")))
    }

    /// The offset of number column `name`'s one input.
    pub fn number(&self, name: &str) -> Result<usize, PrepError> {
        let slot = self.slot(name)?;
        if slot.raw_category || slot.width != 1 {
            return Err(PrepError::Inconsistent(format!(
                "column \"{name}\" is not one number here"
            )));
        }
        Ok(slot.offset)
    }

    /// Encodes raw category column `name` as `width` inputs.
    pub fn encode(&mut self, name: &str, width: usize) -> Result<(), PrepError> {
        let slot = self
            .slots
            .iter_mut()
            .find(|s| s.column == name)
            .ok_or_else(|| PrepError::Inconsistent(format!("no step reads column \"{name}\"")))?;
        if !slot.raw_category {
            return Err(PrepError::Inconsistent(format!(
                "column \"{name}\" is encoded twice"
            )));
        }
        slot.raw_category = false;
        slot.width = width;
        self.place();
        Ok(())
    }

    fn place(&mut self) {
        let mut offset = 0;
        for slot in &mut self.slots {
            slot.offset = offset;
            offset += slot.width;
        }
    }
}

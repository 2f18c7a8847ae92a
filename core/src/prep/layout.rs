//! Where each feature column's model inputs sit in a row.

use super::{Input, InputKind, PrepError};

/// The model inputs of one feature column: `width` of them from `offset`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    pub column: String,
    pub offset: usize,
    pub width: usize,
    state: State,
}

/// What a slot's inputs hold so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// A number column's one input, its value.
    Number,
    /// Still the raw labels of a category column: no inputs until a step encodes it.
    RawCategory,
    /// A code per input, which a step made from a category or a number.
    Encoded,
}

impl Slot {
    pub fn is_raw_category(&self) -> bool {
        self.state == State::RawCategory
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
                state: match input.kind {
                    InputKind::Number => State::Number,
                    InputKind::Category => State::RawCategory,
                },
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
        if slot.state != State::Number {
            return Err(PrepError::Inconsistent(format!(
                "column \"{name}\" is not one number here"
            )));
        }
        Ok(slot.offset)
    }

    /// Where number column `name`'s raw value is read in: its one input, or the
    /// first of the inputs a step widens it into (the step reads it there and
    /// rewrites them); `None` when it has no inputs.
    pub fn raw_number(&self, name: &str) -> Result<Option<usize>, PrepError> {
        let slot = self.slot(name)?;
        match slot.state {
            State::Number => Ok(Some(slot.offset)),
            State::Encoded => Ok((slot.width > 0).then_some(slot.offset)),
            State::RawCategory => Err(PrepError::Inconsistent(format!(
                "column \"{name}\" is not a number here"
            ))),
        }
    }

    /// Encodes raw category column `name` as `width` inputs.
    pub fn encode(&mut self, name: &str, width: usize) -> Result<(), PrepError> {
        self.become_codes(name, State::RawCategory, width)
    }

    /// Encodes number column `name` as `width` inputs (its bins).
    pub fn widen(&mut self, name: &str, width: usize) -> Result<(), PrepError> {
        self.become_codes(name, State::Number, width)
    }

    fn become_codes(&mut self, name: &str, from: State, width: usize) -> Result<(), PrepError> {
        let slot = self
            .slots
            .iter_mut()
            .find(|s| s.column == name)
            .ok_or_else(|| PrepError::Inconsistent(format!("no step reads column \"{name}\"")))?;
        if slot.state != from {
            return Err(PrepError::Inconsistent(format!(
                "column \"{name}\" is encoded twice"
            )));
        }
        slot.state = State::Encoded;
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

//! The notebook as a graph of cells: what each cell reads, and the edits that keep
//! the wiring whole (adding, removing and moving cells).

use super::{Cell, CellKind, Notebook, SplitCell, TrainCell};
use crate::ingest::LoadOptions;

/// The kinds of cell a person can add.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NewCell {
    Note,
    Data,
    Split,
    Train,
}

impl NewCell {
    pub const ALL: &'static [NewCell] =
        &[NewCell::Note, NewCell::Data, NewCell::Split, NewCell::Train];

    pub fn label(self) -> &'static str {
        match self {
            NewCell::Note => "Note",
            NewCell::Data => "Data",
            NewCell::Split => "Split",
            NewCell::Train => "Train",
        }
    }
}

/// The kind a cell of `kind` reads, if any.
fn reads(kind: &CellKind) -> Option<fn(&CellKind) -> bool> {
    match kind {
        CellKind::Note { .. } | CellKind::Data { .. } => None,
        CellKind::Split(_) => Some(|k| matches!(k, CellKind::Data { .. })),
        CellKind::Train(_) => Some(|k| matches!(k, CellKind::Split(_))),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error("there is no cell {0}")]
    NoCell(u32),
    #[error("a notebook holds at most {0} cells; remove one first")]
    Full(usize),
    #[error("cell {0} cannot move above the cell it reads")]
    AboveInput(u32),
    #[error("cell {0} cannot move below a cell that reads it")]
    BelowReader(u32),
    #[error("cell {0} is already at that end of the notebook")]
    AtEnd(u32),
}

impl Notebook {
    pub fn cell(&self, id: u32) -> Option<&Cell> {
        self.cells.iter().find(|c| c.id == id)
    }

    fn position(&self, id: u32) -> Result<usize, EditError> {
        self.cells
            .iter()
            .position(|c| c.id == id)
            .ok_or(EditError::NoCell(id))
    }

    /// The one cell `id` reads, if it reads one.
    pub fn input(&self, id: u32) -> Option<u32> {
        self.cell(id).and_then(|c| c.inputs.first().copied())
    }

    /// The split a train cell reads.
    pub fn split_of(&self, train: u32) -> Option<&SplitCell> {
        match &self.cell(self.input(train)?)?.kind {
            CellKind::Split(split) => Some(split),
            _ => None,
        }
    }

    /// The data cell a cell reads, directly or through its split.
    pub fn data_of(&self, id: u32) -> Option<&Cell> {
        let mut at = self.cell(id)?;
        for _ in 0..self.cells.len() {
            if matches!(at.kind, CellKind::Data { .. }) {
                return Some(at);
            }
            at = self.cell(*at.inputs.first()?)?;
        }
        None
    }

    /// The train cells that read data cell `data`, through their splits.
    pub fn trains_of(&self, data: u32) -> Vec<u32> {
        self.cells
            .iter()
            .filter(|c| matches!(c.kind, CellKind::Train(_)))
            .filter(|c| self.data_of(c.id).is_some_and(|d| d.id == data))
            .map(|c| c.id)
            .collect()
    }

    /// The cells that read `id`.
    pub fn readers(&self, id: u32) -> impl Iterator<Item = &Cell> {
        self.cells.iter().filter(move |c| c.inputs.contains(&id))
    }

    /// Adds a cell of `kind` after cell `after` (at the end without one), reading
    /// the nearest cell above it of the kind it reads; returns its id.
    pub fn add_cell(&mut self, kind: NewCell, after: Option<u32>) -> Result<u32, EditError> {
        if self.cells.len() >= super::MAX_CELL_COUNT {
            return Err(EditError::Full(super::MAX_CELL_COUNT));
        }
        let at = match after {
            Some(id) => self.position(id)? + 1,
            None => self.cells.len(),
        };
        let kind = match kind {
            NewCell::Note => CellKind::Note {
                title: "Note".to_owned(),
                text: String::new(),
            },
            NewCell::Data => CellKind::Data {
                source: None,
                options: LoadOptions::default(),
            },
            NewCell::Split => CellKind::Split(SplitCell::default()),
            NewCell::Train => CellKind::Train(TrainCell::default()),
        };
        let inputs = reads(&kind)
            .and_then(|wanted| {
                self.cells[..at]
                    .iter()
                    .rev()
                    .find(|c| wanted(&c.kind))
                    .map(|c| vec![c.id])
            })
            .unwrap_or_default();
        let id = self.cells.iter().map(|c| c.id).max().unwrap_or(0) + 1;
        self.cells.insert(at, Cell { id, inputs, kind });
        Ok(id)
    }

    /// Removes cell `id`; the cells that read it are left without an input, to be
    /// pointed at another.
    pub fn remove_cell(&mut self, id: u32) -> Result<Cell, EditError> {
        let at = self.position(id)?;
        let cell = self.cells.remove(at);
        for reader in &mut self.cells {
            reader.inputs.retain(|&input| input != id);
        }
        Ok(cell)
    }

    /// Moves cell `id` one place up (`up`) or down. A cell stays below what it
    /// reads and above what reads it, so the rail reads top to bottom.
    pub fn move_cell(&mut self, id: u32, up: bool) -> Result<(), EditError> {
        let at = self.position(id)?;
        let other = match (up, at) {
            (true, 0) => return Err(EditError::AtEnd(id)),
            (true, at) => at - 1,
            (false, at) if at + 1 >= self.cells.len() => return Err(EditError::AtEnd(id)),
            (false, at) => at + 1,
        };
        let (upper, lower) = if up { (other, at) } else { (at, other) };
        if self.cells[lower].inputs.contains(&self.cells[upper].id) {
            return Err(if up {
                EditError::AboveInput(id)
            } else {
                EditError::BelowReader(id)
            });
        }
        self.cells.swap(upper, lower);
        Ok(())
    }

    /// Whether [`Notebook::move_cell`] would move `id` that way.
    pub fn can_move(&self, id: u32, up: bool) -> bool {
        self.clone().move_cell(id, up).is_ok()
    }

    /// Points cell `id` at `input`.
    pub fn set_input(&mut self, id: u32, input: u32) -> Result<(), EditError> {
        self.position(input)?;
        let at = self.position(id)?;
        self.cells[at].inputs = vec![input];
        Ok(())
    }

    /// The train cell `id`'s settings.
    pub fn train(&self, id: u32) -> Option<&TrainCell> {
        match &self.cell(id)?.kind {
            CellKind::Train(train) => Some(train),
            _ => None,
        }
    }

    /// The split cell `id`'s settings.
    pub fn split(&self, id: u32) -> Option<&SplitCell> {
        match &self.cell(id)?.kind {
            CellKind::Split(split) => Some(split),
            _ => None,
        }
    }

    /// The spec train cell `id` trains with on its split, once it has a split
    /// and says what to predict.
    pub fn train_spec(&self, id: u32) -> Option<crate::train::TrainSpec> {
        self.train(id)?.spec(self.split_of(id)?)
    }

    /// Changes the split cell `id`.
    pub fn update_split(&mut self, id: u32, change: impl FnOnce(&mut SplitCell)) {
        if let Some(Cell {
            kind: CellKind::Split(split),
            ..
        }) = self.cells.iter_mut().find(|c| c.id == id)
        {
            change(split);
        }
    }

    /// Changes the train cell `id`.
    pub fn update_train_cell(&mut self, id: u32, change: impl FnOnce(&mut TrainCell)) {
        if let Some(Cell {
            kind: CellKind::Train(train),
            ..
        }) = self.cells.iter_mut().find(|c| c.id == id)
        {
            change(train);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn added_cells_read_the_nearest_cell_above_of_their_input_kind() {
        let mut notebook = Notebook::welcome();
        let first = notebook.first_train().expect("a train cell");
        let second = notebook
            .add_cell(NewCell::Train, Some(first))
            .expect("adds");
        assert_eq!(notebook.input(second), notebook.input(first));
        assert_eq!(notebook.validate(), Ok(()));
        let note = notebook.add_cell(NewCell::Note, None).expect("adds");
        assert!(notebook.cell(note).is_some_and(|c| c.inputs.is_empty()));
    }

    #[test]
    fn moves_keep_a_cell_below_its_input_and_removal_unwires_readers() {
        let mut notebook = Notebook::welcome();
        let train = notebook.first_train().expect("a train cell");
        let split = notebook.input(train).expect("a split");
        assert_eq!(
            notebook.move_cell(train, true),
            Err(EditError::AboveInput(train))
        );
        assert_eq!(
            notebook.move_cell(split, false),
            Err(EditError::BelowReader(split))
        );
        assert!(!notebook.can_move(train, false));
        // The note can move down past the data cell, which reads nothing.
        assert_eq!(notebook.move_cell(1, false), Ok(()));
        assert_eq!(notebook.cells[1].id, 1);
        notebook.remove_cell(split).expect("removes");
        assert_eq!(notebook.input(train), None);
        assert_eq!(
            notebook.remove_cell(99).map(|c| c.id),
            Err(EditError::NoCell(99))
        );
    }
}

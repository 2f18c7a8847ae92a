//! The notebook: the one document that the app edits, the worker executes, the
//! browser saves and a share link carries.
//!
//! It is plain serde data with a schema version, so that a document written by an
//! older Studio is recognised and either read or refused with a clear message.

use serde::{Deserialize, Serialize};

/// The schema version this build writes and reads.
pub const SCHEMA_VERSION: u32 = 1;

/// An ordered list of typed cells.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Notebook {
    pub schema_version: u32,
    pub title: String,
    pub cells: Vec<Cell>,
}

/// One cell: a stable id (for selection and dependencies) and what it holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cell {
    pub id: u32,
    #[serde(flatten)]
    pub kind: CellKind,
}

/// What a cell holds. Each kind produces something for the cells after it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CellKind {
    /// Text for people, such as the steps of a classroom demo.
    Note { title: String, text: String },
}

impl Cell {
    /// A short name for the rail: the kind and the cell's title.
    pub fn label(&self) -> String {
        match &self.kind {
            CellKind::Note { title, .. } => format!("Note · {title}"),
        }
    }
}

impl Notebook {
    /// The notebook a first visit opens with.
    pub fn welcome() -> Self {
        Self {
            schema_version: SCHEMA_VERSION,
            title: "Untitled notebook".to_owned(),
            cells: vec![Cell {
                id: 1,
                kind: CellKind::Note {
                    title: "Welcome".to_owned(),
                    text: WELCOME.to_owned(),
                },
            }],
        }
    }
}

const WELCOME: &str = "Studio is a machine-learning notebook that runs entirely in this browser tab. \
Nothing you load leaves this machine: the site is static files, and the work runs in a \
background worker on your GPU through WebGPU, or on the CPU when there is none.\n\n\
The header shows which compute device will run the work and why. Open its details to run \
a compute check that compares the GPU's answers with the CPU's.";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_notebook_round_trips_through_json_with_its_schema_version() {
        let notebook = Notebook::welcome();
        let json = serde_json::to_value(&notebook).expect("serializes");
        assert_eq!(json["schema_version"], SCHEMA_VERSION);
        assert_eq!(json["cells"][0]["kind"], "note");
        let back: Notebook = serde_json::from_value(json).expect("deserializes");
        assert_eq!(back, notebook);
    }

    #[test]
    fn the_rail_label_names_the_kind_and_title() {
        assert_eq!(Notebook::welcome().cells[0].label(), "Note · Welcome");
    }
}

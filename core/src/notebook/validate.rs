//! The rules a decoded notebook must keep before anything runs it. A notebook
//! comes from storage, a link or a file, any of which may have been edited, so
//! every size that later becomes memory or work is bounded here.

use std::collections::HashMap;

use super::{
    Cell, CellKind, DataSource, Notebook, NotebookError, SCHEMA_VERSION, SplitCell, TrainCell,
};
use crate::ingest::LoadOptions;

/// Cells a notebook holds at most.
pub const MAX_CELL_COUNT: usize = 200;

/// Bytes of a note's text.
pub const MAX_NOTE_TEXT: usize = 100 * 1024;

/// Bytes of any name: the title, a note's title, a file, sample or column name, a
/// target, a missing marker, a separator, a file's hash.
pub const MAX_NAME: usize = 1024;

/// Missing-value markers a data cell may set.
pub const MAX_MISSING_MARKERS: usize = 1000;

/// Per-column overrides a data cell may hold (one per column at most is useful).
pub const MAX_COLUMN_OVERRIDES: usize = 10_000;

/// Where a rule is broken: the cell (by position, as the rail lists it, and kind)
/// and the field.
struct At<'a> {
    cell: Option<(usize, &'a Cell)>,
    field: &'static str,
}

impl At<'_> {
    fn refuse(&self, reason: impl Into<String>) -> NotebookError {
        let at = match self.cell {
            None => self.field.to_owned(),
            Some((position, cell)) => {
                format!(
                    "cell {position} ({}), {}",
                    kind_name(&cell.kind),
                    self.field
                )
            }
        };
        NotebookError::Rejected {
            at,
            reason: reason.into(),
        }
    }

    fn name(&self, value: &str) -> Result<(), NotebookError> {
        self.text(value, MAX_NAME)
    }

    fn text(&self, value: &str, limit: usize) -> Result<(), NotebookError> {
        if value.len() > limit {
            return Err(self.refuse(format!(
                "is {} bytes long, more than the {limit} a notebook may hold; shorten it",
                value.len()
            )));
        }
        Ok(())
    }

    fn count(&self, count: usize, limit: usize, what: &str) -> Result<(), NotebookError> {
        if count > limit {
            return Err(self.refuse(format!(
                "has {count} {what}, more than the {limit} a notebook may hold"
            )));
        }
        Ok(())
    }
}

fn kind_name(kind: &CellKind) -> &'static str {
    match kind {
        CellKind::Note { .. } => "note",
        CellKind::Data { .. } => "data",
        CellKind::Split(_) => "split",
        CellKind::Train(_) => "train",
    }
}

/// The kind of cell a cell of `kind` reads, by name; `None` when it reads none.
fn input_kind(kind: &CellKind) -> Option<&'static str> {
    match kind {
        CellKind::Note { .. } | CellKind::Data { .. } => None,
        CellKind::Split(_) => Some("data"),
        CellKind::Train(_) => Some("split"),
    }
}

/// A cell reads at most one cell, placed above it, of the kind it reads; one
/// that reads none yet (its input was removed) waits to be pointed at one.
fn inputs<'a>(
    notebook: &Notebook,
    position: usize,
    cell: &Cell,
    at: &impl Fn(&'static str) -> At<'a>,
) -> Result<(), NotebookError> {
    let wanted = input_kind(&cell.kind);
    match (wanted, cell.inputs.as_slice()) {
        (_, []) => Ok(()),
        (None, _) => Err(at("inputs").refuse(format!(
            "a {} cell reads no other cell, but this one lists {:?}",
            kind_name(&cell.kind),
            cell.inputs
        ))),
        (Some(wanted), [input]) => {
            let found = notebook.cells[..position]
                .iter()
                .find(|c| c.id == *input)
                .ok_or_else(|| {
                    at("inputs").refuse(format!(
                        "reads cell id {input}, which is not a cell above it"
                    ))
                })?;
            if kind_name(&found.kind) != wanted {
                return Err(at("inputs").refuse(format!(
                    "reads cell id {input}, a {} cell; a {} cell reads a {wanted} cell",
                    kind_name(&found.kind),
                    kind_name(&cell.kind)
                )));
            }
            Ok(())
        }
        (Some(_), many) => Err(at("inputs").refuse(format!(
            "lists {} inputs; a {} cell reads one",
            many.len(),
            kind_name(&cell.kind)
        ))),
    }
}

pub(super) fn validate(notebook: &Notebook) -> Result<(), NotebookError> {
    let top = |field| At { cell: None, field };
    if notebook.schema_version != SCHEMA_VERSION {
        return Err(top("schema_version").refuse(format!(
            "is {}, but this Studio reads schema {SCHEMA_VERSION}",
            notebook.schema_version
        )));
    }
    top("title").name(&notebook.title)?;
    top("cells").count(notebook.cells.len(), MAX_CELL_COUNT, "cells")?;
    let mut seen = HashMap::new();
    for (i, cell) in notebook.cells.iter().enumerate() {
        if let Some(first) = seen.insert(cell.id, i + 1) {
            return Err(top("cells").refuse(format!(
                "cell {first} and cell {} have the same id {}; each cell needs its own",
                i + 1,
                cell.id
            )));
        }
    }
    if !notebook
        .cells
        .iter()
        .any(|c| matches!(c.kind, CellKind::Data { .. } | CellKind::Train(_)))
    {
        return Err(top("cells").refuse(
            "there is no data or train cell, so nothing to run; add one, or ask for the notebook again",
        ));
    }
    for (i, cell) in notebook.cells.iter().enumerate() {
        let at = |field| At {
            cell: Some((i + 1, cell)),
            field,
        };
        inputs(notebook, i, cell, &at)?;
        match &cell.kind {
            CellKind::Note { title, text } => {
                at("title").name(title)?;
                at("text").text(text, MAX_NOTE_TEXT)?;
            }
            CellKind::Data { source, options } => {
                if let Some(source) = source {
                    data_source(source, &at)?;
                }
                load_options(options, &at)?;
            }
            CellKind::Split(split) => split_cell(split, &at)?,
            CellKind::Train(train) => train_cell(train, &at)?,
        }
    }
    Ok(())
}

fn data_source<'a>(
    source: &DataSource,
    at: &impl Fn(&'static str) -> At<'a>,
) -> Result<(), NotebookError> {
    match source {
        DataSource::Sample { name } => at("source.name").name(name),
        DataSource::Local { name, sha256, .. } => {
            at("source.name").name(name)?;
            at("source.sha256").name(sha256)
        }
        DataSource::Synthetic(spec) => spec
            .validate()
            .map_err(|e| at("source").refuse(e.to_string())),
    }
}

fn load_options<'a>(
    options: &LoadOptions,
    at: &impl Fn(&'static str) -> At<'a>,
) -> Result<(), NotebookError> {
    if let Some(thousands) = &options.thousands {
        at("options.thousands").name(thousands)?;
    }
    if let Some(markers) = &options.missing {
        at("options.missing").count(markers.len(), MAX_MISSING_MARKERS, "markers")?;
        for marker in markers {
            at("options.missing").name(marker)?;
        }
    }
    at("options.columns").count(options.columns.len(), MAX_COLUMN_OVERRIDES, "overrides")?;
    for column in &options.columns {
        at("options.columns").name(&column.name)?;
    }
    Ok(())
}

fn train_cell<'a>(
    train: &TrainCell,
    at: &impl Fn(&'static str) -> At<'a>,
) -> Result<(), NotebookError> {
    if let Some(target) = &train.target {
        at("target").name(target)?;
    }
    train
        .model
        .check()
        .map_err(|e| at("model").refuse(e.to_string()))?;
    Ok(())
}

fn split_cell<'a>(
    split: &SplitCell,
    at: &impl Fn(&'static str) -> At<'a>,
) -> Result<(), NotebookError> {
    // Written so that NaN fails too.
    if !(split.test_size > 0.0 && split.test_size < 1.0) {
        return Err(at("test_size").refuse(format!(
            "should be a fraction between 0 and 1 (such as 0.2), but is {}",
            split.test_size
        )));
    }
    Ok(())
}

impl TrainCell {
    /// The train cell's own rules, so that an edit can be checked before it is
    /// kept: `Rejected` with `at` the field (`target` or `model`).
    pub fn check(&self) -> Result<(), NotebookError> {
        train_cell(self, &|field| At { cell: None, field })
    }
}

impl SplitCell {
    /// The split cell's own rules: `Rejected` with `at` the field (`test_size`).
    pub fn check(&self) -> Result<(), NotebookError> {
        split_cell(self, &|field| At { cell: None, field })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    /// A valid notebook of every cell kind, as JSON to break.
    fn valid() -> Value {
        json!({
            "schema_version": 2,
            "title": "t",
            "cells": [
                {"id": 1, "kind": "note", "title": "Hi", "text": "a note"},
                {"id": 2, "kind": "data", "source": {"type": "sample", "name": "iris.csv"},
                 "options": {"missing": ["", "NA"], "thousands": "",
                             "columns": [{"name": "species", "role": "target"}]}},
                {"id": 4, "kind": "split", "inputs": [2], "test_size": 0.2, "seed": 7},
                {"id": 3, "kind": "train", "inputs": [4], "target": "species",
                 "task": "classification", "model": {"kind": "logistic", "params": {"c": 0.5}}}
            ]
        })
    }

    /// Why `valid()` changed by `change` is refused.
    fn refused(change: impl FnOnce(&mut Value)) -> String {
        let mut value = valid();
        change(&mut value);
        match Notebook::from_json(&value.to_string()) {
            Ok(_) => panic!("accepted: {value}"),
            Err(e) => e.to_string(),
        }
    }

    fn check(change: impl FnOnce(&mut Value), expected: &str) {
        let reason = refused(change);
        assert!(
            reason.contains(expected),
            "{reason:?} should say {expected:?}"
        );
    }

    fn long(bytes: usize) -> Value {
        Value::from("x".repeat(bytes))
    }

    #[test]
    fn a_valid_notebook_of_every_kind_opens() {
        assert!(Notebook::from_json(&valid().to_string()).is_ok());
        let mut at_limits = valid();
        at_limits["title"] = long(MAX_NAME);
        at_limits["cells"][0]["text"] = long(MAX_NOTE_TEXT);
        at_limits["cells"][2]["test_size"] = json!(0.999);
        assert!(Notebook::from_json(&at_limits.to_string()).is_ok());
    }

    #[test]
    fn versions_before_the_first_are_refused() {
        check(
            |v| v["schema_version"] = json!(0),
            "schema_version 0 was never",
        );
        check(
            |v| drop(v.as_object_mut().map(|o| o.remove("schema_version"))),
            "no schema_version",
        );
    }

    #[test]
    fn cell_ids_are_unique() {
        check(
            |v| v["cells"][2]["id"] = json!(2),
            "cells: cell 2 and cell 3 have the same id 2",
        );
    }

    #[test]
    fn a_notebook_needs_a_data_or_train_cell() {
        check(|v| v["cells"] = json!([]), "there is no data or train cell");
        check(
            |v| v["cells"] = json!([{"id": 1, "kind": "note", "title": "x", "text": "y"}]),
            "there is no data or train cell",
        );
    }

    #[test]
    fn the_number_of_cells_is_bounded() {
        check(
            |v| {
                let data = v["cells"][1].clone();
                v["cells"] = (0..=MAX_CELL_COUNT)
                    .map(|id| {
                        let mut cell = data.clone();
                        cell["id"] = json!(id);
                        cell
                    })
                    .collect();
            },
            "cells: has 201 cells, more than the 200",
        );
    }

    #[test]
    fn strings_are_bounded_and_the_reason_names_the_cell_and_field() {
        check(
            |v| v["title"] = long(MAX_NAME + 1),
            "title: is 1025 bytes long",
        );
        check(
            |v| v["cells"][0]["title"] = long(MAX_NAME + 1),
            "cell 1 (note), title: is 1025 bytes",
        );
        check(
            |v| v["cells"][0]["text"] = long(MAX_NOTE_TEXT + 1),
            "cell 1 (note), text: is 102401 bytes long, more than the 102400",
        );
        check(
            |v| v["cells"][1]["source"]["name"] = long(MAX_NAME + 1),
            "cell 2 (data), source.name: is 1025 bytes",
        );
        check(
            |v| {
                v["cells"][1]["source"] = json!({"type": "local", "name": "a.csv", "rows": 1,
                    "columns": 1, "sha256": "0".repeat(MAX_NAME + 1)})
            },
            "cell 2 (data), source.sha256: is 1025 bytes",
        );
        check(
            |v| v["cells"][1]["options"]["thousands"] = long(MAX_NAME + 1),
            "cell 2 (data), options.thousands: is 1025 bytes",
        );
        check(
            |v| v["cells"][1]["options"]["missing"][1] = long(MAX_NAME + 1),
            "cell 2 (data), options.missing: is 1025 bytes",
        );
        check(
            |v| v["cells"][1]["options"]["columns"][0]["name"] = long(MAX_NAME + 1),
            "cell 2 (data), options.columns: is 1025 bytes",
        );
        check(
            |v| v["cells"][3]["target"] = long(MAX_NAME + 1),
            "cell 4 (train), target: is 1025 bytes",
        );
    }

    #[test]
    fn lists_in_the_load_options_are_bounded() {
        check(
            |v| v["cells"][1]["options"]["missing"] = json!(vec![""; MAX_MISSING_MARKERS + 1]),
            "cell 2 (data), options.missing: has 1001 markers, more than the 1000",
        );
        check(
            |v| {
                v["cells"][1]["options"]["columns"] = (0..=MAX_COLUMN_OVERRIDES)
                    .map(|i| json!({"name": format!("c{i}"), "role": "ignore"}))
                    .collect()
            },
            "cell 2 (data), options.columns: has 10001 overrides, more than the 10000",
        );
    }

    #[test]
    fn hyperparameters_are_checked_by_the_model_spec() {
        check(
            |v| v["cells"][3]["model"]["params"]["c"] = json!(-1),
            "cell 4 (train), model: c should be a positive number, but is -1",
        );
        check(
            |v| v["cells"][3]["model"]["params"]["max_iter"] = json!(1e9),
            "cell 4 (train), model: max_iter should be a whole number from 1 to 100000",
        );
        check(
            |v| v["cells"][3]["model"]["params"]["alpha"] = json!(1),
            "cell 4 (train), model: logistic has no hyperparameter \"alpha\"",
        );
    }

    #[test]
    fn inputs_name_a_cell_above_of_the_kind_read() {
        check(
            |v| v["cells"][3]["inputs"] = json!([2]),
            "cell 4 (train), inputs: reads cell id 2, a data cell; a train cell reads a split cell",
        );
        check(
            |v| v["cells"][3]["inputs"] = json!([9]),
            "cell 4 (train), inputs: reads cell id 9, which is not a cell above it",
        );
        check(
            |v| v["cells"][3]["inputs"] = json!([4, 4]),
            "cell 4 (train), inputs: lists 2 inputs",
        );
        check(
            |v| v["cells"][1]["inputs"] = json!([1]),
            "cell 2 (data), inputs: a data cell reads no other cell",
        );
        // A train cell above its split reads a cell that is not above it.
        check(
            |v| {
                let cells = v["cells"].as_array_mut().expect("cells");
                cells.swap(2, 3);
            },
            "cell 3 (train), inputs: reads cell id 4, which is not a cell above it",
        );
        let mut unwired = valid();
        unwired["cells"][3]["inputs"] = json!([]);
        assert!(Notebook::from_json(&unwired.to_string()).is_ok());
    }

    #[test]
    fn a_cell_edit_is_checked_alone_with_the_field_it_breaks() {
        let mut split = SplitCell::default();
        assert_eq!(split.check(), Ok(()));
        split.test_size = 1.0;
        assert!(
            matches!(split.check(), Err(NotebookError::Rejected { at, .. }) if at == "test_size")
        );
        let mut cell = TrainCell::default();
        assert_eq!(cell.check(), Ok(()));
        cell.model
            .params
            .insert("c".to_owned(), crate::learner::ParamValue::Number(0.0));
        assert!(matches!(cell.check(), Err(NotebookError::Rejected { at, .. }) if at == "model"));
    }

    #[test]
    fn test_size_is_a_fraction_strictly_between_0_and_1() {
        for bad in [json!(0), json!(1), json!(1.5), json!(-0.1)] {
            check(
                |v| v["cells"][2]["test_size"] = bad.clone(),
                &format!(
                    "cell 3 (split), test_size: should be a fraction between 0 and 1 (such as 0.2), but is {}",
                    bad.as_f64().unwrap_or_default()
                ),
            );
        }
    }

    #[test]
    fn synthetic_sizes_are_checked_before_anything_is_generated() {
        let synthetic = |rows: u64, features: u64| {
            move |v: &mut Value| {
                v["cells"][1]["source"] = json!({"type": "synthetic", "rows": rows,
                    "features": features, "task": "classification", "seed": 1});
            }
        };
        check(
            synthetic(1000, u64::MAX),
            "cell 2 (data), source: 1000 rows × 18446744073709551615 features need",
        );
        check(
            synthetic(1000, 4_294_967_295),
            "cell 2 (data), source: 1000 rows × 4294967295 features need 34359739 MB",
        );
        check(
            synthetic(0, 3),
            "cell 2 (data), source: choose at least 1 row and 1 feature",
        );
        let mut fine = valid();
        synthetic(1000, 10)(&mut fine);
        assert!(Notebook::from_json(&fine.to_string()).is_ok());
    }

    #[test]
    fn a_notebook_built_in_code_is_validated_too() {
        let mut notebook = Notebook::welcome();
        assert_eq!(notebook.validate(), Ok(()));
        notebook.update_split(4, |s| s.test_size = f64::NAN);
        assert!(
            notebook
                .validate()
                .is_err_and(|e| e.to_string().contains("test_size"))
        );
        notebook.schema_version = 0;
        assert!(
            notebook
                .validate()
                .is_err_and(|e| e.to_string().contains("schema_version: is 0"))
        );
    }
}

//! Schema versions: a document of an older version is brought up to
//! [`SCHEMA_VERSION`] one step at a time before it is read.

use serde_json::Value;

use super::{NotebookError, SCHEMA_VERSION};

/// The first schema version. No document is accepted as version 0.
pub const FIRST_SCHEMA_VERSION: u32 = 1;

/// One step: a document of version N becomes one of version N + 1, or the reason
/// it cannot. It sees the JSON, not the types, which describe only the newest version.
type Migration = fn(Value) -> Result<Value, String>;

/// `MIGRATIONS[i]` takes version `FIRST_SCHEMA_VERSION + i` to the next. A new
/// schema version adds its step here.
const MIGRATIONS: [Migration; (SCHEMA_VERSION - FIRST_SCHEMA_VERSION) as usize] = [v1_to_v2];

/// Version 2 wires cells explicitly. Version 1 ran its train cells on the first
/// data cell with their own `test_size` and `seed`: each train cell now reads a
/// split cell of its own (inserted just above it, holding those two), which reads
/// that data cell. The numbers a version-1 notebook made are made again.
fn v1_to_v2(mut value: Value) -> Result<Value, String> {
    let cells = value
        .get_mut("cells")
        .and_then(Value::as_array_mut)
        .ok_or("it has no list of cells")?;
    let ids: Vec<u64> = cells
        .iter()
        .filter_map(|c| c.get("id").and_then(Value::as_u64))
        .collect();
    let mut next = ids.iter().max().copied().unwrap_or(0);
    let data = cells
        .iter()
        .find(|c| c.get("kind").and_then(Value::as_str) == Some("data"))
        .and_then(|c| c.get("id").cloned());
    let mut out = Vec::with_capacity(cells.len() * 2);
    for mut cell in cells.drain(..) {
        if cell.get("kind").and_then(Value::as_str) == Some("train") {
            let object = cell.as_object_mut().ok_or("a cell is not an object")?;
            let test_size = object
                .remove("test_size")
                .ok_or("a train cell has no test_size")?;
            let seed = object.remove("seed").ok_or("a train cell has no seed")?;
            next = next.checked_add(1).ok_or("too many cells")?;
            let mut split = serde_json::json!({
                "id": next,
                "kind": "split",
                "test_size": test_size,
                "seed": seed,
            });
            if let Some(data) = &data {
                split["inputs"] = serde_json::json!([data]);
            }
            object.insert("inputs".to_owned(), serde_json::json!([next]));
            out.push(split);
        }
        out.push(cell);
    }
    *cells = out;
    Ok(value)
}

/// The document as the newest schema, or why it cannot be.
pub(super) fn to_current(value: Value) -> Result<Value, NotebookError> {
    migrate(value, &MIGRATIONS)
}

fn migrate(mut value: Value, steps: &[Migration]) -> Result<Value, NotebookError> {
    let newest = FIRST_SCHEMA_VERSION.saturating_add(u32::try_from(steps.len()).unwrap_or(0));
    let found = match value.get("schema_version") {
        None => {
            return Err(NotebookError::Invalid(
                "it has no schema_version; Studio writes one in every notebook".to_owned(),
            ));
        }
        Some(found) => found.as_u64().ok_or_else(|| {
            NotebookError::Invalid(format!(
                "schema_version is {found}, not a whole number from {FIRST_SCHEMA_VERSION}"
            ))
        })?,
    };
    if found > u64::from(newest) {
        return Err(NotebookError::TooNew {
            found: u32::try_from(found).unwrap_or(u32::MAX),
        });
    }
    let Some(first) = u32::try_from(found)
        .ok()
        .and_then(|v| v.checked_sub(FIRST_SCHEMA_VERSION))
    else {
        return Err(NotebookError::Invalid(format!(
            "schema_version {found} was never written by Studio; the first is {FIRST_SCHEMA_VERSION}"
        )));
    };
    for (version, step) in (found..).zip(&steps[first as usize..]) {
        value = step(value).map_err(|reason| {
            NotebookError::Invalid(format!(
                "it could not be brought from schema {version} to {}: {reason}",
                version + 1
            ))
        })?;
        if let Some(object) = value.as_object_mut() {
            object.insert("schema_version".to_owned(), Value::from(version + 1));
        }
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// A stand-in for a future step: version 1 called the title "name".
    fn rename_name_to_title(mut value: Value) -> Result<Value, String> {
        let object = value.as_object_mut().ok_or("not an object")?;
        let name = object.remove("name").ok_or("no name")?;
        object.insert("title".to_owned(), name);
        Ok(value)
    }

    #[test]
    fn the_current_version_passes_unchanged_and_others_are_refused() {
        let v2 = json!({"schema_version": 2, "title": "t", "cells": []});
        assert_eq!(to_current(v2.clone()), Ok(v2));
        let refused = |value: Value| match to_current(value) {
            Err(NotebookError::Invalid(reason)) => reason,
            other => panic!("{other:?}"),
        };
        assert!(refused(json!({"schema_version": 0})).contains("schema_version 0 was never"));
        assert!(refused(json!({"title": "t"})).contains("no schema_version"));
        assert!(refused(json!({"schema_version": "1"})).contains("not a whole number"));
        assert!(refused(json!({"schema_version": -1})).contains("not a whole number"));
        assert!(refused(json!({"schema_version": 1.5})).contains("not a whole number"));
        assert_eq!(
            to_current(json!({"schema_version": 3})),
            Err(NotebookError::TooNew { found: 3 })
        );
        assert_eq!(
            to_current(json!({"schema_version": u64::MAX})),
            Err(NotebookError::TooNew { found: u32::MAX })
        );
    }

    #[test]
    fn version_1_train_cells_each_read_a_split_of_their_own_on_the_first_data_cell() {
        let v1 = json!({"schema_version": 1, "title": "t", "cells": [
            {"id": 1, "kind": "data", "source": null},
            {"id": 3, "kind": "train", "target": "y", "task": null,
             "model": {"kind": "logistic", "params": {}}, "test_size": 0.25, "seed": 7},
            {"id": 2, "kind": "note", "title": "n", "text": ""},
        ]});
        assert_eq!(
            to_current(v1),
            Ok(json!({"schema_version": 2, "title": "t", "cells": [
                {"id": 1, "kind": "data", "source": null},
                {"id": 4, "kind": "split", "inputs": [1], "test_size": 0.25, "seed": 7},
                {"id": 3, "kind": "train", "inputs": [4], "target": "y", "task": null,
                 "model": {"kind": "logistic", "params": {}}},
                {"id": 2, "kind": "note", "title": "n", "text": ""},
            ]}))
        );
        let broken =
            json!({"schema_version": 1, "title": "t", "cells": [{"id": 1, "kind": "train"}]});
        assert!(
            matches!(to_current(broken), Err(NotebookError::Invalid(r)) if r.contains("no test_size"))
        );
    }

    #[test]
    fn each_step_runs_in_order_and_sets_the_version_it_reached() {
        let steps: [Migration; 2] = [rename_name_to_title, |mut v| {
            v["cells"] = json!([]);
            Ok(v)
        }];
        assert_eq!(
            migrate(json!({"schema_version": 1, "name": "old"}), &steps),
            Ok(json!({"schema_version": 3, "title": "old", "cells": []}))
        );
        assert_eq!(
            migrate(json!({"schema_version": 2, "title": "t"}), &steps),
            Ok(json!({"schema_version": 3, "title": "t", "cells": []}))
        );
        assert_eq!(
            migrate(json!({"schema_version": 1, "title": "t"}), &steps),
            Err(NotebookError::Invalid(
                "it could not be brought from schema 1 to 2: no name".to_owned()
            ))
        );
    }
}

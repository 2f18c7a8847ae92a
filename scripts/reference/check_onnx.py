"""Checks a Studio ONNX export against Studio's own predictions, in ONNX Runtime.

Usage:
    python check_onnx.py MODEL.onnx TEST.csv PREDICTIONS.csv

MODEL.onnx is a model written by `studio_core::export::to_onnx` (or
`studio train --onnx`). TEST.csv holds the rows to predict, with (at least) one
column per model input. PREDICTIONS.csv is what Studio predicted for those rows,
in the same order: a `prediction` column (the label, or the predicted value) and,
for classifiers, one `proba_<class>` column per class; for clustering, a `cluster`
column and one `distance_<k>` column per cluster; for a decomposition, one
`component_<i>` column per component.

The model must pass `onnx.checker.check_model(full_check=True)`. Each input is
built from the TEST.csv column of the same name, shape [N, 1]: float32 for float
inputs (NaN for missing cells), strings for string inputs ("" for missing cells).
Cells are trimmed, and the markers Studio reads as missing ("", NA, N/A, null,
NaN, ?, -, any case) count as missing, as in `studio_core::ingest`.

Classifiers: labels must match exactly and probabilities within 1e-5.
Regressors: predictions must match within 1e-4 relative (to max(|expected|, 1)).
Clustering: clusters must match exactly and distances within 1e-4 relative.
Decompositions: every row's projection within 1e-4 relative.
Exit 0 with a one-line summary on success; exit 1 with the first mismatches
otherwise (exit 2 for unusable arguments or files).

Environment: scripts/reference/requirements.txt (onnx, onnxruntime, numpy).
"""

import csv
import json
import sys

import numpy as np
import onnx
import onnxruntime as ort

MISSING_MARKERS = {"", "na", "n/a", "null", "nan", "?", "-"}
PROBA_TOL = 1e-5
REGRESSION_RTOL = 1e-4
SHOW = 10


def fail(message, code=1):
    print(f"check_onnx: {message}", file=sys.stderr)
    sys.exit(code)


def read_csv(path):
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    if not rows:
        fail(f"{path} is empty", 2)
    header = [name.strip() for name in rows[0]]
    body = [r for r in rows[1:] if not (len(r) == 1 and not r[0].strip())]
    for i, r in enumerate(body):
        if len(r) != len(header):
            fail(f"{path}: data row {i + 1} has {len(r)} cells, the header {len(header)}", 2)
    return header, body


def is_missing(cell):
    return cell.strip().lower() in MISSING_MARKERS


def feed(model_input, header, body, path):
    name = model_input.name
    if name not in header:
        fail(f"{path} has no column {name!r}, which the model takes as input", 2)
    j = header.index(name)
    cells = [row[j].strip() for row in body]
    if model_input.type == "tensor(float)":
        values = []
        for i, cell in enumerate(cells):
            if is_missing(cell):
                values.append(np.nan)
            else:
                try:
                    values.append(float(cell))
                except ValueError:
                    fail(f"{path}: column {name!r}, data row {i + 1}: {cell!r} is not a number", 2)
        return np.asarray(values, dtype=np.float32).reshape(-1, 1)
    if model_input.type == "tensor(string)":
        values = ["" if is_missing(cell) else cell for cell in cells]
        return np.asarray(values, dtype=object).reshape(-1, 1)
    fail(f"input {name!r} has type {model_input.type}, which this script does not build", 2)


def pipeline_classes(model):
    """The classifier's class order, from the `studio.pipeline` metadata."""
    for prop in model.metadata_props:
        if prop.key == "studio.pipeline":
            return json.loads(prop.value).get("model", {}).get("classes")
    return None


def main(argv):
    if len(argv) != 4:
        fail("usage: python check_onnx.py MODEL.onnx TEST.csv PREDICTIONS.csv", 2)
    model_path, test_path, predictions_path = argv[1:]

    model = onnx.load(model_path)
    try:
        onnx.checker.check_model(model, full_check=True)
    except onnx.checker.ValidationError as error:
        fail(f"{model_path} fails the ONNX checker: {error}")

    session = ort.InferenceSession(model_path, providers=["CPUExecutionProvider"])
    header, body = read_csv(test_path)
    inputs = {i.name: feed(i, header, body, test_path) for i in session.get_inputs()}
    output_names = [o.name for o in session.get_outputs()]
    results = dict(zip(output_names, session.run(None, inputs)))

    want_header, want = read_csv(predictions_path)
    if len(want) != len(body):
        fail(f"{predictions_path} has {len(want)} rows but {test_path} has {len(body)}")
    mismatches = []
    n = len(body)
    if "projection" in output_names:
        summary = check_projection(results["projection"], want_header, want, n, mismatches)
        finish(model_path, summary, mismatches)
        return
    key = "cluster" if "distances" in output_names else "prediction"
    if key not in want_header:
        fail(f"{predictions_path} has no {key!r} column", 2)
    expected = [row[want_header.index(key)] for row in want]

    if set(output_names) >= {"label", "distances"}:
        labels = [int(x) for x in np.asarray(results["label"]).reshape(-1)]
        distances = np.asarray(results["distances"], dtype=np.float64)
        columns = [c for c in want_header if c.startswith("distance_")]
        if distances.shape != (n, len(columns)):
            fail(f"distances have shape {distances.shape}, expected ({n}, {len(columns)})")
        max_rel = 0.0
        for i in range(n):
            if labels[i] != int(expected[i]):
                mismatches.append(f"row {i + 1}: cluster {labels[i]}, expected {expected[i]}")
            for k, column in enumerate(columns):
                w = float(want[i][want_header.index(column)])
                rel = abs(distances[i, k] - w) / max(abs(w), 1.0)
                max_rel = max(max_rel, rel)
                if not rel <= REGRESSION_RTOL:
                    mismatches.append(
                        f"row {i + 1}: distance to {k} {distances[i, k]:.9g}, expected {w:.9g} (relative diff {rel:.3g})"
                    )
        summary = (
            f"clustering: {n} rows, {len(columns)} clusters, clusters all equal, "
            f"max relative distance difference {max_rel:.3g} (tolerance {REGRESSION_RTOL})"
        )
    elif set(output_names) >= {"label", "probabilities"}:
        labels = [str(x) for x in np.asarray(results["label"]).reshape(-1)]
        probabilities = np.asarray(results["probabilities"], dtype=np.float64)
        proba_columns = [c for c in want_header if c.startswith("proba_")]
        file_classes = [c[len("proba_"):] for c in proba_columns]
        classes = pipeline_classes(model) or file_classes
        if probabilities.shape != (n, len(classes)):
            fail(f"probabilities have shape {probabilities.shape}, expected ({n}, {len(classes)})")
        if sorted(file_classes) != sorted(classes):
            fail(f"{predictions_path} has probability columns for {file_classes}, the model's classes are {classes}")
        max_diff = 0.0
        for i in range(n):
            if labels[i] != expected[i]:
                mismatches.append(f"row {i + 1}: label {labels[i]!r}, expected {expected[i]!r}")
            for column, cls in zip(proba_columns, file_classes):
                want_p = float(want[i][want_header.index(column)])
                got_p = float(probabilities[i, classes.index(cls)])
                diff = abs(got_p - want_p)
                max_diff = max(max_diff, diff)
                if not diff <= PROBA_TOL:
                    mismatches.append(
                        f"row {i + 1}: P({cls}) = {got_p:.9g}, expected {want_p:.9g} (diff {diff:.3g} > {PROBA_TOL})"
                    )
        summary = (
            f"classifier: {n} rows, {len(classes)} classes, labels all equal, "
            f"max probability difference {max_diff:.3g} (tolerance {PROBA_TOL})"
        )
    elif "prediction" in output_names:
        got = np.asarray(results["prediction"], dtype=np.float64).reshape(-1)
        if got.shape != (n,):
            fail(f"prediction has {got.shape[0]} values for {n} rows")
        max_diff = 0.0
        max_rel = 0.0
        for i in range(n):
            w = float(expected[i])
            diff = abs(got[i] - w)
            rel = diff / max(abs(w), 1.0)
            max_diff, max_rel = max(max_diff, diff), max(max_rel, rel)
            if not rel <= REGRESSION_RTOL:
                mismatches.append(
                    f"row {i + 1}: prediction {got[i]:.9g}, expected {w:.9g} (relative diff {rel:.3g} > {REGRESSION_RTOL})"
                )
        summary = (
            f"regressor: {n} rows, max absolute difference {max_diff:.3g}, "
            f"max relative difference {max_rel:.3g} (tolerance {REGRESSION_RTOL})"
        )
    else:
        fail(f"the model's outputs {output_names} are neither label/probabilities nor prediction")

    finish(model_path, summary, mismatches)


def check_projection(projection, want_header, want, n, mismatches):
    """A decomposition's `projection` against the `component_<i>` columns."""
    got = np.asarray(projection, dtype=np.float64)
    columns = [c for c in want_header if c.startswith("component_")]
    if got.shape != (n, len(columns)):
        fail(f"projection has shape {got.shape}, expected ({n}, {len(columns)})")
    max_rel = 0.0
    for i in range(n):
        for k, column in enumerate(columns):
            w = float(want[i][want_header.index(column)])
            rel = abs(got[i, k] - w) / max(abs(w), 1.0)
            max_rel = max(max_rel, rel)
            if not rel <= REGRESSION_RTOL:
                mismatches.append(
                    f"row {i + 1}: component {k + 1} {got[i, k]:.9g}, expected {w:.9g} (relative diff {rel:.3g})"
                )
    return (
        f"decomposition: {n} rows, {len(columns)} components, "
        f"max relative difference {max_rel:.3g} (tolerance {REGRESSION_RTOL})"
    )


def finish(model_path, summary, mismatches):
    if mismatches:
        print(f"check_onnx: {len(mismatches)} mismatches; the first:", file=sys.stderr)
        for line in mismatches[:SHOW]:
            print(f"  {line}", file=sys.stderr)
        sys.exit(1)
    print(f"check_onnx: OK: {model_path}: {summary}")


if __name__ == "__main__":
    main(sys.argv)

"""Outside oracle: NumPy/SciPy results for every operation of `core::compute`.

Writes `core/tests/reference/compute.json`: small float32 inputs drawn from a
fixed NumPy generator, and what NumPy (float64, then rounded to float32) says
each operation gives. `core/tests/numpy_reference.rs` runs the CPU device on the
same inputs and compares; the conformance suite then holds the GPU to the CPU.

Definitions, as Studio documents them (core/src/compute/ops.rs):
  gemm        C = alpha op(A) op(B) + beta C, row-major
  gemv        y = alpha op(A) x + beta y
  reductions  population variance (ddof 0); arg-min/max = first index
  losses      per row: softmax CE = logsumexp(z) - z_t, grad softmax(z) - onehot;
              log loss = sum softplus(z) - t z, grad sigmoid(z) - t;
              squared = 1/2 sum (z - t)^2, grad z - t
  distances   scipy.spatial.distance.cdist(..., "sqeuclidean")
  histogram   numpy.histogram over [lo, hi] (values outside are clipped into the
              edge bins first; NaN skipped), optionally weighted
  col. stats  nanmean, nanstd (ddof 0), nanmin, nanmax per column
  sgd         v = momentum v + g + decay p; p -= lr v   (PyTorch's SGD), and with
              nesterov p -= lr (g + decay p + momentum v)
  adam        PyTorch's Adam with L2 weight decay, two steps from step 3

Rerun from the repository root (deterministic; overwrites the JSON file):

    .tools/venv/bin/python scripts/reference/numpy_compute.py
"""

import json
import platform
from pathlib import Path

import numpy as np
import scipy
from scipy.special import expit, logsumexp, softmax
from scipy.spatial.distance import cdist

OUT = Path(__file__).resolve().parents[2] / "core" / "tests" / "reference" / "compute.json"
rng = np.random.default_rng(20261128)


def f32(x):
    return np.asarray(x, dtype=np.float32)


def uniform(*shape):
    return f32(rng.uniform(-1.0, 1.0, size=shape))


def listed(x):
    """Float32 values as JSON numbers; NaN (missing) as null."""
    return [None if np.isnan(v) else float(v) for v in np.asarray(x, dtype=np.float32).ravel()]


cases = []


def case(op, params, inputs, outputs):
    cases.append(
        {
            "op": op,
            "params": params,
            "inputs": {k: listed(v) for k, v in inputs.items()},
            "outputs": {k: listed(v) for k, v in outputs.items()},
        }
    )


# Matrix products, every transpose, with alpha and beta.
for m, n, k in [(3, 4, 5), (7, 1, 9), (1, 6, 2)]:
    for trans_a in (False, True):
        for trans_b in (False, True):
            a = uniform(k, m) if trans_a else uniform(m, k)
            b = uniform(n, k) if trans_b else uniform(k, n)
            c = uniform(m, n)
            alpha, beta = 1.5, 0.5
            opa = a.astype(np.float64).T if trans_a else a.astype(np.float64)
            opb = b.astype(np.float64).T if trans_b else b.astype(np.float64)
            want = alpha * opa @ opb + beta * c.astype(np.float64)
            case(
                "gemm",
                {"m": m, "n": n, "k": k, "trans_a": trans_a, "trans_b": trans_b, "alpha": alpha, "beta": beta},
                {"a": a, "b": b, "c": c},
                {"c": want},
            )

for rows, cols in [(4, 3), (1, 5), (6, 1)]:
    for trans in (False, True):
        a = uniform(rows, cols)
        x = uniform(rows if trans else cols)
        y = uniform(cols if trans else rows)
        a64 = a.astype(np.float64)
        want = 0.75 * (a64.T if trans else a64) @ x.astype(np.float64) - 0.25 * y.astype(np.float64)
        case("gemv", {"rows": rows, "cols": cols, "trans": trans, "alpha": 0.75, "beta": -0.25},
             {"a": a, "x": x, "y": y}, {"y": want})

# Elementwise functions.
x = f32(rng.uniform(-4.0, 4.0, size=50))
positive = np.abs(x) + f32(0.1)
x64 = x.astype(np.float64)
unary = {
    "relu": np.maximum(x64, 0.0),
    "step": (x64 > 0).astype(np.float64),
    "sigmoid": expit(x64),
    "tanh": np.tanh(x64),
    "exp": np.exp(x64),
    "square": x64 * x64,
    "abs": np.abs(x64),
    "neg": -x64,
}
for name, want in unary.items():
    case("unary", {"op": name}, {"x": x}, {"y": want})
for name, fn in {"log": np.log, "sqrt": np.sqrt}.items():
    case("unary", {"op": name}, {"x": positive}, {"y": fn(positive.astype(np.float64))})

a, b = uniform(40), uniform(40)
b_pos = np.abs(b) + f32(0.1)
binary = {
    "add": (b, np.add),
    "sub": (b, np.subtract),
    "mul": (b, np.multiply),
    "div": (b_pos, np.divide),
    "min": (b, np.minimum),
    "max": (b, np.maximum),
}
for name, (rhs, fn) in binary.items():
    case("binary", {"op": name}, {"a": a, "b": rhs}, {"out": fn(a.astype(np.float64), rhs.astype(np.float64))})

x, v = uniform(5, 3), uniform(3)
case("add_row", {"rows": 5, "cols": 3}, {"x": x, "v": v}, {"x": x.astype(np.float64) + v})

z = f32(rng.uniform(-20.0, 20.0, size=(6, 4)))
case("softmax", {"rows": 6, "cols": 4}, {"x": z}, {"y": softmax(z.astype(np.float64), axis=1)})

# Reductions, per row and per column.
x = uniform(7, 5)
x64 = x.astype(np.float64)
for per, axis in (("row", 1), ("column", 0)):
    for name, fn in {
        "sum": np.sum,
        "mean": np.mean,
        "variance": np.var,
        "min": np.min,
        "max": np.max,
        "arg_min": np.argmin,
        "arg_max": np.argmax,
    }.items():
        case("reduce", {"op": name, "per": per, "rows": 7, "cols": 5}, {"x": x}, {"out": fn(x64, axis=axis)})

# Fused losses.
rows, cols = 6, 4
z = f32(rng.uniform(-6.0, 6.0, size=(rows, cols)))
z64 = z.astype(np.float64)
labels = rng.integers(0, cols, size=rows)
onehot = np.eye(cols)[labels]
case("loss", {"kind": "softmax_cross_entropy", "rows": rows, "cols": cols},
     {"z": z, "targets": labels.astype(np.float32)},
     {"grad": softmax(z64, axis=1) - onehot,
      "row_loss": logsumexp(z64, axis=1) - z64[np.arange(rows), labels]})
t = (rng.uniform(size=(rows, cols)) > 0.5).astype(np.float32)
case("loss", {"kind": "log_loss", "rows": rows, "cols": cols}, {"z": z, "targets": t},
     {"grad": expit(z64) - t, "row_loss": np.sum(np.logaddexp(0.0, z64) - t * z64, axis=1)})
t = uniform(rows, cols)
case("loss", {"kind": "squared_error", "rows": rows, "cols": cols}, {"z": z, "targets": t},
     {"grad": z64 - t, "row_loss": 0.5 * np.sum((z64 - t) ** 2, axis=1)})

x, y = uniform(5, 3), uniform(4, 3)
case("distances", {"n": 5, "m": 4, "dim": 3}, {"x": x, "y": y},
     {"out": cdist(x.astype(np.float64), y.astype(np.float64), "sqeuclidean")})

# Histograms: values beyond [lo, hi] fall in the edge bins; NaN is skipped.
values = f32(rng.uniform(-1.5, 1.5, size=200))
values[::17] = np.nan
weights = uniform(200)
present = ~np.isnan(values)
clipped = np.clip(values[present], -1.0, 1.0)
for bins in (1, 7):
    counts, _ = np.histogram(clipped, bins=bins, range=(-1.0, 1.0))
    case("histogram", {"bins": bins, "lo": -1.0, "hi": 1.0, "weighted": False}, {"x": values}, {"out": counts})
    sums, _ = np.histogram(clipped, bins=bins, range=(-1.0, 1.0), weights=weights[present].astype(np.float64))
    case("histogram", {"bins": bins, "lo": -1.0, "hi": 1.0, "weighted": True},
         {"x": values, "weights": weights}, {"out": sums})

x = f32(rng.uniform(-3.0, 3.0, size=(9, 3)))
x[::4, 0] = np.nan
x[:, 2] = np.nan
with np.errstate(invalid="ignore"), __import__("warnings").catch_warnings():
    __import__("warnings").simplefilter("ignore")
    x64 = x.astype(np.float64)
    stats = np.stack([np.nanmean(x64, 0), np.nanstd(x64, 0), np.nanmin(x64, 0), np.nanmax(x64, 0)])
case("column_stats", {"rows": 9, "cols": 3}, {"x": x}, {"out": stats})

# Optimizer steps: two of each, as PyTorch defines them.
p, g, vel = uniform(10), uniform(10), uniform(10)
lr, momentum, decay = 0.1, 0.9, 1e-3
p64, v64 = p.astype(np.float64), vel.astype(np.float64)
for _ in range(2):
    v64 = momentum * v64 + g + decay * p64
    p64 = p64 - lr * v64
case("sgd", {"lr": lr, "momentum": momentum, "weight_decay": decay},
     {"params": p, "grads": g, "velocity": vel}, {"params": p64, "velocity": v64})

p, g, m1 = uniform(10), uniform(10), uniform(10)
m2 = np.abs(uniform(10)) + f32(0.1)
lr, b1, b2, eps, decay = 0.01, 0.9, 0.999, 1e-8, 1e-3
p64, m64, v64 = p.astype(np.float64), m1.astype(np.float64), m2.astype(np.float64)
for step in (3, 4):
    grad = g + decay * p64
    m64 = b1 * m64 + (1 - b1) * grad
    v64 = b2 * v64 + (1 - b2) * grad * grad
    m_hat = m64 / (1 - b1**step)
    v_hat = v64 / (1 - b2**step)
    p64 = p64 - lr * m_hat / (np.sqrt(v_hat) + eps)
case("adam", {"lr": lr, "beta1": b1, "beta2": b2, "eps": eps, "weight_decay": decay, "step": 3},
     {"params": p, "grads": g, "m": m1, "v": m2}, {"params": p64, "m": m64, "v": v64})

# PyTorch's SGD with nesterov=True: the step looks ahead along the new velocity.
# Drawn last, so that the cases above keep their inputs.
p, g, vel = uniform(10), uniform(10), uniform(10)
lr, momentum, decay = 0.1, 0.9, 1e-3
p64, v64 = p.astype(np.float64), vel.astype(np.float64)
for _ in range(2):
    grad = g + decay * p64
    v64 = momentum * v64 + grad
    p64 = p64 - lr * (grad + momentum * v64)
case("sgd", {"lr": lr, "momentum": momentum, "weight_decay": decay, "nesterov": True},
     {"params": p, "grads": g, "velocity": vel}, {"params": p64, "velocity": v64})

# One case per line keeps the file diffable.
header = {
    "generator": "scripts/reference/numpy_compute.py",
    "versions": {"python": platform.python_version(), "numpy": np.__version__, "scipy": scipy.__version__},
}
lines = ",\n".join(json.dumps(c, allow_nan=False) for c in cases)
OUT.write_text(json.dumps(header, allow_nan=False)[:-1] + ', "cases": [\n' + lines + "\n]}\n")
print(f"wrote {len(cases)} cases to {OUT}")

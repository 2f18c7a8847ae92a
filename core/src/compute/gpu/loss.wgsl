// Each row's loss and its gradient with respect to the predictions, in one pass;
// one invocation per row. `kind` is `LossKind::code`.

struct Params {
    rows: u32,
    cols: u32,
    kind: u32,
}

@group(0) @binding(0) var<storage, read> z: array<f32>;
@group(0) @binding(1) var<storage, read> targets: array<f32>;
@group(0) @binding(2) var<storage, read_write> grad: array<f32>;
@group(0) @binding(3) var<storage, read_write> row_loss: array<f32>;
@group(0) @binding(4) var<uniform> p: Params;

fn softmax_cross_entropy(row: u32, base: u32) -> f32 {
    // Classes were validated by the caller; clamp so a bad one cannot read out of the row.
    let label = min(u32(max(targets[row], 0.0)), p.cols - 1u);
    var m = z[base];
    for (var c = 1u; c < p.cols; c++) {
        m = max(m, z[base + c]);
    }
    var sum = 0.0;
    for (var c = 0u; c < p.cols; c++) {
        let e = exp(z[base + c] - m);
        grad[base + c] = e;
        sum += e;
    }
    let inv = 1.0 / sum;
    for (var c = 0u; c < p.cols; c++) {
        grad[base + c] = grad[base + c] * inv - select(0.0, 1.0, c == label);
    }
    return m + log(sum) - z[base + label];
}

fn log_loss(base: u32) -> f32 {
    var loss = 0.0;
    for (var c = 0u; c < p.cols; c++) {
        let v = z[base + c];
        let t = targets[base + c];
        grad[base + c] = sigmoid(v) - t;
        loss += softplus(v) - t * v;
    }
    return loss;
}

fn squared_error(base: u32) -> f32 {
    var loss = 0.0;
    for (var c = 0u; c < p.cols; c++) {
        let d = z[base + c] - targets[base + c];
        grad[base + c] = d;
        loss += 0.5 * d * d;
    }
    return loss;
}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let row = id.x + id.y * groups.x * 64u;
    if (row >= p.rows) {
        return;
    }
    let base = row * p.cols;
    var loss = 0.0;
    if (p.cols > 0u) {
        switch p.kind {
            case 0u: { loss = softmax_cross_entropy(row, base); }
            case 1u: { loss = log_loss(base); }
            default: { loss = squared_error(base); }
        }
    }
    row_loss[row] = loss;
}

// The per-row half of softmax cross-entropy, one invocation per training row:
// logits z = W x + b, a numerically stable softmax, the row's loss
// log Σ exp(z) − z_label, and the residual p − onehot(label) that the gradient
// kernel (gradient.wgsl) multiplies into X.
//
// Parameters are laid out class by class: [w_c0 … w_c(d−1), b_c]. The residual row
// first holds the logits, so each logit is computed once whatever the class count.

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> labels: array<u32>;
@group(0) @binding(2) var<storage, read> params: array<f32>;
@group(0) @binding(3) var<storage, read_write> residual: array<f32>;
@group(0) @binding(4) var<storage, read_write> row_loss: array<f32>;
@group(0) @binding(5) var<uniform> dims: Dims;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(
    @builtin(workgroup_id) group: vec3<u32>,
    @builtin(local_invocation_index) lane: u32,
) {
    let row = (group.y * dims.row_groups_x + group.x) * WORKGROUP_SIZE + lane;
    if (row >= dims.rows) {
        return;
    }
    let d = dims.inputs;
    let k = dims.classes;
    let stride = d + 1u;
    let x_base = row * d;
    let r_base = row * k;

    // Logits, and their largest value so that no exp overflows.
    var top = 0.0;
    for (var c = 0u; c < k; c++) {
        let w_base = c * stride;
        var z = params[w_base + d];
        for (var j = 0u; j < d; j++) {
            z += params[w_base + j] * x[x_base + j];
        }
        residual[r_base + c] = z;
        if (c == 0u || z > top) {
            top = z;
        }
    }
    var total = 0.0;
    for (var c = 0u; c < k; c++) {
        total += exp(residual[r_base + c] - top);
    }
    let label = labels[row];
    row_loss[row] = top + log(total) - residual[r_base + label];
    for (var c = 0u; c < k; c++) {
        let p = exp(residual[r_base + c] - top) / total;
        residual[r_base + c] = p - select(0.0, 1.0, c == label);
    }
}

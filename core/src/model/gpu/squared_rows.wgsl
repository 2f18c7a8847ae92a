// The per-row half of squared error, one invocation per training row: the
// residual r = w · x + b − y, the row's loss r², and 2r, the derivative of the
// loss by the prediction, which the gradient kernel (gradient.wgsl) multiplies
// into X. Parameters: [w_0 … w_(d−1), b].

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> targets: array<f32>;
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
    let x_base = row * d;
    var z = params[d];
    for (var j = 0u; j < d; j++) {
        z += params[j] * x[x_base + j];
    }
    let r = z - targets[row];
    residual[row] = 2.0 * r;
    row_loss[row] = r * r;
}

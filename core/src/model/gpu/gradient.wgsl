// The reduction half of a linear model's objective: with R the rows × classes
// residuals from a per-row kernel (softmax_rows.wgsl, squared_rows.wgsl),
//   out[c·(d+1) + j] = Σ_i R[i,c] · X[i,j]   for j < d   (the weights' gradient, Rᵀ X)
//   out[c·(d+1) + d] = Σ_i R[i,c]                        (the intercepts' gradient)
//   out[classes·(d+1)] = Σ_i loss[i]                     (the data term of the objective)
// laid out like the parameters. One workgroup per output: each invocation sums a
// strided slice of the rows, then the workgroup reduces its partial sums in shared
// memory. Outputs beyond one dispatch dimension wrap into workgroup_id.y.

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> residual: array<f32>;
@group(0) @binding(2) var<storage, read> row_loss: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
@group(0) @binding(4) var<uniform> dims: Dims;

var<workgroup> partial: array<f32, WORKGROUP_SIZE>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(
    @builtin(workgroup_id) group: vec3<u32>,
    @builtin(local_invocation_index) lane: u32,
) {
    let output = group.y * dims.out_groups_x + group.x;
    // Uniform across the workgroup, so the barriers below stay in uniform control flow.
    if (output >= dims.outputs) {
        return;
    }
    let d = dims.inputs;
    let k = dims.classes;
    let stride = d + 1u;
    let c = output / stride;
    let j = output % stride;
    var sum = 0.0;
    if (c >= k) {
        for (var i = lane; i < dims.rows; i += WORKGROUP_SIZE) {
            sum += row_loss[i];
        }
    } else if (j == d) {
        for (var i = lane; i < dims.rows; i += WORKGROUP_SIZE) {
            sum += residual[i * k + c];
        }
    } else {
        for (var i = lane; i < dims.rows; i += WORKGROUP_SIZE) {
            sum += residual[i * k + c] * x[i * d + j];
        }
    }
    partial[lane] = sum;
    workgroupBarrier();
    for (var half = WORKGROUP_SIZE / 2u; half > 0u; half >>= 1u) {
        if (lane < half) {
            partial[lane] += partial[lane + half];
        }
        workgroupBarrier();
    }
    if (lane == 0u) {
        out[output] = partial[0];
    }
}

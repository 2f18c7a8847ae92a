// y = A x for a row-major A (rows × cols). One workgroup per row: each invocation
// sums a strided slice of the row, then the workgroup reduces the partial sums in
// shared memory. Rows beyond one dispatch dimension wrap into workgroup_id.y.

struct Dims {
    rows: u32,
    cols: u32,
    // Workgroups along x; row = workgroup_id.y * groups_x + workgroup_id.x.
    groups_x: u32,
    _pad: u32,
}

const WORKGROUP_SIZE: u32 = 64u;

@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<uniform> dims: Dims;

var<workgroup> partial: array<f32, WORKGROUP_SIZE>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(
    @builtin(workgroup_id) group: vec3<u32>,
    @builtin(local_invocation_index) lane: u32,
) {
    let row = group.y * dims.groups_x + group.x;
    // Uniform across the workgroup, so the barriers below stay in uniform control flow.
    if (row >= dims.rows) {
        return;
    }
    let base = row * dims.cols;
    var sum = 0.0;
    for (var j = lane; j < dims.cols; j += WORKGROUP_SIZE) {
        sum += a[base + j] * x[j];
    }
    partial[lane] = sum;
    workgroupBarrier();
    for (var stride = WORKGROUP_SIZE / 2u; stride > 0u; stride >>= 1u) {
        if (lane < stride) {
            partial[lane] += partial[lane + stride];
        }
        workgroupBarrier();
    }
    if (lane == 0u) {
        y[row] = partial[0];
    }
}

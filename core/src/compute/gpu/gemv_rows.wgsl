// y = alpha·A·x + beta·y for short rows: one invocation per row.

struct Params {
    rows: u32,
    cols: u32,
    alpha: f32,
    beta: f32,
}

@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let row = id.x + id.y * groups.x * 64u;
    if (row >= p.rows) {
        return;
    }
    let base = row * p.cols;
    var sum = 0.0;
    for (var c = 0u; c < p.cols; c++) {
        sum += a[base + c] * x[c];
    }
    var out = p.alpha * sum;
    if (p.beta != 0.0) {
        out += p.beta * y[row];
    }
    y[row] = out;
}

// The softmax of each row, shifted by the row's maximum; one invocation per row.

struct Params {
    rows: u32,
    cols: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let row = id.x + id.y * groups.x * 64u;
    if (row >= p.rows) {
        return;
    }
    let base = row * p.cols;
    var m = x[base];
    for (var c = 1u; c < p.cols; c++) {
        m = max(m, x[base + c]);
    }
    var sum = 0.0;
    for (var c = 0u; c < p.cols; c++) {
        let e = exp(x[base + c] - m);
        y[base + c] = e;
        sum += e;
    }
    let inv = 1.0 / sum;
    for (var c = 0u; c < p.cols; c++) {
        y[base + c] *= inv;
    }
}

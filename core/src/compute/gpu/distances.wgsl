// out[i, j] = Σ_d (x[i, d] − y[j, d])², tiled: each workgroup stages 16 rows of X
// and 16 rows of Y, 16 dimensions at a time, in workgroup memory.

struct Params {
    n: u32,
    m: u32,
    dim: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> y: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;

const T: u32 = 16u;
var<workgroup> xs: array<f32, 256>;
var<workgroup> ys: array<f32, 256>;

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
    let i = wg.y * T + lid.y;
    let j = wg.x * T + lid.x;
    let yr = wg.x * T + lid.y;
    var acc = 0.0;
    for (var d0 = 0u; d0 < p.dim; d0 += T) {
        let d = d0 + lid.x;
        var xv = 0.0;
        if (i < p.n && d < p.dim) {
            xv = x[i * p.dim + d];
        }
        xs[lid.y * T + lid.x] = xv;
        var yv = 0.0;
        if (yr < p.m && d < p.dim) {
            yv = y[yr * p.dim + d];
        }
        ys[lid.y * T + lid.x] = yv;
        workgroupBarrier();
        for (var k = 0u; k < T; k++) {
            let diff = xs[lid.y * T + k] - ys[lid.x * T + k];
            acc += diff * diff;
        }
        workgroupBarrier();
    }
    if (i < p.n && j < p.m) {
        out[i * p.m + j] = acc;
    }
}

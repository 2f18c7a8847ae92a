// y = f(x), element by element; `op` is `Unary::code`.

struct Params {
    len: u32,
    op: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;

fn apply(op: u32, v: f32) -> f32 {
    switch op {
        case 0u: { return max(v, 0.0); }
        case 1u: { return select(0.0, 1.0, v > 0.0); }
        case 2u: { return sigmoid(v); }
        case 3u: { return stable_tanh(v); }
        case 4u: { return exp(v); }
        case 5u: { return log(v); }
        case 6u: { return v * v; }
        case 7u: { return sqrt(v); }
        case 8u: { return abs(v); }
        default: { return -v; }
    }
}

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = id.x + id.y * groups.x * 256u;
    if (i < p.len) {
        y[i] = apply(p.op, x[i]);
    }
}

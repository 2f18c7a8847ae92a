// Adam with the bias corrections folded into c1 = lr / (1 − β₁ᵗ) and c2 = 1 / √(1 − β₂ᵗ).

struct Params {
    len: u32,
    beta1: f32,
    beta2: f32,
    eps: f32,
    decay: f32,
    c1: f32,
    c2: f32,
}

@group(0) @binding(0) var<storage, read_write> params: array<f32>;
@group(0) @binding(1) var<storage, read> grads: array<f32>;
@group(0) @binding(2) var<storage, read_write> m1: array<f32>;
@group(0) @binding(3) var<storage, read_write> m2: array<f32>;
@group(0) @binding(4) var<uniform> p: Params;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = id.x + id.y * groups.x * 256u;
    if (i < p.len) {
        let w = params[i];
        let g = grads[i] + p.decay * w;
        let m = p.beta1 * m1[i] + (1.0 - p.beta1) * g;
        let v = p.beta2 * m2[i] + (1.0 - p.beta2) * g * g;
        m1[i] = m;
        m2[i] = v;
        params[i] = w - p.c1 * m / (sqrt(v) * p.c2 + p.eps);
    }
}

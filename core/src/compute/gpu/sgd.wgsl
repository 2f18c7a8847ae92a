// v = momentum·v + g + decay·p; p = p − lr·v, or with nesterov
// p = p − lr·(g + decay·p + momentum·v).

struct Params {
    len: u32,
    lr: f32,
    momentum: f32,
    decay: f32,
    nesterov: u32,
}

@group(0) @binding(0) var<storage, read_write> params: array<f32>;
@group(0) @binding(1) var<storage, read> grads: array<f32>;
@group(0) @binding(2) var<storage, read_write> velocity: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = id.x + id.y * groups.x * 256u;
    if (i < p.len) {
        let w = params[i];
        let g = grads[i] + p.decay * w;
        let v = p.momentum * velocity[i] + g;
        velocity[i] = v;
        if (p.nesterov != 0u) {
            params[i] = w - p.lr * (g + p.momentum * v);
        } else {
            params[i] = w - p.lr * v;
        }
    }
}

// v = momentum·v + g + decay·p; p = p − lr·v.

struct Params {
    len: u32,
    lr: f32,
    momentum: f32,
    decay: f32,
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
        let v = p.momentum * velocity[i] + grads[i] + p.decay * w;
        velocity[i] = v;
        params[i] = w - p.lr * v;
    }
}

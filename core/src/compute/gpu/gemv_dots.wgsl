// y = alpha·op(A)·x + beta·y with one workgroup per output: each output is a dot
// product of `len` terms a[o·out_stride + i·step] · x[i], summed by a tree in
// workgroup memory. Long rows use (cols, 1); the transpose uses (1, cols).

struct Params {
    outputs: u32,
    len: u32,
    out_stride: u32,
    step: u32,
    alpha: f32,
    beta: f32,
}

@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;

const SIZE: u32 = 256u;
var<workgroup> partial: array<f32, SIZE>;

@compute @workgroup_size(SIZE)
fn main(
    @builtin(workgroup_id) wg: vec3<u32>,
    @builtin(num_workgroups) groups: vec3<u32>,
    @builtin(local_invocation_index) lid: u32,
) {
    let o = group_index(wg, groups);
    if (o >= p.outputs) {
        return;
    }
    let base = o * p.out_stride;
    var sum = 0.0;
    for (var i = lid; i < p.len; i += SIZE) {
        sum += a[base + i * p.step] * x[i];
    }
    partial[lid] = sum;
    workgroupBarrier();
    for (var half = SIZE / 2u; half > 0u; half >>= 1u) {
        if (lid < half) {
            partial[lid] += partial[lid + half];
        }
        workgroupBarrier();
    }
    if (lid == 0u) {
        var out = p.alpha * partial[0];
        if (p.beta != 0.0) {
            out += p.beta * y[o];
        }
        y[o] = out;
    }
}

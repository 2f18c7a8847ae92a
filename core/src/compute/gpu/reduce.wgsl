// One value per line (a row or a column): element i of line l is
// x[l·line_stride + i·step]. One workgroup per line; `op` is `Reduction::code`.
// The sum of an empty line is 0, every other reduction of it NaN.

struct Params {
    lines: u32,
    len: u32,
    line_stride: u32,
    step: u32,
    op: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;

const SIZE: u32 = 64u;
var<workgroup> values: array<f32, SIZE>;
var<workgroup> indices: array<u32, SIZE>;

fn elem(base: u32, i: u32) -> f32 {
    return x[base + i * p.step];
}

fn sum_tree(lid: u32, value: f32) -> f32 {
    values[lid] = value;
    workgroupBarrier();
    for (var half = SIZE / 2u; half > 0u; half >>= 1u) {
        if (lid < half) {
            values[lid] += values[lid + half];
        }
        workgroupBarrier();
    }
    let total = values[0];
    workgroupBarrier();
    return total;
}

fn sum(base: u32, lid: u32) -> f32 {
    var acc = 0.0;
    for (var i = lid; i < p.len; i += SIZE) {
        acc += elem(base, i);
    }
    return sum_tree(lid, acc);
}

// The first index of the smallest (or, with `largest`, the largest) value.
fn extreme(base: u32, lid: u32, largest: bool) -> vec2<f32> {
    var best = elem(base, min(lid, p.len - 1u));
    var best_index = min(lid, p.len - 1u);
    for (var i = lid + SIZE; i < p.len; i += SIZE) {
        let v = elem(base, i);
        if (select((v < best), (v > best), largest)) {
            best = v;
            best_index = i;
        }
    }
    values[lid] = best;
    indices[lid] = best_index;
    workgroupBarrier();
    for (var half = SIZE / 2u; half > 0u; half >>= 1u) {
        if (lid < half) {
            let v = values[lid + half];
            let j = indices[lid + half];
            let u = values[lid];
            let better = select((v < u), (v > u), largest);
            if (better || (v == u && j < indices[lid])) {
                values[lid] = v;
                indices[lid] = j;
            }
        }
        workgroupBarrier();
    }
    return vec2<f32>(values[0], f32(indices[0]));
}

@compute @workgroup_size(SIZE)
fn main(
    @builtin(workgroup_id) wg: vec3<u32>,
    @builtin(num_workgroups) groups: vec3<u32>,
    @builtin(local_invocation_index) lid: u32,
) {
    let line = group_index(wg, groups);
    if (line >= p.lines) {
        return;
    }
    let base = line * p.line_stride;
    var result = 0.0;
    if (p.len == 0u) {
        result = select(nan_from(p.op), 0.0, p.op == 0u);
    } else if (p.op <= 2u) {
        let n = f32(p.len);
        let total = sum(base, lid);
        result = select(total / n, total, p.op == 0u);
        if (p.op == 2u) {
            let mean = total / n;
            var acc = 0.0;
            for (var i = lid; i < p.len; i += SIZE) {
                let d = elem(base, i) - mean;
                acc += d * d;
            }
            result = sum_tree(lid, acc) / n;
        }
    } else {
        // 3 min, 4 max, 5 arg-min, 6 arg-max.
        let largest = p.op == 4u || p.op == 6u;
        let best = extreme(base, lid, largest);
        result = select(best.x, best.y, p.op >= 5u);
    }
    if (lid == 0u) {
        out[line] = result;
    }
}

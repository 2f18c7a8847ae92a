// Mean, population standard deviation, minimum and maximum of each column over the
// values that are not NaN, written as four rows of the output. One workgroup per column.

struct Params {
    rows: u32,
    cols: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;

const SIZE: u32 = 64u;
var<workgroup> sums: array<f32, SIZE>;
var<workgroup> counts: array<u32, SIZE>;
var<workgroup> lows: array<f32, SIZE>;
var<workgroup> highs: array<f32, SIZE>;

@compute @workgroup_size(SIZE)
fn main(
    @builtin(workgroup_id) wg: vec3<u32>,
    @builtin(num_workgroups) groups: vec3<u32>,
    @builtin(local_invocation_index) lid: u32,
) {
    let col = group_index(wg, groups);
    if (col >= p.cols) {
        return;
    }
    var sum = 0.0;
    var count = 0u;
    var low = 0x1.fffffep+127f;
    var high = -0x1.fffffep+127f;
    for (var r = lid; r < p.rows; r += SIZE) {
        let v = x[r * p.cols + col];
        if (!is_nan(v)) {
            sum += v;
            count += 1u;
            low = min(low, v);
            high = max(high, v);
        }
    }
    sums[lid] = sum;
    counts[lid] = count;
    lows[lid] = low;
    highs[lid] = high;
    workgroupBarrier();
    for (var half = SIZE / 2u; half > 0u; half >>= 1u) {
        if (lid < half) {
            sums[lid] += sums[lid + half];
            counts[lid] += counts[lid + half];
            lows[lid] = min(lows[lid], lows[lid + half]);
            highs[lid] = max(highs[lid], highs[lid + half]);
        }
        workgroupBarrier();
    }
    let n = counts[0];
    let mean = sums[0] / f32(max(n, 1u));
    workgroupBarrier();

    var squares = 0.0;
    for (var r = lid; r < p.rows; r += SIZE) {
        let v = x[r * p.cols + col];
        if (!is_nan(v)) {
            squares += (v - mean) * (v - mean);
        }
    }
    sums[lid] = squares;
    workgroupBarrier();
    for (var half = SIZE / 2u; half > 0u; half >>= 1u) {
        if (lid < half) {
            sums[lid] += sums[lid + half];
        }
        workgroupBarrier();
    }
    if (lid == 0u) {
        var stats = vec4<f32>(mean, sqrt(sums[0] / f32(max(n, 1u))), lows[0], highs[0]);
        if (n == 0u) {
            stats = vec4<f32>(nan_from(n));
        }
        for (var i = 0u; i < 4u; i++) {
            out[i * p.cols + col] = stats[i];
        }
    }
}

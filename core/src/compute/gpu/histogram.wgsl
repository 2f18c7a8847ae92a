// Sums of weights (or counts) per bin. Each workgroup fills its own histogram in
// workgroup memory, then adds it to the output; floats are added atomically with a
// compare-and-swap on their bits, since WGSL has no float atomics. The output must
// be zero beforehand (the recorder clears it).

struct Params {
    len: u32,
    bins: u32,
    weighted: u32,
    lo: f32,
    scale: f32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> weights: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<atomic<u32>>;
@group(0) @binding(3) var<uniform> p: Params;

const SIZE: u32 = 256u;
const MAX_BINS: u32 = 1024u;
var<workgroup> bins_local: array<atomic<u32>, MAX_BINS>;

fn add_local(bin: u32, w: f32) {
    var old = atomicLoad(&bins_local[bin]);
    loop {
        let swapped = atomicCompareExchangeWeak(&bins_local[bin], old, bitcast<u32>(bitcast<f32>(old) + w));
        if (swapped.exchanged) {
            break;
        }
        old = swapped.old_value;
    }
}

fn add_global(bin: u32, w: f32) {
    var old = atomicLoad(&out[bin]);
    loop {
        let swapped = atomicCompareExchangeWeak(&out[bin], old, bitcast<u32>(bitcast<f32>(old) + w));
        if (swapped.exchanged) {
            break;
        }
        old = swapped.old_value;
    }
}

@compute @workgroup_size(SIZE)
fn main(
    @builtin(workgroup_id) wg: vec3<u32>,
    @builtin(num_workgroups) groups: vec3<u32>,
    @builtin(local_invocation_index) lid: u32,
) {
    for (var b = lid; b < p.bins; b += SIZE) {
        atomicStore(&bins_local[b], 0u);
    }
    workgroupBarrier();
    let stride = groups.x * SIZE;
    for (var i = wg.x * SIZE + lid; i < p.len; i += stride) {
        let v = x[i];
        if (is_nan(v)) {
            continue;
        }
        let slot = floor((v - p.lo) * p.scale);
        var bin = 0u;
        if (slot > 0.0) {
            bin = u32(min(slot, f32(p.bins - 1u)));
        }
        var w = 1.0;
        if (p.weighted != 0u) {
            w = weights[i];
        }
        add_local(bin, w);
    }
    workgroupBarrier();
    for (var b = lid; b < p.bins; b += SIZE) {
        let v = bitcast<f32>(atomicLoad(&bins_local[b]));
        if (v != 0.0) {
            add_global(b, v);
        }
    }
}

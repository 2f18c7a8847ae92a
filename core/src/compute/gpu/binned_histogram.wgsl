// Per-feature bin counts and fixed-point gradient and hessian sums over binned
// rows. A workgroup takes one feature (the grid's y) and every stride-th row of
// the range, sums into workgroup memory, then adds its bins into the output.
// Sums are 64 bits in two words: the low word is added atomically, and an add
// that wrapped it carries one into the high word. Integer adds commute, so the
// totals are exact and the same whatever order the invocations run in. The
// output must be zero beforehand (the recorder clears it).

struct Params {
    rows: u32,
    offset: u32,
    count: u32,
    listed: u32,
    words_per_feature: u32,
}

@group(0) @binding(0) var<storage, read> codes: array<u32>;
@group(0) @binding(1) var<storage, read> index: array<u32>;
@group(0) @binding(2) var<storage, read> gradients: array<u32>;
@group(0) @binding(3) var<storage, read_write> out: array<atomic<u32>>;
@group(0) @binding(4) var<uniform> p: Params;

const SIZE: u32 = 256u;
const BINS: u32 = 256u;
// The count, the gradient's low and high words, the hessian's.
const WORDS: u32 = 5u;
var<workgroup> sums: array<atomic<u32>, 1280>;

fn add_local(at: u32, value: u32) {
    var high = select(0u, 0xffffffffu, bitcast<i32>(value) < 0);
    let old = atomicAdd(&sums[at], value);
    if (old + value < old) {
        high += 1u;
    }
    if (high != 0u) {
        atomicAdd(&sums[at + 1u], high);
    }
}

fn add_global(at: u32, low: u32, high: u32) {
    var carried = high;
    let old = atomicAdd(&out[at], low);
    if (old + low < old) {
        carried += 1u;
    }
    if (carried != 0u) {
        atomicAdd(&out[at + 1u], carried);
    }
}

@compute @workgroup_size(SIZE)
fn main(
    @builtin(workgroup_id) wg: vec3<u32>,
    @builtin(num_workgroups) groups: vec3<u32>,
    @builtin(local_invocation_index) lid: u32,
) {
    for (var w = lid; w < BINS * WORDS; w += SIZE) {
        atomicStore(&sums[w], 0u);
    }
    workgroupBarrier();
    let feature = wg.y;
    let column = feature * p.words_per_feature;
    let stride = groups.x * SIZE;
    for (var i = wg.x * SIZE + lid; i < p.count; i += stride) {
        var row = p.offset + i;
        if (p.listed != 0u) {
            row = index[row];
        }
        if (row >= p.rows) {
            continue;
        }
        let code = (codes[column + row / 4u] >> ((row % 4u) * 8u)) & 0xffu;
        let at = code * WORDS;
        atomicAdd(&sums[at], 1u);
        add_local(at + 1u, gradients[2u * row]);
        add_local(at + 3u, gradients[2u * row + 1u]);
    }
    workgroupBarrier();
    let base = feature * BINS * WORDS;
    for (var bin = lid; bin < BINS; bin += SIZE) {
        let at = bin * WORDS;
        let count = atomicLoad(&sums[at]);
        if (count == 0u) {
            continue;
        }
        atomicAdd(&out[base + at], count);
        add_global(base + at + 1u, atomicLoad(&sums[at + 1u]), atomicLoad(&sums[at + 2u]));
        add_global(base + at + 3u, atomicLoad(&sums[at + 3u]), atomicLoad(&sums[at + 4u]));
    }
}

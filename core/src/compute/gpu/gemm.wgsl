// C = alpha·op(A)·op(B) + beta·C, tiled through workgroup memory.
//
// A workgroup of 16×16 invocations computes a 64×64 tile of C; each invocation owns a
// 4×4 block of it in registers. The inner dimension advances 16 at a time: the
// workgroup stages a 64×16 slice of op(A) and a 16×64 slice of op(B), each
// invocation reading its neighbours' elements so that global reads are coalesced
// along whichever axis the stored matrix is contiguous in. The slices are kept as
// vec4 rows, so the inner loop does two vec4 reads for sixteen multiply-adds.
// The transposes are pipeline constants: each combination is its own pipeline.

override TRANS_A: bool = false;
override TRANS_B: bool = false;

struct Params {
    m: u32,
    n: u32,
    k: u32,
    alpha: f32,
    beta: f32,
}

@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> c: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;

const TILE: u32 = 64u;
const DEPTH: u32 = 16u;
// DEPTH rows of TILE/4 vec4s each.
var<workgroup> a_tile: array<vec4<f32>, 256>;
var<workgroup> b_tile: array<vec4<f32>, 256>;

// op(A)[row, kk], zero outside the matrix.
fn load_a(row: u32, kk: u32) -> f32 {
    if (row >= p.m || kk >= p.k) {
        return 0.0;
    }
    if (TRANS_A) {
        return a[kk * p.m + row];
    }
    return a[row * p.k + kk];
}

// op(B)[kk, col], zero outside the matrix.
fn load_b(kk: u32, col: u32) -> f32 {
    if (kk >= p.k || col >= p.n) {
        return 0.0;
    }
    if (TRANS_B) {
        return b[col * p.k + kk];
    }
    return b[kk * p.n + col];
}

@compute @workgroup_size(16, 16)
fn main(
    @builtin(workgroup_id) wg: vec3<u32>,
    @builtin(local_invocation_id) lid: vec3<u32>,
    @builtin(local_invocation_index) li: u32,
) {
    let row0 = wg.y * TILE;
    let col0 = wg.x * TILE;
    var acc: array<vec4<f32>, 4>;
    for (var k0 = 0u; k0 < p.k; k0 += DEPTH) {
        for (var s = 0u; s < 4u; s++) {
            let e = li + s * 256u;
            // Consecutive invocations take consecutive addresses of the stored matrix.
            var mm = e / DEPTH;
            var ka = e % DEPTH;
            if (TRANS_A) {
                mm = e % TILE;
                ka = e / TILE;
            }
            a_tile[ka * 16u + mm / 4u][mm % 4u] = load_a(row0 + mm, k0 + ka);
            var nn = e % TILE;
            var kb = e / TILE;
            if (TRANS_B) {
                nn = e / DEPTH;
                kb = e % DEPTH;
            }
            b_tile[kb * 16u + nn / 4u][nn % 4u] = load_b(k0 + kb, col0 + nn);
        }
        workgroupBarrier();
        for (var kk = 0u; kk < DEPTH; kk++) {
            let av = a_tile[kk * 16u + lid.y];
            let bv = b_tile[kk * 16u + lid.x];
            acc[0] += av.x * bv;
            acc[1] += av.y * bv;
            acc[2] += av.z * bv;
            acc[3] += av.w * bv;
        }
        workgroupBarrier();
    }
    for (var i = 0u; i < 4u; i++) {
        let row = row0 + lid.y * 4u + i;
        for (var j = 0u; j < 4u; j++) {
            let col = col0 + lid.x * 4u + j;
            if (row < p.m && col < p.n) {
                let at = row * p.n + col;
                var v = p.alpha * acc[i][j];
                // BLAS semantics: with beta = 0 the old C is not read.
                if (p.beta != 0.0) {
                    v += p.beta * c[at];
                }
                c[at] = v;
            }
        }
    }
}

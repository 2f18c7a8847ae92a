// Helpers shared by every kernel (prepended to each file).

// NaN built at run time: WGSL forbids NaN in constant expressions.
fn nan_from(seed: u32) -> f32 {
    return bitcast<f32>(0x7fc00000u | (seed & 0u));
}

// Compilers may assume floats are never NaN, so test the bits.
fn is_nan(x: f32) -> bool {
    return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u;
}

// The index of a workgroup in a grid that wraps into a second dimension past
// the per-dimension limit.
fn group_index(wg: vec3<u32>, groups: vec3<u32>) -> u32 {
    return wg.x + wg.y * groups.x;
}

fn sigmoid(x: f32) -> f32 {
    if (x >= 0.0) {
        return 1.0 / (1.0 + exp(-x));
    }
    let e = exp(x);
    return e / (1.0 + e);
}

// log(1 + e^x) without overflow.
fn softplus(x: f32) -> f32 {
    return max(x, 0.0) + log(1.0 + exp(-abs(x)));
}

// tanh without the overflow of (e^2x − 1)/(e^2x + 1) for large |x|.
fn stable_tanh(x: f32) -> f32 {
    let e = exp(-2.0 * abs(x));
    return sign(x) * (1.0 - e) / (1.0 + e);
}

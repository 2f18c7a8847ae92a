use crate::compute::ops::{BinSums, BinnedHistogram};

/// Sums in i64, wrapping as the GPU's two-word sums wrap, so both agree to the bit.
pub fn binned_histogram(
    op: BinnedHistogram,
    codes: &[u32],
    index: &[u32],
    gradients: &[u32],
    out: &mut [u32],
) {
    let per_feature = op.words_per_feature();
    let rows: Vec<usize> = (op.offset..op.offset + op.count)
        .map(|k| if op.listed { index[k] as usize } else { k })
        .filter(|&r| r < op.rows)
        .collect();
    for (f, out) in out
        .chunks_exact_mut(BinnedHistogram::BINS * BinnedHistogram::WORDS)
        .enumerate()
    {
        let column = &codes[f * per_feature..(f + 1) * per_feature];
        let mut sums = [BinSums::default(); BinnedHistogram::BINS];
        for &r in &rows {
            let code = (column[r / 4] >> (8 * (r % 4))) & 0xff;
            let bin = &mut sums[code as usize];
            bin.count = bin.count.wrapping_add(1);
            bin.gradient = bin
                .gradient
                .wrapping_add(i64::from(gradients[2 * r] as i32));
            bin.hessian = bin
                .hessian
                .wrapping_add(i64::from(gradients[2 * r + 1] as i32));
        }
        for (words, bin) in out.chunks_exact_mut(BinnedHistogram::WORDS).zip(&sums) {
            let (g, h) = (bin.gradient as u64, bin.hessian as u64);
            words.copy_from_slice(&[
                bin.count,
                g as u32,
                (g >> 32) as u32,
                h as u32,
                (h >> 32) as u32,
            ]);
        }
    }
}

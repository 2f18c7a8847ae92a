//! What the targets share: feeding a loader, and comparing two loads.

use studio_core::ingest::{LoadError, LoadOptions, Loaded, Loader};

/// The most bytes a target's sample may be: small, so that inputs of a few
/// kilobytes go through the sniffing and then the chunks parsed after it.
pub const MAX_SAMPLE: usize = 4096;

/// `data` read with `options` and a sample of `sample` bytes, fed in chunks of
/// the sizes `chunks` gives in turn (the rest at once when it runs out), on
/// `threads` threads.
pub fn load(
    data: &[u8],
    options: &LoadOptions,
    sample: usize,
    threads: usize,
    chunks: impl IntoIterator<Item = usize>,
) -> Result<Loaded, LoadError> {
    let mut loader = Loader::new("fuzz.csv", options.clone(), Some(data.len() as u64))
        .with_sample_bytes(sample)
        .with_threads(threads);
    let mut rest = data;
    for size in chunks {
        if rest.is_empty() {
            break;
        }
        let (chunk, after) = rest.split_at(size.min(rest.len()));
        loader.push(chunk)?;
        rest = after;
    }
    loader.push(rest)?;
    loader.finish()
}

/// Panics unless the two loads gave the same frame, report and error.
pub fn assert_same(
    whole: &Result<Loaded, LoadError>,
    other: &Result<Loaded, LoadError>,
    how: &str,
) {
    match (whole, other) {
        (Ok(a), Ok(b)) => assert!(same(a, b), "whole and {how} differ"),
        (Err(a), Err(b)) => assert_eq!(a, b, "{how}"),
        _ => panic!("whole {whole:?} but {how} {other:?}"),
    }
}

/// Equal, but with missing floats (NaN) equal too.
fn same(a: &Loaded, b: &Loaded) -> bool {
    let (fa, fb) = (&a.frame, &b.frame);
    a.dialect == b.dialect
        && a.problems == b.problems
        && a.sha256 == b.sha256
        && a.bytes == b.bytes
        && fa.rows() == fb.rows()
        && fa.columns().len() == fb.columns().len()
        && fa.columns().iter().zip(fb.columns()).all(|(x, y)| {
            x.name == y.name
                && x.kind() == y.kind()
                && x.role == y.role
                && (0..fa.rows()).all(|r| {
                    x.text(r) == y.text(r)
                        && x.number(r).map(f64::to_bits) == y.number(r).map(f64::to_bits)
                })
        })
}

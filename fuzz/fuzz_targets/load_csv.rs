//! Any bytes given to the CSV loader: no panic, and the same result whether the
//! bytes come whole or in two chunks split where the first byte says.

#![no_main]

use libfuzzer_sys::fuzz_target;
use studio_core::ingest::{self, LoadOptions, Loaded, Loader};

fuzz_target!(|data: &[u8]| {
    let whole = ingest::load(data, "fuzz.csv", LoadOptions::default());

    let at = data
        .first()
        .map_or(0, |&b| usize::from(b) * data.len() / 255);
    let mut loader = Loader::new("fuzz.csv", LoadOptions::default(), None);
    let split = loader
        .push(&data[..at])
        .and_then(|()| loader.push(&data[at..]))
        .and_then(|()| loader.finish());

    match (&whole, &split) {
        (Ok(a), Ok(b)) => assert!(same(a, b), "whole and split at {at} differ"),
        (Err(a), Err(b)) => assert_eq!(a, b, "split at {at}"),
        _ => panic!("whole {whole:?} but split at {at} {split:?}"),
    }
});

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

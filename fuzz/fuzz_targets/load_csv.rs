//! Any bytes given to the CSV loader: no panic, and the same result whether the
//! bytes come whole or in two chunks split where the first byte says. The
//! second byte sets a sample of 16 to 4096 bytes, so that longer inputs are also
//! parsed chunk by chunk after it; and the default sample reads them too.

#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use studio_core::ingest::{self, LoadOptions};

fuzz_target!(|data: &[u8]| {
    let _ = ingest::load(data, "fuzz.csv", LoadOptions::default());

    let options = LoadOptions::default();
    let sample = data
        .get(1)
        .map_or(common::MAX_SAMPLE, |&b| 16 * (usize::from(b) + 1));
    let at = data
        .first()
        .map_or(0, |&b| usize::from(b) * data.len() / 255);
    let whole = common::load(data, &options, sample, 1, []);
    let split = common::load(data, &options, sample, 1, [at]);
    common::assert_same(&whole, &split, &format!("split at {at}, sample {sample}"));
});

//! The CSV loader fed in chunks of sizes drawn from the input, on one to four
//! threads, must read exactly as when the bytes come at once: the same frame,
//! report or error. The first bytes choose the sample size, the threads and the
//! chunk sizes; the rest is the file.

#![no_main]

mod common;

use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use studio_core::ingest::LoadOptions;

/// How the file is fed.
struct Feed {
    sample: usize,
    threads: usize,
    chunks: Vec<usize>,
}

fn feed(u: &mut Unstructured) -> Result<Feed> {
    let sample = u.int_in_range(1..=common::MAX_SAMPLE)?;
    let threads = u.int_in_range(1..=4)?;
    let count = u.int_in_range(1..=16)?;
    let chunks = (0..count)
        .map(|_| u.int_in_range(0..=600))
        .collect::<Result<_>>()?;
    Ok(Feed {
        sample,
        threads,
        chunks,
    })
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(feed) = feed(&mut u) else {
        return;
    };
    let file = u.take_rest();
    let options = LoadOptions::default();
    let whole = common::load(file, &options, feed.sample, 1, []);
    // The sizes again and again, so that the whole file comes in such chunks.
    let sizes = feed.chunks.iter().copied().cycle().take(file.len() + 1);
    let chunked = common::load(file, &options, feed.sample, feed.threads, sizes);
    let how = format!(
        "in chunks of {:?} on {} threads, sample {}",
        feed.chunks, feed.threads, feed.sample
    );
    common::assert_same(&whole, &chunked, &how);
});

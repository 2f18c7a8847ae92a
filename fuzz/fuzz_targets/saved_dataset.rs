//! Any bytes read as a saved dataset, and a valid saved dataset with bytes or header
//! numbers changed where the input says: no panic, and no more memory than a small
//! multiple of the file's size, as the worker reads it (the header checked against
//! the file's size, then each column's block decoded alone).

#![no_main]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::LazyLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use libfuzzer_sys::fuzz_target;
use studio_core::frame::store;
use studio_core::ingest::{self, LoadOptions};

/// Counts the bytes held, and the most held since the last reset.
struct Counting;

static HELD: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn held(bytes: usize) {
    let now = HELD.fetch_add(bytes, Ordering::Relaxed) + bytes;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

// SAFETY: every call is passed to the system allocator unchanged; the counters
// only watch.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        held(layout.size());
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        held(layout.size());
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        HELD.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // Counted as a new block beside the old one, which a move briefly is.
        held(new_size);
        let out = unsafe { System.realloc(ptr, layout, new_size) };
        HELD.fetch_sub(layout.size(), Ordering::Relaxed);
        out
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The most a read may hold at once: this many times the file, plus a little.
const TIMES: usize = 16;
const SLACK: usize = 4 << 10;

/// A file as the worker reads it: the header planned against the file's size, then
/// each column decoded from its block; and the whole-file decoder.
fn read(file: &[u8]) {
    let before = HELD.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let size = file.len() as u64;
    if let Ok(header) = store::decode_header(file, size) {
        for column in &header.columns {
            // The plan keeps every block within the file: if it did not, this
            // slice would panic and the fuzzer say so.
            let start = column.offset as usize;
            let block = &file[start..start + column.length as usize];
            let _ = store::decode_column(column, header.rows, block);
        }
    }
    let _ = store::decode(file);
    let most = PEAK.load(Ordering::Relaxed) - before;
    assert!(
        most <= TIMES * file.len() + SLACK,
        "reading {} bytes held {most} at once",
        file.len()
    );
}

/// A valid file holding every storage: integers, floats, booleans, dates, coded and
/// free text, with missing values.
static GOOD: LazyLock<Vec<u8>> = LazyLock::new(|| {
    let csv = "n,x,flag,day,kind,note\n\
               1,0.5,true,2024-01-02,red,the first\n\
               2,,false,2024-02-03,green,\"a, b\"\n\
               3,-1e300,,,red,\n\
               4,2.25,true,2023-12-31,,crab 🦀\n\
               5,NaN,false,2024-03-04,blue,last one\n";
    let loaded = ingest::load(csv.as_bytes(), "good.csv", LoadOptions::default())
        .unwrap_or_else(|e| panic!("the template loads: {e}"));
    store::encode(&loaded.frame, &serde_json::json!({"name": "good.csv"}))
});

/// `GOOD` with bytes set where the input says: each three input bytes are a
/// position (two bytes, wrapped to the file) and a value.
fn with_bytes(edits: &[u8]) -> Vec<u8> {
    let mut file = GOOD.clone();
    for edit in edits.chunks_exact(3) {
        let at = usize::from(u16::from_le_bytes([edit[0], edit[1]])) % file.len();
        file[at] = edit[2];
    }
    file
}

/// `GOOD` with numbers in its header replaced where the input says: each nine input
/// bytes are a field (the rows, or a column's offset, length, missing count or level
/// count) and a value, the header rewritten in place and the blocks left where they are.
fn with_numbers(edits: &[u8]) -> Vec<u8> {
    let size = GOOD.len() as u64;
    let Ok(length) = store::header_len(&GOOD, size) else {
        return GOOD.clone();
    };
    let Ok(mut json) =
        serde_json::from_slice::<serde_json::Value>(&GOOD[store::PREFIX..store::PREFIX + length])
    else {
        return GOOD.clone();
    };
    let columns = json["columns"].as_array().map_or(0, Vec::len);
    for edit in edits.chunks_exact(9) {
        let value = u64::from_le_bytes(edit[1..9].try_into().unwrap_or_default());
        // Small values and values near the file's size matter most; so do the largest.
        let value = match edit[1] % 4 {
            0 => value % 64,
            1 => size.wrapping_add(value % 64).wrapping_sub(32),
            _ => value,
        };
        let field = usize::from(edit[0]);
        if field % 6 == 0 || columns == 0 {
            json["rows"] = value.into();
            continue;
        }
        let column = &mut json["columns"][field / 6 % columns];
        match field % 6 {
            1 => column["offset"] = value.into(),
            2 => column["length"] = value.into(),
            3 => column["missing"] = value.into(),
            4 => column["levels"] = value.into(),
            _ => {
                let names = ["int", "float", "bool", "codes", "strings"];
                column["storage"] = names[(value % 5) as usize].into();
            }
        }
    }
    let Ok(text) = serde_json::to_vec(&json) else {
        return GOOD.clone();
    };
    let mut file = GOOD[..12].to_vec();
    file.extend_from_slice(&u32::try_from(text.len()).unwrap_or(u32::MAX).to_le_bytes());
    file.extend_from_slice(&text);
    // The blocks stay where the header says if it still fits before them; a longer
    // header runs into them, which the reader must refuse.
    let blocks = (store::PREFIX + length).next_multiple_of(8);
    if file.len() <= blocks {
        file.resize(blocks, 0);
        file.extend_from_slice(&GOOD[blocks..]);
    } else {
        file.extend_from_slice(&GOOD[store::PREFIX + length..]);
    }
    file
}

fuzz_target!(|data: &[u8]| {
    read(data);
    match data.first().map(|b| b % 2) {
        Some(0) => read(&with_bytes(&data[1..])),
        Some(_) => read(&with_numbers(&data[1..])),
        None => read(&GOOD),
    }
});

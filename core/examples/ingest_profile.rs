//! TEMPORARY profiling harness (to be deleted).
use std::io::Read;
use std::time::Instant;
use studio_core::ingest::{LoadOptions, Loader};

fn main() {
    let path = std::env::args().nth(1).expect("file");
    let what = std::env::args().nth(2).unwrap_or_default();
    if what == "sha" {
        let bytes = std::fs::read(&path).expect("read");
        let t = Instant::now();
        let h = studio_core::ingest::sha256_hex(&bytes);
        println!("sha {h} {:.3}s", t.elapsed().as_secs_f64());
        return;
    }
    if what == "mem1" || what == "mem2" {
        let bytes = std::fs::read(&path).expect("read");
        let threads = if what == "mem1" { 1 } else { 2 };
        let mut best = f64::MAX;
        for _ in 0..7 {
            let t = Instant::now();
            let mut loader = Loader::new(&path, LoadOptions::default(), Some(bytes.len() as u64))
                .with_threads(threads);
            for chunk in bytes.chunks(4 << 20) {
                loader.push(chunk).expect("push");
            }
            let loaded = loader.finish().expect("finish");
            std::hint::black_box(loaded);
            best = best.min(t.elapsed().as_secs_f64());
        }
        println!("{what} best {:.1} ms", best * 1e3);
        return;
    }
    if what == "sniff" {
        let bytes = std::fs::read(&path).expect("read");
        let mut best = f64::MAX;
        for _ in 0..30 {
            let t = Instant::now();
            let mut loader = Loader::new(&path, LoadOptions::default(), Some(bytes.len() as u64))
                .with_threads(1);
            loader.push(&bytes).expect("push");
            let loaded = loader.finish().expect("finish");
            std::hint::black_box(loaded);
            best = best.min(t.elapsed().as_secs_f64());
        }
        println!("sniff best {:.1} ms", best * 1e3);
        return;
    }
    let t = Instant::now();
    let mut file = std::fs::File::open(&path).expect("open");
    let size = file.metadata().expect("size").len();
    let mut loader = Loader::new(&path, LoadOptions::default(), Some(size));
    let mut buffer = vec![0; 4 << 20];
    loop {
        let n = file.read(&mut buffer).expect("read");
        if n == 0 {
            break;
        }
        loader.push(&buffer[..n]).expect("push");
    }
    let loaded = loader.finish().expect("finish");
    println!(
        "rows {} problems {} {:.3}s",
        loaded.frame.rows(),
        loaded.problems.len(),
        t.elapsed().as_secs_f64()
    );
}

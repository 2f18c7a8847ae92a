//! Gives the build an identity, `STUDIO_BUILD`: the version and a hash of the
//! sources both binaries are made from. The page and its worker compare theirs, so
//! that a cached worker of another build is noticed instead of misunderstood.

use std::path::Path;
use std::{env, fs};

const SOURCES: [&str; 4] = ["src", "../core/src", "../Cargo.lock", "worker-boot.js"];

fn main() {
    let mut hash = Fnv::default();
    for source in SOURCES {
        println!("cargo:rerun-if-changed={source}");
        hash.path(Path::new(source));
    }
    let version = env::var("CARGO_PKG_VERSION").unwrap_or_default();
    println!("cargo:rustc-env=STUDIO_BUILD={version}-{:016x}", hash.0);
}

/// FNV-1a over file names and contents, in a fixed order.
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    fn bytes(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = (self.0 ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    fn path(&mut self, path: &Path) {
        if path.is_dir() {
            let mut entries: Vec<_> = fs::read_dir(path)
                .map(|dir| dir.filter_map(Result::ok).map(|e| e.path()).collect())
                .unwrap_or_default();
            entries.sort();
            for entry in entries {
                self.path(&entry);
            }
        } else if let Ok(contents) = fs::read(path) {
            self.bytes(path.to_string_lossy().as_bytes());
            self.bytes(&contents);
        }
    }
}

//! Byte counts as people read them, the same in the page and in the worker's progress.

/// `950.0 kB`, `12.3 MB`, `2.00 GB`.
pub fn size(bytes: f64) -> String {
    if bytes >= 1e9 {
        format!("{:.2} GB", bytes / 1e9)
    } else if bytes >= 1e6 {
        format!("{:.1} MB", bytes / 1e6)
    } else {
        format!("{:.1} kB", bytes / 1e3)
    }
}

//! The peak FP32 rate of a device, where it can be known, for `studio bench all`.
//!
//! GPUs come from a table of vendor figures (boost clock, no tensor cores). The CPU
//! figure is an estimate: threads × FLOPs per cycle of the widest FMA unit detected
//! × the clock the kernel reports.

/// Vendor FP32 peaks in GFLOP/s, matched against the adapter's name.
const GPUS: &[(&str, f64)] = &[
    ("H200", 66_900.0),
    ("H100 PCIe", 51_200.0),
    ("H100", 66_900.0),
    ("A100", 19_500.0),
    ("L40S", 91_600.0),
    ("L4", 30_300.0),
    ("A10G", 31_200.0),
    ("T4", 8_100.0),
    ("RTX 4090", 82_600.0),
    ("RTX 4080", 48_700.0),
    ("RTX 3090", 35_600.0),
    ("RTX 3080", 29_800.0),
    ("Apple M1", 2_600.0),
    ("Apple M2", 3_600.0),
    ("Apple M3", 4_100.0),
];

/// A GPU's peak, if its name is in the table.
pub fn gpu(name: &str) -> Option<f64> {
    GPUS.iter()
        .find(|(model, _)| name.contains(model))
        .map(|&(_, gflops)| gflops)
}

/// An estimate of this CPU's peak over `threads` threads.
pub fn cpu(threads: usize) -> Option<f64> {
    let ghz = clock_ghz()?;
    Some(threads as f64 * flops_per_cycle() * ghz)
}

/// FP32 FLOPs per cycle per core: two FMA units of the widest vectors.
fn flops_per_cycle() -> f64 {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512f") {
            return 64.0;
        }
        if std::arch::is_x86_feature_detected!("fma") {
            return 32.0;
        }
        16.0
    }
    #[cfg(target_arch = "aarch64")]
    {
        16.0
    }
    #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
    {
        8.0
    }
}

/// The highest clock in /proc/cpuinfo, in GHz (Linux only).
fn clock_ghz() -> Option<f64> {
    let info = std::fs::read_to_string("/proc/cpuinfo").ok()?;
    info.lines()
        .filter(|line| line.starts_with("cpu MHz"))
        .filter_map(|line| line.split(':').nth(1)?.trim().parse::<f64>().ok())
        .reduce(f64::max)
        .map(|mhz| mhz / 1000.0)
}

/// The CPU's model name, where the platform says it.
pub fn cpu_name() -> Option<String> {
    let info = std::fs::read_to_string("/proc/cpuinfo").ok()?;
    info.lines()
        .find(|line| line.starts_with("model name"))
        .and_then(|line| line.split(':').nth(1))
        .map(|name| name.trim().to_owned())
}

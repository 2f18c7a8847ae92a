//! `studio bench OP|all`: times the compute operations on the CPU and the GPU.

use std::time::Instant;

use clap::{Args, ValueEnum};
use studio_core::bench::{self, BenchOp, BenchResult};
use studio_core::compute::{Device, Preference, select};

use crate::peak;

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// The operation (gemm, gemv, sigmoid, softmax, column_sum, loss, distances,
    /// histogram, column_stats, adam, logistic_step, logistic_objective), or `all` for
    /// a table of every operation on every device.
    op: String,
    /// The problem size: N for an N³ GEMM or an N×N GEMV, N rows otherwise
    /// (each operation has its own default).
    #[arg(long)]
    size: Option<usize>,
    /// The device to run on; by default the GPU when one works, and both for `all`.
    #[arg(long, value_enum)]
    device: Option<DeviceChoice>,
    /// Print JSON: one object, or a list of them for `all`.
    #[arg(long)]
    json: bool,
    /// Seconds to spend measuring each operation.
    #[arg(long, default_value_t = 1.0)]
    budget: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum DeviceChoice {
    Cpu,
    Gpu,
}

pub fn run(args: BenchArgs) -> Result<(), String> {
    if !(args.budget > 0.0 && args.budget.is_finite()) {
        return Err(format!(
            "--budget must be a positive number of seconds, not {}",
            args.budget
        ));
    }
    if args.op == "all" {
        if args.size.is_some() {
            return Err("`bench all` runs each operation at its default size; drop --size or name one operation".to_owned());
        }
        return all(&args);
    }
    let op = BenchOp::from_name(&args.op).ok_or_else(|| {
        let names: Vec<&str> = BenchOp::ALL.iter().map(|op| op.name()).collect();
        format!(
            "unknown operation `{}`; choose one of {} or all",
            args.op,
            names.join(", ")
        )
    })?;
    let size = args.size.unwrap_or(op.default_size());
    if size == 0 {
        return Err("--size must be at least 1".to_owned());
    }
    let preference = match args.device {
        Some(DeviceChoice::Cpu) => Preference::Cpu,
        Some(DeviceChoice::Gpu) => Preference::Gpu,
        None => Preference::Auto,
    };
    let device = device(preference)?;
    let result = measure(&device, op, size, args.budget)?;
    if args.json {
        println!(
            "{}",
            serde_json::to_string(&result).map_err(|e| e.to_string())?
        );
    } else {
        print!("{}", table(&[result]));
    }
    Ok(())
}

fn all(args: &BenchArgs) -> Result<(), String> {
    let mut devices = Vec::new();
    if args.device != Some(DeviceChoice::Gpu) {
        devices.push(device(Preference::Cpu)?);
    }
    if args.device != Some(DeviceChoice::Cpu) {
        match device(Preference::Gpu) {
            Ok(gpu) => devices.push(gpu),
            Err(reason) if args.device.is_none() => eprintln!("studio: no GPU: {reason}"),
            Err(reason) => return Err(reason),
        }
    }
    let mut results = Vec::new();
    for op in BenchOp::ALL {
        for device in &devices {
            results.push(measure(device, op, op.default_size(), args.budget)?);
        }
    }
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&results).map_err(|e| e.to_string())?
        );
    } else {
        print!("{}", table(&results));
    }
    Ok(())
}

fn device(preference: Preference) -> Result<Device, String> {
    let (device, _) = pollster::block_on(select(preference)).map_err(|e| e.to_string())?;
    Ok(device)
}

fn measure(device: &Device, op: BenchOp, size: usize, budget: f64) -> Result<BenchResult, String> {
    let start = Instant::now();
    let clock = move || start.elapsed().as_secs_f64();
    let (kind, adapter) = match device {
        Device::Cpu(_) => ("cpu", cpu_adapter()),
        Device::Gpu(gpu) => ("gpu", gpu.adapter().name.clone()),
    };
    let (seconds, gflops) = pollster::block_on(bench::run(device, op, size, budget, &clock))
        .map_err(|e| format!("{} on the {kind}: {e}", op.name()))?;
    let (m, n, k) = op.dims(size);
    Ok(BenchResult {
        op: op.name().to_owned(),
        device: kind.to_owned(),
        adapter,
        m,
        n,
        k,
        seconds,
        gflops,
    })
}

fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

fn cpu_adapter() -> String {
    let name = peak::cpu_name().unwrap_or_else(|| "CPU".to_owned());
    format!("{name} ({} threads)", threads())
}

/// Known or estimated peak GFLOP/s of the device behind a result.
fn peak_of(result: &BenchResult) -> Option<f64> {
    if result.device == "cpu" {
        peak::cpu(threads())
    } else {
        peak::gpu(&result.adapter)
    }
}

fn table(results: &[BenchResult]) -> String {
    let mut out = format!(
        "{:<18} {:<4} {:<22} {:>12} {:>10} {:>9}  {}\n",
        "op", "dev", "m × n × k", "seconds", "GFLOP/s", "of peak", "adapter"
    );
    for r in results {
        let fraction = peak_of(r).map_or("—".to_owned(), |peak| {
            format!("{:.1}%", 100.0 * r.gflops / peak)
        });
        out.push_str(&format!(
            "{:<18} {:<4} {:<22} {:>12.3e} {:>10.2} {:>9}  {}\n",
            r.op,
            r.device,
            format!("{} × {} × {}", r.m, r.n, r.k),
            r.seconds,
            r.gflops,
            fraction,
            r.adapter
        ));
    }
    out
}

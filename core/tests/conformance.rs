//! The conformance suite: the same cases on the CPU reference and on the GPU.
//!
//! The GPU tests run natively on whatever adapter wgpu finds; on CI that is Mesa's
//! lavapipe Vulkan driver. A machine without any adapter fails these tests rather
//! than skipping them, so a missing driver cannot pass unnoticed.

use pollster::block_on;
use studio_core::compute::{
    CheckCase, Compute, ComputeError, CpuDevice, DeviceKind, GpuDevice, Matrix, Preference,
    check_cases, conformance, judge, run_case, select,
};

fn gpu() -> GpuDevice {
    block_on(GpuDevice::request()).unwrap_or_else(|e| {
        panic!("GPU tests need an adapter (install mesa-vulkan-drivers for lavapipe): {e}")
    })
}

fn check_cpu(rows: usize, cols: usize, a: &[f32], x: &[f32], expected: &[f32]) {
    let a = Matrix::new(rows, cols, a.to_vec()).expect("valid shape");
    let y = block_on(CpuDevice::default().matvec(&a, x)).expect("matvec runs");
    assert_eq!(y, expected, "{rows}x{cols}");
}

#[test]
fn cpu_matvec_matches_hand_computed_products() {
    check_cpu(1, 1, &[2.0], &[3.0], &[6.0]);
    check_cpu(2, 2, &[1.0, 2.0, 3.0, 4.0], &[1.0, 1.0], &[3.0, 7.0]);
    check_cpu(
        2,
        3,
        &[1.0, 0.0, -1.0, 0.5, 0.5, 0.5],
        &[2.0, 4.0, 6.0],
        &[-4.0, 6.0],
    );
    check_cpu(3, 1, &[1.0, -2.0, 0.0], &[-1.5], &[-1.5, 3.0, 0.0]);
}

#[test]
fn gpu_agrees_with_cpu_on_every_check_case() {
    let gpu = gpu();
    for case in check_cases() {
        let outcome = block_on(run_case(&gpu, case)).expect("case runs");
        assert!(
            outcome.passed,
            "{}: scaled error {:e} over tolerance {:e}",
            case.label(),
            outcome.max_scaled_error,
            CheckCase::TOLERANCE
        );
    }
}

#[test]
fn gpu_handles_degenerate_shapes() {
    let gpu = gpu();
    let empty = Matrix::new(0, 5, vec![]).expect("valid shape");
    assert_eq!(block_on(gpu.matvec(&empty, &[0.0; 5])), Ok(vec![]));
    let no_cols = Matrix::new(3, 0, vec![]).expect("valid shape");
    assert_eq!(block_on(gpu.matvec(&no_cols, &[])), Ok(vec![0.0; 3]));
}

#[test]
fn both_devices_reject_a_vector_of_the_wrong_length() {
    let a = Matrix::new(2, 3, vec![0.0; 6]).expect("valid shape");
    let expected = Err(ComputeError::ShapeMismatch {
        what: "vector for a matrix-vector product",
        expected: 3,
        actual: 2,
    });
    assert_eq!(
        block_on(CpuDevice::default().matvec(&a, &[1.0, 2.0])),
        expected
    );
    assert_eq!(block_on(gpu().matvec(&a, &[1.0, 2.0])), expected);
}

#[test]
fn matrix_rejects_data_of_the_wrong_length() {
    assert_eq!(
        Matrix::new(2, 2, vec![1.0; 3]),
        Err(ComputeError::ShapeMismatch {
            what: "matrix data",
            expected: 4,
            actual: 3
        })
    );
}

#[test]
fn a_gpu_result_with_nan_fails_the_check() {
    let case = check_cases()[2];
    let outcome = block_on(judge(case, &vec![f32::NAN; case.rows])).expect("case runs");
    assert!(!outcome.passed);
    assert_eq!(outcome.max_scaled_error, f64::INFINITY);
}

#[test]
fn selection_uses_the_gpu_when_it_verifies() {
    // Asked for by name, any GPU that verifies is used, a software renderer too.
    let (_, report) = block_on(select(Preference::Gpu)).expect("a GPU verifies");
    assert_eq!(report.kind, DeviceKind::Gpu, "{report:?}");
    let adapter = report
        .adapter
        .as_ref()
        .expect("a GPU selection names its adapter");
    assert_eq!(
        report.summary(),
        format!("{} · {}", adapter.backend, adapter.name)
    );
    assert!(report.check.as_ref().is_some_and(|check| check.passed));
}

#[test]
fn auto_passes_over_a_software_renderer_and_says_why() {
    let (_, named) = block_on(select(Preference::Gpu)).expect("a GPU verifies");
    let (_, auto) = block_on(select(Preference::Auto)).expect("auto never fails");
    if named.is_software() {
        assert_eq!(auto.kind, DeviceKind::Cpu, "{auto:?}");
        let reason = auto.reason.expect("the CPU says why");
        assert!(reason.contains("is a software renderer"), "{reason}");
        assert!(reason.contains("--device gpu"), "{reason}");
    } else {
        assert_eq!(auto.kind, DeviceKind::Gpu, "{auto:?}");
    }
}

#[test]
fn selection_honours_a_cpu_preference() {
    let (device, report) = block_on(select(Preference::Cpu)).expect("cpu never fails");
    assert_eq!(report.kind, DeviceKind::Cpu);
    assert_eq!(report.summary(), "CPU · the CPU was requested");
    let a = Matrix::new(1, 2, vec![1.0, 2.0]).expect("valid shape");
    assert_eq!(block_on(device.matvec(&a, &[1.0, 1.0])), Ok(vec![3.0]));
}

#[test]
fn gpu_agrees_with_cpu_on_every_operation() {
    let gpu = gpu();
    let mut failures = Vec::new();
    let cases = conformance::cases();
    for (seed, case) in cases.iter().enumerate() {
        let outcome = match block_on(conformance::run(&gpu, *case, seed as u64 + 1)) {
            Ok(outcome) => outcome,
            Err(e) => {
                failures.push(format!("{}: {e}", case.label()));
                continue;
            }
        };
        if !outcome.passed {
            failures.push(format!(
                "{}: scaled error {:e} over tolerance {:e}",
                outcome.label, outcome.max_scaled_error, outcome.tolerance
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ from the CPU:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

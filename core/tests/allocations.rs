//! A training iteration allocates nothing: no buffer on either device and, on the
//! CPU, not one heap allocation (counted by allocation-counter's global allocator).
//!
//! The iteration is logistic regression's: logits `z = Xw`, the fused log-loss and
//! its gradient, `g = Xᵀr / n`, an SGD step, and every few steps the loss summed on
//! the device and read back.

use pollster::block_on;
use studio_core::compute::ops::{Gemv, Loss, LossKind, Per, Reduce, Reduction, Sgd, Shape};
use studio_core::compute::{Compute, CpuDevice, GpuDevice};

const ROWS: usize = 4096;
const COLS: usize = 32;

struct Training<B> {
    x: B,
    labels: B,
    z: B,
    dz: B,
    row_loss: B,
    loss: B,
    w: B,
    g: B,
    v: B,
}

fn prepare<D: Compute>(device: &D) -> Training<D::Buffer> {
    let x: Vec<f32> = (0..ROWS * COLS)
        .map(|i| ((i * 37 % 101) as f32 / 50.0) - 1.0)
        .collect();
    let labels: Vec<f32> = (0..ROWS).map(|i| (i % 2) as f32).collect();
    let up = |data: &[f32]| device.upload(data).expect("upload");
    let zeros = |len| device.zeros(len).expect("buffer");
    Training {
        x: up(&x),
        labels: up(&labels),
        z: zeros(ROWS),
        dz: zeros(ROWS),
        row_loss: zeros(ROWS),
        loss: zeros(1),
        w: zeros(COLS),
        g: zeros(COLS),
        v: zeros(COLS),
    }
}

fn step<D: Compute>(device: &D, t: &mut Training<D::Buffer>) {
    device
        .gemv(Gemv::new(ROWS, COLS), &t.x, &t.w, &mut t.z)
        .expect("logits");
    let loss = Loss {
        kind: LossKind::LogLoss,
        shape: Shape::new(ROWS, 1),
    };
    device
        .loss(loss, &t.z, &t.labels, &mut t.dz, &mut t.row_loss)
        .expect("loss");
    let mean = Gemv::new(ROWS, COLS)
        .transposed()
        .scaled(1.0 / ROWS as f32, 0.0);
    device.gemv(mean, &t.x, &t.dz, &mut t.g).expect("gradient");
    let sgd = Sgd {
        lr: 0.5,
        momentum: 0.9,
        weight_decay: 0.0,
        nesterov: true,
    };
    device.sgd(sgd, &mut t.w, &t.g, &mut t.v).expect("update");
    let total = Reduce {
        op: Reduction::Sum,
        per: Per::Column,
        shape: Shape::new(ROWS, 1),
    };
    device
        .reduce(total, &t.row_loss, &mut t.loss)
        .expect("loss sum");
}

/// Runs `iterations` steps, reading the loss every fifth, and returns the losses read.
fn train<D: Compute>(device: &D, t: &mut Training<D::Buffer>, iterations: usize) -> Vec<f32> {
    let mut losses = Vec::with_capacity(iterations);
    for i in 0..iterations {
        step(device, t);
        if i % 5 == 4 {
            losses.push(block_on(device.read(&t.loss)).expect("read")[0]);
        }
    }
    losses
}

#[test]
fn a_cpu_training_iteration_allocates_nothing() {
    let live = allocation_counter::measure(|| {
        std::hint::black_box(Vec::<u8>::with_capacity(8));
    });
    assert_eq!(live.count_total, 1, "the allocation counter is installed");
    let cpu = CpuDevice::default();
    let mut t = prepare(&cpu);
    step(&cpu, &mut t);
    let buffers = cpu.allocations();
    let heap = allocation_counter::measure(|| {
        for _ in 0..10 {
            step(&cpu, &mut t);
        }
    });
    assert_eq!(heap.count_total, 0, "heap allocations in 10 iterations");
    assert_eq!(
        cpu.allocations(),
        buffers,
        "buffers allocated in 10 iterations"
    );
}

#[test]
fn a_gpu_training_iteration_allocates_no_buffer() {
    let gpu = block_on(GpuDevice::request()).unwrap_or_else(|e| {
        panic!("GPU tests need an adapter (install mesa-vulkan-drivers for lavapipe): {e}")
    });
    let mut t = prepare(&gpu);
    // The first pass compiles the kernels, creates the bind groups and the read-back buffer.
    let first = train(&gpu, &mut t, 5);
    let buffers = gpu.allocations();
    let losses = train(&gpu, &mut t, 20);
    assert_eq!(
        gpu.allocations(),
        buffers,
        "buffers or bind groups created in 20 iterations"
    );
    // The iterations did train: the loss fell.
    assert!(losses[3] < first[0], "{first:?} then {losses:?}");
}

#[test]
fn both_devices_train_alike() {
    let cpu = CpuDevice::default();
    let gpu = block_on(GpuDevice::request()).expect("an adapter");
    let (mut on_cpu, mut on_gpu) = (prepare(&cpu), prepare(&gpu));
    let want = train(&cpu, &mut on_cpu, 30);
    let got = train(&gpu, &mut on_gpu, 30);
    for (g, w) in got.iter().zip(&want) {
        assert!((g - w).abs() <= 1e-4 * w.abs(), "{got:?} vs {want:?}");
    }
}

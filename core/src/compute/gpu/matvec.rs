use wgpu::util::DeviceExt;

use super::kernel::Kernel;
use super::{GpuDevice, readback};
use crate::compute::{ComputeError, Matrix};

const SHADER: &str = include_str!("matvec.wgsl");

/// Compiles the matvec kernel.
pub fn kernel(device: &wgpu::Device) -> Kernel {
    Kernel::new(device, "studio.matvec", SHADER)
}

pub async fn run(gpu: &GpuDevice, a: &Matrix, x: &[f32]) -> Result<Vec<f32>, ComputeError> {
    let (rows, cols) = (a.rows(), a.cols());
    // Zero-sized bindings are invalid in WebGPU; these answers need no kernel.
    if rows == 0 {
        return Ok(Vec::new());
    }
    if cols == 0 {
        return Ok(vec![0.0; rows]);
    }
    let bytes = |n: usize| (n as u64).saturating_mul(4);
    gpu.check_binding("the matrix", bytes(rows * cols))?;
    let rows_u32 = u32::try_from(rows).map_err(|_| ComputeError::TooLarge {
        what: "the row count",
        bytes: bytes(rows),
        limit: u64::from(u32::MAX),
    })?;
    let cols_u32 = u32::try_from(cols).map_err(|_| ComputeError::TooLarge {
        what: "the column count",
        bytes: bytes(cols),
        limit: u64::from(u32::MAX),
    })?;

    let max_groups = gpu.limits.max_compute_workgroups_per_dimension.max(1);
    let groups_x = rows_u32.min(max_groups);
    let groups_y = rows_u32.div_ceil(groups_x);
    if groups_y > max_groups {
        return Err(ComputeError::TooLarge {
            what: "the row count",
            bytes: bytes(rows),
            limit: u64::from(max_groups) * u64::from(max_groups) * 4,
        });
    }

    let device = &gpu.device;
    let scope = device.push_error_scope(wgpu::ErrorFilter::Validation);
    let oom_scope = device.push_error_scope(wgpu::ErrorFilter::OutOfMemory);

    let storage = |label, contents: &[f32], usage| {
        device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
            label: Some(label),
            contents: bytemuck::cast_slice(contents),
            usage,
        })
    };
    let a_buf = storage("studio.matvec.a", a.data(), wgpu::BufferUsages::STORAGE);
    let x_buf = storage("studio.matvec.x", x, wgpu::BufferUsages::STORAGE);
    let y_buf = device.create_buffer(&wgpu::BufferDescriptor {
        label: Some("studio.matvec.y"),
        size: bytes(rows),
        usage: wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_SRC,
        mapped_at_creation: false,
    });
    let dims = [rows_u32, cols_u32, groups_x, 0];
    let dims_buf = device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
        label: Some("studio.matvec.dims"),
        contents: bytemuck::cast_slice(&dims),
        usage: wgpu::BufferUsages::UNIFORM,
    });
    let bind_group = device.create_bind_group(&wgpu::BindGroupDescriptor {
        label: Some("studio.matvec"),
        layout: &gpu.matvec.layout,
        entries: &[
            entry(0, &a_buf),
            entry(1, &x_buf),
            entry(2, &y_buf),
            entry(3, &dims_buf),
        ],
    });

    let mut encoder = device.create_command_encoder(&wgpu::CommandEncoderDescriptor {
        label: Some("studio.matvec"),
    });
    {
        let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor {
            label: Some("studio.matvec"),
            timestamp_writes: None,
        });
        pass.set_pipeline(&gpu.matvec.pipeline);
        pass.set_bind_group(0, &bind_group, &[]);
        pass.dispatch_workgroups(groups_x, groups_y, 1);
    }
    let result = readback::read_f32(device, &gpu.queue, encoder, &y_buf, bytes(rows)).await;

    if let Some(error) = oom_scope.pop().await {
        return Err(ComputeError::Gpu(format!("out of GPU memory: {error}")));
    }
    if let Some(error) = scope.pop().await {
        return Err(ComputeError::Gpu(error.to_string()));
    }
    gpu.check_fault()?;
    result
}

fn entry(binding: u32, buffer: &wgpu::Buffer) -> wgpu::BindGroupEntry<'_> {
    wgpu::BindGroupEntry {
        binding,
        resource: buffer.as_entire_binding(),
    }
}

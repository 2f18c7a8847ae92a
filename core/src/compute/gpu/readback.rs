use crate::compute::ComputeError;

/// Copies `bytes` bytes of `source` into a new mappable buffer and reads them back as f32.
///
/// Results cross from the GPU to the CPU only here and in [`map_f32`], so callers
/// decide when a read-back is worth its cost.
pub async fn read_f32(
    device: &wgpu::Device,
    queue: &wgpu::Queue,
    mut encoder: wgpu::CommandEncoder,
    source: &wgpu::Buffer,
    bytes: u64,
) -> Result<Vec<f32>, ComputeError> {
    let staging = device.create_buffer(&wgpu::BufferDescriptor {
        label: Some("studio.readback"),
        size: bytes,
        usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
        mapped_at_creation: false,
    });
    encoder.copy_buffer_to_buffer(source, 0, &staging, 0, bytes);
    queue.submit([encoder.finish()]);
    map_f32(device, &staging, bytes).await
}

/// Maps the first `bytes` bytes of a staging buffer whose copy was submitted, and
/// reads them as f32.
pub async fn map_f32(
    device: &wgpu::Device,
    staging: &wgpu::Buffer,
    bytes: u64,
) -> Result<Vec<f32>, ComputeError> {
    if bytes == 0 {
        return Ok(Vec::new());
    }
    let slice = staging.slice(..bytes);
    let (sender, receiver) = futures_channel::oneshot::channel();
    slice.map_async(wgpu::MapMode::Read, move |result| {
        // The receiver only disappears if the caller was dropped; nothing to report then.
        let _ = sender.send(result);
    });
    // Natively this drives the map to completion; in the browser it returns at once.
    device
        .poll(wgpu::PollType::wait_indefinitely())
        .map_err(|e| ComputeError::Gpu(e.to_string()))?;
    receiver
        .await
        .map_err(|_| ComputeError::DeviceLost("the read-back was abandoned".to_owned()))?
        .map_err(|e| ComputeError::Gpu(format!("reading results back failed: {e}")))?;

    let values = {
        let view = slice
            .get_mapped_range()
            .map_err(|e| ComputeError::Gpu(e.to_string()))?;
        bytemuck::pod_collect_to_vec::<u8, f32>(&view)
    };
    staging.unmap();
    Ok(values)
}

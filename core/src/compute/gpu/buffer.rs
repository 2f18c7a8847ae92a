use std::sync::{Arc, Mutex};

use crate::compute::DeviceBuffer;

/// A storage buffer of `f32` on the GPU.
///
/// Its id keys the cached bind groups that use it; dropping it tells the recorder to
/// forget them, so the cache never keeps a dead buffer's memory alive for long.
#[derive(Debug)]
pub struct GpuBuffer {
    pub(super) id: u64,
    pub(super) len: usize,
    pub(super) buffer: wgpu::Buffer,
    pub(super) dropped: Arc<Mutex<Vec<u64>>>,
}

impl GpuBuffer {
    /// The bytes the buffer holds.
    pub(super) fn bytes(&self) -> u64 {
        self.len as u64 * 4
    }
}

impl DeviceBuffer for GpuBuffer {
    fn len(&self) -> usize {
        self.len
    }
}

impl Drop for GpuBuffer {
    fn drop(&mut self) {
        if let Ok(mut dropped) = self.dropped.lock() {
            dropped.push(self.id);
        }
    }
}

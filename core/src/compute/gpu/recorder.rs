//! Records GPU work and submits it only when results are needed.
//!
//! Each operation becomes one compute pass in a pending command encoder. Its
//! parameters go into a slot of one uniform ring buffer, read at a dynamic offset,
//! and its bind group is cached by kernel and buffers, so a training loop that runs
//! the same operations on the same buffers creates nothing after its first pass.
//! The encoder is submitted when someone reads, writes a buffer from the host, or
//! the ring is full.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use super::buffer::GpuBuffer;
use super::kernels::{Compiled, KernelKey, PARAMS_BYTES};
use crate::compute::ComputeError;

/// Operations recorded between two submissions at most.
const RING_SLOTS: usize = 256;
/// Dynamic offsets must be multiples of the adapter's alignment, at most 256.
const SLOT_BYTES: usize = 256;
/// The most buffers one kernel binds.
const MAX_BINDINGS: usize = 4;

/// A kernel's uniform parameters: sixteen 32-bit words, each a `u32` or an `f32`'s bits.
#[derive(Debug, Clone, Copy, Default)]
pub struct Params([u32; 16]);

impl Params {
    pub fn new(words: &[u32]) -> Self {
        let mut params = Self::default();
        for (slot, &word) in params.0.iter_mut().zip(words) {
            *slot = word;
        }
        params
    }

    /// Sets word `at` to a float.
    pub fn float(mut self, at: usize, value: f32) -> Self {
        self.0[at] = value.to_bits();
        self
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct BindKey {
    kernel: KernelKey,
    buffers: [u64; MAX_BINDINGS],
}

#[derive(Debug)]
struct State {
    encoder: Option<wgpu::CommandEncoder>,
    params: Vec<u8>,
    slots: usize,
    kernels: HashMap<KernelKey, Compiled>,
    bind_groups: HashMap<BindKey, wgpu::BindGroup>,
    /// Where results are copied to be read; grown when a larger read comes.
    staging: Option<wgpu::Buffer>,
}

#[derive(Debug)]
pub struct Recorder {
    device: wgpu::Device,
    queue: wgpu::Queue,
    ring: wgpu::Buffer,
    state: Mutex<State>,
    dropped: Arc<Mutex<Vec<u64>>>,
    next_id: AtomicU64,
    allocations: AtomicU64,
}

impl Recorder {
    pub fn new(device: wgpu::Device, queue: wgpu::Queue) -> Self {
        let ring = device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("studio.params"),
            size: (RING_SLOTS * SLOT_BYTES) as u64,
            usage: wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        Self {
            device,
            queue,
            ring,
            state: Mutex::new(State {
                encoder: None,
                params: vec![0; RING_SLOTS * SLOT_BYTES],
                slots: 0,
                kernels: HashMap::new(),
                bind_groups: HashMap::new(),
                staging: None,
            }),
            dropped: Arc::new(Mutex::new(Vec::new())),
            next_id: AtomicU64::new(0),
            allocations: AtomicU64::new(1),
        }
    }

    pub fn allocations(&self) -> u64 {
        self.allocations.load(Ordering::Relaxed)
    }

    /// A zeroed storage buffer of `len` floats (WebGPU zero-fills new buffers).
    pub fn buffer(&self, len: usize, contents: Option<&[f32]>) -> GpuBuffer {
        self.allocations.fetch_add(1, Ordering::Relaxed);
        // A zero-sized binding is invalid; an empty buffer keeps one unused word.
        let size = (len.max(1) as u64) * 4;
        let buffer = self.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("studio.data"),
            size,
            usage: wgpu::BufferUsages::STORAGE
                | wgpu::BufferUsages::COPY_SRC
                | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        if let Some(data) = contents.filter(|data| !data.is_empty()) {
            self.queue
                .write_buffer(&buffer, 0, bytemuck::cast_slice(data));
        }
        GpuBuffer {
            id: self.next_id.fetch_add(1, Ordering::Relaxed),
            len,
            buffer,
            dropped: Arc::clone(&self.dropped),
        }
    }

    /// Overwrites a buffer from value `offset` after the work recorded so far.
    pub fn write(
        &self,
        buffer: &GpuBuffer,
        offset: usize,
        data: &[f32],
    ) -> Result<(), ComputeError> {
        let mut state = self.lock()?;
        self.submit(&mut state);
        if !data.is_empty() {
            self.queue.write_buffer(
                &buffer.buffer,
                offset as u64 * 4,
                bytemuck::cast_slice(data),
            );
        }
        Ok(())
    }

    /// Zeroes a buffer in order with the recorded work.
    pub fn clear(&self, buffer: &GpuBuffer) -> Result<(), ComputeError> {
        let mut state = self.lock()?;
        self.encoder(&mut state)
            .clear_buffer(&buffer.buffer, 0, None);
        Ok(())
    }

    /// Records one dispatch of `kernel` over `groups` workgroups.
    pub fn dispatch(
        &self,
        kernel: KernelKey,
        buffers: &[&GpuBuffer],
        params: Params,
        groups: (u32, u32),
    ) -> Result<(), ComputeError> {
        let mut state = self.lock()?;
        self.forget_dropped(&mut state);
        if state.slots == RING_SLOTS {
            self.submit(&mut state);
        }
        let offset = state.slots * SLOT_BYTES;
        state.params[offset..offset + PARAMS_BYTES as usize]
            .copy_from_slice(bytemuck::cast_slice(&params.0));
        state.slots += 1;

        let compiled = state
            .kernels
            .entry(kernel)
            .or_insert_with(|| Compiled::new(&self.device, kernel))
            .clone();
        let mut ids = [u64::MAX; MAX_BINDINGS];
        for (id, buffer) in ids.iter_mut().zip(buffers) {
            *id = buffer.id;
        }
        let key = BindKey {
            kernel,
            buffers: ids,
        };
        let bind_group = match state.bind_groups.get(&key) {
            Some(group) => group.clone(),
            None => {
                self.allocations.fetch_add(1, Ordering::Relaxed);
                let group = self.bind_group(&compiled, buffers);
                state.bind_groups.insert(key, group.clone());
                group
            }
        };
        let encoder = self.encoder(&mut state);
        let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor {
            label: Some("studio.op"),
            timestamp_writes: None,
        });
        pass.set_pipeline(&compiled.pipeline);
        pass.set_bind_group(0, &bind_group, &[offset as u32]);
        pass.dispatch_workgroups(groups.0, groups.1, 1);
        Ok(())
    }

    /// Submits the recorded work and copies `buffer` back.
    pub async fn read(&self, buffer: &GpuBuffer) -> Result<Vec<f32>, ComputeError> {
        let bytes = buffer.bytes();
        let staging = {
            let mut state = self.lock()?;
            let staging = match state.staging.take() {
                Some(staging) if staging.size() >= bytes.max(4) => staging,
                _ => {
                    self.allocations.fetch_add(1, Ordering::Relaxed);
                    self.device.create_buffer(&wgpu::BufferDescriptor {
                        label: Some("studio.readback"),
                        size: bytes.max(4).next_power_of_two(),
                        usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
                        mapped_at_creation: false,
                    })
                }
            };
            if bytes > 0 {
                self.encoder(&mut state).copy_buffer_to_buffer(
                    &buffer.buffer,
                    0,
                    &staging,
                    0,
                    bytes,
                );
            }
            self.submit(&mut state);
            staging
        };
        let values = super::readback::map_f32(&self.device, &staging, bytes).await;
        if let Ok(mut state) = self.state.lock() {
            state.staging.get_or_insert(staging);
        }
        values
    }

    fn lock(&self) -> Result<MutexGuard<'_, State>, ComputeError> {
        self.state
            .lock()
            .map_err(|_| ComputeError::DeviceLost("the GPU recorder was poisoned".to_owned()))
    }

    fn encoder<'s>(&self, state: &'s mut State) -> &'s mut wgpu::CommandEncoder {
        state.encoder.get_or_insert_with(|| {
            self.device
                .create_command_encoder(&wgpu::CommandEncoderDescriptor {
                    label: Some("studio.ops"),
                })
        })
    }

    /// Sends the parameters and the recorded work to the queue, in that order.
    fn submit(&self, state: &mut State) {
        if state.slots > 0 {
            self.queue
                .write_buffer(&self.ring, 0, &state.params[..state.slots * SLOT_BYTES]);
            state.slots = 0;
        }
        if let Some(encoder) = state.encoder.take() {
            self.queue.submit([encoder.finish()]);
        }
    }

    fn forget_dropped(&self, state: &mut State) {
        let Ok(mut dropped) = self.dropped.lock() else {
            return;
        };
        if dropped.is_empty() {
            return;
        }
        state
            .bind_groups
            .retain(|key, _| !key.buffers.iter().any(|id| dropped.contains(id)));
        dropped.clear();
    }

    fn bind_group(&self, compiled: &Compiled, buffers: &[&GpuBuffer]) -> wgpu::BindGroup {
        let mut entries: Vec<wgpu::BindGroupEntry> = buffers
            .iter()
            .zip(0u32..)
            .map(|(buffer, binding)| wgpu::BindGroupEntry {
                binding,
                resource: buffer.buffer.as_entire_binding(),
            })
            .collect();
        entries.push(wgpu::BindGroupEntry {
            binding: buffers.len() as u32,
            resource: wgpu::BindingResource::Buffer(wgpu::BufferBinding {
                buffer: &self.ring,
                offset: 0,
                size: wgpu::BufferSize::new(PARAMS_BYTES),
            }),
        });
        self.device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some("studio.op"),
            layout: &compiled.layout,
            entries: &entries,
        })
    }
}

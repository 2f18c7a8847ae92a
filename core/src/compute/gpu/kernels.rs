//! The kernels behind [`Compute`](crate::compute::Compute), each compiled the first time
//! it is needed and then cached for the device's lifetime, one pipeline per shape class
//! (a GEMM's transposes, a GEMV's row width).

// WGSL has no includes: each kernel is compiled with the shared helpers prepended.
macro_rules! wgsl {
    ($file:literal) => {
        concat!(include_str!("common.wgsl"), include_str!($file))
    };
}

/// A kernel and its shape class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KernelKey {
    Gemm {
        trans_a: bool,
        trans_b: bool,
    },
    /// One invocation per output: short rows.
    GemvRows,
    /// One workgroup per output: long rows, or a transposed product.
    GemvDots,
    Unary,
    Binary,
    AddRow,
    Softmax,
    Reduce,
    Loss,
    Distances,
    Histogram,
    BinnedHistogram,
    ColumnStats,
    Sgd,
    Adam,
}

/// How a kernel's storage binding is used; the uniform parameters come last.
#[derive(Debug, Clone, Copy)]
pub enum Access {
    Read,
    ReadWrite,
}

use Access::{Read, ReadWrite};

impl KernelKey {
    fn source(self) -> (&'static str, &'static str) {
        match self {
            KernelKey::Gemm { .. } => ("studio.gemm", wgsl!("gemm.wgsl")),
            KernelKey::GemvRows => ("studio.gemv_rows", wgsl!("gemv_rows.wgsl")),
            KernelKey::GemvDots => ("studio.gemv_dots", wgsl!("gemv_dots.wgsl")),
            KernelKey::Unary => ("studio.unary", wgsl!("unary.wgsl")),
            KernelKey::Binary => ("studio.binary", wgsl!("binary.wgsl")),
            KernelKey::AddRow => ("studio.add_row", wgsl!("add_row.wgsl")),
            KernelKey::Softmax => ("studio.softmax", wgsl!("softmax.wgsl")),
            KernelKey::Reduce => ("studio.reduce", wgsl!("reduce.wgsl")),
            KernelKey::Loss => ("studio.loss", wgsl!("loss.wgsl")),
            KernelKey::Distances => ("studio.distances", wgsl!("distances.wgsl")),
            KernelKey::Histogram => ("studio.histogram", wgsl!("histogram.wgsl")),
            KernelKey::BinnedHistogram => {
                ("studio.binned_histogram", wgsl!("binned_histogram.wgsl"))
            }
            KernelKey::ColumnStats => ("studio.column_stats", wgsl!("column_stats.wgsl")),
            KernelKey::Sgd => ("studio.sgd", wgsl!("sgd.wgsl")),
            KernelKey::Adam => ("studio.adam", wgsl!("adam.wgsl")),
        }
    }

    pub fn bindings(self) -> &'static [Access] {
        match self {
            KernelKey::Gemm { .. } | KernelKey::GemvRows | KernelKey::GemvDots => {
                &[Read, Read, ReadWrite]
            }
            KernelKey::Unary | KernelKey::Softmax | KernelKey::Reduce | KernelKey::ColumnStats => {
                &[Read, ReadWrite]
            }
            KernelKey::Binary | KernelKey::Distances | KernelKey::Histogram => {
                &[Read, Read, ReadWrite]
            }
            KernelKey::AddRow => &[ReadWrite, Read],
            KernelKey::Loss => &[Read, Read, ReadWrite, ReadWrite],
            KernelKey::BinnedHistogram => &[Read, Read, Read, ReadWrite],
            KernelKey::Sgd => &[ReadWrite, Read, ReadWrite],
            KernelKey::Adam => &[ReadWrite, Read, ReadWrite, ReadWrite],
        }
    }

    fn constants(self) -> Vec<(&'static str, f64)> {
        match self {
            KernelKey::Gemm { trans_a, trans_b } => vec![
                ("TRANS_A", f64::from(u8::from(trans_a))),
                ("TRANS_B", f64::from(u8::from(trans_b))),
            ],
            _ => Vec::new(),
        }
    }
}

/// A compiled kernel: its pipeline and the layout its bind groups follow.
#[derive(Debug, Clone)]
pub struct Compiled {
    pub pipeline: wgpu::ComputePipeline,
    pub layout: wgpu::BindGroupLayout,
}

/// The uniform parameters sit in one ring buffer, read at a dynamic offset.
pub const PARAMS_BYTES: u64 = 64;

impl Compiled {
    pub fn new(device: &wgpu::Device, key: KernelKey) -> Self {
        let (label, source) = key.source();
        let storage = key
            .bindings()
            .iter()
            .map(|access| wgpu::BufferBindingType::Storage {
                read_only: matches!(access, Access::Read),
            });
        let uniform = wgpu::BufferBindingType::Uniform;
        let entries: Vec<wgpu::BindGroupLayoutEntry> = storage
            .chain([uniform])
            .zip(0u32..)
            .map(|(ty, binding)| wgpu::BindGroupLayoutEntry {
                binding,
                visibility: wgpu::ShaderStages::COMPUTE,
                ty: wgpu::BindingType::Buffer {
                    ty,
                    has_dynamic_offset: matches!(ty, wgpu::BufferBindingType::Uniform),
                    min_binding_size: None,
                },
                count: None,
            })
            .collect();
        let layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
            label: Some(label),
            entries: &entries,
        });
        let pipeline_layout = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
            label: Some(label),
            bind_group_layouts: &[Some(&layout)],
            immediate_size: 0,
        });
        let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
            label: Some(label),
            source: wgpu::ShaderSource::Wgsl(source.into()),
        });
        let constants = key.constants();
        let pipeline = device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
            label: Some(label),
            layout: Some(&pipeline_layout),
            module: &module,
            entry_point: Some("main"),
            compilation_options: wgpu::PipelineCompilationOptions {
                constants: &constants,
                ..Default::default()
            },
            cache: None,
        });
        Self { pipeline, layout }
    }
}

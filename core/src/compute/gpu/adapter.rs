use crate::compute::AdapterSummary;

/// Describes an adapter for people, filling in what the platform leaves out.
pub fn summarize(info: &wgpu::AdapterInfo) -> AdapterSummary {
    let backend = match info.backend {
        wgpu::Backend::BrowserWebGpu => "WebGPU".to_owned(),
        wgpu::Backend::Vulkan => "Vulkan".to_owned(),
        wgpu::Backend::Metal => "Metal".to_owned(),
        wgpu::Backend::Dx12 => "DX12".to_owned(),
        wgpu::Backend::Gl => "GL".to_owned(),
        other => format!("{other:?}"),
    };
    let device_type = match info.device_type {
        wgpu::DeviceType::DiscreteGpu => "discrete",
        wgpu::DeviceType::IntegratedGpu => "integrated",
        wgpu::DeviceType::VirtualGpu => "virtual",
        wgpu::DeviceType::Cpu => "cpu",
        wgpu::DeviceType::Other => "other",
    }
    .to_owned();
    // Browsers may hide the adapter's name; say what kind it is instead of nothing.
    let name = if info.name.trim().is_empty() {
        format!("unnamed {device_type} adapter")
    } else {
        info.name.trim().to_owned()
    };
    AdapterSummary {
        name,
        backend,
        device_type,
        driver: [info.driver.trim(), info.driver_info.trim()]
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" "),
    }
}

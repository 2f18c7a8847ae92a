use serde::Serialize;
use studio_core::compute::{AdapterSummary, DeviceReport, Preference, enumerate_adapters, select};

#[derive(Debug, Serialize)]
struct Devices {
    adapters: Vec<AdapterSummary>,
    selected: DeviceReport,
}

/// `studio devices`: what wgpu sees, and what Studio would run on.
pub fn run(json: bool) -> Result<(), String> {
    let adapters = pollster::block_on(enumerate_adapters());
    let (_, selected) = pollster::block_on(select(Preference::Auto)).map_err(|e| e.to_string())?;
    let devices = Devices { adapters, selected };
    if json {
        let text = serde_json::to_string_pretty(&devices).map_err(|e| e.to_string())?;
        println!("{text}");
    } else {
        print!("{}", render(&devices));
    }
    Ok(())
}

fn render(devices: &Devices) -> String {
    let mut out = String::new();
    if devices.adapters.is_empty() {
        out.push_str("No GPU adapters found.\n");
    } else {
        out.push_str("GPU adapters:\n");
        for (n, adapter) in devices.adapters.iter().enumerate() {
            let driver = if adapter.driver.is_empty() {
                String::new()
            } else {
                format!(" · {}", adapter.driver)
            };
            out.push_str(&format!(
                "  {}. {} · {} · {}{driver}\n",
                n + 1,
                adapter.name,
                adapter.backend,
                adapter.device_type
            ));
        }
    }
    out.push_str(&format!(
        "Studio would use: {}\n",
        devices.selected.summary()
    ));
    if let Some(check) = &devices.selected.check {
        out.push_str(&format!(
            "Verification: {} {} the CPU (scaled error {:.1e}, tolerance {:.0e})\n",
            check.case.label(),
            if check.passed {
                "agreed with"
            } else {
                "DIFFERED from"
            },
            check.max_scaled_error,
            check.tolerance
        ));
    }
    out
}

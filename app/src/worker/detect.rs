use std::cell::RefCell;
use std::rc::Rc;

use studio_core::compute::{CpuDevice, Device, DeviceKind, DeviceReport, Preference, select};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::WorkerGlobalScope;

type Selected = (Rc<Device>, DeviceReport);

thread_local! {
    /// The device chosen by the last detection, shared by the jobs that follow.
    static SELECTED: RefCell<Option<Selected>> = const { RefCell::new(None) };
}

/// Chooses the compute device afresh and remembers it for later jobs.
pub async fn detect() -> DeviceReport {
    SELECTED.set(None);
    selected().await.1
}

/// The chosen device, choosing one first if no job has yet.
pub async fn selected() -> Selected {
    if let Some(selected) = SELECTED.with_borrow(Clone::clone) {
        return selected;
    }
    let (device, report) = if browser_offers_webgpu() {
        // Auto falls back to the CPU by itself; the error arm cannot be reached.
        select(Preference::Auto)
            .await
            .unwrap_or_else(|unavailable| cpu(unavailable.to_string()))
    } else {
        cpu("this browser does not offer WebGPU".to_owned())
    };
    let selected = (Rc::new(device), report);
    SELECTED.set(Some(selected.clone()));
    selected
}

fn cpu(reason: String) -> (Device, DeviceReport) {
    let report = DeviceReport {
        kind: DeviceKind::Cpu,
        adapter: None,
        reason: Some(reason),
        check: None,
    };
    (Device::Cpu(CpuDevice), report)
}

/// `navigator.gpu` exists. Without it there is nothing to ask for an adapter.
fn browser_offers_webgpu() -> bool {
    let scope: WorkerGlobalScope = js_sys::global().unchecked_into();
    js_sys::Reflect::get(&scope.navigator(), &JsValue::from_str("gpu"))
        .is_ok_and(|gpu| !gpu.is_undefined() && !gpu.is_null())
}

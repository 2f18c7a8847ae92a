use std::cell::RefCell;
use std::rc::Rc;

use crate::text::capitalized;
use studio_core::compute::{Device, DeviceReport, Preference, on_cpu, select};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::WorkerGlobalScope;

type Selected = (Rc<Device>, DeviceReport);

thread_local! {
    /// The device chosen by the last detection, shared by the jobs that follow.
    static SELECTED: RefCell<Option<Selected>> = const { RefCell::new(None) };
    /// Set while a detection runs: a second one waits for it rather than create a
    /// second GPU device beside the first.
    static DETECTING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Destroys the chosen GPU, if there is one (see `diagnostics_lose_gpu`). The next
/// detection chooses again.
pub fn lose_gpu() -> String {
    match SELECTED.with_borrow(Clone::clone) {
        Some((device, _)) => match device.as_ref() {
            Device::Gpu(gpu) => {
                gpu.destroy();
                "the GPU was destroyed".to_owned()
            }
            Device::Cpu(_) => "the chosen device is the CPU: nothing to lose".to_owned(),
        },
        None => "no device has been chosen yet".to_owned(),
    }
}

/// Lets go of the chosen device, so that the next job chooses again.
pub fn forget() {
    SELECTED.set(None);
}

/// Chooses the compute device afresh and remembers it for later jobs.
pub async fn detect() -> DeviceReport {
    forget();
    selected().await.1
}

/// The chosen device, choosing one first if no job has yet. One detection runs at a
/// time; jobs that ask meanwhile get its answer.
pub async fn selected() -> Selected {
    while DETECTING.get() {
        super::yield_now().await;
    }
    if let Some(selected) = SELECTED.with_borrow(Clone::clone) {
        return selected;
    }
    DETECTING.set(true);
    let selected = choose().await;
    SELECTED.set(Some(selected.clone()));
    DETECTING.set(false);
    selected
}

async fn choose() -> Selected {
    let (device, report) = if browser_offers_webgpu() {
        // Auto falls back to the CPU by itself; a GPU asked for by name that
        // cannot be used says why, and the work runs on the CPU.
        let (device, mut report) = select(preference())
            .await
            .unwrap_or_else(|unavailable| on_cpu(unavailable.to_string()));
        if let Some(adapter) = report.adapter.as_mut()
            && let Some(name) = browser_adapter_name().await
        {
            adapter.name = name;
        }
        (device, report)
    } else {
        on_cpu("this browser does not offer WebGPU".to_owned())
    };
    (Rc::new(device), report)
}

/// The device the page asked for, passed in the worker's address (`?device=`).
fn preference() -> Preference {
    let scope: WorkerGlobalScope = js_sys::global().unchecked_into();
    let asked = web_sys::UrlSearchParams::new_with_str(&scope.location().search())
        .ok()
        .and_then(|params| params.get("device"));
    match asked.as_deref() {
        Some("gpu") => Preference::Gpu,
        Some("cpu") => Preference::Cpu,
        _ => Preference::Auto,
    }
}

/// A name for the adapter from `GPUAdapterInfo`, which wgpu reads only the
/// (often empty) description of: "SwiftShader (Google)" rather than nothing.
async fn browser_adapter_name() -> Option<String> {
    let scope: WorkerGlobalScope = js_sys::global().unchecked_into();
    let gpu = js_sys::Reflect::get(&scope.navigator(), &JsValue::from_str("gpu")).ok()?;
    let request: js_sys::Function =
        js_sys::Reflect::get(&gpu, &JsValue::from_str("requestAdapter"))
            .ok()?
            .dyn_into()
            .ok()?;
    let promise: js_sys::Promise = request.call0(&gpu).ok()?.dyn_into().ok()?;
    let adapter = wasm_bindgen_futures::JsFuture::from(promise).await.ok()?;
    let info = js_sys::Reflect::get(&adapter, &JsValue::from_str("info")).ok()?;
    let field = |name: &str| {
        js_sys::Reflect::get(&info, &JsValue::from_str(name))
            .ok()
            .and_then(|value| value.as_string())
            .map(|text| text.trim().to_owned())
            .filter(|text| !text.is_empty())
    };
    if let Some(description) = field("description") {
        return Some(description);
    }
    let architecture = field("architecture").map(|a| capitalized(&a));
    match (architecture, field("vendor").map(|v| capitalized(&v))) {
        (Some(architecture), Some(vendor)) => Some(format!("{architecture} ({vendor})")),
        (Some(name), None) | (None, Some(name)) => Some(name),
        (None, None) => None,
    }
}

/// `navigator.gpu` exists. Without it there is nothing to ask for an adapter.
fn browser_offers_webgpu() -> bool {
    let scope: WorkerGlobalScope = js_sys::global().unchecked_into();
    js_sys::Reflect::get(&scope.navigator(), &JsValue::from_str("gpu"))
        .is_ok_and(|gpu| !gpu.is_undefined() && !gpu.is_null())
}

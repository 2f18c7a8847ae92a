//! The crash panel: a panic on the UI thread leaves a readable message, not a dead page.
//!
//! After a panic the wasm instance cannot be trusted, so the panel is built with
//! plain DOM calls and offers a reload link that needs no script to work.

use wasm_bindgen::JsValue;
use web_sys::Document;

/// Replaces the panic hook with one that shows the crash panel.
pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        let message = info.to_string();
        web_sys::console::error_1(&format!("Studio panicked: {message}").into());
        if let Some(document) = web_sys::window().and_then(|window| window.document()) {
            // If even the DOM refuses, the console line above is all that can be done.
            let _ = show(&document, &message);
        }
    }));
}

fn show(document: &Document, message: &str) -> Result<(), JsValue> {
    if document.get_element_by_id("crash").is_some() {
        return Ok(());
    }
    let panel = document.create_element("section")?;
    panel.set_id("crash");
    panel.set_attribute("role", "alertdialog")?;
    panel.set_attribute("aria-labelledby", "crash-title")?;
    panel.set_attribute("aria-describedby", "crash-message")?;

    let title = document.create_element("h2")?;
    title.set_id("crash-title");
    title.set_text_content(Some("Studio stopped working"));

    let explain = document.create_element("p")?;
    explain.set_text_content(Some(
        "An internal error stopped the page. Your saved work is kept in this browser. \
         Reload to continue; if this happens again, the message below says what failed.",
    ));

    let detail = document.create_element("pre")?;
    detail.set_id("crash-message");
    detail.set_text_content(Some(message));

    let reload = document.create_element("a")?;
    reload.set_text_content(Some("Reload Studio"));
    // Without the fragment: a link to the same address with a fragment is a jump
    // within the page, not a reload.
    let here = document.location().map(|l| {
        format!(
            "{}{}",
            l.pathname().unwrap_or_default(),
            l.search().unwrap_or_default()
        )
    });
    reload.set_attribute(
        "href",
        here.as_deref().filter(|h| !h.is_empty()).unwrap_or("."),
    )?;
    reload.set_attribute("class", "button")?;

    for child in [&title, &explain, &detail, &reload] {
        panel.append_child(child)?;
    }
    let body = document
        .body()
        .ok_or_else(|| JsValue::from_str("no body"))?;
    body.append_child(&panel)?;
    Ok(())
}

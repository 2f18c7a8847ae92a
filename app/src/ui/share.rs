use leptos::prelude::*;
use studio_core::notebook::encode_link;

use super::session::Session;

/// "Copy share link": the notebook in the URL fragment, copied to the clipboard and
/// shown so that it can be copied by hand where the clipboard is not allowed.
#[component]
pub fn ShareLink(session: Session) -> impl IntoView {
    let link = RwSignal::new(None::<String>);
    let copied = RwSignal::new(false);
    let share = move |_| {
        let Some(window) = web_sys::window() else {
            return;
        };
        let location = window.location();
        let base = format!(
            "{}{}",
            location.origin().unwrap_or_default(),
            location.pathname().unwrap_or_default()
        );
        let url = format!("{base}#{}", session.notebook.with_untracked(encode_link));
        let promise = window.navigator().clipboard().write_text(&url);
        link.set(Some(url));
        copied.set(false);
        wasm_bindgen_futures::spawn_local(async move {
            copied.set(wasm_bindgen_futures::JsFuture::from(promise).await.is_ok());
        });
    };
    view! {
        <button class="ghost" on:click=share>"Copy share link"</button>
        <Show when=move || link.with(Option::is_some)>
            <label class="share">
                {move || if copied.get() { "Share link (copied)" } else { "Share link" }}
                <input type="text" readonly prop:value=move || link.get().unwrap_or_default() />
            </label>
        </Show>
    }
}

use leptos::prelude::*;
use studio_core::notebook::encode_link;

use super::download;
use super::session::Session;
use crate::protocol::ExportedFile;

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

/// "Download notebook": the notebook as JSON, for `studio run` or to keep.
#[component]
pub fn DownloadNotebook(session: Session) -> impl IntoView {
    let save = move |_| {
        let file = ExportedFile {
            name: "notebook.json".to_owned(),
            mime: "application/json".to_owned(),
            bytes: session
                .notebook
                .with_untracked(|nb| nb.to_json())
                .into_bytes(),
        };
        if let Err(error) = download::save(&file) {
            web_sys::console::error_1(&format!("saving the notebook failed: {error}").into());
        }
    };
    view! { <button class="ghost" on:click=save>"Download notebook"</button> }
}

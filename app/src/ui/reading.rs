//! How the file was read (each guess shown) and the person's overrides, applied by
//! reading the file again.

use leptos::prelude::*;
use studio_core::ingest::{Dialect, Encoding, LoadOptions, RaggedPolicy};

use super::data_cell::reread;
use super::session::Session;

fn char_name(c: char) -> String {
    match c {
        ',' => "comma".to_owned(),
        ';' => "semicolon".to_owned(),
        '\t' => "tab".to_owned(),
        '|' => "pipe".to_owned(),
        ' ' => "space".to_owned(),
        '.' => "dot".to_owned(),
        '"' => "double quote".to_owned(),
        '\'' => "single quote".to_owned(),
        c => format!("“{c}”"),
    }
}

/// One labelled select whose first choice is "guessed (…)"; `choices` are
/// (value, text) pairs.
fn choice(
    label: &'static str,
    guessed: String,
    choices: Vec<(String, String)>,
    value: RwSignal<String>,
    enabled: bool,
) -> impl IntoView {
    view! {
        <label>
            {label}
            <select
                disabled=!enabled
                on:change=move |ev| value.set(event_target_value(&ev))
            >
                <option value="" selected=move || value.get().is_empty()>{format!("guessed: {guessed}")}</option>
                {choices
                    .into_iter()
                    .map(|(v, text)| {
                        let selected = v.clone();
                        view! { <option value=v selected=move || value.get() == selected>{text}</option> }
                    })
                    .collect_view()}
            </select>
        </label>
    }
}

fn chars(list: &[char]) -> Vec<(String, String)> {
    list.iter()
        .map(|&c| (c.to_string(), char_name(c)))
        .collect()
}

#[component]
pub fn ReadingOptions(
    session: Session,
    /// The data cell whose file is read.
    cell: u32,
    dialect: Dialect,
    options: LoadOptions,
    /// False for data with no file to read again.
    enabled: bool,
) -> impl IntoView {
    let text = |c: Option<char>| c.map(|c| c.to_string()).unwrap_or_default();
    let delimiter = RwSignal::new(text(options.delimiter));
    let quote = RwSignal::new(text(options.quote));
    let header = RwSignal::new(
        options
            .header
            .map(|h| if h { "yes" } else { "no" }.to_owned())
            .unwrap_or_default(),
    );
    let encoding = RwSignal::new(
        options
            .encoding
            .map(|e| e.name().to_owned())
            .unwrap_or_default(),
    );
    let decimal = RwSignal::new(text(options.decimal));
    let thousands = RwSignal::new(match options.thousands.as_deref() {
        None => String::new(),
        Some("") => "none".to_owned(),
        Some(s) => s.to_owned(),
    });
    let missing = RwSignal::new(
        options
            .missing
            .clone()
            .map(|m| m.join(", "))
            .unwrap_or_default(),
    );
    let ragged = RwSignal::new(
        match options.ragged {
            RaggedPolicy::Fill => "fill",
            RaggedPolicy::Skip => "skip",
            RaggedPolicy::Stop => "stop",
        }
        .to_owned(),
    );
    let apply = move |_| {
        let one = |s: String| s.chars().next();
        reread(session, cell, |o: &mut LoadOptions| {
            o.delimiter = one(delimiter.get_untracked());
            o.quote = one(quote.get_untracked());
            o.header = match header.get_untracked().as_str() {
                "yes" => Some(true),
                "no" => Some(false),
                _ => None,
            };
            o.encoding = Encoding::from_name(&encoding.get_untracked());
            o.decimal = one(decimal.get_untracked());
            o.thousands = match thousands.get_untracked().as_str() {
                "" => None,
                "none" => Some(String::new()),
                s => Some(s.to_owned()),
            };
            let markers = missing.get_untracked();
            o.missing = (!markers.trim().is_empty())
                .then(|| markers.split(',').map(|m| m.trim().to_owned()).collect());
            o.ragged = match ragged.get_untracked().as_str() {
                "skip" => RaggedPolicy::Skip,
                "stop" => RaggedPolicy::Stop,
                _ => RaggedPolicy::Fill,
            };
        });
    };
    let encoding_guess = format!(
        "{}{}",
        dialect.encoding.name(),
        if dialect.bom { " with BOM" } else { "" }
    );
    view! {
        <details class="reading">
            <summary>{format!(
                "Read as {} separated, {}, {}, decimal {}",
                char_name(dialect.delimiter),
                if dialect.header { "with a header row" } else { "no header row" },
                encoding_guess,
                char_name(dialect.decimal),
            )}</summary>
            <form class="controls" aria-label="Reading options" on:submit=move |ev| ev.prevent_default()>
                {choice("Delimiter", char_name(dialect.delimiter), chars(&[',', ';', '\t', '|', ' ']), delimiter, enabled)}
                {choice("Quote character", char_name(dialect.quote), chars(&['"', '\'']), quote, enabled)}
                {choice(
                    "Header row",
                    if dialect.header { "yes" } else { "no" }.to_owned(),
                    vec![("yes".into(), "yes".into()), ("no".into(), "no".into())],
                    header,
                    enabled,
                )}
                {choice(
                    "Encoding",
                    encoding_guess.clone(),
                    Encoding::ALL.iter().map(|e| (e.name().to_owned(), e.name().to_owned())).collect(),
                    encoding,
                    enabled,
                )}
                {choice("Decimal mark", char_name(dialect.decimal), chars(&['.', ',']), decimal, enabled)}
                {choice(
                    "Thousands separator",
                    dialect.thousands.map_or("none".to_owned(), char_name),
                    {
                        let mut c = vec![("none".to_owned(), "none".to_owned())];
                        c.extend(chars(&[',', '.', ' ', '\'']));
                        c
                    },
                    thousands,
                    enabled,
                )}
                <label>
                    "Missing markers"
                    <input
                        type="text"
                        placeholder="NA, N/A, null, NaN, ?, -, (empty)"
                        disabled=!enabled
                        prop:value=move || missing.get()
                        on:input=move |ev| missing.set(event_target_value(&ev))
                    />
                </label>
                <label>
                    "Rows with the wrong number of fields"
                    <select disabled=!enabled on:change=move |ev| ragged.set(event_target_value(&ev))>
                        <option value="fill" selected=move || ragged.get() == "fill">"fill short rows, skip long ones"</option>
                        <option value="skip" selected=move || ragged.get() == "skip">"skip them"</option>
                        <option value="stop" selected=move || ragged.get() == "stop">"stop loading"</option>
                    </select>
                </label>
                <button type="button" disabled=!enabled on:click=apply>"Reload with these settings"</button>
            </form>
        </details>
    }
}

//! A model family's hyperparameter form, generated from its declaration: one
//! field per parameter, labelled for people, with the CLI name beside it, the
//! explanation as help text, and a value that breaks its rule refused at the field.

use leptos::prelude::*;
use studio_core::learner::{ParamKind, ParamSpec, ParamValue, Params};

/// The text a field shows for `spec`: the value set (under its name or an
/// alias), else the default; empty when unset.
fn shown(spec: &ParamSpec, params: &Params) -> String {
    params
        .iter()
        .find(|(name, _)| spec.answers_to(name))
        .map(|(_, value)| value.clone())
        .or_else(|| spec.default_value())
        .map(|value| match value {
            ParamValue::Text(t) if t.eq_ignore_ascii_case("none") => String::new(),
            value => value.to_string(),
        })
        .unwrap_or_default()
}

/// `params` with `spec` set to `value` (`None`: unset), under its own name.
pub fn with_param(params: &Params, spec: &ParamSpec, value: Option<ParamValue>) -> Params {
    let mut params: Params = params
        .iter()
        .filter(|(name, _)| !spec.answers_to(name))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    params.insert(
        spec.name.to_owned(),
        value.unwrap_or_else(|| ParamValue::Text("none".into())),
    );
    params
}

/// One hyperparameter's field. `params` are the cell's current values; `set`
/// receives a checked value (`None`: unset) and answers with a refusal, if the
/// cell as a whole would not keep it. `reported` is what the last run said of
/// this parameter (a value the data do not allow, say), shown until the field
/// changes or a run says otherwise.
#[component]
pub fn ParamField(
    spec: &'static ParamSpec,
    #[prop(into)] params: Signal<Params>,
    set: Callback<Option<ParamValue>, Option<String>>,
    #[prop(into)] reported: Signal<Option<String>>,
) -> impl IntoView {
    let refused = RwSignal::new(None::<String>);
    let error = Signal::derive(move || refused.get().or_else(|| reported.get()));
    let help_id = format!("param-help-{}", spec.name);
    let error_id = format!("param-error-{}", spec.name);
    let described = {
        let (help_id, error_id) = (help_id.clone(), error_id.clone());
        move || match error.with(Option::is_some) {
            true => format!("{error_id} {help_id}"),
            false => help_id.clone(),
        }
    };
    let apply = move |text: String| match spec.parse(&text) {
        Ok(value) => refused.set(set.run(value)),
        Err(e) => refused.set(Some(sentence(&e.to_string()))),
    };
    let input = match spec.kind {
        ParamKind::Choice(choices) => view! {
            <select
                aria-describedby=described
                prop:value=move || params.with(|p| shown(spec, p))
                on:change=move |ev| apply(event_target_value(&ev))
            >
                {spec.optional.then(|| view! { <option value="">"none"</option> })}
                {choices.iter().map(|c| view! { <option value=*c>{*c}</option> }).collect_view()}
            </select>
        }
        .into_any(),
        ParamKind::Boolean => view! {
            <input
                type="checkbox"
                aria-describedby=described
                prop:checked=move || params.with(|p| shown(spec, p) == "true")
                on:change=move |ev| apply(event_target_checked(&ev).to_string())
            />
        }
        .into_any(),
        ParamKind::Float { .. } | ParamKind::Integer { .. } => view! {
            <input
                type="text"
                inputmode="decimal"
                size="10"
                placeholder=spec.optional.then_some("none")
                aria-invalid=move || error.with(Option::is_some).then_some("true")
                aria-describedby=described
                prop:value=move || params.with(|p| shown(spec, p))
                on:change=move |ev| apply(event_target_value(&ev))
            />
        }
        .into_any(),
        ParamKind::ChoiceOrFraction(choices) => {
            let list_id = format!("param-choices-{}", spec.name);
            view! {
                <input
                    type="text"
                    size="10"
                    list=list_id.clone()
                    placeholder=spec.optional.then_some("none")
                    aria-invalid=move || error.with(Option::is_some).then_some("true")
                    aria-describedby=described
                    prop:value=move || params.with(|p| shown(spec, p))
                    on:change=move |ev| apply(event_target_value(&ev))
                />
                <datalist id=list_id>
                    {choices.iter().map(|c| view! { <option value=*c></option> }).collect_view()}
                </datalist>
            }
            .into_any()
        }
        ParamKind::Integers { .. } => view! {
            <input
                type="text"
                size="12"
                aria-invalid=move || error.with(Option::is_some).then_some("true")
                aria-describedby=described
                prop:value=move || params.with(|p| shown(spec, p))
                on:change=move |ev| apply(event_target_value(&ev))
            />
        }
        .into_any(),
    };
    view! {
        <div class="param">
            <label>
                {spec.label}
                " "
                <code class="param-name">{spec.name}</code>
                {input}
            </label>
            <small class="help" id=help_id>{spec.help}</small>
            <Show when=move || error.with(Option::is_some)>
                <span class="error" role="alert" id=error_id.clone()>
                    {move || error.get().unwrap_or_default()}
                </span>
            </Show>
        </div>
    }
}

/// `text` as a sentence of its own: a capital first letter and a full stop. A
/// first word spelled as code (a parameter such as `max_depth`) keeps its case.
pub fn sentence(text: &str) -> String {
    if text
        .split_whitespace()
        .next()
        .is_some_and(|w| w.contains('_'))
    {
        return format!("{text}.");
    }
    format!("{}.", crate::text::capitalized(text))
}

//! `studio models`: every model family, its tasks and hyperparameters, from the registry.

use serde::Serialize;
use studio_core::learner::{Family, ParamKind, ParamSpec, ParamValue, registry};

#[derive(Debug, Serialize)]
struct FamilyInfo {
    name: &'static str,
    label: &'static str,
    tasks: Vec<&'static str>,
    params: Vec<ParamInfo>,
}

#[derive(Debug, Serialize)]
struct ParamInfo {
    name: &'static str,
    label: &'static str,
    kind: &'static str,
    /// `null` where the default is unset (scikit-learn's `None`).
    default: Option<ParamValue>,
    min: Option<f64>,
    max: Option<f64>,
    choices: Option<&'static [&'static str]>,
    optional: bool,
    log_scale: bool,
    aliases: &'static [&'static str],
    help: &'static str,
}

fn param(spec: &ParamSpec) -> ParamInfo {
    let (min, max, choices) = match spec.kind {
        ParamKind::Float { min, max, .. } => (Some(min), max.is_finite().then_some(max), None),
        ParamKind::Integer { min, max } | ParamKind::Integers { min, max } => {
            (Some(min as f64), Some(max as f64), None)
        }
        ParamKind::Boolean => (None, None, None),
        ParamKind::Choice(choices) => (None, None, Some(choices)),
        ParamKind::ChoiceOrFraction(choices) => (Some(0.0), Some(1.0), Some(choices)),
    };
    ParamInfo {
        name: spec.name,
        label: spec.label,
        kind: spec.kind_name(),
        default: spec.default_value(),
        min,
        max,
        choices,
        optional: spec.optional,
        log_scale: spec.log_scale,
        aliases: spec.aliases,
        help: spec.help,
    }
}

fn family(f: &dyn Family) -> FamilyInfo {
    FamilyInfo {
        name: f.name(),
        label: f.label(),
        tasks: f.tasks().iter().map(|t| t.name()).collect(),
        params: f.params().iter().map(param).collect(),
    }
}

pub fn run(json: bool) -> Result<(), String> {
    let families: Vec<FamilyInfo> = registry::FAMILIES.iter().map(|f| family(*f)).collect();
    if json {
        println!(
            "{}",
            serde_json::to_string(&families).map_err(|e| e.to_string())?
        );
        return Ok(());
    }
    for (f, spec) in families.iter().zip(registry::FAMILIES) {
        println!("{} · {} · {}", f.name, f.label, f.tasks.join(", "));
        for p in spec.params() {
            let default = p
                .default_value()
                .map_or_else(|| "none".to_owned(), |v| v.to_string());
            println!("  {} = {default}  ({})  {}", p.name, p.rule(), p.help);
        }
    }
    Ok(())
}

//! The columns of the open dataset: each one's type and role (both overridable),
//! its missing count, and a small picture of its values.

use leptos::prelude::*;
use studio_core::frame::profile::Profile;
use studio_core::frame::{ColumnSummary, ColumnType, Role};

use super::client;
use super::data_cell::reread;
use super::session::{DatasetState, Session};
use crate::protocol::{DatasetSummary, Job};

/// Gives column `name` of data cell `cell` the role `role`: in the notebook, in
/// the worker's frame, and (for "target") as the target of the train cells that
/// read the data.
fn set_role(
    session: Session,
    cell: u32,
    name: String,
    role: Role,
    task: Option<studio_core::train::Task>,
) {
    session.notebook.update(|nb| {
        nb.update_data_options(cell, |o| {
            let kind = o.column(&name).and_then(|c| c.kind);
            o.set_column(&name, kind, Some(role));
        });
        if role == Role::Target {
            nb.mark_target(cell, &name, task);
        }
    });
    session.update_dataset(cell, |state| {
        if let DatasetState::Ready(summary) = state
            && let Some(c) = summary.columns.iter_mut().find(|c| c.name == name)
        {
            c.role = role;
        }
    });
    client::start(
        Job::SetRoles {
            cell,
            roles: vec![(name, role)],
        },
        move |event| {
            if let super::client::JobEvent::Failed(error) = event {
                session.set_notice(cell, Some(error.message));
            }
        },
    );
}

fn set_type(session: Session, cell: u32, name: String, kind: ColumnType) {
    reread(session, cell, |o| {
        let role = o.column(&name).and_then(|c| c.role);
        o.set_column(&name, Some(kind), role);
    });
}

#[component]
pub fn ColumnsTable(
    session: Session,
    cell: u32,
    summary: DatasetSummary,
    readable: bool,
) -> impl IntoView {
    let rows = summary
        .columns
        .into_iter()
        .zip(summary.profiles)
        .zip(summary.tasks)
        .map(|((column, profile), task)| row(session, cell, column, profile, task, readable))
        .collect_view();
    view! {
        <table class="results columns" aria-label="Columns">
            <thead>
                <tr>
                    <th scope="col">"Column"</th>
                    <th scope="col">"Type"</th>
                    <th scope="col">"Role"</th>
                    <th scope="col">"Missing"</th>
                    <th scope="col">"Values"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

fn row(
    session: Session,
    cell: u32,
    column: ColumnSummary,
    profile: Profile,
    task: studio_core::train::Task,
    readable: bool,
) -> impl IntoView {
    let name = column.name.clone();
    let type_name = name.clone();
    let role_name = name.clone();
    let kind = column.kind;
    let role = column.role;
    let on_type = move |ev: leptos::ev::Event| {
        if let Some(kind) = ColumnType::from_name(&event_target_value(&ev)) {
            set_type(session, cell, type_name.clone(), kind);
        }
    };
    let on_role = move |ev: leptos::ev::Event| {
        if let Some(role) = Role::from_name(&event_target_value(&ev)) {
            set_role(session, cell, role_name.clone(), role, Some(task));
        }
    };
    view! {
        <tr>
            <th scope="row">{name.clone()}</th>
            <td>
                <select
                    class=format!("badge type-{}", kind.name())
                    aria-label=format!("Type of {name}")
                    disabled=!readable
                    on:change=on_type
                >
                    {ColumnType::ALL
                        .iter()
                        .map(|t| view! { <option value=t.name() selected=*t == kind>{t.name()}</option> })
                        .collect_view()}
                </select>
            </td>
            <td>
                <select aria-label=format!("Role of {name}") on:change=on_role>
                    {Role::ALL
                        .iter()
                        .map(|r| view! { <option value=r.name() selected=*r == role>{r.name()}</option> })
                        .collect_view()}
                </select>
            </td>
            <td>{column.missing}</td>
            <td>{picture(&name, profile)}</td>
        </tr>
    }
}

/// A histogram as SVG bars, the top categories as words, or the distinct count.
pub fn picture(name: &str, profile: Profile) -> AnyView {
    match profile {
        Profile::Histogram { min, max, counts } => {
            let peak = counts.iter().copied().max().unwrap_or(0).max(1) as f64;
            let width = 4.0;
            let bars = counts
                .iter()
                .enumerate()
                .map(|(i, &c)| {
                    let h = (c as f64 / peak * 18.0).max(if c > 0 { 1.0 } else { 0.0 });
                    view! {
                        <rect x=format!("{:.1}", i as f64 * (width + 1.0)) y=format!("{:.1}", 20.0 - h)
                            width=format!("{width}") height=format!("{h:.1}") />
                    }
                })
                .collect_view();
            let label = format!(
                "Distribution of {name}: {} values from {} to {}",
                counts.iter().sum::<u64>(),
                studio_core::frame::format_number(min),
                studio_core::frame::format_number(max)
            );
            view! {
                <svg class="spark" role="img" aria-label=label viewBox="0 0 80 20" width="80" height="20">
                    {bars}
                </svg>
            }
            .into_any()
        }
        Profile::Levels { top, distinct } => {
            let words = top
                .iter()
                .map(|(level, count)| format!("{level} ({count})"))
                .collect::<Vec<_>>()
                .join(", ");
            let more = if distinct > top.len() {
                format!(" … {distinct} in all")
            } else {
                String::new()
            };
            view! { <span class="levels" aria-label=format!("Categories of {name}")>{format!("{words}{more}")}</span> }.into_any()
        }
        Profile::Distinct { distinct } => {
            let text = distinct.map_or("every value distinct".to_owned(), |d| {
                format!("{d} distinct")
            });
            view! { <span class="levels">{text}</span> }.into_any()
        }
    }
}

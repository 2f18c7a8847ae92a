//! `studio inspect FILE`: load a CSV into the frame and print its schema, dialect
//! and load report.

use std::fmt::Write as _;
use std::path::PathBuf;

use clap::Args;
use serde::Serialize;
use studio_core::frame::{ColumnSummary, ColumnType};
use studio_core::ingest::{Dialect, Encoding, LoadOptions, Loaded, Problem};

use crate::data;

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// The CSV file.
    pub file: PathBuf,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
    /// The field delimiter, instead of guessing (`,` `;` `tab` `|` `space`).
    #[arg(long)]
    pub delimiter: Option<String>,
    /// The quote character, instead of guessing.
    #[arg(long)]
    pub quote: Option<char>,
    /// Whether the first row is a header, instead of guessing.
    #[arg(long)]
    pub header: Option<bool>,
    /// The encoding, instead of guessing: utf-8, utf-16le, utf-16be, windows-1252.
    #[arg(long)]
    pub encoding: Option<String>,
    /// The decimal mark, instead of guessing: `.` or `,`.
    #[arg(long)]
    pub decimal: Option<char>,
    /// Cells that mean "missing", replacing the defaults; repeat for several.
    #[arg(long = "missing")]
    pub missing: Vec<String>,
    /// A column's type, as NAME=TYPE (integer, float, boolean, date, datetime,
    /// categorical, text, id); repeat for several.
    #[arg(long = "type", value_name = "NAME=TYPE")]
    pub types: Vec<String>,
}

impl InspectArgs {
    fn options(&self) -> Result<LoadOptions, String> {
        let mut options = LoadOptions {
            delimiter: self
                .delimiter
                .as_deref()
                .map(|d| match d {
                    "tab" | "\\t" => Ok('\t'),
                    "space" => Ok(' '),
                    _ if d.chars().count() == 1 => Ok(d.chars().next().unwrap_or(',')),
                    _ => Err(format!("--delimiter takes one character, or tab or space, not {d:?}")),
                })
                .transpose()?,
            quote: self.quote,
            header: self.header,
            encoding: self
                .encoding
                .as_deref()
                .map(|e| {
                    Encoding::from_name(&e.to_ascii_lowercase()).ok_or_else(|| {
                        format!(
                            "unknown --encoding {e:?}: use utf-8, utf-16le, utf-16be or windows-1252"
                        )
                    })
                })
                .transpose()?,
            decimal: self.decimal,
            missing: (!self.missing.is_empty()).then(|| self.missing.clone()),
            ..LoadOptions::default()
        };
        for spec in &self.types {
            let (name, kind) = spec
                .rsplit_once('=')
                .ok_or_else(|| format!("--type takes NAME=TYPE, not {spec:?}"))?;
            let kind = ColumnType::from_name(kind).ok_or_else(|| {
                let names: Vec<&str> = ColumnType::ALL.iter().map(|t| t.name()).collect();
                format!(
                    "unknown type {kind:?} in --type {spec}: use one of {}",
                    names.join(", ")
                )
            })?;
            options.set_column(name, Some(kind), None);
        }
        Ok(options)
    }
}

/// What `--json` prints; the keys are a contract.
#[derive(Debug, Serialize)]
struct Report<'a> {
    rows: usize,
    columns: Vec<ColumnSummary>,
    dialect: &'a Dialect,
    problems: &'a [Problem],
    bytes: u64,
    memory_bytes: usize,
}

pub fn run(args: InspectArgs) -> Result<(), String> {
    let loaded = data::read(&args.file, args.options()?, data::Hash::Skip)?;
    let report = Report {
        rows: loaded.frame.rows(),
        columns: loaded.frame.summaries(),
        dialect: &loaded.dialect,
        problems: &loaded.problems,
        bytes: loaded.bytes,
        memory_bytes: loaded.frame.memory(),
    };
    if args.json {
        println!(
            "{}",
            serde_json::to_string(&report).map_err(|e| e.to_string())?
        );
    } else {
        print!(
            "{}",
            render(&args.file.display().to_string(), &report, &loaded)
        );
    }
    Ok(())
}

fn shown(c: char) -> String {
    match c {
        '\t' => "tab".to_owned(),
        ' ' => "space".to_owned(),
        c => format!("'{c}'"),
    }
}

fn render(file: &str, report: &Report, loaded: &Loaded) -> String {
    let d = report.dialect;
    let mut out = format!(
        "{file}: {} rows × {} columns, {} in memory\n",
        report.rows,
        report.columns.len(),
        megabytes(report.memory_bytes)
    );
    let _ = writeln!(
        out,
        "dialect: delimiter {}, quote {}, {}, {}{}, {:?} line endings, decimal {}{}",
        shown(d.delimiter),
        shown(d.quote),
        if d.header { "header" } else { "no header" },
        d.encoding.name(),
        if d.bom { " with BOM" } else { "" },
        d.line_ending,
        shown(d.decimal),
        d.thousands
            .map_or(String::new(), |t| format!(", thousands {}", shown(t))),
    );
    let width = report
        .columns
        .iter()
        .map(|c| c.name.chars().count())
        .max()
        .unwrap_or(6)
        .max(6);
    let _ = writeln!(
        out,
        "\n{:width$}  {:11}  {:7}  missing",
        "column", "type", "role"
    );
    for c in &report.columns {
        let _ = writeln!(
            out,
            "{:width$}  {:11}  {:7}  {}",
            c.name,
            c.kind.name(),
            c.role.name(),
            c.missing
        );
    }
    if loaded.problems.is_empty() {
        out.push_str("\nno problems: every row and value was read as written\n");
    } else {
        out.push_str("\nproblems:\n");
        for p in &loaded.problems {
            let _ = writeln!(out, "  {} ({}): {}", serde_name(p), p.count, p.message);
            for e in &p.examples {
                let column = e
                    .column
                    .as_deref()
                    .map_or(String::new(), |c| format!(", column {c}"));
                let _ = writeln!(
                    out,
                    "    row {} (line {}){column}: {:?}",
                    e.row, e.line, e.value
                );
            }
        }
    }
    out
}

fn serde_name(p: &Problem) -> String {
    serde_json::to_value(p.kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn megabytes(bytes: usize) -> String {
    if bytes < 1_000_000 {
        format!("{:.1} kB", bytes as f64 / 1e3)
    } else {
        format!("{:.1} MB", bytes as f64 / 1e6)
    }
}

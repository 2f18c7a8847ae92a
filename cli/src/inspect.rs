//! `studio inspect FILE`: load a CSV into the frame and print its schema, dialect
//! and load report; with `--stats` each column's summary statistics, with
//! `--corr` a correlation matrix of the numeric columns.

use std::fmt::Write as _;
use std::path::PathBuf;

use clap::Args;
use serde::Serialize;
use studio_core::frame::correlation::{self, Correlation, Method};
use studio_core::frame::quality::{self, Warning};
use studio_core::frame::statistics::{self, Statistics, TopValue};
use studio_core::frame::{ColumnSummary, ColumnType, format_number};
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
    /// Each column's summary statistics: count, mean, std, min, quartiles, max,
    /// distinct values, skewness, kurtosis and the most common values.
    #[arg(long)]
    pub stats: bool,
    /// A correlation matrix over pairwise-complete rows: pearson or spearman over
    /// the numeric columns, cramers_v (Cramér's V) over the category columns.
    #[arg(long, value_name = "METHOD")]
    pub corr: Option<String>,
    /// Data-quality warnings, each with its kind, columns and evidence.
    #[arg(long)]
    pub quality: bool,
    /// The column a model would predict: with --quality, class balance and
    /// features that give it away are checked too.
    #[arg(long, value_name = "COLUMN")]
    pub target: Option<String>,
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
    columns: Vec<ColumnReport>,
    dialect: &'a Dialect,
    problems: &'a [Problem],
    bytes: u64,
    memory_bytes: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    corr: Option<Correlation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    warnings: Option<Vec<Warning>>,
}

/// A column's description, and with `--stats` its statistics beside it.
#[derive(Debug, Serialize)]
struct ColumnReport {
    #[serde(flatten)]
    summary: ColumnSummary,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    stats: Option<StatsReport>,
}

/// [`Statistics`] less the missing count, which the column's summary already has.
#[derive(Debug, Serialize)]
struct StatsReport {
    count: usize,
    mean: Option<f64>,
    std: Option<f64>,
    min: Option<f64>,
    q1: Option<f64>,
    median: Option<f64>,
    q3: Option<f64>,
    max: Option<f64>,
    unique: usize,
    skew: Option<f64>,
    kurtosis: Option<f64>,
    top: Vec<TopValue>,
}

impl From<Statistics> for StatsReport {
    fn from(s: Statistics) -> Self {
        Self {
            count: s.count,
            mean: s.mean,
            std: s.std,
            min: s.min,
            q1: s.q1,
            median: s.median,
            q3: s.q3,
            max: s.max,
            unique: s.unique,
            skew: s.skew,
            kurtosis: s.kurtosis,
            top: s.top,
        }
    }
}

pub fn run(args: InspectArgs) -> Result<(), String> {
    let method = args
        .corr
        .as_deref()
        .map(|m| {
            Method::from_name(m)
                .ok_or_else(|| format!("unknown --corr {m:?}: use pearson, spearman or cramers_v"))
        })
        .transpose()?;
    let loaded = data::read(&args.file, args.options()?, data::Hash::Skip)?;
    if let Some(target) = &args.target
        && loaded.frame.column(target).is_none()
    {
        let names: Vec<&str> = loaded
            .frame
            .columns()
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        return Err(format!(
            "there is no column {target:?} for --target: choose one of {}",
            names.join(", ")
        ));
    }
    let frame = &loaded.frame;
    // Computed once for both the statistics shown and the warnings read from them.
    let stats = (args.stats || args.quality).then(|| statistics::statistics(frame));
    let warnings = match (&stats, args.quality) {
        (Some(all), true) => Some(quality::warnings_with(frame, all, args.target.as_deref())),
        _ => None,
    };
    let report = Report {
        rows: frame.rows(),
        columns: frame
            .summaries()
            .into_iter()
            .enumerate()
            .map(|(c, summary)| ColumnReport {
                summary,
                stats: stats
                    .as_ref()
                    .filter(|_| args.stats)
                    .map(|all| StatsReport::from(all[c].clone())),
            })
            .collect(),
        dialect: &loaded.dialect,
        problems: &loaded.problems,
        bytes: loaded.bytes,
        memory_bytes: frame.memory(),
        corr: method.map(|m| correlation::correlation(frame, m)),
        warnings,
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
        .map(|c| c.summary.name.chars().count())
        .max()
        .unwrap_or(6)
        .max(6);
    let _ = writeln!(
        out,
        "\n{:width$}  {:11}  {:7}  missing",
        "column", "type", "role"
    );
    for c in &report.columns {
        let c = &c.summary;
        let _ = writeln!(
            out,
            "{:width$}  {:11}  {:7}  {}",
            c.name,
            c.kind.name(),
            c.role.name(),
            c.missing
        );
    }
    if report.columns.iter().any(|c| c.stats.is_some()) {
        render_stats(&mut out, &report.columns, width);
    }
    if let Some(corr) = &report.corr {
        render_corr(&mut out, corr);
    }
    if let Some(warnings) = &report.warnings {
        render_warnings(&mut out, warnings);
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

fn figure(x: Option<f64>) -> String {
    x.map_or_else(
        || "-".to_owned(),
        |x| format_number((x * 1e4).round() / 1e4),
    )
}

fn render_stats(out: &mut String, columns: &[ColumnReport], width: usize) {
    let _ = writeln!(
        out,
        "\n{:width$}  {:>9}  {:>10}  {:>10}  {:>10}  {:>10}  {:>10}  {:>10}  {:>10}  {:>7}  {:>7}  most common",
        "column", "count", "mean", "std", "min", "q1", "median", "q3", "max", "unique", "skew"
    );
    for c in columns {
        let Some(s) = &c.stats else { continue };
        let top: Vec<String> = s
            .top
            .iter()
            .take(3)
            .map(|t| format!("{} ({})", t.value, t.count))
            .collect();
        let _ = writeln!(
            out,
            "{:width$}  {:>9}  {:>10}  {:>10}  {:>10}  {:>10}  {:>10}  {:>10}  {:>10}  {:>7}  {:>7}  {}",
            c.summary.name,
            s.count,
            figure(s.mean),
            figure(s.std),
            figure(s.min),
            figure(s.q1),
            figure(s.median),
            figure(s.q3),
            figure(s.max),
            s.unique,
            figure(s.skew),
            top.join(", ")
        );
    }
}

fn render_corr(out: &mut String, corr: &Correlation) {
    let name = serde_json::to_value(corr.method)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    let width = corr
        .columns
        .iter()
        .map(|c| c.chars().count())
        .max()
        .unwrap_or(0)
        .max(6);
    let _ = write!(out, "\n{name} correlation\n{:width$}", "");
    for c in &corr.columns {
        let _ = write!(out, "  {c:>width$}");
    }
    out.push('\n');
    for (c, row) in corr.columns.iter().zip(&corr.matrix) {
        let _ = write!(out, "{c:width$}");
        for r in row {
            let shown = r.map_or_else(|| "-".to_owned(), |r| format!("{r:.3}"));
            let _ = write!(out, "  {shown:>width$}");
        }
        out.push('\n');
    }
}

fn render_warnings(out: &mut String, warnings: &[Warning]) {
    if warnings.is_empty() {
        out.push_str("\ndata quality: nothing to warn of\n");
        return;
    }
    out.push_str("\ndata quality:\n");
    for w in warnings {
        let kind = serde_json::to_value(w.kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        let columns = if w.columns.is_empty() {
            String::new()
        } else {
            format!(" ({})", w.columns.join(", "))
        };
        let _ = writeln!(out, "  {kind}{columns}: {}", w.evidence);
    }
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

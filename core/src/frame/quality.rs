//! Data-quality warnings: what in a table is likely to mislead a model, each with
//! the columns it concerns and the evidence in words. They read the columns'
//! [`Statistics`] and a Pearson matrix, so finding them costs little past those.

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use super::correlation::{Correlation, Method, correlation};
use super::statistics::{Statistics, is_measure, statistics};
use super::{Column, ColumnType, Frame, Role, Values};

/// A value that covers at least this share of a column's values makes it near-constant.
const NEAR_CONSTANT: f64 = 0.99;
/// A column missing at least this share of its values.
const HEAVY_MISSING: f64 = 0.3;
/// Distinct values past which a category is too many to one-hot.
const HIGH_CARDINALITY: usize = 50;
/// |r| at which two numeric columns say nearly the same thing.
const CORRELATED: f64 = 0.95;
/// The accuracy (or |r|) at which one feature alone gives the target away.
const LEAKAGE: f64 = 0.99;
/// The smallest class at most this share of the largest.
const IMBALANCED: f64 = 0.2;
/// Outer fences: values beyond the quartiles by this many interquartile ranges.
const FENCE: f64 = 3.0;
/// The share of a column's values beyond its outer fences worth a warning: a
/// stray value or two is the tail of most real measurements.
const OUTLYING: f64 = 0.01;
/// Rows a column needs before "every value distinct" says it is an identifier.
const ID_ROWS: usize = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WarningKind {
    Constant,
    NearConstant,
    IdLike,
    HeavyMissing,
    HighCardinality,
    Correlated,
    Leakage,
    Imbalance,
    Outliers,
    Duplicates,
    Spellings,
}

/// One warning: what, which columns, and the evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Warning {
    pub kind: WarningKind,
    pub columns: Vec<String>,
    pub evidence: String,
}

/// Every warning for `frame`; with the column a model would predict, `target`
/// (else the column whose role is target), its class balance and the features
/// that give it away too.
pub fn warnings(frame: &Frame, target: Option<&str>) -> Vec<Warning> {
    warnings_with(frame, &statistics(frame), target)
}

/// [`warnings`] from the columns' statistics already computed.
pub fn warnings_with(frame: &Frame, stats: &[Statistics], target: Option<&str>) -> Vec<Warning> {
    let pearson = correlation(frame, Method::Pearson);
    let target = match target {
        Some(name) => frame.columns().iter().position(|c| c.name == name),
        None => frame.columns().iter().position(|c| c.role == Role::Target),
    };
    warnings_from(frame, stats, &pearson, target)
}

fn warnings_from(
    frame: &Frame,
    stats: &[Statistics],
    pearson: &Correlation,
    target: Option<usize>,
) -> Vec<Warning> {
    let mut out = Vec::new();
    for (c, (column, s)) in frame.columns().iter().zip(stats).enumerate() {
        column_warnings(column, s, frame.rows(), &mut out);
        if Some(c) == target {
            imbalance(column, s, &mut out);
        }
    }
    correlated(
        pearson,
        target.map(|t| frame.columns()[t].name.as_str()),
        &mut out,
    );
    if let Some(t) = target {
        leakage(frame, t, pearson, &mut out);
    }
    duplicates(frame, &mut out);
    out
}

/// `n` and the words that agree with it.
fn counted(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn percent(part: usize, whole: usize) -> String {
    format!("{:.1} %", 100.0 * part as f64 / whole.max(1) as f64)
}

fn shown(value: &str) -> String {
    format!("“{value}”")
}

fn warn(out: &mut Vec<Warning>, kind: WarningKind, columns: &[&str], evidence: String) {
    out.push(Warning {
        kind,
        columns: columns.iter().map(|&c| c.to_owned()).collect(),
        evidence,
    });
}

fn column_warnings(column: &Column, s: &Statistics, rows: usize, out: &mut Vec<Warning>) {
    let name = column.name.as_str();
    if s.missing as f64 >= HEAVY_MISSING * rows as f64 && s.missing > 0 {
        let evidence = format!(
            "{} of {rows} values are missing ({})",
            s.missing,
            percent(s.missing, rows)
        );
        warn(out, WarningKind::HeavyMissing, &[name], evidence);
    }
    let top = s.top.first();
    match (s.unique, top) {
        (1, Some(only)) => {
            let evidence = format!("every value present is {}", shown(&only.value));
            warn(out, WarningKind::Constant, &[name], evidence);
        }
        (_, Some(most)) if s.count > 0 && most.count as f64 >= NEAR_CONSTANT * s.count as f64 => {
            let evidence = format!(
                "{} of {} values present are {} ({})",
                most.count,
                s.count,
                shown(&most.value),
                percent(most.count, s.count)
            );
            warn(out, WarningKind::NearConstant, &[name], evidence);
        }
        _ => {}
    }
    let distinct_everywhere = s.unique == s.count && s.missing == 0 && s.count >= ID_ROWS;
    let countable = matches!(
        column.kind(),
        ColumnType::Integer | ColumnType::Categorical | ColumnType::Text | ColumnType::Id
    );
    if column.role != Role::Id
        && (column.kind() == ColumnType::Id || (distinct_everywhere && countable))
    {
        let evidence = format!(
            "each of its {} values is different: it names rows rather than describes them",
            s.count
        );
        warn(out, WarningKind::IdLike, &[name], evidence);
    } else if matches!(column.kind(), ColumnType::Categorical | ColumnType::Text)
        && s.unique > HIGH_CARDINALITY
        && column.role != Role::Id
    {
        let evidence = format!("{} distinct values in {} rows", s.unique, s.count);
        warn(out, WarningKind::HighCardinality, &[name], evidence);
    }
    if is_measure(column.kind()) {
        outliers(column, s, out);
    }
    if let Values::Codes { levels, .. } = column.values() {
        spellings(column, levels, s, out);
    }
}

/// Values beyond the outer fences (three interquartile ranges past the
/// quartiles), at least [`OUTLYING`] of them, and how many lie over three
/// standard deviations from the mean.
fn outliers(column: &Column, s: &Statistics, out: &mut Vec<Warning>) {
    let (Some(q1), Some(q3), Some(mean), Some(std)) = (s.q1, s.q3, s.mean, s.std) else {
        return;
    };
    let iqr = q3 - q1;
    if iqr <= 0.0 {
        return;
    }
    let (lo, hi) = (q1 - FENCE * iqr, q3 + FENCE * iqr);
    let (mut fenced, mut z) = (0usize, 0usize);
    for row in 0..column.len() {
        if let Some(x) = column.number(row) {
            fenced += usize::from(x < lo || x > hi);
            z += usize::from(std > 0.0 && ((x - mean) / std).abs() > 3.0);
        }
    }
    if fenced > 0 && fenced as f64 >= OUTLYING * s.count as f64 {
        let evidence = format!(
            "{} beyond three interquartile ranges from the quartiles (below {} or above {}); {} over three standard deviations from the mean",
            counted(fenced, "value lies", "values lie"),
            super::format_number((lo * 1e4).round() / 1e4),
            super::format_number((hi * 1e4).round() / 1e4),
            counted(z, "is", "are")
        );
        warn(out, WarningKind::Outliers, &[&column.name], evidence);
    }
}

/// A spelling folded for comparison: trimmed, lower case, and the usual words
/// for yes and no made one.
fn folded(level: &str) -> String {
    let key = level.trim().to_lowercase();
    match key.as_str() {
        "y" | "yes" | "true" | "t" => "yes".to_owned(),
        "n" | "no" | "false" | "f" => "no".to_owned(),
        _ => key,
    }
}

fn spellings(column: &Column, levels: &[String], s: &Statistics, out: &mut Vec<Warning>) {
    let mut groups: FxHashMap<String, Vec<&str>> = FxHashMap::default();
    for level in levels {
        groups.entry(folded(level)).or_default().push(level);
    }
    let mut clashes: Vec<Vec<&str>> = groups.into_values().filter(|g| g.len() > 1).collect();
    if clashes.is_empty() {
        return;
    }
    clashes.sort();
    let counts = level_counts(column, levels.len());
    let described: Vec<String> = clashes
        .iter()
        .map(|group| {
            let spelled: Vec<String> = group
                .iter()
                .map(|l| {
                    let n = levels.iter().position(|x| x == l).map_or(0, |i| counts[i]);
                    format!("{} ({n})", shown(l))
                })
                .collect();
            spelled.join(", ")
        })
        .collect();
    let evidence = format!(
        "{} look like the same value spelled differently, among its {} values",
        described.join("; "),
        s.unique
    );
    warn(out, WarningKind::Spellings, &[&column.name], evidence);
}

fn level_counts(column: &Column, levels: usize) -> Vec<usize> {
    let mut counts = vec![0; levels];
    if let Values::Codes { codes, .. } = column.values() {
        for (row, &code) in codes.iter().enumerate() {
            if !column.is_missing(row)
                && let Some(c) = counts.get_mut(code as usize)
            {
                *c += 1;
            }
        }
    }
    counts
}

fn imbalance(target: &Column, s: &Statistics, out: &mut Vec<Warning>) {
    if is_measure(target.kind()) && s.unique > 20 {
        return;
    }
    let (Some(most), Some(least)) = (s.top.first(), s.top.last()) else {
        return;
    };
    // The top values hold every class only when there are few.
    if s.unique < 2 || s.unique > s.top.len() {
        return;
    }
    if (least.count as f64) <= IMBALANCED * most.count as f64 {
        let evidence = format!(
            "the smallest class, {}, has {} rows against {} of {} ({} of the rows)",
            shown(&least.value),
            least.count,
            most.count,
            shown(&most.value),
            percent(least.count, s.count)
        );
        warn(out, WarningKind::Imbalance, &[&target.name], evidence);
    }
}

fn correlated(pearson: &Correlation, target: Option<&str>, out: &mut Vec<Warning>) {
    let names = &pearson.columns;
    for i in 0..names.len() {
        for j in i + 1..names.len() {
            if Some(names[i].as_str()) == target || Some(names[j].as_str()) == target {
                continue;
            }
            if let Some(r) = pearson.matrix[i][j]
                && r.abs() >= CORRELATED
            {
                let evidence =
                    format!("Pearson's r is {r:.3}: each says nearly what the other does");
                warn(
                    out,
                    WarningKind::Correlated,
                    &[&names[i], &names[j]],
                    evidence,
                );
            }
        }
    }
}

/// A feature that alone gives the target away: for a numeric target, |r| at
/// least [`LEAKAGE`]; for classes, one cut of a number or the levels of a
/// category that sorts the rows into their classes that well, where guessing
/// the largest class alone would not.
fn leakage(frame: &Frame, t: usize, pearson: &Correlation, out: &mut Vec<Warning>) {
    let target = &frame.columns()[t];
    if is_measure(target.kind()) {
        let Some(ti) = pearson.columns.iter().position(|c| *c == target.name) else {
            return;
        };
        for (i, name) in pearson.columns.iter().enumerate() {
            if i != ti
                && let Some(r) = pearson.matrix[ti][i]
                && r.abs() >= LEAKAGE
                && frame.column(name).is_some_and(|c| c.role == Role::Feature)
            {
                let evidence = format!("Pearson's r with the target {} is {r:.4}", target.name);
                warn(out, WarningKind::Leakage, &[name, &target.name], evidence);
            }
        }
        return;
    }
    let classes: Vec<Option<String>> = (0..target.len()).map(|r| target.text(r)).collect();
    let mut index: FxHashMap<&str, usize> = FxHashMap::default();
    let labels: Vec<Option<usize>> = classes
        .iter()
        .map(|c| {
            c.as_deref().map(|c| {
                let next = index.len();
                *index.entry(c).or_insert(next)
            })
        })
        .collect();
    let k = index.len();
    if k < 2 {
        return;
    }
    let mut sizes = vec![0usize; k];
    for l in labels.iter().flatten() {
        sizes[*l] += 1;
    }
    let labelled: usize = sizes.iter().sum();
    let baseline = sizes.iter().copied().max().unwrap_or(0) as f64 / labelled.max(1) as f64;
    if baseline >= LEAKAGE {
        return;
    }
    for (c, column) in frame.columns().iter().enumerate() {
        if c == t || column.role != Role::Feature {
            continue;
        }
        let accuracy = if is_measure(column.kind()) {
            stump(column, &labels, k)
        } else if let Values::Codes { codes, levels } = column.values() {
            by_level(column, codes, levels.len(), &labels, k)
        } else {
            None
        };
        if let Some((right, of)) = accuracy
            && right as f64 >= LEAKAGE * of as f64
        {
            let evidence = format!(
                "on its own it puts {right} of {of} rows in their class {} ({}), where the largest class alone is {}",
                target.name,
                percent(right, of),
                percent((baseline * labelled as f64).round() as usize, labelled)
            );
            warn(
                out,
                WarningKind::Leakage,
                &[&column.name, &target.name],
                evidence,
            );
        }
    }
}

/// The rows one cut of a number sorts into their classes (each side its
/// largest class), and the rows with both values.
fn stump(column: &Column, labels: &[Option<usize>], k: usize) -> Option<(usize, usize)> {
    let mut rows: Vec<(f64, usize)> = labels
        .iter()
        .enumerate()
        .filter_map(|(r, l)| Some((column.number(r)?, (*l)?)))
        .collect();
    if rows.len() < ID_ROWS {
        return None;
    }
    rows.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut right = vec![0usize; k];
    for &(_, l) in &rows {
        right[l] += 1;
    }
    let mut left = vec![0usize; k];
    let mut best = right.iter().copied().max().unwrap_or(0);
    for i in 0..rows.len() - 1 {
        let l = rows[i].1;
        left[l] += 1;
        right[l] -= 1;
        // Only between different values can a cut fall.
        if rows[i].0 < rows[i + 1].0 {
            let sorted = left.iter().max().unwrap_or(&0) + right.iter().max().unwrap_or(&0);
            best = best.max(sorted);
        }
    }
    Some((best, rows.len()))
}

/// The rows a category sorts into their classes, each level its largest class;
/// `None` for a category with a level per few rows, which would sort any target.
fn by_level(
    column: &Column,
    codes: &[u32],
    levels: usize,
    labels: &[Option<usize>],
    k: usize,
) -> Option<(usize, usize)> {
    let mut table = vec![0usize; levels * k];
    let mut of = 0;
    for (row, (&code, label)) in codes.iter().zip(labels).enumerate() {
        if let Some(l) = label
            && !column.is_missing(row)
            && (code as usize) < levels
        {
            table[code as usize * k + l] += 1;
            of += 1;
        }
    }
    if of < ID_ROWS || levels * 2 > of {
        return None;
    }
    let right = table
        .chunks(k.max(1))
        .map(|per| per.iter().copied().max().unwrap_or(0))
        .sum();
    Some((right, of))
}

/// Each cell as a word for hashing: a number's bits, a level's code, a text's hash.
fn cell_word(column: &Column, row: usize) -> u64 {
    use std::hash::{Hash, Hasher};
    if column.is_missing(row) {
        return u64::MAX;
    }
    match column.values() {
        Values::Codes { codes, .. } => u64::from(codes[row]),
        Values::Strings(_) => {
            let mut h = rustc_hash::FxHasher::default();
            column.level(row).hash(&mut h);
            h.finish()
        }
        _ => column
            .number(row)
            .map_or(u64::MAX - 1, |x| (x + 0.0).to_bits()),
    }
}

/// Rows equal in every column to a row before them: rows hashed column by
/// column, and rows whose hashes meet compared value by value.
fn duplicates(frame: &Frame, out: &mut Vec<Warning>) {
    let rows = frame.rows();
    let columns = frame.columns();
    if columns.is_empty() {
        return;
    }
    let mut hashes = vec![0xcbf2_9ce4_8422_2325u64; rows];
    for column in columns {
        for (row, h) in hashes.iter_mut().enumerate() {
            *h = (h.rotate_left(5) ^ cell_word(column, row)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    let same = |a: usize, b: usize| columns.iter().all(|c| c.text(a) == c.text(b));
    let mut seen: FxHashMap<u64, Vec<usize>> = FxHashMap::default();
    let (mut repeated, mut example) = (0usize, None);
    for (row, &h) in hashes.iter().enumerate() {
        let earlier = seen.entry(h).or_default();
        match earlier.iter().copied().find(|&first| same(first, row)) {
            Some(first) => {
                repeated += 1;
                example.get_or_insert((first, row));
            }
            None => earlier.push(row),
        }
    }
    if let Some((first, again)) = example {
        let evidence = format!(
            "{} an earlier row in every column ({} of the rows); the first, row {}, repeats row {}",
            counted(repeated, "row repeats", "rows repeat"),
            percent(repeated, rows),
            again + 1,
            first + 1
        );
        warn(out, WarningKind::Duplicates, &[], evidence);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(frame: &Frame) -> Vec<(WarningKind, Vec<String>)> {
        warnings(frame, None)
            .into_iter()
            .map(|w| (w.kind, w.columns))
            .collect()
    }

    #[test]
    fn each_column_problem_is_named_with_its_evidence() {
        let n = 100;
        let constant = Column::floats("constant", (0..n).map(|_| Some(2.0)));
        let nearly = Column::floats(
            "nearly",
            (0..n).map(|i| Some(if i == 0 { 1.0 } else { 0.0 })),
        );
        let gappy = Column::floats("gappy", (0..n).map(|i| (i % 2 == 0).then_some(i as f64)));
        let spread = Column::floats(
            "spread",
            (0..n).map(|i| Some(if i == 7 { 1e6 } else { i as f64 })),
        );
        let twin = Column::floats(
            "twin",
            (0..n).map(|i| Some(if i == 7 { 2e6 } else { 2.0 * i as f64 })),
        );
        let spelled = Column::categories(
            "answer",
            (0..n).map(|i| Some(["Yes", "yes", "Y ", "No"][i % 4])),
        );
        let frame =
            Frame::new(n, vec![constant, nearly, gappy, spread, twin, spelled]).expect("frame");
        let found = warnings(&frame, None);
        let has = |kind: WarningKind, column: &str| {
            found
                .iter()
                .any(|w| w.kind == kind && w.columns.iter().any(|c| c == column))
        };
        assert!(has(WarningKind::Constant, "constant"));
        assert!(has(WarningKind::NearConstant, "nearly"));
        assert!(has(WarningKind::HeavyMissing, "gappy"));
        assert!(has(WarningKind::Outliers, "spread"));
        assert!(has(WarningKind::Correlated, "twin"));
        assert!(has(WarningKind::Spellings, "answer"));
        let spelling = found
            .iter()
            .find(|w| w.kind == WarningKind::Spellings)
            .expect("spellings");
        assert_eq!(
            spelling.evidence,
            "“Yes” (25), “yes” (25), “Y ” (25) look like the same value spelled differently, among its 4 values"
        );
        assert!(
            !has(WarningKind::IdLike, "spread"),
            "floats all distinct are measurements"
        );
    }

    #[test]
    fn a_feature_that_gives_the_target_away_and_a_rare_class() {
        let n = 200;
        let class: Vec<&str> = (0..n)
            .map(|i| if i % 10 == 0 { "rare" } else { "common" })
            .collect();
        let mut target = Column::categories("class", class.iter().map(|c| Some(*c)));
        target.role = Role::Target;
        let leak = Column::floats(
            "leak",
            (0..n).map(|i| Some(if i % 10 == 0 { 5.0 } else { 1.0 } + (i % 3) as f64 / 10.0)),
        );
        let noise = Column::floats("noise", (0..n).map(|i| Some(((i * 37) % 11) as f64)));
        let id = Column::floats("row", (0..n).map(|i| Some(i as f64)));
        let frame = Frame::new(n, vec![target, leak, noise, id]).expect("frame");
        let found = kinds(&frame);
        assert!(
            found.contains(&(WarningKind::Leakage, vec!["leak".into(), "class".into()])),
            "{found:?}"
        );
        assert!(
            !found
                .iter()
                .any(|(k, c)| *k == WarningKind::Leakage && c[0] == "noise")
        );
        assert!(
            found.contains(&(WarningKind::Imbalance, vec!["class".into()])),
            "{found:?}"
        );
    }

    #[test]
    fn repeated_rows_and_identifiers() {
        let ids = Column::categories("code", (0..30).map(|i| Some(["a", "b", "c"][i % 3])));
        let n = Column::floats("n", (0..30).map(|i| Some((i % 3) as f64)));
        let frame = Frame::new(30, vec![ids, n]).expect("frame");
        let found = warnings(&frame, None);
        let dup = found
            .iter()
            .find(|w| w.kind == WarningKind::Duplicates)
            .expect("duplicates");
        assert_eq!(
            dup.evidence,
            "27 rows repeat an earlier row in every column (90.0 % of the rows); the first, row 4, repeats row 1"
        );
        let keys: Vec<String> = (0..25).map(|i| format!("k{i}")).collect();
        let unique = Column::categories("key", keys.iter().map(|k| Some(k.as_str())));
        let frame = Frame::new(25, vec![unique]).expect("frame");
        assert!(kinds(&frame).contains(&(WarningKind::IdLike, vec!["key".into()])));
    }
}

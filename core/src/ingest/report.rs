//! The load report: every row or value that was not read as written is counted
//! here, with its first examples and the policy that was applied.

use serde::{Deserialize, Serialize};

/// Examples kept per problem.
pub const MAX_EXAMPLES: usize = 5;

/// What went wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    /// A header cell was blank.
    EmptyHeader,
    /// A header name appeared more than once.
    DuplicateHeader,
    /// Data rows have more fields than the header names.
    MissingHeader,
    /// A row had fewer fields than the header.
    ShortRow,
    /// A row had more fields than the header.
    LongRow,
    /// A row ended with empty extra fields (a trailing delimiter).
    TrailingDelimiter,
    /// A value did not fit its column's type.
    UnparsableValue,
    /// Bytes that are not valid in the file's encoding.
    InvalidEncoding,
}

/// What was done about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Policy {
    /// The row was left out of the frame.
    SkipRow,
    /// The value was stored as missing.
    SetMissing,
    /// The column was given a generated or suffixed name.
    Renamed,
    /// The extra fields were dropped, the row kept.
    Ignored,
    /// The bytes were read as Windows-1252 instead.
    Replaced,
}

/// Where one instance was.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Example {
    /// The data row, counting from 1 after the header.
    pub row: u64,
    /// The line of the file the row starts on.
    pub line: u64,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub column: Option<String>,
    pub value: String,
}

/// One line of the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Problem {
    pub kind: ProblemKind,
    /// The column it concerns, for per-column problems.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub column: Option<String>,
    pub count: u64,
    pub examples: Vec<Example>,
    pub policy: Policy,
    /// The line people read.
    pub message: String,
}

/// Collects problems while a file loads.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    problems: Vec<Problem>,
}

impl Report {
    /// Counts one instance of `kind` (in `column`), keeping it as an example while
    /// there are fewer than [`MAX_EXAMPLES`].
    pub fn add(
        &mut self,
        kind: ProblemKind,
        policy: Policy,
        column: Option<&str>,
        example: impl FnOnce() -> Example,
    ) {
        let problem = self.entry(kind, policy, column);
        problem.count += 1;
        if problem.examples.len() < MAX_EXAMPLES {
            problem.examples.push(example());
        }
    }

    /// Counts `count` instances of `kind` (in `column`) met elsewhere, with their
    /// first examples in order, as if each had been [`add`](Self::add)ed in turn.
    pub fn merge(
        &mut self,
        kind: ProblemKind,
        policy: Policy,
        column: Option<&str>,
        count: u64,
        examples: Vec<Example>,
    ) {
        if count == 0 {
            return;
        }
        let problem = self.entry(kind, policy, column);
        problem.count += count;
        let room = MAX_EXAMPLES.saturating_sub(problem.examples.len());
        problem.examples.extend(examples.into_iter().take(room));
    }

    /// The line for `kind` (in `column`), added at the end when new.
    fn entry(&mut self, kind: ProblemKind, policy: Policy, column: Option<&str>) -> &mut Problem {
        let column = match kind {
            ProblemKind::UnparsableValue | ProblemKind::InvalidEncoding => {
                column.map(str::to_owned)
            }
            _ => None,
        };
        let index = match self
            .problems
            .iter()
            .position(|p| p.kind == kind && p.column == column)
        {
            Some(i) => i,
            None => {
                self.problems.push(Problem {
                    kind,
                    column,
                    count: 0,
                    examples: Vec::new(),
                    policy,
                    message: String::new(),
                });
                self.problems.len() - 1
            }
        };
        &mut self.problems[index]
    }

    /// The problems, each with its message written.
    pub fn finish(mut self, type_of: impl Fn(&str) -> Option<&'static str>) -> Vec<Problem> {
        for problem in &mut self.problems {
            problem.message = message(problem, &type_of);
        }
        self.problems
    }
}

fn plural(count: u64, one: &str, many: &str) -> String {
    if count == 1 {
        format!("1 {one}")
    } else {
        format!("{count} {many}")
    }
}

fn message(problem: &Problem, type_of: &impl Fn(&str) -> Option<&'static str>) -> String {
    let n = problem.count;
    let column = problem.column.as_deref().unwrap_or("");
    match problem.kind {
        ProblemKind::EmptyHeader => format!(
            "{} had no name in the header; named by position",
            plural(n, "column", "columns")
        ),
        ProblemKind::DuplicateHeader => format!(
            "{} repeated an earlier name; numbered to keep them apart",
            plural(n, "column name", "column names")
        ),
        ProblemKind::MissingHeader => format!(
            "rows have {} more than the header names; named by position",
            plural(n, "field", "fields")
        ),
        ProblemKind::ShortRow => format!(
            "{} had fewer fields than the header; the absent values are missing",
            plural(n, "row", "rows")
        ),
        ProblemKind::LongRow => format!(
            "{} had more fields than the header and {} skipped",
            plural(n, "row", "rows"),
            if n == 1 { "was" } else { "were" }
        ),
        ProblemKind::TrailingDelimiter => format!(
            "{} ended with empty extra fields (a trailing delimiter); they were dropped",
            plural(n, "row", "rows")
        ),
        ProblemKind::UnparsableValue => format!(
            "{} in column \"{column}\" could not be read as {}; set to missing. Change the column's type to text to keep them",
            plural(n, "value", "values"),
            type_of(column).unwrap_or("its type")
        ),
        ProblemKind::InvalidEncoding => format!(
            "{} in column \"{column}\" had bytes that are not valid in the file's encoding; read as Windows-1252",
            plural(n, "value", "values")
        ),
    }
}

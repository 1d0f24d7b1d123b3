//! Environment diff: the same suite against two PDPs, keeping only the checks whose
//! decisions differ, each with both explanations.

use std::fmt::Write as _;

use serde_json::{json, Value};

use super::file::{decision_word, Suite};
use super::run::{explain_line, CheckRun, Explanation, SuiteRun};
use crate::printable::escape_line;

/// One side of a difference.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Side {
    pub target: String,
    pub allow: bool,
    pub explanations: Vec<Explanation>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Difference {
    pub name: String,
    pub line: usize,
    pub a: Side,
    pub b: Side,
}

/// A check that could not be compared because one side failed.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DiffError {
    pub name: String,
    pub target: String,
    pub kind: String,
    pub message: String,
}

#[derive(Debug, Clone, Default)]
pub struct DiffReport {
    pub compared: usize,
    pub differences: Vec<Difference>,
    pub errors: Vec<DiffError>,
}

impl DiffReport {
    /// 0 when the decisions agree, 1 when some differ, 2 when a check could not be compared.
    pub fn exit_code(&self) -> i32 {
        if !self.errors.is_empty() {
            2
        } else if !self.differences.is_empty() {
            1
        } else {
            0
        }
    }
}

fn error_of(run: &CheckRun, target: &str) -> Option<DiffError> {
    match &run.answer.result {
        Ok(_) => None,
        Err(err) => Some(DiffError {
            name: run.check.name.clone(),
            target: target.to_string(),
            kind: err.kind().to_string(),
            message: err.to_string(),
        }),
    }
}

/// Compares two runs of the same suite, check by check.
pub fn diff_runs(a: &SuiteRun, b: &SuiteRun) -> DiffReport {
    let mut report = DiffReport::default();
    for (left, right) in a.runs.iter().zip(&b.runs) {
        let errors: Vec<DiffError> = [error_of(left, &a.target), error_of(right, &b.target)]
            .into_iter()
            .flatten()
            .collect();
        if !errors.is_empty() {
            report.errors.extend(errors);
            continue;
        }
        report.compared += 1;
        let (Some(allow_a), Some(allow_b)) = (left.allow(), right.allow()) else {
            continue;
        };
        if allow_a != allow_b {
            report.differences.push(Difference {
                name: left.check.name.clone(),
                line: left.check.line,
                a: Side {
                    target: a.target.clone(),
                    allow: allow_a,
                    explanations: left.explanations(),
                },
                b: Side {
                    target: b.target.clone(),
                    allow: allow_b,
                    explanations: right.explanations(),
                },
            });
        }
    }
    report
}

pub fn render_diff_text(suite: &Suite, a: &SuiteRun, b: &SuiteRun, report: &DiffReport) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Suite {} ({}): {} ({}) vs {} ({})",
        suite.name,
        suite.source.display(),
        a.target,
        a.pdp_url,
        b.target,
        b.pdp_url
    );
    for d in &report.differences {
        let _ = writeln!(out, "\n≠ {} (line {})", escape_line(&d.name), d.line);
        for side in [&d.a, &d.b] {
            let _ = writeln!(
                out,
                "    {:<14} {:<5}  {}",
                side.target,
                decision_word(side.allow),
                escape_line(&explain_line(&side.explanations))
            );
        }
    }
    for e in &report.errors {
        let _ = writeln!(
            out,
            "\n! {} on {}: [{}] {}",
            escape_line(&e.name),
            e.target,
            e.kind,
            escape_line(&e.message)
        );
    }
    let _ = writeln!(
        out,
        "\n{} of {} checks differ{}",
        report.differences.len(),
        report.compared,
        if report.errors.is_empty() {
            String::new()
        } else {
            format!(", {} could not be compared", report.errors.len())
        }
    );
    out
}

pub fn render_diff_json(suite: &Suite, a: &SuiteRun, b: &SuiteRun, report: &DiffReport) -> Value {
    json!({
        "suite": suite.name,
        "file": suite.source.display().to_string(),
        "a": {"target": a.target, "pdp_url": a.pdp_url},
        "b": {"target": b.target, "pdp_url": b.pdp_url},
        "compared": report.compared,
        "differences": report.differences,
        "errors": report.errors,
        "exit_code": report.exit_code(),
    })
}

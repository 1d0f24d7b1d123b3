//! Decisions explained for people: a tree that reads in seconds, and the facts that would
//! turn a deny into an allow. Built from the sandbox trace when present, from Permit's
//! `debug` blocks otherwise. Pure functions: the explorer only draws what they return.

mod edit;
mod suggest;
mod tree;

pub use edit::{apply as apply_edits, FormEdit};
pub use suggest::{what_would_allow, Suggestion};

pub use tree::{explain, Mark, Node};

use serde_json::Value;

use crate::pdp::trace::SandboxTrace;
use crate::pdp::types::AllowedResult;

/// The sandbox trace of a result, when the PDP sent one this version can read.
pub fn sandbox_trace(result: &AllowedResult) -> Option<SandboxTrace> {
    let raw = result.debug.as_ref()?.sandbox_trace.clone()?;
    serde_json::from_value(raw).ok()
}

/// An operator as a person reads it.
pub fn operator_text(operator: &str) -> &str {
    match operator {
        "equals" => "=",
        "not-equals" => "≠",
        "greater-than" => ">",
        "greater-than-equals" => "≥",
        "less-than" => "<",
        "less-than-equals" => "≤",
        "allOf" => "all of",
        "anyOf" => "any of",
        "not" => "not",
        "array_contains" => "contains",
        "array_subset" => "is a subset of",
        "array_superset" => "is a superset of",
        "array_intersect" => "shares an item with",
        other => other,
    }
}

/// A JSON value, short: strings unquoted when they are simple.
pub fn value_text(value: &Value) -> String {
    if let Some(reference) = value.get("ref").and_then(Value::as_str) {
        let resolved = value
            .get("value")
            .map(value_text)
            .unwrap_or_else(|| "missing".into());
        return format!("{reference} ({resolved})");
    }
    match value {
        Value::String(s) if !s.is_empty() && !s.contains([' ', ',', '"']) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests;

/// The tree and, for a deny, the suggestions as plain lines for a terminal report
/// (`✔ pass`, `✘ fail`, `· info`, `◀ decisive`), each indented by `indent`.
pub fn text_lines(
    query: &crate::pdp::types::AllowedQuery,
    result: &AllowedResult,
    indent: &str,
) -> Vec<String> {
    let root = explain(query, result);
    let mut lines: Vec<String> = root
        .walk()
        .into_iter()
        .map(|(depth, node)| {
            let mark = match node.mark {
                Mark::Pass => "✔",
                Mark::Fail => "✘",
                Mark::Info => "·",
            };
            let decisive = if node.decisive { "  ◀ decisive" } else { "" };
            format!(
                "{indent}{}{mark} {}{decisive}",
                "  ".repeat(depth),
                node.text
            )
        })
        .collect();
    let suggestions = what_would_allow(query, result);
    if !suggestions.is_empty() {
        lines.push(format!("{indent}to allow:"));
        lines.extend(
            suggestions
                .iter()
                .map(|s| format!("{indent}  → {:<6}{}", s.model.to_uppercase(), s.text)),
        );
    }
    lines
}

/// What decided, per model, in one line each: the first thing a person reads.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelFact {
    /// `RBAC`, `ABAC`, `ReBAC`, or a debug block's name.
    pub model: String,
    pub allow: bool,
    /// The decisive fact: the grant of an allow, the failing fact of a deny.
    pub fact: String,
}

/// The answer in brief: each model's decisive fact and, for a deny, what would allow it.
#[derive(Debug, Clone, PartialEq)]
pub struct AnswerSummary {
    pub facts: Vec<ModelFact>,
    pub to_allow: Vec<Suggestion>,
    /// The whole explanation, for the decision tab (drawn every frame, built once).
    pub tree: Node,
    /// The sandbox's trace was read (its codes are drawn apart from the tree then).
    pub from_trace: bool,
}

/// Built once per answer (the trace is parsed once), for the pinned block under the badge.
pub fn summarize(query: &crate::pdp::types::AllowedQuery, result: &AllowedResult) -> AnswerSummary {
    let root = explain(query, result);
    let facts = root
        .children
        .iter()
        .filter(|model| model.mark != Mark::Info)
        .map(|model| {
            let decisive = model
                .walk()
                .into_iter()
                .map(|(_, node)| node)
                .find(|node| node.decisive);
            let fact = match decisive {
                Some(node) => node.text.clone(),
                // A model without a marked fact: its first child of the same verdict.
                None => model
                    .children
                    .iter()
                    .find(|c| c.mark == model.mark)
                    .map_or_else(String::new, |c| c.text.clone()),
            };
            let name = model.text.split(':').next().unwrap_or_default().to_string();
            ModelFact {
                model: name,
                allow: model.mark == Mark::Pass,
                fact,
            }
        })
        .collect();
    AnswerSummary {
        facts,
        to_allow: what_would_allow(query, result),
        tree: root,
        from_trace: sandbox_trace(result).is_some(),
    }
}

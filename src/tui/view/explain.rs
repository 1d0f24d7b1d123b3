//! The explain tree as indented lines (✔ pass, ✘ fail, · info; the decisive fact reversed
//! and pointed at, so it stands out without colour too), and for a deny the "What would make
//! this allow?" suggestions.

use ratatui::style::Modifier;
use ratatui::text::{Line, Span};

use crate::explain::{explain, what_would_allow, Mark, Node};
use crate::pdp::types::{AllowedQuery, AllowedResult};
use crate::tui::theme::Theme;

pub const DECISIVE_POINTER: &str = "  ◀ decisive";

pub fn tree_lines(
    query: &AllowedQuery,
    result: &AllowedResult,
    theme: Theme,
    fold: bool,
) -> Vec<Line<'static>> {
    tree_lines_of(&explain(query, result), theme, fold)
}

fn tree_lines_of(root: &Node, theme: Theme, fold: bool) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    node_lines(root, 0, theme, fold, &mut out);
    out
}

/// A node and, unless it is a passing branch that decided nothing (folded when `fold`), its
/// children: what failed and what decided stay in view, what merely held takes one line.
fn node_lines(node: &Node, depth: usize, theme: Theme, fold: bool, out: &mut Vec<Line<'static>>) {
    out.push(node_line(node, depth, theme));
    let hidden = node.walk().len() - 1;
    let folded = fold
        && depth > 0
        && node.mark == Mark::Pass
        // Folding one line into one line hides without saving room.
        && hidden > 1
        && !node.walk().iter().any(|(_, n)| n.decisive);
    if folded {
        out.push(Line::styled(
            format!(
                "{}  … {hidden} passing {} folded (z unfolds)",
                "  ".repeat(depth + 1),
                if hidden == 1 { "line" } else { "lines" }
            ),
            theme.dim(),
        ));
        return;
    }
    for child in &node.children {
        node_lines(child, depth + 1, theme, fold, out);
    }
}

fn node_line(node: &Node, depth: usize, theme: Theme) -> Line<'static> {
    let (mark, style) = match node.mark {
        Mark::Pass => ("✔ ", theme.allow()),
        Mark::Fail => ("✘ ", theme.deny()),
        Mark::Info => ("· ", theme.dim()),
    };
    let text_style = if depth == 0 {
        theme.heading()
    } else if node.decisive && node.mark == Mark::Pass {
        theme.allow().add_modifier(Modifier::REVERSED)
    } else if node.decisive {
        theme.deny().add_modifier(Modifier::REVERSED)
    } else {
        ratatui::style::Style::default()
    };
    let mut spans = vec![
        Span::raw("  ".repeat(depth)),
        Span::styled(mark, style),
        Span::styled(node.text.clone(), text_style),
    ];
    if node.decisive {
        spans.push(Span::styled(DECISIVE_POINTER, theme.warn()));
    }
    Line::from(spans)
}

/// For a deny, what would allow it; `numbered` where a digit applies them (the result panel).
pub fn suggestion_lines(
    query: &AllowedQuery,
    result: &AllowedResult,
    theme: Theme,
    numbered: bool,
) -> Vec<Line<'static>> {
    if result.allow {
        return Vec::new();
    }
    suggestion_lines_of(&what_would_allow(query, result), theme, numbered)
}

fn suggestion_lines_of(
    suggestions: &[crate::explain::Suggestion],
    theme: Theme,
    numbered: bool,
) -> Vec<Line<'static>> {
    let mut lines = vec![Line::styled("What would make this allow?", theme.heading())];
    if suggestions.is_empty() {
        lines.push(Line::styled(
            "  Nothing to suggest from this answer (turn the PDP's debug mode on for more).",
            theme.dim(),
        ));
    }
    // Markers only where a digit applies one: a list of changes in Permit needs none.
    let numbered = numbered && suggestions.iter().any(|s| !s.edits.is_empty());
    for (i, s) in suggestions.iter().enumerate() {
        lines.push(Line::from(vec![
            Span::styled(format!("  → {:<6}", s.model.to_uppercase()), theme.accent()),
            if numbered {
                suggestion_key(i, s, theme)
            } else {
                Span::raw("")
            },
            Span::raw(s.text.clone()),
        ]));
    }
    if numbered {
        lines.push(Line::styled(
            "  A digit (in the result panel) makes that change on the form and runs it as a what-if.",
            theme.dim(),
        ));
    }
    lines
}

/// Permit's own verdict per model, one line each (`RBAC ✔ allow — reason`): the codes people
/// search Permit's docs for.
pub fn code_lines(result: &AllowedResult, theme: Theme) -> Vec<Line<'static>> {
    let Some(debug) = &result.debug else {
        return Vec::new();
    };
    debug
        .blocks()
        .map(|(name, block)| {
            let (mark, style) = if block.allow {
                ("✔", theme.allow())
            } else {
                ("✘", theme.deny())
            };
            Line::from(vec![
                Span::styled(format!("{:<6}", name.to_uppercase()), theme.heading()),
                Span::styled(
                    format!("{mark} {}", block.code.as_deref().unwrap_or("-")),
                    style,
                ),
                // A deny's reason is long and the tree below says it better; an allow's is
                // the one-line why.
                Span::styled(
                    block
                        .reason
                        .as_deref()
                        .filter(|_| block.allow)
                        .map(|r| format!(" — {r}"))
                        .unwrap_or_default(),
                    theme.dim(),
                ),
            ])
        })
        .collect()
}

/// Permit's codes, the tree, then suggestions for a deny.
pub fn lines(
    query: &AllowedQuery,
    result: &AllowedResult,
    theme: Theme,
    fold: bool,
    numbered: bool,
) -> Vec<Line<'static>> {
    let explained = crate::explain::summarize(query, result);
    lines_of(&explained, result, theme, fold, numbered)
}

/// [`lines`] from an answer explained once ([`crate::explain::summarize`]): what the
/// decision tab draws every frame without reading the trace again.
pub fn lines_of(
    explained: &crate::explain::AnswerSummary,
    result: &AllowedResult,
    theme: Theme,
    fold: bool,
    numbered: bool,
) -> Vec<Line<'static>> {
    // The tree from debug blocks already carries the codes; the one from the trace does not.
    let from_trace = explained.from_trace;
    let mut out = if from_trace {
        code_lines(result, theme)
    } else {
        Vec::new()
    };
    if !out.is_empty() {
        out.push(Line::raw(""));
    }
    out.extend(tree_lines_of(&explained.tree, theme, fold));
    let suggestions = if result.allow {
        Vec::new()
    } else {
        suggestion_lines_of(&explained.to_allow, theme, numbered)
    };
    if !suggestions.is_empty() {
        out.push(Line::raw(""));
        out.extend(suggestions);
    }
    let mut links = result
        .debug
        .iter()
        .flat_map(|d| d.blocks())
        .filter_map(|(_, b)| b.support_link.clone())
        .filter(|_| from_trace);
    if let Some(first) = links.next() {
        out.push(Line::raw(""));
        out.push(Line::from(vec![
            Span::styled("support: ", theme.label()),
            Span::styled(first, theme.accent()),
        ]));
    }
    for link in links {
        out.push(Line::from(vec![
            Span::styled("support: ", theme.label()),
            Span::styled(link, theme.accent()),
        ]));
    }
    out
}

/// `[1] ` for a suggestion the digit applies to the form, `·   ` for one made in Permit.
pub fn suggestion_key(
    index: usize,
    suggestion: &crate::explain::Suggestion,
    theme: Theme,
) -> Span<'static> {
    if suggestion.edits.is_empty() || index >= 9 {
        Span::styled("·   ", theme.dim())
    } else {
        Span::styled(format!("[{}] ", index + 1), theme.key())
    }
}

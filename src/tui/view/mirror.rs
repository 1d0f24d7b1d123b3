//! The mirror in the decision panel (whether it agrees, its explanation, the causes of a
//! disagreement) and the PDP view (health, API version, drift against the mirror).

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

use crate::printable::escape_line;
use crate::tui::app::{App, CheckOutcome};
use crate::tui::mirror::model::MirrorState;
use crate::tui::theme::Theme;

use super::overlay::popup;

/// The one line that says whether the mirror agrees, for the top of the Decision tab.
pub fn headline(app: &App, outcome: &CheckOutcome, theme: Theme) -> Option<Line<'static>> {
    if let Some(m) = &outcome.mirror {
        let c = &m.comparison;
        let style = if c.agree() && c.codes.is_empty() {
            theme.dim()
        } else {
            theme.warn()
        };
        return Some(Line::styled(c.headline(m.age), style));
    }
    let state = app
        .targets
        .iter()
        .find(|t| t.target.name == outcome.target_name && !t.target.is_sandbox)
        .map(|t| &t.mirror)?;
    match state {
        MirrorState::Loading => Some(Line::styled("mirror: loading…", theme.dim())),
        MirrorState::Failed(why) => Some(Line::styled(
            format!("mirror: does not load ({})", escape_line(why)),
            theme.warn(),
        )),
        MirrorState::Absent => Some(Line::styled(
            "no mirror: Alt-E, then s, snapshots this environment so its answers get the full explanation",
            theme.dim(),
        )),
        MirrorState::Ready(_) if outcome.exchange.result.is_ok() => {
            Some(Line::styled("mirror: deciding…", theme.dim()))
        }
        MirrorState::Ready(_) | MirrorState::Unknown => None,
    }
}

/// Under the PDP's answer: the mirror's codes where they differ, its tree and suggestions,
/// and the causes of a disagreement, most likely first.
pub fn section(outcome: &CheckOutcome, theme: Theme, fold: bool) -> Vec<Line<'static>> {
    let Some(m) = &outcome.mirror else {
        return Vec::new();
    };
    let c = &m.comparison;
    let mut lines = vec![
        Line::raw(""),
        Line::styled(
            format!(
                "Mirror (snapshot {} old)",
                crate::store::time::age_text(m.age)
            ),
            theme.heading(),
        ),
    ];
    for d in &c.codes {
        lines.push(Line::from(vec![
            Span::styled(format!("  {:<6}", d.model.to_uppercase()), theme.label()),
            Span::raw(format!(
                "PDP {}, mirror {}",
                escape_line(d.pdp.as_deref().unwrap_or("-")),
                escape_line(d.mirror.as_deref().unwrap_or("-"))
            )),
        ]));
    }
    lines.extend(super::explain::tree_lines(
        &outcome.request.query,
        &m.result,
        theme,
        fold,
    ));
    let suggestions =
        super::explain::suggestion_lines(&outcome.request.query, &m.result, theme, false);
    if !suggestions.is_empty() {
        lines.push(Line::raw(""));
        lines.extend(suggestions);
    }
    if !c.causes.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            "Why they may differ, most likely first:",
            theme.heading(),
        ));
        for (i, cause) in c.causes.iter().enumerate() {
            lines.push(Line::raw(format!(
                "  {}. {}",
                i + 1,
                escape_line(&cause.text)
            )));
            lines.push(Line::styled(
                format!("     → {}", cause.in_explorer),
                theme.dim(),
            ));
        }
    }
    lines
}

/// `3 h` for a ready mirror, the progress of one being taken, else nothing.
pub fn picker_cell(app: &App, target: usize) -> String {
    if let Some((busy, progress)) = &app.mirror.taking {
        if *busy == target {
            return format!("snapshot: {progress}");
        }
    }
    match app.targets.get(target).map(|t| &t.mirror) {
        Some(MirrorState::Ready(m)) => format!(
            "mirror {}",
            crate::store::time::age_text(m.age(std::time::SystemTime::now()))
        ),
        Some(MirrorState::Failed(_)) => "mirror broken".to_string(),
        _ => String::new(),
    }
}

pub fn render_pdp_view(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let Some((target, report)) = &app.mirror.pdp_view else {
        return;
    };
    let name = app
        .targets
        .get(*target)
        .map(|t| t.target.name.clone())
        .unwrap_or_default();
    let inner = popup(frame, area, 100, 24, &format!("PDP · {name}"), theme);
    let mut lines = Vec::new();
    match report {
        None => lines.push(Line::styled("Asking the PDP…", theme.dim())),
        Some(report) => {
            for text in report.lines() {
                let style = if text.contains("in sync") {
                    theme.allow()
                } else if text.contains("lacks") || text.contains("has extra") {
                    theme.warn()
                } else {
                    ratatui::style::Style::default()
                };
                lines.push(Line::styled(escape_line(&text).into_owned(), style));
            }
            if report.drift.is_none() {
                lines.push(Line::styled(
                    "s takes a snapshot of this environment; its role assignments are then compared.",
                    theme.dim(),
                ));
            }
        }
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "r asks again · s refreshes the mirror · Esc closes",
        theme.dim(),
    ));
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

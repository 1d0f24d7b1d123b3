//! The audit-log view (filter, rows newest first, paging state) and, in the decision panel,
//! the recorded answer of a log loaded into the form.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::printable::escape_line;
use crate::tui::app::App;
use crate::tui::theme::Theme;

use super::overlay::popup;
use super::overlay::{input_line, scrolled};

fn word(decision: Option<bool>) -> &'static str {
    match decision {
        Some(true) => "ALLOW",
        Some(false) => "DENY",
        None => "-",
    }
}

/// `2026-12-04 05:45:04`: to the second, in UTC as logged.
fn short_time(timestamp: &str) -> String {
    timestamp
        .chars()
        .take(19)
        .collect::<String>()
        .replace('T', " ")
}

fn cut(text: &str, width: usize) -> String {
    let text = escape_line(text);
    if text.chars().count() <= width {
        format!("{text:<width$}")
    } else {
        let kept: String = text.chars().take(width.saturating_sub(1)).collect();
        format!("{kept}…")
    }
}

pub fn render(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let panel = &app.audit;
    let name = app
        .target()
        .map(|t| t.target.name.clone())
        .unwrap_or_default();
    let inner = popup(
        frame,
        area,
        area.width.saturating_sub(4),
        area.height.saturating_sub(2),
        &format!("Audit log · {name}"),
        theme,
    );
    let mut lines = vec![
        input_line("Filter", &panel.filter.lines().join(" "), theme),
        Line::styled(
            "user:KEY resource:TYPE tenant:T action:A decision:allow|deny since:24h · Enter applies, then loads the selected log",
            theme.dim(),
        ),
    ];
    let status = match (&panel.error, panel.loading, panel.total) {
        (Some(error), _, _) => Line::styled(escape_line(error).into_owned(), theme.warn()),
        (None, true, _) => Line::styled("reading…", theme.dim()),
        (None, false, Some(total)) => Line::styled(
            format!(
                "{} of {total} log(s), newest first{}",
                panel.rows.len(),
                if total > crate::audit::fetch::MAX_RESULTS {
                    " (one query reaches 10,000: narrow the window with since:)"
                } else {
                    ""
                }
            ),
            theme.dim(),
        ),
        (None, false, None) => Line::styled("Enter reads the logs", theme.dim()),
    };
    lines.push(status);
    lines.push(Line::styled(
        format!(
            "{:<24} {:<14} {:<10} {:<22} {:<10} {:<6} reason",
            "time", "user", "action", "resource", "tenant", ""
        ),
        theme.dim(),
    ));
    let rows: Vec<Line<'static>> = panel
        .rows
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let decision_style = match row.decision {
                Some(true) => theme.allow(),
                Some(false) => theme.deny(),
                None => theme.dim(),
            };
            let mark = if i == panel.selected { "▸" } else { " " };
            let line = Line::from(vec![
                Span::raw(format!(
                    "{mark}{} {} {} {} {} ",
                    cut(&short_time(&row.timestamp), 23),
                    cut(&row.user, 14),
                    cut(&row.action, 10),
                    cut(&row.resource, 22),
                    cut(&row.tenant, 10),
                )),
                Span::styled(format!("{:<6}", word(row.decision)), decision_style),
                Span::styled(format!(" {}", escape_line(&row.reason)), theme.dim()),
            ]);
            if i == panel.selected {
                line.style(theme.cursor())
            } else {
                line
            }
        })
        .collect();
    let height = inner.height.saturating_sub(lines.len() as u16) as usize;
    lines.extend(scrolled(rows, panel.selected, height));
    frame.render_widget(Paragraph::new(lines), inner);
}

/// Above the result: the recorded answer of the log loaded into the form, whether the PDP
/// now agrees, and the mirror's explanation of a recorded deny.
pub fn loaded_lines(app: &App, theme: Theme) -> Vec<Line<'static>> {
    let Some(loaded) = app.audit.loaded_for(app.validation.as_ref().ok()) else {
        return Vec::new();
    };
    let mut lines = vec![Line::from(vec![
        Span::styled(
            format!("Audit log {} · ", escape_line(&loaded.timestamp)),
            theme.label(),
        ),
        Span::styled(
            format!("recorded {}", word(Some(loaded.recorded))),
            if loaded.recorded {
                theme.allow()
            } else {
                theme.deny()
            },
        ),
        Span::styled(format!(" — {}", escape_line(&loaded.reason)), theme.dim()),
    ])];
    let now = app
        .result
        .as_ref()
        .and_then(|r| r.exchange.result.as_ref().ok())
        .map(|r| r.allow);
    match now {
        Some(now) if now != loaded.recorded => lines.push(Line::styled(
            format!("CHANGED since: the PDP now says {}", word(Some(now))),
            theme.warn(),
        )),
        Some(_) => lines.push(Line::styled("the PDP still decides the same", theme.dim())),
        None => lines.push(Line::styled("F5 asks the PDP now", theme.dim())),
    }
    if let (Some(mirror), None) = (&loaded.mirror, &app.result) {
        lines.push(Line::styled("The mirror explains it:", theme.heading()));
        lines.extend(super::explain::tree_lines(
            &loaded.query,
            mirror,
            theme,
            !app.unfold_passing,
        ));
        lines.extend(super::explain::suggestion_lines(
            &loaded.query,
            mirror,
            theme,
            false,
        ));
    }
    lines.push(Line::raw(""));
    lines
}

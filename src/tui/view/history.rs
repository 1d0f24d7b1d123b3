//! The history panel: a filter line, then past checks newest first (time, environment,
//! request, outcome, latency), and the selected check in full under them.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use ratatui::Frame;

use crate::printable::escape_line;
use crate::store::history::Origin;
use crate::store::HistoryEntry;
use crate::tui::app::App;
use crate::tui::theme::Theme;

use super::overlay::popup;
use super::overlay::{input_line, scrolled};

pub fn render(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let inner = popup(frame, area, area.width, area.height, "History", theme);
    let mut lines = vec![input_line(
        "Filter",
        &app.history.picker.filter_text(),
        theme,
    )];
    let matches = app.history.matches();
    let loading = if app.history.complete {
        ""
    } else {
        " (loading older entries…)"
    };
    // A filter ranks by how well an entry matches; without one the order is by time.
    let order = if app.history.picker.filter_text().trim().is_empty() {
        "newest first"
    } else {
        "best match first, then newest"
    };
    lines.push(Line::styled(
        format!(
            "{} of {} checks, {order}{loading}",
            matches.len(),
            app.history.index.len()
        ),
        theme.dim(),
    ));
    let entries = app.history.index.entries();
    let rows: Vec<Line<'static>> = matches
        .iter()
        .enumerate()
        .filter_map(|(row, i)| {
            let e = entries.get(*i)?;
            // `2026-11-25T19:40:01Z` → `11-25 19:40:01`
            let time = e.time.get(5..19).unwrap_or(&e.time).replace('T', " ");
            let outcome_style = match e.decision {
                Some(true) => theme.allow(),
                Some(false) => theme.deny(),
                None => theme.warn(),
            };
            let summary = e.summary();
            // The summary starts with the environment; show the request part.
            let request = summary
                .strip_prefix(&e.environment)
                .unwrap_or(&summary)
                .trim()
                .to_string();
            let latency = format!("{:.1}ms", e.latency_us as f64 / 1000.0);
            let selected = row == app.history.picker.selected;
            let base = if selected {
                theme.cursor()
            } else {
                ratatui::style::Style::default()
            };
            Some(Line::from(vec![
                Span::styled(
                    format!(" {time} "),
                    if selected { base } else { theme.dim() },
                ),
                Span::styled(format!("{:<14} ", e.environment), base),
                Span::styled(
                    format!("{:<6} ", e.outcome()),
                    if selected { base } else { outcome_style },
                ),
                Span::styled(format!("{latency:>8} "), base),
                Span::styled(request, base),
            ]))
        })
        .collect();
    if rows.is_empty() {
        lines.push(Line::styled(" No checks match.", theme.dim()));
    }
    let selected = matches
        .get(app.history.picker.selected)
        .and_then(|i| entries.get(*i));
    // The selected check in full under the list, when there is room for both.
    let (list_area, detail_area) = match selected {
        Some(_) if inner.height >= 16 => {
            let [list, detail] =
                Layout::vertical([Constraint::Fill(1), Constraint::Length(DETAIL_HEIGHT)])
                    .areas(inner);
            (list, Some(detail))
        }
        _ => (inner, None),
    };
    let room = list_area.height.saturating_sub(2) as usize;
    lines.extend(scrolled(rows, app.history.picker.selected, room));
    frame.render_widget(Paragraph::new(lines), list_area);
    if let (Some(entry), Some(area)) = (selected, detail_area) {
        frame.render_widget(
            Paragraph::new(detail_lines(entry, theme))
                .block(
                    Block::default()
                        .borders(Borders::TOP)
                        .border_style(theme.border())
                        .title(Span::styled(" Selected check ", theme.heading())),
                )
                .wrap(Wrap { trim: false }),
            area,
        );
    }
}

const DETAIL_HEIGHT: u16 = 9;

/// One check as recorded: when, where, what came back, and the request as sent.
fn detail_lines(e: &HistoryEntry, theme: Theme) -> Vec<Line<'static>> {
    let origin = match e.origin {
        Origin::Check => "the form",
        Origin::WhatIf => "a what-if side",
        Origin::Compare => "a compare side",
    };
    let answer = match (e.decision, e.status, &e.error_kind) {
        (Some(allow), status, _) => format!(
            "{} · HTTP {}",
            if allow { "ALLOW" } else { "DENY" },
            status.map_or("-".to_string(), |s| s.to_string())
        ),
        (None, status, kind) => format!(
            "error {} · HTTP {}",
            kind.as_deref().unwrap_or("unknown"),
            status.map_or("none".to_string(), |s| s.to_string())
        ),
    };
    let request = serde_json::from_str::<serde_json::Value>(e.request.get())
        .ok()
        .and_then(|v| serde_json::to_string(&v).ok())
        .unwrap_or_else(|| e.request.get().to_string());
    let field = |label: &str, value: String| {
        Line::from(vec![
            Span::styled(format!(" {label:<9}"), theme.label()),
            Span::raw(escape_line(&value).into_owned()),
        ])
    };
    vec![
        field(
            "when",
            format!("{} in {} (from {origin})", e.time, e.environment),
        ),
        field(
            "answer",
            format!("{answer} · {:.2} ms", e.latency_us as f64 / 1000.0),
        ),
        field(
            "codes",
            if e.codes.is_empty() {
                "-".to_string()
            } else {
                e.codes.join(", ")
            },
        ),
        field("request", format!("POST {} {request}", e.endpoint)),
        Line::styled(
            " Enter re-runs · Tab loads into the form · Ctrl-X deletes",
            theme.dim(),
        ),
    ]
}

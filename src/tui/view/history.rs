//! The history panel: a filter line, then past checks newest first (time, environment,
//! request, outcome, latency).

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::tui::app::App;
use crate::tui::theme::Theme;

use super::envs::{input_line, scrolled};
use super::overlay::popup;

pub fn render(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let inner = popup(frame, area, area.width, area.height, "History", theme);
    let mut lines = vec![input_line("Filter", &app.envs.filter_text(), theme)];
    let matches = app.envs.history_matches();
    let loading = if app.envs.history_complete {
        ""
    } else {
        " (loading older entries…)"
    };
    // A filter ranks by how well an entry matches; without one the order is by time.
    let order = if app.envs.filter_text().trim().is_empty() {
        "newest first"
    } else {
        "best match first, then newest"
    };
    lines.push(Line::styled(
        format!(
            "{} of {} checks, {order}{loading}",
            matches.len(),
            app.envs.history.len()
        ),
        theme.dim(),
    ));
    let entries = app.envs.history.entries();
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
            let selected = row == app.envs.selected;
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
    let room = inner.height.saturating_sub(2) as usize;
    lines.extend(scrolled(rows, app.envs.selected, room));
    frame.render_widget(Paragraph::new(lines), inner);
}

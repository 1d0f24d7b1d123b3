//! Two checks side by side (what-if and environment compare): each side's decision, latency
//! and explain tree; for what-if, the changed paths marked above both.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::explain::value_text;
use crate::pdp::error::fmt_duration;
use crate::tui::app::App;
use crate::tui::theme::Theme;
use crate::tui::tools::model::{Side, TwoSides};

use super::overlay::popup;

/// Marks a changed path in the what-if view.
pub const CHANGED: &str = "●";

pub fn render(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let Some(state) = &app.tools.whatif else {
        return;
    };
    render_sides(
        app,
        state,
        "What-if: A (pinned) vs B (form)",
        theme,
        frame,
        area,
    );
}

pub fn render_compare(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let Some(state) = &app.tools.compare else {
        return;
    };
    let title = format!(
        "Compare: {} vs {}",
        state.sides[0].label, state.sides[1].label
    );
    render_sides(app, state, &title, theme, frame, area);
}

fn render_sides(
    app: &App,
    state: &TwoSides,
    title: &str,
    theme: Theme,
    frame: &mut Frame,
    area: Rect,
) {
    let inner = popup(frame, area, area.width, area.height, title, theme);
    let mut top: Vec<Line> = Vec::new();
    if let Some(line) = verdict(state, theme) {
        top.extend([line, Line::raw("")]);
    }
    if app.tools.whatif.as_ref().is_some_and(|w| w.id == state.id) {
        if state.changes.is_empty() {
            top.push(Line::styled(
                "A and B are the same query: edit the form, then Ctrl-T again.",
                theme.warn(),
            ));
        } else {
            top.push(Line::styled("Changed from A to B", theme.heading()));
            for c in &state.changes {
                let show = |v: &Option<serde_json::Value>| {
                    v.as_ref()
                        .map(value_text)
                        .unwrap_or_else(|| "(absent)".into())
                };
                top.push(Line::from(vec![
                    Span::styled(format!(" {CHANGED} "), theme.warn()),
                    Span::styled(c.path.clone(), theme.heading()),
                    Span::raw(format!(": {} → {}", show(&c.before), show(&c.after))),
                ]));
            }
        }
        top.push(Line::raw(""));
    }
    let [head, body] =
        Layout::vertical([Constraint::Length(top.len() as u16), Constraint::Fill(1)]).areas(inner);
    frame.render_widget(Paragraph::new(top), head);
    let [left, _gap, right] = Layout::horizontal([
        Constraint::Fill(1),
        Constraint::Length(1),
        Constraint::Fill(1),
    ])
    .areas(body);
    for (side, rect) in state.sides.iter().zip([left, right]) {
        frame.render_widget(
            Paragraph::new(super::wrap::hanging(
                side_lines(side, theme, !app.unfold_passing),
                rect.width,
            ))
            .scroll((app.tools.scroll, 0)),
            rect,
        );
    }
}

fn side_lines(side: &Side, theme: Theme, fold: bool) -> Vec<Line<'static>> {
    let mut lines = vec![Line::styled(side.label.clone(), theme.heading())];
    let Some(ex) = &side.exchange else {
        lines.push(Line::styled("checking…", theme.dim()));
        return lines;
    };
    let (word, style) = match &ex.result {
        Ok(r) if r.allow => (" ALLOW ", theme.allow_badge()),
        Ok(_) => (" DENY ", theme.deny_badge()),
        Err(_) => (" ERROR ", theme.error_badge()),
    };
    lines.push(Line::from(vec![
        Span::styled(word, style),
        Span::styled(
            format!(
                "  {} · {}",
                fmt_duration(ex.latency),
                ex.status
                    .map(|s| format!("HTTP {s}"))
                    .unwrap_or_else(|| "no HTTP answer".into())
            ),
            theme.dim(),
        ),
    ]));
    lines.push(Line::raw(""));
    match &ex.result {
        Ok(result) => lines.extend(super::explain::lines(
            &side.query,
            result,
            theme,
            fold,
            false,
        )),
        Err(err) => {
            lines.push(Line::styled(err.to_string(), theme.warn()));
            lines.push(Line::raw(err.hint()));
        }
    }
    lines
}

/// The answer to "do they differ?", first, once both sides are in.
fn verdict(state: &TwoSides, theme: Theme) -> Option<Line<'static>> {
    let word = |side: &Side| -> Option<&'static str> {
        Some(match &side.exchange.as_ref()?.result {
            Ok(result) if result.allow => "ALLOW",
            Ok(_) => "DENY",
            Err(_) => "ERROR",
        })
    };
    let [a, b] = &state.sides;
    let (wa, wb) = (word(a)?, word(b)?);
    Some(if wa == wb {
        Line::styled(format!("Same decision on both: {wa}"), theme.heading())
    } else {
        Line::styled(
            format!("Decisions differ: {} {wa} · {} {wb}", a.label, b.label),
            theme.warn(),
        )
    })
}

//! The decision panel: a big ALLOW / DENY / ERROR badge with latency, HTTP status and check
//! number, then the explain tree (`view::explain`) and, for a deny, what would make it allow;
//! tabs for the exact request sent (key masked) and the raw response.

use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Paragraph, Tabs};
use ratatui::Frame;
use serde_json::Value;

use crate::pdp::error::fmt_duration;
use crate::pdp::types::AllowedResult;
use crate::tui::app::{App, CheckOutcome, Focus, PanelNote, ResultTab};
use crate::tui::theme::Theme;

const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const BADGE_WIDTH: u16 = 11;

/// Draws the panel; returns how far its text scrolls at this size.
pub fn render(app: &App, theme: Theme, frame: &mut Frame, area: Rect) -> u16 {
    let focused = app.focus == Focus::Decision;
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(if focused {
            theme.focused_border()
        } else {
            theme.border()
        })
        // Focus shows without colour too: a marker, and what the keys do here.
        .title(Span::styled(
            if focused {
                " ▸ Result · letters are commands, Enter edits "
            } else {
                " Result "
            },
            theme.heading(),
        ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let pinned = pinned_lines(app, theme);
    let [tabs_row, badge_row, pinned_row, _gap, body] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(3),
        Constraint::Length(pinned.len() as u16),
        Constraint::Length(1),
        Constraint::Fill(1),
    ])
    .areas(inner);
    frame.render_widget(Paragraph::new(pinned), pinned_row);

    let selected = ResultTab::ALL
        .iter()
        .position(|t| *t == app.tab)
        .unwrap_or(0);
    frame.render_widget(
        Tabs::new(ResultTab::ALL.map(|t| t.title()))
            .select(selected)
            .style(theme.dim())
            .highlight_style(theme.key())
            .divider("│"),
        tabs_row,
    );

    render_badge_row(app, theme, frame, badge_row);

    let lines = match &app.result {
        Some(outcome) => {
            let mut lines = super::audit::loaded_lines(app, theme);
            lines.extend(result_notes(app, outcome, theme));
            lines.extend(match app.tab {
                ResultTab::Decision => {
                    let mut lines: Vec<Line<'static>> =
                        super::mirror::headline(app, outcome, theme)
                            .into_iter()
                            .collect();
                    lines.extend(decision_lines(outcome, theme, !app.unfold_passing));
                    lines.extend(super::mirror::section(outcome, theme, !app.unfold_passing));
                    lines
                }
                ResultTab::Request => request_lines(outcome, theme),
                ResultTab::Response => response_lines(outcome, theme),
            });
            lines
        }
        None => {
            let mut lines = super::audit::loaded_lines(app, theme);
            lines.extend(idle_lines(app, theme));
            lines
        }
    };
    let text = Paragraph::new(super::wrap::hanging(lines, body.width));
    let overflow = text
        .line_count(body.width)
        .saturating_sub(usize::from(body.height));
    let scroll_max = u16::try_from(overflow).unwrap_or(u16::MAX);
    let top = app.scroll.min(scroll_max);
    frame.render_widget(text.scroll((top, 0)), body);
    if scroll_max > 0 {
        // Where the view is, on the bottom border: more is there, and how to reach it.
        let below = scroll_max - top;
        let indicator = match (top, below) {
            (0, _) => format!(" ↓ {below} more · PgDn "),
            (_, 0) => format!(" ↑ {top} above · PgUp "),
            _ => format!(" ↑ {top} · ↓ {below} · PgUp/PgDn "),
        };
        let width = unicode_width::UnicodeWidthStr::width(indicator.as_str()) as u16;
        let spot = Rect {
            x: area.right().saturating_sub(width + 2),
            y: area.bottom().saturating_sub(1),
            width: width.min(area.width),
            height: 1,
        };
        frame.render_widget(Paragraph::new(indicator).style(theme.dim()), spot);
    }
    scroll_max
}

/// Most lines pinned under the badge: the answer before any detail.
const PINNED: usize = 5;

/// Under the badge, whatever tab is shown: each model's decisive fact and, for a deny, the
/// first way to allow it. Nothing while a check is in flight or without an answer.
fn pinned_lines(app: &App, theme: Theme) -> Vec<Line<'static>> {
    let Some(summary) = app
        .result
        .as_ref()
        .filter(|_| app.in_flight.is_none())
        .and_then(|r| r.summary.as_ref())
    else {
        return Vec::new();
    };
    let mut lines: Vec<Line<'static>> = summary
        .facts
        .iter()
        .take(PINNED - 1)
        .map(|f| {
            let (mark, style) = if f.allow {
                ("✔", theme.allow())
            } else {
                ("✘", theme.deny())
            };
            Line::from(vec![
                Span::styled(format!("{:<6}", f.model), theme.heading()),
                Span::styled(format!("{mark} "), style),
                Span::raw(f.fact.clone()),
            ])
        })
        .collect();
    let room = PINNED.saturating_sub(lines.len()).max(1);
    let applicable = summary.to_allow.iter().any(|s| !s.edits.is_empty());
    for (i, suggestion) in summary.to_allow.iter().enumerate().take(room) {
        let lead = if i == 0 { "to allow " } else { "         " };
        let mut spans = vec![
            Span::styled(lead, theme.accent()),
            if applicable {
                super::explain::suggestion_key(i, suggestion, theme)
            } else {
                Span::raw("")
            },
            Span::raw(suggestion.text.clone()),
        ];
        let hidden = summary.to_allow.len().saturating_sub(room);
        if i + 1 == room && hidden > 0 {
            spans.push(Span::styled(format!(" (+{hidden} below)"), theme.dim()));
        }
        lines.push(Line::from(spans));
    }
    lines.truncate(PINNED);
    lines
}

fn render_badge_row(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let [badge, _gap, meta] = Layout::horizontal([
        Constraint::Length(BADGE_WIDTH),
        Constraint::Length(2),
        Constraint::Fill(1),
    ])
    .areas(area);
    if let Some(flight) = &app.in_flight {
        let frame_idx = (app.ticks as usize) % SPINNER.len();
        let elapsed = app.settings.tick * (app.ticks.saturating_sub(flight.started_tick)) as u32;
        let lines = vec![
            Line::from(vec![
                Span::styled(format!("{} ", SPINNER[frame_idx]), theme.accent()),
                Span::styled(format!("Checking #{}…", flight.id), theme.heading()),
            ]),
            Line::styled(
                format!(
                    "{:.1} s, times out after {}",
                    elapsed.as_secs_f64(),
                    fmt_duration(app.settings.timeout)
                ),
                theme.dim(),
            ),
            Line::styled("Esc cancels", theme.dim()),
        ];
        frame.render_widget(Paragraph::new(lines), area);
        return;
    }
    let Some(outcome) = &app.result else {
        return;
    };
    let (word, style) = match &outcome.exchange.result {
        Ok(r) if r.allow => ("ALLOW", theme.allow_badge()),
        Ok(_) => ("DENY", theme.deny_badge()),
        Err(_) => ("ERROR", theme.error_badge()),
    };
    // A result of another form than the one shown says so on the badge itself.
    let stale = if app.result_is_stale() { "stale" } else { "" };
    frame.render_widget(
        Paragraph::new(vec![Line::raw(""), Line::raw(word), Line::raw(stale)])
            .alignment(Alignment::Center)
            .style(style),
        badge,
    );
    let ex = &outcome.exchange;
    let status = match ex.status {
        Some(s) => format!("HTTP {s}"),
        None => "no HTTP answer".to_string(),
    };
    let mut third = vec![Span::styled(
        format!("check #{}", outcome.id),
        theme.heading(),
    )];
    match &ex.result {
        Err(err) => third.push(Span::styled(format!(" · {}", err.kind()), theme.warn())),
        Ok(_) if !outcome.target_name.is_empty() => third.push(Span::styled(
            format!(" on {}", outcome.target_name),
            theme.dim(),
        )),
        Ok(_) => {}
    }
    let lines = vec![
        Line::from(vec![
            Span::styled(fmt_duration(ex.latency), theme.heading()),
            Span::styled(" · ", theme.dim()),
            Span::raw(status),
        ]),
        Line::styled(
            format!("{} {}", outcome.request.method, outcome.request.url),
            theme.dim(),
        ),
        Line::from(third),
    ];
    frame.render_widget(Paragraph::new(lines), meta);
}

fn idle_lines(app: &App, theme: Theme) -> Vec<Line<'static>> {
    match &app.note {
        PanelNote::Cancelled(id) => vec![
            Line::styled(format!("Check #{id} cancelled."), theme.warn()),
            Line::styled("Press Enter or F5 to check again.", theme.dim()),
        ],
        PanelNote::Invalid(err) => invalid_lines(err, theme),
        PanelNote::None if app.in_flight.is_some() => Vec::new(),
        PanelNote::None => vec![
            Line::styled("No check yet.", theme.heading()),
            Line::styled(
                "Press Enter (or F5) to send the query to the PDP.",
                theme.dim(),
            ),
            Line::styled(
                "F2 turns on live mode: every valid edit re-checks.",
                theme.dim(),
            ),
        ],
    }
}

/// What stands above a result on every tab: the form's error after F5, or that the form
/// has changed since the check.
fn result_notes(app: &App, outcome: &CheckOutcome, theme: Theme) -> Vec<Line<'static>> {
    if let PanelNote::Invalid(err) = &app.note {
        let mut lines = invalid_lines(err, theme);
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            format!("Check #{}, before the edit:", outcome.id),
            theme.dim(),
        ));
        lines
    } else if app.result_is_stale() {
        vec![Line::styled(
            format!(
                "The form has changed since check #{}: F5 checks it.",
                outcome.id
            ),
            theme.warn(),
        )]
    } else {
        Vec::new()
    }
}

fn invalid_lines(err: &crate::pdp::InputError, theme: Theme) -> Vec<Line<'static>> {
    vec![
        Line::styled("Cannot check yet:", theme.warn()),
        Line::raw(err.to_string()),
        Line::styled("Fix the field and press F5.", theme.dim()),
    ]
}

fn decision_lines(outcome: &CheckOutcome, theme: Theme, fold: bool) -> Vec<Line<'static>> {
    match &outcome.exchange.result {
        Ok(result) => {
            let mut lines = match &outcome.summary {
                Some(explained) => super::explain::lines_of(explained, result, theme, fold, true),
                None => super::explain::lines(&outcome.request.query, result, theme, fold, true),
            };
            lines.extend(unreadable_trace(result, theme));
            lines
        }
        Err(err) => {
            let mut lines = vec![
                Line::styled(err.to_string(), theme.warn()),
                Line::raw(""),
                Line::styled("What to do", theme.heading()),
                Line::raw(err.hint()),
            ];
            if let Some(body) = &outcome.exchange.raw_body {
                if !body.trim().is_empty() {
                    lines.push(Line::raw(""));
                    lines.push(Line::styled("Body (see the Response tab)", theme.dim()));
                    lines.extend(body.lines().take(6).map(|l| Line::raw(l.to_string())));
                }
            }
            lines
        }
    }
}

/// A sandbox trace the explain tree could not read (another sandbox version): shown raw
/// rather than lost.
fn unreadable_trace(result: &AllowedResult, theme: Theme) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    if let Some(trace) = result.debug.as_ref().and_then(|d| d.sandbox_trace.as_ref()) {
        if crate::explain::sandbox_trace(result).is_none() {
            lines.push(Line::raw(""));
            lines.push(Line::styled("Sandbox trace", theme.heading()));
            value_lines(&mut lines, trace, 1, theme);
        }
    }
    lines
}

/// A value on one line: strings bare, the rest as compact JSON.
fn compact(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A JSON value as an indented outline: `key: value` for objects, `•` for array items.
fn value_lines(lines: &mut Vec<Line<'static>>, value: &Value, depth: usize, theme: Theme) {
    let pad = "  ".repeat(depth);
    if let Some(node) = condition_node(value) {
        let (mark, style) = if node.matched {
            ("✔ ", theme.allow())
        } else {
            ("✘ ", theme.deny())
        };
        lines.push(Line::from(vec![
            Span::raw(pad),
            Span::styled(mark, style),
            Span::raw(node.text),
        ]));
        for child in node.children {
            value_lines(lines, child, depth + 1, theme);
        }
        return;
    }
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                if is_scalar(inner) {
                    lines.push(Line::from(vec![
                        Span::styled(format!("{pad}{key}: "), theme.label()),
                        scalar_span(inner, theme),
                    ]));
                } else {
                    lines.push(Line::styled(format!("{pad}{key}:"), theme.label()));
                    value_lines(lines, inner, depth + 1, theme);
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                if is_scalar(item) {
                    lines.push(Line::from(vec![
                        Span::styled(format!("{pad}• "), theme.dim()),
                        scalar_span(item, theme),
                    ]));
                } else {
                    lines.push(Line::styled(format!("{pad}•"), theme.dim()));
                    value_lines(lines, item, depth + 1, theme);
                }
            }
        }
        scalar => lines.push(Line::from(vec![Span::raw(pad), scalar_span(scalar, theme)])),
    }
}

/// A condition of the sandbox trace (`{attribute, operator, expected, actual, matched,
/// children}`), shown as one line: `✔ user.clearance greater-than-equals 3 (actual 3)`.
struct ConditionNode<'a> {
    matched: bool,
    text: String,
    children: &'a [Value],
}

fn condition_node(value: &Value) -> Option<ConditionNode<'_>> {
    let map = value.as_object()?;
    let operator = map.get("operator")?.as_str()?;
    let matched = map.get("matched")?.as_bool()?;
    let children = map
        .get("children")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    let text = match map.get("attribute").and_then(Value::as_str) {
        Some(attribute) => {
            let expected = map.get("expected").map(compact).unwrap_or_default();
            let actual = match map.get("actual") {
                None | Some(Value::Null) => "absent".to_string(),
                Some(v) => compact(v),
            };
            format!("{attribute} {operator} {expected} (actual {actual})")
        }
        None => operator.to_string(),
    };
    Some(ConditionNode {
        matched,
        text,
        children,
    })
}

fn is_scalar(value: &Value) -> bool {
    match value {
        Value::Object(m) => m.is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => true,
    }
}

fn scalar_span(value: &Value, theme: Theme) -> Span<'static> {
    match value {
        Value::Bool(true) => Span::styled("true", theme.allow()),
        Value::Bool(false) => Span::styled("false", theme.deny()),
        other => Span::raw(compact(other)),
    }
}

fn request_lines(outcome: &CheckOutcome, theme: Theme) -> Vec<Line<'static>> {
    let req = &outcome.request;
    let mut lines = vec![Line::from(vec![
        Span::styled(format!("{} ", req.method), theme.heading()),
        Span::styled(req.url.clone(), theme.accent()),
    ])];
    for (name, value) in &req.headers {
        lines.push(Line::from(vec![
            Span::styled(format!("{name}: "), theme.label()),
            Span::raw(value.clone()),
        ]));
    }
    lines.push(Line::raw(""));
    lines.extend(req.body.lines().map(|l| Line::raw(l.to_string())));
    lines
}

fn response_lines(outcome: &CheckOutcome, theme: Theme) -> Vec<Line<'static>> {
    let ex = &outcome.exchange;
    let mut lines = Vec::new();
    match ex.status {
        Some(status) => lines.push(Line::from(vec![
            Span::styled(format!("HTTP {status}"), theme.heading()),
            Span::styled(format!(" · {}", fmt_duration(ex.latency)), theme.dim()),
        ])),
        None => lines.push(Line::styled("No HTTP answer", theme.warn())),
    }
    lines.push(Line::raw(""));
    match &ex.raw_body {
        Some(body) => {
            let pretty = serde_json::from_str::<Value>(body)
                .ok()
                .and_then(|v| serde_json::to_string_pretty(&v).ok())
                .unwrap_or_else(|| body.clone());
            lines.extend(pretty.lines().map(|l| Line::raw(l.to_string())));
        }
        None => {
            if let Err(err) = &ex.result {
                lines.push(Line::styled(err.to_string(), Style::default()));
            }
        }
    }
    lines
}

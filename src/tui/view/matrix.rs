//! The permission matrix grid (coloured cells, the selected one reversed) and the "who can"
//! list.

use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

use crate::matrix::Cell;
use crate::pdp::error::fmt_duration;
use crate::tui::app::App;
use crate::tui::theme::Theme;
use crate::tui::tools::matrix::Fill;

use super::overlay::popup;

pub fn render(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let Some(state) = &app.tools.matrix else {
        return;
    };
    let tenant = state.base.resource.tenant.as_deref().unwrap_or("default");
    let title = format!(
        "Permission matrix: user '{}' in tenant '{tenant}' on {}",
        state.base.user.key, state.target
    );
    let inner = popup(frame, area, area.width, area.height, &title, theme);
    let mut lines = Vec::new();
    match &state.fill {
        Fill::Schema => lines.push(Line::styled("Loading the schema…", theme.dim())),
        Fill::Checking => lines.push(Line::styled(
            "Checking every type × action in one /allowed/bulk request…",
            theme.dim(),
        )),
        Fill::Failed(err) => {
            lines.push(Line::styled(
                "The matrix could not be filled:",
                theme.warn(),
            ));
            lines.push(Line::raw(err.clone()));
        }
        Fill::Ready { matrix, latency } => {
            let checks: usize = matrix
                .cells
                .iter()
                .flatten()
                .filter(|c| **c != Cell::NotApplicable)
                .count();
            lines.push(Line::styled(
                format!(
                    "{checks} checks in one /allowed/bulk request, {}",
                    fmt_duration(*latency)
                ),
                theme.dim(),
            ));
            lines.push(Line::raw(""));
            // The form's own type is checked on its instance (key and attributes): its row
            // is named so, the others are the type at large.
            let instance = state
                .base
                .resource
                .key
                .as_ref()
                .map(|key| (state.base.resource.kind.clone(), key.clone()));
            let row_label = |kind: &String| match &instance {
                Some((k, key)) if k == kind => format!("{kind}:{key} ◆"),
                _ => kind.clone(),
            };
            let row_width = matrix
                .resource_types
                .iter()
                .map(|t| row_label(t).chars().count())
                .max()
                .unwrap_or(4)
                .max(4)
                + 2;
            let widths: Vec<usize> = matrix
                .actions
                .iter()
                .map(|a| a.chars().count().max(7) + 1)
                .collect();
            let mut header = vec![Span::raw(" ".repeat(row_width))];
            for (col, action) in matrix.actions.iter().enumerate() {
                let style = if col == state.col {
                    theme.heading()
                } else {
                    theme.label()
                };
                header.push(Span::styled(
                    format!("{action:<w$}", w = widths[col]),
                    style,
                ));
            }
            lines.push(Line::from(header));
            for (row, kind) in matrix.resource_types.iter().enumerate() {
                let style = if row == state.row {
                    theme.heading()
                } else {
                    theme.label()
                };
                let label = row_label(kind);
                let mut spans = vec![Span::styled(format!("{label:<row_width$}"), style)];
                for (col, cell) in matrix.cells[row].iter().enumerate() {
                    let (text, mut style) = match cell {
                        Cell::Allow => ("✔ allow", theme.allow()),
                        Cell::Deny => ("✘ deny", theme.deny()),
                        Cell::NotApplicable => ("·", theme.dim()),
                    };
                    if row == state.row && col == state.col {
                        style = style.add_modifier(Modifier::REVERSED);
                    }
                    let w = widths[col] - 1;
                    spans.push(Span::styled(format!("{text:<w$}"), style));
                    spans.push(Span::raw(" "));
                }
                lines.push(Line::from(spans));
            }
            lines.push(Line::raw(""));
            if let Some((kind, key)) = &instance {
                lines.push(Line::styled(
                    format!("◆ checked on instance {kind}:{key}, with the form's resource attributes; other rows on the type"),
                    theme.dim(),
                ));
            }
            if let Some((kind, action)) = matrix.cell_query(state.row, state.col) {
                lines.push(Line::styled(
                    format!("Enter: check '{action}' on {kind} in the form"),
                    theme.dim(),
                ));
            }
        }
    }
    // The grid must not wrap; an error must, or its end is lost past the edge.
    let text = Paragraph::new(lines);
    let text = match state.fill {
        Fill::Failed(_) => text.wrap(Wrap { trim: false }),
        _ => text,
    };
    frame.render_widget(text, inner);
}

/// What `/authorized_users` cannot say: users an ABAC rule lets in hold no role, so the PDP
/// does not list them.
const ABAC_NOTE: &str = "Users allowed by an ABAC rule (attributes, not roles) are not listed: the PDP answers from role assignments only. Check one with F5.";

pub fn render_who_can(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let Some(state) = &app.tools.who_can else {
        return;
    };
    let resource = match &state.query.resource.key {
        Some(k) => format!("{}:{k}", state.query.resource.kind),
        None => state.query.resource.kind.clone(),
    };
    let tenant = state.query.resource.tenant.as_deref().unwrap_or("default");
    let title = format!("Who can {} {resource} in '{tenant}'", state.query.action);
    let inner = popup(frame, area, 90, area.height, &title, theme);
    let mut lines = Vec::new();
    match &state.answer {
        None => lines.push(Line::styled("Asking /authorized_users…", theme.dim())),
        Some(ex) => match &ex.result {
            Err(err) => {
                lines.push(Line::styled(err.to_string(), theme.warn()));
                lines.push(Line::raw(err.hint()));
            }
            Ok(answer) if answer.users.is_empty() => {
                lines.push(Line::styled(
                    "Nobody: no user holds a role granting this here.",
                    theme.warn(),
                ));
                lines.push(Line::styled(ABAC_NOTE, theme.dim()));
            }
            Ok(answer) => {
                lines.push(Line::styled(
                    format!(
                        "{} user(s), {}",
                        answer.users.len(),
                        fmt_duration(ex.latency)
                    ),
                    theme.dim(),
                ));
                lines.push(Line::raw(""));
                for (user, assignments) in &answer.users {
                    lines.push(Line::styled(format!("✔ {user}"), theme.allow()));
                    for a in assignments {
                        lines.push(Line::from(vec![
                            Span::raw("    role "),
                            Span::styled(a.role.clone(), theme.heading()),
                            Span::styled(role_scope(&a.resource, &a.tenant), theme.dim()),
                        ]));
                    }
                }
                lines.push(Line::raw(""));
                lines.push(Line::styled(ABAC_NOTE, theme.dim()));
            }
        },
    }
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((app.tools.scroll, 0)),
        inner,
    );
}

/// Where a who-can role holds. The PDP names a tenant role's resource `__tenant[:<key>]`, and
/// lists a role derived through a relation (ReBAC) on the resource itself, as if assigned.
fn role_scope(resource: &str, tenant: &str) -> String {
    if resource == "__tenant" || resource.starts_with("__tenant:") {
        format!(" across tenant {tenant}")
    } else {
        format!(" on {resource} in tenant {tenant} (assigned or derived)")
    }
}

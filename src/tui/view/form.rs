//! The query form: single-line fields with a label column, JSON fields in bordered boxes that
//! show the first parse error with its line and column.

use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Paragraph};
use ratatui::Frame;

use super::layout::{Regions, LABEL_WIDTH};
use crate::pdp::InputError;
use crate::tui::app::{App, Field, Focus};
use crate::tui::theme::Theme;

/// The form's error for its one-line title: a JSON error's place comes first, so a narrow
/// title still shows where to look.
fn title_error(err: &InputError) -> String {
    match err {
        InputError::Json(json) if json.line > 0 => {
            format!(
                "{} {}:{}: {}",
                json.field, json.line, json.column, json.message
            )
        }
        other => other.to_string(),
    }
}

pub fn render(app: &App, theme: Theme, frame: &mut Frame, regions: &Regions) {
    let form_focused = matches!(app.focus, Focus::Field(_));
    let title = match &app.validation {
        Ok(_) => Line::from(vec![
            Span::styled(" Query ", theme.heading()),
            Span::styled("✓ ready ", theme.allow()),
        ]),
        Err(err) => Line::from(vec![
            Span::styled(" Query ", theme.heading()),
            Span::styled(format!("✗ {} ", title_error(err)), theme.warn()),
        ]),
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(if form_focused {
            theme.focused_border()
        } else {
            theme.border()
        })
        .title(title);
    frame.render_widget(block, regions.form);
    for field in Field::ALL {
        let rect = regions.fields[field.index()];
        let focused = app.focus == Focus::Field(field);
        if field.is_json() {
            render_json(app, theme, frame, field, rect, focused);
        } else {
            render_line(app, theme, frame, field, rect, focused);
        }
    }
}

fn styled_area(
    app: &App,
    theme: Theme,
    field: Field,
    focused: bool,
) -> ratatui_textarea::TextArea<'static> {
    let mut area = app.fields[field.index()].clone();
    area.set_cursor_line_style(Style::default());
    area.set_placeholder_style(theme.dim());
    if focused {
        area.set_cursor_style(theme.cursor());
    } else {
        // No cursor in fields without focus.
        area.set_cursor_style(Style::default());
    }
    area
}

fn render_line(
    app: &App,
    theme: Theme,
    frame: &mut Frame,
    field: Field,
    rect: Rect,
    focused: bool,
) {
    let label_style = if focused {
        theme.focused_border()
    } else {
        theme.label()
    };
    let marker = if focused { "▸" } else { " " };
    let label = Rect {
        width: LABEL_WIDTH.min(rect.width),
        ..rect
    };
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(marker, label_style),
            Span::styled(field.label(), label_style),
        ])),
        label,
    );
    let input = Rect {
        x: rect.x + label.width,
        width: rect.width.saturating_sub(label.width),
        ..rect
    };
    // An empty field shows what goes there, bracketed so it never reads as a value (with
    // or without colour), aligned with the values of the other fields.
    if !focused && app.text(field).is_empty() {
        frame.render_widget(
            Paragraph::new(Span::styled(
                format!("‹{}›", field.placeholder()),
                theme.dim().add_modifier(ratatui::style::Modifier::ITALIC),
            )),
            input,
        );
        return;
    }
    let area = styled_area(app, theme, field, focused);
    frame.render_widget(&area, input);
}

fn render_json(
    app: &App,
    theme: Theme,
    frame: &mut Frame,
    field: Field,
    rect: Rect,
    focused: bool,
) {
    let status = match &app.field_errors[field.index()] {
        Some(err) => Span::styled(
            format!(" ✗ {}:{} {} ", err.line, err.column, err.message),
            theme.deny(),
        ),
        None if app.text(field).trim().is_empty() => Span::styled(" empty ", theme.dim()),
        None => Span::styled(" ✓ JSON ", theme.allow()),
    };
    let mut area = styled_area(app, theme, field, focused);
    area.set_block(
        Block::default()
            .borders(Borders::ALL)
            .border_type(BorderType::Plain)
            .border_style(if focused {
                theme.focused_border()
            } else {
                theme.border()
            })
            .title(Span::styled(
                format!(" {} ", field.label()),
                if focused {
                    theme.focused_border()
                } else {
                    theme.label()
                },
            ))
            .title_bottom(Line::from(status).right_aligned()),
    );
    frame.render_widget(&area, rect);
}

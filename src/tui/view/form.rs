//! The query form: single-line fields with a label column, JSON fields in bordered boxes that
//! show the first parse error with its line and column.

use ratatui::layout::Rect;
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
        // A large form is checked once typing pauses.
        _ if app.validation_pending => Line::from(vec![
            Span::styled(" Query ", theme.heading()),
            Span::styled("… checking ", theme.dim()),
        ]),
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
    if !focused && app.is_blank(field) {
        frame.render_widget(
            Paragraph::new(Span::styled(
                format!("‹{}›", field.placeholder()),
                theme.dim().add_modifier(ratatui::style::Modifier::ITALIC),
            )),
            input,
        );
        return;
    }
    // Drawn as it is: its styles follow the focus in `App::style_fields`, so a field of
    // megabytes is never copied to draw it.
    frame.render_widget(&app.fields[field.index()], input);
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
        None if app.is_blank(field) => Span::styled(" empty ", theme.dim()),
        None => Span::styled(" ✓ JSON ", theme.allow()),
    };
    let block = Block::default()
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
        .title_bottom(Line::from(status).right_aligned());
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    frame.render_widget(&app.fields[field.index()], inner);
}

//! The autocomplete popup, just under the focused field (or the cursor line of a JSON field).

use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

use crate::tui::app::App;
use crate::tui::theme::Theme;
use crate::tui::tools::complete::is_open;

use super::layout::{Regions, LABEL_WIDTH};

pub fn render(app: &App, theme: Theme, frame: &mut Frame, regions: &Regions) {
    if !is_open(app) {
        return;
    }
    let c = &app.tools.completion;
    let Some(field) = c.field else {
        return;
    };
    let rect = regions.fields[field.index()];
    let (x, y) = if field.is_json() {
        let cursor = app.fields[field.index()].cursor();
        (rect.x + 1, rect.y + 2 + cursor.0 as u16)
    } else {
        (rect.x + LABEL_WIDTH, rect.y + 1)
    };
    let width = c.items.iter().map(|i| i.chars().count()).max().unwrap_or(0) as u16 + 4;
    let height = c.items.len() as u16 + 2;
    let screen = frame.area();
    let popup = Rect {
        x: x.min(screen.right().saturating_sub(width)),
        y: y.min(screen.bottom().saturating_sub(height)),
        width: width.min(screen.width),
        height: height.min(screen.height),
    };
    let lines: Vec<Line> = c
        .items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let style = if i == c.selected {
                theme.key().add_modifier(Modifier::REVERSED)
            } else {
                theme.label()
            };
            Line::styled(format!(" {item} "), style)
        })
        .collect();
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(theme.focused_border()),
        ),
        popup,
    );
}

//! The one-line prompt, over the picker it came from.

use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::tui::app::App;
use crate::tui::theme::Theme;

use super::overlay::{input_line, popup};

pub fn render(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let title = app
        .prompt
        .kind
        .as_ref()
        .map(|p| p.title())
        .unwrap_or_default();
    let inner = popup(frame, area, 80, 5, &title, theme);
    let lines = vec![
        input_line(">", &app.prompt.text(), theme),
        Line::styled("Enter confirms, Esc cancels", theme.dim()),
    ];
    frame.render_widget(Paragraph::new(lines), inner);
}

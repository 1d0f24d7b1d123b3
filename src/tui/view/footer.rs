//! The bottom line: the newest notice if any, else the key hints of the focused part, both
//! from the keymap table.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::tui::app::{App, NoticeLevel};
use crate::tui::keymap;
use crate::tui::theme::Theme;
use crate::tui::update::context;

pub fn render(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    if let Some(notice) = app.notices.back() {
        let style = match notice.level {
            NoticeLevel::Info => theme.accent(),
            NoticeLevel::Warning => theme.warn(),
        };
        frame.render_widget(
            Paragraph::new(Line::styled(format!(" {}", notice.text), style)),
            area,
        );
        return;
    }
    let mut spans = vec![Span::raw(" ")];
    for (key, description) in keymap::hints(context(app)) {
        spans.push(Span::styled(key, theme.key()));
        spans.push(Span::styled(format!(" {description}  "), theme.dim()));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

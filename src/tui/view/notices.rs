//! The notice log: every notice of the session, newest first, so a warning that went by can
//! be read again.

use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

use crate::printable::escape_line;
use crate::tui::app::{App, NoticeLevel};
use crate::tui::theme::Theme;

use super::overlay::popup;

pub fn render(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let inner = popup(
        frame,
        area,
        100,
        area.height.saturating_sub(4),
        "Notices",
        theme,
    );
    let mut lines: Vec<Line<'static>> = app
        .notice_log
        .iter()
        .rev()
        .map(|n| match n.level {
            NoticeLevel::Warning => {
                Line::styled(format!("! {}", escape_line(&n.text)), theme.warn())
            }
            NoticeLevel::Info => Line::raw(format!("· {}", escape_line(&n.text))),
        })
        .collect();
    if lines.is_empty() {
        lines.push(Line::styled("No notices yet.", theme.dim()));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

//! The frame shared by the tools' overlays: a cleared, bordered popup over most of the screen.

use ratatui::layout::Rect;
use ratatui::text::Span;
use ratatui::widgets::{Block, BorderType, Borders, Clear};
use ratatui::Frame;

use crate::tui::theme::Theme;

/// A popup `width`×`height` (clamped) centred in `area`; returns its inside.
pub fn popup(
    frame: &mut Frame,
    area: Rect,
    width: u16,
    height: u16,
    title: &str,
    theme: Theme,
) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    let rect = Rect {
        x: area.x + (area.width.saturating_sub(width)) / 2,
        y: area.y + (area.height.saturating_sub(height)) / 2,
        width,
        height,
    };
    frame.render_widget(Clear, rect);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(theme.focused_border())
        .title(Span::styled(
            format!(" {title} · Esc closes "),
            theme.heading(),
        ));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    inner
}

//! The frame shared by the tools' overlays: a cleared, bordered popup over most of the screen.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
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
    framed(frame, rect, &format!(" {title} · Esc closes "), theme)
}

/// Clears `rect` and draws an overlay's rounded frame with `title`; returns its inside.
pub fn framed(frame: &mut Frame, rect: Rect, title: &str, theme: Theme) -> Rect {
    frame.render_widget(Clear, rect);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(theme.focused_border())
        .title(Span::styled(title.to_string(), theme.heading()));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    inner
}

/// `lines` with the row `selected` of the list starting at `first` kept in view.
pub fn scrolled(lines: Vec<Line<'static>>, selected: usize, height: usize) -> Vec<Line<'static>> {
    let skip = (selected + 1).saturating_sub(height.max(1));
    lines.into_iter().skip(skip).collect()
}

/// A text input as one line: label, text and a cursor block.
pub fn input_line(label: &str, text: &str, theme: Theme) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("{label} "), theme.label()),
        Span::raw(text.to_string()),
        Span::styled(" ", theme.cursor()),
    ])
}

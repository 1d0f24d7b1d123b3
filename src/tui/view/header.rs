//! The top line: which PDP, whether it is healthy, the key (masked) and tenant, live mode.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::tui::app::{App, Health, TargetKind};
use crate::tui::theme::Theme;

pub fn render(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let mut spans = vec![Span::styled(" permit-tui ", theme.heading())];
    match app.target() {
        Some(t) => {
            let (dot, style, word) = match &t.health {
                Health::Up => ("●", theme.allow(), "healthy"),
                Health::Degraded(_) => ("●", theme.warn(), "degraded"),
                Health::Down(_) => ("●", theme.deny(), "down"),
                Health::Unknown => ("○", theme.dim(), "…"),
            };
            spans.push(Span::styled(dot, style));
            spans.push(Span::raw(" "));
            if t.target.kind == TargetKind::Sandbox {
                spans.push(Span::styled("sandbox ", theme.warn()));
            }
            spans.push(Span::styled(t.target.name.clone(), theme.heading()));
            spans.push(Span::styled(format!(" ({word})"), theme.dim()));
            spans.push(Span::styled(" │ ", theme.dim()));
            spans.push(Span::styled(t.target.pdp_url.clone(), theme.accent()));
            spans.push(Span::styled(" │ key ", theme.dim()));
            spans.push(Span::raw(
                t.target.masked_key().unwrap_or_else(|| "none".into()),
            ));
            let tenant = t.target.tenant.clone().unwrap_or_else(|| "default".into());
            spans.push(Span::styled(" │ tenant ", theme.dim()));
            spans.push(Span::raw(tenant));
        }
        None => spans.push(Span::styled("no environment", theme.warn())),
    }
    if app.live {
        spans.push(Span::styled(" │ ", theme.dim()));
        spans.push(Span::styled("LIVE", theme.allow()));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

//! The top line: which environment (and that it is the sandbox), its health dot, the tenant
//! the next check goes to, live mode, the PDP URL and the masked key — most important first,
//! so a narrow terminal cuts only the tail.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::tui::app::{App, Field, Health};
use crate::tui::theme::Theme;

pub fn render(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let wide = area.width >= 110;
    let mut spans = vec![Span::styled(" permit-tui ", theme.heading())];
    let sep = || Span::styled(" │ ", theme.dim());
    match app.target() {
        Some(t) => {
            let (dot, style, word) = match &t.health {
                Health::Up => ("●", theme.allow(), "healthy"),
                Health::Degraded(_) => ("●", theme.warn(), "degraded"),
                Health::Down(_) => ("●", theme.deny(), "down"),
                Health::Unknown => ("○", theme.dim(), "health unknown"),
            };
            spans.push(Span::styled(dot, style));
            spans.push(Span::raw(" "));
            let mut name = t.target.name.as_str();
            if t.target.is_sandbox {
                spans.push(Span::styled("sandbox ", theme.warn()));
                // `sandbox-dev` reads `sandbox dev`, not `sandbox sandbox-dev`.
                name = name
                    .strip_prefix(crate::targets::SANDBOX_PREFIX)
                    .unwrap_or(name);
            }
            spans.push(Span::styled(name.to_string(), theme.heading()));
            if wide || !matches!(t.health, Health::Up) {
                spans.push(Span::styled(format!(" ({word})"), theme.dim()));
            }
            // The tenant the next check goes to: the form's, else the environment's default.
            let form_tenant = app.text(Field::Tenant).trim().to_string();
            let tenant = Some(form_tenant)
                .filter(|t| !t.is_empty())
                .or_else(|| t.target.tenant.clone())
                .unwrap_or_else(|| "default".into());
            spans.push(sep());
            spans.push(Span::styled("tenant ", theme.dim()));
            spans.push(Span::raw(tenant));
            if app.live {
                spans.push(sep());
                spans.push(Span::styled("LIVE", theme.allow()));
            }
            spans.push(sep());
            let url = crate::pdp::mask_url_credentials(&t.target.pdp_url).into_owned();
            spans.push(Span::styled(url, theme.accent()));
            // The masked key goes last, whole, or as its last four characters (`…a1b2`), or
            // not at all: a cut key reads as a wrong one.
            let masked = t.target.masked_key().unwrap_or_else(|| "none".into());
            let short = match masked.rsplit_once('…') {
                Some((_, tail)) => format!("…{tail}"),
                None => masked.clone(),
            };
            let room = usize::from(area.width)
                .saturating_sub(spans.iter().map(Span::width).sum::<usize>())
                .saturating_sub(sep().width() + "key ".len());
            if let Some(key) = [masked, short]
                .into_iter()
                .find(|k| k.chars().count() <= room)
            {
                spans.extend([sep(), Span::styled("key ", theme.dim()), Span::raw(key)]);
            }
        }
        None => spans.push(Span::styled("no environment", theme.warn())),
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

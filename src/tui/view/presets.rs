//! The preset picker: a filter line, then the matching presets (name, request, expectation).

use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::tui::app::App;
use crate::tui::theme::Theme;

use super::overlay::popup;
use super::overlay::{input_line, scrolled};

pub fn render(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let inner = popup(frame, area, 100, area.height, "Presets", theme);
    let mut lines = vec![input_line(
        "Filter",
        &app.presets.picker.filter_text(),
        theme,
    )];
    let store = app.store.as_ref();
    let names = app.presets.matches(store);
    let total = store.map(|s| s.presets.all().len()).unwrap_or(0);
    lines.push(Line::styled(
        format!("{} of {total} presets", names.len()),
        theme.dim(),
    ));
    let rows: Vec<Line<'static>> = names
        .iter()
        .enumerate()
        .filter_map(|(i, name)| {
            let p = store?.presets.get(name)?;
            let resource = if p.input.resource_key.is_empty() {
                p.input.resource.clone()
            } else {
                format!("{}:{}", p.input.resource, p.input.resource_key)
            };
            let expect = p.expect.map(|e| e.as_str()).unwrap_or("-");
            let environment = p.environment.as_deref().unwrap_or("any env");
            let text = format!(
                " {:<24} {:<14} {} {} {} {:<10} expect {expect}",
                p.name, environment, p.input.user, p.input.action, resource, p.input.tenant
            );
            let style = if i == app.presets.picker.selected {
                theme.cursor()
            } else {
                ratatui::style::Style::default()
            };
            Some(Line::styled(text, style))
        })
        .collect();
    if rows.is_empty() {
        lines.push(Line::styled(
            if total == 0 {
                " No presets yet: Ctrl-S on the form saves one."
            } else {
                " Nothing matches the filter."
            },
            theme.dim(),
        ));
    }
    let room = inner.height.saturating_sub(2) as usize;
    lines.extend(scrolled(rows, app.presets.picker.selected, room));
    frame.render_widget(Paragraph::new(lines), inner);
}

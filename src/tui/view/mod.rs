//! Drawing: a pure function of `&App` into a frame.

pub mod decision;
pub mod footer;
pub mod form;
pub mod header;
pub mod help;
pub mod latency;
pub mod layout;

use ratatui::layout::Alignment;
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

use super::app::{App, Modal};
use super::theme::Theme;

pub fn render(app: &App, frame: &mut Frame) {
    let area = frame.area();
    let theme = Theme {
        color: app.settings.color,
    };
    if layout::too_small(area) {
        let text = format!(
            "Terminal too small: {}×{}.\nThe explorer needs at least {}×{}.\nEnlarge the window, or press Ctrl-C to quit.",
            area.width, area.height, layout::MIN_SIZE.0, layout::MIN_SIZE.1
        );
        frame.render_widget(
            Paragraph::new(text)
                .style(theme.warn())
                .alignment(Alignment::Center)
                .wrap(Wrap { trim: true }),
            area,
        );
        return;
    }
    let regions = layout::regions(area);
    header::render(app, theme, frame, regions.header);
    form::render(app, theme, frame, &regions);
    decision::render(app, theme, frame, regions.decision);
    latency::render(app, theme, frame, regions.latency);
    footer::render(app, theme, frame, regions.footer);
    if app.modals.last() == Some(&Modal::Help) {
        help::render(theme, frame, area);
    }
}

//! Drawing: a pure function of `&App` into a frame.

pub mod audit;
pub mod complete;
pub mod decision;
pub mod drawn;
pub mod environments;
pub mod explain;
pub mod export;
pub mod footer;
pub mod form;
pub mod header;
pub mod help;
pub mod history;
pub mod latency;
pub mod layout;
pub mod matrix;
pub mod mirror;
pub mod notices;
pub mod overlay;
pub mod palette;
pub mod presets;
pub mod prompt;
pub mod whatif;
mod wrap;

use ratatui::layout::{Alignment, Rect};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

pub use drawn::Drawn;

use super::action::EnvView;
use super::app::{App, Modal};
use super::theme::Theme;
use super::tools::ToolView;

/// Draws the whole screen from `app` (read only) and says what it measured.
pub fn render(app: &App, frame: &mut Frame) -> Drawn {
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
        return Drawn {
            panel_scroll_max: u16::MAX,
        };
    }
    let regions = layout::regions(area);
    header::render(app, theme, frame, regions.header);
    form::render(app, theme, frame, &regions);
    let panel_scroll_max = decision::render(app, theme, frame, regions.decision);
    latency::render(app, theme, frame, regions.latency);
    footer::render(app, theme, frame, regions.footer);
    footer::render_stack(app, theme, frame, regions.footer);
    complete::render(app, theme, frame, &regions);
    let body = Rect {
        y: area.y + 1,
        height: area.height.saturating_sub(2),
        ..area
    };
    match app.modals.last() {
        Some(Modal::Help) => {
            help::render(theme, frame, area, app.tools.help_scroll, &app.help_query)
        }
        Some(Modal::Tool(view)) => match view {
            ToolView::Export => export::render(app, theme, frame, body),
            ToolView::Matrix => matrix::render(app, theme, frame, body),
            ToolView::WhoCan => matrix::render_who_can(app, theme, frame, body),
            ToolView::WhatIf => whatif::render(app, theme, frame, body),
            ToolView::Compare => whatif::render_compare(app, theme, frame, body),
        },
        Some(Modal::PdpView) => mirror::render_pdp_view(app, theme, frame, body),
        Some(Modal::AuditLog) => audit::render(app, theme, frame, body),
        Some(Modal::Notices) => notices::render(app, theme, frame, body),
        Some(Modal::Palette) => palette::render(app, theme, frame, body),
        Some(Modal::Leader) => palette::render_leader(theme, frame, area),
        Some(Modal::Prompt) => {
            // A prompt is drawn over the picker it came from.
            if let Some(under) = app.modals.iter().rev().nth(1) {
                render_list(app, under, theme, frame, body);
            }
            prompt::render(app, theme, frame, body);
        }
        Some(list @ (Modal::Env(_) | Modal::Presets | Modal::History)) => {
            render_list(app, list, theme, frame, body)
        }
        None => {}
    }
    Drawn { panel_scroll_max }
}

/// The list overlays of environments, presets and history.
fn render_list(app: &App, modal: &Modal, theme: Theme, frame: &mut Frame, body: Rect) {
    match modal {
        Modal::Env(EnvView::Environments) => environments::render_picker(app, theme, frame, body),
        Modal::Env(EnvView::AddEnvironment) => environments::render_add(app, theme, frame, body),
        Modal::Presets => presets::render(app, theme, frame, body),
        Modal::History => history::render(app, theme, frame, body),
        _ => {}
    }
}

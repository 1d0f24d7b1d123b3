//! The decision panel's keys: its tabs, folding the passing branches, the latency
//! histogram, scrolling.

use super::action::Action;
use super::app::{App, ResultTab};

/// Lines PgUp / PgDn move the decision panel by.
const PAGE: u16 = 10;

/// Performs one of the panel's actions (any other does nothing).
pub fn perform(app: &mut App, action: Action) {
    let max = app.scroll_max;
    match action {
        Action::NextTab | Action::PrevTab => {
            let tabs = ResultTab::ALL;
            let i = tabs.iter().position(|t| *t == app.tab).unwrap_or(0);
            let n = tabs.len();
            app.tab = if action == Action::NextTab {
                tabs[(i + 1) % n]
            } else {
                tabs[(i + n - 1) % n]
            };
            app.reset_scroll();
        }
        Action::ToggleFold => app.unfold_passing = !app.unfold_passing,
        Action::ToggleHistogram => app.show_histogram = !app.show_histogram,
        Action::ScrollDown => app.scroll = app.scroll.saturating_add(1).min(max),
        Action::ScrollUp => app.scroll = app.scroll.min(max).saturating_sub(1),
        Action::PageDown => app.scroll = app.scroll.saturating_add(PAGE).min(max),
        Action::PageUp => app.scroll = app.scroll.min(max).saturating_sub(PAGE),
        Action::ScrollTop => app.scroll = 0,
        Action::ScrollBottom => app.scroll = max,
        _ => {}
    }
}

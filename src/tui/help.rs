//! The help overlay: opened on its first page, searched by typing, Esc clearing a search
//! before it closes.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::Modal;
use super::app::App;

pub fn open(app: &mut App) {
    app.tools.help_scroll = 0;
    app.help_query.clear();
    if app.modals.last() != Some(&Modal::Help) {
        app.modals.push(Modal::Help);
    }
}

/// Esc in a searched help clears the search; `false` when there was none to clear.
pub fn clear_search(app: &mut App) -> bool {
    if app.modals.last() != Some(&Modal::Help) || app.help_query.is_empty() {
        return false;
    }
    app.help_query.clear();
    app.tools.help_scroll = 0;
    true
}

/// Typing in the help overlay searches it.
pub fn search(app: &mut App, key: KeyEvent) {
    match key.code {
        KeyCode::Char(c)
            if !key
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
        {
            app.help_query.push(c)
        }
        KeyCode::Backspace => {
            app.help_query.pop();
        }
        _ => return,
    }
    app.tools.help_scroll = 0;
}

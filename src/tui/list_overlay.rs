//! The list overlays (environments, presets, history) take turns: one at a time, so Alt-E,
//! Alt-P and Alt-H swap them from inside one another, with a prompt stacked on the picker it
//! asks for.

use super::action::Modal;
use super::app::App;

fn is_list(modal: &Modal) -> bool {
    matches!(
        modal,
        Modal::Env(_) | Modal::Presets | Modal::History | Modal::Prompt
    )
}

/// Opens `modal` in place of the list overlay open now (and its prompt). `false` when it is
/// open already: its filter and selection stay as they are.
pub fn open(app: &mut App, modal: Modal) -> bool {
    if app.modals.last() == Some(&modal) {
        return false;
    }
    app.modals.retain(|m| !is_list(m));
    app.prompt.kind = None;
    app.modals.push(modal);
    true
}

/// Closes `modal` when it is the one on top.
pub fn close(app: &mut App, modal: Modal) {
    if app.modals.last() == Some(&modal) {
        app.modals.pop();
    }
}

#[cfg(test)]
mod tests {
    use crossterm::event::{KeyCode, KeyModifiers};

    use crate::tui::action::{EnvView, Modal};
    use crate::tui::test_support::{app, press, type_text};

    /// One key means one thing everywhere: Alt-E, Alt-P and Alt-H open their overlay from inside
    /// another one too (it takes the other's place, so Esc goes back to the form).
    #[test]
    fn alt_e_p_h_swap_the_overlays_from_inside_one() {
        let mut app = app("http://127.0.0.1:9", "");
        let alt = KeyModifiers::ALT;
        press(&mut app, KeyCode::Char('p'), alt);
        assert_eq!(app.modals, [Modal::Presets]);
        for (key, modal) in [
            ('h', Modal::History),
            ('e', Modal::Env(EnvView::Environments)),
            ('p', Modal::Presets),
        ] {
            press(&mut app, KeyCode::Char(key), alt);
            assert_eq!(app.modals, [modal], "Alt-{key}: one overlay at a time");
            assert!(
                app.presets.picker.filter_text().is_empty()
                    && app.history.picker.filter_text().is_empty(),
                "Alt-{key} is not typed into a filter"
            );
        }
        press(&mut app, KeyCode::Esc, KeyModifiers::NONE);
        assert!(app.modals.is_empty());
    }

    /// The preset picker and the history panel each keep their own filter: a filter typed
    /// into one never narrows the other, and each opens unfiltered on its first row.
    #[test]
    fn presets_and_history_keep_their_own_filter_and_selection() {
        let mut app = app("http://127.0.0.1:9", "");
        let alt = KeyModifiers::ALT;
        press(&mut app, KeyCode::Char('h'), alt);
        type_text(&mut app, "bob");
        assert_eq!(app.history.picker.filter_text(), "bob");
        press(&mut app, KeyCode::Char('p'), alt);
        assert_eq!(
            app.presets.picker.filter_text(),
            "",
            "presets open unfiltered"
        );
        type_text(&mut app, "mine");
        assert_eq!(app.presets.picker.filter_text(), "mine");
        press(&mut app, KeyCode::Char('h'), alt);
        assert_eq!(app.history.picker.filter_text(), "", "history opens afresh");
        assert_eq!(app.presets.picker.filter_text(), "mine", "untouched");
    }
}

//! The one-line inputs of the overlays (filters, prompts, the add flow, the palette) edit as
//! the form's fields do: `Ctrl-U` deletes to the line's start and `Ctrl-Z` undoes, where the
//! text area's own defaults would undo on `Ctrl-U`. One key means one thing everywhere.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui_textarea::{Input, TextArea};

/// Applies `key` to `area`; whether the text changed.
pub fn edit(area: &mut TextArea<'_>, key: KeyEvent) -> bool {
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        match key.code {
            KeyCode::Char('u') => return area.delete_line_by_head(),
            KeyCode::Char('z') => return area.undo(),
            _ => {}
        }
    }
    area.input(Input::from(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ctrl_u_deletes_to_the_start_and_ctrl_z_brings_it_back() {
        let mut area = TextArea::new(vec!["staging".to_string()]);
        area.move_cursor(ratatui_textarea::CursorMove::End);
        let ctrl = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL);
        assert!(edit(&mut area, ctrl('u')));
        assert_eq!(area.lines(), [""]);
        assert!(edit(&mut area, ctrl('z')));
        assert_eq!(area.lines(), ["staging"]);
        assert!(edit(
            &mut area,
            KeyEvent::new(KeyCode::Char('!'), KeyModifiers::NONE)
        ));
        assert_eq!(area.lines(), ["staging!"]);
    }
}

//! What a list overlay with a filter line keeps: the filter's text and the selected row. The
//! preset picker and the history panel each have their own, so one never inherits the other's
//! filter or position.

use crossterm::event::KeyEvent;
use ratatui_textarea::TextArea;

#[derive(Default)]
pub struct Picker {
    pub filter: TextArea<'static>,
    pub selected: usize,
}

impl Picker {
    pub fn filter_text(&self) -> String {
        self.filter.lines().join(" ")
    }

    /// An empty filter, the first row: how the overlay opens.
    pub fn reset(&mut self) {
        *self = Picker::default();
    }

    pub fn up(&mut self) {
        self.selected = self.selected.saturating_sub(1);
    }

    pub fn down(&mut self, len: usize) {
        if self.selected + 1 < len {
            self.selected += 1;
        }
    }

    /// Keeps the selection on a row after the list shrank.
    pub fn clamp(&mut self, len: usize) {
        self.selected = self.selected.min(len.saturating_sub(1));
    }

    /// A key typed into the filter; a changed filter selects its best match.
    pub fn edit(&mut self, key: KeyEvent) {
        if super::text_input::edit(&mut self.filter, key) {
            self.selected = 0;
        }
    }

    /// A paste into the filter, on one line.
    pub fn paste(&mut self, text: &str) {
        self.filter.insert_str(one_line(text));
        self.selected = 0;
    }
}

/// Pasted text for a one-line input: runs of whitespace, newlines included, become a space.
pub fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

//! What the command palette holds: its filter and selection. A leaf, for the explorer's state.

use ratatui_textarea::TextArea;

#[derive(Debug, Default)]
pub struct PaletteState {
    pub input: TextArea<'static>,
    pub selected: usize,
}

//! The preset picker's state and the loaded preset's verdict. A leaf.

use crate::store::{Preset, Store};
use crate::tui::picker::Picker;

#[derive(Default)]
pub struct PresetState {
    pub picker: Picker,
    /// The preset last loaded into the form, for its verdict after a check.
    pub loaded: Option<Preset>,
    /// `(preset name, verdict)` of the last check of a loaded preset.
    pub verdict: Option<(String, crate::expectation::Verdict)>,
    /// The text of the verdict notice on screen, taken down when the next check finishes.
    pub verdict_notice: Option<String>,
}

impl PresetState {
    /// Names of the presets matching the filter, in picker order.
    pub fn matches(&self, store: Option<&Store>) -> Vec<String> {
        let query = self.picker.filter_text();
        store
            .map(|s| {
                s.presets
                    .filter(&query)
                    .into_iter()
                    .map(|p| p.name.clone())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The selected preset's name.
    pub fn selected(&self, store: Option<&Store>) -> Option<String> {
        self.matches(store).get(self.picker.selected).cloned()
    }
}

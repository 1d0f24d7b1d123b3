//! The one-line prompt's state: what it asks and what has been typed. A leaf.

use ratatui_textarea::TextArea;

use crate::store::Expectation;

/// What a one-line prompt is for.
#[derive(Debug, Clone, PartialEq)]
pub enum PromptKind {
    SavePreset { expect: Option<Expectation> },
    RenamePreset { old: String },
    DuplicatePreset { of: String },
    ExportPresets,
    ImportPresets,
    RenameEnvironment { old: String },
    EnvironmentPdpUrl { name: String },
}

impl PromptKind {
    pub fn title(&self) -> String {
        match self {
            PromptKind::SavePreset { expect } => format!(
                "Save the form as a preset · expect: {} (Tab changes)",
                expect.map(|e| e.as_str()).unwrap_or("nothing")
            ),
            PromptKind::RenamePreset { old } => format!("Rename preset `{old}` to"),
            PromptKind::DuplicatePreset { of } => format!("Name of the copy of `{of}`"),
            PromptKind::ExportPresets => "Export all presets to file".to_string(),
            PromptKind::ImportPresets => "Import presets from file".to_string(),
            PromptKind::RenameEnvironment { old } => format!("Rename environment `{old}` to"),
            PromptKind::EnvironmentPdpUrl { name } => format!("PDP URL of `{name}`"),
        }
    }
}

#[derive(Default)]
pub struct PromptState {
    /// What the open prompt asks; `None` when none is open.
    pub kind: Option<PromptKind>,
    pub input: TextArea<'static>,
    /// The existing preset name a save was warned about; Enter again on it replaces it.
    pub replace_warned: Option<String>,
}

impl PromptState {
    pub fn text(&self) -> String {
        self.input.lines().join(" ")
    }
}

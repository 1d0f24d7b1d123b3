//! The one-line prompt over the pickers: a preset's name, a new name, a file path, an
//! environment's new name or PDP URL; and what Enter does with the answer.

use super::*;

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

pub(super) fn open_prompt(app: &mut App, kind: PromptKind, text: &str) {
    open(app, EnvView::Prompt);
    app.envs.replace_warned = None;
    app.envs.prompt_input = TextArea::new(vec![text.to_string()]);
    app.envs
        .prompt_input
        .move_cursor(ratatui_textarea::CursorMove::End);
    app.envs.prompt = Some(kind);
}

pub(super) fn submit_prompt(app: &mut App) -> Vec<Effect> {
    let text = app.envs.prompt_text().trim().to_string();
    let Some(kind) = app.envs.prompt.clone() else {
        close(app);
        return Vec::new();
    };
    if text.is_empty() {
        app.notice("Type a name (or Esc)", NoticeLevel::Warning);
        return Vec::new();
    }
    let managed = match &kind {
        PromptKind::RenameEnvironment { old } => Some(manage::rename(app, old, &text)),
        PromptKind::EnvironmentPdpUrl { name } => Some(manage::set_pdp_url(app, name, &text)),
        _ => None,
    };
    if let Some(result) = managed {
        return match result {
            Ok((message, effects)) => {
                close(app);
                app.notice(message, NoticeLevel::Info);
                effects
            }
            // The prompt stays open with what was typed.
            Err(why) => {
                app.notice(why, NoticeLevel::Warning);
                Vec::new()
            }
        };
    }
    let input = app.input();
    let environment = app.target().map(|t| t.target.name.clone());
    let Some(store) = &mut app.envs.store else {
        app.notice("No store: presets are not available", NoticeLevel::Warning);
        return Vec::new();
    };
    let result: Result<(String, Option<crate::store::Notice>), String> = match &kind {
        PromptKind::SavePreset { expect } => {
            let existing = store.presets.get(&text).cloned();
            let replacing = existing.is_some();
            if replacing && app.envs.replace_warned.as_deref() != Some(text.as_str()) {
                app.envs.replace_warned = Some(text.clone());
                app.notice(
                    format!("Preset `{text}` exists: Enter again replaces it, or change the name"),
                    NoticeLevel::Warning,
                );
                return Vec::new();
            }
            // A hand-written expected code stays while the expected decision does.
            let expect_code = existing
                .filter(|old| old.expect == *expect)
                .and_then(|old| old.expect_code);
            let preset = Preset {
                name: text.clone(),
                input,
                expect: *expect,
                expect_code,
                environment,
            };
            let verb = if replacing { "replaced" } else { "saved" };
            store
                .presets
                .save(preset, true)
                .map(|n| (format!("Preset `{text}` {verb}"), n))
                .map_err(|e| e.to_string())
        }
        PromptKind::RenamePreset { old } => store
            .presets
            .rename(old, &text)
            .map(|n| (format!("Preset `{old}` renamed to `{text}`"), n))
            .map_err(|e| e.to_string()),
        PromptKind::DuplicatePreset { of } => store
            .presets
            .duplicate(of, Some(&text))
            .map(|(made, n)| (format!("Preset `{of}` copied to `{made}`"), n))
            .map_err(|e| e.to_string()),
        PromptKind::ExportPresets => store
            .presets
            .export_to(std::path::Path::new(&text), None)
            .map(|n| (format!("{n} preset(s) exported to {text}"), None))
            .map_err(|e| e.to_string()),
        PromptKind::ImportPresets => store
            .presets
            .import_from(
                std::path::Path::new(&text),
                crate::store::presets::OnConflict::Rename,
            )
            .map(|(report, n)| {
                (
                    format!(
                        "Imported from {text}: {} added, {} renamed, {} replaced, {} skipped",
                        report.added.len(),
                        report.renamed.len(),
                        report.replaced.len(),
                        report.skipped.len()
                    ),
                    n.or_else(|| report.notices.first().cloned()),
                )
            })
            .map_err(|e| e.to_string()),
        PromptKind::RenameEnvironment { .. } | PromptKind::EnvironmentPdpUrl { .. } => {
            return Vec::new()
        }
    };
    match result {
        Ok((message, notice)) => {
            close(app);
            app.notice(message, NoticeLevel::Info);
            if let Some(n) = notice {
                app.notice(n.to_string(), NoticeLevel::Warning);
            }
        }
        // The prompt stays open with what was typed: nothing is lost.
        Err(err) => app.notice(err, NoticeLevel::Warning),
    }
    Vec::new()
}

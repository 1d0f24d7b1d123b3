//! Environments, presets and history in the explorer (issue 5): the environment picker and the
//! "add environment" flow, the preset picker, the history panel, recording every check and the
//! ABAC warning before a Cloud PDP check. State lives in `App::envs`; the shared TEA plumbing
//! only forwards `Msg::Env`, `Effect::Env` and `Action::Env` here.

pub mod add;
pub mod manage;
pub mod runtime;

use std::collections::HashMap;
use std::time::Duration;

use ratatui_textarea::TextArea;

use crate::pdp::types::{AllowedQuery, AllowedResult};
use crate::pdp::Exchange;
use crate::store::history::{latency_series, HistoryIndex};
use crate::store::{Expectation, HistoryEntry, Preset, Store};

use super::app::{App, Modal, NoticeLevel, Target};
use super::latency::{LatencyRing, RING_CAPACITY};
use super::msg::Effect;

/// How many history entries are read before the first frame.
pub const RECENT_AT_START: usize = 200;

/// Which overlay of this module is open (pushed on `App::modals` as `Modal::Env`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnvView {
    Environments,
    AddEnvironment,
    Presets,
    History,
    /// A one-line question (preset name, new name, file path).
    Prompt,
}

/// The keys of this module, dispatched through the one keymap table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnvAction {
    OpenEnvironments,
    OpenPresets,
    OpenHistory,
    SavePreset,
    /// Switch to environment N (0-based).
    SwitchTo(usize),
    Up,
    Down,
    /// Enter: switch / load / re-run / next step.
    Choose,
    /// Load a history entry into the form without running it.
    LoadEntry,
    AddEnvironment,
    Rename,
    Delete,
    Duplicate,
    Export,
    Import,
    /// In the picker: compare the form on the current and the selected environment.
    CompareWith,
    /// In the picker: change the selected environment's PDP URL.
    EditPdpUrl,
    /// In the save prompt: cycle the expected decision (none, allow, deny).
    CycleExpect,
    Close,
}

/// Results of this module's effects, back into `update`. A few per session: boxing the big
/// variants would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum EnvMsg {
    /// The whole history, read and indexed on a blocking task after the first frame.
    HistoryLoaded(HistoryIndex),
    /// A step of the add-environment flow finished.
    Add(add::AddMsg),
    /// Appending to the history file failed (told once, until an append succeeds again).
    HistoryNotSaved(String),
    /// Deleting an entry from the history file did not happen, and why.
    HistoryNotDeleted(String),
    /// `config.toml` changed and was read again.
    ConfigReloaded(Box<manage::Reloaded>),
}

#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum EnvEffect {
    LoadHistory(std::path::PathBuf),
    /// Append `entry` to `log`, in order with the entries before it.
    Record {
        log: crate::store::History,
        entry: HistoryEntry,
    },
    /// Read `config.toml` again if it changed after `since` (always without one), and
    /// resolve its environments.
    WatchConfig {
        path: std::path::PathBuf,
        since: Option<std::time::SystemTime>,
        overrides: crate::store::config::Overrides,
    },
    /// Delete `entry`'s line from `log` (off the app's thread).
    DeleteHistory {
        log: crate::store::History,
        entry: HistoryEntry,
    },
    Add(add::AddEffect),
}

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
pub struct EnvState {
    /// The files; `None` when the app runs without a store (some tests).
    pub store: Option<Store>,
    pub history: HistoryIndex,
    /// Whether the full history has replaced the recent slice read at start.
    pub history_complete: bool,
    /// Checks added to `history` this session (its first entries), kept across the full load.
    pub session_checks: usize,
    /// The filter of the preset picker and the history panel, and the prompt's text.
    pub input: TextArea<'static>,
    pub selected: usize,
    pub prompt: Option<PromptKind>,
    /// The prompt's text (the picker under it keeps its filter).
    pub prompt_input: TextArea<'static>,
    pub add: add::AddFlow,
    /// The preset last loaded into the form, for its verdict after a check.
    pub loaded_preset: Option<Preset>,
    /// `(preset name, verdict)` of the last check of a loaded preset.
    pub verdict: Option<(String, Result<(), String>)>,
    /// The request body a Cloud-PDP ABAC warning was shown for; firing it again sends it.
    pub abac_acknowledged: Option<String>,
    /// The existing preset name a save was warned about; Enter again on it replaces it.
    pub replace_warned: Option<String>,
    /// The text of the verdict notice on screen, taken down when the next check finishes.
    pub verdict_notice: Option<String>,
    /// The latest live-mode check and the tick it finished at: recorded once no newer one
    /// follows for a while, so a burst of edits leaves one history entry, not one per key.
    pub pending_live: Option<(HistoryEntry, u64)>,
    /// When `config.toml` was last read: a newer file is read again (`manage`).
    pub config_seen: Option<std::time::SystemTime>,
    /// What of `config.toml` did not read at the last look, said once.
    pub config_issues: Vec<String>,
    /// The environment a first Ctrl-X in the picker asked to remove.
    pub remove_armed: Option<String>,
    /// Resolved environments by name, for `Target::abac_warning`.
    pub resolved: HashMap<String, crate::targets::Target>,
}

impl std::fmt::Debug for EnvState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EnvState")
            .field("history", &self.history.len())
            .field("selected", &self.selected)
            .field("prompt", &self.prompt)
            .finish_non_exhaustive()
    }
}

impl EnvState {
    pub fn filter_text(&self) -> String {
        self.input.lines().join(" ")
    }

    pub fn prompt_text(&self) -> String {
        self.prompt_input.lines().join(" ")
    }

    /// Indices of the presets matching the filter, in picker order.
    pub fn preset_matches(&self) -> Vec<String> {
        let query = self.filter_text();
        self.store
            .as_ref()
            .map(|s| {
                s.presets
                    .filter(&query)
                    .into_iter()
                    .map(|p| p.name.clone())
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn history_matches(&self) -> Vec<usize> {
        self.history.filter(&self.filter_text(), None)
    }
}

/// Which keymap context an overlay of this module uses.
pub fn context_of(view: EnvView) -> super::keymap::Context {
    use super::keymap::Context;
    match view {
        EnvView::Environments => Context::EnvPicker,
        EnvView::AddEnvironment => Context::AddEnv,
        EnvView::Presets => Context::PresetPicker,
        EnvView::History => Context::HistoryPanel,
        EnvView::Prompt => Context::Prompt,
    }
}

pub fn open_view(app: &App) -> Option<EnvView> {
    match app.modals.last() {
        Some(Modal::Env(view)) => Some(*view),
        _ => None,
    }
}

/// Fills the latency rings from history (entries newest first), per environment.
pub fn rebuild_latencies(app: &mut App) {
    let series = latency_series(app.envs.history.entries(), RING_CAPACITY);
    for t in &mut app.targets {
        let mut ring = LatencyRing::default();
        if let Some(samples) = series.get(&t.target.name) {
            for us in samples {
                ring.push(Duration::from_micros(*us));
            }
        }
        t.latencies = ring;
    }
}

fn open(app: &mut App, view: EnvView) {
    if open_view(app) == Some(view) {
        return;
    }
    // One overlay of this module at a time (a prompt stacks on its picker).
    if view != EnvView::Prompt {
        app.modals.retain(|m| !matches!(m, Modal::Env(_)));
        app.envs.input = TextArea::default();
        app.envs.selected = 0;
    }
    app.modals.push(Modal::Env(view));
}

fn close(app: &mut App) {
    if matches!(app.modals.last(), Some(Modal::Env(_))) {
        app.modals.pop();
    }
    if open_view(app).is_none() {
        app.envs.prompt = None;
    }
}

fn open_prompt(app: &mut App, kind: PromptKind, text: &str) {
    open(app, EnvView::Prompt);
    app.envs.replace_warned = None;
    app.envs.prompt_input = TextArea::new(vec![text.to_string()]);
    app.envs
        .prompt_input
        .move_cursor(ratatui_textarea::CursorMove::End);
    app.envs.prompt = Some(kind);
}

pub fn perform(app: &mut App, action: EnvAction) -> Vec<Effect> {
    let view = open_view(app);
    match (action, view) {
        (EnvAction::OpenEnvironments, _) => {
            open(app, EnvView::Environments);
            app.envs.selected = app.current;
        }
        (EnvAction::OpenPresets, _) => open(app, EnvView::Presets),
        (EnvAction::OpenHistory, _) => open(app, EnvView::History),
        (EnvAction::SavePreset, _) => open_save_prompt(app),
        (EnvAction::SwitchTo(i), _) => {
            if view == Some(EnvView::Environments) {
                close(app);
            }
            return switch_to(app, i);
        }
        (EnvAction::Close, _) => close(app),
        (EnvAction::Up, _) => app.envs.selected = app.envs.selected.saturating_sub(1),
        (EnvAction::Down, Some(v)) => {
            let len = list_len(app, v);
            if app.envs.selected + 1 < len {
                app.envs.selected += 1;
            }
        }
        (EnvAction::AddEnvironment, _) => {
            open(app, EnvView::AddEnvironment);
            app.envs.add = add::AddFlow::default();
        }
        (EnvAction::Choose, Some(EnvView::Environments)) => {
            let i = app.envs.selected;
            if i >= app.targets.len() {
                open(app, EnvView::AddEnvironment);
                app.envs.add = add::AddFlow::default();
                return Vec::new();
            }
            close(app);
            return switch_to(app, i);
        }
        (EnvAction::CompareWith, Some(EnvView::Environments)) => {
            let other = app.envs.selected;
            close(app);
            return crate::tui::tools::pair::compare_with(app, other);
        }
        (EnvAction::Choose, Some(EnvView::AddEnvironment)) => return add::choose(app),
        (EnvAction::Choose, Some(EnvView::Presets)) => return load_selected_preset(app),
        (EnvAction::Choose, Some(EnvView::History)) => return history_entry(app, true),
        (EnvAction::LoadEntry, Some(EnvView::History)) => return history_entry(app, false),
        (EnvAction::Choose, Some(EnvView::Prompt)) => return submit_prompt(app),
        (EnvAction::CycleExpect, Some(EnvView::Prompt)) => {
            if let Some(PromptKind::SavePreset { expect }) = &mut app.envs.prompt {
                *expect = match expect {
                    None => Some(Expectation::Allow),
                    Some(Expectation::Allow) => Some(Expectation::Deny),
                    Some(Expectation::Deny) => None,
                };
            }
        }
        (EnvAction::Rename, Some(EnvView::Presets)) => {
            if let Some(name) = selected_preset(app) {
                open_prompt(app, PromptKind::RenamePreset { old: name.clone() }, &name);
            }
        }
        (EnvAction::Duplicate, Some(EnvView::Presets)) => {
            if let Some(name) = selected_preset(app) {
                let copy = format!("{name} copy");
                open_prompt(app, PromptKind::DuplicatePreset { of: name }, &copy);
            }
        }
        (EnvAction::Delete, Some(EnvView::Presets)) => delete_selected_preset(app),
        (EnvAction::Delete, Some(EnvView::Environments)) => return manage::remove_selected(app),
        (EnvAction::Rename, Some(EnvView::Environments)) => manage::ask_rename(app),
        (EnvAction::EditPdpUrl, Some(EnvView::Environments)) => manage::ask_pdp_url(app),
        (EnvAction::Delete, Some(EnvView::History)) => return delete_history_entry(app),
        (EnvAction::Export, Some(EnvView::Presets)) => {
            open_prompt(app, PromptKind::ExportPresets, "presets-export.toml")
        }
        (EnvAction::Import, Some(EnvView::Presets)) => {
            open_prompt(app, PromptKind::ImportPresets, "")
        }
        _ => {}
    }
    Vec::new()
}

/// The save prompt, for a form that can be checked: the expected decision is prefilled from
/// the answer to this very form, never from one the form has since moved away from.
fn open_save_prompt(app: &mut App) {
    app.revalidate();
    if let Err(err) = &app.validation {
        let text = format!("Not saved: the form cannot be checked yet ({err})");
        app.notice(text, NoticeLevel::Warning);
        return;
    }
    let expect = app
        .result
        .as_ref()
        .filter(|_| !app.result_is_stale())
        .and_then(|r| r.exchange.result.as_ref().ok())
        .map(|a| {
            if a.allow {
                Expectation::Allow
            } else {
                Expectation::Deny
            }
        });
    // Saving a loaded preset again updates it.
    let name = app
        .envs
        .loaded_preset
        .as_ref()
        .map(|p| p.name.clone())
        .unwrap_or_default();
    open_prompt(app, PromptKind::SavePreset { expect }, &name);
}

fn list_len(app: &App, view: EnvView) -> usize {
    match view {
        // The environments, then "add environment".
        EnvView::Environments => app.targets.len() + 1,
        EnvView::Presets => app.envs.preset_matches().len(),
        EnvView::History => app.envs.history_matches().len(),
        EnvView::AddEnvironment => app.envs.add.choices_len(),
        EnvView::Prompt => 0,
    }
}

/// Printable keys and editing keys of an overlay with a text input (filter, prompt, key).
pub fn on_text_key(app: &mut App, key: crossterm::event::KeyEvent) -> Vec<Effect> {
    match open_view(app) {
        Some(EnvView::Presets | EnvView::History) => {
            if crate::tui::text_input::edit(&mut app.envs.input, key) {
                app.envs.selected = 0;
            }
            Vec::new()
        }
        Some(EnvView::Prompt) => {
            crate::tui::text_input::edit(&mut app.envs.prompt_input, key);
            Vec::new()
        }
        Some(EnvView::AddEnvironment) => add::on_text_key(app, key),
        _ => Vec::new(),
    }
}

/// A paste into an overlay goes to its text input (newlines dropped).
pub fn on_paste(app: &mut App, text: &str) -> bool {
    let text: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match open_view(app) {
        Some(EnvView::Presets | EnvView::History) => {
            app.envs.input.insert_str(&text);
            app.envs.selected = 0;
            true
        }
        Some(EnvView::Prompt) => {
            app.envs.prompt_input.insert_str(&text);
            true
        }
        Some(EnvView::AddEnvironment) => {
            add::on_paste(app, &text);
            true
        }
        Some(EnvView::Environments) => true,
        None => false,
    }
}

/// Makes `targets[i]` current: cancels what is in flight, asks its health, remembers it as
/// the active environment. Its latency ring and history stay as they were.
pub fn switch_to(app: &mut App, i: usize) -> Vec<Effect> {
    if i >= app.targets.len() {
        app.notice(
            format!("There is no environment {}", i + 1),
            NoticeLevel::Info,
        );
        return Vec::new();
    }
    let mut effects = Vec::new();
    if let Some(flight) = app.in_flight.take() {
        effects.push(Effect::Cancel(flight.token));
    }
    if i != app.current {
        app.previous_target = Some(app.current);
    }
    app.current = i;
    app.result = None;
    app.envs.verdict = None;
    app.revalidate();
    let t = &app.targets[i].target;
    let (name, url) = (t.name.clone(), t.pdp_url.clone());
    app.notice(format!("Environment: {name}"), NoticeLevel::Info);
    if let Some(store) = &mut app.envs.store {
        if store.config.get(&name).is_some() || crate::targets::is_sandbox_name(&name) {
            let chosen = name.clone();
            if let Err(err) = store.config.update(|c| c.active = Some(chosen)) {
                let text = err.to_notice().to_string();
                app.notice(text, NoticeLevel::Warning);
            }
        }
    }
    effects.push(Effect::Health {
        target: i,
        url,
        timeout: app.settings.timeout,
    });
    effects.extend(crate::tui::mirror::load_current(app));
    crate::tui::audit::on_switch(app);
    // Live mode follows the environment too: the same query, asked of the new one.
    if app.live && app.validation.is_ok() {
        effects.extend(crate::tui::update::fire(app));
    }
    effects
}

fn selected_preset(app: &App) -> Option<String> {
    app.envs.preset_matches().get(app.envs.selected).cloned()
}

/// Loads the selected preset into the form, in the environment it was saved for: a preset's
/// expected decision is about that environment.
fn load_selected_preset(app: &mut App) -> Vec<Effect> {
    let Some(name) = selected_preset(app) else {
        return Vec::new();
    };
    let Some(preset) = app
        .envs
        .store
        .as_ref()
        .and_then(|s| s.presets.get(&name))
        .cloned()
    else {
        return Vec::new();
    };
    close(app);
    app.set_input(&preset.input);
    app.result = None;
    app.envs.verdict = None;
    let mut effects = Vec::new();
    let home = preset.environment.clone();
    let current = app.target().map(|t| t.target.name.clone());
    match home {
        Some(env) if current.as_deref() != Some(env.as_str()) => {
            match app.targets.iter().position(|t| t.target.name == env) {
                Some(i) => {
                    effects.extend(switch_to(app, i));
                    app.notice(
                        format!("Preset `{name}` loaded in its environment `{env}`"),
                        NoticeLevel::Info,
                    );
                }
                None => app.notice(
                    format!(
                        "Preset `{name}` loaded; it was saved for `{env}`, which is not configured here, so it runs in `{}`",
                        current.unwrap_or_default()
                    ),
                    NoticeLevel::Warning,
                ),
            }
        }
        _ => app.notice(format!("Preset `{name}` loaded"), NoticeLevel::Info),
    }
    app.envs.loaded_preset = Some(preset);
    effects
}

fn delete_selected_preset(app: &mut App) {
    let Some(name) = selected_preset(app) else {
        return;
    };
    let Some(store) = &mut app.envs.store else {
        return;
    };
    let outcome = store.presets.delete(&name);
    match outcome {
        Ok((_, notice)) => {
            app.notice(format!("Preset `{name}` deleted"), NoticeLevel::Info);
            if let Some(n) = notice {
                app.notice(n.to_string(), NoticeLevel::Warning);
            }
        }
        Err(err) => app.notice(err.to_string(), NoticeLevel::Warning),
    }
    let len = app.envs.preset_matches().len();
    app.envs.selected = app.envs.selected.min(len.saturating_sub(1));
}

fn submit_prompt(app: &mut App) -> Vec<Effect> {
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

/// Deletes the selected check from the panel, and from the history file off the app's thread.
fn delete_history_entry(app: &mut App) -> Vec<Effect> {
    let matches = app.envs.history_matches();
    let Some(index) = matches.get(app.envs.selected).copied() else {
        return Vec::new();
    };
    let Some(entry) = app.envs.history.remove(index) else {
        return Vec::new();
    };
    // A check of this session left the index: the full load must not count it.
    if index < app.envs.session_checks {
        app.envs.session_checks -= 1;
    }
    let left = app.envs.history_matches().len();
    app.envs.selected = app.envs.selected.min(left.saturating_sub(1));
    app.notice(
        format!("Deleted the check of {} from the history", entry.time),
        NoticeLevel::Info,
    );
    match &app.envs.store {
        Some(store) => vec![Effect::Env(EnvEffect::DeleteHistory {
            log: store.history.clone(),
            entry,
        })],
        None => Vec::new(),
    }
}

/// Enter on a history entry re-runs it (`run`), the other key loads it into the form.
fn history_entry(app: &mut App, run: bool) -> Vec<Effect> {
    let matches = app.envs.history_matches();
    let Some(entry) = matches
        .get(app.envs.selected)
        .and_then(|i| app.envs.history.entries().get(*i))
        .cloned()
    else {
        return Vec::new();
    };
    let Some(input) = entry.to_input() else {
        app.notice(
            "This history entry's request cannot be read",
            NoticeLevel::Warning,
        );
        return Vec::new();
    };
    close(app);
    // The form first: a switch in live mode checks it at once.
    app.set_input(&input);
    app.envs.loaded_preset = None;
    app.envs.verdict = None;
    let mut effects = Vec::new();
    let here = app.current;
    let entry_env = app
        .targets
        .iter()
        .position(|t| t.target.name == entry.environment);
    match entry_env {
        // A re-run asks the environment the entry was checked in; the switch is said aloud.
        Some(i) if i != here && run => {
            effects.extend(switch_to(app, i));
            let from = app.targets[here].target.name.clone();
            app.notice(
                format!(
                    "Re-running in `{}`, the entry's environment (was `{from}`; Alt-{} goes back)",
                    entry.environment,
                    here + 1
                ),
                NoticeLevel::Warning,
            );
        }
        Some(i) if i != here => app.notice(
            format!(
                "Loaded a check made in `{}`; it will run here, in `{}`",
                entry.environment, app.targets[here].target.name
            ),
            NoticeLevel::Info,
        ),
        Some(_) => {}
        None if run => app.notice(
            format!(
                "`{}` is not configured here: re-running in `{}`",
                entry.environment, app.targets[here].target.name
            ),
            NoticeLevel::Warning,
        ),
        None => {}
    }
    let fired = effects.iter().any(|e| matches!(e, Effect::Check { .. }));
    if run {
        if !fired {
            effects.extend(super::update::fire(app));
        }
    } else if entry_env == Some(here) {
        app.notice("History entry loaded into the form", NoticeLevel::Info);
    }
    effects
}

/// Called by `fire` before sending: `false` when the user must first read the ABAC warning
/// (firing the same request again sends it).
pub fn may_fire(app: &mut App, query: &AllowedQuery, target: &Target) -> bool {
    let warning = match app.envs.resolved.get(&target.name) {
        Some(resolved) => resolved.abac_warning(query),
        None => {
            let uses_attributes = !query.user.attributes.is_empty()
                || !query.resource.attributes.is_empty()
                || !query.resource.context.is_empty()
                || !query.context.is_empty();
            (crate::targets::is_cloud_pdp(&target.pdp_url) && uses_attributes).then(|| {
                format!(
                    "`{}` uses the Cloud PDP, which does not evaluate ABAC: attributes and \
                     context are not considered (a 501 may come back).",
                    target.name
                )
            })
        }
    };
    let Some(warning) = warning else {
        return true;
    };
    let body = serde_json::to_string(query).unwrap_or_default();
    if app.envs.abac_acknowledged.as_deref() == Some(body.as_str()) {
        return true;
    }
    app.envs.abac_acknowledged = Some(body);
    app.notice(
        format!("{warning} Press F5 again to send it anyway."),
        NoticeLevel::Warning,
    );
    false
}

/// Adds a finished check to the history panel, and asks for it to be appended to the history
/// file (off the app's thread).
pub fn record(app: &mut App, entry: HistoryEntry) -> Vec<Effect> {
    let effects = match &app.envs.store {
        Some(store) => vec![Effect::Env(EnvEffect::Record {
            log: store.history.clone(),
            entry: entry.clone(),
        })],
        None => Vec::new(),
    };
    app.envs.history.push_newest(entry);
    app.envs.session_checks += 1;
    effects
}

/// How long a live-mode answer must stand before it goes to the history.
pub const LIVE_SETTLE: Duration = Duration::from_millis(1500);

/// Records the pending live-mode check once it has stood for [`LIVE_SETTLE`], or at once
/// with `now` (quitting, a check that is not live).
pub fn settle_live(app: &mut App, now: bool) -> Vec<Effect> {
    let settle_ticks =
        (LIVE_SETTLE.as_millis() / app.settings.tick.as_millis().max(1)).max(1) as u64;
    match app.envs.pending_live.take() {
        Some((entry, at)) if now || app.ticks >= at + settle_ticks => record(app, entry),
        other => {
            app.envs.pending_live = other;
            Vec::new()
        }
    }
}

/// Called when a check finished: adds it to the history panel, asks for it to be appended to
/// the history file (off the app's thread), and gives a loaded preset's verdict. A live-mode
/// check waits to see whether it is the last of its burst.
pub fn after_check(
    app: &mut App,
    environment: &str,
    query: &AllowedQuery,
    exchange: &Exchange<AllowedResult>,
    live: bool,
) -> Vec<Effect> {
    let entry = HistoryEntry::from_check(environment, query, exchange);
    let verdict = app.envs.loaded_preset.as_ref().and_then(|preset| {
        let loaded = preset.input.to_query().ok()?;
        // Only while the form still is the preset.
        if &loaded != query {
            return None;
        }
        let result = exchange.result.as_ref().ok()?;
        preset
            .verdict(result.allow, &entry.codes)
            .map(|v| (preset.name.clone(), v))
    });
    let effects = if live {
        // A newer answer of the burst replaces the pending one, which is never recorded.
        app.envs.pending_live = Some((entry, app.ticks));
        Vec::new()
    } else {
        let mut effects = settle_live(app, true);
        effects.extend(record(app, entry));
        effects
    };
    // A verdict on screen is about the check before this one: it goes.
    if let Some(shown) = app.envs.verdict_notice.take() {
        app.notices.retain(|n| n.text != shown);
    }
    if let Some((name, verdict)) = &verdict {
        let (text, level) = match verdict {
            Ok(()) => (format!("Preset `{name}`: as expected ✓"), NoticeLevel::Info),
            Err(why) => (format!("Preset `{name}`: {why} ✗"), NoticeLevel::Warning),
        };
        app.notice(text.clone(), level);
        app.envs.verdict_notice = Some(text);
    }
    app.envs.verdict = verdict;
    effects
}

/// What to do once the first frame is on screen: read the whole history.
pub fn startup_effects(app: &App) -> Vec<Effect> {
    match &app.envs.store {
        Some(store) if !app.envs.history_complete => vec![Effect::Env(EnvEffect::LoadHistory(
            store.history.path().to_path_buf(),
        ))],
        _ => Vec::new(),
    }
}

pub fn update(app: &mut App, msg: EnvMsg) -> Vec<Effect> {
    match msg {
        EnvMsg::HistoryLoaded(mut loaded) => {
            // Checks of this session are in the file too, unless they were appended after the
            // load read it: those are kept on top.
            let n = app.envs.session_checks.min(app.envs.history.len());
            let session = &app.envs.history.entries()[..n];
            let missing: Vec<HistoryEntry> = session
                .iter()
                .filter(|e| !loaded.entries().iter().take(session.len()).any(|l| l == *e))
                .cloned()
                .collect();
            for entry in missing.into_iter().rev() {
                loaded.push_newest(entry);
            }
            app.envs.history = loaded;
            app.envs.history_complete = true;
            rebuild_latencies(app);
            Vec::new()
        }
        EnvMsg::Add(msg) => add::update(app, msg),
        EnvMsg::ConfigReloaded(reloaded) => manage::merge(app, *reloaded),
        EnvMsg::HistoryNotSaved(text) | EnvMsg::HistoryNotDeleted(text) => {
            app.notice(text, NoticeLevel::Warning);
            Vec::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};

    use super::*;
    use crate::pdp::CheckInput;
    use crate::store::Paths;
    use crate::tui::app::{Settings, TargetKind};
    use crate::tui::msg::Msg;
    use crate::tui::update::update;

    fn app(pdp_url: &str, user_attributes: &str) -> App {
        let target = Target {
            name: "cloud".into(),
            pdp_url: pdp_url.into(),
            api_key: Some("permit_key_SECRETsecret1234".into()),
            tenant: None,
            kind: TargetKind::Remote,
            rest: Default::default(),
        };
        let input = CheckInput {
            user: "alice".into(),
            user_attributes: user_attributes.into(),
            action: "read".into(),
            resource: "document".into(),
            ..CheckInput::default()
        };
        App::new(vec![target], &input, Settings::default())
    }

    fn f5(app: &mut App) -> Vec<Effect> {
        update(
            app,
            Msg::Input(Event::Key(KeyEvent::new(KeyCode::F(5), KeyModifiers::NONE))),
        )
    }

    fn press(app: &mut App, code: KeyCode, modifiers: KeyModifiers) {
        update(app, Msg::Input(Event::Key(KeyEvent::new(code, modifiers))));
    }

    fn save_as(app: &mut App, name: &str) {
        press(app, KeyCode::Char('s'), KeyModifiers::CONTROL);
        press(app, KeyCode::Char('u'), KeyModifiers::CONTROL);
        for c in name.chars() {
            press(app, KeyCode::Char(c), KeyModifiers::NONE);
        }
        press(app, KeyCode::Enter, KeyModifiers::NONE);
    }

    #[test]
    fn rerunning_history_of_another_environment_in_live_mode_checks_that_entry_once() {
        let mut app = app("http://127.0.0.1:9", "");
        let mut prod = app.targets[0].target.clone();
        prod.name = "prod".into();
        app.targets.push(crate::tui::app::TargetState::new(prod));
        app.live = true;
        let bob = CheckInput {
            user: "bob".into(),
            ..app.input()
        };
        let query = bob.to_query().unwrap();
        let exchange = Exchange {
            result: Ok(AllowedResult::default()),
            latency: Duration::from_millis(1),
            status: Some(200),
            raw_body: None,
        };
        app.envs
            .history
            .push_newest(HistoryEntry::from_check("prod", &query, &exchange));
        press(&mut app, KeyCode::Char('h'), KeyModifiers::ALT);
        let effects = update(
            &mut app,
            Msg::Input(Event::Key(KeyEvent::new(
                KeyCode::Enter,
                KeyModifiers::NONE,
            ))),
        );
        let checks: Vec<(String, String)> = effects
            .iter()
            .filter_map(|e| match e {
                Effect::Check { query, target, .. } => {
                    Some((query.user.key.clone(), target.name.clone()))
                }
                _ => None,
            })
            .collect();
        assert_eq!(checks, [("bob".to_string(), "prod".to_string())]);
    }

    #[test]
    fn a_presets_verdict_goes_when_a_check_of_another_query_finishes() {
        let mut app = app("http://127.0.0.1:9", "");
        app.envs.loaded_preset = Some(Preset {
            name: "p".into(),
            input: app.input(),
            expect: Some(Expectation::Allow),
            expect_code: None,
            environment: None,
        });
        let answer = |id| Msg::CheckFinished {
            id,
            exchange: Exchange {
                result: Ok(AllowedResult {
                    allow: id == 1,
                    ..AllowedResult::default()
                }),
                latency: Duration::from_millis(2),
                status: Some(200),
                raw_body: None,
            },
        };
        let verdicts = |app: &App| {
            app.notices
                .iter()
                .filter(|n| n.text.starts_with("Preset `p`"))
                .count()
        };
        f5(&mut app);
        update(&mut app, answer(1));
        assert_eq!(verdicts(&app), 1);
        app.set_input(&CheckInput {
            user: "bob".into(),
            ..app.input()
        });
        f5(&mut app);
        update(&mut app, answer(2));
        assert_eq!(verdicts(&app), 0, "bob's check is not the preset");
        assert!(app.envs.verdict.is_none());
    }

    #[test]
    fn saving_over_a_preset_asks_first_and_keeps_its_expected_code() {
        let dir = tempfile::tempdir().unwrap();
        let (store, _) = Store::open(Paths::in_dir(dir.path()));
        let mut app = app("http://127.0.0.1:9", "");
        app.envs.store = Some(store);
        save_as(&mut app, "p");
        assert!(app.envs.prompt.is_none(), "a new name saves at once");
        let store = app.envs.store.as_mut().unwrap();
        let mut first = store.presets.get("p").unwrap().clone();
        first.expect_code = Some("rbac:ALLOWED_BY_ROLE".into());
        store.presets.save(first, true).unwrap();

        // The same name again: a warning, the prompt stays, nothing is written.
        app.set_input(&CheckInput {
            user: "bob".into(),
            ..app.input()
        });
        save_as(&mut app, "p");
        assert!(app.envs.prompt.is_some());
        let warning = &app.notices.back().unwrap().text;
        assert!(
            warning.contains("exists: Enter again replaces it"),
            "{warning}"
        );
        let presets = &app.envs.store.as_ref().unwrap().presets;
        assert_eq!(presets.get("p").unwrap().input.user, "alice");

        // Enter again replaces it, keeping the hand-written code.
        press(&mut app, KeyCode::Enter, KeyModifiers::NONE);
        assert!(app.envs.prompt.is_none());
        let (reloaded, _) = crate::store::Presets::load(&Paths::in_dir(dir.path()).presets_file());
        let p = reloaded.get("p").unwrap();
        assert_eq!(p.input.user, "bob");
        assert_eq!(p.expect_code.as_deref(), Some("rbac:ALLOWED_BY_ROLE"));
        assert!(app.notices.back().unwrap().text.contains("replaced"));
    }

    fn fired(effects: &[Effect]) -> bool {
        effects.iter().any(|e| matches!(e, Effect::Check { .. }))
    }

    #[test]
    fn attributes_at_the_cloud_pdp_warn_first_and_send_on_the_second_f5() {
        let mut app = app(crate::cloud::urls::PDP_CLOUD_US, r#"{"plan": "pro"}"#);
        assert!(!fired(&f5(&mut app)));
        let warning = &app.notices.back().unwrap().text;
        assert!(warning.contains("does not evaluate ABAC"), "{warning}");
        assert!(warning.contains("F5 again"), "{warning}");
        assert!(fired(&f5(&mut app)));
    }

    #[test]
    fn no_warning_without_attributes_or_off_the_cloud() {
        let mut plain = app(crate::cloud::urls::PDP_CLOUD_US, "");
        assert!(fired(&f5(&mut plain)));
        let mut local = app("http://localhost:7766", r#"{"plan": "pro"}"#);
        assert!(fired(&f5(&mut local)));
    }

    #[test]
    fn a_finished_check_is_recorded_off_the_app_thread_and_a_failure_is_a_notice() {
        let dir = tempfile::tempdir().unwrap();
        let paths = Paths {
            config_dir: dir.path().join("config"),
            data_dir: dir.path().join("data"),
        };
        let (store, _) = Store::open(paths.clone());
        let mut app = app("http://127.0.0.1:9", "");
        app.envs.store = Some(store);
        let answer = |id| Msg::CheckFinished {
            id,
            exchange: Exchange {
                result: Ok(AllowedResult {
                    allow: true,
                    ..AllowedResult::default()
                }),
                latency: Duration::from_millis(2),
                status: Some(200),
                raw_body: None,
            },
        };
        f5(&mut app);
        let effects = update(&mut app, answer(1));
        assert!(app.result.is_some());
        let [Effect::Env(EnvEffect::Record { log, entry })] = effects.as_slice() else {
            panic!("expected one Record effect: {effects:?}");
        };
        assert_eq!(log.path(), paths.history_file());
        assert_eq!(entry.latency_us, 2000);
        assert_eq!(app.envs.history.len(), 1, "the panel lists it at once");
        assert!(
            !paths.history_file().exists(),
            "update itself writes nothing"
        );

        // The writer reports a failed append as a message; it is shown as a warning.
        update(
            &mut app,
            Msg::Env(EnvMsg::HistoryNotSaved("history.jsonl: not saved".into())),
        );
        let warning = app.notices.back().unwrap();
        assert!(warning.text.contains("not saved"), "{}", warning.text);
        assert_eq!(warning.level, NoticeLevel::Warning);
    }

    #[test]
    fn the_full_history_load_keeps_checks_made_meanwhile() {
        let mut app = app("http://127.0.0.1:9", "");
        let old = crate::store::history::HistoryIndex::default();
        app.envs.history = old;
        f5(&mut app);
        update(
            &mut app,
            Msg::CheckFinished {
                id: 1,
                exchange: Exchange {
                    result: Ok(AllowedResult::default()),
                    latency: Duration::from_millis(2),
                    status: Some(200),
                    raw_body: None,
                },
            },
        );
        let fresh = app.envs.history.entries()[0].clone();
        // The load read the file before that check was appended.
        let mut older = fresh.clone();
        older.time = "2026-01-01T00:00:00Z".into();
        older.environment = "elsewhere".into();
        update(
            &mut app,
            Msg::Env(EnvMsg::HistoryLoaded(HistoryIndex::new(vec![older]))),
        );
        assert_eq!(app.envs.history.len(), 2);
        assert_eq!(app.envs.history.entries()[0], fresh);
        assert_eq!(app.targets[0].latencies.len(), 1, "rebuilt with it");
    }
}

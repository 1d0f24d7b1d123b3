//! Keys and messages of environments, presets and history, each sent to the module whose job
//! it is.

use super::*;

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
        (EnvAction::Delete, Some(EnvView::Presets)) => return delete_selected_preset(app),
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
        EnvMsg::Written(written) => on_written(app, *written),
        EnvMsg::HistoryNotSaved(text) | EnvMsg::HistoryNotDeleted(text) => {
            app.notice(text, NoticeLevel::Warning);
            Vec::new()
        }
    }
}

/// The store as written: the app's copy follows the files; a failed write says why and
/// leaves the prompt that asked for it open with what was typed.
fn on_written(app: &mut App, written: store_write::Written) -> Vec<Effect> {
    let failed = written.failed();
    let mut effects = Vec::new();
    let mut refusals = Vec::new();
    if let Some(store) = &mut app.envs.store {
        match written.config {
            Some(Ok(config)) => store.config = config,
            Some(Err(why)) => refusals.push(why),
            None => {}
        }
        match written.presets {
            Some(Ok(presets)) => store.presets = presets,
            Some(Err(why)) => refusals.push(why),
            None => {}
        }
    }
    for why in refusals {
        app.notice(why, NoticeLevel::Warning);
    }
    if let Some((old, new)) = &written.renamed {
        if let Some(t) = app.targets.iter_mut().find(|t| &t.target.name == old) {
            t.target.name = new.clone();
        }
    }
    if !failed {
        if written.from_prompt && open_view(app) == Some(EnvView::Prompt) {
            close(app);
        }
        if let Some(done) = written.done {
            app.notice(done, NoticeLevel::Info);
        }
    }
    for warning in written.warnings {
        app.notice(warning, NoticeLevel::Warning);
    }
    if let Some(v) = open_view(app) {
        let len = list_len(app, v);
        app.envs.selected = app.envs.selected.min(len.saturating_sub(1));
    }
    if written.reload || failed {
        effects.extend(manage::watch(app, true));
    }
    effects
}

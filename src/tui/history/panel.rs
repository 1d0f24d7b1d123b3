//! The history panel's choices: re-run a past check (in the environment it was made in,
//! said aloud), load it into the form, delete it from the panel and the file.

use crate::tui::action::Modal;
use crate::tui::app::{App, NoticeLevel};
use crate::tui::list_overlay;
use crate::tui::msg::Effect;

use super::model::HistoryEffect;

/// Deletes the selected check from the panel, and from the history file off the app's thread.
pub fn delete_selected(app: &mut App) -> Vec<Effect> {
    let Some(index) = app.history.selected() else {
        return Vec::new();
    };
    let Some(entry) = app.history.index.remove(index) else {
        return Vec::new();
    };
    // A check of this session left the index: the full load must not count it.
    if index < app.history.session_checks {
        app.history.session_checks -= 1;
    }
    let left = app.history.matches().len();
    app.history.picker.clamp(left);
    app.notice(
        format!("Deleted the check of {} from the history", entry.time),
        NoticeLevel::Info,
    );
    match &app.store {
        Some(store) => vec![Effect::History(HistoryEffect::Delete {
            log: store.history.clone(),
            entry,
        })],
        None => Vec::new(),
    }
}

/// Enter on a history entry re-runs it (`run`), the other key loads it into the form.
pub fn open_selected(app: &mut App, run: bool) -> Vec<Effect> {
    let Some(entry) = app
        .history
        .selected()
        .and_then(|i| app.history.index.entries().get(i))
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
    list_overlay::close(app, Modal::History);
    // The form first: a switch in live mode checks it at once.
    app.set_input(&input);
    app.presets.loaded = None;
    app.presets.verdict = None;
    let mut effects = Vec::new();
    let here = app.current;
    let entry_env = app
        .targets
        .iter()
        .position(|t| t.target.name == entry.environment);
    match entry_env {
        // A re-run asks the environment the entry was checked in; the switch is said aloud.
        Some(i) if i != here && run => {
            effects.extend(crate::tui::environments::switch::switch_to(app, i));
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
            effects.extend(app.fire());
        }
    } else if entry_env == Some(here) {
        app.notice("History entry loaded into the form", NoticeLevel::Info);
    }
    effects
}

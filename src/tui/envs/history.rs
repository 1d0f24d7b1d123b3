//! The history panel: re-running or loading a past check, deleting one, and the latency
//! panel rebuilt from the history.

use super::*;

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

/// Deletes the selected check from the panel, and from the history file off the app's thread.
pub(super) fn delete_history_entry(app: &mut App) -> Vec<Effect> {
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
pub(super) fn history_entry(app: &mut App, run: bool) -> Vec<Effect> {
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
            effects.extend(crate::tui::fire::fire(app));
        }
    } else if entry_env == Some(here) {
        app.notice("History entry loaded into the form", NoticeLevel::Info);
    }
    effects
}

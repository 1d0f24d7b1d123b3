//! Environments managed from the picker (rename, remove, change the PDP URL), and
//! `config.toml` changes made elsewhere (`permit-tui env …` in another shell) picked up
//! while the explorer runs: the runtime notices the file changed, resolves its environments
//! again, and `merge` brings the list in line without losing what each one has measured.

use std::collections::BTreeSet;

use crate::tui::app::{App, NoticeLevel, TargetState};
use crate::tui::msg::Effect;

use crate::tui::store_write::model::{ConfigChange, FileOp, PresetOp, StoreWrite};

use super::model::{EnvEffect, Reloaded};

/// Asks the runtime whether `config.toml` changed since it was last read (`force`: read it
/// again whatever its time says, after a write of ours).
pub fn watch(app: &App, force: bool) -> Vec<Effect> {
    match &app.store {
        Some(store) => vec![Effect::Env(EnvEffect::WatchConfig {
            path: store.config.path().to_path_buf(),
            since: if force {
                None
            } else {
                app.environments.config_seen
            },
            overrides: store.config.overrides.clone(),
        })],
        None => Vec::new(),
    }
}

/// Only environments of `config.toml` are managed here: the sandboxes are built in, and a
/// `--pdp` or `PERMIT_*` environment is not in the file.
pub fn configured(app: &mut App, i: usize) -> Option<String> {
    let name = app.targets.get(i)?.target.name.clone();
    let in_file = app
        .store
        .as_ref()
        .is_some_and(|s| s.config.get(&name).is_some());
    if in_file {
        return Some(name);
    }
    let why = if crate::targets::is_sandbox_name(&name) {
        format!("`{name}` is built in: it cannot be renamed, changed or removed")
    } else {
        format!("`{name}` is not in config.toml (it comes from --pdp or PERMIT_* variables)")
    };
    app.notice(why, NoticeLevel::Warning);
    None
}

/// Renames in `config.toml` (the active name too) and here: the entry keeps its health,
/// latencies and mirror; the mirror file and the presets saved for it follow the new name.
/// What it says comes once the file is written.
pub fn rename(app: &mut App, old: &str, new: &str) -> Result<Vec<Effect>, String> {
    if new != old {
        if let Some(why) = super::add::name_problem(app, new) {
            return Err(why);
        }
    }
    let Some(store) = &app.store else {
        return Err("No config directory: nothing to rename".into());
    };
    let presets = store
        .presets
        .all()
        .iter()
        .filter(|p| p.environment.as_deref() == Some(old))
        .count();
    let presets = match presets {
        0 => String::new(),
        1 => ", 1 preset".to_string(),
        n => format!(", {n} presets"),
    };
    use crate::tui::mirror::model::MirrorState;
    let has_mirror = app.targets.iter().any(|t| {
        t.target.name == old && matches!(t.mirror, MirrorState::Ready(_) | MirrorState::Failed(_))
    });
    let mirror = if has_mirror { "its mirror" } else { "" };
    let with = if mirror.is_empty() && presets.is_empty() {
        String::new()
    } else {
        format!(" (with {mirror}{presets}; the history keeps the old name)")
    };
    let (old, new) = (old.to_string(), new.to_string());
    let mut write = StoreWrite::config(
        &store.config,
        ConfigChange::Rename {
            old: old.clone(),
            new: new.clone(),
        },
    )
    .saying(format!("Renamed `{old}` to `{new}`{with}"))
    .from_prompt();
    write.presets = Some((
        store.presets.clone(),
        PresetOp::MoveEnvironment {
            old: old.clone(),
            new: new.clone(),
        },
    ));
    write.files.push(FileOp::Rename {
        from: crate::mirror::stored::path_for(&store.paths, &old),
        to: crate::mirror::stored::path_for(&store.paths, &new),
    });
    // The list follows once the file says so (`Msg::Written`).
    Ok(vec![Effect::write(write)])
}

/// Sets the environment's PDP in `config.toml` (here at once, its health asked anew); the
/// reload that follows the write re-resolves it.
pub fn set_pdp_url(app: &mut App, name: &str, url: &str) -> Result<Vec<Effect>, String> {
    let url = url.trim().trim_end_matches('/').to_string();
    crate::cloud::urls::validate(&url)?;
    let Some(store) = &app.store else {
        return Err("No config directory: nothing to change".into());
    };
    let change = ConfigChange::SetPdpUrl {
        name: name.to_string(),
        url: url.clone(),
    };
    let write = StoreWrite::config(&store.config, change)
        .saying(format!("`{name}` now sends checks to {url}"))
        .from_prompt();
    let mut effects = vec![Effect::write(write)];
    if let Some(i) = app.targets.iter().position(|t| t.target.name == name) {
        let t = &mut app.targets[i];
        t.target.pdp_url = url.clone();
        t.health = crate::tui::app::Health::Unknown;
        t.sandbox_pdp = false;
        effects.push(Effect::Health {
            target: i,
            url,
            timeout: app.settings.timeout,
        });
    }
    Ok(effects)
}

/// `Ctrl-X` in the picker: the first press says what a second would remove.
pub fn remove_selected(app: &mut App) -> Vec<Effect> {
    let i = app.environments.selected;
    let Some(name) = configured(app, i) else {
        return Vec::new();
    };
    if app.targets.len() == 1 {
        app.notice(
            format!("`{name}` is the only environment here: add another before removing it"),
            NoticeLevel::Warning,
        );
        return Vec::new();
    }
    if app.environments.remove_armed.as_deref() != Some(name.as_str()) {
        app.notice(
            format!("Ctrl-X again removes `{name}` from config.toml, with its key and mirror"),
            NoticeLevel::Warning,
        );
        app.environments.remove_armed = Some(name);
        return Vec::new();
    }
    app.environments.remove_armed = None;
    let Some(store) = &app.store else {
        return Vec::new();
    };
    let mut write = StoreWrite::config(&store.config, ConfigChange::Remove(name.clone()))
        .saying(format!("Removed `{name}`"));
    // A mirror left behind would explain a later environment of the same name wrongly.
    write
        .files
        .push(FileOp::Remove(crate::mirror::stored::path_for(
            &store.paths,
            &name,
        )));
    let mut effects = vec![Effect::write(write)];
    effects.extend(drop_target(app, &name));
    effects
}

/// Takes an environment out of the list; if it was current, the first one becomes current.
fn drop_target(app: &mut App, name: &str) -> Vec<Effect> {
    let Some(i) = app.targets.iter().position(|t| t.target.name == name) else {
        return Vec::new();
    };
    // The explorer always has an environment to check against.
    if app.targets.len() == 1 {
        app.notice(
            format!(
                "`{name}` left config.toml but is the only environment: it stays until a restart"
            ),
            NoticeLevel::Warning,
        );
        return Vec::new();
    }
    let current_name = app.targets[app.current].target.name.clone();
    app.targets.remove(i);
    app.previous_target = None;
    app.environments.selected = app.environments.selected.min(app.targets.len());
    if current_name == name {
        app.current = 0;
        let first = app.targets[0].target.name.clone();
        let effects = super::switch::switch_to(app, 0);
        app.notice(
            format!("`{name}` was current: now `{first}` is"),
            NoticeLevel::Warning,
        );
        return effects;
    }
    app.current = app
        .targets
        .iter()
        .position(|t| t.target.name == current_name)
        .unwrap_or(0);
    Vec::new()
}

/// Brings the list in line with a fresh `config.toml`: environments added elsewhere appear,
/// removed ones go, changed ones (PDP, key, API) are updated in place, keeping their health,
/// latencies and mirror. Says what changed, once.
pub fn merge(app: &mut App, reloaded: Reloaded) -> Vec<Effect> {
    // The first look follows the start, which has said what did not read already.
    let first_look = app.environments.config_seen.is_none();
    app.environments.config_seen = reloaded.modified;
    let Some(store) = &mut app.store else {
        return Vec::new();
    };
    let before: BTreeSet<String> = store
        .config
        .environments
        .iter()
        .map(|e| e.name.clone())
        .collect();
    store.config = reloaded.config;
    let mut added = Vec::new();
    let mut updated = Vec::new();
    let mut failed = Vec::new();
    let mut now = BTreeSet::new();
    for resolved in reloaded.targets {
        let resolved = match resolved {
            Ok(t) => t,
            Err(why) => {
                failed.push(format!("config.toml: {why}"));
                continue;
            }
        };
        now.insert(resolved.name.clone());
        let target = resolved.clone();
        match app
            .targets
            .iter_mut()
            .find(|t| t.target.name == target.name)
        {
            Some(existing) if existing.target != target => {
                let url_changed = existing.target.pdp_url != target.pdp_url;
                existing.target = target;
                if url_changed {
                    existing.health = crate::tui::app::Health::Unknown;
                    existing.sandbox_pdp = false;
                }
                updated.push(resolved.name.clone());
            }
            Some(_) => {}
            None => {
                added.push(resolved.name.clone());
                app.targets.push(TargetState::new(target));
            }
        }
    }
    // A file half-way through a hand edit reads partly: what it lacks is not removed.
    let complete = reloaded.issues.is_empty();
    let removed: Vec<String> = before
        .difference(&now)
        .filter(|_| complete)
        .filter(|name| {
            app.targets
                .iter()
                .any(|t| &t.target.name == *name && !t.target.is_sandbox)
        })
        .cloned()
        .collect();
    let mut effects = Vec::new();
    for name in &removed {
        effects.extend(drop_target(app, name));
    }
    let mut said = Vec::new();
    if !added.is_empty() {
        said.push(format!("added {}", added.join(", ")));
    }
    if !removed.is_empty() {
        said.push(format!("removed {}", removed.join(", ")));
    }
    if !updated.is_empty() {
        said.push(format!("updated {}", updated.join(", ")));
    }
    if !said.is_empty() {
        app.notice(
            format!("config.toml changed: {}", said.join("; ")),
            NoticeLevel::Info,
        );
    }
    // Problems are said when they change, not at every look.
    let mut issues = reloaded.issues;
    issues.extend(failed);
    if app.environments.config_issues != issues {
        if !first_look {
            for issue in &issues {
                app.notice(issue.clone(), NoticeLevel::Warning);
            }
        }
        app.environments.config_issues = issues;
    }
    // The current environment's new PDP is asked at once.
    if updated.contains(&app.targets[app.current].target.name) {
        let t = &app.targets[app.current].target;
        effects.push(Effect::Health {
            target: app.current,
            url: t.pdp_url.clone(),
            timeout: app.settings.timeout,
        });
    }
    effects
}

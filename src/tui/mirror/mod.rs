//! The mirror in the explorer. An environment's latest snapshot is loaded when the
//! environment becomes current; every check there is decided again on it, and the answer
//! says whether the two agree and, when not, why. From the environment picker, `s` takes or
//! refreshes the selected environment's snapshot and `p` opens its PDP view (health, API
//! version, the role assignments it lacks or holds in excess against the mirror).

use std::time::SystemTime;

pub mod model;
pub mod runtime;

pub use super::action::MirrorAction;
use super::app::{App, Modal, NoticeLevel};
use super::msg::Effect;
use crate::mirror::stored::path_for;
use crate::pdp::types::{AllowedQuery, AllowedResult};
pub use model::{MirrorEffect, MirrorMsg, MirrorOutcome, MirrorPanel, MirrorState};

/// Looks for the current environment's mirror (at start and after a switch).
pub fn load_current(app: &mut App) -> Vec<Effect> {
    load(app, app.current)
}

fn load(app: &mut App, target: usize) -> Vec<Effect> {
    let Some(paths) = app.store.as_ref().map(|s| s.paths.clone()) else {
        return Vec::new();
    };
    let Some(t) = app.targets.get_mut(target) else {
        return Vec::new();
    };
    // The sandbox explains its own answers: it needs no mirror.
    if t.target.is_sandbox || !matches!(t.mirror, MirrorState::Unknown) {
        return Vec::new();
    }
    t.mirror = MirrorState::Loading;
    vec![Effect::Mirror(MirrorEffect::Load {
        target,
        file: path_for(&paths, &t.target.name),
        unless_modified_at: None,
    })]
}

/// With each health tick: load the current environment's mirror again if its file changed
/// (`permit-tui env snapshot` from another shell, or an edit), or appeared.
pub fn reload_if_changed(app: &App) -> Vec<Effect> {
    let Some(paths) = app.store.as_ref().map(|s| &s.paths) else {
        return Vec::new();
    };
    let Some(t) = app.targets.get(app.current) else {
        return Vec::new();
    };
    let unless_modified_at = match &t.mirror {
        MirrorState::Ready(mirror) => Some(mirror.modified),
        MirrorState::Absent => Some(SystemTime::UNIX_EPOCH),
        _ => return Vec::new(),
    };
    vec![Effect::Mirror(MirrorEffect::Load {
        target: app.current,
        file: path_for(paths, &t.target.name),
        unless_modified_at,
    })]
}

/// After a check's answer: decide it on the mirror too, when its environment has one.
pub fn after_check(
    app: &App,
    id: u64,
    target: usize,
    query: &AllowedQuery,
    pdp: Option<&AllowedResult>,
) -> Vec<Effect> {
    let Some(t) = app.targets.get(target) else {
        return Vec::new();
    };
    match (&t.mirror, pdp) {
        (MirrorState::Ready(mirror), Some(pdp)) => vec![Effect::Mirror(MirrorEffect::Decide {
            id,
            environment: t.target.name.clone(),
            query: query.clone(),
            pdp: pdp.clone(),
            mirror: mirror.clone(),
        })],
        _ => Vec::new(),
    }
}

/// The environment the picker's selection names, else the current one.
fn chosen(app: &App) -> usize {
    let picker_open = matches!(
        app.modals.last(),
        Some(Modal::Env(super::action::EnvView::Environments))
    );
    if picker_open && app.environments.selected < app.targets.len() {
        app.environments.selected
    } else {
        app.current
    }
}

pub fn perform(app: &mut App, action: MirrorAction) -> Vec<Effect> {
    match action {
        MirrorAction::TakeSnapshot => take(app, chosen(app)),
        MirrorAction::OpenPdpView => {
            let target = chosen(app);
            app.modals.push(Modal::PdpView);
            ask_status(app, target)
        }
        MirrorAction::Refresh => match &app.mirror.pdp_view {
            Some((target, _)) => ask_status(app, *target),
            None => Vec::new(),
        },
    }
}

fn take(app: &mut App, target: usize) -> Vec<Effect> {
    let Some(t) = app.targets.get(target) else {
        return Vec::new();
    };
    let name = t.target.name.clone();
    let refuse = |app: &mut App, why: String| {
        app.notice(why, NoticeLevel::Warning);
        Vec::new()
    };
    if t.target.is_sandbox {
        return refuse(
            app,
            format!(
                "`{name}` is a sandbox environment: it explains its own checks, no mirror needed."
            ),
        );
    }
    if let Some((busy, _)) = &app.mirror.taking {
        let busy = app
            .targets
            .get(*busy)
            .map(|t| t.target.name.clone())
            .unwrap_or_default();
        return refuse(
            app,
            format!("A snapshot of `{busy}` is being taken; wait for it to finish."),
        );
    }
    let Some(api_key) = t.target.reveal_key().map(str::to_string) else {
        return refuse(
            app,
            format!("`{name}` has no API key: a snapshot reads Permit's API with it."),
        );
    };
    let Some(paths) = app.store.as_ref().map(|s| s.paths.clone()) else {
        return refuse(app, "No data directory to keep the mirror in.".to_string());
    };
    let rest = &t.target;
    let effect = MirrorEffect::Take {
        target,
        file: path_for(&paths, &name),
        api_url: rest.api_url.clone(),
        api_key,
        project: rest.project.clone(),
        environment: rest.environment.clone(),
    };
    app.mirror.taking = Some((target, "starting".to_string()));
    app.notice(format!("Taking a snapshot of `{name}`…"), NoticeLevel::Info);
    vec![Effect::Mirror(effect)]
}

fn ask_status(app: &mut App, target: usize) -> Vec<Effect> {
    let Some(t) = app.targets.get(target) else {
        return Vec::new();
    };
    let mirror = match &t.mirror {
        MirrorState::Ready(m) => Some(m.clone()),
        _ => None,
    };
    let rest = Some((
        t.target.api_url.clone(),
        t.target.project.clone(),
        t.target.environment.clone(),
    ));
    let effect = MirrorEffect::Status {
        target,
        name: t.target.name.clone(),
        pdp_url: t.target.pdp_url.clone(),
        api_key: t.target.reveal_key().map(str::to_string),
        timeout: app.settings.timeout,
        mirror,
        rest,
    };
    app.mirror.pdp_view = Some((target, None));
    vec![Effect::Mirror(effect)]
}

pub fn update(app: &mut App, msg: MirrorMsg) -> Vec<Effect> {
    match msg {
        MirrorMsg::Loaded { target, result } => {
            let Some(name) = app.targets.get(target).map(|t| t.target.name.clone()) else {
                return Vec::new();
            };
            let state = match result {
                Ok(Some(mirror)) => MirrorState::Ready(mirror),
                Ok(None) => MirrorState::Absent,
                Err(why) => {
                    app.notice(
                        format!("The mirror of `{name}` does not load: {why}"),
                        NoticeLevel::Warning,
                    );
                    MirrorState::Failed(why)
                }
            };
            if let Some(t) = app.targets.get_mut(target) {
                t.mirror = state;
            }
            // The answer on screen came before this mirror: explain it on this one now.
            match &app.result {
                Some(outcome) if outcome.target_name == name => {
                    let pdp = outcome.exchange.result.as_ref().ok();
                    after_check(app, outcome.id, target, &outcome.request.query, pdp)
                }
                _ => Vec::new(),
            }
        }
        MirrorMsg::Decided { id, outcome } => {
            if let Some(shown) = app.result.as_mut().filter(|r| r.id == id) {
                shown.mirror = Some(outcome);
            }
            Vec::new()
        }
        MirrorMsg::Progress { target, text } => {
            if let Some((busy, progress)) = &mut app.mirror.taking {
                if *busy == target {
                    *progress = text;
                }
            }
            Vec::new()
        }
        MirrorMsg::Taken { target, result } => {
            app.mirror.taking = None;
            let name = app
                .targets
                .get(target)
                .map(|t| t.target.name.clone())
                .unwrap_or_default();
            match result {
                Ok(summary) => {
                    app.notice(
                        format!("Mirror of `{name}` taken: {summary}"),
                        NoticeLevel::Info,
                    );
                    if let Some(t) = app.targets.get_mut(target) {
                        t.mirror = MirrorState::Unknown;
                    }
                    // Outcomes shown were decided on the old mirror: decide again.
                    if let Some(outcome) = app.result.as_mut().filter(|o| o.target_name == name) {
                        outcome.mirror = None;
                    }
                    load(app, target)
                }
                Err(why) => {
                    app.notice(
                        format!("The snapshot of `{name}` failed: {why}"),
                        NoticeLevel::Warning,
                    );
                    Vec::new()
                }
            }
        }
        MirrorMsg::Status { target, report } => {
            if let Some((shown, slot)) = &mut app.mirror.pdp_view {
                if *shown == target {
                    *slot = Some(report);
                }
            }
            Vec::new()
        }
    }
}

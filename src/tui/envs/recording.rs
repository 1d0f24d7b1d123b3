//! Every finished check into the history (a live-mode burst only once it settles), and a
//! loaded preset's verdict on it.

use super::*;

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

//! The audit-log view: the current environment's decisions from Permit's audit logs, newest
//! first, filtered by a typed query (`user:heidi decision:deny since:2h`), the next page
//! loaded as the selection nears the end. Enter loads a log's request, attributes and
//! context included, into the form and keeps its recorded answer beside the form's result;
//! F5 then asks the PDP now, and a recorded deny is explained by the environment's mirror.

use std::time::{Duration, SystemTime};

use tokio::sync::mpsc::UnboundedSender;

pub mod model;

pub use super::action::AuditAction;
use super::app::{App, Modal, NoticeLevel, Target};
use super::msg::{Effect, Msg};
use crate::audit::AuditEntry;
use crate::cloud::CloudClient;
use crate::pdp::CheckInput;
pub use model::{
    parse_query, AuditEffect, AuditMsg, AuditPanel, AuditQuery, Loaded, Row, MAX_RESULTS, PER_PAGE,
};

/// Rows from the end of the list at which the next page is asked for.
const PREFETCH: usize = 10;

pub fn perform(app: &mut App, action: AuditAction) -> Vec<Effect> {
    match action {
        AuditAction::Open => {
            if app.modals.last() != Some(&Modal::AuditLog) {
                app.modals.push(Modal::AuditLog);
            }
            if app.audit.applied.is_none() {
                return apply(app);
            }
            Vec::new()
        }
        AuditAction::Up => {
            app.audit.selected = app.audit.selected.saturating_sub(1);
            Vec::new()
        }
        AuditAction::Down => move_down(app, 1),
        AuditAction::PageUp => {
            app.audit.selected = app.audit.selected.saturating_sub(10);
            Vec::new()
        }
        AuditAction::PageDown => move_down(app, 10),
        AuditAction::Choose => match parse_query(&app.audit.filter_text()) {
            Ok(query) if app.audit.applied.as_ref() != Some(&query) => apply(app),
            Ok(_) => load_selected(app),
            Err(why) => {
                app.audit.error = Some(why);
                Vec::new()
            }
        },
    }
}

fn move_down(app: &mut App, by: usize) -> Vec<Effect> {
    let last = app.audit.rows.len().saturating_sub(1);
    app.audit.selected = (app.audit.selected + by).min(last);
    if app.audit.selected + PREFETCH >= app.audit.rows.len() {
        next_page(app)
    } else {
        Vec::new()
    }
}

/// Starts the list over with the typed query.
fn apply(app: &mut App) -> Vec<Effect> {
    let query = match parse_query(&app.audit.filter_text()) {
        Ok(q) => q,
        Err(why) => {
            app.audit.error = Some(why);
            return Vec::new();
        }
    };
    let panel = &mut app.audit;
    panel.generation += 1;
    panel.applied = Some(query);
    panel.rows.clear();
    panel.selected = 0;
    panel.total = None;
    panel.pages = 0;
    panel.error = None;
    panel.loading = false;
    panel.until = SystemTime::now();
    next_page(app)
}

fn next_page(app: &mut App) -> Vec<Effect> {
    let Some(target) = app.target().map(|t| t.target.clone()) else {
        return Vec::new();
    };
    let panel = &mut app.audit;
    let Some(query) = panel.applied.clone() else {
        return Vec::new();
    };
    if panel.loading || panel.exhausted() || panel.error.is_some() {
        return Vec::new();
    }
    panel.loading = true;
    vec![Effect::Audit(AuditEffect::Page {
        generation: panel.generation,
        target,
        query,
        until: panel.until,
        page: panel.pages + 1,
        timeout: app.settings.timeout,
    })]
}

fn load_selected(app: &mut App) -> Vec<Effect> {
    let Some(row) = app.audit.rows.get(app.audit.selected).cloned() else {
        return Vec::new();
    };
    let (query, recorded) = match row.request {
        Ok(request) => request,
        Err(why) => {
            app.notice(
                format!("This log cannot be loaded: {}", why.describe()),
                NoticeLevel::Warning,
            );
            return Vec::new();
        }
    };
    app.set_input(&CheckInput::from_query(&query));
    app.revalidate();
    app.result = None;
    app.modals.retain(|m| *m != Modal::AuditLog);
    app.notice(
        format!(
            "Loaded log {} ({}): recorded {}; F5 asks the PDP now",
            row.id,
            row.timestamp,
            if recorded { "ALLOW" } else { "DENY" }
        ),
        NoticeLevel::Info,
    );
    let mirror = match app.target().map(|t| &t.mirror) {
        Some(super::mirror::model::MirrorState::Ready(m)) => Some(m.clone()),
        _ => None,
    };
    app.audit.loaded = Some(Loaded {
        id: row.id.clone(),
        timestamp: row.timestamp,
        query: query.clone(),
        recorded,
        reason: row.reason,
        mirror: None,
    });
    match mirror {
        Some(mirror) => vec![Effect::Audit(AuditEffect::Explain {
            id: row.id,
            query,
            mirror,
        })],
        None => Vec::new(),
    }
}

/// Typing edits the filter.
pub fn on_text_key(app: &mut App, key: crossterm::event::KeyEvent) -> Vec<Effect> {
    crate::tui::text_input::edit(&mut app.audit.filter, key);
    app.audit.error = None;
    Vec::new()
}

pub fn on_paste(app: &mut App, text: &str) {
    let text: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    app.audit.filter.insert_str(&text);
}

pub fn update(app: &mut App, msg: AuditMsg) -> Vec<Effect> {
    match msg {
        AuditMsg::Page { generation, result } => {
            let panel = &mut app.audit;
            if generation != panel.generation {
                return Vec::new();
            }
            panel.loading = false;
            match result {
                Ok((entries, total)) => {
                    panel.pages += 1;
                    panel.total = Some(total);
                    let empty = entries.is_empty();
                    panel.rows.extend(entries.iter().map(Row::from_entry));
                    if empty {
                        // A short answer: nothing more to read.
                        panel.total = Some(panel.rows.len());
                    }
                }
                Err(why) => panel.error = Some(why),
            }
            Vec::new()
        }
        AuditMsg::Explained { id, result } => {
            if let Some(loaded) = app.audit.loaded.as_mut().filter(|l| l.id == id) {
                loaded.mirror = Some(result);
            }
            Vec::new()
        }
    }
}

pub fn run(effect: AuditEffect, http: &reqwest::Client, tx: &UnboundedSender<Msg>) {
    let tx = tx.clone();
    match effect {
        AuditEffect::Page {
            generation,
            target,
            query,
            until,
            page,
            timeout,
        } => {
            let http = http.clone();
            tokio::spawn(async move {
                let result = read_page(http, &target, &query, until, page, timeout).await;
                let _ = tx.send(Msg::Audit(AuditMsg::Page { generation, result }));
            });
        }
        AuditEffect::Explain { id, query, mirror } => {
            tokio::task::spawn_blocking(move || {
                let result = mirror.check(&query);
                let _ = tx.send(Msg::Audit(AuditMsg::Explained { id, result }));
            });
        }
    }
}

async fn read_page(
    http: reqwest::Client,
    target: &Target,
    query: &AuditQuery,
    until: SystemTime,
    page: usize,
    timeout: Duration,
) -> Result<(Vec<AuditEntry>, usize), String> {
    let key = target
        .reveal_key()
        .ok_or("this environment has no API key to read its audit logs with")?;
    let rest = target;
    let api_url = target.api_url.clone();
    let explain = |e: crate::cloud::CloudError| format!("{e} ({})", e.hint());
    let client = CloudClient::with_http(http, &api_url, key, timeout).map_err(explain)?;
    let (project, environment) = client
        .environment_scope(rest.project.as_deref(), rest.environment.as_deref())
        .await
        .map_err(explain)?;
    let seconds = |at: SystemTime| {
        at.duration_since(SystemTime::UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs()
    };
    let from = until
        .checked_sub(query.since)
        .unwrap_or(SystemTime::UNIX_EPOCH);
    let mut params = query.filters.query();
    params.push(("timestamp_from".into(), seconds(from).to_string()));
    params.push(("timestamp_to".into(), (seconds(until) + 1).to_string()));
    params.push(("sort_by".into(), "timestamp".into()));
    let segments = [
        "v2",
        "pdps",
        project.as_str(),
        environment.as_str(),
        "audit_logs",
    ];
    let answer = crate::mirror::pages::fetch_page(&client, &segments, page, &params)
        .await
        .map_err(|e| format!("{e} ({})", e.source.hint()))?;
    let total = answer
        .get("total_count")
        .and_then(serde_json::Value::as_u64)
        .map_or(0, |t| usize::try_from(t).unwrap_or(usize::MAX));
    let entries = answer
        .get("data")
        .and_then(serde_json::Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|item| serde_json::from_value(item.clone()).ok())
                .collect()
        })
        .unwrap_or_default();
    Ok((entries, total))
}

/// Logs belong to an environment: another one starts the list over (the filter stays).
pub fn on_switch(app: &mut App) {
    let filter = std::mem::take(&mut app.audit.filter);
    let generation = app.audit.generation + 1;
    app.audit = AuditPanel {
        filter,
        generation,
        ..AuditPanel::default()
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typed_query_becomes_permits_filters() {
        let q = parse_query("heidi resource:document decision:deny since:2h t:acme").unwrap();
        assert_eq!(q.filters.users, ["heidi"]);
        assert_eq!(q.filters.resources, ["document"]);
        assert_eq!(q.filters.decision, Some(false));
        assert_eq!(q.filters.tenant.as_deref(), Some("acme"));
        assert_eq!(q.since, Duration::from_secs(7200));
        assert!(parse_query("colour:red")
            .unwrap_err()
            .contains("not a filter"));
        assert!(parse_query("decision:maybe").is_err());
        assert_eq!(parse_query("").unwrap().since, Duration::from_secs(86_400));
    }
}

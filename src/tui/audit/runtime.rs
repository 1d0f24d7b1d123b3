//! The audit-log view's effects: pages of Permit's audit logs read over REST, a loaded log
//! explained on the mirror; answers come back as `Msg::Audit`.

use std::time::{Duration, SystemTime};

use tokio::sync::mpsc::UnboundedSender;

use crate::audit::AuditEntry;
use crate::cloud::CloudClient;
use crate::tui::app::Target;
use crate::tui::msg::Msg;

use super::model::{AuditEffect, AuditMsg, AuditQuery};

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
            // The first page fixes the window's end: the clock is read here, not in `update`.
            let until = until.unwrap_or_else(SystemTime::now);
            tokio::spawn(async move {
                let result = read_page(http, &target, &query, until, page, timeout).await;
                let page = AuditMsg::Page {
                    generation,
                    until,
                    result,
                };
                let _ = tx.send(Msg::Audit(page));
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

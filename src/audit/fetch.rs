//! Pages `GET /v2/pdps/{proj}/{env}/audit_logs` for a time window. Permit answers at most
//! 10,000 results per query: past that, the window is narrowed to end at the oldest log read
//! and the reading goes on, until the window holds no more than one query can reach.

use std::collections::HashSet;
use std::time::{SystemTime, UNIX_EPOCH};

use futures::{stream, StreamExt, TryStreamExt};
use serde_json::Value;

use super::entry::AuditEntry;
use crate::cloud::CloudClient;
use crate::mirror::pages::{fetch_page, PageError, PER_PAGE};

/// Results one query can reach (Permit's limit).
pub const MAX_RESULTS: usize = 10_000;

/// The time window, both ends included.
#[derive(Debug, Clone, Copy)]
pub struct Window {
    pub from: SystemTime,
    pub to: SystemTime,
}

/// Permit's list filters.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filters {
    /// Keys or emails.
    pub users: Vec<String>,
    /// Resource types.
    pub resources: Vec<String>,
    pub tenant: Option<String>,
    pub action: Option<String>,
    pub decision: Option<bool>,
    pub pdp_id: Option<String>,
}

impl Filters {
    /// As query parameters (`users` and `resources` repeated).
    pub fn query(&self) -> Vec<(String, String)> {
        let mut q = Vec::new();
        q.extend(self.users.iter().map(|u| ("users".to_string(), u.clone())));
        q.extend(
            self.resources
                .iter()
                .map(|r| ("resources".to_string(), r.clone())),
        );
        let single = [
            ("tenant", self.tenant.clone()),
            ("action", self.action.clone()),
            ("decision", self.decision.map(|d| d.to_string())),
            ("pdp_id", self.pdp_id.clone()),
        ];
        q.extend(
            single
                .into_iter()
                .filter_map(|(k, v)| v.map(|v| (k.to_string(), v))),
        );
        q
    }
}

/// What was read.
#[derive(Debug, Default)]
pub struct Fetched {
    /// Newest first, as Permit sorts them; each log once.
    pub entries: Vec<AuditEntry>,
    /// Logs this version could not read at all (not even an id).
    pub unreadable: usize,
    /// Queries made: more than one when the window held more than 10,000 logs.
    pub windows: usize,
    /// `limit` stopped the reading before the window was read whole.
    pub truncated: bool,
}

fn epoch_seconds(at: SystemTime) -> u64 {
    at.duration_since(UNIX_EPOCH).unwrap_or_default().as_secs()
}

fn epoch_millis(at: SystemTime) -> u64 {
    u64::try_from(
        at.duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_millis(),
    )
    .unwrap_or(u64::MAX)
}

/// A window's end in milliseconds, sent as whole seconds when it is one (as Permit's own
/// clients send it) and with a fraction only when a narrower window needs it.
fn seconds_text(millis: u64) -> String {
    if millis.is_multiple_of(1000) {
        (millis / 1000).to_string()
    } else {
        format!("{}.{:03}", millis / 1000, millis % 1000)
    }
}

/// How much to read, how fast.
#[derive(Debug, Clone, Copy)]
pub struct Reading {
    /// Pages in flight at once.
    pub concurrency: usize,
    /// The most logs read.
    pub limit: usize,
}

/// Reads every log of `(project, environment)` in `window` that passes `filters`.
/// `progress` hears `(logs read, logs in the window)`.
pub async fn fetch(
    client: &CloudClient,
    (project, environment): (&str, &str),
    window: Window,
    filters: &Filters,
    Reading { concurrency, limit }: Reading,
    progress: &mut impl FnMut(usize, usize),
) -> Result<Fetched, PageError> {
    let segments = ["v2", "pdps", project, environment, "audit_logs"];
    let from = epoch_seconds(window.from);
    let mut to = epoch_seconds(window.to).saturating_add(1) * 1000;
    let mut seen: HashSet<String> = HashSet::new();
    let mut fetched = Fetched::default();
    loop {
        fetched.windows += 1;
        let mut params = filters.query();
        params.push(("timestamp_from".into(), from.to_string()));
        params.push(("timestamp_to".into(), seconds_text(to)));
        params.push(("sort_by".into(), "timestamp".into()));
        let first = fetch_page(client, &segments, 1, &params).await?;
        let total = first
            .get("total_count")
            .and_then(Value::as_u64)
            .map_or(0, |t| usize::try_from(t).unwrap_or(usize::MAX));
        let reachable = total.min(MAX_RESULTS);
        let pages = reachable.div_ceil(PER_PAGE).max(1);
        let before = fetched.entries.len();
        let mut oldest = u64::MAX;
        let mut take = |page: Value, fetched: &mut Fetched| {
            for item in items(page) {
                match serde_json::from_value::<AuditEntry>(item) {
                    Ok(entry) => {
                        if let Some(at) = entry.at() {
                            oldest = oldest.min(epoch_millis(at));
                        }
                        if seen.insert(entry.id.clone()) {
                            fetched.entries.push(entry);
                        }
                    }
                    Err(_) => fetched.unreadable += 1,
                }
            }
        };
        take(first, &mut fetched);
        progress(fetched.entries.len(), total);
        let params = &params;
        let mut rest = stream::iter(2..=pages)
            .map(|page| fetch_page(client, &segments, page, params))
            .buffered(concurrency.max(1));
        while let Some(page) = rest.try_next().await? {
            take(page, &mut fetched);
            progress(fetched.entries.len(), total);
            if fetched.entries.len() >= limit {
                break;
            }
        }
        if fetched.entries.len() >= limit {
            fetched.truncated = total > fetched.entries.len() - before;
            fetched.entries.truncate(limit);
            return Ok(fetched);
        }
        // The next window ends with the oldest second read, whole (its logs read already are
        // not kept twice); when that second held the whole page (over 10,000 logs a second),
        // with the oldest millisecond. It cannot narrow when the window held no more than one
        // query reaches, or when the last one found nothing new.
        let next_second = (oldest / 1000).saturating_add(1) * 1000;
        let next_to = if next_second < to {
            next_second
        } else {
            oldest.saturating_add(1)
        };
        if total <= MAX_RESULTS || fetched.entries.len() == before || next_to >= to {
            fetched.truncated = total > MAX_RESULTS;
            return Ok(fetched);
        }
        to = next_to;
    }
}

fn items(page: Value) -> Vec<Value> {
    match page {
        Value::Array(items) => items,
        Value::Object(mut page) => match page.remove("data") {
            Some(Value::Array(items)) => items,
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

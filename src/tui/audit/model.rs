//! What the audit-log view holds and says: its rows, the parsed filter query, the log loaded
//! into the form, and the messages and effects of paging. A leaf: the state and the messages
//! of the explorer use it without reaching the view's code.

use std::time::{Duration, SystemTime};

use ratatui_textarea::TextArea;

use crate::audit::{AuditEntry, Filters, Skip};
use crate::pdp::types::{AllowedQuery, AllowedResult};
use crate::tui::target::Target;

/// Logs per page, and the most one query reaches (Permit's limit).
pub const PER_PAGE: usize = crate::mirror::pages::PER_PAGE;
pub const MAX_RESULTS: usize = crate::audit::fetch::MAX_RESULTS;
/// One row of the list.
#[derive(Debug, Clone)]
pub struct Row {
    pub id: String,
    pub timestamp: String,
    pub user: String,
    pub action: String,
    /// `type` or `type:key` (the key is only in the request).
    pub resource: String,
    pub tenant: String,
    pub decision: Option<bool>,
    pub reason: String,
    /// The request as recorded, or why it cannot be replayed.
    pub request: Result<(AllowedQuery, bool), Skip>,
}

impl Row {
    pub fn from_entry(entry: &AuditEntry) -> Row {
        let request = entry.request();
        let resource = match &request {
            Ok((q, _)) => match &q.resource.key {
                Some(key) => format!("{}:{key}", q.resource.kind),
                None => q.resource.kind.clone(),
            },
            Err(_) => entry.resource_type.clone().unwrap_or_default(),
        };
        Row {
            id: entry.id.clone(),
            timestamp: entry.timestamp.clone(),
            user: entry.user_key.clone().unwrap_or_default(),
            action: entry.action.clone().unwrap_or_default(),
            resource,
            tenant: entry.tenant.clone().unwrap_or_default(),
            decision: entry.decision,
            reason: entry.reason.clone().unwrap_or_default(),
            request,
        }
    }
}

/// A parsed filter query.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditQuery {
    /// Comparable: a changed filter starts the list over.
    pub filters: Filters,
    pub since: Duration,
}

/// `user:heidi resource:document tenant:acme action:read decision:deny since:2h`; a bare
/// word is a user. Default window: the last 24 hours.
pub fn parse_query(text: &str) -> Result<AuditQuery, String> {
    let mut q = AuditQuery {
        filters: Filters::default(),
        since: Duration::from_secs(24 * 3600),
    };
    for word in text.split_whitespace() {
        let (name, value) = word.split_once(':').unwrap_or(("user", word));
        if value.is_empty() {
            return Err(format!("`{word}` needs a value after the colon"));
        }
        let f = &mut q.filters;
        match name {
            "user" | "u" => f.users.push(value.to_string()),
            "resource" | "r" => f.resources.push(value.to_string()),
            "tenant" | "t" => f.tenant = Some(value.to_string()),
            "action" | "a" => f.action = Some(value.to_string()),
            "decision" | "d" => {
                f.decision = Some(match value {
                    "allow" | "allowed" => true,
                    "deny" | "denied" => false,
                    _ => return Err(format!("decision:{value}: use allow or deny")),
                })
            }
            "since" | "s" => {
                q.since = humantime::parse_duration(value)
                    .map_err(|e| format!("since:{value}: {e} (e.g. 2h, 7days)"))?
            }
            _ => {
                return Err(format!(
                "`{name}:` is not a filter: use user, resource, tenant, action, decision or since"
            ))
            }
        }
    }
    Ok(q)
}

/// A log loaded into the form: its recorded answer stays beside the result.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub id: String,
    pub timestamp: String,
    pub query: AllowedQuery,
    pub recorded: bool,
    pub reason: String,
    /// The mirror's explanation of the request, when the environment has a mirror.
    pub mirror: Option<AllowedResult>,
}

#[derive(Debug, Default)]
pub struct AuditPanel {
    pub filter: TextArea<'static>,
    /// The query the list was read with.
    pub applied: Option<AuditQuery>,
    pub rows: Vec<Row>,
    pub selected: usize,
    pub total: Option<usize>,
    /// Pages read so far.
    pub pages: usize,
    pub loading: bool,
    pub error: Option<String>,
    /// Bumped when the list starts over: pages of an older query are dropped.
    pub generation: u64,
    /// The window's end, fixed by the runtime when the first page is read (`update` reads no
    /// clock), so paging stays consistent.
    pub until: Option<SystemTime>,
    pub loaded: Option<Loaded>,
}

impl AuditPanel {
    pub fn filter_text(&self) -> String {
        self.filter.lines().join(" ")
    }

    /// Every log of the query is on screen (or the 10,000 one query reaches).
    pub fn exhausted(&self) -> bool {
        self.total
            .is_some_and(|t| self.rows.len() >= t.min(MAX_RESULTS))
            || self.pages * PER_PAGE >= MAX_RESULTS
    }
}

/// One per page or loaded log: boxing the larger variant would buy nothing.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)]
pub enum AuditMsg {
    Page {
        generation: u64,
        /// The window's end the page was read with.
        until: SystemTime,
        result: Result<(Vec<AuditEntry>, usize), String>,
    },
    Explained {
        id: String,
        result: AllowedResult,
    },
}

pub enum AuditEffect {
    Page {
        generation: u64,
        target: Target,
        query: AuditQuery,
        /// The window's end; `None` for the first page: now, as the runtime reads it.
        until: Option<SystemTime>,
        page: usize,
        timeout: Duration,
    },
    Explain {
        id: String,
        query: AllowedQuery,
        mirror: std::sync::Arc<crate::mirror::stored::Mirror>,
    },
}

impl std::fmt::Debug for AuditEffect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AuditEffect::Page { page, .. } => write!(f, "AuditPage({page})"),
            AuditEffect::Explain { id, .. } => write!(f, "AuditExplain({id})"),
        }
    }
}

impl AuditPanel {
    /// The loaded log, while the form (`form`, when it reads) still holds its request. Drawn
    /// every frame: no copies.
    pub fn loaded_for(&self, form: Option<&AllowedQuery>) -> Option<&Loaded> {
        let loaded = self.loaded.as_ref()?;
        same_request(form?, &loaded.query).then_some(loaded)
    }
}

/// The same request as the PDP reads it: the SDK label aside, no tenant meaning `default`.
fn same_request(a: &AllowedQuery, b: &AllowedQuery) -> bool {
    fn tenant(q: &AllowedQuery) -> &str {
        q.resource.tenant.as_deref().unwrap_or("default")
    }
    a.user == b.user
        && a.action == b.action
        && a.context == b.context
        && a.resource.kind == b.resource.kind
        && a.resource.key == b.resource.key
        && a.resource.attributes == b.resource.attributes
        && a.resource.context == b.resource.context
        && tenant(a) == tenant(b)
}

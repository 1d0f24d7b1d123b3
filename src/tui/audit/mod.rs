//! The audit-log view: the current environment's decisions from Permit's audit logs, newest
//! first, filtered by a typed query (`user:heidi decision:deny since:2h`), the next page
//! loaded as the selection nears the end. Enter loads a log's request, attributes and
//! context included, into the form and keeps its recorded answer beside the form's result;
//! F5 then asks the PDP now, and a recorded deny is explained by the environment's mirror.

pub mod model;
pub mod runtime;

pub use super::action::AuditAction;
use super::app::{App, Modal, NoticeLevel};
use super::msg::Effect;
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
    panel.until = None;
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
        AuditMsg::Page {
            generation,
            until,
            result,
        } => {
            let panel = &mut app.audit;
            if generation != panel.generation {
                return Vec::new();
            }
            panel.loading = false;
            panel.until.get_or_insert(until);
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
    use std::time::Duration;

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

    /// `update` reads no clock: the first page's window ends when the runtime reads it, and
    /// every later page of the same list asks for that same end.
    #[test]
    fn the_window_end_comes_from_the_runtime_and_stays_for_every_page() {
        use crate::tui::app::{Settings, Target};
        let target = Target::remote("cloud", "http://127.0.0.1:9", Some("permit_key_x".into()));
        let mut app = App::new(vec![target], &CheckInput::default(), Settings::default());
        let effects = perform(&mut app, AuditAction::Open);
        let [Effect::Audit(AuditEffect::Page {
            until: None,
            generation,
            page: 1,
            ..
        })] = effects.as_slice()
        else {
            panic!("the first page, its window's end left to the runtime: {effects:?}");
        };
        let at = std::time::SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let entries = (0..3)
            .map(|i| serde_json::from_value(serde_json::json!({ "id": format!("log{i}") })))
            .collect::<Result<Vec<_>, _>>()
            .unwrap();
        let page = AuditMsg::Page {
            generation: *generation,
            until: at,
            result: Ok((entries, 100)),
        };
        update(&mut app, page);
        assert_eq!(app.audit.until, Some(at));
        let effects = perform(&mut app, AuditAction::Down);
        let [Effect::Audit(AuditEffect::Page { until, page, .. })] = effects.as_slice() else {
            panic!("near the end, the next page: {effects:?}");
        };
        assert_eq!((*until, *page), (Some(at), 2), "the same window");
    }
}

//! One audit log as Permit serves it (`AuditLogModel`), and the request it records.

use std::time::SystemTime;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::Value;

use crate::pdp::types::AllowedQuery;

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct AuditEntry {
    pub id: String,
    #[serde(default)]
    pub timestamp: String,
    /// OPA's query path (`permit/root` for a check).
    #[serde(default)]
    pub query: Option<String>,
    #[serde(default)]
    pub user_key: Option<String>,
    #[serde(default)]
    pub resource_type: Option<String>,
    #[serde(default)]
    pub tenant: Option<String>,
    #[serde(default)]
    pub action: Option<String>,
    #[serde(default)]
    pub decision: Option<bool>,
    #[serde(default)]
    pub reason: Option<String>,
    /// Kept as text until asked: a parsed log is several times its size, and a window may
    /// hold a hundred thousand.
    #[serde(default)]
    pub input: Option<Box<RawValue>>,
    #[serde(default)]
    pub result: Option<Box<RawValue>>,
    #[serde(default)]
    pub raw_data: Option<Box<RawValue>>,
}

/// The parts of OPA's decision log that are read.
#[derive(Debug, Default, Deserialize)]
struct RawData {
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    input: Option<Value>,
    #[serde(default)]
    result: Option<Value>,
}

fn parse(raw: Option<&RawValue>) -> Option<Value> {
    raw.and_then(|r| serde_json::from_str::<Value>(r.get()).ok())
        .filter(|v| !v.is_null())
}

/// Why a log is not replayed. Never replayed with guessed attributes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Skip {
    /// A bulk log whose checks and answers this version cannot pair up.
    Bulk,
    /// Not a check (authorized users, user permissions, all tenants, ...).
    OtherQuery,
    /// The log has no `input` (the PDP did not send it).
    NoInput,
    /// `input` is not a check request this version can read.
    UnreadableInput,
    /// No recorded decision to compare with.
    NoDecision,
}

impl Skip {
    pub fn describe(self) -> &'static str {
        match self {
            Skip::Bulk => "bulk logs whose checks and answers do not pair up",
            Skip::OtherQuery => "not a check (authorized users, permissions, all tenants)",
            Skip::NoInput => "no input recorded",
            Skip::UnreadableInput => "an input that is not a check request",
            Skip::NoDecision => "no recorded decision",
        }
    }
}

impl AuditEntry {
    /// When the PDP decided, if the log says in a form this reads.
    pub fn at(&self) -> Option<SystemTime> {
        crate::store::time::parse_rfc3339(&self.timestamp)
    }

    fn raw_data(&self) -> RawData {
        self.raw_data
            .as_deref()
            .and_then(|r| serde_json::from_str(r.get()).ok())
            .unwrap_or_default()
    }

    /// OPA's query path, from the log or its raw decision log.
    fn path(&self) -> String {
        self.query
            .clone()
            .or_else(|| self.raw_data().path)
            .unwrap_or_default()
    }

    /// The input the PDP evaluated, from the log or its raw decision log.
    fn input(&self) -> Option<Value> {
        parse(self.input.as_deref()).or_else(|| self.raw_data().input.filter(|v| !v.is_null()))
    }

    /// What the PDP answered, from the log or its raw decision log.
    fn result(&self) -> Option<Value> {
        parse(self.result.as_deref()).or_else(|| self.raw_data().result.filter(|v| !v.is_null()))
    }

    /// The checks the PDP evaluated, as they were sent (attributes and context kept), each
    /// with the decision it made: one for a check, each of a bulk log's checks (input
    /// `{"checks": [...]}`, result `{"allow": [{"allow": ...}, ...]}`, OPA's `permit/bulk`).
    pub fn requests(&self) -> Result<Vec<(AllowedQuery, bool)>, Skip> {
        let path = self.path().replace('.', "/");
        if path.contains("bulk") {
            return self.bulk_requests();
        }
        self.request().map(|one| vec![one])
    }

    fn bulk_requests(&self) -> Result<Vec<(AllowedQuery, bool)>, Skip> {
        let input = self.input().ok_or(Skip::NoInput)?;
        let checks = input
            .get("checks")
            .and_then(Value::as_array)
            .ok_or(Skip::Bulk)?;
        let result = self.result();
        let allows = result
            .as_ref()
            .and_then(|r| r.get("allow"))
            .and_then(Value::as_array)
            .filter(|a| a.len() == checks.len())
            .ok_or(Skip::Bulk)?;
        checks
            .iter()
            .zip(allows)
            .map(|(check, allow)| {
                let query: AllowedQuery =
                    serde_json::from_value(check.clone()).map_err(|_| Skip::UnreadableInput)?;
                let allow = allow
                    .get("allow")
                    .and_then(Value::as_bool)
                    .or_else(|| allow.as_bool())
                    .ok_or(Skip::NoDecision)?;
                Ok((query, allow))
            })
            .collect()
    }

    /// The check the PDP evaluated, as it was sent (attributes and context kept), and the
    /// decision it made.
    pub fn request(&self) -> Result<(AllowedQuery, bool), Skip> {
        let path = self.path().replace('.', "/");
        if path.contains("bulk") {
            return Err(Skip::Bulk);
        }
        if !path.is_empty() && !path.ends_with("root") && path != "permit" {
            return Err(Skip::OtherQuery);
        }
        let input = self.input().ok_or(Skip::NoInput)?;
        let query: AllowedQuery =
            serde_json::from_value(input).map_err(|_| Skip::UnreadableInput)?;
        let decision = self
            .decision
            .or_else(|| self.result()?.get("allow")?.as_bool())
            .ok_or(Skip::NoDecision)?;
        Ok((query, decision))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn entry(value: Value) -> AuditEntry {
        serde_json::from_value(value).expect("an entry")
    }

    #[test]
    fn a_check_keeps_its_attributes_and_context() {
        let e = entry(json!({
            "id": "1", "timestamp": "2024-06-30T21:29:52+00:00", "query": "permit/root",
            "decision": false,
            "input": {"user": {"key": "heidi", "attributes": {"clearance": 2}},
                      "action": "read", "resource": {"type": "document", "tenant": "acme"},
                      "context": {"ip": "10.0.0.1"}}
        }));
        let (query, decision) = e.request().expect("replayable");
        assert!(!decision);
        assert_eq!(query.user.attributes["clearance"], 2);
        assert_eq!(query.context["ip"], "10.0.0.1");
        assert!(e.at().is_some());
    }

    #[test]
    fn what_cannot_be_replayed_as_recorded_is_skipped_with_why() {
        let bulk = entry(json!({"id": "1", "query": "permit/bulk", "input": {"checks": [{}]}}));
        assert_eq!(bulk.requests().err(), Some(Skip::Bulk));
        let users = entry(
            json!({"id": "2", "raw_data": {"path": "permit/authorized_users/authorized_users", "input": {}}}),
        );
        assert_eq!(users.request().err(), Some(Skip::OtherQuery));
        let bare = entry(json!({"id": "3", "query": "permit/root", "decision": true}));
        assert_eq!(bare.request().err(), Some(Skip::NoInput));
        // The input in the raw decision log serves when the top level has none.
        let raw = entry(json!({"id": "4", "raw_data": {"path": "permit/root",
            "input": {"user": {"key": "a"}, "action": "read", "resource": {"type": "doc"}}},
            "result": {"allow": true}}));
        assert_eq!(raw.request().map(|(_, d)| d), Ok(true));
    }

    #[test]
    fn a_bulk_log_replays_each_of_its_checks_with_its_own_answer() {
        let check = |user: &str| json!({"user": {"key": user, "attributes": {"level": 1}}, "action": "read", "resource": {"type": "doc"}});
        let bulk = entry(json!({"id": "1", "query": "permit/bulk",
            "input": {"checks": [check("a"), check("b")]},
            "result": {"allow": [{"allow": true}, {"allow": false}]}}));
        let checks = bulk.requests().expect("two checks");
        assert_eq!(checks.len(), 2);
        assert_eq!((checks[0].0.user.key.as_str(), checks[0].1), ("a", true));
        assert_eq!((checks[1].0.user.key.as_str(), checks[1].1), ("b", false));
        assert_eq!(checks[1].0.user.attributes["level"], 1);
    }
}

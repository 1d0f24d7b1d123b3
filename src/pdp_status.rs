//! A PDP's status as one report, for `permit-tui pdp status` and the explorer's PDP view:
//! its health and components, its API version (`/version`), and the role assignments it holds
//! against those a snapshot (an environment's mirror) says it should.

use serde_json::{json, Value};

use crate::cloud::CloudClient;
use crate::drift::{self, Drift};
use crate::pdp::client::LocalRoleAssignment;
use crate::pdp::types::Health;
use crate::pdp::{PdpClient, PdpError};
use crate::sandbox::policy::PolicyFile;

/// Role assignments listed per kind of difference before "… and N more".
pub const SHOWN: usize = 10;

#[derive(Debug, Clone)]
pub struct StatusReport {
    /// The PDP's name (an environment) or URL.
    pub pdp: String,
    pub health: Result<Health, PdpError>,
    /// `api_version` from `/version`; `None` when the PDP does not serve it (the Cloud PDP).
    pub version: Option<String>,
    /// `None` when there was nothing to compare with.
    pub drift: Option<Result<Drift, Failure>>,
    /// What the role assignments were compared with: "the snapshot of p/e taken T".
    pub against: String,
}

/// Why a list could not be read, and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub message: String,
    pub hint: String,
}

impl From<PdpError> for Failure {
    fn from(err: PdpError) -> Failure {
        Failure {
            hint: err.hint(),
            message: format!("the PDP did not list them: {err}"),
        }
    }
}

/// The role assignments the PDP should hold, and where they come from.
#[derive(Debug, Clone)]
pub struct Expected {
    pub assignments: Vec<LocalRoleAssignment>,
    pub against: String,
}

impl Expected {
    /// A snapshot's (an environment's mirror, or a file).
    pub fn from_snapshot(policy: &PolicyFile) -> Expected {
        let against = policy
            .source
            .as_ref()
            .map(|s| {
                format!(
                    "the snapshot of {}/{} taken {}",
                    s.project, s.environment, s.taken_at
                )
            })
            .unwrap_or_else(|| "the snapshot".to_string());
        Expected {
            assignments: drift::expected_by(policy),
            against,
        }
    }

    /// Permit's REST API's, as of now, for `project`/`environment` (found from the key's
    /// scope when not given).
    pub async fn from_api_scope(
        client: &CloudClient,
        project: Option<&str>,
        environment: Option<&str>,
    ) -> Result<Expected, Failure> {
        let named = project.is_some() && environment.is_some();
        let (p, e) = client
            .environment_scope(project, environment)
            .await
            .map_err(|err| Failure {
                hint: err.hint(),
                message: format!(
                    "the REST API cannot say which environment to compare with: {err}"
                ),
            })?;
        let mut expected = Expected::from_api(client, &p, &e).await?;
        if !named {
            // The scope gives ids; the key's environment reads better than two UUIDs.
            expected.against =
                expected
                    .against
                    .replacen(&format!("{p}/{e}"), "the key's environment", 1);
        }
        Ok(expected)
    }

    /// Permit's REST API's, as of now: every page of `/v2/facts/{p}/{e}/role_assignments`.
    pub async fn from_api(
        client: &CloudClient,
        project: &str,
        environment: &str,
    ) -> Result<Expected, Failure> {
        let segments = ["v2", "facts", project, environment, "role_assignments"];
        let mut assignments = Vec::new();
        let mut unreadable = 0usize;
        crate::mirror::pages::each_page(
            client,
            &segments,
            4,
            |items| {
                for item in items {
                    match serde_json::from_value::<LocalRoleAssignment>(item) {
                        Ok(ra) => assignments.push(ra),
                        Err(_) => unreadable += 1,
                    }
                }
                Ok::<(), crate::mirror::PageError>(())
            },
            &mut |_, _| {},
        )
        .await
        .map_err(|err| Failure {
            hint: err.source.hint(),
            message: format!("the REST API did not list them: {err}"),
        })?;
        let note = if unreadable > 0 {
            format!(" ({unreadable} unreadable, left out)")
        } else {
            String::new()
        };
        Ok(Expected {
            assignments,
            against: format!("the REST API ({project}/{environment}, now){note}"),
        })
    }
}

/// Asks `client` for its health, version and (with `expected`) every role assignment.
pub async fn status(
    name: &str,
    client: &PdpClient,
    expected: Option<Result<Expected, Failure>>,
) -> StatusReport {
    let (health, version) = tokio::join!(client.healthy(), client.version());
    let version = version.result.ok().map(|v| match v.api_version {
        Value::String(s) => s,
        other => other.to_string(),
    });
    let mut against = String::new();
    let drift = match expected {
        Some(Ok(expected)) => {
            against = expected.against;
            Some(
                drift::held_by(client)
                    .await
                    .map(|held| drift::compare(held, expected.assignments))
                    .map_err(Failure::from),
            )
        }
        Some(Err(failure)) => Some(Err(failure)),
        None => None,
    };
    StatusReport {
        pdp: name.to_string(),
        health: health.result,
        version,
        drift,
        against,
    }
}

impl StatusReport {
    /// 0 healthy and in sync, 1 drift, 2 an error.
    pub fn exit_code(&self) -> i32 {
        match (&self.health, &self.drift) {
            (Err(_), _) | (_, Some(Err(_))) => 2,
            (_, Some(Ok(d))) if !d.in_sync() => 1,
            _ => 0,
        }
    }

    /// The report as lines of text (not escaped: callers print or draw them escaped).
    pub fn lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        let version = self
            .version
            .as_deref()
            .map(|v| format!(", PDP API version {v}"))
            .unwrap_or_default();
        match &self.health {
            Ok(h) => {
                let parts: Vec<String> = h
                    .components
                    .iter()
                    .map(|(k, v)| {
                        let status = v.get("status").and_then(|s| s.as_str()).unwrap_or("?");
                        format!("{k} {status}")
                    })
                    .collect();
                out.push(format!(
                    "PDP {}: {} ({}){version}",
                    self.pdp,
                    h.status,
                    parts.join(", ")
                ));
            }
            Err(err) => {
                out.push(format!("PDP {}: {err}", self.pdp));
                out.push(format!("  hint: {}", err.hint()));
            }
        }
        let Some(drift) = &self.drift else {
            out.push(
                "role assignments: not compared (take a snapshot: `permit-tui env snapshot NAME`, or give --snapshot FILE; an environment with an API key is compared with the REST API)"
                    .to_string(),
            );
            return out;
        };
        let taken = &self.against;
        match drift {
            Err(failure) => {
                out.push(format!("role assignments: {}", failure.message));
                out.push(format!("  hint: {}", failure.hint));
            }
            Ok(d) if d.in_sync() => out.push(format!(
                "role assignments: in sync, {} held, as in {taken}",
                d.held_by_pdp
            )),
            Ok(d) => {
                out.push(format!(
                    "role assignments: the PDP holds {}, {taken} has {}",
                    d.held_by_pdp, d.expected
                ));
                for (list, what) in [(&d.missing, "lacks"), (&d.extra, "has extra")] {
                    if list.is_empty() {
                        continue;
                    }
                    out.push(format!("  the PDP {what} {}:", list.len()));
                    out.extend(
                        list.iter()
                            .take(SHOWN)
                            .map(|ra| format!("    {}", drift::describe(ra))),
                    );
                    if list.len() > SHOWN {
                        out.push(format!(
                            "    … and {} more (--json lists them all)",
                            list.len() - SHOWN
                        ));
                    }
                }
                out.push(
                    "  most likely: the PDP has not synced yet (check its logs and /healthy), or the data changed since the snapshot (take a new one)"
                        .to_string(),
                );
            }
        }
        out
    }

    pub fn to_json(&self, pdp_url: &str) -> Value {
        let drift = match &self.drift {
            Some(Ok(d)) => json!(d),
            Some(Err(failure)) => json!({"error": failure.message, "hint": failure.hint}),
            None => json!(null),
        };
        json!({
            "pdp": pdp_url,
            "health": match &self.health {
                Ok(h) => json!(h.status),
                Err(e) => json!({"error": e.to_string()}),
            },
            "components": self.health.as_ref().ok().map(|h| &h.components),
            "api_version": self.version,
            "role_assignments": drift,
        })
    }
}

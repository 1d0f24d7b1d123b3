//! The mirror's effects off the UI thread: a snapshot loaded from its file or taken over
//! REST, a check decided on it, a PDP's status asked; each answer comes back as
//! `Msg::Mirror`.

use std::sync::Arc;
use std::time::SystemTime;

use tokio::sync::mpsc::UnboundedSender;

use crate::cloud::CloudClient;
use crate::mirror::compare::compare;
use crate::mirror::stored::Mirror;
use crate::pdp::PdpClient;
use crate::pdp_status::{Expected, StatusReport};
use crate::tui::msg::Msg;

use super::model::{MirrorEffect, MirrorMsg, MirrorOutcome};

/// Performs the effects off the UI thread; each result comes back as a `Msg::Mirror`.
pub fn run(effect: MirrorEffect, http: &reqwest::Client, tx: &UnboundedSender<Msg>) {
    let tx = tx.clone();
    let send = move |msg: MirrorMsg| {
        let _ = tx.send(Msg::Mirror(msg));
    };
    match effect {
        MirrorEffect::Load {
            target,
            file,
            unless_modified_at,
        } => {
            tokio::task::spawn_blocking(move || {
                let modified = std::fs::metadata(&file).and_then(|m| m.modified()).ok();
                if let Some(known) = unless_modified_at {
                    if modified.unwrap_or(SystemTime::UNIX_EPOCH) == known {
                        return;
                    }
                }
                let result = if modified.is_some() {
                    Mirror::load(&file)
                        .map(|m| Some(Arc::new(m)))
                        .map_err(|err| err.to_string())
                } else {
                    Ok(None)
                };
                send(MirrorMsg::Loaded { target, result });
            });
        }
        MirrorEffect::Decide {
            id,
            environment,
            query,
            pdp,
            mirror,
        } => {
            tokio::task::spawn_blocking(move || {
                let result = mirror.check(&query);
                let facts = mirror.facts(&environment, SystemTime::now());
                let comparison = compare(&query, &pdp, &result, &facts);
                let age = facts.age;
                send(MirrorMsg::Decided {
                    id,
                    outcome: MirrorOutcome {
                        result,
                        comparison,
                        age,
                    },
                });
            });
        }
        MirrorEffect::Take {
            target,
            file,
            api_url,
            api_key,
            project,
            environment,
        } => {
            // A thread and runtime of its own: a large snapshot pages for a while and its
            // progress callback is not `Send`.
            let failed = send.clone();
            let spawned = std::thread::Builder::new()
                .name("permit-tui-snapshot".into())
                .spawn(move || {
                    let result = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .map_err(|err| err.to_string())
                        .and_then(|runtime| {
                            runtime.block_on(take_snapshot(
                                target,
                                &file,
                                &api_url,
                                &api_key,
                                project,
                                environment,
                                &send,
                            ))
                        });
                    send(MirrorMsg::Taken { target, result });
                });
            if let Err(err) = spawned {
                failed(MirrorMsg::Taken {
                    target,
                    result: Err(format!("cannot start its thread: {err}")),
                });
            }
        }
        MirrorEffect::Status {
            target,
            name,
            pdp_url,
            api_key,
            timeout,
            mirror,
            rest,
        } => {
            let http = http.clone();
            tokio::spawn(async move {
                let expected = match (mirror.as_ref().and_then(|m| m.policy()), &rest, &api_key) {
                    (Some(policy), _, _) => Some(Ok(Expected::from_snapshot(policy))),
                    (None, Some((url, project, environment)), Some(key)) => {
                        match CloudClient::with_http(http.clone(), url, key, timeout) {
                            Ok(client) => Some(
                                Expected::from_api_scope(
                                    &client,
                                    project.as_deref(),
                                    environment.as_deref(),
                                )
                                .await,
                            ),
                            Err(_) => None,
                        }
                    }
                    _ => None,
                };
                let report = match PdpClient::with_http(http, &pdp_url, api_key, timeout) {
                    Ok(client) => crate::pdp_status::status(&name, &client, expected).await,
                    Err(err) => StatusReport {
                        pdp: name,
                        health: Err(err),
                        version: None,
                        drift: None,
                        against: String::new(),
                    },
                };
                send(MirrorMsg::Status { target, report });
            });
        }
    }
}

async fn take_snapshot(
    target: usize,
    file: &std::path::Path,
    api_url: &str,
    api_key: &str,
    project: Option<String>,
    environment: Option<String>,
    send: &(dyn Fn(MirrorMsg) + Send + Sync),
) -> Result<String, String> {
    let source = crate::mirror::file::Source {
        api_url,
        api_key,
        project: project.as_deref(),
        environment: environment.as_deref(),
    };
    let (client, mirror_target) = crate::mirror::file::locate(&source, 4).await?;
    let mut progress = |list: &str, done: usize, all: usize, objects: usize| {
        send(MirrorMsg::Progress {
            target,
            text: format!("{list}: page {done} of {all}, {objects} objects"),
        });
    };
    let written =
        crate::mirror::file::write(&client, &mirror_target, file, false, &mut progress).await?;
    let counts = &written.snapshot.source.counts;
    let count = |list: &str| counts.get(list).copied().unwrap_or(0);
    let mut summary = format!(
        "{} users, {} role assignments, {} condition sets",
        count("users"),
        count("role_assignments"),
        count("condition_sets")
    );
    if !written.snapshot.skipped.is_empty() {
        summary.push_str(&format!(
            "; {} object(s) left out (see the file's source block)",
            written.snapshot.skipped.len()
        ));
    }
    Ok(summary)
}

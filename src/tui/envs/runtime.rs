//! Performs this module's effects on tokio tasks and reports back as `Msg::Env`.

use tokio::sync::mpsc::UnboundedSender;

use std::path::PathBuf;
use std::sync::{Mutex, PoisonError};

use crate::cloud::{CloudClient, Discovery};
use crate::store::{History, HistoryEntry, HistoryWriter};
use crate::tui::msg::Msg;

use super::add::{AddEffect, AddMsg};
use super::{EnvEffect, EnvMsg};

fn send(tx: &UnboundedSender<Msg>, msg: EnvMsg) {
    let _ = tx.send(Msg::Env(msg));
}

/// An error for the add flow's screen: what went wrong and what to do.
fn describe(err: crate::cloud::CloudError) -> String {
    format!("{err}. {}", err.hint())
}

/// The session's history writer, started with the first check to record. Dropping it
/// writes what is still queued.
#[derive(Default)]
pub struct HistoryLog {
    writer: Mutex<Option<(PathBuf, HistoryWriter)>>,
}

impl HistoryLog {
    fn record(&self, log: History, entry: HistoryEntry, tx: &UnboundedSender<Msg>) {
        let mut writer = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
        if !matches!(&*writer, Some((path, _)) if path == log.path()) {
            let path = log.path().to_path_buf();
            let failures = tx.clone();
            let started = HistoryWriter::start(log, move |err| {
                send(
                    &failures,
                    EnvMsg::HistoryNotSaved(err.to_notice().to_string()),
                );
            });
            *writer = Some((path, started));
        }
        if let Some((_, writer)) = &mut *writer {
            writer.append(entry);
        }
    }
}

pub fn perform(
    effect: EnvEffect,
    http: &reqwest::Client,
    history: &HistoryLog,
    writer: &super::store_write::StoreWriter,
    tx: &UnboundedSender<Msg>,
) {
    let tx = tx.clone();
    match effect {
        EnvEffect::Record { log, entry } => history.record(log, entry, &tx),
        EnvEffect::Write(write) => writer.write(*write),
        EnvEffect::WatchConfig {
            path,
            since,
            overrides,
        } => {
            tokio::spawn(async move {
                let modified = std::fs::metadata(&path).and_then(|m| m.modified()).ok();
                if since.is_some() && modified == since {
                    return;
                }
                let (mut config, notices) = crate::store::config::Config::load_from(&path);
                config.overrides = overrides;
                let mut targets = Vec::with_capacity(config.environments.len());
                for env in &config.environments {
                    targets.push(
                        crate::targets::resolve(Some(&env.name), &config)
                            .await
                            .map_err(|e| e.to_string()),
                    );
                }
                let reloaded = super::manage::Reloaded {
                    modified,
                    config,
                    targets,
                    issues: notices.iter().map(ToString::to_string).collect(),
                };
                send(&tx, EnvMsg::ConfigReloaded(Box::new(reloaded)));
            });
        }
        EnvEffect::DeleteHistory { mut log, entry } => {
            tokio::task::spawn_blocking(move || {
                let failure = match log.remove(&entry) {
                    Ok(true) => return,
                    Ok(false) => format!(
                        "That check was not in {} (rotated out, or not written yet): nothing deleted there",
                        log.path().display()
                    ),
                    Err(err) => format!("Not deleted from the history file: {}", err.to_notice()),
                };
                send(&tx, EnvMsg::HistoryNotDeleted(failure));
            });
        }
        EnvEffect::LoadHistory(path) => {
            tokio::task::spawn_blocking(move || {
                let (entries, _notices) = History::open(&path).load();
                // Indexed here too: 10,000 search lines are not built on the app's thread.
                let index = crate::store::history::HistoryIndex::new(entries);
                send(&tx, EnvMsg::HistoryLoaded(index));
            });
        }
        EnvEffect::Add(AddEffect::Start {
            generation,
            api_url,
            key,
        }) => {
            let http = http.clone();
            tokio::spawn(async move {
                let result = match CloudClient::with_http(
                    http,
                    &api_url,
                    &key,
                    crate::cloud::client::DEFAULT_TIMEOUT,
                ) {
                    Ok(client) => Discovery::start(client, &key).await.map_err(describe),
                    Err(err) => Err(describe(err)),
                };
                send(&tx, EnvMsg::Add(AddMsg::Started { generation, result }));
            });
        }
        EnvEffect::Add(AddEffect::Environments {
            generation,
            discovery,
            project,
        }) => {
            tokio::spawn(async move {
                let reference = if project.key.is_empty() {
                    project.id.clone()
                } else {
                    project.key.clone()
                };
                let result = discovery.environments(&reference).await.map_err(describe);
                send(
                    &tx,
                    EnvMsg::Add(AddMsg::Environments {
                        generation,
                        project,
                        result,
                    }),
                );
            });
        }
        EnvEffect::Add(AddEffect::Choose {
            generation,
            discovery,
            project,
            environment,
        }) => {
            tokio::spawn(async move {
                let result = discovery
                    .choose(&project, &environment)
                    .await
                    .map_err(describe);
                send(&tx, EnvMsg::Add(AddMsg::Chosen { generation, result }));
            });
        }
    }
}

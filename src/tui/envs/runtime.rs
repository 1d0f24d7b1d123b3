//! Performs this module's effects on tokio tasks and reports back as `Msg::Env`.

use tokio::sync::mpsc::UnboundedSender;

use crate::cloud::{CloudClient, Discovery};
use crate::store::History;
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

pub fn perform(effect: EnvEffect, http: &reqwest::Client, tx: &UnboundedSender<Msg>) {
    let tx = tx.clone();
    match effect {
        EnvEffect::LoadHistory(path) => {
            tokio::task::spawn_blocking(move || {
                let (entries, _notices) = History::open(&path).load();
                send(&tx, EnvMsg::HistoryLoaded(entries));
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

//! Adding an environment (Permit's API asked step by step) and `config.toml` read again, on
//! tokio tasks; answers come back as `Msg::Env`.

use tokio::sync::mpsc::UnboundedSender;

use crate::cloud::{CloudClient, Discovery};
use crate::tui::msg::Msg;

use super::model::{AddEffect, AddMsg, EnvEffect, EnvMsg, Reloaded};

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
                let reloaded = Reloaded {
                    modified,
                    config,
                    targets,
                    issues: notices.iter().map(ToString::to_string).collect(),
                };
                send(&tx, EnvMsg::ConfigReloaded(Box::new(reloaded)));
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

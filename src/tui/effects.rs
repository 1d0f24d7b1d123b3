//! The effects runtime: performs what `update` asks for on tokio tasks. Every result comes
//! back as a `Msg` over one channel, so the UI thread never waits on the network.

use tokio::sync::mpsc::UnboundedSender;

use super::check_runner::CheckRunner;
use super::health::health_of;
use super::msg::{Effect, Msg};
use super::pdp_clients::PdpClients;
use super::tools::runtime::{Clipboard, ToolRuntime};
use crate::pdp::client::shared_http_client;
use crate::pdp::{Exchange, PdpClient};

pub struct Runtime {
    /// One connection pool for every target, so a warm check does not pay a handshake.
    http: reqwest::Client,
    /// Checks run on their own thread, so their latency is timed without thread hops.
    checks: CheckRunner,
    /// Kept PDP clients for checks, used only on the checks thread.
    check_clients: PdpClients,
    /// Kept PDP clients for tools, used on the app's runtime. Separate from the checks' own:
    /// a plain-HTTP connection's socket belongs to the runtime that opened it, and a check
    /// reusing a tool's connection would hear its answer only through the app's thread.
    tool_clients: PdpClients,
    tx: UnboundedSender<Msg>,
    clipboard: Clipboard,
    /// Timeout of the tools' requests (checks carry their own).
    timeout: std::time::Duration,
    /// Appends checks to the history file on a thread of its own.
    history: super::history::runtime::HistoryLog,
    /// Writes the config, presets and mirror files in order, on a thread of its own.
    store: super::store_write::writer::StoreWriter,
}

impl Runtime {
    pub fn new(tx: UnboundedSender<Msg>) -> Runtime {
        let http = shared_http_client();
        Runtime {
            check_clients: PdpClients::new(http.clone()),
            tool_clients: PdpClients::new(http.clone()),
            http,
            checks: CheckRunner::start(),
            clipboard: Clipboard::Terminal,
            timeout: crate::pdp::DEFAULT_TIMEOUT,
            history: Default::default(),
            store: super::store_write::writer::StoreWriter::new(tx.clone()),
            tx,
        }
    }

    pub fn with_timeout(mut self, timeout: std::time::Duration) -> Runtime {
        self.timeout = timeout;
        self
    }

    /// Sends copies somewhere other than the terminal (tests).
    pub fn with_clipboard(mut self, clipboard: Clipboard) -> Runtime {
        self.clipboard = clipboard;
        self
    }

    pub fn perform(&self, effect: Effect) {
        match effect {
            Effect::Check {
                id,
                query,
                target,
                trace,
                token,
                timeout,
            } => {
                let tx = self.tx.clone();
                let client = match self.check_clients.get(
                    &target.pdp_url,
                    target.reveal_key().map(str::to_string),
                    timeout,
                ) {
                    // Only a sandbox reads the trace header: a real PDP is not sent it.
                    Ok(client) if !trace => client.without_trace(),
                    Ok(client) => client,
                    Err(error) => {
                        let exchange = Exchange::not_sent(error);
                        let _ = tx.send(Msg::CheckFinished { id, exchange });
                        return;
                    }
                };
                let checks = self.checks.clone();
                self.checks.spawn(async move {
                    tokio::select! {
                        // Dropping the request future aborts the HTTP call.
                        _ = token.cancelled() => {}
                        answer = client.check_unparsed(&query) => checks.on_app(move || {
                            let _ = tx.send(Msg::CheckFinished { id, exchange: answer.parse() });
                        }),
                    }
                });
            }
            Effect::Cancel(token) => token.cancel(),
            Effect::Health {
                target,
                url,
                timeout,
            } => {
                let http = self.http.clone();
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    let (health, sandbox) = match PdpClient::with_http(http, &url, None, timeout) {
                        Ok(client) => {
                            let answer = client.healthy().await;
                            // A permit-tui sandbox names itself among the components.
                            let sandbox = answer
                                .result
                                .as_ref()
                                .is_ok_and(|h| h.components.contains_key("sandbox"));
                            (health_of(&answer), sandbox)
                        }
                        Err(err) => (super::app::Health::Down(err.to_string()), false),
                    };
                    let _ = tx.send(Msg::HealthUpdated {
                        target,
                        health,
                        sandbox,
                    });
                });
            }
            Effect::Tool(effect) => ToolRuntime {
                http: &self.http,
                clients: &self.tool_clients,
                tx: &self.tx,
                clipboard: &self.clipboard,
                timeout: self.timeout,
            }
            .perform(effect),
            Effect::Env(effect) => {
                super::environments::runtime::perform(effect, &self.http, &self.tx)
            }
            Effect::History(effect) => {
                super::history::runtime::perform(effect, &self.history, &self.tx)
            }
            Effect::Write(write) => self.store.write(*write),
            Effect::Mirror(effect) => super::mirror::runtime::run(effect, &self.http, &self.tx),
            Effect::Audit(effect) => super::audit::runtime::run(effect, &self.http, &self.tx),
            Effect::Debounce { generation, after } => {
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    tokio::time::sleep(after).await;
                    let _ = tx.send(Msg::DebounceElapsed { generation });
                });
            }
            Effect::Validate { generation, after } => {
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    tokio::time::sleep(after).await;
                    let _ = tx.send(Msg::ValidateElapsed { generation });
                });
            }
        }
    }
}

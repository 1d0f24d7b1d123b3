//! Performs the tools' effects on tokio tasks and reports back as `Msg::Tool`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use tokio::sync::mpsc::UnboundedSender;

use crate::cloud::{CloudClient, CloudError};
use crate::pdp::{Exchange, PdpClient, PdpError};
use crate::schema::Schema;
use crate::tui::app::Target;
use crate::tui::msg::Msg;
use crate::tui::pdp_clients::PdpClients;

use super::{ToolEffect, ToolMsg};

/// Where a copy goes: the terminal (OSC 52), or a channel in tests.
#[derive(Debug, Clone, Default)]
pub enum Clipboard {
    #[default]
    Terminal,
    Channel(UnboundedSender<String>),
}

impl Clipboard {
    fn copy(&self, text: String) {
        match self {
            Clipboard::Terminal => {
                use crossterm::clipboard::CopyToClipboard;
                let _ = crossterm::execute!(
                    std::io::stdout(),
                    CopyToClipboard::to_clipboard_from(text)
                );
            }
            Clipboard::Channel(tx) => {
                let _ = tx.send(text);
            }
        }
    }
}

pub struct ToolRuntime<'a> {
    pub http: &'a reqwest::Client,
    pub clients: &'a PdpClients,
    pub tx: &'a UnboundedSender<Msg>,
    pub clipboard: &'a Clipboard,
    pub timeout: Duration,
}

fn pdp(clients: &PdpClients, target: &Target, timeout: Duration) -> Result<PdpClient, PdpError> {
    clients.get(
        &target.pdp_url,
        target.reveal_key().map(str::to_string),
        timeout,
    )
}

impl ToolRuntime<'_> {
    pub fn perform(&self, effect: ToolEffect) {
        let http = self.http.clone();
        let clients = self.clients.clone();
        let tx = self.tx.clone();
        let timeout = self.timeout;
        let send = move |msg: ToolMsg| {
            let _ = tx.send(Msg::Tool(msg));
        };
        match effect {
            ToolEffect::FetchSchema { target } => {
                tokio::spawn(async move {
                    let name = target.name.clone();
                    let result = fetch_schema(http, &target, timeout)
                        .await
                        .map_err(|e| e.to_string());
                    send(ToolMsg::SchemaLoaded {
                        target: name,
                        result,
                    });
                });
            }
            ToolEffect::Bulk {
                id,
                queries,
                target,
            } => {
                tokio::spawn(async move {
                    let exchange = match pdp(&clients, &target, timeout) {
                        Ok(client) => client.check_bulk(&queries).await,
                        Err(e) => Exchange::not_sent(e),
                    };
                    send(ToolMsg::MatrixFilled { id, exchange });
                });
            }
            ToolEffect::AuthorizedUsers { id, query, target } => {
                tokio::spawn(async move {
                    let exchange = match pdp(&clients, &target, timeout) {
                        Ok(client) => client.authorized_users(&query).await,
                        Err(e) => Exchange::not_sent(e),
                    };
                    send(ToolMsg::WhoCanAnswered { id, exchange });
                });
            }
            ToolEffect::Check {
                id,
                side,
                query,
                target,
            } => {
                tokio::spawn(async move {
                    let exchange = match pdp(&clients, &target, timeout) {
                        Ok(client) => client.check(&query).await,
                        Err(e) => Exchange::not_sent(e),
                    };
                    send(ToolMsg::SideFinished { id, side, exchange });
                });
            }
            ToolEffect::Clipboard { text } => self.clipboard.copy(text.0),
            ToolEffect::SaveFile {
                dirs,
                file_name,
                text,
                what,
            } => {
                tokio::spawn(async move {
                    let result = save(&dirs, &file_name, &text).await;
                    send(ToolMsg::Saved { what, result });
                });
            }
        }
    }
}

async fn fetch_schema(
    http: reqwest::Client,
    target: &Target,
    timeout: Duration,
) -> Result<Schema, CloudError> {
    let key = target
        .reveal_key()
        .ok_or_else(|| CloudError::Unauthorized {
            detail: "this environment has no API key".to_string(),
        })?;
    let rest = target;
    let api_url = target.api_url.clone();
    let client = CloudClient::with_http(http, &api_url, key, timeout)?;
    if let (Some(project), Some(environment)) = (&rest.project, &rest.environment) {
        return Schema::fetch(&client, project, environment).await;
    }
    let scope = client.scope().await?;
    match (scope.project_id, scope.environment_id) {
        (Some(p), Some(e)) => Schema::fetch(&client, &p, &e).await,
        _ => Err(CloudError::Forbidden {
            path: "/v2/api-key/scope".to_string(),
            detail: "the key is not an environment-level key".to_string(),
        }),
    }
}

/// Writes into the first directory that accepts the file; the error of the last one else.
/// An existing file is never replaced: the name gets a number (`permit-check-2.sh`). The
/// file is readable by its owner only, as it may hold the API key.
async fn save(dirs: &[PathBuf], file_name: &str, text: &str) -> Result<PathBuf, String> {
    let dirs = dirs.to_vec();
    let (file_name, text) = (file_name.to_string(), text.to_string());
    tokio::task::spawn_blocking(move || save_blocking(&dirs, &file_name, &text))
        .await
        .unwrap_or_else(|err| Err(format!("the save did not finish: {err}")))
}

fn save_blocking(dirs: &[PathBuf], file_name: &str, text: &str) -> Result<PathBuf, String> {
    let mut last = String::from("no directory to write to");
    for dir in dirs {
        if let Err(err) = std::fs::create_dir_all(dir) {
            last = format!("{}: {err}", dir.display());
            continue;
        }
        match write_new(dir, file_name, text.as_bytes()) {
            Ok(path) => return Ok(std::path::absolute(&path).unwrap_or(path)),
            Err((path, err)) => last = format!("{}: {err}", path.display()),
        }
    }
    Err(last)
}

/// Creates `dir/file_name`, or `stem-2.ext`, `stem-3.ext`… if taken, mode 0600 on unix.
fn write_new(
    dir: &Path,
    file_name: &str,
    bytes: &[u8],
) -> Result<PathBuf, (PathBuf, std::io::Error)> {
    use std::io::Write;
    let name = Path::new(file_name);
    let stem = name
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or(file_name);
    let ext = name.extension().and_then(|e| e.to_str());
    let mut path = dir.join(file_name);
    for n in 2..=1001 {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        match options.open(&path) {
            Ok(mut file) => {
                return match file.write_all(bytes) {
                    Ok(()) => Ok(path),
                    Err(err) => {
                        // Half a snippet is worse than none.
                        let _ = std::fs::remove_file(&path);
                        Err((path, err))
                    }
                };
            }
            Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {
                let numbered = match ext {
                    Some(ext) => format!("{stem}-{n}.{ext}"),
                    None => format!("{stem}-{n}"),
                };
                path = dir.join(numbered);
            }
            Err(err) => return Err((path, err)),
        }
    }
    Err((
        path,
        std::io::Error::new(
            std::io::ErrorKind::AlreadyExists,
            "1,000 files of that name",
        ),
    ))
}

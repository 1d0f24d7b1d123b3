//! The explorer's PDP clients, kept per PDP URL, API key and timeout, so repeated calls to
//! the same PDP reuse their kept-alive connections: a plain-HTTP PDP's connections live in
//! its client (see `pdp::direct`), not in the shared reqwest pool, and a client made per
//! call would open a new one every time. Checks and tools each keep their own set (see
//! `effects::Runtime`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::pdp::{PdpClient, PdpError};

/// A client's identity: PDP URL, API key, timeout.
type ClientKey = (String, Option<String>, Duration);

/// Cloning shares the kept clients.
#[derive(Clone)]
pub struct PdpClients {
    http: reqwest::Client,
    kept: Arc<Mutex<HashMap<ClientKey, PdpClient>>>,
}

impl PdpClients {
    /// Clients that share `http`'s pool for the PDPs reqwest serves (https, proxies).
    pub fn new(http: reqwest::Client) -> PdpClients {
        PdpClients {
            http,
            kept: Arc::default(),
        }
    }

    /// The kept client for this PDP, key and timeout, made on first use.
    pub fn get(
        &self,
        url: &str,
        api_key: Option<String>,
        timeout: Duration,
    ) -> Result<PdpClient, PdpError> {
        let key = (url.to_string(), api_key, timeout);
        let mut kept = self.kept.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(client) = kept.get(&key) {
            return Ok(client.clone());
        }
        let client = PdpClient::with_http(self.http.clone(), url, key.1.clone(), timeout)?;
        kept.insert(key, client.clone());
        Ok(client)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdp::CheckInput;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// A keep-alive PDP answering every request with an allow; counts its connections.
    async fn counting_pdp() -> (String, Arc<AtomicUsize>) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let accepted = Arc::new(AtomicUsize::new(0));
        let counted = accepted.clone();
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                counted.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(async move {
                    let mut seen = Vec::new();
                    let mut chunk = [0u8; 4096];
                    loop {
                        let n = socket.read(&mut chunk).await.unwrap_or(0);
                        if n == 0 {
                            return;
                        }
                        seen.extend_from_slice(&chunk[..n]);
                        // Every request here has a small body that arrives with its head.
                        if seen.windows(4).any(|w| w == b"\r\n\r\n") && seen.ends_with(b"}") {
                            seen.clear();
                            let body = r#"{"allow": true}"#;
                            let answer = format!(
                                "HTTP/1.1 200 OK\r\ncontent-length: {}\r\n\r\n{body}",
                                body.len()
                            );
                            if socket.write_all(answer.as_bytes()).await.is_err() {
                                return;
                            }
                        }
                    }
                });
            }
        });
        (url, accepted)
    }

    #[tokio::test]
    async fn clients_for_the_same_pdp_key_and_timeout_share_their_connection() {
        let (url, accepted) = counting_pdp().await;
        let clients = PdpClients::new(reqwest::Client::new());
        let query = CheckInput {
            user: "alice".into(),
            action: "read".into(),
            resource: "document".into(),
            ..CheckInput::default()
        }
        .to_query()
        .expect("valid");
        let second = Duration::from_secs(2);
        for _ in 0..3 {
            let client = clients.get(&url, None, second).expect("client");
            assert!(client.check(&query).await.result.expect("answer").allow);
        }
        assert_eq!(accepted.load(Ordering::SeqCst), 1, "one kept connection");
        let other = clients
            .get(&url, None, Duration::from_secs(3))
            .expect("client");
        assert!(other.check(&query).await.result.expect("answer").allow);
        assert_eq!(
            accepted.load(Ordering::SeqCst),
            2,
            "another timeout, another client"
        );
    }
}

//! The path for PDPs on plain `http://` (the sandbox, a local PDP container): hyper's HTTP/1.1
//! connection API on kept-alive TCP connections, with nothing in between.
//!
//! Why not reqwest here: on a 2-core box reqwest spends ~60 µs of client CPU per request
//! (re-parsing the URL, building header maps, pool bookkeeping), a third of a loopback round
//! trip, and the latency the explorer shows must agree with a raw load tool within 10%.
//! reqwest stays for `https://` (the Cloud PDP) and whenever a proxy is configured. The client
//! reaches this path only through the transport seam (`transport.rs`).

use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::{self, SendRequest};
use hyper::header::{HeaderMap, HeaderValue, CONTENT_LENGTH, HOST, USER_AGENT};
use hyper::Request;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

use super::stamped::{StampedStream, Stamps};
use super::wire::{retry_after, root_cause, RawAnswer, USER_AGENT_VALUE};

type Driver = http1::Connection<TokioIo<StampedStream>, Full<Bytes>>;

/// Idle connections kept per PDP; a burst of concurrent checks opens more, then closes them.
const MAX_IDLE: usize = 16;

/// One PDP's address and its idle connections.
pub(crate) struct DirectHttp {
    /// `host:port`, for connecting and for the `Host` header.
    authority: String,
    /// The URL's path without its trailing slash, prefixed to every request path.
    path_prefix: String,
    idle: Mutex<Vec<Conn>>,
}

/// A kept-alive connection, driven only while a request is on it, and by the task that sent
/// the request: reading the answer never waits for another thread to be woken (on a loaded
/// 2-core box, one such wake-up is tens of microseconds).
struct Conn {
    sender: SendRequest<Full<Bytes>>,
    driver: Pin<Box<Driver>>,
    /// When the socket last wrote and read, to time a request on the wire.
    stamps: Arc<Stamps>,
    /// The driver finished: the PDP closed the connection or it failed.
    ended: bool,
}

impl Conn {
    /// Polls the driver once without waiting: after an answer this readies the connection
    /// for the next request (hyper's bookkeeping and a read that finds nothing), outside the
    /// timed part; before a request it notices a close the PDP sent meanwhile. Returns
    /// whether the connection is still usable.
    async fn settle(&mut self) -> bool {
        if !self.ended && futures::poll!(self.driver.as_mut()).is_ready() {
            self.ended = true;
        }
        !self.ended && !self.sender.is_closed()
    }

    async fn exchange(
        &mut self,
        request: Request<Full<Bytes>>,
        limit: usize,
    ) -> Result<RawAnswer, hyper::Error> {
        let work = answer(&mut self.sender, request, limit);
        tokio::pin!(work);
        tokio::select! {
            biased;
            result = &mut work => result,
            _ = self.driver.as_mut(), if !self.ended => {
                // The connection ended under the request: whatever arrived before is still
                // read; the rest fails as a closed connection.
                self.ended = true;
                work.await
            }
        }
    }
}

/// Why no answer came; the text names the address and the operating system's reason.
#[derive(Debug)]
pub(crate) struct TransportError(pub String);

impl DirectHttp {
    /// A proxy is set in the environment: reqwest honours `HTTP_PROXY` and `NO_PROXY`, this
    /// path does not, so the automatic choice leaves such PDPs to reqwest.
    pub(crate) fn proxy_in_env() -> bool {
        ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"]
            .iter()
            .any(|name| std::env::var_os(name).is_some_and(|v| !v.is_empty()))
    }

    /// The direct path for `url`, or `None` when it cannot carry it: TLS, credentials or a
    /// query in the URL. (Proxies are the caller's concern: see [`DirectHttp::proxy_in_env`].)
    pub(crate) fn for_url(url: &url::Url) -> Option<DirectHttp> {
        if url.scheme() != "http"
            || url.query().is_some()
            || !url.username().is_empty()
            || url.password().is_some()
        {
            return None;
        }
        let host = url.host_str()?;
        let port = url.port_or_known_default()?;
        Some(DirectHttp {
            authority: format!("{host}:{port}"),
            path_prefix: url.path().trim_end_matches('/').to_string(),
            idle: Mutex::new(Vec::new()),
        })
    }

    /// POSTs `body` to `path` with `headers`; returns the answer and its round trip. A
    /// kept-alive connection the PDP closed while idle is retried once on a new one: checks
    /// are reads, so resending is safe.
    pub(crate) async fn post(
        &self,
        path: &str,
        headers: &HeaderMap,
        body: Bytes,
        limit: usize,
    ) -> Result<(RawAnswer, Duration), TransportError> {
        let first = self.request(path, headers, body.clone())?;
        let idle = self.take_idle().await;
        let mut sent = Instant::now();
        let (mut fresh, mut conn) = match idle {
            Some(conn) => (false, conn),
            None => (true, self.connect().await?),
        };
        conn.stamps.arm();
        let answer = match conn.exchange(first, limit).await {
            Err(err) if !fresh && closed_before_answering(&err) => {
                // Timed as a cold check from here: the stale connection's failure is not
                // the PDP's answer time.
                sent = Instant::now();
                conn = self.connect().await?;
                fresh = true;
                conn.exchange(self.request(path, headers, body)?, limit)
                    .await
            }
            other => other,
        }
        .map_err(|err| self.error(&err))?;
        // A warm check is timed on the socket, from the request's first write to the read
        // that completed the answer; a cold one from before connecting, so it includes the
        // connection.
        let round_trip = match conn.stamps.round_trip() {
            Some(on_the_wire) if !fresh => on_the_wire,
            _ => sent.elapsed(),
        };
        // An answer cut at the limit left the rest unread: that connection is done.
        if answer.cut_at.is_none() && conn.settle().await {
            if let Ok(mut idle) = self.idle.lock() {
                if idle.len() < MAX_IDLE {
                    idle.push(conn);
                }
            }
        }
        Ok((answer, round_trip))
    }

    async fn take_idle(&self) -> Option<Conn> {
        loop {
            let mut conn = self.idle.lock().ok()?.pop()?;
            if conn.settle().await {
                return Some(conn);
            }
        }
    }

    async fn connect(&self) -> Result<Conn, TransportError> {
        let stream = TcpStream::connect(&self.authority).await.map_err(|err| {
            TransportError(format!("cannot connect to {}: {err}", self.authority))
        })?;
        // Small requests and answers: never wait to coalesce them.
        let _ = stream.set_nodelay(true);
        let stamps = Arc::new(Stamps::default());
        let stream = StampedStream::new(stream, stamps.clone());
        let (sender, driver) = http1::handshake(TokioIo::new(stream))
            .await
            .map_err(|err| self.error(&err))?;
        Ok(Conn {
            sender,
            driver: Box::pin(driver),
            stamps,
            ended: false,
        })
    }

    fn request(
        &self,
        path: &str,
        headers: &HeaderMap,
        body: Bytes,
    ) -> Result<Request<Full<Bytes>>, TransportError> {
        let mut request = Request::post(format!("{}{path}", self.path_prefix))
            .body(Full::new(body))
            .map_err(|err| self.error(&err))?;
        let sent = request.headers_mut();
        sent.reserve(headers.len() + 2);
        if let Ok(host) = HeaderValue::from_str(&self.authority) {
            sent.insert(HOST, host);
        }
        sent.insert(USER_AGENT, HeaderValue::from_static(USER_AGENT_VALUE));
        for (name, value) in headers {
            sent.insert(name, value.clone());
        }
        Ok(request)
    }

    fn error(&self, err: &(dyn std::error::Error + 'static)) -> TransportError {
        TransportError(format!("{}: {}", self.authority, root_cause(err)))
    }
}

/// Sends `request` and reads the answer, up to `limit` bytes of body: past it, reading stops
/// and the answer is marked cut.
async fn answer(
    sender: &mut SendRequest<Full<Bytes>>,
    request: Request<Full<Bytes>>,
    limit: usize,
) -> Result<RawAnswer, hyper::Error> {
    sender.ready().await?;
    let response = sender.send_request(request).await?;
    let status = response.status().as_u16();
    let retry_after = retry_after(response.headers());
    let cut = |status| RawAnswer {
        status,
        retry_after,
        body: Bytes::new(),
        cut_at: Some(limit),
    };
    let declared = response
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Ok(cut(status));
    }
    let mut incoming = response.into_body();
    let mut body = BytesMut::new();
    while let Some(frame) = incoming.frame().await {
        if let Ok(data) = frame?.into_data() {
            if body.len() + data.len() > limit {
                return Ok(cut(status));
            }
            body.extend_from_slice(&data);
        }
    }
    Ok(RawAnswer {
        status,
        retry_after,
        body: body.freeze(),
        cut_at: None,
    })
}

/// The PDP closed a kept-alive connection before answering (it had timed it out idle).
fn closed_before_answering(err: &hyper::Error) -> bool {
    err.is_canceled() || err.is_incomplete_message() || err.is_closed()
}

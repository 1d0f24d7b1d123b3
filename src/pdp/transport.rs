//! The seam between the client and its two HTTP stacks. Every POST (checks, bulk, permissions)
//! goes through [`Transport::post`], which both stacks answer the same way: the answer as read
//! off the wire ([`RawAnswer`]) with its round trip, or a classified [`PdpError`] (and the
//! status when one came), so parsing and error classification happen once, in `client.rs`.
//!
//! - [`TransportKind::Direct`]: hyper's HTTP/1.1 connection API on kept-alive sockets
//!   (`direct.rs`), timed on the wire: what makes the latency shown agree with a raw load tool.
//! - [`TransportKind::Reqwest`]: a shared `reqwest::Client`, for TLS, proxies and URLs with
//!   credentials or a query.
//!
//! The choice is made once per client, from its URL; a test or a comparison can force either
//! (`PdpClient::with_transport`). The GETs (`/healthy`, `/version`, `/local/...`) always take
//! reqwest: they are not timed for the user.
//!
//! Where the two still differ (`tests/pdp_client.rs` asserts each, marked "differs:"): reqwest
//! follows redirects (a 302 turning the POST into a GET, the key dropped across origins), the
//! direct path returns the 3xx; the direct path resends a check the PDP dropped on a
//! kept-alive connection, reqwest fails it; when the body fails after the head (a timeout, a
//! close), reqwest keeps the status, the direct path does not; the direct path's error
//! details name the address; reqwest also sends `Accept: */*`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::header::HeaderMap;

use super::direct::DirectHttp;
use super::error::PdpError;
use super::wire::{read_limited, retry_after, root_cause, RawAnswer, Unparsed};

/// Which HTTP stack carries a client's POSTs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TransportKind {
    /// hyper directly, on kept-alive plain-TCP connections, warm checks timed on the socket.
    /// The automatic choice for an `http://` URL without credentials or a query, when no proxy
    /// is set in the environment.
    Direct,
    /// reqwest: the automatic choice for everything else (`https://`, a proxy, credentials or
    /// a query in the URL).
    Reqwest,
}

impl TransportKind {
    /// Both, for tests that run one scenario on each.
    pub const ALL: [TransportKind; 2] = [TransportKind::Direct, TransportKind::Reqwest];
}

impl std::fmt::Display for TransportKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            TransportKind::Direct => "direct (hyper)",
            TransportKind::Reqwest => "reqwest",
        })
    }
}

/// One client's HTTP stack for POSTs. An enum, not a trait object: the call is a match, with
/// nothing boxed per request.
#[derive(Clone)]
pub(crate) enum Transport {
    Direct(Arc<DirectHttp>),
    Reqwest(reqwest::Client),
}

/// What a call needs from its client besides the request itself.
#[derive(Clone, Copy)]
pub(crate) struct Call<'a> {
    /// Where requests go, credentials included, without a trailing slash.
    pub url: &'a str,
    /// The same URL as errors show it (a password masked).
    pub shown_url: &'a str,
    pub timeout: Duration,
    /// The answer size limit, in bytes.
    pub max_answer: usize,
}

impl Transport {
    /// The automatic choice for `url`: [`TransportKind::Direct`] when it can carry it and no
    /// proxy is set in the environment (the direct path does not go through proxies),
    /// reqwest otherwise.
    pub(crate) fn for_url(http: &reqwest::Client, url: &url::Url) -> Transport {
        let direct = (!DirectHttp::proxy_in_env())
            .then(|| DirectHttp::for_url(url))
            .flatten();
        match direct {
            Some(direct) => Transport::Direct(Arc::new(direct)),
            None => Transport::Reqwest(http.clone()),
        }
    }

    /// `kind`, forced. The direct path refuses what it cannot carry (TLS, credentials or a
    /// query in the URL); a proxy in the environment is ignored, since forcing means forcing.
    pub(crate) fn forced(
        kind: TransportKind,
        http: &reqwest::Client,
        url: &url::Url,
    ) -> Option<Transport> {
        match kind {
            TransportKind::Direct => DirectHttp::for_url(url).map(|d| Transport::Direct(d.into())),
            TransportKind::Reqwest => Some(Transport::Reqwest(http.clone())),
        }
    }

    pub(crate) fn kind(&self) -> TransportKind {
        match self {
            Transport::Direct(_) => TransportKind::Direct,
            Transport::Reqwest(_) => TransportKind::Reqwest,
        }
    }

    /// POSTs `body` to `path` under the call's URL with `headers` (the `User-Agent` is added
    /// by either stack), within the call's timeout and answer size limit.
    pub(crate) async fn post(
        &self,
        call: Call<'_>,
        path: &str,
        headers: HeaderMap,
        body: Vec<u8>,
    ) -> Unparsed {
        match self {
            Transport::Direct(direct) => {
                let started = Instant::now();
                let sent = tokio::time::timeout(
                    call.timeout,
                    direct.post(path, &headers, body.into(), call.max_answer),
                );
                match sent.await {
                    Err(_) => Unparsed::failed(call.timed_out(), None, started.elapsed()),
                    Ok(Err(err)) => {
                        Unparsed::failed(call.unreachable(err.0), None, started.elapsed())
                    }
                    Ok(Ok((answer, round_trip))) => Unparsed::answered(answer, round_trip),
                }
            }
            Transport::Reqwest(http) => {
                let request = http
                    .post(format!("{}{path}", call.url))
                    .headers(headers)
                    .timeout(call.timeout)
                    .body(body);
                send_reqwest(call, request, Instant::now()).await
            }
        }
    }
}

/// Sends a built reqwest request and reads its answer, up to the call's limit: the reqwest half
/// of [`Transport::post`], and the client's GETs.
pub(crate) async fn send_reqwest(
    call: Call<'_>,
    request: reqwest::RequestBuilder,
    started: Instant,
) -> Unparsed {
    let response = match request.send().await {
        Ok(response) => response,
        Err(err) => return Unparsed::failed(call.reqwest_error(&err), None, started.elapsed()),
    };
    let status = response.status().as_u16();
    let retry_after = retry_after(response.headers());
    match read_limited(response, call.max_answer).await {
        Ok((body, complete)) => Unparsed::answered(
            RawAnswer {
                status,
                retry_after,
                body,
                cut_at: (!complete).then_some(call.max_answer),
            },
            started.elapsed(),
        ),
        Err(err) => Unparsed::failed(call.reqwest_error(&err), Some(status), started.elapsed()),
    }
}

impl Call<'_> {
    fn timed_out(&self) -> PdpError {
        PdpError::Timeout {
            url: self.shown_url.to_string(),
            after: self.timeout,
        }
    }

    fn unreachable(&self, detail: String) -> PdpError {
        PdpError::Unreachable {
            url: self.shown_url.to_string(),
            detail,
        }
    }

    fn reqwest_error(&self, err: &reqwest::Error) -> PdpError {
        if err.is_timeout() {
            return self.timed_out();
        }
        self.unreachable(root_cause(err))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind_for(url: &str) -> TransportKind {
        let parsed = url::Url::parse(url).expect("a URL");
        Transport::for_url(&reqwest::Client::new(), &parsed).kind()
    }

    #[test]
    fn plain_http_takes_the_direct_path_and_the_rest_reqwest() {
        // A proxy in this process's environment sends everything through reqwest.
        let plain = if DirectHttp::proxy_in_env() {
            TransportKind::Reqwest
        } else {
            TransportKind::Direct
        };
        assert_eq!(kind_for("http://localhost:7766"), plain);
        assert_eq!(kind_for("http://127.0.0.1:7766/pdp/"), plain);
        assert_eq!(
            kind_for("https://cloudpdp.example/"),
            TransportKind::Reqwest
        );
        assert_eq!(kind_for("http://u:p@host:1"), TransportKind::Reqwest);
        assert_eq!(kind_for("http://host:1/?x=1"), TransportKind::Reqwest);
    }

    #[test]
    fn the_direct_path_is_not_forced_onto_what_it_cannot_carry() {
        let forced = |url: &str, kind| {
            let parsed = url::Url::parse(url).expect("a URL");
            Transport::forced(kind, &reqwest::Client::new(), &parsed).map(|t| t.kind())
        };
        assert_eq!(
            forced("http://localhost:1", TransportKind::Direct),
            Some(TransportKind::Direct)
        );
        assert_eq!(forced("https://h/", TransportKind::Direct), None);
        assert_eq!(forced("http://u:p@h:1", TransportKind::Direct), None);
        assert_eq!(
            forced("https://h/", TransportKind::Reqwest),
            Some(TransportKind::Reqwest)
        );
    }
}

//! What both HTTP paths of the client share (`client.rs` over reqwest, `direct.rs` over
//! hyper): the answer as read off the wire, and how headers and errors are read. A leaf, so
//! neither path imports the other.

use std::time::Duration;

use reqwest::header::{HeaderMap, RETRY_AFTER};

use super::error::PdpError;

/// The `User-Agent` of every call.
pub const USER_AGENT_VALUE: &str = concat!("permit-tui/", env!("CARGO_PKG_VERSION"));

/// An answer as it came off the wire, from either HTTP path.
pub(crate) struct RawAnswer {
    pub status: u16,
    pub retry_after: Option<Duration>,
    pub body: bytes::Bytes,
    /// The answer was larger than this limit: reading stopped there.
    pub cut_at: Option<usize>,
}

/// `Retry-After` in seconds, as a 429 carries it.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    headers
        .get(RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs)
}

/// HTTP stacks wrap the useful part ("Connection refused", "failed to lookup address") deep
/// down.
pub(crate) fn root_cause(err: &(dyn std::error::Error + 'static)) -> String {
    let mut last = err.to_string();
    let mut source = err.source();
    while let Some(inner) = source {
        last = inner.to_string();
        source = inner.source();
    }
    last
}

/// A call read off the wire (or failed), not parsed yet: what either transport answers.
pub struct Unparsed {
    pub(super) latency: Duration,
    pub(super) outcome: Result<RawAnswer, (PdpError, Option<u16>)>,
}

/// Reads a reqwest body up to `limit` bytes; `false` when it is longer (reading stops).
pub(crate) async fn read_limited(
    mut response: reqwest::Response,
    limit: usize,
) -> Result<(bytes::Bytes, bool), reqwest::Error> {
    if response.content_length().is_some_and(|n| n > limit as u64) {
        return Ok((bytes::Bytes::new(), false));
    }
    let mut body = bytes::BytesMut::new();
    while let Some(chunk) = response.chunk().await? {
        if body.len() + chunk.len() > limit {
            return Ok((bytes::Bytes::new(), false));
        }
        body.extend_from_slice(&chunk);
    }
    Ok((body.freeze(), true))
}

impl Unparsed {
    pub(super) fn failed(error: PdpError, status: Option<u16>, latency: Duration) -> Unparsed {
        Unparsed {
            latency,
            outcome: Err((error, status)),
        }
    }

    pub(super) fn answered(answer: RawAnswer, latency: Duration) -> Unparsed {
        Unparsed {
            latency,
            outcome: Ok(answer),
        }
    }
}

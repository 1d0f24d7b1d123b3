//! What one client may cost the sandbox server: every wait has a timeout and every resource a
//! cap, so a slow, hostile or broken client ends in an error at a bounded cost and never locks
//! the others out. The defaults suit a local debugging server; `permit-tui sandbox` has a flag
//! for each.

use std::time::Duration;

/// Largest request body accepted; larger ones get 413 before a byte of it is read.
pub const BODY_LIMIT: usize = 1 << 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// How long a connection may take to send a request's head, counted from when it starts
    /// waiting for one: a client trickling its headers, and a kept-alive connection left idle,
    /// are both closed after it.
    pub header_timeout: Duration,
    /// How long a request's body may take to arrive once its head is in (a Content-Length
    /// larger than the body sent, a chunked body that never ends): 408 after it.
    pub body_timeout: Duration,
    /// Open connections served at once; past it a new connection gets 503 and is closed.
    pub max_connections: usize,
    /// Bytes of request bodies being read at once, across all connections; past it a request
    /// gets 503 at once instead of its body being buffered.
    pub body_budget: usize,
    /// Checks in one `/allowed/bulk` request; more get 413.
    pub max_bulk_checks: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(10),
            max_connections: 512,
            body_budget: 64 << 20,
            max_bulk_checks: 1_000,
        }
    }
}

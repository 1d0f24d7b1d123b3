//! Decisions from the past: Permit's audit logs read page by page (bounded concurrency,
//! 429-aware, past the 10,000-results-per-query limit by narrowing the window), and each log
//! turned back into the request the PDP evaluated, attributes and context kept.

pub mod entry;
pub mod fetch;

pub use entry::{AuditEntry, Skip};
pub use fetch::{fetch, Filters, Reading, Window};

//! History in the explorer: `route` (the panel's keys, and the history read after the first
//! frame), `panel` (re-run, load or delete a past check), `recording` (every finished check
//! into the history; a live-mode burst once it settles), `latencies` (the latency panel
//! rebuilt from it), `runtime` (the history file, off the app's thread), `model` (their
//! state, messages and effects).

pub mod latencies;
pub mod model;
pub mod panel;
pub mod recording;
pub mod route;
pub mod runtime;
#[cfg(test)]
mod tests;

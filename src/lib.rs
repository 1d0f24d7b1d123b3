//! permit-tui: a terminal debugger for Permit.io permission checks.
//!
//! Modules by responsibility: `pdp` speaks Permit's PDP protocol, `sandbox`
//! is the embedded PDP, `store` keeps environments, presets and history, `tui` is the
//! explorer and `cli` the headless commands. `pdp` and `sandbox` know nothing of the UI.

// No unsafe code here, ever (`unwrap` is denied by the [lints] table in Cargo.toml).
#![forbid(unsafe_code)]

pub mod audit;
pub mod cli;
pub mod cloud;
pub mod drift;
pub mod expectation;
pub mod explain;
pub mod export;
pub mod latency;
pub mod matrix;
pub mod mirror;
pub mod pdp;
pub mod pdp_status;
pub mod printable;
pub mod sandbox;
pub mod schema;
pub mod store;
pub mod suite;
pub mod targets;
pub mod tui;
pub mod whatif;

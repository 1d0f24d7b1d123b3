//! Check suites for CI, the environment diff, and the PDP load probe.
//!
//! - `file`: the suite TOML format and its loader (errors with file, line and reason);
//! - `run`: runs a suite against one PDP (bulk where possible) and judges each check;
//! - `report`: the pass/fail table, JSON and JUnit XML;
//! - `diff`: the same suite against two PDPs, only the decisions that differ;
//! - `target`: `--env` / `--pdp` into PDP clients (the one place environments resolve);
//! - `histogram` and `bench`: the bounded load probe and its latency statistics.

pub mod bench;
pub mod diff;
pub mod file;
pub mod histogram;
pub mod report;
pub mod run;
pub mod target;

pub use file::{load_suite, parse_suite, render_suite, Expect, Suite, SuiteCheck, SuiteError};
pub use run::{run_suite, RunOptions, SuiteRun, Verdict};

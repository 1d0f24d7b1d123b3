//! Environments in the explorer, one module per job: `route` (the picker's and the add
//! flow's keys and messages), `switch` (the current environment), `add` (the add flow),
//! `manage` (rename, PDP URL, remove; `config.toml` changes picked up), `abac_warning`
//! (before a Cloud PDP check), `runtime` (their effects), `model` (their state, messages and
//! effects). Presets, history, the prompt and the store's writes have modules of their own
//! beside this one.

pub mod abac_warning;
pub mod add;
pub mod manage;
pub mod model;
pub mod route;
pub mod runtime;
pub mod switch;
#[cfg(test)]
mod tests;

//! Permit's cloud REST API: key scope, projects, environments, environment keys, schema and
//! facts for autocomplete, and the environment-discovery flow built on them. Knows nothing of
//! the UI; the sandbox serves the same slice, so all of it runs offline in tests.

pub mod client;
pub mod discovery;
pub mod error;
pub mod types;
pub mod urls;

pub use client::CloudClient;
pub use discovery::{DiscoveredEnvironment, Discovery, DiscoveryStart, KeyLevel};
pub use error::CloudError;
pub use types::*;

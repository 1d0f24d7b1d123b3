//! Permit's PDP protocol: wire types, input shorthands, and the async client.

pub mod types;

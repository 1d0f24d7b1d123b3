//! The store's writes as effects: `update` decides what changes (`model`), `writer` writes it
//! off the app's thread, and `written` brings the app in line with the files as they now are.
//! `update` itself never touches the disk, and a slow or locked file never holds up a key.

pub mod model;
#[cfg(test)]
mod tests;
pub mod writer;
pub mod written;

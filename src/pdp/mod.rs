//! Permit's PDP protocol: wire types, input shorthands, and the async client.

pub mod client;
mod direct;
pub mod error;
pub mod input;
mod stamped;
pub mod trace;
pub mod types;

pub use client::{Exchange, PdpClient, DEFAULT_PDP_URL, DEFAULT_TIMEOUT};
pub use error::PdpError;
pub use input::{CheckInput, InputError};

/// Shows an API key as its prefix and last four characters: `permit_key_…a1b2`.
pub fn mask_key(key: &str) -> String {
    let tail: String = key
        .chars()
        .rev()
        .take(4)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    if key.chars().count() <= 8 {
        return "••••".to_string();
    }
    let prefix = if key.starts_with("permit_key_") {
        "permit_key_"
    } else {
        ""
    };
    format!("{prefix}…{tail}")
}

#[cfg(test)]
mod tests {
    use super::mask_key;

    #[test]
    fn masked_key_shows_only_prefix_and_tail() {
        let key = "permit_key_abcdefghijklmnopqrstuvwxyz0123a1b2";
        assert_eq!(mask_key(key), "permit_key_…a1b2");
        assert_eq!(mask_key("secretvalue99"), "…ue99");
        assert_eq!(mask_key("short"), "••••");
    }
}

//! Permit's PDP protocol: wire types, input shorthands, and the async client.

pub mod client;
mod direct;
pub mod error;
pub mod input;
mod stamped;
pub mod trace;
mod transport;
pub mod types;
mod wire;

pub use client::{Exchange, PdpClient, TransportKind, DEFAULT_PDP_URL, DEFAULT_TIMEOUT};
pub use error::PdpError;
pub use input::{CheckInput, InputError};

/// A URL as it may be shown: a password in it (`http://user:secret@host`) becomes `•••`.
/// Works on text that does not parse as a URL too, since error messages quote those.
pub fn mask_url_credentials(url: &str) -> std::borrow::Cow<'_, str> {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
        return url.into();
    };
    let rest = &url[scheme_end..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let Some(at) = rest[..authority_end].rfind('@') else {
        return url.into();
    };
    let user_info = &rest[..at];
    let user = user_info.split(':').next().unwrap_or_default();
    if user_info == user {
        return url.into();
    }
    format!("{}{user}:•••{}", &url[..scheme_end], &rest[at..]).into()
}

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

#[cfg(test)]
mod url_mask_tests {
    use super::mask_url_credentials;

    #[test]
    fn a_password_in_a_url_is_masked_and_the_rest_kept() {
        assert_eq!(
            mask_url_credentials("http://admin:hunter2@pdp.internal:7766/v1?x=1"),
            "http://admin:•••@pdp.internal:7766/v1?x=1"
        );
        assert_eq!(
            mask_url_credentials("https://u:p@ss:w@rd@h/"),
            "https://u:•••@h/",
            "a password holding @ and : is masked whole"
        );
        assert_eq!(
            mask_url_credentials("http://user@host:1/a@b"),
            "http://user@host:1/a@b"
        );
        assert_eq!(mask_url_credentials("http://host:1"), "http://host:1");
        assert_eq!(mask_url_credentials("not a url :x@y"), "not a url :x@y");
    }
}

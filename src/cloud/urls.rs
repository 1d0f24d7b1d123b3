//! Well-known Permit addresses and the short names the CLI accepts for them.

pub const API_US: &str = "https://api.permit.io";
pub const API_EU: &str = "https://api.eu.permit.io";
pub const PDP_CLOUD_US: &str = "https://cloudpdp.api.permit.io";
pub const PDP_CLOUD_EU: &str = "https://cloudpdp.api.eu-central-1.permit.io";
pub const PDP_LOCAL: &str = crate::pdp::DEFAULT_PDP_URL;

/// The PDP choices a picker offers: (short name, label, URL).
pub const PDP_CHOICES: [(&str, &str, &str); 3] = [
    ("cloud-us", "Cloud PDP (US)", PDP_CLOUD_US),
    ("cloud-eu", "Cloud PDP (EU)", PDP_CLOUD_EU),
    ("local", "Local PDP container", PDP_LOCAL),
];

/// The API choices a picker offers: (short name, label, URL).
pub const API_CHOICES: [(&str, &str, &str); 2] = [
    ("us", "Permit API (US)", API_US),
    ("eu", "Permit API (EU)", API_EU),
];

/// `cloud-us` (or `cloud`), `cloud-eu`, `local`, or a URL as given.
pub fn pdp_url(choice: &str) -> String {
    match choice.trim().to_ascii_lowercase().as_str() {
        "cloud" | "cloud-us" | "us" => PDP_CLOUD_US.to_string(),
        "cloud-eu" | "eu" => PDP_CLOUD_EU.to_string(),
        "local" | "localhost" => PDP_LOCAL.to_string(),
        _ => choice.trim().trim_end_matches('/').to_string(),
    }
}

/// `us`, `eu`, or a URL as given.
pub fn api_url(choice: &str) -> String {
    match choice.trim().to_ascii_lowercase().as_str() {
        "us" => API_US.to_string(),
        "eu" => API_EU.to_string(),
        _ => choice.trim().trim_end_matches('/').to_string(),
    }
}

/// The API region that goes with a Cloud PDP URL, for a sensible default.
pub fn api_url_for_pdp(pdp_url: &str) -> &'static str {
    if pdp_url.contains(".eu-central-1.") || pdp_url.contains(".eu.") {
        API_EU
    } else {
        API_US
    }
}

/// Checks that `url` is an absolute http(s) URL.
pub fn validate(url: &str) -> Result<(), String> {
    if url.trim().is_empty() {
        return Err("type a URL, e.g. http://localhost:7766".to_string());
    }
    let parsed = url::Url::parse(url).map_err(|err| format!("`{url}` is not a URL: {err}"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(format!("`{url}`: scheme must be http or https"));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(format!("`{url}` has no host"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_says_what_is_wrong() {
        assert_eq!(validate("http://pdp:7000"), Ok(()));
        assert_eq!(
            validate("  "),
            Err("type a URL, e.g. http://localhost:7766".to_string())
        );
        assert!(validate("pdp:7000")
            .unwrap_err()
            .contains("scheme must be http"));
        assert!(validate("nonsense").unwrap_err().contains("is not a URL"));
    }

    #[test]
    fn short_names_and_urls() {
        assert_eq!(pdp_url("cloud-eu"), PDP_CLOUD_EU);
        assert_eq!(pdp_url("LOCAL"), "http://localhost:7766");
        assert_eq!(pdp_url("http://pdp:7000/"), "http://pdp:7000");
        assert_eq!(api_url("eu"), API_EU);
        assert_eq!(api_url_for_pdp(PDP_CLOUD_EU), API_EU);
        assert!(validate("ftp://x").is_err());
        assert!(validate("cloud-usa").is_err());
        assert!(validate("http://127.0.0.1:1").is_ok());
    }
}

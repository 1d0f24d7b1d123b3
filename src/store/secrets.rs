//! A last line of defence: text about to be written to presets, history or an export has
//! anything shaped like a real Permit API key masked, in case someone typed or pasted one into
//! a form field. (Keys normally travel only in headers and `config.toml`.)

use std::borrow::Cow;

const PREFIX: &str = "permit_key_";
/// Real keys are ~100 characters; the sandbox's public demo keys are short and left alone.
const MIN_SECRET_LEN: usize = 24;

/// Replaces every `permit_key_` followed by at least 24 key characters with its masked form.
pub fn redact_keys(text: &str) -> Cow<'_, str> {
    if !text.contains(PREFIX) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut changed = false;
    while let Some(at) = rest.find(PREFIX) {
        out.push_str(&rest[..at]);
        let after = &rest[at + PREFIX.len()..];
        let len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
            .unwrap_or(after.len());
        let candidate = &rest[at..at + PREFIX.len() + len];
        if len >= MIN_SECRET_LEN {
            out.push_str(&crate::pdp::mask_key(candidate));
            changed = true;
        } else {
            out.push_str(candidate);
        }
        rest = &rest[at + PREFIX.len() + len..];
    }
    out.push_str(rest);
    if changed {
        Cow::Owned(out)
    } else {
        Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_real_looking_keys_only() {
        let key = format!("permit_key_{}", "a1B2".repeat(20));
        let text = format!("{{\"context\": \"{key}\", \"demo\": \"permit_key_sandbox_dev\"}}");
        let redacted = redact_keys(&text);
        assert!(!redacted.contains(&key), "{redacted}");
        assert!(redacted.contains("permit_key_…a1B2"));
        assert!(redacted.contains("permit_key_sandbox_dev"));
        assert!(matches!(redact_keys("nothing here"), Cow::Borrowed(_)));
        serde_json::from_str::<serde_json::Value>(&redacted).unwrap();
    }
}

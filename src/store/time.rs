//! RFC 3339 timestamps (UTC, millisecond precision) and ages as people read them.

use std::time::{Duration, SystemTime};

/// `2026-11-25T18:09:06.123Z`.
pub fn rfc3339(at: SystemTime) -> String {
    humantime::format_rfc3339_millis(at).to_string()
}

pub fn now_rfc3339() -> String {
    rfc3339(SystemTime::now())
}

/// Reads a timestamp [`rfc3339`] wrote (or any RFC 3339 time in UTC).
pub fn parse_rfc3339(text: &str) -> Option<SystemTime> {
    humantime::parse_rfc3339_weak(text.trim()).ok()
}

/// An age in its largest unit: `40 s`, `12 min`, `3 h`, `5 days`.
pub fn age_text(age: Duration) -> String {
    let secs = age.as_secs();
    match secs {
        0..60 => format!("{secs} s"),
        60..3_600 => format!("{} min", secs / 60),
        3_600..86_400 => format!("{} h", secs / 3_600),
        _ => format!("{} days", secs / 86_400),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::UNIX_EPOCH;

    #[test]
    fn known_instants() {
        assert_eq!(rfc3339(UNIX_EPOCH), "1970-01-01T00:00:00.000Z");
        let t = UNIX_EPOCH + Duration::from_millis(1_709_210_096_789);
        assert_eq!(rfc3339(t), "2024-02-29T12:34:56.789Z");
        let t = UNIX_EPOCH + Duration::from_secs(4_102_444_799);
        assert_eq!(rfc3339(t), "2099-12-31T23:59:59.000Z");
    }

    #[test]
    fn reads_back_what_it_writes() {
        let t = UNIX_EPOCH + Duration::from_millis(1_709_210_096_789);
        assert_eq!(parse_rfc3339(&rfc3339(t)), Some(t));
        assert_eq!(parse_rfc3339("yesterday"), None);
    }

    #[test]
    fn ages_in_their_largest_unit() {
        assert_eq!(age_text(Duration::from_secs(59)), "59 s");
        assert_eq!(age_text(Duration::from_secs(61)), "1 min");
        assert_eq!(age_text(Duration::from_secs(3 * 3_600 + 5)), "3 h");
        assert_eq!(age_text(Duration::from_secs(5 * 86_400)), "5 days");
    }
}

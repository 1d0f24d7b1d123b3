//! A loaded preset's verdict on a finished check: as expected, or how not. Said once; the
//! verdict of the check before goes.

use crate::expectation::Verdict;
use crate::pdp::types::{AllowedQuery, AllowedResult};
use crate::pdp::Exchange;
use crate::tui::app::{App, NoticeLevel};

/// Judges a finished check of `query` against the loaded preset, while the form still is
/// that preset (a failed check says its own error instead).
pub fn judge(app: &mut App, query: &AllowedQuery, exchange: &Exchange<AllowedResult>) {
    let verdict = app.presets.loaded.as_ref().and_then(|preset| {
        let loaded = preset.input.to_query().ok()?;
        if &loaded != query {
            return None;
        }
        let result = exchange.result.as_ref().ok()?;
        preset.verdict(result).map(|v| (preset.name.clone(), v))
    });
    // A verdict on screen is about the check before this one: it goes.
    if let Some(shown) = app.presets.verdict_notice.take() {
        app.notices.retain(|n| n.text != shown);
    }
    if let Some((name, verdict)) = &verdict {
        let (text, level) = match verdict {
            Verdict::Pass => (format!("Preset `{name}`: as expected ✓"), NoticeLevel::Info),
            Verdict::Fail { reason } => {
                (format!("Preset `{name}`: {reason} ✗"), NoticeLevel::Warning)
            }
            Verdict::Error { message, .. } => (
                format!("Preset `{name}`: not judged: {message}"),
                NoticeLevel::Warning,
            ),
        };
        app.notice(text.clone(), level);
        app.presets.verdict_notice = Some(text);
    }
    app.presets.verdict = verdict;
}

//! A loaded preset's verdict on a finished check: as expected, or how not. Said once; the
//! verdict of the check before goes.

use crate::pdp::types::{AllowedQuery, AllowedResult};
use crate::pdp::Exchange;
use crate::tui::app::{App, NoticeLevel};

/// Judges a finished check of `query` (`codes`: its debug codes) against the loaded preset,
/// while the form still is that preset.
pub fn judge(
    app: &mut App,
    query: &AllowedQuery,
    exchange: &Exchange<AllowedResult>,
    codes: &[String],
) {
    let verdict = app.presets.loaded.as_ref().and_then(|preset| {
        let loaded = preset.input.to_query().ok()?;
        if &loaded != query {
            return None;
        }
        let result = exchange.result.as_ref().ok()?;
        preset
            .verdict(result.allow, codes)
            .map(|v| (preset.name.clone(), v))
    });
    // A verdict on screen is about the check before this one: it goes.
    if let Some(shown) = app.presets.verdict_notice.take() {
        app.notices.retain(|n| n.text != shown);
    }
    if let Some((name, verdict)) = &verdict {
        let (text, level) = match verdict {
            Ok(()) => (format!("Preset `{name}`: as expected ✓"), NoticeLevel::Info),
            Err(why) => (format!("Preset `{name}`: {why} ✗"), NoticeLevel::Warning),
        };
        app.notice(text.clone(), level);
        app.presets.verdict_notice = Some(text);
    }
    app.presets.verdict = verdict;
}

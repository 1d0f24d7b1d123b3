//! The warning before a check with attributes goes to the Cloud PDP, which does not
//! evaluate ABAC.

use crate::pdp::types::AllowedQuery;
use crate::tui::app::{App, NoticeLevel, Target};

/// Called by `fire` before sending: `false` when the user must first read the ABAC warning
/// (firing the same request again sends it).
pub fn may_fire(app: &mut App, query: &AllowedQuery, target: &Target) -> bool {
    let Some(warning) = target.abac_warning(query) else {
        return true;
    };
    let body = serde_json::to_string(query).unwrap_or_default();
    if app.environments.abac_acknowledged.as_deref() == Some(body.as_str()) {
        return true;
    }
    app.environments.abac_acknowledged = Some(body);
    app.notice(
        format!("{warning} Press F5 again to send it anyway."),
        NoticeLevel::Warning,
    );
    false
}

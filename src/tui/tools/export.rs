//! The export menu: the current check as curl, Python or Node, copied through OSC 52 or saved
//! to `permit-check.<ext>`. The key is redacted (read from `$PERMIT_API_KEY`) unless "with
//! the API key" was chosen explicitly for this one export.

pub use super::model::{ExportMenu, FILE_STEM};
use std::path::PathBuf;

use crate::export::{render, Format, KeyExposure};
use crate::tui::app::{App, NoticeLevel};
use crate::tui::msg::Effect;

use super::{open as open_view, query_or_warn, tool, Snippet, ToolAction, ToolEffect, ToolView};

pub fn open(app: &mut App) -> Vec<Effect> {
    if query_or_warn(app).is_none() {
        return Vec::new();
    }
    app.tools.export.with_secret = false;
    open_view(app, ToolView::Export);
    Vec::new()
}

pub fn toggle_secret(app: &mut App) -> Vec<Effect> {
    let has_key = app
        .target()
        .is_some_and(|t| t.target.reveal_key().is_some());
    if !has_key {
        app.notice("This environment has no API key", NoticeLevel::Info);
        return Vec::new();
    }
    app.tools.export.with_secret = !app.tools.export.with_secret;
    Vec::new()
}

pub fn toggle_file(app: &mut App) -> Vec<Effect> {
    app.tools.export.to_file = !app.tools.export.to_file;
    Vec::new()
}

pub fn navigate(app: &mut App, action: ToolAction) -> Vec<Effect> {
    let n = Format::ALL.len();
    let menu = &mut app.tools.export;
    match action {
        ToolAction::Up => menu.selected = (menu.selected + n - 1) % n,
        ToolAction::Down => menu.selected = (menu.selected + 1) % n,
        ToolAction::Choose => return pick(app, app.tools.export.selected),
        _ => {}
    }
    Vec::new()
}

/// Exports format `index` of `Format::ALL` as the menu is set, and closes the menu.
pub fn pick(app: &mut App, index: usize) -> Vec<Effect> {
    let Some(format) = Format::ALL.get(index).copied() else {
        return Vec::new();
    };
    let Some(query) = query_or_warn(app) else {
        return Vec::new();
    };
    let Some(target) = app.target().map(|t| t.target.clone()) else {
        return Vec::new();
    };
    let menu = app.tools.export.clone();
    let exposure = match (target.reveal_key(), menu.with_secret) {
        (Some(key), true) => KeyExposure::Secret(key),
        _ => KeyExposure::FromEnvironment,
    };
    let text = render(format, &target.pdp_url, &query, exposure);
    let key_note = if matches!(exposure, KeyExposure::Secret(_)) {
        "WITH the API key"
    } else {
        "key from $PERMIT_API_KEY"
    };
    let what = format!("{} ({key_note})", format.label());
    app.tools.export.with_secret = false;
    app.tools.export.selected = index;
    app.modals
        .retain(|m| !matches!(m, crate::tui::app::Modal::Tool(ToolView::Export)));
    if menu.to_file {
        let mut dirs: Vec<PathBuf> = vec![app
            .tools
            .export_dir
            .clone()
            .unwrap_or_else(|| PathBuf::from("."))];
        dirs.push(crate::store::paths::Paths::discover().data_dir);
        vec![tool(ToolEffect::SaveFile {
            dirs,
            file_name: format!("{FILE_STEM}.{}", format.file_extension()),
            text: Snippet(text),
            what,
        })]
    } else {
        app.notice(
            format!(
                "Copied {what} to the clipboard (OSC 52). No clipboard? Ctrl-O, f saves to a file"
            ),
            NoticeLevel::Info,
        );
        vec![tool(ToolEffect::Clipboard {
            text: Snippet(text),
        })]
    }
}

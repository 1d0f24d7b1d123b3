//! The store as a write left it: the app's copy follows the files; a failed write says why
//! and leaves the prompt that asked for it open with what was typed.

use crate::tui::action::{EnvView, Modal};
use crate::tui::app::{App, NoticeLevel};
use crate::tui::msg::Effect;

use super::model::Written;

pub fn on_written(app: &mut App, written: Written) -> Vec<Effect> {
    let failed = written.failed();
    let mut refusals = Vec::new();
    if let Some(store) = &mut app.store {
        match written.config {
            Some(Ok(config)) => store.config = config,
            Some(Err(why)) => refusals.push(why),
            None => {}
        }
        match written.presets {
            Some(Ok(presets)) => store.presets = presets,
            Some(Err(why)) => refusals.push(why),
            None => {}
        }
    }
    for why in refusals {
        app.notice(why, NoticeLevel::Warning);
    }
    if let Some((old, new)) = &written.renamed {
        if let Some(t) = app.targets.iter_mut().find(|t| &t.target.name == old) {
            t.target.name = new.clone();
        }
    }
    if !failed {
        if written.from_prompt && crate::tui::prompt::is_open(app) {
            crate::tui::prompt::close(app);
        }
        if let Some(done) = written.done {
            app.notice(done, NoticeLevel::Info);
        }
    }
    for warning in written.warnings {
        app.notice(warning, NoticeLevel::Warning);
    }
    // The open list may have shrunk.
    match app.modals.last() {
        Some(Modal::Presets) => {
            let len = app.presets.matches(app.store.as_ref()).len();
            app.presets.picker.clamp(len);
        }
        Some(Modal::Env(EnvView::Environments)) => {
            // The environments, then "add environment".
            app.environments.selected = app.environments.selected.min(app.targets.len());
        }
        _ => {}
    }
    if written.reload || failed {
        return crate::tui::environments::manage::watch(app, true);
    }
    Vec::new()
}

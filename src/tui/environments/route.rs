//! The environment picker's and the add flow's keys, and their messages, each sent to the
//! module whose job it is.

use crossterm::event::KeyEvent;

use crate::tui::action::{Context, EnvAction, EnvView, Modal};
use crate::tui::app::App;
use crate::tui::list_overlay;
use crate::tui::msg::Effect;
use crate::tui::prompt::{self, PromptKind};

use super::model::{AddFlow, EnvMsg};
use super::{add, manage, switch::switch_to};

/// Which keymap context an overlay of this module uses.
pub fn context_of(view: EnvView) -> Context {
    match view {
        EnvView::Environments => Context::EnvPicker,
        EnvView::AddEnvironment => Context::AddEnv,
    }
}

pub fn open_view(app: &App) -> Option<EnvView> {
    match app.modals.last() {
        Some(Modal::Env(view)) => Some(*view),
        _ => None,
    }
}

fn open_add_flow(app: &mut App) {
    list_overlay::open(app, Modal::Env(EnvView::AddEnvironment));
    app.environments.add = AddFlow::default();
}

fn close(app: &mut App) {
    if let Some(view) = open_view(app) {
        list_overlay::close(app, Modal::Env(view));
    }
}

pub fn perform(app: &mut App, action: EnvAction) -> Vec<Effect> {
    let view = open_view(app);
    match (action, view) {
        (EnvAction::OpenEnvironments, _) => {
            list_overlay::open(app, Modal::Env(EnvView::Environments));
            app.environments.selected = app.current;
        }
        (EnvAction::SwitchTo(i), _) => {
            if view == Some(EnvView::Environments) {
                close(app);
            }
            return switch_to(app, i);
        }
        (EnvAction::Close, _) => close(app),
        (EnvAction::Up, Some(EnvView::Environments)) => {
            app.environments.selected = app.environments.selected.saturating_sub(1)
        }
        (EnvAction::Up, Some(EnvView::AddEnvironment)) => {
            let flow = &mut app.environments.add;
            flow.selected = flow.selected.saturating_sub(1);
        }
        // The environments, then "add environment".
        (EnvAction::Down, Some(EnvView::Environments))
            if app.environments.selected < app.targets.len() =>
        {
            app.environments.selected += 1;
        }
        (EnvAction::Down, Some(EnvView::AddEnvironment)) => {
            let flow = &mut app.environments.add;
            if flow.selected + 1 < flow.choices_len() {
                flow.selected += 1;
            }
        }
        (EnvAction::AddEnvironment, _) => open_add_flow(app),
        (EnvAction::Choose, Some(EnvView::Environments)) => {
            let i = app.environments.selected;
            if i >= app.targets.len() {
                open_add_flow(app);
                return Vec::new();
            }
            close(app);
            return switch_to(app, i);
        }
        (EnvAction::Choose, Some(EnvView::AddEnvironment)) => return add::choose(app),
        (EnvAction::Remove, Some(EnvView::Environments)) => return manage::remove_selected(app),
        (EnvAction::Rename, Some(EnvView::Environments)) => ask_rename(app),
        (EnvAction::EditPdpUrl, Some(EnvView::Environments)) => ask_pdp_url(app),
        _ => {}
    }
    Vec::new()
}

/// `r` in the picker: the rename prompt for the selected environment.
fn ask_rename(app: &mut App) {
    if let Some(name) = manage::configured(app, app.environments.selected) {
        let kind = PromptKind::RenameEnvironment { old: name.clone() };
        prompt::open(app, kind, &name);
    }
}

/// `u` in the picker: the PDP URL prompt for the selected environment.
fn ask_pdp_url(app: &mut App) {
    let i = app.environments.selected;
    if let Some(name) = manage::configured(app, i) {
        let url = app.targets[i].target.pdp_url.clone();
        prompt::open(app, PromptKind::EnvironmentPdpUrl { name }, &url);
    }
}

/// Printable and editing keys: the add flow's key or URL input takes them.
pub fn on_text_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    match open_view(app) {
        Some(EnvView::AddEnvironment) => add::on_text_key(app, key),
        _ => Vec::new(),
    }
}

/// A paste into the add flow goes to its input (newlines dropped); the picker takes none.
pub fn on_paste(app: &mut App, text: &str) {
    if open_view(app) == Some(EnvView::AddEnvironment) {
        add::on_paste(app, &crate::tui::picker::one_line(text));
    }
}

pub fn update(app: &mut App, msg: EnvMsg) -> Vec<Effect> {
    match msg {
        EnvMsg::Add(msg) => add::update(app, msg),
        EnvMsg::ConfigReloaded(reloaded) => manage::merge(app, *reloaded),
    }
}

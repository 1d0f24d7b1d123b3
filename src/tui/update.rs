//! `update`: the only place the explorer's state changes, and a router: each message, key and
//! action goes to the module whose job it is. Pure: it returns the side effects it wants
//! (`Effect`) and the runtime performs them.

use crossterm::event::{Event, KeyEvent, KeyEventKind};
use ratatui::layout::Rect;

use super::app::{App, Modal, NoticeLevel};
use super::keymap::{self, Action, Context};
use super::msg::{Effect, Msg};
use super::view::layout;
use super::{answer, environments, form, help, history, panel, presets, prompt};

pub fn update(app: &mut App, msg: Msg) -> Vec<Effect> {
    let effects = route(app, msg);
    // The focus may have moved: the cursor is drawn in the focused field only.
    app.style_fields();
    effects
}

fn route(app: &mut App, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Input(Event::Key(key)) => on_key(app, key),
        Msg::Input(Event::Mouse(mouse)) if !screen_too_small(app) => {
            super::mouse::on_mouse(app, mouse)
        }
        Msg::Input(Event::Paste(text)) => on_paste(app, &text),
        Msg::Input(Event::Resize(w, h)) => {
            app.size = (w, h);
            Vec::new()
        }
        Msg::Input(_) => Vec::new(),
        Msg::Drawn(drawn) => {
            app.scroll_max = drawn.panel_scroll_max;
            Vec::new()
        }
        Msg::Tick => {
            app.ticks += 1;
            let now = app.ticks;
            app.notices.retain(|n| n.until_tick > now);
            history::recording::settle_live(app, false)
        }
        Msg::HealthTick => app.health_beat(),
        Msg::HealthUpdated {
            target,
            health,
            sandbox,
        } => {
            app.set_health(target, health, sandbox);
            Vec::new()
        }
        Msg::CheckFinished { id, exchange } => answer::on_check_finished(app, id, exchange),
        Msg::DebounceElapsed { generation } => answer::on_debounce(app, generation),
        Msg::ValidateElapsed { generation } => {
            answer::on_validate(app, generation);
            Vec::new()
        }
        Msg::SandboxReloaded(reload) => answer::on_sandbox_reload(app, reload),
        Msg::Tool(msg) => super::tools::update(app, msg),
        Msg::Env(msg) => environments::route::update(app, msg),
        Msg::History(msg) => history::route::update(app, msg),
        Msg::Written(written) => super::store_write::written::on_written(app, *written),
        Msg::Mirror(msg) => super::mirror::update(app, msg),
        Msg::Audit(msg) => super::audit::update(app, msg),
    }
}

fn screen_too_small(app: &App) -> bool {
    layout::too_small(Rect::new(0, 0, app.size.0, app.size.1))
}

/// A key: its binding in the context that applies, else typed into what has the focus.
fn on_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    if key.kind == KeyEventKind::Release {
        return Vec::new();
    }
    let ctx = app.key_context();
    let action = match ctx {
        // The popup takes only its keys; the field's own bindings still apply.
        Context::Completion => {
            keymap::lookup_only(&key, ctx).or_else(|| keymap::lookup(&key, app.focus_context()))
        }
        _ => keymap::lookup(&key, ctx),
    };
    // Below the minimum size the screen only says how to quit: nothing else may act unseen.
    if screen_too_small(app) && action != Some(Action::Quit) {
        return Vec::new();
    }
    if ctx == Context::Leader {
        // One key after the leader, bound or not, ends it.
        app.modals.retain(|m| *m != Modal::Leader);
        return match action {
            Some(Action::CloseModal) => Vec::new(),
            Some(action) => perform(app, action),
            None => {
                let pressed = keymap::describe(&keymap::Key {
                    code: key.code,
                    mods: key.modifiers,
                });
                app.notice(
                    format!(
                        "{} {pressed}: no command there (the popup lists them; Alt-X finds any by name)",
                        keymap::LEADER_NAME,
                    ),
                    NoticeLevel::Info,
                );
                Vec::new()
            }
        };
    }
    if let Some(action) = action {
        return perform(app, action);
    }
    // An overlay's search, filter, prompt or key input takes the rest; other overlays none.
    match app.modals.last() {
        Some(Modal::Palette) => super::palette::on_text_key(app, key),
        Some(Modal::Help) => help::search(app, key),
        Some(Modal::Env(_)) => return environments::route::on_text_key(app, key),
        Some(Modal::Presets) => presets::route::on_text_key(app, key),
        Some(Modal::History) => history::route::on_text_key(app, key),
        Some(Modal::Prompt) => prompt::on_text_key(app, key),
        Some(Modal::AuditLog) => return super::audit::on_text_key(app, key),
        Some(_) => {}
        None if ctx.is_modal() => {}
        None => return form::type_key(app, key),
    }
    Vec::new()
}

/// A paste goes to the input of the overlay on top, else into the focused field.
fn on_paste(app: &mut App, text: &str) -> Vec<Effect> {
    if screen_too_small(app) {
        return Vec::new();
    }
    match app.modals.last() {
        Some(Modal::Env(_)) => environments::route::on_paste(app, text),
        Some(Modal::Presets) => presets::route::on_paste(app, text),
        Some(Modal::History) => history::route::on_paste(app, text),
        Some(Modal::Prompt) => prompt::on_paste(app, text),
        Some(Modal::AuditLog) => super::audit::on_paste(app, text),
        Some(Modal::Palette) => super::palette::on_paste(app, text),
        Some(_) => {}
        None if app.key_context().is_modal() => {}
        None => return form::paste(app, text),
    }
    Vec::new()
}

fn perform(app: &mut App, action: Action) -> Vec<Effect> {
    match action {
        // Below the minimum size a question would go unseen: quit at once there.
        Action::Quit if app.unchecked_edits && !app.quit_armed && !screen_too_small(app) => {
            app.quit_armed = true;
            app.notice(
                "The form has edits that were never checked: quit again to leave (the form is kept for the next start)",
                NoticeLevel::Warning,
            );
            Vec::new()
        }
        Action::Quit => {
            app.should_quit = true;
            let mut effects = app.cancel_in_flight();
            // The last live check is kept, settled or not.
            effects.extend(history::recording::settle_live(app, true));
            effects
        }
        Action::Fire => app.fire(),
        Action::Cancel => app.cancel_in_flight(),
        // Esc cancels the check in flight, else leaves the field for the panel.
        Action::Escape if app.in_flight.is_some() => app.cancel_in_flight(),
        Action::Escape => {
            form::leave_field(app);
            Vec::new()
        }
        Action::Edit => {
            form::back_to_field(app);
            Vec::new()
        }
        Action::Undo => form::undo(app),
        Action::ClearField => form::clear_to_line_start(app),
        Action::FormatJson => form::format_json(app),
        Action::FocusNext | Action::FocusPrev => {
            form::move_focus(app, action);
            Vec::new()
        }
        Action::ToggleLive => toggle_live(app),
        Action::NextTab
        | Action::PrevTab
        | Action::ToggleFold
        | Action::ToggleHistogram
        | Action::ScrollUp
        | Action::ScrollDown
        | Action::PageUp
        | Action::PageDown
        | Action::ScrollTop
        | Action::ScrollBottom => {
            panel::perform(app, action);
            Vec::new()
        }
        Action::OpenHelp => {
            help::open(app);
            Vec::new()
        }
        Action::CloseModal => {
            if !help::clear_search(app) {
                app.modals.pop();
            }
            Vec::new()
        }
        Action::OpenNotices => {
            app.notices.clear();
            if app.modals.last() != Some(&Modal::Notices) {
                app.modals.push(Modal::Notices);
            }
            Vec::new()
        }
        Action::NextTarget => {
            if app.targets.len() < 2 {
                app.notice("Only one environment is configured", NoticeLevel::Info);
                return Vec::new();
            }
            environments::switch::switch_to(app, (app.current + 1) % app.targets.len())
        }
        Action::Palette(action) => match super::palette::perform(app, action) {
            Some(chosen) => perform(app, chosen),
            None => Vec::new(),
        },
        Action::Tool(action) => super::tools::perform(app, action),
        Action::Env(action) => environments::route::perform(app, action),
        Action::Preset(action) => presets::route::perform(app, action),
        Action::History(action) => history::route::perform(app, action),
        Action::Prompt(action) => prompt::perform(app, action),
        Action::Mirror(action) => super::mirror::perform(app, action),
        Action::Audit(action) => super::audit::perform(app, action),
    }
}

/// Live mode: every valid edit re-checks (debounced); turning it on checks the form at once.
fn toggle_live(app: &mut App) -> Vec<Effect> {
    app.live = !app.live;
    let state = if app.live {
        "Live mode on: every valid edit re-checks"
    } else {
        "Live mode off"
    };
    app.notice(state, NoticeLevel::Info);
    if app.live && app.validation.is_ok() {
        app.fire()
    } else {
        Vec::new()
    }
}

#[cfg(test)]
mod tests;

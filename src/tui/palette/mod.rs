//! The command palette (`Alt-X`, or `:` in the decision panel): every command of the keymap
//! table by name, with its keys, filtered as you type; the environments and the answer's
//! applicable suggestions by name too. Enter runs the selected one.
//!
//! And the leader key (`Ctrl-Space`): a which-key popup of one-letter commands, so a command
//! is reachable without remembering its chord.

use crossterm::event::KeyEvent;

pub mod model;

use super::action::EnvAction;
pub use super::action::PaletteAction;
use super::app::{App, Modal};
use super::keymap::{self, Action, Context};
use super::tools::ToolAction;
use crate::store::filter;
pub use model::PaletteState;

/// One line of the palette.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub label: String,
    /// Every key that does it, as the footer writes keys; empty for a command by name only.
    pub keys: String,
    pub action: Action,
}

/// Commands that only make sense as keys where they act (scrolling, moving between fields,
/// editing text) or that the palette lists one by one by name.
fn by_name_only(action: Action) -> bool {
    matches!(
        action,
        Action::ScrollUp
            | Action::ScrollDown
            | Action::PageUp
            | Action::PageDown
            | Action::ScrollTop
            | Action::ScrollBottom
            | Action::FocusNext
            | Action::FocusPrev
            | Action::Escape
            | Action::Edit
            | Action::Cancel
            | Action::Undo
            | Action::ClearField
            | Action::CloseModal
            | Action::PrevTab
            | Action::Palette(_)
            | Action::Env(EnvAction::SwitchTo(_))
            | Action::Tool(ToolAction::ApplySuggestion(_))
    )
}

/// The commands of the main screen (everywhere, the decision panel and the leader), each once,
/// with all its keys; then each environment and each applicable suggestion by name.
pub fn entries(app: &App) -> Vec<Entry> {
    let mut out: Vec<Entry> = Vec::new();
    for b in keymap::BINDINGS.iter().filter(|b| {
        matches!(
            b.context,
            Context::Global | Context::Panel | Context::Leader
        ) && !by_name_only(b.action)
    }) {
        let key = match b.context {
            Context::Leader => format!("{} {}", keymap::LEADER_NAME, keymap::describe(&b.key)),
            Context::Panel => format!("{} (result panel)", keymap::describe(&b.key)),
            _ => keymap::describe(&b.key),
        };
        match out.iter_mut().find(|e| e.action == b.action) {
            // The direct key first, the leader's way after it.
            Some(entry) if entry.keys.starts_with(keymap::LEADER_NAME) => {
                entry.keys = format!("{key} / {}", entry.keys);
            }
            Some(entry) => {
                entry.keys.push_str(" / ");
                entry.keys.push_str(&key);
            }
            None => out.push(Entry {
                label: b.description.to_string(),
                keys: key,
                action: b.action,
            }),
        }
    }
    for (i, target) in app.targets.iter().enumerate() {
        out.push(Entry {
            label: format!("environment: {}", target.target.name),
            keys: if i < 9 {
                format!("Alt-{}", i + 1)
            } else {
                String::new()
            },
            action: Action::Env(EnvAction::SwitchTo(i)),
        });
    }
    let suggestions = app
        .result
        .as_ref()
        .and_then(|r| r.summary.as_ref())
        .map(|s| s.to_allow.as_slice())
        .unwrap_or_default();
    for (i, s) in suggestions.iter().enumerate() {
        if !s.edits.is_empty() {
            out.push(Entry {
                label: format!("apply: {}", s.text),
                keys: if i < 9 {
                    format!("{} (result panel)", i + 1)
                } else {
                    String::new()
                },
                action: Action::Tool(ToolAction::ApplySuggestion(i)),
            });
        }
    }
    out
}

/// The entries matching the typed query, best first (keymap order when it is empty).
pub fn matches(app: &App) -> Vec<Entry> {
    let all = entries(app);
    let query = app.palette.input.lines().join(" ");
    filter::rank(&query, &all, |e| format!("{} {}", e.label, e.keys))
        .into_iter()
        .map(|i| all[i].clone())
        .collect()
}

pub fn open(app: &mut App) {
    app.palette = PaletteState::default();
    app.palette
        .input
        .set_placeholder_text("type a command: env, matrix, what-if, history…");
    app.modals
        .retain(|m| *m != Modal::Palette && *m != Modal::Leader);
    app.modals.push(Modal::Palette);
}

/// The palette's own keys. `Choose` closes it and hands back the command to run.
pub fn perform(app: &mut App, action: PaletteAction) -> Option<Action> {
    match action {
        PaletteAction::Open => open(app),
        PaletteAction::Leader => {
            app.modals
                .retain(|m| *m != Modal::Palette && *m != Modal::Leader);
            app.modals.push(Modal::Leader);
        }
        PaletteAction::Up => app.palette.selected = app.palette.selected.saturating_sub(1),
        PaletteAction::Down => {
            let last = matches(app).len().saturating_sub(1);
            app.palette.selected = (app.palette.selected + 1).min(last);
        }
        PaletteAction::Choose => {
            let chosen = matches(app).get(app.palette.selected).map(|e| e.action);
            app.modals.retain(|m| *m != Modal::Palette);
            return chosen;
        }
    }
    None
}

/// Typing filters; the selection goes back to the best match.
pub fn on_text_key(app: &mut App, key: KeyEvent) {
    if super::text_input::edit(&mut app.palette.input, key) {
        app.palette.selected = 0;
    }
}

pub fn on_paste(app: &mut App, text: &str) {
    let text: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    app.palette.input.insert_str(&text);
    app.palette.selected = 0;
}

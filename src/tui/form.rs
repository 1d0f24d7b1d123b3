//! The form's keys: typing and pasting into the focused field, undo, readline's Ctrl-U,
//! pretty-printing JSON, moving the focus between the fields and the decision panel. Every
//! edit goes through `on_edit`, so validation, live mode and completion follow.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui_textarea::Input;

use super::action::{Action, Focus};
use super::app::{App, NoticeLevel};
use super::msg::Effect;

/// A form field changed by a key: what any edit asks for, and the completion popup follows.
pub fn on_edit(app: &mut App) -> Vec<Effect> {
    let mut effects = app.edited();
    effects.extend(super::tools::complete::after_edit(app));
    effects
}

/// A key no binding took, typed into the focused field.
pub fn type_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    let Some(field) = app.focused_field() else {
        return Vec::new();
    };
    // Single-line fields never take a newline.
    if !field.is_json() && matches!(key.code, KeyCode::Enter)
        || (key.code == KeyCode::Char('m') && key.modifiers.contains(KeyModifiers::CONTROL))
    {
        return Vec::new();
    }
    if app.fields[field.index()].input(Input::from(key)) {
        on_edit(app)
    } else {
        Vec::new()
    }
}

/// A paste into the focused field: kept as it is in a JSON field, on one line in the others.
pub fn paste(app: &mut App, text: &str) -> Vec<Effect> {
    let Some(field) = app.focused_field() else {
        return Vec::new();
    };
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let text = if field.is_json() {
        text
    } else {
        super::picker::one_line(&text)
    };
    if app.fields[field.index()].insert_str(&text) {
        on_edit(app)
    } else {
        Vec::new()
    }
}

/// Undo the last edit of the focused field.
pub fn undo(app: &mut App) -> Vec<Effect> {
    let Some(field) = app.focused_field() else {
        return Vec::new();
    };
    let area = &mut app.fields[field.index()];
    let mut undone = area.undo();
    // A replaced text is a cut and an insert: the user sees one change.
    if app.replaced.contains(&field) {
        undone |= area.undo();
    }
    if undone {
        on_edit(app)
    } else {
        Vec::new()
    }
}

/// Readline's Ctrl-U: what is before the cursor on its line goes (to the yank buffer, Ctrl-Y
/// brings it back). In a single-line field with the cursor at the end, all of it.
pub fn clear_to_line_start(app: &mut App) -> Vec<Effect> {
    match app.focused_field() {
        Some(field) if app.fields[field.index()].delete_line_by_head() => on_edit(app),
        _ => Vec::new(),
    }
}

/// Esc in a field: to the decision panel, where letters are commands.
pub fn leave_field(app: &mut App) {
    if let Focus::Field(field) = app.focus {
        app.last_field = field;
        app.focus = Focus::Decision;
    }
}

/// Back from the decision panel to the field last edited.
pub fn back_to_field(app: &mut App) {
    app.focus = Focus::Field(app.last_field);
}

/// Tab and Shift-Tab around the focus ring; from the panel, back to the field last edited.
pub fn move_focus(app: &mut App, action: Action) {
    if app.focus == Focus::Decision {
        back_to_field(app);
        return;
    }
    let ring = Focus::RING;
    let i = ring.iter().position(|f| *f == app.focus).unwrap_or(0);
    let n = ring.len();
    let next = if action == Action::FocusNext {
        (i + 1) % n
    } else {
        (i + n - 1) % n
    };
    app.focus = ring[next];
}

/// Pretty-prints the focused JSON field, or says where its JSON breaks.
pub fn format_json(app: &mut App) -> Vec<Effect> {
    let Some(field) = app.focused_field().filter(|f| f.is_json()) else {
        return Vec::new();
    };
    let text = app.text(field);
    if text.trim().is_empty() {
        return Vec::new();
    }
    match serde_json::from_str::<serde_json::Value>(&text) {
        Ok(value) => {
            let pretty = serde_json::to_string_pretty(&value).unwrap_or(text);
            let area = &mut app.fields[field.index()];
            area.select_all();
            area.cut();
            area.insert_str(&pretty);
            on_edit(app)
        }
        Err(err) => {
            app.notice(
                format!(
                    "Cannot pretty-print: line {}, column {}: fix the JSON first",
                    err.line(),
                    err.column()
                ),
                NoticeLevel::Warning,
            );
            Vec::new()
        }
    }
}

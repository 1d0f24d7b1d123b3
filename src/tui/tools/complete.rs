//! Autocomplete under the focused field: users, actions of the typed resource type, resource
//! types, tenants, and attribute names (with their types) inside the JSON fields. Candidates
//! come from the environment's cached schema. Typing always goes into the field; only Tab,
//! ↓/↑, Enter and Esc act on the popup while it is open.

pub use super::model::{Completion, MAX_ITEMS};
use ratatui_textarea::DataCursor;

use crate::schema::Field as SchemaField;
use crate::tui::app::{App, Field};
use crate::tui::msg::Effect;

use super::{ensure_schema, ToolAction};

/// Whether the popup is showing (so Tab, ↓, ↑, Enter and Esc belong to it).
pub fn is_open(app: &App) -> bool {
    let c = &app.tools.completion;
    app.modals.is_empty()
        && c.field.is_some()
        && c.field == app.focused_field()
        && !c.items.is_empty()
}

/// After an edit: recompute the candidates, and fetch the schema the first time it is needed.
pub fn after_edit(app: &mut App) -> Vec<Effect> {
    let effects = match app.focused_field().and_then(|f| what_to_complete(app, f)) {
        Some(_) => ensure_schema(app, false),
        None => Vec::new(),
    };
    refresh(app);
    effects
}

/// Which schema list completes `field`, and the text typed so far, given the cursor.
fn what_to_complete(app: &App, field: Field) -> Option<(SchemaField, String)> {
    // Only single-line fields are read whole; a JSON field may hold megabytes.
    let text = || {
        if field.is_json() {
            String::new()
        } else {
            app.text(field)
        }
    };
    let text = text();
    match field {
        Field::User if !text.trim_start().starts_with('{') => {
            Some((SchemaField::User, text.trim().to_string()))
        }
        Field::Action => Some((SchemaField::Action, text.trim().to_string())),
        Field::Resource if !text.contains(':') => {
            Some((SchemaField::ResourceType, text.trim().to_string()))
        }
        Field::Tenant => Some((SchemaField::Tenant, text.trim().to_string())),
        Field::UserAttributes | Field::ResourceAttributes => {
            let area = &app.fields[field.index()];
            let DataCursor(row, col) = area.cursor();
            let line = area.lines().get(row)?;
            let before: String = line.chars().take(col).collect();
            // Inside an opened string: an odd number of quotes before the cursor.
            if before.matches('"').count().is_multiple_of(2) {
                return None;
            }
            let typed = before.rsplit('"').next().unwrap_or("").to_string();
            let kind = if field == Field::UserAttributes {
                SchemaField::UserAttribute
            } else {
                SchemaField::ResourceAttribute
            };
            Some((kind, typed))
        }
        _ => None,
    }
}

/// The name part of a candidate (`clearance: number` → `clearance`).
fn name_of(item: &str) -> &str {
    item.split(": ").next().unwrap_or(item)
}

/// Recomputes the candidates for the focused field from the cached schema.
pub fn refresh(app: &mut App) {
    let mut next = Completion::default();
    if let Some(field) = app.focused_field() {
        if let Some((kind, typed)) = what_to_complete(app, field) {
            let target = app
                .target()
                .map(|t| t.target.name.clone())
                .unwrap_or_default();
            if let Some(schema) = app.tools.schema_for(&target) {
                let resource = app.text(Field::Resource);
                let resource_type = resource.split(':').next().unwrap_or("").trim();
                let typed_lower = typed.to_lowercase();
                let items: Vec<String> = schema
                    .complete(kind, &typed, resource_type)
                    .into_iter()
                    .filter(|c| name_of(c) != typed)
                    .take(MAX_ITEMS)
                    .collect();
                // Nothing typed in a single-line field: no popup until the user types.
                let show = !typed_lower.is_empty() || field.is_json();
                if show && !items.is_empty() {
                    let selected = if app.tools.completion.field == Some(field) {
                        app.tools.completion.selected.min(items.len() - 1)
                    } else {
                        0
                    };
                    next = Completion {
                        field: Some(field),
                        items,
                        selected,
                        typed,
                    };
                }
            }
        }
    }
    app.tools.completion = next;
}

pub fn perform(app: &mut App, action: ToolAction) -> Vec<Effect> {
    let n = app.tools.completion.items.len();
    if n == 0 {
        return Vec::new();
    }
    let c = &mut app.tools.completion;
    match action {
        ToolAction::CompleteNext => c.selected = (c.selected + 1) % n,
        ToolAction::CompletePrev => c.selected = (c.selected + n - 1) % n,
        ToolAction::CompleteDismiss => app.tools.completion = Completion::default(),
        ToolAction::CompleteAccept => return accept(app),
        _ => {}
    }
    Vec::new()
}

fn accept(app: &mut App) -> Vec<Effect> {
    let c = std::mem::take(&mut app.tools.completion);
    let (Some(field), Some(item)) = (c.field, c.items.get(c.selected)) else {
        return Vec::new();
    };
    let name = name_of(item).to_string();
    let area = &mut app.fields[field.index()];
    if field.is_json() {
        // Finish the key being typed: `"cle` → `"clearance": `.
        for _ in 0..c.typed.chars().count() {
            area.delete_char();
        }
        area.insert_str(format!("{name}\": "));
    } else {
        area.select_all();
        area.cut();
        area.insert_str(&name);
    }
    let effects = app.edited();
    // The accepted text is complete: keep the popup closed until the next keystroke.
    app.tools.completion = Completion::default();
    effects
}

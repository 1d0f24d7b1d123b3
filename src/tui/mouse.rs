//! The mouse on the main screen: a click focuses a field (the cursor where it landed) or the
//! decision panel; the wheel scrolls the panel.

use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::{Position, Rect};
use ratatui_textarea::CursorMove;

use super::action::{Field, Focus};
use super::app::App;
use super::msg::Effect;
use super::view::layout;

pub fn on_mouse(app: &mut App, mouse: MouseEvent) -> Vec<Effect> {
    if !app.modals.is_empty() {
        return Vec::new();
    }
    let regions = layout::regions(Rect::new(0, 0, app.size.0, app.size.1));
    let pos = Position::new(mouse.column, mouse.row);
    match mouse.kind {
        MouseEventKind::Down(MouseButton::Left) => {
            if let Some(field) = Field::ALL
                .into_iter()
                .find(|f| regions.fields[f.index()].contains(pos))
            {
                app.focus = Focus::Field(field);
                let rect = regions.fields[field.index()];
                // Place the cursor where the click landed (inside the border of JSON fields).
                let (row, col) = if field.is_json() {
                    (
                        mouse.row.saturating_sub(rect.y + 1),
                        mouse.column.saturating_sub(rect.x + 1),
                    )
                } else {
                    (0, mouse.column.saturating_sub(rect.x + layout::LABEL_WIDTH))
                };
                let area = &mut app.fields[field.index()];
                let target = area.screen_to_data(row as usize, col as usize);
                area.move_cursor(CursorMove::Jump(target.0 as u16, target.1 as u16));
            } else if regions.decision.contains(pos) {
                app.focus = Focus::Decision;
            }
        }
        MouseEventKind::ScrollDown if regions.decision.contains(pos) => {
            app.scroll = app.scroll.saturating_add(2).min(app.scroll_max);
        }
        MouseEventKind::ScrollUp if regions.decision.contains(pos) => {
            app.scroll = app.scroll.min(app.scroll_max).saturating_sub(2);
        }
        _ => {}
    }
    Vec::new()
}

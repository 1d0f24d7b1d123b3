//! Where everything goes. Pure in the terminal size, so `update` can hit-test mouse clicks
//! against the same rectangles the views draw in.

use ratatui::layout::{Constraint, Layout, Rect};

use crate::tui::app::Field;

/// The smallest terminal the explorer draws in.
pub const MIN_SIZE: (u16, u16) = (80, 24);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Regions {
    pub header: Rect,
    pub form: Rect,
    /// Each field's rectangle (including a JSON field's border), indexed like `Field::ALL`.
    pub fields: [Rect; 8],
    pub decision: Rect,
    pub latency: Rect,
    pub footer: Rect,
}

pub fn too_small(area: Rect) -> bool {
    area.width < MIN_SIZE.0 || area.height < MIN_SIZE.1
}

pub fn regions(area: Rect) -> Regions {
    let [header, body, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let form_width = (body.width * 2 / 5).clamp(36, 60);
    let [form, right] =
        Layout::horizontal([Constraint::Length(form_width), Constraint::Fill(1)]).areas(body);
    let latency_height = if body.height >= 30 { 9 } else { 7 };
    let [decision, latency] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(latency_height)]).areas(right);
    let inner = Rect {
        x: form.x + 1,
        y: form.y + 1,
        width: form.width.saturating_sub(2),
        height: form.height.saturating_sub(2),
    };
    let constraints = Field::ALL.map(|f| {
        if f.is_json() {
            Constraint::Fill(1)
        } else {
            Constraint::Length(1)
        }
    });
    let rows = Layout::vertical(constraints).split(inner);
    let mut fields = [Rect::default(); 8];
    for (slot, rect) in fields.iter_mut().zip(rows.iter()) {
        *slot = *rect;
    }
    Regions {
        header,
        form,
        fields,
        decision,
        latency,
        footer,
    }
}

/// Width of the label column of single-line fields.
pub const LABEL_WIDTH: u16 = 14;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_fields_get_room_for_three_lines_at_80x24() {
        let r = regions(Rect::new(0, 0, 80, 24));
        for f in Field::ALL {
            let rect = r.fields[f.index()];
            if f.is_json() {
                assert!(rect.height >= 5, "{f:?} {rect:?}");
            } else {
                assert_eq!(rect.height, 1, "{f:?}");
            }
        }
        assert!(r.decision.height >= 12, "{:?}", r.decision);
    }
}

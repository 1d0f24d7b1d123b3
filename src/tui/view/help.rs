//! The `?` overlay: every binding of the keymap table, grouped by where it applies, in two
//! columns so it fits an 80×24 terminal.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::tui::keymap::{self, Context};
use crate::tui::theme::Theme;

type Section = (Context, Vec<(String, &'static str)>);

fn column(sections: &[Section], theme: Theme) -> (Vec<Line<'static>>, u16) {
    let key_width = sections
        .iter()
        .flat_map(|(_, rows)| rows.iter().map(|(k, _)| k.chars().count()))
        .max()
        .unwrap_or(0);
    let mut lines = Vec::new();
    let mut width = 0;
    for (ctx, rows) in sections {
        if rows.is_empty() {
            continue;
        }
        if !lines.is_empty() {
            lines.push(Line::raw(""));
        }
        lines.push(Line::styled(ctx.title(), theme.heading()));
        for (keys, description) in rows {
            let pad = key_width - keys.chars().count();
            width = width.max(key_width + description.chars().count() + 4);
            lines.push(Line::from(vec![
                Span::styled(format!(" {keys}{} ", " ".repeat(pad)), theme.key()),
                Span::raw(*description),
            ]));
        }
    }
    (lines, width as u16)
}

/// The sections, and in each the rows matching `query` (every word, in the keys, the
/// description or the section's title); all of them for an empty query.
fn searched(query: &str) -> Vec<Section> {
    keymap::help_sections()
        .into_iter()
        .map(|(ctx, rows)| {
            let rows = rows
                .into_iter()
                .filter(|(keys, description)| {
                    crate::store::filter::score(
                        query,
                        &format!("{keys} {description} {}", ctx.title()),
                    )
                    .is_some()
                })
                .collect();
            (ctx, rows)
        })
        .collect()
}

pub fn render(theme: Theme, frame: &mut Frame, area: Rect, scroll: u16, query: &str) {
    let sections = searched(query);
    let nothing_found = sections.iter().all(|(_, rows)| rows.is_empty());
    let (left, right): (Vec<Section>, Vec<Section>) = sections
        .into_iter()
        .partition(|(ctx, _)| matches!(ctx, Context::Global | Context::Help | Context::Completion));
    let (mut left, left_width) = column(&left, theme);
    let (right, right_width) = column(&right, theme);
    left.push(Line::raw(""));
    left.push(Line::styled(
        "Text fields take every printable key.",
        theme.dim(),
    ));
    left.push(Line::styled("A mouse click focuses a field.", theme.dim()));
    if nothing_found {
        left.insert(
            0,
            Line::styled(format!("No key matches “{query}”."), theme.warn()),
        );
    }
    let content_height = left.len().max(right.len()) as u16;
    let width = (left_width + right_width + 5).min(area.width.saturating_sub(2));
    let height = (content_height + 2).min(area.height.saturating_sub(2));
    // Taller than the screen: ↓/↑ scroll, and the title says so.
    let scroll = scroll.min(content_height.saturating_sub(height.saturating_sub(2)));
    let more = content_height > height.saturating_sub(2);
    let popup = Rect {
        x: area.x + (area.width.saturating_sub(width)) / 2,
        y: area.y + (area.height.saturating_sub(height)) / 2,
        width,
        height,
    };
    let title = match (query.is_empty(), more) {
        (true, true) => " Keys · type to search · Esc closes · ↓/↑ scroll ".to_string(),
        (true, false) => " Keys · type to search · Esc closes ".to_string(),
        (false, _) => format!(" Keys matching “{query}” · Esc clears "),
    };
    let inner = super::overlay::framed(frame, popup, &title, theme);
    let [l, _gap, r] = Layout::horizontal([
        Constraint::Length(left_width),
        Constraint::Length(2),
        Constraint::Fill(1),
    ])
    .areas(inner);
    // The notes under the keys wrap in the column rather than widen it.
    frame.render_widget(
        Paragraph::new(left)
            .wrap(ratatui::widgets::Wrap { trim: false })
            .scroll((scroll, 0)),
        l,
    );
    frame.render_widget(Paragraph::new(right).scroll((scroll, 0)), r);
}

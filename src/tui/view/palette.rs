//! The command palette (a filter line over the ranked commands, each with its keys) and the
//! leader's which-key popup (the one-letter commands, at the bottom of the screen).

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::tui::app::App;
use crate::tui::keymap::{self, Context};
use crate::tui::palette;
use crate::tui::theme::Theme;

use super::overlay::popup;

pub fn render(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let height = area.height.saturating_sub(4).min(22);
    let inner = popup(frame, area, 90, height, "Commands · Enter runs", theme);
    let [input_row, _rule, list] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Fill(1),
    ])
    .areas(inner);
    let [prompt, input] =
        Layout::horizontal([Constraint::Length(2), Constraint::Fill(1)]).areas(input_row);
    frame.render_widget(Paragraph::new(Span::styled(": ", theme.key())), prompt);
    frame.render_widget(&app.palette.input, input);

    let matches = palette::matches(app);
    if matches.is_empty() {
        frame.render_widget(
            Paragraph::new(Line::styled(
                "No command matches. Backspace widens the search.",
                theme.dim(),
            )),
            list,
        );
        return;
    }
    let rows = usize::from(list.height.max(1));
    // Keep the selection in view.
    let first = app.palette.selected.saturating_sub(rows - 1);
    let width = usize::from(list.width);
    let lines: Vec<Line<'static>> = matches
        .iter()
        .enumerate()
        .skip(first)
        .take(rows)
        .map(|(i, entry)| {
            let selected = i == app.palette.selected;
            let keys_width = entry.keys.chars().count();
            let label: String = entry
                .label
                .chars()
                .take(width.saturating_sub(keys_width + 4))
                .collect();
            let pad = width.saturating_sub(label.chars().count() + keys_width + 3);
            let marker = if selected { "▸ " } else { "  " };
            let style = if selected {
                theme.selected()
            } else {
                ratatui::style::Style::default()
            };
            Line::from(vec![
                Span::styled(format!("{marker}{label}"), style),
                Span::raw(" ".repeat(pad)),
                Span::styled(entry.keys.clone(), theme.key()),
            ])
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), list);
}

/// Above the footer: what each letter after the leader does.
pub fn render_leader(theme: Theme, frame: &mut Frame, area: Rect) {
    let hints = keymap::hints(Context::Leader);
    let cell = hints
        .iter()
        .map(|(k, d)| k.chars().count() + d.chars().count() + 3)
        .max()
        .unwrap_or(10);
    let inner_width = usize::from(area.width.saturating_sub(2)).max(cell);
    let per_row = (inner_width / cell).max(1);
    let rows = hints.len().div_ceil(per_row);
    let height = (rows as u16 + 2).min(area.height);
    let rect = Rect {
        x: area.x,
        y: area.bottom().saturating_sub(height + 1),
        width: area.width,
        height,
    };
    let title = format!(" {} … · a letter runs, Esc cancels ", keymap::LEADER_NAME);
    let inner = super::overlay::framed(frame, rect, &title, theme);
    let lines: Vec<Line<'static>> = hints
        .chunks(per_row)
        .map(|row| {
            let mut spans = Vec::new();
            for (k, d) in row {
                spans.push(Span::styled(k.clone(), theme.key()));
                let pad = cell.saturating_sub(k.chars().count() + d.chars().count() + 1);
                spans.push(Span::raw(format!(" {d}{}", " ".repeat(pad))));
            }
            Line::from(spans)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

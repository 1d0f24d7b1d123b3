//! The bottom line: the newest notice if any, else the key hints of the focused part, both
//! from the keymap table.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::tui::app::{App, NoticeLevel};
use crate::tui::keymap::{self, Action};
use crate::tui::theme::Theme;
use crate::tui::tools::ToolAction;

pub fn render(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    if let Some(notice) = app.notices.back() {
        let style = match notice.level {
            NoticeLevel::Info => theme.accent(),
            NoticeLevel::Warning => theme.warn(),
        };
        // The newest is shown; the rest and how to read them are counted at the end.
        let others = app.notices.len() - 1;
        let tail = match (others, notice.level) {
            (0, NoticeLevel::Info) => String::new(),
            (0, NoticeLevel::Warning) => "  · Alt-N dismisses".to_string(),
            (n, _) => format!("  · +{n} more: Alt-N"),
        };
        frame.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled(format!(" {}", notice.text), style),
                Span::styled(tail, theme.dim()),
            ])),
            area,
        );
        return;
    }
    let hints = keymap::hints_where(app.key_context(), |action| acts_now(app, action));
    let mut spans = vec![Span::raw(" ")];
    for (key, description) in fitting(&hints, usize::from(area.width).saturating_sub(1)) {
        spans.push(Span::styled(key.clone(), theme.key()));
        spans.push(Span::styled(format!(" {description}  "), theme.dim()));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// Notices on screen at once beyond the newest (which the footer shows), at most this many.
const STACKED: usize = 3;

/// When several notices are up, the ones before the newest stand above the footer, newest
/// lowest, so a warning is not hidden by the information that followed it.
pub fn render_stack(app: &App, theme: Theme, frame: &mut Frame, footer: Rect) {
    let earlier: Vec<_> = app.notices.iter().rev().skip(1).take(STACKED).collect();
    if earlier.is_empty() {
        return;
    }
    let height = earlier.len() as u16;
    let area = Rect {
        y: footer.y.saturating_sub(height),
        height,
        ..footer
    };
    let lines: Vec<Line<'static>> = earlier
        .into_iter()
        .rev()
        .map(|n| {
            let (mark, style) = match n.level {
                NoticeLevel::Info => ("·", theme.accent()),
                NoticeLevel::Warning => ("!", theme.warn()),
            };
            Line::styled(
                format!(" {mark} {}", crate::printable::escape_line(&n.text)),
                style,
            )
        })
        .collect();
    frame.render_widget(ratatui::widgets::Clear, area);
    frame.render_widget(Paragraph::new(lines), area);
}

/// Whether a hinted key would do something on this screen.
fn acts_now(app: &App, action: Action) -> bool {
    let has_result = app.result.is_some();
    match action {
        Action::NextTab | Action::PrevTab | Action::ScrollDown | Action::ScrollUp => has_result,
        Action::ToggleFold => has_result || app.tools.whatif.is_some(),
        // One hint stands for the digits: shown when any suggestion is a form edit.
        Action::Tool(ToolAction::ApplySuggestion(_)) => app
            .result
            .as_ref()
            .and_then(|r| r.summary.as_ref())
            .is_some_and(|s| s.to_allow.iter().any(|x| !x.edits.is_empty())),
        Action::Tool(ToolAction::Unpin) => app.tools.pinned.is_some(),
        Action::Escape => app.in_flight.is_some() || app.focused_field().is_some(),
        _ => true,
    }
}

/// The hints that fit in `width`, whole, in keymap order; the way to the help overlay is
/// always among them (last), as it lists everything left out.
type Hint = (String, &'static str);

fn fitting(hints: &[Hint], width: usize) -> Vec<&Hint> {
    let cost = |(key, description): &Hint| key.chars().count() + description.chars().count() + 3;
    let help = hints.iter().find(|(_, d)| *d == "help");
    let mut room = width.saturating_sub(help.map_or(0, cost));
    let mut shown = Vec::new();
    for hint in hints.iter().filter(|h| Some(*h) != help) {
        if cost(hint) > room {
            break;
        }
        room -= cost(hint);
        shown.push(hint);
    }
    shown.extend(help);
    shown
}

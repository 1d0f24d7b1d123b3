//! The environment picker (masked keys, the current one marked) and the add-environment
//! flow, drawn over the explorer.

use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

use crate::tui::app::{App, Health};
use crate::tui::environments::model::Step;
use crate::tui::theme::Theme;

use super::overlay::{input_line, popup, scrolled};

pub fn render_picker(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let height = app.targets.len() as u16 + 8;
    let inner = popup(frame, area, 120, height, "Environments", theme);
    let mut rows = Vec::new();
    for (i, t) in app.targets.iter().enumerate() {
        let current = i == app.current;
        let mark = if current { "●" } else { " " };
        let number = if i < 9 {
            format!("{}", i + 1)
        } else {
            " ".into()
        };
        let kind = if t.target.is_sandbox {
            "sandbox"
        } else if t.target.is_cloud_pdp() {
            "cloud"
        } else {
            ""
        };
        let health = match t.health {
            Health::Up => "up",
            Health::Degraded(_) => "degraded",
            Health::Down(_) => "down",
            Health::Unknown => "",
        };
        let text = format!(
            " {number} {mark} {:<20} {:<7} {:<30} {:<17} {health:<7} {}",
            t.target.name,
            kind,
            crate::pdp::mask_url_credentials(&t.target.pdp_url),
            t.target.masked_key().unwrap_or_else(|| "no key".into()),
            super::mirror::picker_cell(app, i),
        );
        let style = if i == app.environments.selected {
            theme.cursor()
        } else if current {
            theme.heading()
        } else {
            ratatui::style::Style::default()
        };
        rows.push(Line::styled(text, style));
    }
    let add_style = if app.environments.selected >= app.targets.len() {
        theme.cursor()
    } else {
        theme.accent()
    };
    rows.push(Line::styled("   + Add environment (a)", add_style));
    let mut lines = vec![Line::styled(
        "  #   name                 kind    PDP                            key               health  mirror",
        theme.dim(),
    )];
    // Every key of the picker, here where the footer has no room for them all.
    let keys = crate::tui::keymap::hints(crate::tui::keymap::Context::EnvPicker)
        .into_iter()
        .map(|(k, d)| format!("{k} {d}"))
        .collect::<Vec<_>>()
        .join(" · ");
    let list_height = inner.height.saturating_sub(3) as usize;
    lines.extend(scrolled(rows, app.environments.selected, list_height));
    let [list, help] = ratatui::layout::Layout::vertical([
        ratatui::layout::Constraint::Fill(1),
        ratatui::layout::Constraint::Length(2),
    ])
    .areas(inner);
    frame.render_widget(Paragraph::new(lines), list);
    frame.render_widget(
        Paragraph::new(Line::styled(keys, theme.dim())).wrap(Wrap { trim: true }),
        help,
    );
}

pub fn render_add(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let flow = &app.environments.add;
    let inner = popup(frame, area, 90, 16, "Add environment", theme);
    let mut lines = Vec::new();
    let masked: String = "•".repeat(flow.key_text().chars().count());
    let step_no = match flow.step {
        Step::Key => 1,
        Step::ApiUrl => 2,
        Step::PdpUrl => 3,
        Step::Name(_) => 5,
        _ => 4,
    };
    lines.push(Line::styled(
        format!("Step {step_no} of 5 · key → API URL → PDP → project / environment → name"),
        theme.dim(),
    ));
    lines.push(Line::raw(""));
    match &flow.step {
        Step::Key => {
            lines.push(Line::raw(
                "Paste an API key (organization, project or environment level):",
            ));
            lines.push(input_line("Key", &masked, theme));
            lines.push(Line::raw(""));
            lines.push(Line::styled(
                "The key is shown masked, stored only in config.toml (mode 0600).",
                theme.dim(),
            ));
        }
        Step::ApiUrl | Step::PdpUrl => {
            let what = if flow.step == Step::ApiUrl {
                "Permit API the key belongs to:"
            } else {
                "PDP to send checks to:"
            };
            lines.push(Line::raw(what));
            let choices = flow.choices();
            for (i, (label, url)) in choices.iter().enumerate() {
                let custom = i + 1 == choices.len();
                let detail = if custom {
                    let typed = flow.custom_text();
                    if typed.is_empty() {
                        "type a URL".to_string()
                    } else {
                        typed
                    }
                } else {
                    url.clone()
                };
                let style = if i == flow.selected {
                    theme.cursor()
                } else {
                    ratatui::style::Style::default()
                };
                lines.push(Line::styled(format!("  {label:<22} {detail}"), style));
            }
            lines.push(Line::raw(""));
            lines.push(Line::styled(
                format!("Key {}", crate::pdp::mask_key(&flow.key_text())),
                theme.dim(),
            ));
        }
        Step::Working(what) => lines.push(Line::styled(what.clone(), theme.dim())),
        Step::Name(found) => {
            lines.push(Line::raw(format!(
                "Found project {} · environment {}. Name it here:",
                found.project.name, found.environment.name
            )));
            lines.push(input_line("Name", &flow.custom_text(), theme));
            lines.push(Line::raw(""));
            lines.push(Line::styled(
                "Enter saves it to config.toml and switches to it; the name is how `--env` and the picker call it.",
                theme.dim(),
            ));
        }
        Step::Project(_) | Step::Environment(..) => {
            let what = match &flow.step {
                Step::Project(_) => "Choose a project:".to_string(),
                Step::Environment(p, _) => format!("Choose an environment of {}:", p.name),
                _ => String::new(),
            };
            lines.push(Line::raw(what));
            let rows: Vec<Line<'static>> = flow
                .choices()
                .into_iter()
                .enumerate()
                .map(|(i, (name, key))| {
                    let style = if i == flow.selected {
                        theme.cursor()
                    } else {
                        ratatui::style::Style::default()
                    };
                    Line::styled(format!("  {name:<30} {key}"), style)
                })
                .collect();
            let room = inner.height.saturating_sub(4) as usize;
            lines.extend(scrolled(rows, flow.selected, room));
        }
        Step::Failed(err) => {
            lines.push(Line::styled("That did not work:", theme.warn()));
            lines.push(Line::raw(err.clone()));
            lines.push(Line::raw(""));
            lines.push(Line::styled("Enter starts over, Esc cancels.", theme.dim()));
        }
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

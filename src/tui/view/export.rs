//! The export menu: formats with their keys, the key and destination switches, and a preview
//! of the snippet (always with the key redacted: the secret is never drawn).

use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

use crate::export::{render as render_snippet, Format, KeyExposure};
use crate::tui::app::App;
use crate::tui::theme::Theme;
use crate::tui::tools::export::FILE_STEM;

use super::overlay::popup;

const HOTKEYS: [char; 3] = ['c', 'p', 'n'];

pub fn render(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let inner = popup(frame, area, 90, 26, "Export the check", theme);
    let menu = &app.tools.export;
    let mut lines = Vec::new();
    for (i, format) in Format::ALL.iter().enumerate() {
        let selected = i == menu.selected;
        let style = if selected {
            theme.key().add_modifier(Modifier::REVERSED)
        } else {
            theme.key()
        };
        lines.push(Line::from(vec![
            Span::styled(format!(" {} ", HOTKEYS[i]), style),
            Span::raw(format!(
                " {}{}",
                format.label(),
                if selected { "  ◀" } else { "" }
            )),
        ]));
    }
    lines.push(Line::raw(""));
    let (check, key_text, key_style) = if menu.with_secret {
        (
            "[x]",
            "the API key itself goes into the snippet (this export only)",
            theme.warn(),
        )
    } else {
        (
            "[ ]",
            "key redacted: the snippet reads $PERMIT_API_KEY",
            theme.dim(),
        )
    };
    lines.push(Line::from(vec![
        Span::styled(" k ", theme.key()),
        Span::raw(format!(" {check} include the API key — ")),
        Span::styled(key_text, key_style),
    ]));
    let dir = app
        .tools
        .export_dir
        .as_ref()
        .map(|d| d.display().to_string())
        .unwrap_or_else(|| "the current directory".into());
    let ext = Format::ALL
        .get(menu.selected)
        .map(|f| f.file_extension())
        .unwrap_or("sh");
    let destination = if menu.to_file {
        format!("[x] save to {FILE_STEM}.{ext} in {dir} (else the data directory)")
    } else {
        "[ ] save to a file instead of copying (OSC 52 clipboard)".to_string()
    };
    lines.push(Line::from(vec![
        Span::styled(" f ", theme.key()),
        Span::raw(format!(" {destination}")),
    ]));
    lines.push(Line::raw(""));
    if let (Ok(query), Some(target), Some(format)) = (
        &app.validation,
        app.target(),
        Format::ALL.get(menu.selected),
    ) {
        if menu.with_secret {
            // Said before the preview, in words: the preview itself never draws the secret.
            lines.push(Line::styled(
                "! The exported snippet will contain your API key in clear text. Anyone who \
                 reads it can act as this environment: do not commit or share it.",
                theme.warn().add_modifier(ratatui::style::Modifier::BOLD),
            ));
            lines.push(Line::styled(
                "Preview (the key is hidden here; the export has it where $PERMIT_API_KEY stands)",
                theme.heading(),
            ));
        } else {
            lines.push(Line::styled(
                "Preview (key redacted: the snippet reads $PERMIT_API_KEY)",
                theme.heading(),
            ));
        }
        if target.target.is_sandbox {
            lines.push(Line::styled(
                "This embedded sandbox's port lasts as long as this explorer; for a PDP that \
                 stays, run `permit-tui sandbox` (127.0.0.1:7766).",
                theme.warn(),
            ));
        }
        let text = render_snippet(
            *format,
            &target.target.pdp_url,
            query,
            KeyExposure::FromEnvironment,
        );
        lines.extend(
            text.lines()
                .map(|l| Line::styled(l.to_string(), theme.dim())),
        );
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

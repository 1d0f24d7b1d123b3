//! Styles, with every colour dropped when `NO_COLOR` is set (bold and reverse stay, so the
//! badge and focus remain visible).

use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub color: bool,
}

/// `NO_COLOR` set to anything non-empty turns colour off (no-color.org).
pub fn color_from_env() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

impl Theme {
    fn paint(self, fg: Color, bg: Option<Color>, mods: Modifier) -> Style {
        let style = Style::default().add_modifier(mods);
        if !self.color {
            return style;
        }
        let style = style.fg(fg);
        match bg {
            Some(bg) => style.bg(bg),
            None => style,
        }
    }

    pub fn allow_badge(self) -> Style {
        self.paint(
            Color::Black,
            Some(Color::Green),
            Modifier::BOLD | self.badge_mod(),
        )
    }
    pub fn deny_badge(self) -> Style {
        self.paint(
            Color::White,
            Some(Color::Red),
            Modifier::BOLD | self.badge_mod(),
        )
    }
    pub fn error_badge(self) -> Style {
        self.paint(
            Color::Black,
            Some(Color::Yellow),
            Modifier::BOLD | self.badge_mod(),
        )
    }
    /// Without colour the badge is shown reversed so it still stands out.
    fn badge_mod(self) -> Modifier {
        if self.color {
            Modifier::empty()
        } else {
            Modifier::REVERSED
        }
    }
    pub fn allow(self) -> Style {
        self.paint(Color::Green, None, Modifier::BOLD)
    }
    pub fn deny(self) -> Style {
        self.paint(Color::Red, None, Modifier::BOLD)
    }
    pub fn warn(self) -> Style {
        self.paint(Color::Yellow, None, Modifier::empty())
    }
    pub fn accent(self) -> Style {
        self.paint(Color::Cyan, None, Modifier::empty())
    }
    pub fn dim(self) -> Style {
        self.paint(Color::DarkGray, None, Modifier::empty())
    }
    pub fn label(self) -> Style {
        self.paint(Color::Gray, None, Modifier::empty())
    }
    /// Bold in the terminal's own foreground: white would vanish on a light theme.
    pub fn heading(self) -> Style {
        Style::default().add_modifier(Modifier::BOLD)
    }
    pub fn focused_border(self) -> Style {
        self.paint(Color::Cyan, None, Modifier::BOLD)
    }
    pub fn border(self) -> Style {
        self.paint(Color::DarkGray, None, Modifier::empty())
    }
    pub fn key(self) -> Style {
        self.paint(Color::Cyan, None, Modifier::BOLD)
    }
    pub fn cursor(self) -> Style {
        Style::default().add_modifier(Modifier::REVERSED)
    }
    /// The selected row of a list: reversed, so it shows on any theme and without colour.
    pub fn selected(self) -> Style {
        Style::default().add_modifier(Modifier::REVERSED | Modifier::BOLD)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// On a light terminal theme a white or bright foreground on the default background is
    /// unreadable: only the badges (which set their background) may use one.
    #[test]
    fn no_text_style_is_white_or_bright_on_the_default_background() {
        let theme = Theme { color: true };
        let text_styles = [
            ("allow", theme.allow()),
            ("deny", theme.deny()),
            ("warn", theme.warn()),
            ("accent", theme.accent()),
            ("dim", theme.dim()),
            ("label", theme.label()),
            ("heading", theme.heading()),
            ("focused_border", theme.focused_border()),
            ("border", theme.border()),
            ("key", theme.key()),
            ("cursor", theme.cursor()),
            ("selected", theme.selected()),
        ];
        let bright = [
            Color::White,
            Color::LightYellow,
            Color::LightCyan,
            Color::LightGreen,
            Color::LightRed,
            Color::LightMagenta,
            Color::LightBlue,
        ];
        for (name, style) in text_styles {
            assert!(style.bg.is_none(), "{name} sets a background");
            assert!(
                !style.fg.is_some_and(|fg| bright.contains(&fg)),
                "{name} uses {:?} on the default background",
                style.fg
            );
        }
        for badge in [theme.allow_badge(), theme.deny_badge(), theme.error_badge()] {
            assert!(badge.bg.is_some(), "a badge's colour pair is its own");
        }
    }
}

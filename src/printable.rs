//! Text from a PDP or a file, made safe to print on a terminal: a debug reason or an error body
//! can carry escape sequences that retitle or clear the terminal, or a carriage return that
//! overprints a line with a forged "ALLOW". Every human output goes through here (`--json`
//! output is JSON-escaped already).

use std::borrow::Cow;

/// `text` with every control character a terminal would act on written out visibly:
/// C0 controls and DEL as `\x1b`, `\r` as `\r`, C1 controls and bidirectional overrides as
/// `\u{9b}`. Newlines and tabs are kept: they are layout, not commands.
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '\r' => out.push_str("\\r"),
            c if needs_escape(c) && (c as u32) < 0x80 => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if needs_escape(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Like [`escape_controls`], and every line after the first starts with `indent`, so a
/// multi-line detail (an HTML error page) cannot begin a line of its own, as a forged
/// decision would.
pub fn escape_indented(text: &str, indent: &str) -> String {
    escape_controls(text)
        .split('\n')
        .collect::<Vec<_>>()
        .join(&format!("\n{indent}"))
}

/// For a field shown on one line (a user key, a debug reason): newlines and tabs written out
/// too, so the field stays on its line.
pub fn escape_line(text: &str) -> Cow<'_, str> {
    if !text.contains(['\n', '\t']) {
        return escape_controls(text);
    }
    let spelled = text.replace('\n', "\\n").replace('\t', "\\t");
    Cow::Owned(escape_controls(&spelled).into_owned())
}

fn needs_escape(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || is_bidi_control(c)
}

/// Bidirectional embeddings, overrides and isolates reorder what follows them on screen.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_borrowed_untouched() {
        let text = "user 'alice' — élève\tok\nnext";
        assert!(matches!(escape_controls(text), Cow::Borrowed(t) if t == text));
    }

    #[test]
    fn escapes_bell_carriage_return_csi_and_bidi_overrides_are_spelled_out() {
        let text = "a\u{1b}[2J\u{7}\rb\u{9b}c\u{7f}\u{202e}d";
        assert_eq!(
            escape_controls(text),
            r"a\x1b[2J\x07\rb\u{9b}c\x7f\u{202e}d"
        );
    }

    #[test]
    fn a_one_line_field_keeps_to_its_line() {
        assert_eq!(escape_line("a\nALLOW\tb\r"), r"a\nALLOW\tb\r");
    }

    #[test]
    fn later_lines_are_indented_so_none_can_pass_for_a_line_of_ours() {
        assert_eq!(escape_indented("x\nALLOW\n", "  "), "x\n  ALLOW\n  ");
    }
}

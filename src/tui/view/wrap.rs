//! Word wrap with a hanging indent. ratatui's `Wrap` starts every wrapped row at the left
//! edge, which flattens an indented tree (the explanation, what-if, compare): here a wrapped
//! row goes on two columns right of where its line's text starts.

use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// `lines` wrapped to `width` columns; lines that fit are returned as they are.
pub fn hanging(lines: Vec<Line<'static>>, width: u16) -> Vec<Line<'static>> {
    let width = usize::from(width);
    if width == 0 {
        return lines;
    }
    let mut out = Vec::with_capacity(lines.len());
    for line in lines {
        if line.width() <= width {
            out.push(line);
        } else {
            out.extend(wrap_line(line, width));
        }
    }
    out
}

fn wrap_line(line: Line<'static>, width: usize) -> Vec<Line<'static>> {
    let leading = line
        .spans
        .iter()
        .flat_map(|s| s.content.chars())
        .take_while(|c| *c == ' ')
        .count();
    // Never so deep that a row has no room for text.
    let indent = (leading + 2).min(width / 2);
    let mut rows = Rows {
        done: Vec::new(),
        row: Vec::new(),
        used: 0,
        indent,
        line: &line,
    };
    let mut budget = MAX_WRAPPED_CHARS;
    for span in &line.spans {
        let content = cut(&span.content, &mut budget);
        for word in content.split_inclusive(' ') {
            rows.word(word, span.style, width);
        }
        if budget == 0 {
            rows.word(" …", span.style, width);
            break;
        }
    }
    rows.finish_row();
    rows.done
}

/// How much of one line is wrapped: a huge unbroken body (an HTML error page, a token) would
/// otherwise cost every frame.
const MAX_WRAPPED_CHARS: usize = 64 * 1024;

/// `text`, cut to what is left of `budget` characters.
fn cut<'a>(text: &'a str, budget: &mut usize) -> &'a str {
    match text.char_indices().nth(*budget) {
        Some((end, _)) => {
            *budget = 0;
            &text[..end]
        }
        None => {
            *budget -= text.chars().count();
            text
        }
    }
}

struct Rows<'l> {
    done: Vec<Line<'static>>,
    row: Vec<Span<'static>>,
    used: usize,
    indent: usize,
    line: &'l Line<'static>,
}

impl Rows<'_> {
    fn word(&mut self, word: &str, style: Style, width: usize) {
        let visible = word.trim_end().width();
        if self.used + visible <= width {
            self.used += word.width();
            push(&mut self.row, word, style);
            return;
        }
        let word = if self.used > self.indent {
            // The word starts the next row.
            self.new_row();
            word.trim_start()
        } else {
            word
        };
        if self.used + word.trim_end().width() <= width {
            self.used += word.width();
            push(&mut self.row, word, style);
            return;
        }
        // Longer than a row: character by character, as much as fits on each row.
        let mut start = 0;
        for (i, c) in word.char_indices() {
            let w = c.width().unwrap_or(0);
            if self.used + w > width && i > start {
                push(&mut self.row, &word[start..i], style);
                self.new_row();
                start = i;
            }
            self.used += w;
        }
        push(&mut self.row, &word[start..], style);
    }

    fn new_row(&mut self) {
        self.finish_row();
        self.row.push(Span::raw(" ".repeat(self.indent)));
        self.used = self.indent;
    }

    fn finish_row(&mut self) {
        if self.row.is_empty() {
            return;
        }
        let mut done = Line::from(std::mem::take(&mut self.row)).style(self.line.style);
        done.alignment = self.line.alignment;
        self.done.push(done);
    }
}

/// Appends to the last span when the style is the same: a row of words stays a few spans.
fn push(row: &mut Vec<Span<'static>>, text: &str, style: Style) {
    match row.last_mut() {
        Some(last) if last.style == style => last.content.to_mut().push_str(text),
        _ => row.push(Span::styled(text.to_string(), style)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(lines: &[Line]) -> Vec<String> {
        lines.iter().map(|l| l.to_string()).collect()
    }

    #[test]
    fn a_wrapped_row_hangs_under_its_lines_text() {
        let line = Line::from(vec![
            Span::raw("    "),
            Span::styled("✘ user.clearance", Style::new().red()),
            Span::raw(" greater-than-equals 3 (actual: 2)"),
        ]);
        let rows = hanging(vec![line], 26);
        assert_eq!(
            text(&rows),
            [
                "    ✘ user.clearance ",
                "      greater-than-equals ",
                "      3 (actual: 2)"
            ]
        );
        assert!(rows
            .iter()
            .all(|r| r.to_string().trim_end().chars().count() <= 26));
        // Styles stay with their words.
        let cross = rows[0].spans.iter().find(|s| s.content.contains('✘'));
        assert_eq!(cross.map(|s| s.style), Some(Style::new().red()));
    }

    #[test]
    fn a_huge_unbroken_line_is_wrapped_up_to_a_bound() {
        let rows = hanging(vec![Line::from("x".repeat(400_000))], 80);
        let chars: usize = rows
            .iter()
            .map(|r| r.to_string().trim().chars().count())
            .sum();
        assert!(chars <= MAX_WRAPPED_CHARS + 2, "{chars}");
        assert!(rows.last().unwrap().to_string().ends_with('…'));
        assert!(rows.iter().all(|r| r.width() <= 80));
    }

    #[test]
    fn lines_that_fit_are_untouched_and_long_words_are_split() {
        let fits = Line::from("short");
        assert_eq!(hanging(vec![fits.clone()], 10), vec![fits]);
        let rows = hanging(vec![Line::from("x".repeat(25))], 10);
        assert_eq!(text(&rows), ["xxxxxxxxxx", "  xxxxxxxx", "  xxxxxxx"]);
    }
}

//! Word wrap with a hanging indent. ratatui's `Wrap` starts every wrapped row at the left
//! edge, which flattens an indented tree (the explanation, what-if, compare): here a wrapped
//! row goes on two columns right of where its line's text starts.

use ratatui::text::{Line, Span};

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
    let mut rows: Vec<Line<'static>> = Vec::new();
    let mut row: Vec<Span<'static>> = Vec::new();
    let mut used = 0;
    for span in &line.spans {
        for word in span.content.split_inclusive(' ') {
            let mut word = word.to_string();
            loop {
                let visible = Span::raw(word.trim_end()).width();
                if used + visible <= width {
                    used += Span::raw(word.as_str()).width();
                    push(&mut row, word, span.style);
                    break;
                }
                if used > indent {
                    // The word starts the next row.
                    rows.push(finish(&mut row, &line));
                    row.push(Span::raw(" ".repeat(indent)));
                    used = indent;
                    if word.starts_with(' ') {
                        word = word.trim_start().to_string();
                    }
                    continue;
                }
                // A word longer than a row: as much as fits here, the rest on the next.
                let (head, tail) = split_at_width(&word, width - used);
                push(&mut row, head, span.style);
                rows.push(finish(&mut row, &line));
                row.push(Span::raw(" ".repeat(indent)));
                used = indent;
                word = tail;
                if word.is_empty() {
                    break;
                }
            }
        }
    }
    if !row.is_empty() {
        rows.push(finish(&mut row, &line));
    }
    rows
}

/// Appends to the last span when the style is the same: a row of words stays a few spans.
fn push(row: &mut Vec<Span<'static>>, text: String, style: ratatui::style::Style) {
    match row.last_mut() {
        Some(last) if last.style == style => last.content.to_mut().push_str(&text),
        _ => row.push(Span::styled(text, style)),
    }
}

fn finish(row: &mut Vec<Span<'static>>, line: &Line<'static>) -> Line<'static> {
    let mut done = Line::from(std::mem::take(row)).style(line.style);
    done.alignment = line.alignment;
    done
}

/// Splits `text` after at most `columns` columns (at least one character, so it progresses).
fn split_at_width(text: &str, columns: usize) -> (String, String) {
    let mut used = 0;
    let mut end = 0;
    for (i, c) in text.char_indices() {
        let w = Span::raw(c.to_string()).width();
        if used + w > columns && end > 0 {
            break;
        }
        used += w;
        end = i + c.len_utf8();
    }
    (text[..end].to_string(), text[end..].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::Style;

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
    fn lines_that_fit_are_untouched_and_long_words_are_split() {
        let fits = Line::from("short");
        assert_eq!(hanging(vec![fits.clone()], 10), vec![fits]);
        let rows = hanging(vec![Line::from("x".repeat(25))], 10);
        assert_eq!(text(&rows), ["xxxxxxxxxx", "  xxxxxxxx", "  xxxxxxx"]);
    }
}

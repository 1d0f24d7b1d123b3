//! Reading TOML files made of a header and an array of tables (`[[presets]]`,
//! `[[environments]]`) so that one broken entry costs that entry only: each `[[name]]` block
//! is parsed on its own, and errors carry the line in the whole file.

use serde::de::DeserializeOwned;

/// Where and why a part of the file did not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    /// 1-based line in the whole file.
    pub line: usize,
    pub reason: String,
}

/// What could be read.
pub struct Parsed<H, T> {
    pub header: H,
    pub items: Vec<T>,
    pub issues: Vec<Issue>,
}

/// Parses `text` as a header (`H`, everything before the first `[[table]]`) followed by
/// `[[table]]` blocks (`T` each). A header that does not parse yields `H::default()`.
pub fn parse<H, T>(text: &str, table: &str) -> Parsed<H, T>
where
    H: DeserializeOwned + Default,
    T: DeserializeOwned,
{
    let marker = format!("[[{table}]]");
    // (first line number of the block, 0-based; the block's text without its marker line)
    let mut blocks: Vec<(usize, String)> = Vec::new();
    let mut header = String::new();
    for (index, line) in text.lines().enumerate() {
        if is_marker(line, &marker) {
            blocks.push((index + 1, String::new()));
            continue;
        }
        let target = match blocks.last_mut() {
            Some((_, body)) => body,
            None => &mut header,
        };
        target.push_str(line);
        target.push('\n');
    }

    let mut issues = Vec::new();
    let header_value = match toml::from_str::<H>(&header) {
        Ok(value) => value,
        Err(err) => {
            issues.push(issue(&header, 0, &err));
            H::default()
        }
    };
    let mut items = Vec::new();
    for (first_line, body) in blocks {
        match toml::from_str::<T>(&body) {
            Ok(item) => items.push(item),
            Err(err) => issues.push(issue(&body, first_line, &err)),
        }
    }
    Parsed {
        header: header_value,
        items,
        issues,
    }
}

/// `[[presets]]`, allowing spaces and a trailing comment.
fn is_marker(line: &str, marker: &str) -> bool {
    let code = line.split('#').next().unwrap_or_default();
    let compact: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    compact == marker
}

fn issue(text: &str, line_offset: usize, err: &toml::de::Error) -> Issue {
    let line_in_text = err
        .span()
        .map(|span| text[..span.start.min(text.len())].matches('\n').count() + 1)
        .unwrap_or(1);
    Issue {
        line: line_offset + line_in_text,
        reason: err.message().trim().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Default, Deserialize)]
    struct Head {
        active: Option<String>,
    }

    #[derive(Debug, Deserialize)]
    struct Item {
        name: String,
    }

    #[test]
    fn one_broken_block_costs_only_itself_and_names_its_line() {
        let text = "active = \"a\"\n\n[[item]]\nname = \"a\"\n\n[[item]]\nname = oops\n\n[[ item ]] # c\nname = \"c\"\n";
        let parsed: Parsed<Head, Item> = parse(text, "item");
        assert_eq!(parsed.header.active.as_deref(), Some("a"));
        let names: Vec<_> = parsed.items.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(names, ["a", "c"]);
        assert_eq!(parsed.issues.len(), 1);
        assert_eq!(parsed.issues[0].line, 7, "{:?}", parsed.issues);
    }

    #[test]
    fn broken_header_is_reported_at_its_line() {
        let parsed: Parsed<Head, Item> = parse("\nactive = [\n", "item");
        assert!(parsed.header.active.is_none());
        assert_eq!(parsed.issues.len(), 1);
        assert!(parsed.issues[0].line >= 2, "{:?}", parsed.issues);
    }
}

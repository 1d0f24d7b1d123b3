//! README's key tables name only keys the keymap binds: a key moved in the keymap and not in
//! the README (or the reverse) fails here.

use std::collections::HashSet;

use permit_tui::tui::keymap::{describe, BINDINGS};

/// The keys in the first cell of a table row: `` `Alt-E` `` or `` `Enter` / `a` ``; ranges
/// (`` `Alt-1`…`Alt-9` ``) and words (typing) are skipped.
fn keys_of(cell: &str) -> Vec<String> {
    if cell.contains('…') {
        return Vec::new();
    }
    cell.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

#[test]
fn every_key_in_the_readme_tables_is_bound() {
    let readme = include_str!("../README.md");
    let bound: HashSet<String> = BINDINGS.iter().map(|b| describe(&b.key)).collect();
    let tables = [
        "## Debugging tools",
        "## Environments, presets and history in the explorer",
    ];
    let mut checked = 0;
    for heading in tables {
        let section = readme
            .split(heading)
            .nth(1)
            .unwrap_or_else(|| panic!("README has no {heading}"));
        let section = section.split("\n## ").next().unwrap_or_default();
        for row in section.lines().filter(|l| l.starts_with("| `")) {
            let first = row.split('|').nth(1).unwrap_or_default();
            for key in keys_of(first) {
                assert!(
                    bound.contains(&key),
                    "README names `{key}`, which nothing binds: {row}"
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 10, "the tables were found ({checked} keys)");
}

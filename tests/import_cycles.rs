//! No import cycle inside `src/`. A module's imports are the paths it names that start
//! with `crate::`, `super::` or `self::`, and the paths that start with one of its own child
//! modules (`switch::switch_to` in `environments`), in `use` and in code, test modules left
//! out, each resolved to the deepest module that exists. A module naming its own ancestors is
//! how Rust nests (a child sees its parent's names) and is not counted; every other cycle
//! fails, also one that runs through a parent and its child (`update` → `environments` →
//! `environments::switch` → `update`).

// A test unwraps: a failure there is the test failing, with its message.
#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `src/tui/environments/mod.rs` → `tui::environments`; the crate roots are "".
fn module_of(src: &Path, file: &Path) -> String {
    let relative = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts.join("::")
}

/// The code without comments and without its test module.
fn code_of(text: &str) -> String {
    // Only an inline test module: `#[cfg(test)] mod tests;` is a declaration.
    let text = match text.find("#[cfg(test)]\nmod tests {") {
        Some(i) => &text[..i],
        None => text,
    };
    text.lines()
        .map(|line| match line.find("//") {
            Some(i) => &line[..i],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The paths of a `use` group, `text` starting after its `{`: nested groups expanded
/// (`a::{b, c::{d}}` → `a::b`, `a::c::d`), renames dropped (`x as y` → `x`).
fn group_paths(text: &str) -> Vec<Vec<String>> {
    let mut paths = Vec::new();
    let mut item = String::new();
    let mut depth = 0;
    for c in text.chars() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => break,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                paths.extend(item_paths(&item));
                item.clear();
                continue;
            }
            _ => {}
        }
        item.push(c);
    }
    paths.extend(item_paths(&item));
    paths
}

/// The paths of one item of a `use` group.
fn item_paths(item: &str) -> Vec<Vec<String>> {
    let item = item.split(" as ").next().unwrap_or_default().trim();
    let segments = |path: &str| -> Vec<String> {
        path.split("::")
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty() && s.chars().all(is_ident))
            .collect()
    };
    match item.split_once('{') {
        Some((prefix, inner)) => {
            let prefix = segments(prefix);
            group_paths(inner)
                .into_iter()
                .map(|tail| [prefix.clone(), tail].concat())
                .collect()
        }
        None => vec![segments(item)],
    }
}

/// The modules `code` (of `module`) names through `crate::`, `super::` and `self::` paths,
/// `use` groups (`super::{a, b::c}`) included.
fn imports(module: &str, code: &str, modules: &BTreeSet<String>) -> BTreeSet<String> {
    let own: Vec<&str> = module.split("::").filter(|s| !s.is_empty()).collect();
    let mut found = BTreeSet::new();
    let chars: Vec<char> = code.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let starts_word = i == 0 || !(is_ident(chars[i - 1]) || chars[i - 1] == ':');
        if !starts_word || !is_ident(chars[i]) {
            i += 1;
            continue;
        }
        // A path: identifiers joined by `::`, maybe ending in a `{...}` group.
        let mut segments = Vec::new();
        let mut j = i;
        loop {
            let start = j;
            while j < chars.len() && is_ident(chars[j]) {
                j += 1;
            }
            segments.push(chars[start..j].iter().collect::<String>());
            if chars.get(j) == Some(&':') && chars.get(j + 1) == Some(&':') {
                j += 2;
                if chars.get(j).is_some_and(|c| is_ident(*c)) {
                    continue;
                }
            }
            break;
        }
        let group_start = (chars.get(j) == Some(&'{')).then_some(j + 1);
        i = j.max(i + 1);
        let own_path: Vec<String> = own.iter().map(|s| s.to_string()).collect();
        let mut base: Vec<String> = match segments[0].as_str() {
            "crate" => Vec::new(),
            "self" | "super" => own_path.clone(),
            // A child module of this one, named bare.
            child
                if modules.contains(
                    &[own_path.clone(), vec![child.to_string()]]
                        .concat()
                        .join("::"),
                ) =>
            {
                let mut path = own_path.clone();
                path.push(child.to_string());
                found.insert(path.join("::"));
                continue;
            }
            _ => continue,
        };
        let mut rest = &segments[1..];
        if segments[0] == "super" {
            base.pop();
            while rest.first().map(String::as_str) == Some("super") {
                base.pop();
                rest = &rest[1..];
            }
        }
        let deepest = |base: &[String], tail: &[String]| {
            let mut path = base.to_vec();
            let mut target = path.join("::");
            for segment in tail {
                path.push(segment.clone());
                let candidate = path.join("::");
                if !modules.contains(&candidate) {
                    break;
                }
                target = candidate;
            }
            target
        };
        let mut full = base.clone();
        for segment in rest {
            full.push(segment.clone());
            if !modules.contains(&full.join("::")) {
                full.pop();
                break;
            }
        }
        found.insert(deepest(&base, rest));
        if let Some(start) = group_start {
            let group: String = chars[start..].iter().collect();
            for tail in group_paths(&group) {
                found.insert(deepest(&full, &tail));
            }
        }
    }
    // Its ancestors, the crate root included, are what a module nests in.
    found.retain(|m| m != module && !format!("{module}::").starts_with(&format!("{m}::")));
    found.retain(|m| !m.is_empty());
    found
}

/// Strongly connected components of more than one module (Tarjan).
fn cycles(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<BTreeSet<String>> {
    struct Walk<'a> {
        edges: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        found: Vec<BTreeSet<String>>,
    }
    impl<'a> Walk<'a> {
        fn visit(&mut self, v: &'a str) {
            let n = self.index.len();
            self.index.insert(v, n);
            self.low.insert(v, n);
            self.stack.push(v);
            for w in self.edges.get(v).into_iter().flatten() {
                let w = w.as_str();
                if !self.index.contains_key(w) {
                    self.visit(w);
                    let low = self.low[v].min(self.low[w]);
                    self.low.insert(v, low);
                } else if self.stack.contains(&w) {
                    let low = self.low[v].min(self.index[w]);
                    self.low.insert(v, low);
                }
            }
            if self.low[v] == self.index[v] {
                let mut component = BTreeSet::new();
                while let Some(w) = self.stack.pop() {
                    component.insert(w.to_string());
                    if w == v {
                        break;
                    }
                }
                if component.len() > 1 {
                    self.found.push(component);
                }
            }
        }
    }
    let mut walk = Walk {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        found: Vec::new(),
    };
    for v in edges.keys() {
        if !walk.index.contains_key(v.as_str()) {
            walk.visit(v);
        }
    }
    walk.found
}

fn module_graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    // Test modules kept in a file of their own (`#[cfg(test)] mod tests;`) are tests too.
    files.retain(|f| f.file_name().is_some_and(|n| n != "tests.rs"));
    let modules: BTreeSet<String> = files.iter().map(|f| module_of(src, f)).collect();
    files
        .iter()
        .map(|file| {
            let module = module_of(src, file);
            let code = code_of(&std::fs::read_to_string(file).unwrap());
            let found = imports(&module, &code, &modules);
            (module, found)
        })
        .collect()
}

#[test]
fn src_has_no_import_cycle() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let found = cycles(&module_graph(&src));
    let shown: Vec<String> = found.iter().map(|c| format!("{c:?}")).collect();
    assert!(
        found.is_empty(),
        "modules that import each other (move what they share into a leaf module):\n{}",
        shown.join("\n")
    );
}

#[test]
fn the_cycle_finder_sees_a_cycle_through_crate_paths_and_a_bare_child() {
    let modules: BTreeSet<String> = ["a", "a::b", "c"].iter().map(|s| s.to_string()).collect();
    let set =
        |names: &[&str]| -> BTreeSet<String> { names.iter().map(|s| s.to_string()).collect() };
    // A child naming its parent is nesting; the parent naming its child bare is an import.
    assert_eq!(
        imports("a::b", "use super::{x, y};\nuse crate::c;", &modules),
        set(&["c"])
    );
    assert_eq!(imports("a", "pub use b::thing;", &modules), set(&["a::b"]));
    assert_eq!(
        imports("c", "fn f() { crate::a::g() }", &modules),
        set(&["a"])
    );
    // Nested groups and renames hide no module.
    assert_eq!(
        imports("c", "use crate::{x, a::{y, b::z}};", &modules),
        set(&["a", "a::b"])
    );
    assert_eq!(
        imports("c", "use crate::{a::b as m};", &modules),
        set(&["a::b"])
    );
    // c → a → a::b → c: a cycle through a parent and its child.
    let mut edges = BTreeMap::new();
    edges.insert("a".to_string(), imports("a", "pub use b::thing;", &modules));
    edges.insert(
        "a::b".to_string(),
        imports("a::b", "use crate::c;", &modules),
    );
    edges.insert(
        "c".to_string(),
        imports("c", "fn f() { crate::a::g() }", &modules),
    );
    assert_eq!(cycles(&edges), vec![set(&["a", "a::b", "c"])]);
    // Without the bare child there is none.
    edges.insert("a".to_string(), BTreeSet::new());
    assert!(cycles(&edges).is_empty());
}

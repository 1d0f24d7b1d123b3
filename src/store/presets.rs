//! `presets.toml`: named saved forms, readable and editable by hand, shareable as a file.
//!
//! ```toml
//! [[presets]]
//! name = "alice reads a document"
//! user = "alice"
//! action = "read"
//! resource = "document:1"
//! expect = "allow"
//! ```
//!
//! A preset holds the form's text fields and nothing else: never a key.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::atomic::write_atomic;
use super::config::refuse_if_unparsable;
use super::{filter, tomlfile, Notice, StoreError};
use crate::pdp::CheckInput;

const TABLE: &str = "presets";

/// The decision a preset expects: the same type as a suite check's.
pub use crate::expectation::Expect as Expectation;
use crate::expectation::{judge, Verdict};
use crate::pdp::types::AllowedResult;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Preset {
    pub name: String,
    pub input: CheckInput,
    pub expect: Option<Expectation>,
    /// A debug code the answer should carry (e.g. `ALLOWED_BY_ROLE`), matched against any model.
    pub expect_code: Option<String>,
    /// The environment the preset was saved for, if it belongs to one.
    pub environment: Option<String>,
}

impl Preset {
    /// How an answer measures up to the preset's expectations, judged as a suite check is
    /// (`expectation::judge`); `None` when it expects nothing.
    pub fn verdict(&self, result: &AllowedResult) -> Option<Verdict> {
        if self.expect.is_none() && self.expect_code.is_none() {
            return None;
        }
        Some(judge(self.expect, self.expect_code.as_deref(), result))
    }

    /// The text the picker filters on.
    pub fn search_text(&self) -> String {
        let i = &self.input;
        format!(
            "{} {} {} {} {} {}",
            self.name,
            i.user,
            i.action,
            i.resource,
            i.tenant,
            self.environment.as_deref().unwrap_or_default()
        )
    }
}

/// On-disk shape: flat, empty fields left out, so the file stays short and hand-editable.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Record {
    name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    environment: Option<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    user: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    user_attributes: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    action: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    resource: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    resource_key: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    tenant: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    resource_attributes: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    context: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    expect: Option<Expectation>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    expect_code: Option<String>,
}

impl From<&Preset> for Record {
    fn from(p: &Preset) -> Record {
        let i = p.input.clone();
        Record {
            name: p.name.clone(),
            environment: p.environment.clone(),
            user: i.user,
            user_attributes: i.user_attributes,
            action: i.action,
            resource: i.resource,
            resource_key: i.resource_key,
            tenant: i.tenant,
            resource_attributes: i.resource_attributes,
            context: i.context,
            expect: p.expect,
            expect_code: p.expect_code.clone(),
        }
    }
}

impl From<Record> for Preset {
    fn from(r: Record) -> Preset {
        Preset {
            name: r.name,
            input: CheckInput {
                user: r.user,
                user_attributes: r.user_attributes,
                action: r.action,
                resource: r.resource,
                resource_key: r.resource_key,
                tenant: r.tenant,
                resource_attributes: r.resource_attributes,
                context: r.context,
            },
            expect: r.expect,
            expect_code: r.expect_code.filter(|c| !c.trim().is_empty()),
            environment: r.environment.filter(|e| !e.trim().is_empty()),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
struct Header {}

#[derive(Serialize)]
struct FileOut {
    presets: Vec<Record>,
}

/// What went wrong with a preset operation (the in-memory list is unchanged).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PresetError {
    #[error("a preset named `{0}` already exists")]
    Exists(String),
    #[error("no preset named `{0}`")]
    NotFound(String),
    #[error("a preset needs a name")]
    EmptyName,
}

/// How an import treats a name that already exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnConflict {
    /// Keep ours, skip theirs.
    Skip,
    /// Keep both: theirs gets a ` (2)` suffix.
    Rename,
    /// Theirs replaces ours.
    Replace,
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ImportReport {
    pub added: Vec<String>,
    /// (name in the file, name given)
    pub renamed: Vec<(String, String)>,
    pub replaced: Vec<String>,
    pub skipped: Vec<String>,
    /// Parts of the imported file that did not parse.
    pub notices: Vec<Notice>,
}

/// The presets, in file order. Every change is written at once; when the write cannot
/// happen (read-only dir, broken file on disk), the change lives on for the session and
/// the caller gets a notice.
#[derive(Debug, Clone)]
pub struct Presets {
    items: Vec<Preset>,
    path: PathBuf,
}

impl Presets {
    /// Loads `presets.toml`; a missing file is an empty list, a broken one gives what could be
    /// read plus notices naming the lines. The file itself is never touched by a load.
    pub fn load(path: &Path) -> (Presets, Vec<Notice>) {
        let mut presets = Presets {
            items: Vec::new(),
            path: path.to_path_buf(),
        };
        let (items, notices) = read_file(path);
        for preset in items {
            if presets.get(&preset.name).is_none() {
                presets.items.push(preset);
            }
        }
        (presets, notices)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn all(&self) -> &[Preset] {
        &self.items
    }

    pub fn get(&self, name: &str) -> Option<&Preset> {
        self.items.iter().find(|p| p.name == name)
    }

    /// Presets matching `query` (case-insensitive, substring or subsequence), best first.
    pub fn filter(&self, query: &str) -> Vec<&Preset> {
        filter::rank(query, &self.items, Preset::search_text)
            .into_iter()
            .map(|i| &self.items[i])
            .collect()
    }

    /// Saves `preset` as a new one, or over the one with the same name when `overwrite`.
    pub fn save(&mut self, preset: Preset, overwrite: bool) -> Result<Option<Notice>, PresetError> {
        let name = preset.name.trim().to_string();
        if name.is_empty() {
            return Err(PresetError::EmptyName);
        }
        let preset = Preset { name, ..preset };
        match self.items.iter_mut().find(|p| p.name == preset.name) {
            Some(_) if !overwrite => return Err(PresetError::Exists(preset.name)),
            Some(slot) => *slot = preset,
            None => self.items.push(preset),
        }
        Ok(self.persist())
    }

    pub fn rename(&mut self, old: &str, new: &str) -> Result<Option<Notice>, PresetError> {
        let new = new.trim();
        if new.is_empty() {
            return Err(PresetError::EmptyName);
        }
        if old != new && self.get(new).is_some() {
            return Err(PresetError::Exists(new.to_string()));
        }
        let preset = self
            .items
            .iter_mut()
            .find(|p| p.name == old)
            .ok_or_else(|| PresetError::NotFound(old.to_string()))?;
        preset.name = new.to_string();
        Ok(self.persist())
    }

    pub fn delete(&mut self, name: &str) -> Result<(Preset, Option<Notice>), PresetError> {
        let index = self
            .items
            .iter()
            .position(|p| p.name == name)
            .ok_or_else(|| PresetError::NotFound(name.to_string()))?;
        let removed = self.items.remove(index);
        Ok((removed, self.persist()))
    }

    /// Copies a preset under `new_name`, or `NAME (copy)`, `NAME (copy 2)`, ...; the copy is
    /// placed right after the original. Returns the copy's name.
    pub fn duplicate(
        &mut self,
        name: &str,
        new_name: Option<&str>,
    ) -> Result<(String, Option<Notice>), PresetError> {
        let index = self
            .items
            .iter()
            .position(|p| p.name == name)
            .ok_or_else(|| PresetError::NotFound(name.to_string()))?;
        let copy_name = match new_name.map(str::trim) {
            Some("") => return Err(PresetError::EmptyName),
            Some(n) if self.get(n).is_some() => return Err(PresetError::Exists(n.to_string())),
            Some(n) => n.to_string(),
            None => self.free_name(&format!("{name} (copy)")),
        };
        let mut copy = self.items[index].clone();
        copy.name = copy_name.clone();
        self.items.insert(index + 1, copy);
        Ok((copy_name, self.persist()))
    }

    /// Writes the named presets (all when `names` is None) to `path`, atomically, in the
    /// same format as `presets.toml`. Returns how many were written.
    pub fn export_to(&self, path: &Path, names: Option<&[String]>) -> Result<usize, StoreError> {
        let chosen: Vec<&Preset> = self
            .items
            .iter()
            .filter(|p| names.is_none_or(|names| names.contains(&p.name)))
            .collect();
        let text = to_toml(chosen.iter().copied())?;
        super::atomic::write_new(path, text.as_bytes(), None).map_err(|err| {
            if err.kind() == std::io::ErrorKind::AlreadyExists {
                StoreError::Invalid(format!(
                    "{} exists: an export never replaces a file; choose another name",
                    path.display()
                ))
            } else {
                StoreError::io(path, err)
            }
        })?;
        Ok(chosen.len())
    }

    /// Reads presets from a file someone shared and merges them in.
    pub fn import_from(
        &mut self,
        path: &Path,
        on_conflict: OnConflict,
    ) -> Result<(ImportReport, Option<Notice>), StoreError> {
        if !path.exists() {
            return Err(StoreError::Invalid(format!(
                "{}: no such file",
                path.display()
            )));
        }
        let (incoming, notices) = read_file(path);
        let mut report = ImportReport {
            notices,
            ..ImportReport::default()
        };
        for preset in incoming {
            let existing = self.items.iter().position(|p| p.name == preset.name);
            match (existing, on_conflict) {
                (None, _) => {
                    report.added.push(preset.name.clone());
                    self.items.push(preset);
                }
                (Some(_), OnConflict::Skip) => report.skipped.push(preset.name),
                (Some(i), OnConflict::Replace) => {
                    report.replaced.push(preset.name.clone());
                    self.items[i] = preset;
                }
                (Some(_), OnConflict::Rename) => {
                    let new_name = self.free_name(&format!("{} (2)", preset.name));
                    report.renamed.push((preset.name.clone(), new_name.clone()));
                    self.items.push(Preset {
                        name: new_name,
                        ..preset
                    });
                }
            }
        }
        Ok((report, self.persist()))
    }

    fn free_name(&self, base: &str) -> String {
        if self.get(base).is_none() {
            return base.to_string();
        }
        let stem = base.trim_end_matches(')');
        (2..)
            .map(|n| format!("{stem} {n})"))
            .find(|candidate| self.get(candidate).is_none())
            .unwrap_or_else(|| base.to_string())
    }

    /// Writes the list; a failure becomes a notice and the in-memory list stays as it is.
    fn persist(&self) -> Option<Notice> {
        self.try_persist().err().map(|err| err.to_notice())
    }

    fn try_persist(&self) -> Result<(), StoreError> {
        refuse_if_unparsable::<Header, Record>(&self.path, TABLE)?;
        let text = to_toml(self.items.iter())?;
        write_atomic(&self.path, text.as_bytes(), None)
            .map_err(|err| StoreError::io(&self.path, err))
    }
}

fn read_file(path: &Path) -> (Vec<Preset>, Vec<Notice>) {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return (vec![], vec![]),
        Err(err) => {
            return (
                vec![],
                vec![Notice::new(Some(path), None, format!("cannot read: {err}"))],
            )
        }
    };
    let parsed: tomlfile::Parsed<Header, Record> = tomlfile::parse(&text, TABLE);
    let notices = parsed
        .issues
        .iter()
        .map(|issue| {
            Notice::new(
                Some(path),
                Some(issue.line),
                format!(
                    "{}; this preset is skipped and the file is left as it is",
                    issue.reason
                ),
            )
        })
        .collect();
    (
        parsed.items.into_iter().map(Preset::from).collect(),
        notices,
    )
}

fn to_toml<'a>(presets: impl Iterator<Item = &'a Preset>) -> Result<String, StoreError> {
    let out = FileOut {
        presets: presets.map(Record::from).collect(),
    };
    let body = toml::to_string_pretty(&out).map_err(|err| StoreError::Invalid(err.to_string()))?;
    Ok(format!(
        "# permit-tui presets: one [[presets]] block per saved check. Safe to edit by hand.\n\n{}",
        super::secrets::redact_keys(&body)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn preset(name: &str) -> Preset {
        Preset {
            name: name.to_string(),
            input: CheckInput {
                user: "alice".to_string(),
                action: "read".to_string(),
                resource: "document:1".to_string(),
                resource_attributes: "{\n  \"owner\": \"alice\"\n}".to_string(),
                ..CheckInput::default()
            },
            expect: Some(Expectation::Allow),
            expect_code: None,
            environment: Some("sandbox-dev".to_string()),
        }
    }

    #[test]
    fn crud_round_trips_through_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("presets.toml");
        let (mut presets, _) = Presets::load(&path);
        assert_eq!(presets.save(preset("a"), false), Ok(None));
        assert_eq!(
            presets.save(preset("a"), false),
            Err(PresetError::Exists("a".into()))
        );
        let (copy, notice) = presets.duplicate("a", None).unwrap();
        assert_eq!((copy.as_str(), notice), ("a (copy)", None));
        let (copy2, _) = presets.duplicate("a", None).unwrap();
        assert_eq!(copy2, "a (copy 2)");
        presets.rename("a (copy)", "b").unwrap();
        presets.delete("a (copy 2)").unwrap();

        let (loaded, notices) = Presets::load(&path);
        assert!(notices.is_empty(), "{notices:?}");
        let names: Vec<_> = loaded.all().iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["a", "b"]);
        assert_eq!(loaded.get("a"), Some(&preset("a")));
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.contains("[[presets]]") && text.contains("expect = \"allow\""),
            "{text}"
        );
    }

    /// A preset judges as a suite check does: the decision first, then the code, which
    /// needs the PDP's debug object (without one the preset cannot be judged, and says how
    /// to get one).
    #[test]
    fn verdict_checks_decision_and_code() {
        use crate::pdp::types::{Debug, DebugBlock};
        let answer = |allow: bool, code: Option<&str>| AllowedResult {
            allow,
            debug: code.map(|c| Debug {
                rbac: Some(DebugBlock {
                    allow,
                    code: Some(c.to_string()),
                    reason: None,
                    ..DebugBlock::default()
                }),
                ..Debug::default()
            }),
            ..AllowedResult::default()
        };
        let mut p = preset("a");
        assert_eq!(p.verdict(&answer(true, None)), Some(Verdict::Pass));
        let Some(Verdict::Fail { reason }) = p.verdict(&answer(false, Some("NO_ROLE"))) else {
            panic!("a deny fails an allow preset");
        };
        assert!(
            reason.contains("expected allow, got deny (rbac NO_ROLE)"),
            "{reason}"
        );
        p.expect_code = Some("rbac:allowed_by_role".into());
        let ok = answer(true, Some("ALLOWED_BY_ROLE"));
        assert_eq!(
            p.verdict(&ok),
            Some(Verdict::Pass),
            "model:CODE in any case"
        );
        let other = answer(true, Some("ALLOWED_BY_RESOURCE_ROLE"));
        assert!(matches!(p.verdict(&other), Some(Verdict::Fail { .. })));
        let Some(Verdict::Error { kind, message }) = p.verdict(&answer(true, None)) else {
            panic!("no debug object: the code cannot be judged");
        };
        assert_eq!(kind, "no_debug");
        assert!(message.contains("PDP_DEBUG=true"), "{message}");
        // A code alone: no decision was expected, so none is said to be as expected.
        p.expect = None;
        let Some(Verdict::Fail { reason }) = p.verdict(&other) else {
            panic!("another code fails a code-only preset");
        };
        assert_eq!(
            reason,
            "expected code `rbac:allowed_by_role`, got rbac ALLOWED_BY_RESOURCE_ROLE"
        );
        p.expect_code = None;
        assert_eq!(p.verdict(&answer(false, None)), None);
    }

    #[test]
    fn filter_ranks_name_matches_first() {
        let dir = tempfile::tempdir().unwrap();
        let (mut presets, _) = Presets::load(&dir.path().join("p.toml"));
        let mut bob = preset("bob edits");
        bob.input.user = "bob".into();
        presets.save(bob, false).unwrap();
        presets.save(preset("alice reads"), false).unwrap();
        let hits: Vec<_> = presets
            .filter("ALI")
            .iter()
            .map(|p| p.name.clone())
            .collect();
        assert_eq!(hits, ["alice reads"]);
        assert_eq!(presets.filter("").len(), 2);
    }

    #[test]
    fn an_export_never_replaces_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let (mut presets, _) = Presets::load(&dir.path().join("presets.toml"));
        presets.save(preset("a"), false).unwrap();
        let target = dir.path().join("notes.toml");
        std::fs::write(&target, "someone's notes").unwrap();
        let err = presets.export_to(&target, None).unwrap_err().to_string();
        assert!(err.contains("never replaces"), "{err}");
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "someone's notes");
        // Nothing left behind, and a new name works.
        let entries = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(entries, 2, "only presets.toml and notes.toml");
        assert_eq!(
            presets
                .export_to(&dir.path().join("new.toml"), None)
                .unwrap(),
            1
        );
    }

    #[test]
    fn import_handles_conflicts() {
        let dir = tempfile::tempdir().unwrap();
        let (mut ours, _) = Presets::load(&dir.path().join("ours.toml"));
        ours.save(preset("a"), false).unwrap();
        let (mut theirs, _) = Presets::load(&dir.path().join("theirs.toml"));
        theirs.save(preset("a"), false).unwrap();
        theirs.save(preset("c"), false).unwrap();
        let shared = dir.path().join("shared.toml");
        assert_eq!(theirs.export_to(&shared, None).unwrap(), 2);
        let (report, notice) = ours.import_from(&shared, OnConflict::Rename).unwrap();
        assert_eq!(notice, None);
        assert_eq!(report.added, ["c"]);
        assert_eq!(report.renamed, [("a".to_string(), "a (2)".to_string())]);
        assert_eq!(ours.all().len(), 3);
    }
}

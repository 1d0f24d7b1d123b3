//! `history.jsonl`: one JSON object per check, appended, capped and rotated.
//!
//! Concurrency design (two explorers, or the explorer and `permit-tui check`, at once):
//! - an append opens the file with `O_APPEND` and writes the whole line with one `write`, so
//!   lines from different processes never interleave;
//! - appends hold a *shared* `flock` on `history.jsonl.lock` while they open and write, and
//!   rotation holds it *exclusively* while it reads, compacts into a temp file and renames it
//!   over the log. So no append can land in the old file after rotation has read it: every
//!   line is either in what rotation read (and kept if it is among the newest) or is written
//!   to the new file after the rename. The lock file is separate so its inode never changes.
//! - rotation runs when the log exceeds the cap by 10%, keeping the newest `cap` lines, so it
//!   happens once per `cap / 10` appends rather than on every one. Each process counts only
//!   the lines it has seen (at open, at its last rotation) plus its own appends, so with N
//!   processes appending at once the log can reach `cap` plus N times that 10% before one of
//!   them rotates.

use std::collections::BTreeMap;
use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::atomic::{create_private_dir, write_atomic};
use super::lock::FileLock;
use super::regular::open_regular;
use super::{filter, time, Notice, StoreError};
use crate::pdp::types::{AllowedQuery, AllowedResult};
use crate::pdp::Exchange;

pub const DEFAULT_CAP: usize = 10_000;

/// One past check. The request is the body as sent; keys travel in headers and are never here.
/// The request is kept as raw JSON text: 10,000 entries load fast and stay small in memory,
/// and it is parsed only when one is re-run or loaded into the form ([`HistoryEntry::query`]).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// RFC 3339, UTC.
    pub time: String,
    pub environment: String,
    /// The PDP route called, e.g. `/allowed`.
    #[serde(default = "default_endpoint")]
    pub endpoint: String,
    pub request: Box<RawValue>,
    /// `Some(allow)` when the PDP decided.
    #[serde(default)]
    pub decision: Option<bool>,
    /// Debug codes as `model:CODE` (e.g. `rbac:ALLOWED_BY_ROLE`).
    #[serde(default)]
    pub codes: Vec<String>,
    #[serde(default)]
    pub status: Option<u16>,
    /// `PdpError::kind()` when the check failed.
    #[serde(default)]
    pub error_kind: Option<String>,
    pub latency_us: u64,
    /// What sent the check: the form, or one side of a what-if or a compare. Only the form's
    /// checks feed the latency panel. Absent in lines written before it existed: a check.
    #[serde(default, skip_serializing_if = "Origin::is_check")]
    pub origin: Origin,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    #[default]
    Check,
    WhatIf,
    Compare,
}

impl Origin {
    fn is_check(&self) -> bool {
        *self == Origin::Check
    }
}

fn default_endpoint() -> String {
    "/allowed".to_string()
}

impl PartialEq for HistoryEntry {
    fn eq(&self, other: &Self) -> bool {
        self.time == other.time
            && self.environment == other.environment
            && self.endpoint == other.endpoint
            && self.request.get() == other.request.get()
            && self.decision == other.decision
            && self.codes == other.codes
            && self.status == other.status
            && self.error_kind == other.error_kind
            && self.latency_us == other.latency_us
            && self.origin == other.origin
    }
}

/// Any serializable request as raw JSON (`null` if it cannot be encoded).
pub fn raw_request<T: Serialize + ?Sized>(request: &T) -> Box<RawValue> {
    serde_json::value::to_raw_value(request).unwrap_or_default()
}

/// The few request fields a list shows and filters on, read without building a JSON tree.
#[derive(Default, Deserialize)]
#[serde(default)]
struct Brief {
    user: BriefUser,
    action: String,
    resource: BriefResource,
    context: serde_json::Map<String, serde_json::Value>,
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct BriefUser {
    key: String,
    attributes: serde_json::Map<String, serde_json::Value>,
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct BriefResource {
    #[serde(rename = "type")]
    kind: String,
    key: Option<String>,
    tenant: Option<String>,
    attributes: serde_json::Map<String, serde_json::Value>,
}

/// `clearance=1 department=eng resource.sensitivity=high context.ip=…`: what tells two checks
/// of the same user, action and resource apart.
fn attributes_text(brief: &Brief) -> String {
    let groups = [
        ("", &brief.user.attributes),
        ("resource.", &brief.resource.attributes),
        ("context.", &brief.context),
    ];
    let mut parts = Vec::new();
    for (prefix, map) in groups {
        for (name, value) in map {
            let value = match value {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            parts.push(format!("{prefix}{name}={value}"));
        }
    }
    parts.join(" ")
}

impl HistoryEntry {
    /// The entry for one `/allowed` check, stamped now.
    pub fn from_check(
        environment: &str,
        query: &AllowedQuery,
        exchange: &Exchange<AllowedResult>,
    ) -> HistoryEntry {
        let (decision, codes, error_kind) = match &exchange.result {
            Ok(result) => (Some(result.allow), debug_codes(result), None),
            Err(err) => (None, Vec::new(), Some(err.kind().to_string())),
        };
        HistoryEntry {
            time: time::now_rfc3339(),
            environment: environment.to_string(),
            endpoint: default_endpoint(),
            request: raw_request(query),
            decision,
            codes,
            status: exchange.status,
            error_kind,
            latency_us: u64::try_from(exchange.latency.as_micros()).unwrap_or(u64::MAX),
            origin: Origin::Check,
        }
    }

    /// The request as an `/allowed` query, for re-running it or loading it into the form.
    pub fn query(&self) -> Option<AllowedQuery> {
        serde_json::from_str(self.request.get()).ok()
    }

    /// The request as form fields, for "load into the form".
    pub fn to_input(&self) -> Option<crate::pdp::CheckInput> {
        self.query().map(|q| crate::pdp::CheckInput::from_query(&q))
    }

    /// `allow`, `deny`, or the error kind.
    pub fn outcome(&self) -> &str {
        match (self.decision, &self.error_kind) {
            (Some(true), _) => "allow",
            (Some(false), _) => "deny",
            (None, Some(kind)) => kind,
            (None, None) => "unknown",
        }
    }

    /// One line for lists and for filtering:
    /// `env user action resource tenant [attributes] outcome codes`.
    pub fn summary(&self) -> String {
        let brief: Brief = serde_json::from_str(self.request.get()).unwrap_or_default();
        let r = &brief.resource;
        let resource = match &r.key {
            Some(key) if !key.is_empty() => format!("{}:{key}", r.kind),
            _ => r.kind.clone(),
        };
        let mut fields = vec![
            self.environment.clone(),
            brief.user.key.clone(),
            brief.action.clone(),
            resource,
            r.tenant.clone().unwrap_or_default(),
        ];
        let attributes = attributes_text(&brief);
        if !attributes.is_empty() {
            fields.push(attributes);
        }
        fields.push(self.outcome().to_string());
        fields.push(self.codes.join(" "));
        fields.join(" ")
    }
}

fn debug_codes(result: &AllowedResult) -> Vec<String> {
    result
        .debug
        .iter()
        .flat_map(|debug| debug.blocks())
        .filter_map(|(model, block)| block.code.as_ref().map(|code| format!("{model}:{code}")))
        .collect()
}

/// The history log. Cheap to keep open: files are opened per operation.
#[derive(Debug, Clone)]
pub struct History {
    path: PathBuf,
    lock_path: PathBuf,
    cap: usize,
    /// Lines in the file as far as this process knows (others append too); only decides
    /// when to try a rotation, which recounts under the lock. Counted at the first append,
    /// not at open: opening to read (start-up, the full load) then reads the file once.
    approx_lines: Option<usize>,
}

impl History {
    pub fn open(path: &Path) -> History {
        History::with_cap(path, DEFAULT_CAP)
    }

    pub fn with_cap(path: &Path, cap: usize) -> History {
        History {
            path: path.to_path_buf(),
            lock_path: lock_path(path),
            cap: cap.max(1),
            approx_lines: None,
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn cap(&self) -> usize {
        self.cap
    }

    /// Records one `/allowed` check: the usual call after a check from the UI or the CLI.
    pub fn append_check(
        &mut self,
        environment: &str,
        query: &AllowedQuery,
        exchange: &Exchange<AllowedResult>,
    ) -> Result<(), StoreError> {
        self.append(&HistoryEntry::from_check(environment, query, exchange))
    }

    /// Appends one entry as one line, rotating when the log has grown past the cap.
    pub fn append(&mut self, entry: &HistoryEntry) -> Result<(), StoreError> {
        let text =
            serde_json::to_string(entry).map_err(|err| StoreError::Invalid(err.to_string()))?;
        let mut line = super::secrets::redact_keys(&text).into_owned().into_bytes();
        line.push(b'\n');
        self.append_raw(&line)?;
        let lines = match self.approx_lines {
            Some(before) => before + 1,
            None => std::fs::read(&self.path)
                .map(|bytes| bytes.iter().filter(|b| **b == b'\n').count())
                .unwrap_or(1),
        };
        self.approx_lines = Some(lines);
        if lines > self.cap + self.slack() {
            self.rotate()?;
        }
        Ok(())
    }

    fn append_raw(&self, line: &[u8]) -> Result<(), StoreError> {
        let io = |err| StoreError::io(&self.path, err);
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            create_private_dir(dir).map_err(io)?;
        }
        let shared = FileLock::shared(&self.lock_path).map_err(io)?;
        let mut file = self.open_for_append().map_err(io)?;
        let _lock = if ends_with_newline(&file).map_err(io)? {
            shared
        } else {
            // No newline at the end: another appender's line in flight, or a line a crash cut
            // short. Alone under the exclusive lock nothing is in flight, so a missing newline
            // is a cut line: end it, or this entry would be glued to it and lost with it.
            drop(shared);
            let exclusive = FileLock::exclusive(&self.lock_path).map_err(io)?;
            file = self.open_for_append().map_err(io)?; // rotation may have replaced it
            if !ends_with_newline(&file).map_err(io)? {
                file.write_all(b"\n").map_err(io)?;
            }
            exclusive
        };
        // One write call for the whole line: O_APPEND makes it land at the end, whole.
        let written = file.write(line).map_err(io)?;
        if written != line.len() {
            file.write_all(&line[written..]).map_err(io)?;
        }
        Ok(())
    }

    fn open_for_append(&self) -> std::io::Result<std::fs::File> {
        let mut options = OpenOptions::new();
        // Readable too: the last byte tells whether a crash cut the last line.
        options.read(true).append(true).create(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        open_regular(&mut options, &self.path)
    }

    fn slack(&self) -> usize {
        (self.cap / 10).max(1)
    }

    /// Keeps the newest `cap` lines. Returns how many were dropped.
    pub fn rotate(&mut self) -> Result<usize, StoreError> {
        let io = |err| StoreError::io(&self.path, err);
        let _exclusive = FileLock::exclusive(&self.lock_path).map_err(io)?;
        let bytes = match std::fs::read(&self.path) {
            Ok(bytes) => bytes,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(0),
            Err(err) => return Err(io(err)),
        };
        let lines: Vec<&[u8]> = bytes
            .split_inclusive(|b| *b == b'\n')
            .filter(|l| l.ends_with(b"\n"))
            .collect();
        if lines.len() <= self.cap {
            self.approx_lines = Some(lines.len());
            return Ok(0);
        }
        let dropped = lines.len() - self.cap;
        let kept: Vec<u8> = lines[dropped..].concat();
        write_atomic(&self.path, &kept, Some(0o600)).map_err(io)?;
        self.approx_lines = Some(self.cap);
        Ok(dropped)
    }

    /// Deletes the newest line holding `entry`, under the exclusive lock (appenders wait),
    /// by rewriting the file atomically. `false` when no line holds it (not written yet, or
    /// rotated out); lines that do not parse are kept as they are.
    pub fn remove(&mut self, entry: &HistoryEntry) -> Result<bool, StoreError> {
        let io = |err| StoreError::io(&self.path, err);
        let _exclusive = FileLock::exclusive(&self.lock_path).map_err(io)?;
        let bytes = match std::fs::read(&self.path) {
            Ok(bytes) => bytes,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(false),
            Err(err) => return Err(io(err)),
        };
        let lines: Vec<&[u8]> = bytes.split_inclusive(|b| *b == b'\n').collect();
        let Some(at) = lines.iter().rposition(|line| {
            serde_json::from_slice::<HistoryEntry>(line).is_ok_and(|parsed| parsed == *entry)
        }) else {
            return Ok(false);
        };
        let kept: Vec<u8> = lines
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != at)
            .flat_map(|(_, line)| line.iter().copied())
            .collect();
        write_atomic(&self.path, &kept, Some(0o600)).map_err(io)?;
        self.approx_lines = Some(lines.len() - 1);
        Ok(true)
    }

    /// Every readable entry, newest first. Lines that do not parse are skipped and reported
    /// in one notice (the file is left as it is); a last line still being written is ignored.
    pub fn load(&self) -> (Vec<HistoryEntry>, Vec<Notice>) {
        self.load_recent(usize::MAX)
    }

    /// The newest `limit` readable entries, newest first: parses only what it returns, so the
    /// first screen can show history at once while the full load runs in the background.
    pub fn load_recent(&self, limit: usize) -> (Vec<HistoryEntry>, Vec<Notice>) {
        let (bytes, first_line) = match read_tail(&self.path, limit) {
            Ok(tail) => tail,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return (vec![], vec![]),
            Err(err) => {
                return (
                    vec![],
                    vec![Notice::new(
                        Some(&self.path),
                        None,
                        format!("cannot read: {err}"),
                    )],
                )
            }
        };
        let lines: Vec<&[u8]> = bytes.split_inclusive(|b| *b == b'\n').collect();
        let mut entries = Vec::new();
        let mut bad: Vec<usize> = Vec::new();
        for (index, line) in lines.iter().enumerate().rev() {
            if entries.len() >= limit {
                break;
            }
            let complete = line.ends_with(b"\n");
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            match serde_json::from_slice::<HistoryEntry>(line) {
                Ok(entry) => entries.push(entry),
                Err(_) if !complete => {}
                Err(_) => bad.push(first_line.map_or(0, |first| first + index)),
            }
        }
        let notices = match bad.last() {
            Some(first) => vec![Notice::new(
                Some(&self.path),
                Some(*first).filter(|line| *line > 0),
                format!(
                    "{} line(s) are not history entries and were skipped",
                    bad.len()
                ),
            )],
            None => vec![],
        };
        (entries, notices)
    }
}

/// The end of the file holding at least `lines` complete lines (the whole file when shorter),
/// and the 1-based number of its first line when known (i.e. when it starts at the file's
/// start). Reading from the end keeps a short load short however long the log is.
fn read_tail(path: &Path, lines: usize) -> std::io::Result<(Vec<u8>, Option<usize>)> {
    use std::io::{Read, Seek, SeekFrom};
    const CHUNK: u64 = 64 * 1024;
    let mut file = open_regular(OpenOptions::new().read(true), path)?;
    let len = file.metadata()?.len();
    let mut start = len;
    let mut tail: Vec<u8> = Vec::new();
    while start > 0 {
        let step = CHUNK.min(start);
        start -= step;
        file.seek(SeekFrom::Start(start))?;
        let mut chunk = vec![0u8; step as usize];
        file.read_exact(&mut chunk)?;
        chunk.extend_from_slice(&tail);
        tail = chunk;
        // One more newline than wanted: the first (partial) line is then dropped whole.
        if lines != usize::MAX && tail.iter().filter(|b| **b == b'\n').count() > lines {
            break;
        }
    }
    if start == 0 {
        return Ok((tail, Some(1)));
    }
    let cut = tail.iter().position(|b| *b == b'\n').map_or(0, |i| i + 1);
    Ok((tail.split_off(cut), None))
}

/// Whether the file is empty or ends with a newline (read with `pread`: the append offset is
/// left alone).
fn ends_with_newline(file: &std::fs::File) -> std::io::Result<bool> {
    let len = file.metadata()?.len();
    if len == 0 {
        return Ok(true);
    }
    let mut last = [0u8; 1];
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileExt;
        file.read_exact_at(&mut last, len - 1)?;
    }
    #[cfg(not(unix))]
    {
        use std::io::{Read, Seek, SeekFrom};
        let mut file = file;
        file.seek(SeekFrom::Start(len - 1))?;
        file.read_exact(&mut last)?;
    }
    Ok(last[0] == b'\n')
}

fn lock_path(path: &Path) -> PathBuf {
    let mut name = path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_else(|| "history.jsonl".into());
    name.push(".lock");
    path.with_file_name(name)
}

/// The history panel's list: entries newest first, with their search text prepared once, so
/// filtering 10,000 entries per keystroke stays cheap.
#[derive(Debug, Clone, Default)]
pub struct HistoryIndex {
    entries: Vec<HistoryEntry>,
    lowered: Vec<String>,
}

impl HistoryIndex {
    /// From entries newest first (as [`History::load`] returns them).
    pub fn new(entries: Vec<HistoryEntry>) -> HistoryIndex {
        let lowered = entries.iter().map(|e| e.summary().to_lowercase()).collect();
        HistoryIndex { entries, lowered }
    }

    /// Takes the entry at `index` out of the list.
    pub fn remove(&mut self, index: usize) -> Option<HistoryEntry> {
        if index >= self.entries.len() {
            return None;
        }
        self.lowered.remove(index);
        Some(self.entries.remove(index))
    }

    /// Adds a check just made, at the top.
    pub fn push_newest(&mut self, entry: HistoryEntry) {
        self.lowered.insert(0, entry.summary().to_lowercase());
        self.entries.insert(0, entry);
    }

    pub fn entries(&self) -> &[HistoryEntry] {
        &self.entries
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Indices into [`HistoryIndex::entries`] matching `query` and, when given, the
    /// environment; best match first, newest first among equals.
    pub fn filter(&self, query: &str, environment: Option<&str>) -> Vec<usize> {
        filter::rank_prepared(query, &self.lowered, |i| {
            environment.is_none_or(|env| self.entries[i].environment == env)
        })
    }
}

/// Entries matching `query` (see [`filter::score`]) and, when given, the environment; best
/// match first, newest first among equals. An empty query keeps the input order. For a list
/// filtered on every keystroke, use [`HistoryIndex`].
pub fn filter<'a>(
    entries: &'a [HistoryEntry],
    query: &str,
    environment: Option<&str>,
) -> Vec<&'a HistoryEntry> {
    let in_env: Vec<&HistoryEntry> = entries
        .iter()
        .filter(|e| environment.is_none_or(|env| e.environment == env))
        .collect();
    filter::rank(query, &in_env, |e| e.summary())
        .into_iter()
        .map(|i| in_env[i])
        .collect()
}

/// Latencies (µs) per environment, oldest to newest, at most `per_env` each, from entries given
/// newest first (as [`History::load`] returns them). Only checks that got an HTTP answer count.
pub fn latency_series(entries: &[HistoryEntry], per_env: usize) -> BTreeMap<String, Vec<u64>> {
    let mut series: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    // Only the form's own answered checks: what-if and compare sides are other measurements.
    for entry in entries
        .iter()
        .filter(|e| e.status.is_some() && e.origin.is_check())
    {
        let samples = series.entry(entry.environment.clone()).or_default();
        if samples.len() < per_env {
            samples.push(entry.latency_us);
        }
    }
    for samples in series.values_mut() {
        samples.reverse();
    }
    series
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use serde_json::json;

    pub(crate) fn entry(env: &str, user: &str, allow: bool, latency_us: u64) -> HistoryEntry {
        HistoryEntry {
            time: time::now_rfc3339(),
            environment: env.to_string(),
            endpoint: default_endpoint(),
            request: raw_request(
                &json!({"user": {"key": user}, "action": "read", "resource": {"type": "document", "tenant": "default"}}),
            ),
            decision: Some(allow),
            codes: vec!["rbac:ALLOWED_BY_ROLE".to_string()],
            status: Some(200),
            error_kind: None,
            latency_us,
            origin: Origin::Check,
        }
    }

    #[test]
    fn remove_deletes_one_line_and_keeps_the_rest_byte_for_byte() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.jsonl");
        let mut history = History::open(&path);
        let (a, b) = (
            entry("dev", "alice", true, 1),
            entry("dev", "bob", false, 2),
        );
        history.append(&a).unwrap();
        history.append(&b).unwrap();
        history.append(&a).unwrap();
        // A line someone broke stays as it was.
        std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap()
            .write_all(b"not json\n")
            .unwrap();
        assert!(history.remove(&b).unwrap());
        assert!(!history.remove(&b).unwrap(), "nothing left to remove");
        // Of two identical entries, the newest goes.
        assert!(history.remove(&a).unwrap());
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.lines().count(), 2, "{text}");
        assert!(text.ends_with("not json\n"), "{text}");
        let (left, _) = history.load();
        assert_eq!(left, vec![a]);
    }

    #[test]
    fn appends_load_newest_first_and_filter() {
        let dir = tempfile::tempdir().unwrap();
        let mut history = History::open(&dir.path().join("data/history.jsonl"));
        history.append(&entry("dev", "alice", true, 10)).unwrap();
        history.append(&entry("prod", "bob", false, 20)).unwrap();
        history.append(&entry("dev", "carol", true, 30)).unwrap();
        let (entries, notices) = history.load();
        assert!(notices.is_empty());
        let users: Vec<_> = entries
            .iter()
            .map(|e| e.query().unwrap().user.key)
            .collect();
        assert_eq!(users, ["carol", "bob", "alice"]);
        let hits = filter(&entries, "BOB deny", None);
        assert_eq!(hits.len(), 1);
        let mut index = HistoryIndex::new(entries.clone());
        assert_eq!(index.filter("bob deny", None), vec![1]);
        assert_eq!(index.filter("", Some("dev")), vec![0, 2]);
        index.push_newest(entry("prod", "dave", true, 40));
        assert_eq!(index.filter("", Some("prod")), vec![0, 2]);
        assert_eq!(index.entries()[0].query().unwrap().user.key, "dave");
        assert_eq!(filter(&entries, "", Some("dev")).len(), 2);
        let series = latency_series(&entries, 10);
        assert_eq!(series["dev"], [10, 30]);
        assert_eq!(series["prod"], [20]);
        assert_eq!(latency_series(&entries, 1)["dev"], [30]);
        let (recent, _) = history.load_recent(2);
        assert_eq!(recent, entries[..2]);
    }

    #[test]
    fn what_if_and_compare_checks_stay_out_of_the_latency_series_after_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.jsonl");
        let mut history = History::open(&path);
        history.append(&entry("dev", "alice", true, 10)).unwrap();
        for (origin, latency) in [(Origin::WhatIf, 900), (Origin::Compare, 800)] {
            let side_check = HistoryEntry {
                origin,
                ..entry("dev", "alice", true, latency)
            };
            history.append(&side_check).unwrap();
        }
        // A restart rebuilds the latency panel from the file.
        let (entries, _) = History::open(&path).load();
        assert_eq!(entries.len(), 3, "every check is in the history");
        assert_eq!(latency_series(&entries, 10)["dev"], [10]);
        let origins: Vec<Origin> = entries.iter().map(|e| e.origin).collect();
        assert_eq!(origins, [Origin::Compare, Origin::WhatIf, Origin::Check]);
        let text = std::fs::read_to_string(&path).unwrap();
        let first = text.lines().next().unwrap();
        assert!(
            !first.contains("origin"),
            "a plain check's line stays as before: {first}"
        );
    }

    #[test]
    fn the_summary_tells_apart_checks_that_differ_only_in_attributes() {
        let with = |request: serde_json::Value| HistoryEntry {
            request: raw_request(&request),
            ..entry("dev", "ghost", false, 10)
        };
        let low = with(json!({
            "user": {"key": "ghost", "attributes": {"clearance": 1, "department": "eng"}},
            "action": "read",
            "resource": {"type": "document", "key": "d1", "tenant": "acme",
                         "attributes": {"sensitivity": "high"}},
            "context": {"ip": "10.0.0.1"}
        }));
        assert_eq!(
            low.summary(),
            "dev ghost read document:d1 acme clearance=1 department=eng \
             resource.sensitivity=high context.ip=10.0.0.1 deny rbac:ALLOWED_BY_ROLE"
        );
        let plain = entry("dev", "ghost", false, 10);
        assert_eq!(
            plain.summary(),
            "dev ghost read document default deny rbac:ALLOWED_BY_ROLE"
        );
        // The attributes can be searched for.
        let index = HistoryIndex::new(vec![plain, low]);
        assert_eq!(index.filter("clearance=1", None), vec![1]);
    }

    #[test]
    fn rotation_keeps_the_newest() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.jsonl");
        let mut history = History::with_cap(&path, 100);
        for i in 0..250u64 {
            history
                .append(&entry("dev", &format!("u{i}"), true, i))
                .unwrap();
            let lines = std::fs::read_to_string(&path).unwrap().lines().count();
            assert!(lines <= 110, "{lines} lines after {i} appends");
        }
        history.rotate().unwrap();
        let (entries, _) = history.load();
        assert_eq!(entries.len(), 100);
        for n in [0, 1, 7, 99, 100, 500] {
            let (recent, notices) = history.load_recent(n);
            assert_eq!(recent, entries[..n.min(100)], "load_recent({n})");
            assert!(notices.is_empty());
        }
        assert_eq!(entries[0].latency_us, 249);
        assert_eq!(entries[99].latency_us, 150);
    }

    #[test]
    fn recent_entries_come_from_the_tail_of_a_long_log() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.jsonl");
        let mut history = History::open(&path);
        for i in 0..1500u64 {
            history
                .append(&entry("dev", &format!("u{i}"), true, i))
                .unwrap();
        }
        assert!(std::fs::metadata(&path).unwrap().len() > 3 * 64 * 1024);
        let (recent, notices) = history.load_recent(5);
        assert!(notices.is_empty());
        let seen: Vec<u64> = recent.iter().map(|e| e.latency_us).collect();
        assert_eq!(seen, [1499, 1498, 1497, 1496, 1495]);
        assert_eq!(history.load().0.len(), 1500);
    }

    #[test]
    fn bad_lines_are_skipped_and_reported() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.jsonl");
        let good = serde_json::to_string(&entry("dev", "a", true, 1)).unwrap();
        std::fs::write(&path, format!("{good}\nnot json\n{good}\n{{\"partial")).unwrap();
        let (entries, notices) = History::open(&path).load();
        assert_eq!(entries.len(), 2);
        assert_eq!(notices.len(), 1);
        assert_eq!(notices[0].line, Some(2));
    }

    #[test]
    fn an_entry_after_a_line_cut_short_by_a_crash_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.jsonl");
        let good = serde_json::to_string(&entry("dev", "a", true, 1)).unwrap();
        // A crash mid-write leaves the last line without its newline.
        std::fs::write(&path, format!("{good}\n{{\"time\":\"2026-")).unwrap();
        let mut history = History::open(&path);
        history
            .append(&entry("dev", "after-crash", true, 2))
            .unwrap();
        let (entries, notices) = history.load();
        let latencies: Vec<u64> = entries.iter().map(|e| e.latency_us).collect();
        assert_eq!(
            latencies,
            [2, 1],
            "the new entry must not be glued to the cut line"
        );
        assert_eq!(notices.len(), 1, "the cut line is reported as skipped");
    }

    #[cfg(unix)]
    #[test]
    fn history_and_its_lock_are_never_written_through_a_planted_symlink() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim.txt");
        std::fs::write(&victim, "precious\n").unwrap();
        let path = dir.path().join("history.jsonl");
        std::os::unix::fs::symlink(&victim, &path).unwrap();
        let err = History::open(&path)
            .append(&entry("dev", "a", true, 1))
            .unwrap_err();
        assert!(err.to_string().contains("symbolic link"), "{err}");
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious\n");

        // The lock file too: a link planted where it goes must not create its target.
        let other = dir.path().join("other.jsonl");
        let lock_target = dir.path().join("created-by-lock");
        std::os::unix::fs::symlink(&lock_target, lock_path(&other)).unwrap();
        let err = History::open(&other)
            .append(&entry("dev", "a", true, 1))
            .unwrap_err();
        assert!(err.to_string().contains("symbolic link"), "{err}");
        assert!(!lock_target.exists(), "the lock followed the link");
        assert!(!other.exists());
    }
}

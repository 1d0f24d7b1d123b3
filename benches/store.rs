//! Store costs that bear on the explorer's start-up and typing latency: loading and filtering
//! 10,000 history entries, rebuilding latency series, one append, filtering 1,000 presets.
//! Run: `cargo bench --bench store`.

use criterion::{criterion_group, criterion_main, Criterion};
use permit_tui::pdp::CheckInput;
use permit_tui::store::history::{filter, latency_series, History, HistoryEntry, HistoryIndex};
use permit_tui::store::{Preset, Presets};
use serde_json::json;

fn entry(i: usize) -> HistoryEntry {
    let action = ["read", "write", "delete"][i % 3];
    HistoryEntry {
        time: "2026-11-25T18:00:00.000Z".to_string(),
        environment: ["sandbox-dev", "sandbox-prod", "prod"][i % 3].to_string(),
        endpoint: "/allowed".to_string(),
        request: permit_tui::store::history::raw_request(&json!({
            "user": {"key": format!("user-{i}"), "attributes": {"department": "engineering", "clearance": 3}},
            "action": action,
            "resource": {"type": "document", "key": format!("doc-{i}"), "tenant": "acme",
                         "attributes": {"classification": "internal"}},
            "context": {"ip": "10.0.0.1"}
        })),
        decision: Some(i.is_multiple_of(2)),
        codes: vec![
            "rbac:ALLOWED_BY_ROLE".to_string(),
            "abac:NO_MATCHING_RULE".to_string(),
        ],
        status: Some(200),
        error_kind: None,
        latency_us: 300 + (i % 500) as u64,
        origin: Default::default(),
    }
}

fn history(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("history.jsonl");
    let mut history = History::open(&path);
    for i in 0..10_000 {
        history.append(&entry(i)).expect("append");
    }
    let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    eprintln!("history.jsonl with 10,000 entries: {bytes} bytes");

    c.bench_function("history_load_10k", |b| b.iter(|| history.load()));
    c.bench_function("history_load_recent_200_of_10k", |b| {
        b.iter(|| history.load_recent(200))
    });
    let (entries, _) = history.load();
    c.bench_function("history_filter_10k_substring", |b| {
        b.iter(|| filter(&entries, "user-99 write", None).len())
    });
    c.bench_function("history_filter_10k_env_only", |b| {
        b.iter(|| filter(&entries, "", Some("prod")).len())
    });
    c.bench_function("history_index_build_10k", |b| {
        b.iter(|| HistoryIndex::new(entries.clone()).len())
    });
    let index = HistoryIndex::new(entries.clone());
    c.bench_function("history_index_filter_10k_substring", |b| {
        b.iter(|| index.filter("user-99 write", None).len())
    });
    c.bench_function("history_index_filter_10k_subsequence", |b| {
        b.iter(|| index.filter("usr9 wrt", None).len())
    });
    c.bench_function("latency_series_10k", |b| {
        b.iter(|| latency_series(&entries, 500))
    });

    let append_dir = tempfile::tempdir().expect("temp dir");
    let mut appender = History::with_cap(&append_dir.path().join("h.jsonl"), 1_000_000);
    let one = entry(7);
    c.bench_function("history_append_one", |b| {
        b.iter(|| appender.append(&one).expect("append"))
    });
}

fn presets(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut presets, _) = Presets::load(&dir.path().join("presets.toml"));
    let mut all = Vec::new();
    for i in 0..1_000 {
        all.push(Preset {
            name: format!("{} reads document {i}", ["alice", "bob", "carol"][i % 3]),
            input: CheckInput {
                user: ["alice", "bob", "carol"][i % 3].to_string(),
                action: "read".to_string(),
                resource: format!("document:{i}"),
                ..CheckInput::default()
            },
            ..Preset::default()
        });
    }
    // One write for the whole set, as an import would do.
    let file = dir.path().join("many.toml");
    let (mut staging, _) = Presets::load(&file);
    for p in all {
        let _ = staging.save(p, true);
    }
    let _ = presets.import_from(&file, permit_tui::store::presets::OnConflict::Replace);
    c.bench_function("presets_filter_1k_subsequence", |b| {
        b.iter(|| presets.filter("bo rd 99").len())
    });
    c.bench_function("presets_load_1k", |b| {
        b.iter(|| Presets::load(&file).0.all().len())
    });
}

criterion_group!(benches, history, presets);
criterion_main!(benches);

//! The store's promises about files: secrets stay in `config.toml` (0600), broken files are
//! never overwritten, and an unwritable config directory leaves a working store.

// A test unwraps: a failure there is the test failing, with its message.
#![allow(clippy::unwrap_used)]
// libc calls (the euid, a pty, signals) are what this test exercises.
#![allow(unsafe_code)]

use std::path::{Path, PathBuf};

use permit_tui::pdp::CheckInput;
use permit_tui::store::presets::OnConflict;
use permit_tui::store::{
    Config, EnvironmentConfig, Expectation, HistoryEntry, HistoryWriter, Paths, Preset, Store,
};
use permit_tui::targets;

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push(path);
        }
    }
    out
}

fn preset(name: &str) -> Preset {
    Preset {
        name: name.to_string(),
        input: CheckInput {
            user: "alice".into(),
            action: "read".into(),
            resource: "document:1".into(),
            context: "{\"ip\": \"10.0.0.1\"}".into(),
            ..CheckInput::default()
        },
        expect: Some(Expectation::Deny),
        expect_code: Some("NO_ROLE".into()),
        environment: Some("prod".into()),
    }
}

#[tokio::test]
async fn after_checks_and_preset_saves_only_config_toml_holds_the_key_and_it_is_0600() {
    let sandbox = targets::running_sandbox().await.unwrap();
    let dev = sandbox
        .environments
        .iter()
        .find(|e| e.key == "dev")
        .unwrap();
    let key = dev.api_key.clone();
    let root = tempfile::tempdir().unwrap();
    let paths = Paths {
        config_dir: root.path().join("config"),
        data_dir: root.path().join("data"),
    };
    let (mut store, notices) = Store::open(paths.clone());
    assert!(notices.is_empty(), "{notices:?}");

    store.config.upsert(EnvironmentConfig {
        name: "prod".into(),
        pdp_url: sandbox.url.clone(),
        api_url: sandbox.url.clone(),
        key: Some(key.clone()),
        key_env: None,
        project: Some("sandbox".into()),
        environment: Some("dev".into()),
    });
    store.config.active = Some("prod".into());
    store.config.save().unwrap();

    let target = targets::resolve(None, &store.config).await.unwrap();
    for p in [preset("one"), preset("two")] {
        let query = p.input.to_query().unwrap();
        let exchange = target
            .client(std::time::Duration::from_secs(5))
            .unwrap()
            .check(&query)
            .await;
        assert_eq!(exchange.status, Some(200));
        store
            .history
            .append(&HistoryEntry::from_check(&target.name, &query, &exchange))
            .unwrap();
        assert_eq!(store.presets.save(p, false), Ok(None));
    }
    store.presets.duplicate("one", None).unwrap();
    let export = paths.config_dir.join("shared-presets.toml");
    store.presets.export_to(&export, None).unwrap();
    store
        .presets
        .import_from(&export, OnConflict::Rename)
        .unwrap();

    let mut checked = 0;
    for dir in [&paths.config_dir, &paths.data_dir] {
        for file in files_under(dir) {
            let bytes = std::fs::read(&file).unwrap();
            let holds_key = bytes.windows(key.len()).any(|w| w == key.as_bytes());
            let is_config = file == paths.config_file();
            assert_eq!(
                holds_key,
                is_config,
                "{} holds the key: {holds_key}",
                file.display()
            );
            checked += 1;
        }
    }
    assert!(
        checked >= 4,
        "expected config, presets, export and history; saw {checked}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(paths.config_file())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let (history, _) = store.history.load();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0].environment, "prod");
}

#[test]
fn a_corrupt_presets_file_survives_a_session_byte_for_byte() {
    let root = tempfile::tempdir().unwrap();
    let paths = Paths::in_dir(root.path());
    let text = "# mine\n[[presets]]\nname = \"good\"\nuser = \"alice\"\naction = \"read\"\nresource = \"doc\"\n\n[[presets]]\nname = \"broken\"\nuser = alice\n";
    std::fs::write(paths.presets_file(), text).unwrap();

    let (mut store, notices) = Store::open(paths.clone());
    let notice = notices
        .iter()
        .find(|n| n.file.as_deref() == Some(paths.presets_file().as_path()))
        .unwrap_or_else(|| panic!("no notice about presets.toml in {notices:?}"));
    assert_eq!(notice.line, Some(10), "{notice}");
    assert!(notice.to_string().contains("presets.toml:10:"), "{notice}");
    assert_eq!(
        store.presets.all().len(),
        1,
        "the good preset is still loaded"
    );

    // The session goes on: saves work in memory, and say the file was left alone.
    let saved = store.presets.save(preset("new"), false).unwrap();
    let saved = saved.expect("a notice that the file was not overwritten");
    assert_eq!(saved.line, Some(10), "{saved}");
    store.presets.rename("good", "better").unwrap();
    store.presets.delete("new").unwrap();
    assert_eq!(store.presets.all().len(), 1);
    assert_eq!(std::fs::read_to_string(paths.presets_file()).unwrap(), text);
}

/// Makes `dir` impossible to write into. As root, permissions do not stop writes, so the
/// directory is placed under a regular file instead (creating it fails the same way).
fn unwritable_dir(root: &Path) -> PathBuf {
    #[cfg(unix)]
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        use std::os::unix::fs::PermissionsExt;
        let dir = root.join("ro");
        std::fs::create_dir(&dir).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o500)).unwrap();
        return dir;
    }
    let blocker = root.join("a-file");
    std::fs::write(&blocker, b"").unwrap();
    blocker.join("config")
}

#[test]
fn an_unwritable_config_dir_gives_a_notice_and_a_working_store() {
    let root = tempfile::tempdir().unwrap();
    let paths = Paths {
        config_dir: unwritable_dir(root.path()),
        data_dir: root.path().join("data"),
    };
    let (mut store, notices) = Store::open(paths.clone());
    assert!(
        notices
            .iter()
            .any(|n| n.file.as_deref() == Some(paths.config_dir.as_path())
                && n.message.contains("not writable")),
        "{notices:?}"
    );
    let notice = store.presets.save(preset("p"), false).unwrap();
    assert!(
        notice.is_some(),
        "a notice that the preset is kept for this session only"
    );
    assert_eq!(store.presets.get("p"), Some(&preset("p")));
    assert!(store.config.save().is_err());
    assert!(targets::summaries(&store.config)
        .iter()
        .any(|s| s.is_active));
    // History lives in the data dir and still works.
    let query = preset("p").input.to_query().unwrap();
    let entry = HistoryEntry {
        time: permit_tui::store::time::now_rfc3339(),
        environment: "sandbox-dev".into(),
        endpoint: "/allowed".into(),
        request: permit_tui::store::history::raw_request(&query),
        decision: Some(true),
        codes: vec![],
        status: Some(200),
        error_kind: None,
        latency_us: 5,
        origin: Default::default(),
    };
    store.history.append(&entry).unwrap();
    assert_eq!(store.history.load().0.len(), 1);
    let (config, _) = Config::load(&paths);
    assert!(config.environments.is_empty());
}

#[test]
fn a_key_pasted_into_a_form_field_is_masked_in_presets_history_and_exports() {
    let key = format!("permit_key_{}", "Zz09".repeat(24));
    let root = tempfile::tempdir().unwrap();
    let paths = Paths::in_dir(root.path());
    let (mut store, _) = Store::open(paths.clone());
    let mut p = preset("pasted");
    p.input.context = format!("{{\"token\": \"{key}\"}}");
    store.presets.save(p.clone(), false).unwrap();
    let export = root.path().join("export.toml");
    store.presets.export_to(&export, None).unwrap();
    let query = p.input.to_query().unwrap();
    let entry = HistoryEntry {
        time: permit_tui::store::time::now_rfc3339(),
        environment: "sandbox-dev".into(),
        endpoint: "/allowed".into(),
        request: permit_tui::store::history::raw_request(&query),
        decision: Some(false),
        codes: vec![],
        status: Some(200),
        error_kind: None,
        latency_us: 1,
        origin: Default::default(),
    };
    store.history.append(&entry).unwrap();
    for file in files_under(root.path()) {
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(!text.contains(&key), "{} holds the key", file.display());
    }
    // The files still parse, with the key masked.
    let (reloaded, notices) = permit_tui::store::Presets::load(&paths.presets_file());
    assert!(notices.is_empty(), "{notices:?}");
    assert!(reloaded
        .get("pasted")
        .unwrap()
        .input
        .context
        .contains("permit_key_…Zz09"));
    assert_eq!(store.history.load().0.len(), 1);
}

#[tokio::test]
async fn an_unwritable_data_dir_is_reported_once_and_checks_go_on() {
    let root = tempfile::tempdir().unwrap();
    let paths = Paths {
        config_dir: root.path().join("config"),
        data_dir: unwritable_dir(root.path()),
    };
    let (mut store, notices) = Store::open(paths.clone());
    assert!(
        notices
            .iter()
            .any(|n| n.message.contains("history will not be saved")),
        "{notices:?}"
    );
    let target = targets::resolve(Some("sandbox-dev"), &store.config)
        .await
        .unwrap();
    let query = preset("p").input.to_query().unwrap();
    let exchange = target
        .client(std::time::Duration::from_secs(5))
        .unwrap()
        .check(&query)
        .await;
    assert_eq!(exchange.status, Some(200));
    let failures = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let heard = failures.clone();
    let mut writer = HistoryWriter::start(store.history.clone(), move |err| {
        heard.lock().unwrap().push(err.to_notice().to_string())
    });
    for _ in 0..2 {
        writer.append(HistoryEntry::from_check(&target.name, &query, &exchange));
    }
    writer.finish();
    let failures = failures.lock().unwrap();
    assert_eq!(failures.len(), 1, "told once: {failures:?}");
    assert!(failures[0].contains("history.jsonl"), "{failures:?}");
    // Presets live in the config dir, which is fine.
    assert_eq!(store.presets.save(preset("p"), false), Ok(None));
}

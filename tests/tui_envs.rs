//! Environments, presets and history in the explorer, through the whole loop (`run_loop` on
//! `TestBackend`) against the in-process sandbox, with the store in a temp directory.
//! Every wait is bounded by `tokio::time::timeout`.

// A test unwraps: a failure there is the test failing, with its message.
#![allow(clippy::unwrap_used)]

use std::path::Path;

use crossterm::event::{Event, KeyCode, KeyModifiers};
use permit_tui::store::Paths;
use permit_tui::tui::app::{App, Focus, Settings};
use permit_tui::tui::bootstrap::prepare_in;
use permit_tui::tui::ExplorerArgs;

mod common;
use common::Harness;

async fn boot(dir: &Path) -> App {
    boot_in(Paths::in_dir(dir)).await
}

/// The explorer as the binary starts it, on the store at `paths`.
async fn boot_in(paths: Paths) -> App {
    let mut boot = prepare_in(&ExplorerArgs::default(), paths)
        .await
        .expect("boot");
    boot.app(Settings {
        color: false,
        ..Settings::default()
    })
}

/// A first start in `dir` (no environment configured), on screen: `sandbox-dev` selected.
async fn first_start(dir: &Path) -> Harness {
    let app = boot(dir).await;
    assert_eq!(app.targets[app.current].target.name, "sandbox-dev");
    let mut h = Harness::start(app);
    h.wait_for("first frame", |s| s.contains("sandbox-dev"))
        .await;
    h
}

/// Every file under `dir`, recursively.
fn files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn org_key_walks_the_picker_to_a_working_environment_saved_0600() {
    let dir = tempfile::tempdir().unwrap();
    let app = boot(dir.path()).await;
    let sandbox = permit_tui::targets::running_sandbox().await.unwrap();
    let (url, org_key) = (sandbox.url.clone(), sandbox.org_api_key.clone());
    let mut h = Harness::start(app);
    h.wait_for("first frame", |s| s.contains("sandbox-dev"))
        .await;

    h.key_mod(KeyCode::Char('e'), KeyModifiers::ALT);
    h.wait_for("the picker", |s| s.contains("+ Add environment"))
        .await;
    h.type_text("a");
    h.wait_for("the key step", |s| s.contains("Paste an API key"))
        .await;
    h.send(Event::Paste(org_key.clone()));
    let screen = h
        .wait_for("the masked key", |s| s.contains("Key •••"))
        .await;
    assert!(!screen.contains(&org_key), "key shown in clear:\n{screen}");
    h.key(KeyCode::Enter);
    h.wait_for("the API step", |s| s.contains("Permit API (US)"))
        .await;
    h.type_text(&url);
    h.key(KeyCode::Enter);
    h.wait_for("the PDP step", |s| s.contains("Cloud PDP (US)"))
        .await;
    h.type_text(&url);
    h.key(KeyCode::Enter);
    // The sandbox has one project: that step is skipped; dev and prod are offered.
    let screen = h
        .wait_for("the environment step", |s| {
            s.contains("Choose an environment")
        })
        .await;
    assert!(
        screen.contains("dev") && screen.contains("prod"),
        "{screen}"
    );
    h.key(KeyCode::Enter);
    // Found: it asks for a name, suggesting one that takes no sandbox name over.
    h.wait_for("the name step", |s| s.contains("Name sandbox-dev-2"))
        .await;
    for _ in 0.."sandbox-dev-2".len() {
        h.key(KeyCode::Backspace);
    }
    h.type_text("sandbox-prod");
    h.key(KeyCode::Enter);
    h.wait_for("a taken name refused", |s| {
        s.contains("`sandbox-prod` is taken: choose another name")
    })
    .await;
    for _ in 0.."sandbox-prod".len() {
        h.key(KeyCode::Backspace);
    }
    h.type_text("staging");
    h.key(KeyCode::Enter);
    let screen = h
        .wait_for("the new environment selected", |s| {
            s.contains("added and selected")
        })
        .await;
    assert!(!screen.contains(&org_key));
    h.key(KeyCode::F(5));
    let screen = h
        .wait_for("ALLOW on the new environment", |s| {
            s.contains("check #1") && s.contains("ALLOW")
        })
        .await;
    let app = h.quit().await;
    let current = &app.targets[app.current].target;
    assert!(!current.is_sandbox, "{current:?}");
    assert_eq!(current.name, "staging", "the name typed at the last step");
    assert!(app
        .targets
        .iter()
        .any(|t| t.target.name == "sandbox-dev" && t.target.is_sandbox));
    assert!(screen.contains(&current.name), "{screen}");
    let env_key = current.reveal_key().expect("env key fetched").to_string();
    assert_ne!(env_key, org_key, "the environment's own key is used");

    let config = dir.path().join("config.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    assert!(text.contains(&env_key));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&config).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    for file in files(dir.path()).into_iter().filter(|f| *f != config) {
        let bytes = std::fs::read(&file).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains(&env_key) && !text.contains(&org_key),
            "{} holds a key",
            file.display()
        );
    }
    let history = std::fs::read_to_string(dir.path().join("history.jsonl")).unwrap();
    assert_eq!(history.lines().count(), 1, "{history}");
    assert!(history.contains(&current.name));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn switch_save_preset_and_history_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = first_start(dir.path()).await;
    h.key(KeyCode::F(5));
    h.wait_for("ALLOW in dev", |s| {
        s.contains("check #1") && s.contains("ALLOW")
    })
    .await;

    // Save the form as a preset expecting allow.
    h.ctrl('s');
    h.wait_for("the save prompt", |s| s.contains("expect: allow"))
        .await;
    h.type_text("alice reads doc-1");
    h.key(KeyCode::Enter);
    h.wait_for("saved", |s| s.contains("Preset `alice reads doc-1` saved"))
        .await;

    // One key switches the environment.
    h.key_mod(KeyCode::Char('2'), KeyModifiers::ALT);
    h.wait_for("prod selected", |s| s.contains("Environment: sandbox-prod"))
        .await;
    h.key(KeyCode::F(5));
    h.wait_for("a check in prod", |s| s.contains("check #2"))
        .await;

    // Back to dev; the preset picker filters as you type and loads.
    h.key_mod(KeyCode::Char('1'), KeyModifiers::ALT);
    h.wait_for("dev selected", |s| s.contains("Environment: sandbox-dev"))
        .await;
    h.ctrl('u');
    h.key_mod(KeyCode::Char('p'), KeyModifiers::ALT);
    h.wait_for("the picker", |s| s.contains("1 of 1 presets"))
        .await;
    h.type_text("zzz");
    h.wait_for("nothing matches", |s| s.contains("0 of 1 presets"))
        .await;
    for _ in 0..3 {
        h.key(KeyCode::Backspace);
    }
    h.type_text("doc-1");
    h.wait_for("a match", |s| s.contains("1 of 1 presets"))
        .await;
    h.key(KeyCode::Enter);
    h.wait_for("loaded", |s| {
        s.contains("Preset `alice reads doc-1` loaded")
    })
    .await;
    h.key(KeyCode::F(5));
    h.wait_for("the verdict", |s| {
        s.contains("check #3") && s.contains("as expected")
    })
    .await;
    let app = h.quit().await;
    assert_eq!(app.text(permit_tui::tui::app::Field::User), "alice");
    let lines = std::fs::read_to_string(dir.path().join("history.jsonl")).unwrap();
    assert_eq!(lines.lines().count(), 3);

    // Restart: latency and history come back from history.jsonl.
    let app = boot(dir.path()).await;
    let per_env: Vec<(String, usize)> = app
        .targets
        .iter()
        .map(|t| (t.target.name.clone(), t.latencies.len()))
        .collect();
    assert!(
        per_env.contains(&("sandbox-dev".to_string(), 2)),
        "{per_env:?}"
    );
    assert!(
        per_env.contains(&("sandbox-prod".to_string(), 1)),
        "{per_env:?}"
    );
    assert_eq!(app.history.index.len(), 3);
    let mut h = Harness::start(app);
    h.key_mod(KeyCode::Char('h'), KeyModifiers::ALT);
    let screen = h
        .wait_for("the history panel", |s| s.contains("3 of 3 checks"))
        .await;
    assert!(screen.contains("sandbox-prod"), "{screen}");
    h.type_text("prod");
    h.wait_for("filtered", |s| s.contains("1 of 3 checks"))
        .await;
    // Enter re-runs it: in prod, and the switch is said, not silent.
    h.key(KeyCode::Enter);
    let screen = h
        .wait_for("the re-run", |s| {
            s.contains("check #1") && s.contains("HTTP 200")
        })
        .await;
    assert!(screen.contains("sandbox-prod"), "{screen}");
    assert!(
        screen.contains("Re-running in `sandbox-prod`, the entry's environment (was `sandbox-dev`"),
        "{screen}"
    );
    let app = h.quit().await;
    assert_eq!(app.targets[app.current].target.name, "sandbox-prod");
    assert_eq!(app.focus, Focus::Field(permit_tui::tui::app::Field::User));
    let lines = std::fs::read_to_string(dir.path().join("history.jsonl")).unwrap();
    assert_eq!(lines.lines().count(), 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_history_that_cannot_be_written_is_told_once_and_checks_go_on() {
    let dir = tempfile::tempdir().unwrap();
    // A file where the data dir should be: every append fails, for root too.
    let blocker = dir.path().join("not-a-dir");
    std::fs::write(&blocker, b"").unwrap();
    let paths = Paths {
        config_dir: dir.path().join("config"),
        data_dir: blocker.join("data"),
    };
    let mut h = Harness::start(boot_in(paths).await);
    h.wait_for("first frame", |s| s.contains("sandbox-dev"))
        .await;
    h.key(KeyCode::F(5));
    h.wait_for("the decision and the notice", |s| {
        s.contains("check #1") && s.contains("not saved (")
    })
    .await;
    h.key(KeyCode::F(5));
    h.wait_for("the second decision", |s| s.contains("check #2"))
        .await;
    let app = h.quit().await;
    let told: Vec<&str> = app
        .notices
        .iter()
        .map(|n| n.text.as_str())
        .filter(|t| t.contains("not saved ("))
        .collect();
    assert_eq!(told.len(), 1, "told once, not per check: {told:?}");
    assert!(told[0].contains("history.jsonl"), "{told:?}");
    assert_eq!(app.history.index.len(), 2, "the panel still lists both");
}

/// The first start, as the binary makes it: its sandbox environments (named `sandbox-dev`
/// and `sandbox-prod`) serve the schema behind the matrix and autocomplete.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_starts_sandbox_serves_the_matrix_and_autocomplete() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = first_start(dir.path()).await;
    h.key(KeyCode::F(8));
    let screen = h
        .wait_for("the filled matrix", |s| {
            s.contains("checks in one /allowed/bulk request,") || s.contains("No schema")
        })
        .await;
    assert!(!screen.contains("No schema"), "{screen}");
    h.key(KeyCode::Esc);
    h.wait_for("the form", |s| !s.contains("/allowed/bulk"))
        .await;
    h.ctrl('u');
    h.type_text("ali");
    h.wait_for("the popup", |s| s.contains("│ alice │")).await;
    h.quit().await;
}

/// A saved environment's schema comes from its own API URL (here the sandbox's REST slice),
/// found through its key's scope: not from Permit's US API.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saved_environment_fetches_its_schema_from_its_own_api_url() {
    let dir = tempfile::tempdir().unwrap();
    let sandbox = permit_tui::targets::running_sandbox().await.unwrap();
    let dev = sandbox
        .environments
        .iter()
        .find(|e| e.key == "dev")
        .unwrap();
    let (mut store, _) = permit_tui::store::Store::open(Paths::in_dir(dir.path()));
    store
        .config
        .update(|c| {
            c.upsert(permit_tui::store::EnvironmentConfig {
                name: "staging".into(),
                pdp_url: sandbox.url.clone(),
                api_url: sandbox.url.clone(),
                key: Some(dev.api_key.clone()),
                key_env: None,
                project: None,
                environment: None,
            });
            c.active = Some("staging".into());
        })
        .unwrap();
    let app = boot(dir.path()).await;
    assert_eq!(app.targets[app.current].target.name, "staging");
    let mut h = Harness::start(app);
    h.key(KeyCode::F(8));
    let screen = h
        .wait_for("the filled matrix", |s| {
            s.contains("checks in one /allowed/bulk request,") || s.contains("could not be filled")
        })
        .await;
    assert!(screen.contains("on staging"), "{screen}");
    assert!(!screen.contains("could not be filled"), "{screen}");
    h.quit().await;
}

/// Presets keep to what they say: an invalid form is not saved, the expected decision comes
/// only from an answer to this very form, and loading a preset returns to its environment.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn presets_refuse_an_invalid_form_expect_only_this_forms_answer_and_load_in_their_environment(
) {
    let dir = tempfile::tempdir().unwrap();
    let mut h = first_start(dir.path()).await;
    // The user field emptied: nothing to save.
    h.ctrl('u');
    h.ctrl('s');
    h.wait_for("the refusal", |s| {
        s.contains("Not saved: the form cannot be checked yet")
    })
    .await;
    h.type_text("alice");
    h.key(KeyCode::F(5));
    h.wait_for("ALLOW", |s| s.contains("check #1") && s.contains("ALLOW"))
        .await;
    // Edited after the answer: the answer is not this form's, so no expectation is offered.
    h.type_text("x");
    h.ctrl('s');
    h.wait_for("a prompt expecting nothing", |s| {
        s.contains("expect: nothing")
    })
    .await;
    h.key(KeyCode::Esc);
    h.key(KeyCode::Backspace);
    h.ctrl('s');
    h.wait_for("the prompt expecting allow", |s| {
        s.contains("expect: allow")
    })
    .await;
    h.type_text("alice in dev");
    h.key(KeyCode::Enter);
    h.wait_for("saved", |s| s.contains("Preset `alice in dev` saved"))
        .await;
    // From prod, loading it goes back to dev, where its expectation holds.
    h.key_mod(KeyCode::Char('2'), KeyModifiers::ALT);
    h.wait_for("prod", |s| s.contains("Environment: sandbox-prod"))
        .await;
    h.key_mod(KeyCode::Char('p'), KeyModifiers::ALT);
    let screen = h
        .wait_for("the picker", |s| s.contains("1 of 1 presets"))
        .await;
    assert!(
        screen.contains("sandbox-dev"),
        "the picker shows its environment:\n{screen}"
    );
    h.key(KeyCode::Enter);
    h.wait_for("loaded in dev", |s| {
        s.contains("Preset `alice in dev` loaded in its environment `sandbox-dev`")
    })
    .await;
    let app = h.quit().await;
    assert_eq!(app.targets[app.current].target.name, "sandbox-dev");
}

/// The history panel shows the selected check in full, and Ctrl-X deletes it from the panel
/// and from `history.jsonl`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn history_shows_the_selected_check_in_full_and_deletes_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = first_start(dir.path()).await;
    h.key(KeyCode::F(5));
    h.wait_for("check 1", |s| s.contains("check #1")).await;
    h.ctrl('u');
    h.type_text("bob");
    h.key(KeyCode::F(5));
    h.wait_for("check 2", |s| s.contains("check #2")).await;
    h.key_mod(KeyCode::Char('h'), KeyModifiers::ALT);
    let screen = h
        .wait_for("the panel with its detail", |s| {
            s.contains("2 of 2 checks") && s.contains("Selected check")
        })
        .await;
    assert!(
        screen.contains("in sandbox-dev (from the form)"),
        "{screen}"
    );
    assert!(screen.contains("request  POST /allowed"), "{screen}");
    assert!(
        screen.contains(r#"{"user":{"key":"bob"}"#),
        "the newest is selected:\n{screen}"
    );
    h.ctrl('x');
    let screen = h
        .wait_for("one left", |s| s.contains("1 of 1 checks"))
        .await;
    assert!(screen.contains(r#"{"user":{"key":"alice"}"#), "{screen}");
    let history = dir.path().join("history.jsonl");
    let deadline = std::time::Instant::now() + common::WAIT;
    loop {
        let text = std::fs::read_to_string(&history).unwrap_or_default();
        if text.lines().count() == 1 {
            assert!(text.contains(r#""key":"alice""#), "{text}");
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "not deleted from the file: {text}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    h.quit().await;
}

/// The picker manages environments (rename, a new PDP URL, remove with a second press), and
/// an environment added by `permit-tui env add` in another shell appears while it runs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_picker_renames_repoints_and_removes_and_sees_env_add_from_another_shell() {
    let dir = tempfile::tempdir().unwrap();
    let paths = Paths {
        config_dir: dir.path().join("config"),
        data_dir: dir.path().join("data"),
    };
    let config = paths.config_file();
    let mut boot = prepare_in(&ExplorerArgs::default(), paths).await.unwrap();
    let app = boot.app(Settings {
        color: false,
        health_every: std::time::Duration::from_millis(200),
        ..Settings::default()
    });
    let sandbox = permit_tui::targets::running_sandbox().await.unwrap();
    let url = sandbox.url.clone();
    let mut h = Harness::start(app);
    h.wait_for("first frame", |s| s.contains("sandbox-dev"))
        .await;

    // Another shell adds an environment.
    let home = dir.path().to_path_buf();
    let args = ["env", "add", "staging", "--pdp", &url, "--api-url", &url].map(String::from);
    let out = tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        common::loopback::permit_tui(&args, &home)
    })
    .await
    .unwrap();
    assert!(out.status.success(), "{}", common::loopback::text(&out));
    h.wait_for("the new environment noticed", |s| {
        s.contains("config.toml changed: added staging")
    })
    .await;

    h.key_mod(KeyCode::Char('e'), KeyModifiers::ALT);
    h.wait_for("the picker", |s| s.contains("+ Add environment"))
        .await;
    h.key(KeyCode::Down);
    h.key(KeyCode::Down);
    // A built-in one is refused; the configured one is renamed.
    h.key(KeyCode::Up);
    h.key(KeyCode::Char('r'));
    h.wait_for("the refusal", |s| s.contains("`sandbox-prod` is built in"))
        .await;
    h.key(KeyCode::Down);
    h.key(KeyCode::Char('r'));
    h.wait_for("the rename prompt", |s| {
        s.contains("Rename environment `staging` to")
    })
    .await;
    h.ctrl('u');
    h.type_text("stage");
    h.key(KeyCode::Enter);
    h.wait_for("renamed", |s| s.contains("Renamed `staging` to `stage`"))
        .await;
    let text = std::fs::read_to_string(&config).unwrap();
    assert!(
        text.contains("name = \"stage\"") && !text.contains("staging"),
        "{text}"
    );

    h.key(KeyCode::Char('u'));
    h.wait_for("the URL prompt", |s| s.contains("PDP URL of `stage`"))
        .await;
    h.ctrl('u');
    h.type_text("not a url");
    h.key(KeyCode::Enter);
    h.wait_for("a bad URL refused", |s| {
        s.contains("PDP URL of `stage`") && s.contains("URL")
    })
    .await;
    h.ctrl('u');
    h.type_text("http://127.0.0.1:9");
    h.key(KeyCode::Enter);
    h.wait_for("repointed", |s| {
        s.contains("`stage` now sends checks to http://127.0.0.1:9")
    })
    .await;
    let text = std::fs::read_to_string(&config).unwrap();
    assert!(text.contains("http://127.0.0.1:9"), "{text}");

    h.ctrl('x');
    h.wait_for("asked to confirm", |s| {
        s.contains("Ctrl-X again removes `stage`")
    })
    .await;
    h.ctrl('x');
    h.wait_for("removed", |s| s.contains("Removed `stage`"))
        .await;
    let app = h.quit().await;
    assert!(!app.targets.iter().any(|t| t.target.name == "stage"));
    let text = std::fs::read_to_string(&config).unwrap();
    assert!(!text.contains("stage"), "{text}");
}

/// `permit-tui --env NAME` starts on that environment (the explorer shares the commands'
/// PDP flags); a name that is not there, or `--env` with `--pdp`, is refused with what to do.
#[tokio::test]
async fn env_flag_starts_on_the_named_environment_and_refuses_an_unknown_one() {
    use permit_tui::cli::flags::PdpArgs;
    let dir = tempfile::tempdir().unwrap();
    let args = |envs: &[&str], pdps: &[&str]| ExplorerArgs {
        pdp: PdpArgs {
            envs: envs.iter().map(|s| s.to_string()).collect(),
            pdps: pdps.iter().map(|s| s.to_string()).collect(),
            ..PdpArgs::default()
        },
        ..ExplorerArgs::default()
    };
    let paths = || Paths::in_dir(dir.path());
    let mut boot = prepare_in(&args(&["sandbox-prod"], &[]), paths())
        .await
        .unwrap();
    let app = boot.app(Settings::default());
    assert_eq!(app.targets[app.current].target.name, "sandbox-prod");

    let Err(err) = prepare_in(&args(&["staging"], &[]), paths()).await else {
        panic!("an unknown environment is refused");
    };
    let said = err.to_string();
    assert!(
        said.contains("--env staging") && said.contains("sandbox-dev, sandbox-prod"),
        "{said}"
    );
    assert!(said.contains("permit-tui env list"), "{said}");

    let both = args(&["sandbox-prod"], &["http://127.0.0.1:9"]);
    let Err(err) = prepare_in(&both, paths()).await else {
        panic!("--env with --pdp is refused");
    };
    assert!(err.to_string().contains("give one of them"), "{err}");
}

/// `PERMIT_PDP_URL` stands for `--pdp` only when the command line says nothing else: with an
/// environment named, or policy files to try in the sandbox, the variable is left aside (it
/// used to send the checks of `--policy` to that URL without a word).
#[test]
fn permit_pdp_url_yields_to_env_and_policy_flags() {
    use permit_tui::cli::flags::PdpArgs;
    use permit_tui::tui::bootstrap::with_env_defaults;
    let url = || Some("http://127.0.0.1:9".to_string());
    let plain = with_env_defaults(&ExplorerArgs::default(), url());
    assert_eq!(plain.pdp.pdps, ["http://127.0.0.1:9"]);
    let policy = ExplorerArgs {
        policy: vec!["mine.toml".into()],
        ..ExplorerArgs::default()
    };
    assert!(with_env_defaults(&policy, url()).pdp.pdps.is_empty());
    let named = ExplorerArgs {
        pdp: PdpArgs {
            envs: vec!["sandbox-prod".into()],
            ..PdpArgs::default()
        },
        ..ExplorerArgs::default()
    };
    assert!(with_env_defaults(&named, url()).pdp.pdps.is_empty());
    let given = ExplorerArgs {
        pdp: PdpArgs {
            pdps: vec!["http://127.0.0.1:8".into()],
            ..PdpArgs::default()
        },
        ..ExplorerArgs::default()
    };
    assert_eq!(
        with_env_defaults(&given, url()).pdp.pdps,
        ["http://127.0.0.1:8"],
        "the flag wins"
    );
}

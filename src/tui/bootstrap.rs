//! What the explorer starts with: the environments of the store (configured ones and the
//! always-available sandbox ones, the active one selected), a PDP given on the command line
//! first when there is one, the recent history and the presets. With nothing configured:
//! the sandbox's dev environment and its demo query, as before.

use std::net::SocketAddr;

use anyhow::Context;

use crate::store::{HistoryEntry, Paths, Store};
use crate::targets;

use crate::pdp::CheckInput;
use crate::sandbox::{serve, EnvironmentInfo, RunningSandbox, Sandbox, ServeOptions};

use super::app::{App, NoticeLevel, Settings, Target};
use super::ExplorerArgs;

pub struct Boot {
    pub targets: Vec<Target>,
    pub input: CheckInput,
    /// Which of `targets` is selected at start.
    pub current: usize,
    pub store: Option<Store>,
    /// The newest history entries (newest first), read before the first frame.
    pub recent: Vec<HistoryEntry>,
    /// What the user should know about the files, for the footer.
    pub notices: Vec<String>,
    /// The saved form did not read: it is reported, and not overwritten at quit.
    pub form_unreadable: bool,
}

/// The demo query of the bundled sandbox policy: alice is an editor in tenant acme, so she
/// may read doc-1 (RBAC allow).
pub fn demo_input() -> CheckInput {
    CheckInput {
        user: "alice".into(),
        action: "read".into(),
        resource: "document:doc-1".into(),
        tenant: "acme".into(),
        ..CheckInput::default()
    }
}

/// Starts the bundled sandbox on a free loopback port, on the caller's runtime, and returns
/// one target per environment, its dev environment first.
pub async fn start_sandbox() -> anyhow::Result<(RunningSandbox, Vec<Target>)> {
    let sandbox = Sandbox::bundled().context("loading the bundled sandbox policies")?;
    let envs = sandbox.environments();
    let running = serve(
        sandbox,
        SocketAddr::from(([127, 0, 0, 1], 0)),
        ServeOptions::default(),
    )
    .await
    .context("starting the embedded sandbox")?;
    let targets = sandbox_targets(&running.url(), envs);
    Ok((running, targets))
}

/// The targets of the process's embedded sandbox, the one the explorer itself selects: it
/// runs on a thread and runtime of its own (`targets::running_sandbox`).
pub async fn process_sandbox_targets() -> anyhow::Result<Vec<Target>> {
    let running = targets::running_sandbox().await?;
    Ok(sandbox_targets(&running.url, running.environments.clone()))
}

/// One target per sandbox environment at `url`, dev first: it is the one selected at start.
fn sandbox_targets(url: &str, mut envs: Vec<EnvironmentInfo>) -> Vec<Target> {
    envs.sort_by_key(|e| e.key != "dev");
    envs.into_iter()
        .map(|env| Target::sandbox(&env.key, url, &env.api_key, &env.project, &env.key))
        .collect()
}

/// A name for a PDP given by URL: its host and port.
pub fn name_for_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(u) => match (u.host_str(), u.port()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (Some(h), None) => h.to_string(),
            _ => url.to_string(),
        },
        Err(_) => url.to_string(),
    }
}

pub async fn prepare(args: &ExplorerArgs) -> anyhow::Result<Boot> {
    let args = with_env_defaults(args, crate::cli::flags::pdp_url_from_env());
    prepare_in(&args, Paths::discover()).await
}

/// The flags with `PERMIT_PDP_URL` (`env_url`) standing for `--pdp`, unless the command line
/// says where to check otherwise: an environment named, or policy files to try in the sandbox.
pub fn with_env_defaults(args: &ExplorerArgs, env_url: Option<String>) -> ExplorerArgs {
    let mut args = args.clone();
    if args.pdp.envs.is_empty() && args.policy.is_empty() {
        args.pdp = args.pdp.with_default_url(env_url);
    }
    args
}

/// The target a `--pdp` URL (or `PERMIT_PDP_URL`) names.
fn flag_target(url: &str, api_key: Option<String>) -> Target {
    Target::remote(&name_for_url(url), url, api_key)
}

/// Opens the store at `paths` and builds the environment list. The sandbox environments
/// share the one in-process sandbox of `targets` (started here unless a `--pdp` is given).
pub async fn prepare_in(args: &ExplorerArgs, paths: Paths) -> anyhow::Result<Boot> {
    let pdp = args.pdp.given_url()?;
    let env = args.pdp.env()?;
    let api_key = args.pdp.request.key()?;
    if let (Some(_), Some(env)) = (pdp, env) {
        anyhow::bail!("--pdp and --env {env} both say where to check: give one of them");
    }
    let (mut store, store_notices) = Store::open(paths);
    let mut notices: Vec<String> = store_notices.iter().map(ToString::to_string).collect();
    if pdp.is_none() {
        if let Some(key) = &api_key {
            store.config.overrides.api_key = Some(key.clone());
        }
    }
    if let Some(n) = targets::active_notice(&store.config) {
        notices.push(n.to_string());
    }
    let (recent, history_notices) = store
        .history
        .load_recent(super::history::model::RECENT_AT_START);
    notices.extend(history_notices.iter().map(ToString::to_string));

    let mut list = Vec::new();
    let mut form_unreadable = false;
    let mut current = 0;
    if let Some(url) = pdp {
        list.push(flag_target(url, api_key.clone()));
    }
    for summary in targets::summaries(&store.config) {
        // A PDP given on the command line replaces the run's environment and needs no
        // sandbox: cold start stays as fast as before.
        if pdp.is_some() && (summary.is_sandbox || summary.name == targets::FROM_ENV) {
            continue;
        }
        match targets::resolve(Some(&summary.name), &store.config).await {
            Ok(t) => {
                if pdp.is_none() && summary.is_active {
                    current = list.len();
                }
                list.push(t);
            }
            Err(err) => notices.push(err.to_string()),
        }
    }
    if list.is_empty() {
        anyhow::bail!("no environment could be prepared: {}", notices.join("; "));
    }
    // Policy files given on the command line are what the user came to try.
    if !args.policy.is_empty() {
        if let Some(first) = list.iter().position(|t| t.is_sandbox) {
            current = first;
        }
    }
    // An environment named on the command line is where the user wants to start.
    if let Some(env) = env {
        current = list.iter().position(|t| t.name == env).ok_or_else(|| {
            let names: Vec<&str> = list.iter().map(|t| t.name.as_str()).collect();
            anyhow::anyhow!(
                "--env {env}: no such environment here ({}); `permit-tui env list` shows them",
                names.join(", ")
            )
        })?;
    }
    let input = if pdp.is_some() {
        CheckInput {
            action: "read".into(),
            ..CheckInput::default()
        }
    } else {
        // Pick up where the last session left off in this environment: the form as it was
        // left, else its last check.
        let name = &list[current].name;
        let saved = match crate::store::form::load(&store.paths.form_file()) {
            Ok(saved) => saved.filter(|f| &f.environment == name).map(|f| f.input),
            Err(why) => {
                notices.push(why);
                form_unreadable = true;
                None
            }
        };
        saved.unwrap_or_else(|| {
            recent
                .iter()
                .find(|e| &e.environment == name)
                .and_then(HistoryEntry::to_input)
                .unwrap_or_else(demo_input)
        })
    };
    Ok(Boot {
        targets: list,
        input,
        current,
        store: Some(store),
        recent,
        notices,
        form_unreadable,
    })
}

impl Boot {
    /// The explorer's state for this start: environments, form, store, recent history
    /// (the latency panel rebuilt from it) and the notices about the files.
    pub fn app(&mut self, settings: Settings) -> App {
        let mut app = App::new(std::mem::take(&mut self.targets), &self.input, settings);
        app.current = self.current.min(app.targets.len().saturating_sub(1));
        app.revalidate();
        app.store = self.store.take();
        app.history.index =
            crate::store::history::HistoryIndex::new(std::mem::take(&mut self.recent));
        super::history::latencies::rebuild(&mut app);
        app.save_form = !self.form_unreadable;
        for notice in std::mem::take(&mut self.notices) {
            app.notice(notice, NoticeLevel::Warning);
        }
        app
    }
}

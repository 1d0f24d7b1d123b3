//! `permit-tui env list|add|remove|use`: the environments, without the UI.

use std::io::{BufRead, IsTerminal, Write};

use clap::{Args, Subcommand};

use crate::cloud::{self, CloudClient, Discovery, DiscoveryStart};
use crate::mirror;
use crate::pdp::mask_key;
use crate::store::config::API_KEY_VAR;
use crate::store::{Config, EnvironmentConfig, Paths};
use crate::targets::{self, FROM_ENV};

#[derive(Debug, Args)]
pub struct EnvArgs {
    #[command(subcommand)]
    pub command: EnvCommand,
}

#[derive(Debug, Subcommand)]
pub enum EnvCommand {
    /// List environments (the bundled sandbox ones included); `*` marks the active one.
    List {
        /// One JSON object per environment, one per line.
        #[arg(long)]
        json: bool,
    },
    /// Add (or with --force replace) an environment.
    ///
    /// The key is read from --key-env VAR (stored as a reference), else stdin when piped or
    /// with --key-stdin, else $PERMIT_API_KEY, else a masked prompt. It is never taken from
    /// the command line, so it stays out of shell history.
    Add(AddArgs),
    /// Remove an environment.
    Remove { name: String },
    /// Make an environment the active one.
    Use { name: String },
    /// Take (or refresh) the environment's mirror: a snapshot of its policy and data, which
    /// `check --mirror` and the explorer use to explain the PDP's answers.
    Snapshot {
        name: String,
        /// Fail, writing nothing, when an object cannot be represented.
        #[arg(long)]
        strict: bool,
        /// Print one JSON object with what was fetched.
        #[arg(long)]
        json: bool,
        /// Pages fetched at once.
        #[arg(long, value_name = "N", default_value_t = 4)]
        concurrency: usize,
    },
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// The environment's name. With --discover, defaults to `project-environment`.
    pub name: Option<String>,
    /// PDP: `cloud-us`, `cloud-eu`, `local` (http://localhost:7766) or a URL.
    /// Default: the Cloud PDP of the API's region.
    #[arg(long, value_name = "URL|cloud-us|cloud-eu|local")]
    pub pdp: Option<String>,
    /// Permit API: `us`, `eu` or a URL.
    #[arg(long = "api-url", value_name = "URL|us|eu", default_value = "us")]
    pub api_url: String,
    /// Keep only the name of an environment variable holding the key, not the key.
    #[arg(long = "key-env", value_name = "VAR")]
    pub key_env: Option<String>,
    /// Read the key from stdin even when it is a terminal.
    #[arg(long = "key-stdin")]
    pub key_stdin: bool,
    /// No key (a PDP that does not check one).
    #[arg(long = "no-key", conflicts_with_all = ["key_env", "key_stdin", "discover"])]
    pub no_key: bool,
    /// Ask the Permit API which environment the key belongs to; an organization or project
    /// key also needs --project and --env, and gets the environment's own key.
    #[arg(long)]
    pub discover: bool,
    /// With --discover and an organization key: the project (key, name or id).
    #[arg(long, requires = "discover")]
    pub project: Option<String>,
    /// With --discover and an organization or project key: the environment (key, name or id).
    #[arg(long = "env", requires = "discover")]
    pub environment: Option<String>,
    /// Replace an environment with the same name.
    #[arg(long)]
    pub force: bool,
    /// Also make it the active environment.
    #[arg(long = "use")]
    pub make_active: bool,
}

/// A failure the user should read; exit code 2.
struct Fail(String);

impl<E: std::fmt::Display> From<E> for Fail {
    fn from(err: E) -> Fail {
        Fail(err.to_string())
    }
}

pub async fn run(args: EnvArgs) -> anyhow::Result<i32> {
    let paths = Paths::discover();
    let (mut config, notices) = Config::load(&paths);
    for notice in notices
        .iter()
        .chain(targets::active_notice(&config).as_ref())
    {
        eprintln!("warning: {notice}");
    }
    let result = match args.command {
        EnvCommand::Snapshot {
            name,
            strict,
            json,
            concurrency,
        } => {
            return super::snapshot::run(super::snapshot::SnapshotArgs {
                output: None,
                env: Some(name),
                api_url: "us".to_string(),
                project: None,
                environment: None,
                concurrency,
                strict,
                json,
            })
            .await
        }
        EnvCommand::List { json } => list(&config, &paths, json),
        EnvCommand::Add(add_args) => add(&mut config, add_args).await,
        EnvCommand::Remove { name } => remove(&mut config, &paths, &name),
        EnvCommand::Use { name } => use_env(&mut config, &name),
    };
    match result {
        Ok(()) => Ok(0),
        Err(Fail(message)) => {
            eprintln!("error: {message}");
            Ok(2)
        }
    }
}

/// `3 h` for an environment whose mirror was taken three hours ago.
fn mirror_age(paths: &Paths, name: &str) -> Option<String> {
    let modified = std::fs::metadata(mirror::stored::path_for(paths, name))
        .and_then(|m| m.modified())
        .ok()?;
    let age = std::time::SystemTime::now()
        .duration_since(modified)
        .unwrap_or_default();
    Some(crate::store::time::age_text(age))
}

fn list(config: &Config, paths: &Paths, json: bool) -> Result<(), Fail> {
    let summaries = targets::summaries(config);
    let mut out = std::io::stdout().lock();
    if json {
        for s in &summaries {
            let line = serde_json::json!({
                "name": s.name,
                "active": s.is_active,
                "sandbox": s.is_sandbox,
                "pdp_url": s.pdp_url,
                "api_url": s.api_url,
                "key": s.masked_key,
                "key_source": s.key_source.to_string(),
                "cloud_pdp": s.is_cloud_pdp,
                "mirror_age": mirror_age(paths, &s.name),
            });
            writeln!(out, "{line}")?;
        }
        return Ok(());
    }
    let in_process = "(in-process sandbox)".to_string();
    let rows: Vec<[String; 7]> = summaries
        .iter()
        .map(|s| {
            [
                if s.is_active { "*" } else { " " }.to_string(),
                cut(&s.name, MAX_NAME_CHARS),
                s.pdp_url.clone().unwrap_or_else(|| in_process.clone()),
                s.api_url.clone().unwrap_or_else(|| in_process.clone()),
                s.masked_key.clone().unwrap_or_else(|| "-".to_string()),
                s.key_source.to_string(),
                mirror_age(paths, &s.name)
                    .map_or_else(|| "-".to_string(), |age| format!("{age} old")),
            ]
        })
        .collect();
    let header = [
        "",
        "NAME",
        "PDP URL",
        "API URL",
        "KEY",
        "KEY SOURCE",
        "MIRROR",
    ]
    .map(String::from);
    let mut widths = [0usize; 7];
    for row in std::iter::once(&header).chain(rows.iter()) {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    for row in std::iter::once(&header).chain(rows.iter()) {
        let line: Vec<String> = row
            .iter()
            .zip(widths)
            .map(|(cell, w)| {
                // Padded by hand: format!'s width is bounded and panics past 65,535.
                let pad = w.saturating_sub(cell.chars().count());
                format!("{cell}{}", " ".repeat(pad))
            })
            .collect();
        writeln!(out, "{}", line.join("  ").trim_end())?;
    }
    Ok(())
}

async fn add(config: &mut Config, args: AddArgs) -> Result<(), Fail> {
    let api_url = cloud::urls::api_url(&args.api_url);
    cloud::urls::validate(&api_url).map_err(|e| Fail(format!("--api-url: {e}")))?;
    let pdp_url = match &args.pdp {
        Some(choice) => cloud::urls::pdp_url(choice),
        None => match cloud::urls::api_url_for_pdp(&api_url) {
            cloud::urls::API_EU => cloud::urls::PDP_CLOUD_EU.to_string(),
            _ => cloud::urls::PDP_CLOUD_US.to_string(),
        },
    };
    cloud::urls::validate(&pdp_url).map_err(|e| Fail(format!("--pdp: {e}")))?;

    let key = if args.no_key {
        None
    } else {
        Some(read_key(&args)?)
    };

    let mut env = if args.discover {
        let key = key
            .clone()
            .ok_or_else(|| Fail("--discover needs a key".to_string()))?;
        discover(&args, &api_url, &pdp_url, &key).await?
    } else {
        let name = args
            .name
            .clone()
            .ok_or_else(|| Fail("give the environment a name: env add NAME ...".to_string()))?;
        EnvironmentConfig {
            name,
            pdp_url: pdp_url.clone(),
            api_url: api_url.clone(),
            key: if args.key_env.is_some() { None } else { key },
            key_env: args.key_env.clone(),
            project: None,
            environment: None,
        }
    };
    env.name = env.name.trim().to_string();
    validate_name(&env.name)?;
    if config.get(&env.name).is_some() && !args.force {
        return Err(Fail(format!(
            "an environment named `{}` exists; pass --force to replace it",
            env.name
        )));
    }
    let name = env.name.clone();
    let (masked, source) = (env.masked_key(), env.key().1);
    let stores_key = env.key.is_some();
    let (force, make_active) = (args.force, args.make_active);
    let added = config.update(|c| {
        if c.get(&env.name).is_some() && !force {
            return false;
        }
        c.upsert(env);
        if make_active {
            c.active = Some(name.clone());
        }
        true
    })?;
    if !added {
        return Err(Fail(format!(
            "an environment named `{name}` exists; pass --force to replace it"
        )));
    }
    println!(
        "added `{name}`: PDP {pdp_url}, API {api_url}, key {} ({source})",
        masked.unwrap_or_else(|| "none".to_string())
    );
    if stores_key {
        println!(
            "the key is stored in {} (mode 0600)",
            config.path().display()
        );
    }
    if targets::is_cloud_pdp(&pdp_url) {
        println!("note: the Cloud PDP evaluates RBAC and ReBAC but not ABAC; use a local PDP for attribute checks");
    }
    if args.make_active {
        println!("`{name}` is now the active environment");
    }
    Ok(())
}

async fn discover(
    args: &AddArgs,
    api_url: &str,
    pdp_url: &str,
    key: &str,
) -> Result<EnvironmentConfig, Fail> {
    let explain = |err: cloud::CloudError| Fail(format!("{err}\n  hint: {}", err.hint()));
    let client = CloudClient::new(api_url, key).map_err(explain)?;
    let (discovery, start) = Discovery::start(client, key).await.map_err(explain)?;
    let found = match start {
        DiscoveryStart::Ready(found) => *found,
        DiscoveryStart::PickProject(projects) => {
            let level = discovery.level();
            let project = match (&args.project, projects.as_slice()) {
                (Some(p), _) => p.clone(),
                (None, [only]) => only.key.clone(),
                (None, _) => {
                    return Err(Fail(format!(
                        "this is an {level}-level key; choose a project with --project: {}",
                        projects
                            .iter()
                            .map(|p| p.key.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )))
                }
            };
            let Some(environment) = &args.environment else {
                let envs = discovery.environments(&project).await.map_err(explain)?;
                return Err(Fail(format!(
                    "this is an {level}-level key; choose an environment of `{project}` with --env: {}",
                    envs.iter().map(|e| e.key.as_str()).collect::<Vec<_>>().join(", ")
                )));
            };
            discovery
                .choose_by_key(&project, environment)
                .await
                .map_err(explain)?
        }
    };
    let mut env = found.to_config(args.name.as_deref(), pdp_url, api_url);
    // A key given by reference stays a reference when it is the environment's own key.
    if let Some(var) = &args.key_env {
        if found.api_key == key {
            env.key = None;
            env.key_env = Some(var.clone());
        } else {
            eprintln!(
                "note: ${var} holds an {}-level key; the environment's own key ({}) is stored instead",
                discovery.level(),
                mask_key(&found.api_key)
            );
        }
    }
    println!(
        "found project `{}`, environment `{}`",
        found.project.key, found.environment.key
    );
    Ok(env)
}

/// The key, from where the user put it; never from argv.
fn read_key(args: &AddArgs) -> Result<String, Fail> {
    if let Some(var) = &args.key_env {
        if var.trim().is_empty() || var.contains('=') {
            return Err(Fail(format!("--key-env `{var}` is not a variable name")));
        }
        return match std::env::var(var) {
            Ok(value) if !value.trim().is_empty() => Ok(value.trim().to_string()),
            _ if !args.discover => Ok(String::new()),
            _ => Err(Fail(format!(
                "${var} is not set, and --discover needs the key"
            ))),
        };
    }
    let stdin = std::io::stdin();
    let key = if args.key_stdin || !stdin.is_terminal() {
        let mut line = String::new();
        stdin.lock().read_line(&mut line)?;
        if line.trim().is_empty() {
            if let Ok(value) = std::env::var(API_KEY_VAR) {
                line = value;
            }
        }
        line
    } else if let Ok(value) = std::env::var(API_KEY_VAR) {
        value
    } else {
        prompt_secret("API key (input hidden): ")?
    };
    let key = key.trim().to_string();
    if key.is_empty() {
        return Err(Fail(format!(
            "no API key: pipe it on stdin, set ${API_KEY_VAR}, use --key-env VAR, or --no-key"
        )));
    }
    Ok(key)
}

/// Reads a line from the terminal without echoing it; shows a dot per character.
fn prompt_secret(prompt: &str) -> std::io::Result<String> {
    use crossterm::event::{read, Event, KeyCode, KeyEventKind, KeyModifiers};
    let mut err = std::io::stderr();
    write!(err, "{prompt}")?;
    err.flush()?;
    crossterm::terminal::enable_raw_mode()?;
    let result = (|| -> std::io::Result<String> {
        let mut secret = String::new();
        loop {
            match read()? {
                Event::Key(key) if key.kind != KeyEventKind::Release => match key.code {
                    KeyCode::Enter => return Ok(secret),
                    KeyCode::Esc => return Ok(String::new()),
                    KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                        return Ok(String::new())
                    }
                    KeyCode::Backspace if secret.pop().is_some() => {
                        write!(err, "\x08 \x08")?;
                    }
                    KeyCode::Char(c) => {
                        secret.push(c);
                        write!(err, "•")?;
                    }
                    _ => {}
                },
                Event::Paste(text) => {
                    secret.push_str(text.trim());
                    write!(err, "{}", "•".repeat(text.trim().chars().count()))?;
                }
                _ => {}
            }
            err.flush()?;
        }
    })();
    let _ = crossterm::terminal::disable_raw_mode();
    writeln!(err)?;
    result
}

/// Names show in tables, headers and pickers: a bound keeps every one of them sane.
pub const MAX_NAME_CHARS: usize = 64;

fn validate_name(name: &str) -> Result<(), Fail> {
    if name.is_empty() {
        return Err(Fail("the environment name is empty".to_string()));
    }
    let length = name.chars().count();
    if length > MAX_NAME_CHARS {
        return Err(Fail(format!(
            "`{}` is {length} characters; give a name of at most {MAX_NAME_CHARS} characters",
            cut(name, 24)
        )));
    }
    if name.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(Fail(format!(
            "`{name}`: use a name without spaces (e.g. `prod`, `webapp-staging`)"
        )));
    }
    if targets::is_sandbox_name(name) || name == FROM_ENV {
        return Err(Fail(format!(
            "`{name}` is the name of a built-in environment; give another: env add NAME ..."
        )));
    }
    Ok(())
}

fn remove(config: &mut Config, paths: &Paths, name: &str) -> Result<(), Fail> {
    if targets::is_sandbox_name(name) {
        return Err(Fail(format!(
            "`{name}` is a bundled sandbox environment and cannot be removed"
        )));
    }
    let was_active = config.active.as_deref() == Some(name);
    if config.get(name).is_none() {
        return Err(Fail(unknown(config, name)));
    }
    config.update(|c| c.remove(name))?;
    println!("removed `{name}`");
    // A mirror left behind would explain a later environment of the same name wrongly.
    let mirror = mirror::stored::path_for(paths, name);
    match std::fs::remove_file(&mirror) {
        Ok(()) => println!("removed its mirror"),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
        Err(err) => eprintln!("warning: its mirror {} stays: {err}", mirror.display()),
    }
    if was_active {
        println!(
            "it was the active environment; now `{}` is",
            targets::active_name(config)
        );
    }
    Ok(())
}

fn use_env(config: &mut Config, name: &str) -> Result<(), Fail> {
    if config.get(name).is_none() && !targets::is_sandbox_name(name) {
        return Err(Fail(unknown(config, name)));
    }
    config.update(|c| c.active = Some(name.to_string()))?;
    println!("`{name}` is now the active environment");
    Ok(())
}

fn unknown(config: &Config, name: &str) -> String {
    let known: Vec<String> = targets::summaries(config)
        .into_iter()
        .map(|s| s.name)
        .filter(|n| n != FROM_ENV)
        .collect();
    format!("no environment named `{name}`; known: {}", known.join(", "))
}

/// `text` cut to `max` characters, with `…` when it was longer.
fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_string(),
    }
}

//! "Add environment" in the explorer: paste an API key (masked), choose the API URL and the
//! PDP, then `Discovery` names an environment-level key, or walks an organization/project key
//! through project then environment (a step with one choice is skipped) and fetches the
//! environment's own key. The result is saved to `config.toml` (0600) and selected.

pub use super::model::{AddEffect, AddFlow, AddMsg, Step};
use crossterm::event::KeyEvent;
use ratatui_textarea::TextArea;

use crate::cloud::{self, DiscoveredEnvironment, DiscoveryStart, Environment, Project};
use crate::tui::app::{App, NoticeLevel, Target};
use crate::tui::msg::Effect;

use crate::tui::action::{EnvView, Modal};
use crate::tui::store_write::model::{ConfigChange, StoreWrite};

use super::model::EnvEffect;

fn effect(effect: AddEffect) -> Vec<Effect> {
    vec![Effect::Env(EnvEffect::Add(effect))]
}

pub fn on_text_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    let flow = &mut app.environments.add;
    match flow.step {
        Step::Key => {
            crate::tui::text_input::edit(&mut flow.key, key);
        }
        // Typing a URL chooses "custom".
        Step::ApiUrl | Step::PdpUrl if crate::tui::text_input::edit(&mut flow.custom, key) => {
            flow.selected = flow.choices_len().saturating_sub(1);
        }
        Step::Name(_) => {
            crate::tui::text_input::edit(&mut flow.custom, key);
        }
        _ => {}
    }
    Vec::new()
}

pub fn on_paste(app: &mut App, text: &str) {
    let flow = &mut app.environments.add;
    match flow.step {
        Step::Key => {
            flow.key.insert_str(text);
        }
        Step::ApiUrl | Step::PdpUrl => {
            flow.custom.insert_str(text);
            flow.selected = flow.choices_len().saturating_sub(1);
        }
        Step::Name(_) => {
            flow.custom.insert_str(text);
        }
        _ => {}
    }
}

/// The URL chosen at the API or PDP step, or why it is not one.
fn chosen_url(app: &App) -> Result<String, String> {
    let flow = &app.environments.add;
    let choices = flow.choices();
    let i = app
        .environments
        .add
        .selected
        .min(choices.len().saturating_sub(1));
    let url = if flow.has_custom() && i + 1 == choices.len() {
        flow.custom_text()
    } else {
        choices.get(i).map(|c| c.1.clone()).unwrap_or_default()
    };
    let url = url.trim_end_matches('/').to_string();
    cloud::urls::validate(&url)?;
    Ok(url)
}

/// Enter: the next step.
pub fn choose(app: &mut App) -> Vec<Effect> {
    let step = app.environments.add.step.clone();
    match step {
        Step::Key => {
            if app.environments.add.key_text().is_empty() {
                app.notice("Paste an API key first", NoticeLevel::Warning);
                return Vec::new();
            }
            app.environments.add.step = Step::ApiUrl;
            app.environments.add.custom = TextArea::default();
            app.environments.add.selected = 0;
        }
        Step::ApiUrl => match chosen_url(app) {
            Ok(url) => {
                let flow = &mut app.environments.add;
                flow.api_url = url;
                flow.step = Step::PdpUrl;
                flow.custom = TextArea::default();
                app.environments.add.selected = 0;
            }
            Err(err) => app.notice(err, NoticeLevel::Warning),
        },
        Step::PdpUrl => match chosen_url(app) {
            Ok(url) => {
                let flow = &mut app.environments.add;
                flow.pdp_url = url;
                flow.generation += 1;
                flow.step = Step::Working(format!("Asking {} about the key…", flow.api_url));
                return effect(AddEffect::Start {
                    generation: flow.generation,
                    api_url: flow.api_url.clone(),
                    key: flow.key_text(),
                });
            }
            Err(err) => app.notice(err, NoticeLevel::Warning),
        },
        Step::Project(projects) => {
            if let Some(project) = projects.get(app.environments.add.selected).cloned() {
                return pick_project(app, project);
            }
        }
        Step::Environment(project, envs) => {
            if let Some(env) = envs.get(app.environments.add.selected).cloned() {
                return pick_environment(app, project, env);
            }
        }
        Step::Name(found) => {
            let name = app.environments.add.custom_text();
            match name_problem(app, &name) {
                Some(why) => app.notice(why, NoticeLevel::Warning),
                None => return finish(app, *found, name),
            }
        }
        Step::Failed(_) => {
            app.environments.add.step = Step::Key;
            app.environments.add.selected = 0;
        }
        Step::Working(_) => {}
    }
    Vec::new()
}

fn pick_project(app: &mut App, project: Project) -> Vec<Effect> {
    let flow = &mut app.environments.add;
    let Some(discovery) = flow.discovery.clone() else {
        return Vec::new();
    };
    flow.step = Step::Working(format!("Listing the environments of {}…", project.name));
    effect(AddEffect::Environments {
        generation: flow.generation,
        discovery,
        project,
    })
}

fn pick_environment(app: &mut App, project: Project, environment: Environment) -> Vec<Effect> {
    let flow = &mut app.environments.add;
    let Some(discovery) = flow.discovery.clone() else {
        return Vec::new();
    };
    flow.step = Step::Working(format!("Fetching the key of {}…", environment.name));
    effect(AddEffect::Choose {
        generation: flow.generation,
        discovery,
        project,
        environment,
    })
}

pub fn update(app: &mut App, msg: AddMsg) -> Vec<Effect> {
    let current = app.environments.add.generation;
    let open = app.modals.last() == Some(&Modal::Env(EnvView::AddEnvironment));
    match msg {
        AddMsg::Started { generation, result } if generation == current && open => match result {
            Ok((discovery, start)) => {
                app.environments.add.discovery = Some(discovery);
                match start {
                    DiscoveryStart::Ready(found) => return ask_name(app, *found),
                    DiscoveryStart::PickProject(projects) => {
                        if projects.len() == 1 {
                            return pick_project(app, projects[0].clone());
                        }
                        if projects.is_empty() {
                            app.environments.add.step =
                                Step::Failed("The key sees no project".into());
                        } else {
                            app.environments.add.step = Step::Project(projects);
                            app.environments.add.selected = 0;
                        }
                    }
                }
            }
            Err(err) => app.environments.add.step = Step::Failed(err),
        },
        AddMsg::Environments {
            generation,
            project,
            result,
        } if generation == current && open => match result {
            Ok(envs) if envs.len() == 1 => {
                let env = envs[0].clone();
                return pick_environment(app, project, env);
            }
            Ok(envs) if envs.is_empty() => {
                app.environments.add.step =
                    Step::Failed(format!("Project {} has no environment", project.name));
            }
            Ok(envs) => {
                app.environments.add.step = Step::Environment(project, envs);
                app.environments.add.selected = 0;
            }
            Err(err) => app.environments.add.step = Step::Failed(err),
        },
        AddMsg::Chosen { generation, result } if generation == current && open => match result {
            Ok(found) => return ask_name(app, found),
            Err(err) => app.environments.add.step = Step::Failed(err),
        },
        _ => {}
    }
    Vec::new()
}

/// Why `name` cannot name a new environment: empty, a sandbox's, or one already configured.
pub fn name_problem(app: &App, name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("Type a name for the environment".to_string());
    }
    if name.chars().any(|c| c.is_control()) {
        return Some("A name is one line of printable text".to_string());
    }
    let taken = crate::targets::is_sandbox_name(name)
        || app.targets.iter().any(|t| t.target.name == name)
        || name == crate::targets::FROM_ENV;
    taken.then(|| format!("`{name}` is taken: choose another name"))
}

/// Found: asks what to call it, the derived name (made free of clashes) prefilled.
fn ask_name(app: &mut App, found: DiscoveredEnvironment) -> Vec<Effect> {
    let flow = &app.environments.add;
    let base = found.to_config(None, &flow.pdp_url, &flow.api_url).name;
    // The bundled sandbox names are taken (the sandbox's own project is `sandbox`, so its
    // org key suggests `sandbox-dev`): the suggestion gets the first free suffix.
    let mut suggestion = base.clone();
    let mut n = 2;
    while name_problem(app, &suggestion).is_some() {
        suggestion = format!("{base}-{n}");
        n += 1;
    }
    let flow = &mut app.environments.add;
    flow.custom = TextArea::new(vec![suggestion]);
    flow.custom.move_cursor(ratatui_textarea::CursorMove::End);
    flow.step = Step::Name(Box::new(found));
    Vec::new()
}

/// Saves the environment (key in `config.toml`, 0600), adds it to the list and selects it.
fn finish(app: &mut App, found: DiscoveredEnvironment, name: String) -> Vec<Effect> {
    let flow = &app.environments.add;
    let mut config = found.to_config(None, &flow.pdp_url, &flow.api_url);
    config.name = name.clone();
    let mut target = Target::remote(&name, &config.pdp_url, Some(found.api_key.clone()));
    target.api_url = config.api_url.clone();
    target.key_source = crate::store::KeySource::Stored;
    target.project = config.project.clone();
    target.environment = config.environment.clone();
    let mut effects = Vec::new();
    match &app.store {
        Some(store) => {
            let change = ConfigChange::Add(Box::new(config));
            effects.push(Effect::write(StoreWrite::config(&store.config, change)));
        }
        None => app.notice(
            "No config directory: the environment is kept for this session only",
            NoticeLevel::Warning,
        ),
    }
    let index = match app.targets.iter().position(|t| t.target.name == name) {
        Some(i) => {
            app.targets[i].target = target;
            i
        }
        None => {
            app.targets.push(crate::tui::app::TargetState::new(target));
            app.targets.len() - 1
        }
    };
    app.environments.add = AddFlow::default();
    crate::tui::list_overlay::close(app, Modal::Env(EnvView::AddEnvironment));
    effects.extend(super::switch::switch_to(app, index));
    app.notice(
        format!("Environment `{name}` added and selected"),
        NoticeLevel::Info,
    );
    effects
}

//! What the explorer's unit tests share: an app on one environment, keys through `update`,
//! the store's writes performed as the runtime would, a store on disk.

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};

use crate::pdp::CheckInput;
use crate::store::{Paths, Store};
use crate::tui::app::{App, Settings, Target};
use crate::tui::msg::{Effect, Msg};
use crate::tui::update::update;

/// The explorer on one environment `cloud` at `pdp_url`, alice reading a document.
pub fn app(pdp_url: &str, user_attributes: &str) -> App {
    let target = Target::remote("cloud", pdp_url, Some("permit_key_SECRETsecret1234".into()));
    let input = CheckInput {
        user: "alice".into(),
        user_attributes: user_attributes.into(),
        action: "read".into(),
        resource: "document".into(),
        ..CheckInput::default()
    };
    App::new(vec![target], &input, Settings::default())
}

pub fn press(app: &mut App, code: KeyCode, modifiers: KeyModifiers) -> Vec<Effect> {
    update(app, Msg::Input(Event::Key(KeyEvent::new(code, modifiers))))
}

pub fn f5(app: &mut App) -> Vec<Effect> {
    press(app, KeyCode::F(5), KeyModifiers::NONE)
}

/// Types `text` key by key.
pub fn type_text(app: &mut App, text: &str) -> Vec<Effect> {
    let mut effects = Vec::new();
    for c in text.chars() {
        effects.extend(press(app, KeyCode::Char(c), KeyModifiers::NONE));
    }
    effects
}

/// Performs the writes among `effects` as the runtime would, and answers `update`: the
/// effects of the answers.
pub fn write(app: &mut App, effects: Vec<Effect>) -> Vec<Effect> {
    let mut then = Vec::new();
    for effect in effects {
        if let Effect::Write(w) = effect {
            let written = crate::tui::store_write::writer::perform(*w, &mut None);
            then.extend(update(app, Msg::Written(written)));
        }
    }
    then
}

/// A store in `dir` with these environments `(name, PDP URL)` in its config.toml.
pub fn store_with(dir: &std::path::Path, envs: &[(&str, &str)]) -> Store {
    let (mut store, _) = Store::open(Paths::in_dir(dir));
    for (name, url) in envs {
        store
            .config
            .update(|c| {
                c.upsert(crate::store::config::EnvironmentConfig {
                    name: name.to_string(),
                    pdp_url: url.to_string(),
                    api_url: "http://127.0.0.1:7".into(),
                    key: None,
                    key_env: None,
                    project: None,
                    environment: None,
                })
            })
            .unwrap();
    }
    store
}

//! The embedded sandbox PDP: Permit's decisions and explanations, offline.
//!
//! - `policy`: serde model of a policy file (one file = one environment);
//! - `load`: validation with file, JSON path and reason; builds the indexed `store`;
//! - `conditions`: Permit's condition language with a per-condition trace;
//! - `evaluate`: RBAC/ABAC/ReBAC with Permit's debug codes, reasons and precedence;
//! - `trace`: the documented `debug.sandbox_trace` shape;
//! - `rest`: the read-only slice of Permit's REST API; `server`: the axum routes.

pub mod audit;
mod auth;
pub mod conditions;
mod dup_keys;
pub mod evaluate;
mod graph;
mod guard;
pub mod limits;
mod listener;
pub mod load;
pub mod opa_order;
pub mod policy;
pub mod queries;
pub mod request_view;
pub mod rest;
mod rest_lists;
pub mod server;
pub mod store;
pub mod trace;
pub mod watch;

use std::path::PathBuf;
use std::sync::Arc;

pub use limits::Limits;
pub use load::LoadError;
pub use server::{serve, RunningSandbox, ServeError, ServeOptions};
pub use store::EnvironmentInfo;

use crate::pdp::types::{AllowedQuery, AllowedResult};
use store::{Env, HashMap};

/// The bundled demo's organization-level key, which sees every environment (for the REST
/// scope/picker flow). Published: other policies get a key generated per run instead.
pub const ORG_API_KEY: &str = "permit_key_sandbox_org";

const BUNDLED: [(&str, &str); 2] = [
    (
        "<bundled assets/sandbox/dev.json>",
        include_str!("../../assets/sandbox/dev.json"),
    ),
    (
        "<bundled assets/sandbox/prod.json>",
        include_str!("../../assets/sandbox/prod.json"),
    ),
];

/// All loaded environments, chosen by API key. Cheap to clone (shared).
#[derive(Debug, Clone)]
pub struct Sandbox {
    inner: Arc<Inner>,
}

struct Inner {
    envs: Vec<Env>,
    by_key: HashMap<String, usize>,
    org_key: String,
}

impl std::fmt::Debug for Inner {
    /// Environments by name and masked key: a debug print must never show a key whole.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let envs: Vec<String> = self
            .envs
            .iter()
            .map(|e| {
                let key = crate::pdp::mask_key(&e.info().api_key);
                format!("{}/{} ({key})", e.info().project, e.info().key)
            })
            .collect();
        f.debug_struct("Sandbox")
            .field("environments", &envs)
            .field("org_key", &crate::pdp::mask_key(&self.org_key))
            .finish()
    }
}

impl Sandbox {
    /// The bundled demo environments `dev` and `prod`.
    pub fn bundled() -> Result<Sandbox, LoadError> {
        let envs = BUNDLED
            .iter()
            .map(|(name, text)| Ok((name.to_string(), load::load_str(text, name)?)))
            .collect::<Result<Vec<_>, LoadError>>()?;
        let mut sandbox = Sandbox::from_envs(envs)?;
        if let Some(inner) = Arc::get_mut(&mut sandbox.inner) {
            inner.org_key = ORG_API_KEY.to_string();
        }
        Ok(sandbox)
    }

    /// One environment per policy file.
    pub fn from_files(paths: &[PathBuf]) -> Result<Sandbox, LoadError> {
        let mut envs = Vec::with_capacity(paths.len());
        for path in paths {
            let file = path.display().to_string();
            let text = std::fs::read_to_string(path).map_err(|e| LoadError {
                file: file.clone(),
                path: "$".into(),
                reason: format!("cannot read the file: {e}"),
            })?;
            let env = load::load_str(&text, &file)?;
            envs.push((file, env));
        }
        Sandbox::from_envs(envs)
    }

    /// One environment per policy text, named `name` in errors (tests, benches).
    pub fn from_texts(texts: &[(&str, &str)]) -> Result<Sandbox, LoadError> {
        let envs = texts
            .iter()
            .map(|(name, text)| Ok((name.to_string(), load::load_str(text, name)?)))
            .collect::<Result<Vec<_>, LoadError>>()?;
        Sandbox::from_envs(envs)
    }

    /// Decides cross-type comparisons with `types` in every environment (`--strict-types`).
    /// Call it on a freshly loaded sandbox: one already shared with a server keeps its mode.
    pub fn with_types(mut self, types: conditions::Types) -> Sandbox {
        if let Some(inner) = Arc::get_mut(&mut self.inner) {
            inner.envs.iter_mut().for_each(|env| env.set_types(types));
        }
        self
    }

    /// Keeps an organization key across a reload (`--watch`), so a client holding it stays in.
    /// Call it on a freshly loaded sandbox.
    pub fn with_org_key(mut self, key: &str) -> Sandbox {
        if let Some(inner) = Arc::get_mut(&mut self.inner) {
            inner.org_key = key.to_string();
        }
        self
    }

    /// One environment per already-parsed policy (generated policies in benches and tests).
    pub fn from_policies(
        policies: Vec<(String, policy::PolicyFile)>,
    ) -> Result<Sandbox, LoadError> {
        let envs = policies
            .into_iter()
            .map(|(name, p)| {
                let env = load::load_policy(p, &name)?;
                Ok((name, env))
            })
            .collect::<Result<Vec<_>, LoadError>>()?;
        Sandbox::from_envs(envs)
    }

    /// Each environment with the file it came from, so a clash names both files.
    fn from_envs(loaded: Vec<(String, Env)>) -> Result<Sandbox, LoadError> {
        let mut by_key = HashMap::default();
        let mut seen_env = std::collections::HashMap::new();
        let mut files: Vec<String> = Vec::with_capacity(loaded.len());
        let mut envs = Vec::with_capacity(loaded.len());
        for (i, (file, env)) in loaded.into_iter().enumerate() {
            let clash = |path: &str, reason: String| LoadError {
                file: file.clone(),
                path: path.into(),
                reason,
            };
            let key = &env.info().api_key;
            if key == ORG_API_KEY {
                return Err(clash(
                    "$.environment.api_key",
                    format!("{ORG_API_KEY} is reserved for the sandbox's organization key"),
                ));
            }
            if let Some(&first) = by_key.get(key) {
                return Err(clash(
                    "$.environment.api_key",
                    format!(
                        "api_key {} is already used by {}; give each environment its own key",
                        crate::pdp::mask_key(key),
                        files[first]
                    ),
                ));
            }
            let place = (env.info().project.clone(), env.info().key.clone());
            if let Some(&first) = seen_env.get(&place) {
                return Err(clash(
                    "$.environment",
                    format!(
                        "environment '{}/{}' is already defined in {}",
                        place.0, place.1, files[first]
                    ),
                ));
            }
            by_key.insert(key.clone(), i);
            seen_env.insert(place, i);
            files.push(file);
            envs.push(env);
        }
        Ok(Sandbox {
            inner: Arc::new(Inner {
                envs,
                by_key,
                org_key: generated_org_key(),
            }),
        })
    }

    pub fn environments(&self) -> Vec<EnvironmentInfo> {
        self.inner.envs.iter().map(|e| e.info().clone()).collect()
    }

    pub fn org_api_key(&self) -> &str {
        &self.inner.org_key
    }

    /// A check with Permit's debug object and the sandbox trace; `None` for an unknown key.
    pub fn check(&self, api_key: &str, q: &AllowedQuery) -> Option<AllowedResult> {
        self.env_by_key(api_key).map(|env| evaluate::check(env, q))
    }

    /// The same check with the trace kept typed (serializes to the same JSON, faster).
    pub fn explain<'a>(
        &'a self,
        api_key: &str,
        q: &'a AllowedQuery,
    ) -> Option<evaluate::Explained<'a>> {
        self.env_by_key(api_key)
            .map(|env| evaluate::explain(env, q))
    }

    /// Permit's answer and `debug` object, with the sandbox trace only when `with_trace`.
    pub fn explain_with<'a>(
        &'a self,
        api_key: &str,
        q: &'a AllowedQuery,
        with_trace: bool,
    ) -> Option<evaluate::Explained<'a>> {
        self.env_by_key(api_key)
            .map(|env| evaluate::explain_with(env, q, with_trace))
    }

    /// The decision alone, without building the explanation; `None` for an unknown key.
    pub fn decide(&self, api_key: &str, q: &AllowedQuery) -> Option<bool> {
        self.env_by_key(api_key).map(|env| evaluate::decide(env, q))
    }

    pub(crate) fn env_by_key(&self, api_key: &str) -> Option<&Env> {
        self.inner
            .by_key
            .get(api_key)
            .and_then(|&i| self.inner.envs.get(i))
    }

    pub(crate) fn envs(&self) -> &[Env] {
        &self.inner.envs
    }
}

/// A fresh organization key for a custom policy set: its environments' secret keys are read
/// through it, so it must not be the demo's published one.
fn generated_org_key() -> String {
    generated_key("permit_key_org_")
}

/// `prefix` and 40 random letters and digits: a key no one else has.
pub fn generated_key(prefix: &str) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let mut bytes = [0u8; 40];
    if getrandom::fill(&mut bytes).is_err() {
        // No OS randomness: fall back on std's per-process random hash keys.
        use std::hash::{BuildHasher, Hasher};
        for chunk in bytes.chunks_mut(8) {
            let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
            hasher.write_usize(chunk.as_ptr() as usize);
            chunk.copy_from_slice(&hasher.finish().to_le_bytes()[..chunk.len()]);
        }
    }
    let tail: String = bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect();
    format!("{prefix}{tail}")
}

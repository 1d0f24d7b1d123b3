//! An environment as the explorer holds it: where its PDP is, its key (in memory only), where
//! its REST API is, and whether it answered. A leaf, shared by the state and the messages.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetKind {
    /// The embedded sandbox this process started.
    Sandbox,
    /// A PDP given by URL.
    Remote,
}

/// Where an environment's schema and facts come from (matrix, autocomplete, who-can):
/// Permit's REST API at `api_url` for `project` / `environment`. What is unknown is found
/// at fetch time: `PERMIT_API_URL` or Permit's US API, and the key's own scope.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RestScope {
    pub api_url: Option<String>,
    pub project: Option<String>,
    pub environment: Option<String>,
}

/// A PDP to send checks to. The API key lives only here, in memory.
#[derive(Clone, PartialEq)]
pub struct Target {
    pub name: String,
    pub pdp_url: String,
    pub api_key: Option<String>,
    /// The tenant this environment defaults to, prefilled when the form's tenant is empty.
    pub tenant: Option<String>,
    pub kind: TargetKind,
    pub rest: RestScope,
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Target")
            .field("name", &self.name)
            .field("pdp_url", &self.pdp_url)
            .field("api_key", &self.masked_key())
            .field("tenant", &self.tenant)
            .field("kind", &self.kind)
            .field("rest", &self.rest)
            .finish()
    }
}

impl Target {
    pub fn masked_key(&self) -> Option<String> {
        self.api_key.as_deref().map(crate::pdp::mask_key)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Health {
    Unknown,
    Up,
    /// Answered, but not healthy; the reason.
    Degraded(String),
    /// Did not answer.
    Down(String),
}

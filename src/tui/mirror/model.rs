//! What the mirror feature holds and says: each environment's mirror, the panel's state, and
//! the messages and effects of loading, deciding on and taking snapshots. A leaf: the state
//! and the messages of the explorer use it without reaching the feature's code.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use crate::mirror::compare::Comparison;
use crate::mirror::stored::Mirror;
use crate::pdp::types::{AllowedQuery, AllowedResult};
use crate::pdp_status::StatusReport;

/// An environment's mirror as the explorer knows it.
#[derive(Debug, Clone, Default)]
pub enum MirrorState {
    /// Not looked for yet.
    #[default]
    Unknown,
    /// No snapshot was taken of this environment.
    Absent,
    Loading,
    Ready(Arc<Mirror>),
    /// The file is there and does not load: why.
    Failed(String),
}

/// A check decided again on the mirror, beside the PDP's answer.
#[derive(Debug, Clone)]
pub struct MirrorOutcome {
    pub result: AllowedResult,
    pub comparison: Comparison,
    pub age: Duration,
}

/// What is under way or on screen.
#[derive(Debug, Default)]
pub struct MirrorPanel {
    /// The snapshot being taken: the target and the progress so far.
    pub taking: Option<(usize, String)>,
    /// The PDP view: its target, and the report once it came.
    pub pdp_view: Option<(usize, Option<StatusReport>)>,
}

/// A few per check at most: boxing the big variants would buy nothing.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)]
pub enum MirrorMsg {
    Loaded {
        target: usize,
        result: Result<Option<Arc<Mirror>>, String>,
    },
    Decided {
        id: u64,
        outcome: MirrorOutcome,
    },
    Progress {
        target: usize,
        text: String,
    },
    Taken {
        target: usize,
        result: Result<String, String>,
    },
    Status {
        target: usize,
        report: StatusReport,
    },
}

#[allow(clippy::large_enum_variant)]
pub enum MirrorEffect {
    Load {
        target: usize,
        file: PathBuf,
        /// Load only when the file's modification time is no longer this one.
        unless_modified_at: Option<SystemTime>,
    },
    Decide {
        id: u64,
        environment: String,
        query: AllowedQuery,
        pdp: AllowedResult,
        mirror: Arc<Mirror>,
    },
    Take {
        target: usize,
        file: PathBuf,
        api_url: String,
        api_key: String,
        project: Option<String>,
        environment: Option<String>,
    },
    Status {
        target: usize,
        name: String,
        pdp_url: String,
        api_key: Option<String>,
        timeout: Duration,
        mirror: Option<Arc<Mirror>>,
        /// Without a mirror: the REST API to compare with (URL, project, environment).
        rest: Option<(String, Option<String>, Option<String>)>,
    },
}

impl std::fmt::Debug for MirrorEffect {
    /// Keys masked: an effect may be logged.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MirrorEffect::Load { target, file, .. } => {
                write!(f, "Load({target}, {})", file.display())
            }
            MirrorEffect::Decide { id, .. } => write!(f, "Decide(#{id})"),
            MirrorEffect::Take {
                target, api_key, ..
            } => {
                write!(f, "Take({target}, {})", crate::pdp::mask_key(api_key))
            }
            MirrorEffect::Status { target, .. } => write!(f, "Status({target})"),
        }
    }
}

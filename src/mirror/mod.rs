//! A snapshot of a real environment: Permit's REST lists paged into one policy file that the
//! sandbox loads, so a real environment's checks get the sandbox's full explanations offline.
//! The file records where and when it came from, and never the source's API key: it gets a
//! local key of its own. The large fact lists are written out page by page as they arrive, so
//! a snapshot holds the schema, the keys of users, tenants and instances, and one page.

pub mod compare;
mod convert;
pub mod file;
pub mod pages;
pub mod stored;

use std::collections::BTreeMap;
use std::io::Write;

use serde::Serialize;
use serde_json::Value;

use crate::cloud::CloudClient;
use crate::sandbox::policy::{EnvironmentDef, SnapshotSource};

pub use pages::PageError;

/// The small schema lists, held whole: `(list, area)`.
const SCHEMA: [(&str, &str); 5] = [
    ("resources", "schema"),
    ("roles", "schema"),
    ("condition_sets", "schema"),
    ("set_rules", "facts"),
    ("tenants", "facts"),
];

/// The large fact lists, streamed, in an order where every fact's references come first.
const FACTS: [&str; 4] = [
    "users",
    "resource_instances",
    "role_assignments",
    "relationship_tuples",
];

/// Which environment to mirror, by key or id, and how.
#[derive(Debug, Clone)]
pub struct Target {
    pub project: String,
    pub environment: String,
    /// Pages in flight at once.
    pub concurrency: usize,
    /// The project's active policy repository (GitOps: custom Rego may run on top).
    pub policy_repo: Option<String>,
}

/// What a snapshot wrote: where it came from, the counts, what it left out.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub source: SnapshotSource,
    pub skipped: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error(transparent)]
    Page(#[from] PageError),
    #[error("cannot write the snapshot: {0}")]
    Write(#[from] std::io::Error),
    #[error("cannot encode the snapshot: {0}")]
    Encode(#[from] serde_json::Error),
}

/// Pages every list of `target` and writes the policy, API key `local_key`, to `out` as one
/// JSON object. `progress` hears `(list, pages done, pages in all, objects so far)`.
pub async fn take(
    client: &CloudClient,
    target: &Target,
    local_key: &str,
    out: impl Write,
    progress: &mut dyn FnMut(&str, usize, usize, usize),
) -> Result<Snapshot, SnapshotError> {
    let mut json = ObjectWriter::new(out)?;
    json.field(
        "environment",
        &EnvironmentDef {
            key: target.environment.clone(),
            name: target.environment.clone(),
            project: target.project.clone(),
            api_key: local_key.to_string(),
        },
    )?;
    let mut counts = BTreeMap::new();
    let mut schema = convert::Assembly::default();
    for (list, area) in SCHEMA {
        let count = fetch_list(client, target, area, list, progress, |items| {
            schema.add(list, items);
            Ok(())
        })
        .await?;
        counts.insert(list.to_string(), count);
    }
    schema.finish();
    let policy = &schema.policy;
    json.field("resources", &policy.resources)?;
    json.field("roles", &policy.roles)?;
    json.field("condition_sets", &policy.condition_sets)?;
    json.field("condition_set_rules", &policy.condition_set_rules)?;
    json.field("tenants", &policy.tenants)?;
    let mut facts = convert::Facts::new(&policy.tenants);
    let mut skipped = std::mem::take(&mut schema.skipped);
    for list in FACTS {
        json.begin_list(list)?;
        let count = fetch_list(client, target, "facts", list, progress, |items| {
            for item in items {
                let written = match list {
                    "users" => facts.user(item).map(|d| json.element(&d)),
                    "resource_instances" => facts.resource_instance(item).map(|d| json.element(&d)),
                    "role_assignments" => facts.role_assignment(item).map(|d| json.element(&d)),
                    _ => facts.relationship_tuple(item).map(|d| json.element(&d)),
                };
                match written {
                    Ok(result) => result?,
                    Err(why) => skipped.push(why),
                }
            }
            Ok(())
        })
        .await?;
        json.end_list()?;
        counts.insert(list.to_string(), count);
    }
    let source = SnapshotSource {
        api_url: client.base_url().to_string(),
        project: target.project.clone(),
        environment: target.environment.clone(),
        taken_at: crate::store::time::now_rfc3339(),
        counts,
        skipped: skipped.clone(),
        active_policy_repo_id: target.policy_repo.clone(),
    };
    json.field("source", &source)?;
    json.finish()?;
    Ok(Snapshot { source, skipped })
}

/// One list, every page handed to `take`; returns how many objects came.
async fn fetch_list(
    client: &CloudClient,
    target: &Target,
    area: &str,
    list: &str,
    progress: &mut dyn FnMut(&str, usize, usize, usize),
    mut take: impl FnMut(Vec<Value>) -> Result<(), SnapshotError>,
) -> Result<usize, SnapshotError> {
    let segments = ["v2", area, &target.project, &target.environment, list];
    let fetched = std::cell::Cell::new(0usize);
    pages::each_page(
        client,
        &segments,
        target.concurrency,
        |items| {
            fetched.set(fetched.get() + items.len());
            take(items)
        },
        &mut |done, all| progress(list, done, all, fetched.get()),
    )
    .await?;
    Ok(fetched.get())
}

/// Writes one JSON object field by field, and a list element by element.
struct ObjectWriter<W: Write> {
    out: W,
    fields: usize,
    elements: usize,
}

impl<W: Write> ObjectWriter<W> {
    fn new(mut out: W) -> std::io::Result<Self> {
        out.write_all(b"{")?;
        Ok(ObjectWriter {
            out,
            fields: 0,
            elements: 0,
        })
    }

    fn name(&mut self, name: &str) -> Result<(), SnapshotError> {
        if self.fields > 0 {
            self.out.write_all(b",\n")?;
        }
        self.fields += 1;
        serde_json::to_writer(&mut self.out, name)?;
        self.out.write_all(b":")?;
        Ok(())
    }

    fn field<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<(), SnapshotError> {
        self.name(name)?;
        serde_json::to_writer(&mut self.out, value)?;
        Ok(())
    }

    fn begin_list(&mut self, name: &str) -> Result<(), SnapshotError> {
        self.name(name)?;
        self.elements = 0;
        self.out.write_all(b"[")?;
        Ok(())
    }

    fn element<T: Serialize>(&mut self, value: &T) -> Result<(), SnapshotError> {
        if self.elements > 0 {
            self.out.write_all(b",\n")?;
        }
        self.elements += 1;
        serde_json::to_writer(&mut self.out, value)?;
        Ok(())
    }

    fn end_list(&mut self) -> Result<(), SnapshotError> {
        self.out.write_all(b"]")?;
        Ok(())
    }

    fn finish(mut self) -> Result<(), SnapshotError> {
        self.out.write_all(b"}\n")?;
        self.out.flush()?;
        Ok(())
    }
}

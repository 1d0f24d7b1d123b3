//! `check --mirror`: the check decided again on the environment's mirror, its explanation
//! printed under the PDP's answer, with whether the two agree and what can cause it if not.

use std::time::SystemTime;

use serde_json::{json, Value};

use crate::mirror::compare::{compare, Comparison};
use crate::mirror::stored::Mirror;
use crate::pdp::types::{AllowedQuery, AllowedResult};
use crate::pdp::Exchange;
use crate::printable::escape_line;

/// The mirror's answer to one check, beside the PDP's.
pub struct Beside {
    query: AllowedQuery,
    result: AllowedResult,
    /// `None` when the PDP gave no answer to compare with.
    comparison: Option<Comparison>,
    age: std::time::Duration,
    file: String,
}

pub fn decide(
    mirror: &Mirror,
    environment: &str,
    query: &AllowedQuery,
    pdp: &Exchange<AllowedResult>,
) -> Beside {
    let result = mirror.check(query);
    let facts = mirror.facts(environment, SystemTime::now());
    let age = facts.age;
    let comparison = pdp
        .result
        .as_ref()
        .ok()
        .map(|answer| compare(query, answer, &result, &facts));
    Beside {
        query: query.clone(),
        result,
        comparison,
        age,
        file: mirror.file.display().to_string(),
    }
}

impl Beside {
    pub fn text(&self) -> String {
        let mut out = String::new();
        let verdict = if self.result.allow { "ALLOW" } else { "DENY" };
        match &self.comparison {
            Some(c) => out.push_str(&format!("mirror: {}\n", c.headline(self.age))),
            None => out.push_str(&format!(
                "mirror: {verdict} (the PDP gave no answer to compare), snapshot {} old\n",
                crate::store::time::age_text(self.age)
            )),
        }
        if let Some(c) = &self.comparison {
            for d in &c.codes {
                out.push_str(&format!(
                    "  {:<6} PDP {}, mirror {}\n",
                    d.model,
                    escape_line(d.pdp.as_deref().unwrap_or("-")),
                    escape_line(d.mirror.as_deref().unwrap_or("-"))
                ));
            }
        }
        for line in crate::explain::text_lines(&self.query, &self.result, "  ") {
            out.push_str(&escape_line(&line));
            out.push('\n');
        }
        if let Some(c) = self.comparison.as_ref().filter(|c| !c.causes.is_empty()) {
            out.push_str("  possible causes, most likely first:\n");
            for (i, cause) in c.causes.iter().enumerate() {
                out.push_str(&format!(
                    "    {}. {}\n       → {}\n",
                    i + 1,
                    escape_line(&cause.text),
                    escape_line(&cause.action)
                ));
            }
        }
        out
    }

    pub fn to_json(&self) -> Value {
        json!({
            "file": self.file,
            "age_seconds": self.age.as_secs(),
            "decision": if self.result.allow { "allow" } else { "deny" },
            "agrees": self.comparison.as_ref().map(Comparison::agree),
            "codes": self.comparison.as_ref().map(|c| &c.codes),
            "causes": self.comparison.as_ref().map(|c| &c.causes),
            "response": self.result,
        })
    }
}

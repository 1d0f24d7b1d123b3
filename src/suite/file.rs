//! The suite file: TOML `[[check]]` entries with an expected decision, turned into
//! `AllowedQuery`s. Every problem is reported with the file, the line and the reason.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::pdp::input::{parse_resource, parse_user};
use crate::pdp::types::{AllowedQuery, JsonObject, Resource, User, DEFAULT_TENANT};

pub use crate::expectation::{decision_word, Expect};

/// One check of a suite, ready to send.
#[derive(Debug, Clone, PartialEq)]
pub struct SuiteCheck {
    pub name: String,
    /// 1-based line of the `[[check]]` header in the file.
    pub line: usize,
    pub query: AllowedQuery,
    pub expect: Expect,
    /// A debug code (`no_role_in_tenant`, `allow`, ...) that some model block must carry.
    pub expect_code: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Suite {
    /// The file it came from, or a label for suites built in memory.
    pub source: PathBuf,
    /// `name` at the top of the file, or the file stem.
    pub name: String,
    pub checks: Vec<SuiteCheck>,
}

/// Why a suite could not be loaded: `file:line:column: reason`.
#[derive(Debug, Clone, PartialEq)]
pub struct SuiteError {
    pub file: PathBuf,
    /// 1-based; 0 when the problem is not at a place (e.g. the file cannot be read).
    pub line: usize,
    pub column: usize,
    pub reason: String,
}

impl fmt::Display for SuiteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.file.display(), self.reason)
        } else {
            write!(
                f,
                "{}:{}:{}: {}",
                self.file.display(),
                self.line,
                self.column,
                self.reason
            )
        }
    }
}

impl std::error::Error for SuiteError {}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSuite {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    check: Vec<Spanned<RawCheck>>,
}

/// A user as a bare key or an inline table in the PDP's `user` shape.
#[derive(Deserialize)]
#[serde(untagged)]
enum RawUser {
    Key(String),
    Object(toml::Table),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCheck {
    #[serde(default)]
    name: Option<String>,
    user: RawUser,
    action: String,
    resource: String,
    #[serde(default)]
    tenant: Option<String>,
    #[serde(default)]
    user_attributes: toml::Table,
    #[serde(default)]
    resource_attributes: toml::Table,
    #[serde(default)]
    context: toml::Table,
    expect: Expect,
    #[serde(default)]
    expect_code: Option<String>,
}

/// Reads and parses a suite file.
pub fn load_suite(path: &Path) -> Result<Suite, SuiteError> {
    let text = std::fs::read_to_string(path).map_err(|err| SuiteError {
        file: path.to_path_buf(),
        line: 0,
        column: 0,
        reason: format!("cannot read the suite: {err}"),
    })?;
    parse_suite(path, &text)
}

/// Parses suite text; `path` only labels errors and names the suite.
pub fn parse_suite(path: &Path, text: &str) -> Result<Suite, SuiteError> {
    let lines = LineIndex::new(text);
    let error_at = |offset: usize, reason: String| {
        let (line, column) = lines.line_column(offset);
        SuiteError {
            file: path.to_path_buf(),
            line,
            column,
            reason,
        }
    };
    let raw: RawSuite = toml::from_str(text).map_err(|err| {
        let offset = err.span().map(|s| s.start).unwrap_or(0);
        error_at(offset, err.message().trim().to_string())
    })?;
    let _ = raw.description;
    if raw.check.is_empty() {
        return Err(SuiteError {
            file: path.to_path_buf(),
            line: 0,
            column: 0,
            reason: "the suite has no checks; add `[[check]]` entries".to_string(),
        });
    }
    let mut checks = Vec::with_capacity(raw.check.len());
    let mut seen: HashMap<String, usize> = HashMap::new();
    for spanned in raw.check {
        let start = spanned.span().start;
        let (line, _) = lines.line_column(start);
        let raw_check = spanned.into_inner();
        let check = build_check(raw_check, line).map_err(|reason| error_at(start, reason))?;
        if let Some(first) = seen.insert(check.name.clone(), line) {
            return Err(error_at(
                start,
                format!(
                    "check name `{}` is already used at line {first}; names must be unique",
                    check.name
                ),
            ));
        }
        checks.push(check);
    }
    let name = raw
        .name
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| {
            path.file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "suite".to_string())
        });
    Ok(Suite {
        source: path.to_path_buf(),
        name,
        checks,
    })
}

fn build_check(raw: RawCheck, line: usize) -> Result<SuiteCheck, String> {
    let mut user = match raw.user {
        RawUser::Key(key) => parse_user(&key).map_err(|e| e.to_string())?,
        RawUser::Object(table) => {
            let object = json_object(table, "user")?;
            let user: User = serde_json::from_value(serde_json::Value::Object(object))
                .map_err(|err| format!("user: {err}"))?;
            if user.key.trim().is_empty() {
                return Err("user key is required".to_string());
            }
            user
        }
    };
    user.attributes
        .extend(json_object(raw.user_attributes, "user_attributes")?);
    let action = raw.action.trim().to_string();
    if action.is_empty() {
        return Err("action is required".to_string());
    }
    let (kind, key) = parse_resource(&raw.resource).map_err(|e| e.to_string())?;
    let tenant = raw
        .tenant
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| DEFAULT_TENANT.to_string());
    let expect_code = raw
        .expect_code
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty());
    let name = raw
        .name
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| {
            let resource = match &key {
                Some(k) => format!("{kind}:{k}"),
                None => kind.clone(),
            };
            format!("{} {action} {resource} in {tenant}", user.key)
        });
    Ok(SuiteCheck {
        name,
        line,
        query: AllowedQuery {
            user,
            action,
            resource: Resource {
                kind,
                key,
                tenant: Some(tenant),
                attributes: json_object(raw.resource_attributes, "resource_attributes")?,
                context: JsonObject::new(),
            },
            context: json_object(raw.context, "context")?,
            sdk: None,
        },
        expect: raw.expect,
        expect_code,
    })
}

/// A TOML table as the JSON object the PDP receives. TOML's `nan` and `inf` have no JSON
/// form (serde would send them as `null`, silently changing the check), so they are refused
/// with their path; dates are sent as their text.
fn json_object(table: toml::Table, field: &str) -> Result<JsonObject, String> {
    table
        .into_iter()
        .map(|(key, value)| {
            let path = format!("{field}.{key}");
            Ok((key, json_value(value, &path)?))
        })
        .collect()
}

fn json_value(value: toml::Value, path: &str) -> Result<serde_json::Value, String> {
    use serde_json::Value as Json;
    Ok(match value {
        toml::Value::String(text) => Json::String(text),
        toml::Value::Integer(n) => Json::from(n),
        toml::Value::Float(x) => serde_json::Number::from_f64(x).map(Json::Number).ok_or_else(
            || format!("{path} is {x}, which is not a JSON number; write it as a string or leave it out"),
        )?,
        toml::Value::Boolean(b) => Json::Bool(b),
        toml::Value::Datetime(at) => Json::String(at.to_string()),
        toml::Value::Array(items) => Json::Array(
            items
                .into_iter()
                .enumerate()
                .map(|(i, item)| json_value(item, &format!("{path}[{i}]")))
                .collect::<Result<_, _>>()?,
        ),
        toml::Value::Table(table) => Json::Object(json_object(table, path)?),
    })
}

/// Writes checks as a suite file that [`parse_suite`] reads back to the same checks (lines
/// aside): how presets with expectations export to a suite. Fails only for values TOML
/// cannot hold (a JSON `null` in attributes or context).
pub fn render_suite(name: &str, checks: &[SuiteCheck]) -> Result<String, String> {
    fn to_toml(value: &serde_json::Value, what: &str) -> Result<toml::Value, String> {
        toml::Value::try_from(value).map_err(|err| format!("{what}: {err}"))
    }
    let mut entries = Vec::with_capacity(checks.len());
    for check in checks {
        let what = format!("check `{}`", check.name);
        let mut table = toml::Table::new();
        table.insert("name".into(), check.name.clone().into());
        let user = &check.query.user;
        if *user == User::with_key(&user.key) {
            table.insert("user".into(), user.key.clone().into());
        } else {
            let value = serde_json::to_value(user).map_err(|e| format!("{what}: {e}"))?;
            table.insert("user".into(), to_toml(&value, &what)?);
        }
        table.insert("action".into(), check.query.action.clone().into());
        let resource = &check.query.resource;
        let resource_text = match &resource.key {
            Some(key) => format!("{}:{key}", resource.kind),
            None => resource.kind.clone(),
        };
        table.insert("resource".into(), resource_text.into());
        if let Some(tenant) = &resource.tenant {
            table.insert("tenant".into(), tenant.clone().into());
        }
        for (field, object) in [
            ("resource_attributes", &resource.attributes),
            ("context", &check.query.context),
        ] {
            if !object.is_empty() {
                let value = serde_json::Value::Object(object.clone());
                table.insert(field.into(), to_toml(&value, &what)?);
            }
        }
        table.insert("expect".into(), check.expect.as_str().into());
        if let Some(code) = &check.expect_code {
            table.insert("expect_code".into(), code.clone().into());
        }
        entries.push(toml::Value::Table(table));
    }
    let mut root = toml::Table::new();
    root.insert("name".into(), name.into());
    root.insert("check".into(), toml::Value::Array(entries));
    toml::to_string(&root).map_err(|err| err.to_string())
}

/// Where each line starts, found once, so that placing every check of a long suite stays
/// linear (rescanning the text per check took 21 s for 20,000 checks).
struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    fn new(text: &'a str) -> LineIndex<'a> {
        let newlines = text.match_indices('\n').map(|(i, _)| i + 1);
        LineIndex {
            text,
            starts: std::iter::once(0).chain(newlines).collect(),
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    fn line_column(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|start| *start <= offset);
        let line_start = self.starts[line - 1];
        let column = self
            .text
            .get(line_start..offset)
            .map_or(0, |before| before.chars().count());
        (line, column + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(text: &str) -> Result<Suite, SuiteError> {
        parse_suite(Path::new("s.toml"), text)
    }

    #[test]
    fn nan_and_infinity_are_refused_with_their_place_not_sent_as_null() {
        for (field, value) in [
            ("context", "{ score = nan }"),
            ("resource_attributes", "{ limits = { max = inf } }"),
            ("user_attributes", "{ list = [1.0, -inf] }"),
            ("user", "{ key = \"u\", attributes = { x = nan } }"),
        ] {
            let text = format!(
                "[[check]]\nuser = \"u\"\naction = \"read\"\nresource = \"doc\"\nexpect = \"allow\"\n\n[[check]]\nname = \"second\"\nuser = \"u\"\naction = \"read\"\nresource = \"doc\"\nexpect = \"allow\"\n{field} = {value}\n"
            );
            let text = if field == "user" {
                text.replacen(
                    "name = \"second\"\nuser = \"u\"\n",
                    "name = \"second\"\n",
                    1,
                )
            } else {
                text
            };
            let err = parse(&text).unwrap_err();
            assert_eq!(err.line, 7, "{field}: {err}");
            assert!(err.reason.contains("not a JSON number"), "{field}: {err}");
            assert!(
                err.reason.contains(field.trim_end_matches("_attributes")),
                "{err}"
            );
        }
    }

    #[test]
    fn a_toml_date_in_the_context_is_sent_as_its_text() {
        let suite = parse(
            "[[check]]\nuser = \"u\"\naction = \"read\"\nresource = \"doc\"\nexpect = \"allow\"\ncontext = { at = 2026-12-04T10:00:00Z }\n",
        )
        .unwrap();
        assert_eq!(
            suite.checks[0].query.context["at"],
            json!("2026-12-04T10:00:00Z")
        );
    }

    #[test]
    fn lines_and_columns_are_placed_from_one_index() {
        let text = "ab\ncé x\n\nlast";
        let lines = LineIndex::new(text);
        assert_eq!(lines.line_column(0), (1, 1));
        assert_eq!(lines.line_column(2), (1, 3), "the newline ends line 1");
        assert_eq!(lines.line_column(3), (2, 1));
        assert_eq!(
            lines.line_column(text.find('x').unwrap()),
            (2, 4),
            "é is one column"
        );
        assert_eq!(lines.line_column(text.find("\n\n").unwrap() + 1), (3, 1));
        assert_eq!(
            lines.line_column(text.len() + 10),
            (4, 5),
            "past the end: its end"
        );
    }

    #[test]
    fn the_last_of_twenty_thousand_checks_is_placed_on_its_line() {
        let mut text = String::new();
        for i in 0..20_000 {
            text.push_str(&format!(
                "[[check]]\nname = \"c{i}\"\nuser = \"u\"\naction = \"read\"\nresource = \"doc\"\nexpect = \"allow\"\n"
            ));
        }
        text.push_str(
            "[[check]]\nuser = \"u\"\naction = \"read\"\nresource = \"doc\"\nexpect = \"maybe\"\n",
        );
        let err = parse(&text).unwrap_err();
        assert_eq!(err.line, 20_000 * 6 + 5, "{err}");
    }

    #[test]
    fn a_full_check_becomes_the_pdp_body() {
        let suite = parse(
            r#"
name = "demo"
[[check]]
name = "alice reads"
user = { key = "alice", email = "a@x.io", attributes = { level = 2 } }
user_attributes = { department = "eng" }
action = "read"
resource = "document:d1"
tenant = "acme"
resource_attributes = { owner = "bob" }
context = { ip = "1.2.3.4" }
expect = "allow"
expect_code = "allow"

[[check]]
user = "bob"
action = "delete"
resource = "document"
expect = "deny"
"#,
        )
        .unwrap();
        assert_eq!(suite.name, "demo");
        assert_eq!(suite.checks.len(), 2);
        let first = &suite.checks[0];
        assert_eq!(first.line, 3);
        assert_eq!(first.expect, Expect::Allow);
        assert_eq!(first.expect_code.as_deref(), Some("allow"));
        assert_eq!(
            serde_json::to_value(&first.query).unwrap(),
            json!({"user": {"key": "alice", "email": "a@x.io",
                            "attributes": {"level": 2, "department": "eng"}},
                   "action": "read",
                   "resource": {"type": "document", "key": "d1", "tenant": "acme",
                                "attributes": {"owner": "bob"}},
                   "context": {"ip": "1.2.3.4"}})
        );
        let second = &suite.checks[1];
        assert_eq!(second.name, "bob delete document in default");
        assert_eq!(second.query.resource.tenant.as_deref(), Some("default"));
        assert!(second.query.resource.key.is_none());
        assert!(suite.checks.iter().any(|c| c.expect_code.is_some()));
    }

    #[test]
    fn toml_syntax_errors_point_at_the_line() {
        let err = parse("[[check]]\nuser = \"a\"\naction = read\n").unwrap_err();
        assert_eq!(err.line, 3, "{err}");
        assert!(err.to_string().starts_with("s.toml:3:"), "{err}");
    }

    #[test]
    fn a_misspelt_expectation_is_named() {
        let err = parse(
            "[[check]]\nuser = \"a\"\naction = \"read\"\nresource = \"doc\"\nexpect = \"alow\"\n",
        )
        .unwrap_err();
        assert_eq!(err.line, 5, "{err}");
        assert!(err.reason.contains("alow"), "{err}");
        assert!(err.reason.contains("allow"), "{err}");
    }

    #[test]
    fn unknown_fields_are_refused() {
        let err = parse(
            "[[check]]\nuser = \"a\"\nactoin = \"read\"\nresource = \"doc\"\nexpect = \"deny\"\n",
        )
        .unwrap_err();
        assert!(err.reason.contains("actoin"), "{err}");
        assert_eq!(err.line, 3, "{err}");
    }

    #[test]
    fn semantic_errors_name_the_check_line() {
        let err = parse(
            "[[check]]\nuser = \"a\"\naction = \"read\"\nresource = \"doc\"\nexpect = \"deny\"\n\n\
             [[check]]\nuser = \"a\"\naction = \"read\"\nresource = \"a:b:c\"\nexpect = \"deny\"\n",
        )
        .unwrap_err();
        assert_eq!(err.line, 7, "{err}");
        assert!(err.reason.contains("a:b:c"), "{err}");

        let err = parse(
            "[[check]]\nuser = \"\"\naction = \"read\"\nresource = \"doc\"\nexpect = \"deny\"\n",
        )
        .unwrap_err();
        assert!(err.reason.contains("user key"), "{err}");
    }

    #[test]
    fn duplicate_names_and_empty_suites_are_refused() {
        let one = "[[check]]\nname = \"x\"\nuser = \"a\"\naction = \"read\"\nresource = \"doc\"\nexpect = \"deny\"\n";
        let err = parse(&format!("{one}{one}")).unwrap_err();
        assert!(err.reason.contains("already used at line 1"), "{err}");
        assert_eq!(err.line, 7);
        let err = parse("name = \"empty\"\n").unwrap_err();
        assert!(err.reason.contains("no checks"), "{err}");
    }

    #[test]
    fn rendered_suites_read_back_to_the_same_checks() {
        let suite = parse(
            r#"
[[check]]
name = "full"
user = { key = "alice", email = "a@x.io", attributes = { level = 2, tags = ["a", "b"] } }
action = "read"
resource = "document:d1"
tenant = "acme"
resource_attributes = { owner = { name = "bob" } }
context = { ip = "1.2.3.4" }
expect = "allow"
expect_code = "allow"

[[check]]
name = "bare"
user = "bob"
action = "delete"
resource = "document"
expect = "deny"
"#,
        )
        .unwrap();
        let text = render_suite("again", &suite.checks).unwrap();
        let back = parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(back.name, "again");
        let strip = |s: &Suite| {
            s.checks
                .iter()
                .map(|c| SuiteCheck {
                    line: 0,
                    ..c.clone()
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(strip(&back), strip(&suite), "{text}");
    }

    #[test]
    fn a_missing_file_says_so() {
        let err = load_suite(Path::new("/nonexistent/suite.toml")).unwrap_err();
        assert!(err.to_string().contains("/nonexistent/suite.toml"));
        assert!(err.reason.contains("cannot read"));
    }
}

//! A suggestion the form can carry out: the attribute values that make a failing condition
//! hold (or a holding `not` fail), applied to the query so the explorer can run it as a
//! what-if. Only what the request itself sends is editable: roles and relations live in the
//! PDP's data, tenant attributes too.

use serde_json::{Map, Value};

use crate::pdp::trace::ConditionTrace;
use crate::pdp::types::AllowedQuery;

/// One change to a query.
#[derive(Debug, Clone, PartialEq)]
pub enum FormEdit {
    /// Set `user.…`, `resource.…` or `context.…` (the condition's attribute path) to `value`.
    Attribute { path: String, value: Value },
    /// Check a resource of this type instead.
    ResourceType(String),
}

impl FormEdit {
    /// How the edit reads in a what-if's title: `user.on_leave = false`.
    pub fn text(&self) -> String {
        match self {
            FormEdit::Attribute { path, value } => format!("{path} = {value}"),
            FormEdit::ResourceType(kind) => format!("resource type = {kind}"),
        }
    }
}

/// The value that makes a failing leaf hold, when one value plainly does.
pub fn to_hold(c: &ConditionTrace) -> Option<FormEdit> {
    let value = match (c.operator.as_str(), &c.expected) {
        // A `ref` operand names another attribute: no constant makes it hold for sure.
        (_, Value::Object(o)) if o.contains_key("ref") => return None,
        ("equals", v) => v.clone(),
        ("not-equals", Value::Bool(b)) => Value::Bool(!b),
        ("greater-than", v) => step(v, 1)?,
        ("greater-than-equals" | "less-than-equals", Value::Number(_)) => c.expected.clone(),
        ("less-than", v) => step(v, -1)?,
        ("between", Value::Array(range)) => range.first()?.clone(),
        ("in", Value::Array(options)) => options.first()?.clone(),
        // String containment: the needle itself contains the needle.
        ("contains", Value::String(needle)) => Value::String(needle.clone()),
        ("array_contains" | "array_superset", Value::Array(needed)) => {
            with_items(actual_items(c), needed)
        }
        ("array_contains", v) => with_item(actual_items(c), v.clone()),
        ("array_subset", Value::Array(allowed)) => Value::Array(allowed.clone()),
        ("array_intersect", Value::Array(options)) => {
            with_item(actual_items(c), options.first()?.clone())
        }
        _ => return None,
    };
    attribute_edit(c, value)
}

/// The value that makes a holding leaf fail (a `not`'s inside), when one value plainly does.
pub fn to_break(c: &ConditionTrace) -> Option<FormEdit> {
    let value = match (c.operator.as_str(), &c.expected) {
        (_, Value::Object(o)) if o.contains_key("ref") => return None,
        ("equals", Value::Bool(b)) => Value::Bool(!b),
        ("not-equals", v) => v.clone(),
        ("greater-than" | "less-than", Value::Number(_)) => c.expected.clone(),
        ("greater-than-equals", v) => step(v, -1)?,
        ("less-than-equals", v) => step(v, 1)?,
        ("contains", Value::String(needle)) => match &c.actual {
            Some(Value::String(actual)) => Value::String(actual.replace(needle.as_str(), "")),
            _ => return None,
        },
        ("array_contains", v) => Value::Array(
            actual_items(c)
                .iter()
                .filter(|item| *item != v)
                .cloned()
                .collect(),
        ),
        _ => return None,
    };
    attribute_edit(c, value)
}

fn attribute_edit(c: &ConditionTrace, value: Value) -> Option<FormEdit> {
    let path = c.attribute.clone()?;
    let (root, rest) = path.split_once('.')?;
    // The user's key is who is asking, never a fix; tenant attributes are not in the request.
    let editable = matches!(
        root,
        "user" | "subject" | "resource" | "context" | "environment"
    ) && !rest.is_empty()
        && !(matches!(root, "user" | "subject") && rest == "key");
    editable.then_some(FormEdit::Attribute { path, value })
}

fn actual_items(c: &ConditionTrace) -> &[Value] {
    match &c.actual {
        Some(Value::Array(items)) => items,
        _ => &[],
    }
}

fn with_item(items: &[Value], item: Value) -> Value {
    with_items(items, std::slice::from_ref(&item))
}

fn with_items(items: &[Value], more: &[Value]) -> Value {
    let mut out = items.to_vec();
    for item in more {
        if !out.contains(item) {
            out.push(item.clone());
        }
    }
    Value::Array(out)
}

/// An integer one step past `v`; a float is left alone (no "next" float reads well).
fn step(v: &Value, by: i64) -> Option<Value> {
    v.as_i64()?.checked_add(by).map(Value::from)
}

/// `query` with the edits made, as the form would send it.
pub fn apply(query: &AllowedQuery, edits: &[FormEdit]) -> AllowedQuery {
    let mut out = query.clone();
    for edit in edits {
        match edit {
            FormEdit::ResourceType(kind) => out.resource.kind = kind.clone(),
            FormEdit::Attribute { path, value } => {
                let Some((root, rest)) = path.split_once('.') else {
                    continue;
                };
                match root {
                    "user" | "subject" => match (rest, value) {
                        ("email", Value::String(s)) => out.user.email = Some(s.clone()),
                        ("first_name", Value::String(s)) => out.user.first_name = Some(s.clone()),
                        ("last_name", Value::String(s)) => out.user.last_name = Some(s.clone()),
                        _ => set_path(&mut out.user.attributes, rest, value.clone()),
                    },
                    "resource" => set_path(&mut out.resource.attributes, rest, value.clone()),
                    _ => set_path(&mut out.context, rest, value.clone()),
                }
            }
        }
    }
    out
}

/// Sets a dotted path, as the sandbox reads one: an exact key holding dots wins, else nested
/// objects (created as needed).
fn set_path(map: &mut Map<String, Value>, path: &str, value: Value) {
    if map.contains_key(path) || !path.contains('.') {
        map.insert(path.to_string(), value);
        return;
    }
    let (head, rest) = path.split_once('.').unwrap_or((path, ""));
    let child = map
        .entry(head.to_string())
        .or_insert_with(|| Value::Object(Map::new()));
    if !child.is_object() {
        *child = Value::Object(Map::new());
    }
    if let Value::Object(inner) = child {
        set_path(inner, rest, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn leaf(
        attribute: &str,
        operator: &str,
        expected: Value,
        actual: Option<Value>,
    ) -> ConditionTrace {
        ConditionTrace {
            attribute: Some(attribute.into()),
            operator: operator.into(),
            expected,
            actual,
            matched: false,
            note: None,
            children: Vec::new(),
        }
    }

    fn value_of(edit: Option<FormEdit>) -> Option<Value> {
        match edit? {
            FormEdit::Attribute { value, .. } => Some(value),
            FormEdit::ResourceType(_) => None,
        }
    }

    #[test]
    fn each_operator_gets_the_value_that_makes_it_hold() {
        let cases = [
            ("equals", json!("hr"), None, Some(json!("hr"))),
            ("greater-than", json!(3), None, Some(json!(4))),
            ("greater-than-equals", json!(3), None, Some(json!(3))),
            ("less-than", json!(3), None, Some(json!(2))),
            ("between", json!([9, 17]), None, Some(json!(9))),
            ("in", json!(["a", "b"]), None, Some(json!("a"))),
            (
                "array_contains",
                json!("x"),
                Some(json!(["y"])),
                Some(json!(["y", "x"])),
            ),
            (
                "array_superset",
                json!(["x", "y"]),
                Some(json!(["y"])),
                Some(json!(["y", "x"])),
            ),
            (
                "array_intersect",
                json!(["x"]),
                Some(json!(["z"])),
                Some(json!(["z", "x"])),
            ),
            // A float has no next value that reads well: no edit rather than a wrong one.
            ("greater-than", json!(2.5), None, None),
            ("not-equals", json!("hr"), None, None),
            ("equals", json!({"ref": "user.other"}), None, None),
        ];
        for (op, expected, actual, want) in cases {
            let got = value_of(to_hold(&leaf("user.x", op, expected.clone(), actual)));
            assert_eq!(got, want, "{op} {expected}");
        }
    }

    #[test]
    fn a_not_is_broken_by_the_opposite_value() {
        let mut c = leaf("user.on_leave", "equals", json!(true), Some(json!(true)));
        c.matched = true;
        assert_eq!(value_of(to_break(&c)), Some(json!(false)));
        let c = leaf(
            "user.tags",
            "array_contains",
            json!("x"),
            Some(json!(["x", "y"])),
        );
        assert_eq!(value_of(to_break(&c)), Some(json!(["y"])));
        let c = leaf(
            "user.email",
            "contains",
            json!("@corp"),
            Some(json!("a@corp.io")),
        );
        assert_eq!(value_of(to_break(&c)), Some(json!("a.io")));
        let c = leaf("user.level", "greater-than-equals", json!(3), None);
        assert_eq!(value_of(to_break(&c)), Some(json!(2)));
    }

    #[test]
    fn only_what_the_request_sends_is_editable() {
        assert_eq!(
            to_hold(&leaf("user.key", "equals", json!("bob"), None)),
            None
        );
        assert_eq!(
            to_hold(&leaf("tenant.tier", "equals", json!("gold"), None)),
            None
        );
        assert!(to_hold(&leaf("context.ip", "equals", json!("1.2.3.4"), None)).is_some());
    }

    #[test]
    fn edits_land_where_the_sandbox_reads_them() {
        let query: AllowedQuery = serde_json::from_value(json!({
            "user": {"key": "bob", "attributes": {"a.b": 1, "dept": "x"}},
            "action": "read",
            "resource": {"type": "doc", "attributes": {"meta": 5}}
        }))
        .expect("query");
        let edits = [
            FormEdit::Attribute {
                path: "user.dept".into(),
                value: json!("hr"),
            },
            FormEdit::Attribute {
                path: "user.a.b".into(),
                value: json!(2),
            },
            FormEdit::Attribute {
                path: "resource.meta.level".into(),
                value: json!(3),
            },
            FormEdit::Attribute {
                path: "context.ip".into(),
                value: json!("10.0.0.1"),
            },
            FormEdit::Attribute {
                path: "user.email".into(),
                value: json!("b@x.io"),
            },
            FormEdit::ResourceType("report".into()),
        ];
        let out = apply(&query, &edits);
        assert_eq!(out.user.attributes["dept"], json!("hr"));
        assert_eq!(out.user.attributes["a.b"], json!(2));
        assert_eq!(out.resource.attributes["meta"], json!({"level": 3}));
        assert_eq!(out.context["ip"], json!("10.0.0.1"));
        assert_eq!(out.user.email.as_deref(), Some("b@x.io"));
        assert_eq!(out.resource.kind, "report");
        assert_eq!(out.user.key, "bob");
    }
}

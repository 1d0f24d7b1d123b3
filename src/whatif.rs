//! What-if: two queries side by side, and exactly what differs between them.

use serde_json::Value;

use crate::pdp::types::AllowedQuery;

#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// A dotted path into the `/allowed` body, e.g. `user.attributes.clearance`.
    pub path: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// Every leaf that differs between `a` and `b`, in a stable order.
pub fn changes(a: &AllowedQuery, b: &AllowedQuery) -> Vec<Change> {
    let a = serde_json::to_value(a).unwrap_or(Value::Null);
    let b = serde_json::to_value(b).unwrap_or(Value::Null);
    let mut out = Vec::new();
    diff("", Some(&a), Some(&b), &mut out);
    out
}

fn diff(path: &str, a: Option<&Value>, b: Option<&Value>, out: &mut Vec<Change>) {
    match (a, b) {
        (Some(Value::Object(x)), Some(Value::Object(y))) => {
            let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
            keys.sort();
            keys.dedup();
            for key in keys {
                let child = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                diff(&child, x.get(key), y.get(key), out);
            }
        }
        (x, y) if x != y => out.push(Change {
            path: path.to_string(),
            before: x.cloned(),
            after: y.cloned(),
        }),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdp::CheckInput;
    use serde_json::json;

    fn q(attrs: &str) -> AllowedQuery {
        CheckInput {
            user: "alice".into(),
            user_attributes: attrs.into(),
            action: "read".into(),
            resource: "document:d1".into(),
            ..CheckInput::default()
        }
        .to_query()
        .unwrap()
    }

    #[test]
    fn marks_exactly_the_changed_attribute() {
        let c = changes(
            &q(r#"{"clearance": 2, "dept": "eng"}"#),
            &q(r#"{"clearance": 3, "dept": "eng"}"#),
        );
        assert_eq!(
            c,
            vec![Change {
                path: "user.attributes.clearance".into(),
                before: Some(json!(2)),
                after: Some(json!(3))
            }]
        );
    }

    #[test]
    fn added_and_removed_attributes_show_as_missing_on_one_side() {
        let c = changes(&q(r#"{"a": 1}"#), &q(r#"{"b": [1]}"#));
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].path, "user.attributes.a");
        assert_eq!(c[0].after, None);
        assert_eq!(c[1].before, None);
    }

    #[test]
    fn identical_queries_have_no_changes() {
        assert!(changes(&q("{}"), &q("")).is_empty());
    }
}

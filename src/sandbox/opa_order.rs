//! How OPA compares JSON values, which is how Permit's generated Rego compares attributes.
//!
//! OPA orders every value, whatever its type: null < booleans < numbers < strings < arrays <
//! objects. So `"3" >= 3` holds (every string sorts after every number), `true <= 1000` holds,
//! and equality across types is false. Within a type: false < true, numbers by value (`3`
//! equals `3.0`), strings byte by byte, arrays element by element then by length, objects key
//! by key (sorted) then value by value, then by size.
//!
//! The array operators are set operations in Rego, so they are computed on sorted, deduplicated
//! copies: `n log n`, not `n × m`, on long lists.

use std::cmp::Ordering;

use serde_json::{Map, Value};

/// The rank of a value's type in OPA's total order.
fn type_rank(v: &Value) -> u8 {
    match v {
        Value::Null => 0,
        Value::Bool(_) => 1,
        Value::Number(_) => 2,
        Value::String(_) => 3,
        Value::Array(_) => 4,
        Value::Object(_) => 5,
    }
}

/// OPA's total order over JSON values.
pub fn compare(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Null, Value::Null) => Ordering::Equal,
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        (Value::Number(x), Value::Number(y)) => compare_numbers(x, y),
        (Value::String(x), Value::String(y)) => x.as_bytes().cmp(y.as_bytes()),
        (Value::Array(x), Value::Array(y)) => compare_arrays(x, y),
        (Value::Object(x), Value::Object(y)) => compare_objects(x, y),
        _ => type_rank(a).cmp(&type_rank(b)),
    }
}

/// OPA's equality: the same value, numbers by value, never across types.
pub fn equal(a: &Value, b: &Value) -> bool {
    compare(a, b) == Ordering::Equal
}

/// Whether the two values are of different JSON types (a comparison OPA still answers, by the
/// types' rank, and one the explanation points out).
pub fn crosses_types(a: &Value, b: &Value) -> bool {
    type_rank(a) != type_rank(b)
}

fn compare_numbers(x: &serde_json::Number, y: &serde_json::Number) -> Ordering {
    if let (Some(a), Some(b)) = (x.as_i64(), y.as_i64()) {
        return a.cmp(&b);
    }
    if let (Some(a), Some(b)) = (x.as_u64(), y.as_u64()) {
        return a.cmp(&b);
    }
    let (a, b) = (
        x.as_f64().unwrap_or(f64::NAN),
        y.as_f64().unwrap_or(f64::NAN),
    );
    a.partial_cmp(&b).unwrap_or(Ordering::Equal)
}

fn compare_arrays(x: &[Value], y: &[Value]) -> Ordering {
    for (a, b) in x.iter().zip(y) {
        let o = compare(a, b);
        if o != Ordering::Equal {
            return o;
        }
    }
    x.len().cmp(&y.len())
}

fn sorted_keys(m: &Map<String, Value>) -> Vec<&String> {
    let mut keys: Vec<&String> = m.keys().collect();
    keys.sort();
    keys
}

fn compare_objects(x: &Map<String, Value>, y: &Map<String, Value>) -> Ordering {
    let (kx, ky) = (sorted_keys(x), sorted_keys(y));
    for (a, b) in kx.iter().zip(&ky) {
        let o = a.as_bytes().cmp(b.as_bytes());
        if o != Ordering::Equal {
            return o;
        }
        let o = match (x.get(*a), y.get(*b)) {
            (Some(va), Some(vb)) => compare(va, vb),
            _ => Ordering::Equal,
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    kx.len().cmp(&ky.len())
}

/// The members of a collection as Rego iterates them (`x[_]`): an array's elements, an
/// object's values; anything else (a string, a number, a missing attribute) has none.
/// Sorted and deduplicated, as a Rego set.
pub fn members(v: Option<&Value>) -> Vec<&Value> {
    let mut out: Vec<&Value> = match v {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(Value::Object(map)) => map.values().collect(),
        _ => Vec::new(),
    };
    out.sort_by(|a, b| compare(a, b));
    out.dedup_by(|a, b| equal(a, b));
    out
}

/// Whether `value` is a member of the sorted set `set`.
pub fn contains(set: &[&Value], value: &Value) -> bool {
    set.binary_search_by(|m| compare(m, value)).is_ok()
}

/// Every member of sorted `sub` is in sorted `sup` (the empty set is a subset of anything).
pub fn is_subset(sub: &[&Value], sup: &[&Value]) -> bool {
    let mut j = 0;
    for x in sub {
        while j < sup.len() && compare(sup[j], x) == Ordering::Less {
            j += 1;
        }
        if j == sup.len() || !equal(sup[j], x) {
            return false;
        }
    }
    true
}

/// The two sorted sets share a member.
pub fn intersects(a: &[&Value], b: &[&Value]) -> bool {
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match compare(a[i], b[j]) {
            Ordering::Less => i += 1,
            Ordering::Greater => j += 1,
            Ordering::Equal => return true,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn types_order_null_bool_number_string_array_object() {
        let ladder = [
            json!(null),
            json!(false),
            json!(true),
            json!(-5),
            json!(1000),
            json!(""),
            json!("100"),
            json!([]),
            json!([0]),
            json!({}),
        ];
        for w in ladder.windows(2) {
            assert_eq!(compare(&w[0], &w[1]), Ordering::Less, "{} < {}", w[0], w[1]);
        }
        assert_eq!(compare(&json!("3"), &json!(3)), Ordering::Greater);
        assert_eq!(compare(&json!(true), &json!(1000)), Ordering::Less);
    }

    #[test]
    fn numbers_compare_by_value_and_strings_by_bytes() {
        assert!(equal(&json!(3), &json!(3.0)));
        assert_eq!(compare(&json!(2.5), &json!(3)), Ordering::Less);
        assert_eq!(compare(&json!("Z"), &json!("a")), Ordering::Less);
        assert!(!equal(&json!("3"), &json!(3)));
    }

    #[test]
    fn arrays_and_objects_compare_element_by_element() {
        assert_eq!(compare(&json!([1, 2]), &json!([1, 3])), Ordering::Less);
        assert_eq!(compare(&json!([1, 2]), &json!([1])), Ordering::Greater);
        assert!(equal(&json!({"b": 1, "a": 2}), &json!({"a": 2, "b": 1.0})));
        assert_eq!(compare(&json!({"a": 1}), &json!({"b": 0})), Ordering::Less);
    }

    #[test]
    fn set_operations_treat_missing_and_scalars_as_empty() {
        let a = json!(["x", "y", "x"]);
        let b = json!(["y", "z", "x"]);
        let (ma, mb) = (members(Some(&a)), members(Some(&b)));
        assert_eq!(ma.len(), 2, "duplicates fold");
        assert!(is_subset(&ma, &mb));
        assert!(!is_subset(&mb, &ma));
        assert!(intersects(&ma, &mb));
        let none = members(None);
        assert!(
            is_subset(&none, &ma),
            "a missing list is a subset of anything"
        );
        assert!(!intersects(&none, &ma));
        assert!(members(Some(&json!("abc"))).is_empty());
        let obj = json!({"k": "y"});
        assert!(
            contains(&members(Some(&obj)), &json!("y")),
            "objects iterate values"
        );
    }
}

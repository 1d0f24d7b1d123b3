//! Permit's condition language: compiled once at load time (so an unknown operator is a load
//! error, not a runtime surprise) and interpreted over `serde_json::Value` with a per-condition
//! trace. A type mismatch or a missing attribute makes a comparison false, never an error.
//!
//! Accepted forms (all nest freely):
//! - groups `{"allOf": [..]}` / `{"and": [..]}`, `{"anyOf": [..]}` / `{"or": [..]}`,
//!   `{"not": cond}` or `{"not": [..]}` (negated AND);
//! - leaves `{"user.clearance": {"greater-than-equals": 3}}` (several operators = AND);
//! - attribute-first groups `{"user.hour": {"anyOf": [{"between": [9, 12]}, {"equals": 18}]}}`;
//! - operands that are `{"ref": "user.email"}` read another attribute;
//! - `object_match` / `any_match` / `all_match` take `{"match": cond}` whose attribute paths
//!   are relative to the object (or to each array element).

use serde_json::{Map, Value};

use super::trace::ConditionTrace;

/// Every operator the interpreter knows, by its Permit name.
pub const OPERATORS: &[&str] = &[
    "equals",
    "not-equals",
    "greater-than",
    "greater-than-equals",
    "less-than",
    "less-than-equals",
    "between",
    "contains",
    "in",
    "array_contains",
    "array_subset",
    "array_superset",
    "array_intersect",
    "object_match",
    "any_match",
    "all_match",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Equals,
    NotEquals,
    Gt,
    Gte,
    Lt,
    Lte,
    Between,
    Contains,
    In,
    ArrayContains,
    ArraySubset,
    ArraySuperset,
    ArrayIntersect,
    ObjectMatch,
    AnyMatch,
    AllMatch,
}

impl Op {
    fn parse(name: &str) -> Option<Op> {
        Some(match name {
            "equals" => Op::Equals,
            "not-equals" => Op::NotEquals,
            "greater-than" => Op::Gt,
            "greater-than-equals" => Op::Gte,
            "less-than" => Op::Lt,
            "less-than-equals" => Op::Lte,
            "between" => Op::Between,
            "contains" => Op::Contains,
            "in" => Op::In,
            "array_contains" => Op::ArrayContains,
            "array_subset" => Op::ArraySubset,
            "array_superset" => Op::ArraySuperset,
            "array_intersect" => Op::ArrayIntersect,
            "object_match" => Op::ObjectMatch,
            "any_match" => Op::AnyMatch,
            "all_match" => Op::AllMatch,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Op::Equals => "equals",
            Op::NotEquals => "not-equals",
            Op::Gt => "greater-than",
            Op::Gte => "greater-than-equals",
            Op::Lt => "less-than",
            Op::Lte => "less-than-equals",
            Op::Between => "between",
            Op::Contains => "contains",
            Op::In => "in",
            Op::ArrayContains => "array_contains",
            Op::ArraySubset => "array_subset",
            Op::ArraySuperset => "array_superset",
            Op::ArrayIntersect => "array_intersect",
            Op::ObjectMatch => "object_match",
            Op::AnyMatch => "any_match",
            Op::AllMatch => "all_match",
        }
    }

    fn is_match(self) -> bool {
        matches!(self, Op::ObjectMatch | Op::AnyMatch | Op::AllMatch)
    }
}

#[derive(Debug, Clone)]
pub enum Operand {
    Value(Value),
    Ref(String),
    Match(Box<Cond>),
}

#[derive(Debug, Clone)]
pub enum Cond {
    All(Vec<Cond>),
    Any(Vec<Cond>),
    Not(Box<Cond>),
    Leaf {
        attribute: String,
        op: Op,
        operand: Operand,
    },
}

/// Why a condition did not compile: a JSON path inside the condition and a reason.
#[derive(Debug, Clone, PartialEq)]
pub struct CompileError {
    pub path: String,
    pub reason: String,
}

fn err(path: &str, reason: impl Into<String>) -> CompileError {
    CompileError {
        path: path.to_string(),
        reason: reason.into(),
    }
}

fn group_kind(key: &str) -> Option<&'static str> {
    match key {
        "allOf" | "and" => Some("allOf"),
        "anyOf" | "or" => Some("anyOf"),
        "not" => Some("not"),
        _ => None,
    }
}

/// Compiles a condition document. `null` and `{}` compile to "always true" (an empty AND).
pub fn compile(value: &Value, path: &str) -> Result<Cond, CompileError> {
    compile_node(value, path, None, 0)
}

const MAX_DEPTH: usize = 64;

fn compile_node(
    value: &Value,
    path: &str,
    attr: Option<&str>,
    depth: usize,
) -> Result<Cond, CompileError> {
    if depth > MAX_DEPTH {
        return Err(err(path, "conditions are nested too deeply"));
    }
    match value {
        Value::Null => Ok(Cond::All(Vec::new())),
        Value::Array(items) => compile_list(items, path, attr, depth).map(Cond::All),
        Value::Object(map) => {
            let mut parts = Vec::with_capacity(map.len());
            for (key, inner) in map {
                let here = format!("{path}.{key}");
                parts.push(compile_entry(key, inner, &here, attr, depth)?);
            }
            Ok(if parts.len() == 1 {
                parts.pop().unwrap_or(Cond::All(Vec::new()))
            } else {
                Cond::All(parts)
            })
        }
        other => Err(err(
            path,
            format!("expected a condition object, found {}", kind_of(other)),
        )),
    }
}

fn compile_list(
    items: &[Value],
    path: &str,
    attr: Option<&str>,
    depth: usize,
) -> Result<Vec<Cond>, CompileError> {
    items
        .iter()
        .enumerate()
        .map(|(i, item)| compile_node(item, &format!("{path}[{i}]"), attr, depth + 1))
        .collect()
}

fn compile_entry(
    key: &str,
    inner: &Value,
    path: &str,
    attr: Option<&str>,
    depth: usize,
) -> Result<Cond, CompileError> {
    if let Some(kind) = group_kind(key) {
        let children = match inner {
            Value::Array(items) => compile_list(items, path, attr, depth)?,
            Value::Object(_) => vec![compile_node(inner, path, attr, depth + 1)?],
            other => {
                return Err(err(
                    path,
                    format!(
                        "`{key}` takes a list of conditions, found {}",
                        kind_of(other)
                    ),
                ))
            }
        };
        return Ok(match kind {
            "anyOf" => Cond::Any(children),
            "not" => Cond::Not(Box::new(Cond::All(children))),
            _ => Cond::All(children),
        });
    }
    match attr {
        // Inside an attribute: the key is an operator.
        Some(attribute) => compile_operator(attribute, key, inner, path, depth),
        // At the top: the key is an attribute path, the value its operators.
        None => {
            if !is_attribute_path(key) {
                return Err(err(
                    path,
                    format!("unknown condition key `{key}`: expected allOf/anyOf/not or an attribute path like `user.department`"),
                ));
            }
            match inner {
                Value::Object(_) => compile_node(inner, path, Some(key), depth + 1),
                other => Err(err(path, format!("attribute `{key}` needs an operator object like {{\"equals\": …}}, found {}", kind_of(other)))),
            }
        }
    }
}

fn is_attribute_path(key: &str) -> bool {
    let root = key.split('.').next().unwrap_or("");
    matches!(
        root,
        "user" | "subject" | "resource" | "tenant" | "context" | "environment"
    ) && key.contains('.')
}

fn compile_operator(
    attribute: &str,
    op_name: &str,
    operand: &Value,
    path: &str,
    depth: usize,
) -> Result<Cond, CompileError> {
    let op = Op::parse(op_name).ok_or_else(|| {
        err(
            path,
            format!(
                "unknown operator `{op_name}` (known: {})",
                OPERATORS.join(", ")
            ),
        )
    })?;
    let operand = if op.is_match() {
        let inner = match operand {
            Value::Object(map) => map.get("match").unwrap_or(operand),
            other => {
                return Err(err(
                    path,
                    format!(
                        "`{op_name}` takes {{\"match\": conditions}}, found {}",
                        kind_of(other)
                    ),
                ))
            }
        };
        Operand::Match(Box::new(compile_relative(
            inner,
            &format!("{path}.match"),
            depth + 1,
        )?))
    } else if let Some(r) =
        operand
            .as_object()
            .and_then(|m| if m.len() == 1 { m.get("ref") } else { None })
    {
        match r.as_str() {
            Some(target) => Operand::Ref(target.to_string()),
            None => return Err(err(path, "`ref` must be a string attribute path")),
        }
    } else {
        if op == Op::Between && !matches!(operand, Value::Array(a) if a.len() == 2) {
            return Err(err(
                path,
                "`between` takes a list of two bounds [low, high]",
            ));
        }
        Operand::Value(operand.clone())
    };
    Ok(Cond::Leaf {
        attribute: attribute.to_string(),
        op,
        operand,
    })
}

/// Sub-conditions of the match operators: their attribute keys are relative paths.
fn compile_relative(value: &Value, path: &str, depth: usize) -> Result<Cond, CompileError> {
    if depth > MAX_DEPTH {
        return Err(err(path, "conditions are nested too deeply"));
    }
    match value {
        Value::Object(map) => {
            let mut parts = Vec::new();
            for (key, inner) in map {
                let here = format!("{path}.{key}");
                if let Some(kind) = group_kind(key) {
                    let items: Vec<Value> = match inner {
                        Value::Array(a) => a.clone(),
                        other => vec![other.clone()],
                    };
                    let children = items
                        .iter()
                        .enumerate()
                        .map(|(i, v)| compile_relative(v, &format!("{here}[{i}]"), depth + 1))
                        .collect::<Result<Vec<_>, _>>()?;
                    parts.push(match kind {
                        "anyOf" => Cond::Any(children),
                        "not" => Cond::Not(Box::new(Cond::All(children))),
                        _ => Cond::All(children),
                    });
                } else {
                    match inner {
                        Value::Object(_) => {
                            parts.push(compile_node(inner, &here, Some(key), depth + 1)?)
                        }
                        other => {
                            return Err(err(
                                &here,
                                format!(
                                    "field `{key}` needs an operator object, found {}",
                                    kind_of(other)
                                ),
                            ))
                        }
                    }
                }
            }
            Ok(if parts.len() == 1 {
                parts.pop().unwrap_or(Cond::All(Vec::new()))
            } else {
                Cond::All(parts)
            })
        }
        Value::Null => Ok(Cond::All(Vec::new())),
        other => Err(err(
            path,
            format!("expected a condition object, found {}", kind_of(other)),
        )),
    }
}

pub fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// Where attribute paths are looked up: the merged request input, or (inside a match
/// operator) one object.
#[derive(Clone, Copy)]
pub enum Scope<'a> {
    Input(&'a Input),
    Layered(&'a Layered<'a>),
    Object(&'a Value),
}

/// The root an attribute path starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Root {
    User,
    Resource,
    Tenant,
    Context,
}

impl Root {
    fn parse(name: &str) -> Option<Root> {
        match name {
            "user" | "subject" => Some(Root::User),
            "resource" => Some(Root::Resource),
            "tenant" => Some(Root::Tenant),
            "context" | "environment" => Some(Root::Context),
            _ => None,
        }
    }
}

/// Attributes the PDP generates (`user.roles`, `resource.type`, ...): the lowest layer, asked
/// only when no stored or given layer holds the key, so the hot path builds none it never reads.
pub trait GeneratedAttributes {
    fn generated(&self, root: Root, key: &str) -> Option<&Value>;
}

/// The same attributes as `Input`, but unmerged: each root is a stack of borrowed layers,
/// highest precedence first, then the generated ones, so the hot path merges nothing and
/// clones nothing.
#[derive(Clone, Copy)]
pub struct Layered<'a> {
    pub user: [Option<&'a Map<String, Value>>; 2],
    pub resource: [Option<&'a Map<String, Value>>; 2],
    pub tenant: [Option<&'a Map<String, Value>>; 2],
    pub context: [Option<&'a Map<String, Value>>; 2],
    pub generated: &'a dyn GeneratedAttributes,
}

impl Layered<'_> {
    pub fn lookup(&self, path: &str) -> Option<&Value> {
        let (root, rest) = path.split_once('.').unwrap_or((path, ""));
        let root = Root::parse(root)?;
        let layers = match root {
            Root::User => &self.user,
            Root::Resource => &self.resource,
            Root::Tenant => &self.tenant,
            Root::Context => &self.context,
        };
        if rest.is_empty() {
            return None;
        }
        let head = rest.split('.').next().unwrap_or(rest);
        let below_head = rest.get(head.len() + 1..).unwrap_or("");
        for layer in layers.iter().flatten() {
            if let Some(v) = layer.get(rest) {
                return Some(v);
            }
            // The highest layer holding the top-level key wins, as in a shallow merge.
            if let Some(v) = layer.get(head) {
                return walk(v, below_head);
            }
        }
        walk(self.generated.generated(root, head)?, below_head)
    }
}

/// The merged attributes a condition sees.
#[derive(Debug, Clone, Default)]
pub struct Input {
    pub user: Value,
    pub resource: Value,
    pub tenant: Value,
    pub context: Value,
}

impl Input {
    pub fn lookup(&self, path: &str) -> Option<&Value> {
        let (root, rest) = path.split_once('.').unwrap_or((path, ""));
        let base = match Root::parse(root)? {
            Root::User => &self.user,
            Root::Resource => &self.resource,
            Root::Tenant => &self.tenant,
            Root::Context => &self.context,
        };
        walk(base, rest)
    }
}

impl Scope<'_> {
    fn lookup(&self, path: &str) -> Option<&Value> {
        match self {
            Scope::Input(input) => input.lookup(path),
            Scope::Layered(layers) => layers.lookup(path),
            Scope::Object(obj) => walk(obj, path),
        }
    }
}

/// Follows a dotted path; an exact key containing dots wins over nesting.
fn walk<'v>(base: &'v Value, path: &str) -> Option<&'v Value> {
    if path.is_empty() {
        return Some(base);
    }
    let map = base.as_object()?;
    if let Some(v) = map.get(path) {
        return Some(v);
    }
    let (head, rest) = path.split_once('.')?;
    walk(map.get(head)?, rest)
}

/// Evaluates without building a trace (the hot path).
pub fn eval(cond: &Cond, scope: Scope<'_>) -> bool {
    match cond {
        Cond::All(cs) => cs.iter().all(|c| eval(c, scope)),
        Cond::Any(cs) => cs.iter().any(|c| eval(c, scope)),
        Cond::Not(c) => !eval(c, scope),
        Cond::Leaf {
            attribute,
            op,
            operand,
        } => {
            let actual = scope.lookup(attribute);
            leaf(*op, actual, operand, scope)
        }
    }
}

/// Evaluates and records every condition with its actual and expected value.
pub fn eval_traced(cond: &Cond, scope: Scope<'_>) -> ConditionTrace {
    match cond {
        Cond::All(cs) | Cond::Any(cs) => {
            let children: Vec<ConditionTrace> = cs.iter().map(|c| eval_traced(c, scope)).collect();
            let is_all = matches!(cond, Cond::All(_));
            let matched = if is_all {
                children.iter().all(|c| c.matched)
            } else {
                children.iter().any(|c| c.matched)
            };
            ConditionTrace::group(if is_all { "allOf" } else { "anyOf" }, matched, children)
        }
        Cond::Not(c) => {
            let child = eval_traced(c, scope);
            ConditionTrace::group("not", !child.matched, vec![child])
        }
        Cond::Leaf {
            attribute,
            op,
            operand,
        } => {
            let actual = scope.lookup(attribute);
            let matched = leaf(*op, actual, operand, scope);
            let (expected, children) = match operand {
                Operand::Value(v) => (v.clone(), Vec::new()),
                Operand::Ref(r) => (
                    serde_json::json!({"ref": r, "value": scope.lookup(r).cloned()}),
                    Vec::new(),
                ),
                Operand::Match(inner) => (
                    Value::String("match".into()),
                    match_children(*op, actual, inner),
                ),
            };
            ConditionTrace {
                attribute: Some(attribute.clone()),
                operator: op.name().to_string(),
                expected,
                actual: actual.cloned(),
                matched,
                children,
            }
        }
    }
}

fn match_children(op: Op, actual: Option<&Value>, inner: &Cond) -> Vec<ConditionTrace> {
    match (op, actual) {
        (Op::ObjectMatch, Some(obj @ Value::Object(_))) => {
            vec![eval_traced(inner, Scope::Object(obj))]
        }
        (Op::AnyMatch | Op::AllMatch, Some(Value::Array(items))) => items
            .iter()
            .map(|item| eval_traced(inner, Scope::Object(item)))
            .collect(),
        _ => Vec::new(),
    }
}

fn leaf(op: Op, actual: Option<&Value>, operand: &Operand, scope: Scope<'_>) -> bool {
    let Some(actual) = actual else { return false };
    let expected = match operand {
        Operand::Value(v) => v,
        Operand::Ref(path) => match scope.lookup(path) {
            Some(v) => v,
            None => return false,
        },
        Operand::Match(inner) => {
            return match (op, actual) {
                (Op::ObjectMatch, Value::Object(_)) => eval(inner, Scope::Object(actual)),
                (Op::AnyMatch, Value::Array(items)) => {
                    items.iter().any(|i| eval(inner, Scope::Object(i)))
                }
                (Op::AllMatch, Value::Array(items)) => {
                    items.iter().all(|i| eval(inner, Scope::Object(i)))
                }
                _ => false,
            }
        }
    };
    compare(op, actual, expected)
}

fn compare(op: Op, actual: &Value, expected: &Value) -> bool {
    match op {
        Op::Equals => json_eq(actual, expected),
        Op::NotEquals => same_kind(actual, expected) && !json_eq(actual, expected),
        Op::Gt => order(actual, expected).is_some_and(|o| o.is_gt()),
        Op::Gte => order(actual, expected).is_some_and(|o| o.is_ge()),
        Op::Lt => order(actual, expected).is_some_and(|o| o.is_lt()),
        Op::Lte => order(actual, expected).is_some_and(|o| o.is_le()),
        Op::Between => match expected.as_array().map(Vec::as_slice) {
            Some([lo, hi]) => {
                order(actual, lo).is_some_and(|o| o.is_ge())
                    && order(actual, hi).is_some_and(|o| o.is_le())
            }
            _ => false,
        },
        Op::Contains => match (actual, expected) {
            (Value::String(a), Value::String(e)) => a.contains(e.as_str()),
            _ => false,
        },
        Op::In => match expected {
            Value::Array(list) => list.iter().any(|e| json_eq(actual, e)),
            Value::String(s) => actual.as_str().is_some_and(|a| s.contains(a)),
            _ => false,
        },
        Op::ArrayContains => match actual {
            Value::Array(items) => match expected {
                Value::Array(want) => want.iter().all(|w| items.iter().any(|i| json_eq(i, w))),
                one => items.iter().any(|i| json_eq(i, one)),
            },
            _ => false,
        },
        Op::ArraySubset => match (actual, expected) {
            (Value::Array(a), Value::Array(e)) => a.iter().all(|x| e.iter().any(|y| json_eq(x, y))),
            _ => false,
        },
        Op::ArraySuperset => match (actual, expected) {
            (Value::Array(a), Value::Array(e)) => e.iter().all(|y| a.iter().any(|x| json_eq(x, y))),
            _ => false,
        },
        Op::ArrayIntersect => match (actual, expected) {
            (Value::Array(a), Value::Array(e)) => a.iter().any(|x| e.iter().any(|y| json_eq(x, y))),
            _ => false,
        },
        Op::ObjectMatch | Op::AnyMatch | Op::AllMatch => false,
    }
}

fn same_kind(a: &Value, b: &Value) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
}

/// JSON equality where `3` equals `3.0`.
fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

/// Numbers compare numerically and strings lexically (ISO dates and times order correctly);
/// anything else has no order.
fn order(a: &Value, b: &Value) -> Option<std::cmp::Ordering> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64()?.partial_cmp(&y.as_f64()?),
        (Value::String(x), Value::String(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

/// Builds an `Input` from plain maps (handy in tests).
pub fn input(user: Map<String, Value>, resource: Map<String, Value>) -> Input {
    Input {
        user: Value::Object(user),
        resource: Value::Object(resource),
        tenant: Value::Object(Map::new()),
        context: Value::Object(Map::new()),
    }
}

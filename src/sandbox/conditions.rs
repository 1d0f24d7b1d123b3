//! Permit's condition language: compiled once at load time (so an unknown operator is a load
//! error, not a runtime surprise) and interpreted over `serde_json::Value` with a per-condition
//! trace. Values compare as OPA compares them (`opa_order`), since Permit's generated Rego is
//! what decides: across types by OPA's total order, unless the sandbox runs with strict types.
//! A missing attribute makes a comparison false (undefined in Rego), never an error.
//!
//! Accepted forms (all nest freely):
//! - groups `{"allOf": [..]}` / `{"and": [..]}`, `{"anyOf": [..]}` / `{"or": [..]}`,
//!   `{"not": cond}` or `{"not": [..]}` (negated AND);
//! - leaves `{"user.clearance": {"greater-than-equals": 3}}` (several operators = AND);
//! - attribute-first groups `{"user.hour": {"anyOf": [{"between": [9, 12]}, {"equals": 18}]}}`;
//! - operands that are `{"ref": "user.email"}` read another attribute;
//! - `object_match` / `any_match` / `all_match` take `{"match": cond}` whose attribute paths
//!   are relative to the object (or to each array element).

use std::borrow::Cow;

use serde_json::{Map, Value};

use super::opa_order;
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

/// How comparisons across JSON types are decided.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Types {
    /// As Permit's PDP (OPA) does: by OPA's total order of types (`"3" >= 3` holds).
    #[default]
    Opa,
    /// A comparison across types is false (`--strict-types`), to catch such checks.
    Strict,
}

/// Where attribute paths are looked up: the merged request input, the layered attributes of
/// a check, or (inside a match operator) one object.
#[derive(Clone, Copy)]
pub enum Scope<'a> {
    Input(&'a Input),
    Layered(&'a Layered<'a>),
    Object(&'a Value, Types),
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

/// Attributes the PDP generates (`user.roles`, `user.tenants`, `resource.type`): the lowest
/// layer, built only when a condition reads one.
pub trait GeneratedAttributes {
    fn generated(&self, root: Root, key: &str) -> Option<&Value>;
}

/// The attributes of one check, unmerged: each root is a stack of borrowed layers, highest
/// precedence first (request, then stored), then the generated ones. A lookup merges only
/// what it reads, as Permit's `object.union_n([generated, stored, custom, request])` would:
/// objects merge deeply, anything else is replaced whole by the higher layer.
#[derive(Clone, Copy)]
pub struct Layered<'a> {
    pub user: [Option<&'a Map<String, Value>>; 2],
    pub resource: [Option<&'a Map<String, Value>>; 2],
    pub tenant: [Option<&'a Map<String, Value>>; 2],
    pub context: [Option<&'a Map<String, Value>>; 2],
    pub generated: &'a dyn GeneratedAttributes,
    pub types: Types,
}

/// At most three layers hold a key: request, stored, generated.
const MAX_LAYERS: usize = 3;

/// The values one key has in each layer that holds it, highest first.
#[derive(Clone, Copy)]
struct Stack<'v> {
    items: [Option<&'v Value>; MAX_LAYERS],
}

impl<'v> Stack<'v> {
    fn new() -> Self {
        Stack {
            items: [None; MAX_LAYERS],
        }
    }

    fn push(&mut self, v: &'v Value) {
        if let Some(slot) = self.items.iter_mut().find(|s| s.is_none()) {
            *slot = Some(v);
        }
    }

    fn top(&self) -> Option<&'v Value> {
        self.items[0]
    }

    /// The objects a union keeps merging: from the top down, until a value that is not one
    /// (it and everything under it were replaced whole by the object above).
    fn objects(&self) -> impl Iterator<Item = &'v Map<String, Value>> + '_ {
        self.items
            .iter()
            .map_while(|v| v.and_then(Value::as_object))
    }

    /// The values of `key` in the objects that are still merging.
    fn child(&self, key: &str) -> Stack<'v> {
        let mut next = Stack::new();
        for m in self.objects() {
            if let Some(v) = m.get(key) {
                next.push(v);
            }
        }
        next
    }

    /// Follows `path` through the merged layers (an exact key holding dots wins over nesting).
    fn walk(self, path: &str) -> Option<Cow<'v, Value>> {
        let top = self.top()?;
        if path.is_empty() {
            return Some(self.merged());
        }
        if !top.is_object() {
            return None;
        }
        let exact = self.child(path);
        if exact.top().is_some() {
            return Some(exact.merged());
        }
        let (head, rest) = path.split_once('.')?;
        self.child(head).walk(rest)
    }

    /// The value itself, merged deeply when several layers hold an object here.
    fn merged(&self) -> Cow<'v, Value> {
        let objects: Vec<&Map<String, Value>> = self.objects().collect();
        match (self.top(), objects.len()) {
            (Some(top), 0 | 1) => Cow::Borrowed(top),
            (None, _) => Cow::Owned(Value::Null),
            _ => {
                let mut out = Value::Object(Map::new());
                for m in objects.iter().rev() {
                    deep_union(&mut out, m);
                }
                Cow::Owned(out)
            }
        }
    }
}

/// `object.union`: `over` wins, objects on both sides merge recursively.
fn deep_union(base: &mut Value, over: &Map<String, Value>) {
    let Value::Object(base) = base else { return };
    for (k, v) in over {
        match (base.get_mut(k), v) {
            (Some(existing @ Value::Object(_)), Value::Object(inner)) => {
                deep_union(existing, inner)
            }
            _ => {
                base.insert(k.clone(), v.clone());
            }
        }
    }
}

impl Layered<'_> {
    pub fn lookup(&self, path: &str) -> Option<Cow<'_, Value>> {
        let (root, rest) = path.split_once('.')?;
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
        // An exact top-level key holding dots wins over nesting, in any layer.
        let mut exact = Stack::new();
        for layer in layers.iter().flatten() {
            if let Some(v) = layer.get(rest) {
                exact.push(v);
            }
        }
        if exact.top().is_some() {
            return exact.walk("");
        }
        let head = rest.split('.').next().unwrap_or(rest);
        let below_head = rest.get(head.len() + 1..).unwrap_or("");
        let mut stack = Stack::new();
        for layer in layers.iter().flatten() {
            if let Some(v) = layer.get(head) {
                stack.push(v);
            }
        }
        if let Some(v) = self.generated.generated(root, head) {
            stack.push(v);
        }
        stack.walk(below_head)
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

impl<'a> Scope<'a> {
    pub fn lookup(&self, path: &str) -> Option<Cow<'a, Value>> {
        match *self {
            Scope::Input(input) => input.lookup(path).map(Cow::Borrowed),
            Scope::Layered(layers) => layers.lookup(path),
            Scope::Object(obj, _) => walk(obj, path).map(Cow::Borrowed),
        }
    }

    fn types(&self) -> Types {
        match *self {
            Scope::Input(_) => Types::Opa,
            Scope::Layered(layers) => layers.types,
            Scope::Object(_, types) => types,
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
            leaf(*op, actual.as_deref(), operand, scope)
        }
    }
}

/// The Rego rule name Permit's generator gives a condition set: `userset_` / `resourceset_`
/// followed by the key with every byte but ASCII letters and digits written `_<hex>`
/// (`own_docs` is `own_5fdocs`).
pub fn rule_name(prefix: &str, key: &str) -> String {
    let mut name = String::with_capacity(prefix.len() + key.len() + 1);
    name.push_str(prefix);
    name.push('_');
    for b in key.bytes() {
        if b.is_ascii_alphanumeric() {
            name.push(char::from(b));
        } else {
            name.push_str(&format!("_{b:02x}"));
        }
    }
    name
}

/// Every `anyOf` group outside match operators, as the helper rule Permit's generator writes
/// for it: `<rule>_any_of_<n>`, nested groups named after the group around them
/// (`<rule>_any_of_0_any_of_1`), `n` counting every group of the set in pre-order. Groups
/// under a `not` are counted but not returned: they hang off a `not` helper whose name does not
/// start with `userset_` / `resourceset_`, so Permit's lists never show them.
pub fn any_of_helpers<'c>(cond: &'c Cond, rule: &str) -> Vec<(String, &'c Cond)> {
    struct Walk<'c> {
        counter: usize,
        out: Vec<(String, &'c Cond)>,
    }
    impl<'c> Walk<'c> {
        fn visit(&mut self, c: &'c Cond, parent: &str, listed: bool) {
            match c {
                Cond::Any(children) => {
                    let name = format!("{parent}_any_of_{}", self.counter);
                    self.counter += 1;
                    children.iter().for_each(|ch| self.visit(ch, &name, listed));
                    if listed {
                        self.out.push((name, c));
                    }
                }
                Cond::All(children) => children
                    .iter()
                    .for_each(|ch| self.visit(ch, parent, listed)),
                Cond::Not(inner) => self.visit(inner, parent, false),
                Cond::Leaf { .. } => {}
            }
        }
    }
    let mut walk = Walk {
        counter: 0,
        out: Vec::new(),
    };
    walk.visit(cond, rule, true);
    walk.out
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
            let actual = actual.as_deref();
            let matched = leaf(*op, actual, operand, scope);
            let (expected, compared_with, children) = match operand {
                Operand::Value(v) => (v.clone(), Some(Cow::Borrowed(v)), Vec::new()),
                Operand::Ref(r) => {
                    let target = scope.lookup(r);
                    (
                        serde_json::json!({"ref": r, "value": target.as_deref().cloned()}),
                        target,
                        Vec::new(),
                    )
                }
                Operand::Match(inner) => (
                    Value::String("match".into()),
                    None,
                    match_children(*op, actual, inner, scope.types()),
                ),
            };
            let note = match (actual, compared_with.as_deref()) {
                (Some(a), Some(e)) => cross_type_note(*op, a, e, scope.types()),
                _ => None,
            };
            ConditionTrace {
                attribute: Some(attribute.clone()),
                operator: op.name().to_string(),
                expected,
                actual: actual.cloned(),
                matched,
                note,
                children,
            }
        }
    }
}

/// Says so when a comparison crossed JSON types, since the answer then comes from the order of
/// the types, not from the values (`"100" > 100` holds: every string sorts after every number).
fn cross_type_note(op: Op, actual: &Value, expected: &Value, types: Types) -> Option<String> {
    let ordered = matches!(op, Op::Gt | Op::Gte | Op::Lt | Op::Lte | Op::Between);
    let eq = matches!(op, Op::Equals | Op::NotEquals);
    if !(ordered || eq) {
        return None;
    }
    let bounds: Vec<&Value> = match (op, expected) {
        (Op::Between, Value::Array(b)) => b.iter().collect(),
        _ => vec![expected],
    };
    let other = bounds
        .iter()
        .find(|b| opa_order::crosses_types(actual, b))?;
    let (a, e) = (kind_of(actual), kind_of(other));
    Some(match (types, ordered) {
        (Types::Strict, _) => {
            format!("compared {a} with {e}: false under --strict-types (Permit's PDP would order the types)")
        }
        (Types::Opa, true) => format!(
            "compared {a} with {e}: Permit orders the types, not the values (null < booleans < numbers < strings < lists < objects); send {e} to compare values"
        ),
        (Types::Opa, false) => {
            format!("compared {a} with {e}: values of different types are never equal; send {e}")
        }
    })
}

fn match_children(
    op: Op,
    actual: Option<&Value>,
    inner: &Cond,
    types: Types,
) -> Vec<ConditionTrace> {
    match (op, actual) {
        (Op::ObjectMatch, Some(value)) => vec![eval_traced(inner, Scope::Object(value, types))],
        (_, Some(value)) => match_items(value)
            .into_iter()
            .flatten()
            .map(|item| eval_traced(inner, Scope::Object(item, types)))
            .collect(),
        (_, None) => Vec::new(),
    }
}

/// What `some e in x` / `every e in x` range over in the Rego Permit generates for
/// `any_match` / `all_match`: an array's elements or an object's values; nothing for a scalar
/// (both operators are then false).
fn match_items(value: &Value) -> Option<Box<dyn Iterator<Item = &Value> + '_>> {
    match value {
        Value::Array(items) => Some(Box::new(items.iter())),
        Value::Object(map) => Some(Box::new(map.values())),
        _ => None,
    }
}

fn leaf(op: Op, actual: Option<&Value>, operand: &Operand, scope: Scope<'_>) -> bool {
    let types = scope.types();
    let expected = match operand {
        Operand::Value(v) => Cow::Borrowed(v),
        Operand::Ref(path) => match scope.lookup(path) {
            Some(v) => v,
            None => return false,
        },
        Operand::Match(inner) => {
            let Some(actual) = actual else { return false };
            // The match is a function over the value: a path into a scalar is undefined, so
            // only a `not` inside can hold there.
            return match (op, match_items(actual)) {
                (Op::ObjectMatch, _) => eval(inner, Scope::Object(actual, types)),
                (Op::AnyMatch, Some(mut items)) => {
                    items.any(|i| eval(inner, Scope::Object(i, types)))
                }
                (Op::AllMatch, Some(mut items)) => {
                    items.all(|i| eval(inner, Scope::Object(i, types)))
                }
                _ => false,
            };
        }
    };
    compare(op, actual, &expected, types)
}

/// One comparison, as the Rego Permit generates for the operator evaluates it. `actual` is
/// `None` when the attribute is missing (undefined in Rego).
fn compare(op: Op, actual: Option<&Value>, expected: &Value, types: Types) -> bool {
    use opa_order::{intersects, is_subset, members};
    // The array operators are set operations: a missing list is an empty set.
    match op {
        Op::ArraySubset => return is_subset(&members(actual), &members(Some(expected))),
        Op::ArraySuperset => return is_subset(&members(Some(expected)), &members(actual)),
        Op::ArrayIntersect => return intersects(&members(actual), &members(Some(expected))),
        _ => {}
    }
    let Some(actual) = actual else { return false };
    let ordered = |bound: &Value| {
        (types == Types::Opa || !opa_order::crosses_types(actual, bound))
            .then(|| opa_order::compare(actual, bound))
    };
    match op {
        Op::Equals => opa_order::equal(actual, expected),
        Op::NotEquals => {
            (types == Types::Opa || !opa_order::crosses_types(actual, expected))
                && !opa_order::equal(actual, expected)
        }
        Op::Gt => ordered(expected).is_some_and(|o| o.is_gt()),
        Op::Gte => ordered(expected).is_some_and(|o| o.is_ge()),
        Op::Lt => ordered(expected).is_some_and(|o| o.is_lt()),
        Op::Lte => ordered(expected).is_some_and(|o| o.is_le()),
        Op::Between => match expected.as_array().map(Vec::as_slice) {
            Some([lo, hi]) => {
                ordered(lo).is_some_and(|o| o.is_ge()) && ordered(hi).is_some_and(|o| o.is_le())
            }
            _ => false,
        },
        // `contains` is Rego's string builtin: anything but two strings is undefined.
        Op::Contains => match (actual, expected) {
            (Value::String(a), Value::String(e)) => a.contains(e.as_str()),
            _ => false,
        },
        // `x in list` is membership (an object's values count; a string is no collection).
        Op::In => opa_order::contains(&members(Some(expected)), actual),
        Op::ArrayContains => {
            let have = members(Some(actual));
            match expected {
                Value::Array(_) => is_subset(&members(Some(expected)), &have),
                one => opa_order::contains(&have, one),
            }
        }
        Op::ArraySubset | Op::ArraySuperset | Op::ArrayIntersect => false,
        Op::ObjectMatch | Op::AnyMatch | Op::AllMatch => false,
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

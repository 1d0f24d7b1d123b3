//! The explain tree: RBAC (tenant → roles → grants), ABAC (sets and their conditions, actual
//! against expected), ReBAC (derivation paths hop by hop).

use crate::pdp::trace::{ConditionTrace, SandboxTrace, SetTrace};
use crate::pdp::types::{AllowedQuery, AllowedResult, DebugBlock};

use super::{operator_text, sandbox_trace, value_text};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    Pass,
    Fail,
    Info,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub mark: Mark,
    pub text: String,
    /// The fact that decided a failing branch: the first failing leaf condition.
    pub decisive: bool,
    pub children: Vec<Node>,
}

impl Node {
    fn new(mark: Mark, text: impl Into<String>) -> Node {
        Node {
            mark,
            text: text.into(),
            decisive: false,
            children: Vec::new(),
        }
    }

    fn with(mut self, children: Vec<Node>) -> Node {
        self.children = children;
        self
    }

    fn pass_or_fail(ok: bool, text: impl Into<String>) -> Node {
        Node::new(if ok { Mark::Pass } else { Mark::Fail }, text)
    }

    /// Depth-first walk, with the depth of each node (root = 0).
    pub fn walk(&self) -> Vec<(usize, &Node)> {
        let mut out = Vec::new();
        fn go<'a>(node: &'a Node, depth: usize, out: &mut Vec<(usize, &'a Node)>) {
            out.push((depth, node));
            for child in &node.children {
                go(child, depth + 1, out);
            }
        }
        go(self, 0, &mut out);
        out
    }
}

/// The whole decision as a tree.
pub fn explain(query: &AllowedQuery, result: &AllowedResult) -> Node {
    let resource = match &query.resource.key {
        Some(key) => format!("{}:{key}", query.resource.kind),
        None => query.resource.kind.clone(),
    };
    let tenant = match query.resource.tenant.as_deref() {
        Some(t) => format!("in tenant '{t}'"),
        None => "with no tenant".to_string(),
    };
    let headline = format!(
        "{} user '{}' {} {resource} {tenant}",
        if result.allow { "ALLOW:" } else { "DENY:" },
        query.user.key,
        query.action
    );
    let children = match (sandbox_trace(result), &result.debug) {
        (Some(trace), _) => from_trace(query, &trace),
        (None, Some(debug)) => debug
            .blocks()
            .map(|(name, block)| from_block(name, block))
            .collect(),
        (None, None) => vec![Node::new(
            Mark::Info,
            "The PDP sent no explanation. Turn its debug mode on: PDP_DEBUG=true on the PDP container, \
             or enable debug audit logs for the PDP in Permit.",
        )],
    };
    let mut root = Node::pass_or_fail(result.allow, headline).with(children);
    if result.allow {
        mark_granting_path(&mut root);
    }
    root
}

/// In an allow, what decided is the granting path, never a branch that failed beside it:
/// the failing models' marks are cleared, and in the first passing model the grant is marked
/// (a role that grants, a rule that matched, a path), not a precondition such as "tenant
/// exists".
fn mark_granting_path(root: &mut Node) {
    fn clear(node: &mut Node) {
        node.decisive = false;
        node.children.iter_mut().for_each(clear);
    }
    fn grant(model: &mut Node) -> Option<&mut Node> {
        let mut fallback = None;
        for (i, child) in model.children.iter().enumerate() {
            match child.mark {
                Mark::Pass if !child.children.is_empty() => return model.children.get_mut(i),
                Mark::Pass => {
                    fallback.get_or_insert(i);
                }
                Mark::Info if child.children.iter().any(|c| c.mark == Mark::Pass) => {
                    return model.children.get_mut(i).and_then(|wrapper| {
                        wrapper.children.iter_mut().find(|c| c.mark == Mark::Pass)
                    });
                }
                _ => {}
            }
        }
        fallback.and_then(|i| model.children.get_mut(i))
    }
    clear(root);
    if let Some(node) = root
        .children
        .iter_mut()
        .filter(|c| c.mark == Mark::Pass)
        .find_map(grant)
    {
        node.decisive = true;
    }
}

fn from_block(name: &str, block: &DebugBlock) -> Node {
    let mut node = Node::pass_or_fail(
        block.allow,
        format!(
            "{}: {} {}",
            name.to_uppercase(),
            block.code.as_deref().unwrap_or("-"),
            block
                .reason
                .as_deref()
                .map(|r| format!("— {r}"))
                .unwrap_or_default()
        ),
    );
    let list = |label: &str, items: &Option<Vec<serde_json::Value>>| {
        items.as_ref().filter(|v| !v.is_empty()).map(|items| {
            Node::new(
                Mark::Info,
                format!(
                    "{label}: {}",
                    items.iter().map(value_text).collect::<Vec<_>>().join(", ")
                ),
            )
        })
    };
    node.children.extend(
        [
            list("allowing roles", &block.allowing_roles),
            list("allowing rules", &block.allowing_rules),
            list("matching user sets", &block.matching_usersets),
            list("matching resource sets", &block.matching_resourcesets),
        ]
        .into_iter()
        .flatten(),
    );
    if let Some(link) = &block.support_link {
        node.children
            .push(Node::new(Mark::Info, format!("see {link}")));
    }
    node
}

fn from_trace(query: &AllowedQuery, trace: &SandboxTrace) -> Vec<Node> {
    let mut out = vec![rbac(query, trace)];
    if trace.abac.activated {
        out.push(abac(trace));
    }
    if trace.rebac.instance.is_some() || !trace.rebac.roles.is_empty() {
        out.push(rebac(query, trace));
    }
    out
}

fn rbac(query: &AllowedQuery, trace: &SandboxTrace) -> Node {
    let t = &trace.rbac;
    let permission = format!("{}:{}", query.resource.kind, query.action);
    let allowed = t.grants.iter().any(|g| g.grants_action);
    let mut children = Vec::new();
    if !t.resource_type_exists {
        children.push(Node::new(
            Mark::Fail,
            format!("resource type '{}' does not exist", query.resource.kind),
        ));
    } else if !t.action_exists {
        children.push(Node::new(
            Mark::Fail,
            format!(
                "action '{}' is not defined on '{}'",
                query.action, query.resource.kind
            ),
        ));
    }
    if query.resource.tenant.is_none() {
        children.push(Node::new(
            Mark::Fail,
            "the request had no tenant: Permit cannot quote one in a reason, so its code skips \
             the tenant checks (the SDKs send 'default' when none is given)"
                .to_string(),
        ));
    } else {
        children.push(Node::pass_or_fail(
            t.tenant_exists,
            if t.tenant_exists {
                format!("tenant '{}' exists", t.tenant)
            } else {
                format!("tenant '{}' does not exist", t.tenant)
            },
        ));
    }
    if !t.user_synced {
        children.push(Node::new(
            Mark::Fail,
            format!(
                "user '{}' is not synced to the PDP, so has no role assignments",
                query.user.key
            ),
        ));
    } else if t.roles_in_tenant.is_empty() {
        let elsewhere = t
            .roles_by_tenant
            .iter()
            .filter(|(tenant, roles)| **tenant != t.tenant && !roles.is_empty())
            .map(|(tenant, roles)| format!("{tenant}: {}", roles.join(", ")))
            .collect::<Vec<_>>();
        let text = if elsewhere.is_empty() {
            format!("user '{}' has no roles in any tenant", query.user.key)
        } else {
            format!(
                "no roles in '{}' (has roles in {})",
                t.tenant,
                elsewhere.join("; ")
            )
        };
        children.push(Node::new(Mark::Fail, text));
    } else {
        let roles = t.grants.iter().map(|g| {
            let chain = if g.via.len() > 1 {
                format!(" (via {})", g.via.join(" → "))
            } else {
                String::new()
            };
            Node::pass_or_fail(
                g.grants_action,
                if g.grants_action {
                    format!("role '{}' grants {permission}{chain}", g.role)
                } else {
                    format!("role '{}' lacks {permission}{chain}", g.role)
                },
            )
        });
        children.push(
            Node::new(
                Mark::Info,
                format!("roles in '{}': {}", t.tenant, t.roles_in_tenant.join(", ")),
            )
            .with(roles.collect()),
        );
    }
    if !allowed && !t.roles_granting_action.is_empty() {
        children.push(Node::new(
            Mark::Info,
            format!(
                "roles that grant {permission}: {}",
                t.roles_granting_action.join(", ")
            ),
        ));
    }
    mark_decisive(Node::pass_or_fail(allowed, "RBAC").with(children))
}

fn abac(trace: &SandboxTrace) -> Node {
    let a = &trace.abac;
    let allowed = a
        .rules
        .iter()
        .any(|r| r.userset_matched && r.resourceset_matched);
    let find = |sets: &[SetTrace], key: &str| sets.iter().find(|s| s.key == key).map(set_node);
    // The rules for this permission come first, each with its two sets opened: that is
    // where the answer is. Sets no rule for this permission uses are only listed.
    let mut children: Vec<Node> = a
        .rules
        .iter()
        .map(|r| {
            Node::pass_or_fail(
                r.userset_matched && r.resourceset_matched,
                format!(
                    "rule {} × {} grants {}",
                    r.userset, r.resourceset, r.permission
                ),
            )
            .with(
                [
                    find(&a.usersets, &r.userset),
                    find(&a.resourcesets, &r.resourceset),
                ]
                .into_iter()
                .flatten()
                .collect(),
            )
        })
        .collect();
    if children.is_empty() {
        children.push(Node::new(Mark::Fail, "no ABAC rule grants this permission"));
    }
    let used = |key: &str| {
        a.rules
            .iter()
            .any(|r| r.userset == key || r.resourceset == key)
    };
    let others = |label: &str, sets: &[SetTrace]| {
        let names: Vec<String> = sets
            .iter()
            .filter(|s| !s.autogenerated && !used(&s.key))
            .map(|s| format!("{} {}", s.name, if s.matched { "✓" } else { "✗" }))
            .collect();
        (!names.is_empty()).then(|| Node::new(Mark::Info, format!("{label}: {}", names.join(", "))))
    };
    children.extend(others("other user sets", &a.usersets));
    children.extend(others("other resource sets", &a.resourcesets));
    mark_decisive(Node::pass_or_fail(allowed, "ABAC").with(children))
}

fn set_node(set: &SetTrace) -> Node {
    let mut children = Vec::new();
    if let (Some(kind), Some(ok)) = (&set.resource_type, set.type_matched) {
        children.push(Node::pass_or_fail(ok, format!("resource.type = {kind}")));
    }
    if let Some(parent) = &set.parent {
        children.push(set_node(parent));
    }
    children.push(condition_node(&set.conditions));
    Node::pass_or_fail(
        set.matched,
        format!(
            "{} '{}'",
            if set.matched {
                "matched"
            } else {
                "not matched"
            },
            set.name
        ),
    )
    .with(children)
}

fn condition_node(c: &ConditionTrace) -> Node {
    let text = match &c.attribute {
        Some(attribute) => format!(
            "{attribute} {} {} (actual: {})",
            operator_text(&c.operator),
            value_text(&c.expected),
            c.actual
                .as_ref()
                // Across types the quotes are the point: "1" is not 1.
                .map(|v| if c.note.is_some() {
                    v.to_string()
                } else {
                    value_text(v)
                })
                .unwrap_or_else(|| "missing".to_string())
        ),
        None => operator_text(&c.operator).to_string(),
    };
    let mut children: Vec<Node> = c.children.iter().map(condition_node).collect();
    if let Some(note) = &c.note {
        children.insert(0, Node::new(Mark::Info, format!("note: {note}")));
    }
    Node::pass_or_fail(c.matched, text).with(children)
}

fn rebac(query: &AllowedQuery, trace: &SandboxTrace) -> Node {
    let r = &trace.rebac;
    let allowed = r.roles.iter().any(|role| role.grants_action);
    let mut children = Vec::new();
    if let Some(instance) = &r.instance {
        children.push(Node::pass_or_fail(
            r.instance_exists,
            if r.instance_exists {
                format!("instance {instance} exists")
            } else {
                format!("instance {instance} is not known to the PDP")
            },
        ));
    }
    if r.roles.is_empty() {
        children.push(Node::new(
            Mark::Fail,
            format!(
                "user '{}' has no role on this instance, directly or derived",
                query.user.key
            ),
        ));
    }
    for role in &r.roles {
        children.push(
            Node::pass_or_fail(
                role.grants_action,
                format!(
                    "{} on {} {}",
                    role.role,
                    role.resource,
                    if role.grants_action {
                        "grants the action"
                    } else {
                        "lacks the action"
                    }
                ),
            )
            .with(
                role.path
                    .iter()
                    .map(|hop| Node::new(Mark::Info, hop.clone()))
                    .collect(),
            ),
        );
    }
    if !allowed && !r.roles_granting_action.is_empty() {
        children.push(Node::new(
            Mark::Info,
            format!(
                "resource roles that grant it: {}",
                r.roles_granting_action.join(", ")
            ),
        ));
    }
    mark_decisive(Node::pass_or_fail(allowed, "ReBAC").with(children))
}

/// In a failing model, marks the first failing leaf: the fact a person should look at first.
fn mark_decisive(mut node: Node) -> Node {
    fn first_failing_leaf(node: &mut Node) -> bool {
        if node.mark != Mark::Fail {
            return false;
        }
        for child in &mut node.children {
            if first_failing_leaf(child) {
                return true;
            }
        }
        if node.children.iter().all(|c| c.mark != Mark::Fail) {
            node.decisive = true;
            return true;
        }
        false
    }
    if node.mark == Mark::Fail {
        for child in &mut node.children {
            if child.mark == Mark::Fail && first_failing_leaf(child) {
                break;
            }
            // Info wrappers (lists of sets) may hold the failing fact.
            if child.mark == Mark::Info && child.children.iter_mut().any(first_failing_leaf) {
                break;
            }
        }
    }
    node
}

//! The policy's graphs (`extends` among tenant roles and among one resource's roles, condition
//! set parents): cycle detection and flattening, iterative and linear in the graph, so a chain
//! of any length neither recurses that deep nor is rescanned per role.

use std::hash::Hash;

use super::store::{HashMap, HashSet};

/// Each node's parents (the roles it extends), by key.
pub type Parents<'a> = HashMap<&'a str, &'a [String]>;

#[derive(Clone, Copy, PartialEq)]
enum Mark {
    OnPath,
    Done,
}

/// A cycle, as the nodes around it with the first repeated at the end, searched from the
/// smallest key and through parents in their order (so the same policy names the same cycle).
pub fn find_cycle(parents: &Parents<'_>) -> Option<Vec<String>> {
    let mut marks: HashMap<&str, Mark> = HashMap::default();
    let mut roots: Vec<&str> = parents.keys().copied().collect();
    roots.sort_unstable();
    for root in roots {
        if marks.contains_key(root) {
            continue;
        }
        // The path from `root`, each node with the index of the next parent to follow.
        let mut path: Vec<(&str, usize)> = vec![(root, 0)];
        marks.insert(root, Mark::OnPath);
        while let Some((node, next)) = path.last_mut() {
            let node: &str = node;
            let Some(parent) = parents.get(node).and_then(|list| list.get(*next)) else {
                marks.insert(node, Mark::Done);
                path.pop();
                continue;
            };
            *next += 1;
            match marks.get(parent.as_str()) {
                Some(Mark::Done) => {}
                Some(Mark::OnPath) => {
                    let start = path.iter().position(|(n, _)| *n == parent).unwrap_or(0);
                    let mut cycle: Vec<String> =
                        path[start..].iter().map(|(n, _)| n.to_string()).collect();
                    cycle.push(parent.clone());
                    return Some(cycle);
                }
                None => {
                    marks.insert(parent.as_str(), Mark::OnPath);
                    path.push((parent.as_str(), 0));
                }
            }
        }
    }
    None
}

/// For every node, the union of `own` over the node and every node it reaches: each node's set
/// is built once, from its parents' finished sets (post-order with an explicit stack). The
/// graph must be acyclic ([`find_cycle`] first).
pub fn flatten<T: Clone + Eq + Hash>(
    parents: &Parents<'_>,
    own: impl Fn(&str) -> Vec<T>,
) -> HashMap<String, HashSet<T>> {
    let mut done: HashMap<String, HashSet<T>> = HashMap::default();
    let mut roots: Vec<&str> = parents.keys().copied().collect();
    roots.sort_unstable();
    for root in roots {
        let mut stack: Vec<(&str, usize)> = vec![(root, 0)];
        while let Some((node, next)) = stack.last_mut() {
            let node: &str = node;
            if done.contains_key(node) {
                stack.pop();
                continue;
            }
            let list = parents.get(node).copied().unwrap_or(&[]);
            if let Some(parent) = list.get(*next) {
                *next += 1;
                if !done.contains_key(parent.as_str()) {
                    stack.push((parent.as_str(), 0));
                }
                continue;
            }
            let mut set: HashSet<T> = own(node).into_iter().collect();
            for parent in list {
                if let Some(inherited) = done.get(parent.as_str()) {
                    set.extend(inherited.iter().cloned());
                }
            }
            done.insert(node.to_string(), set);
            stack.pop();
        }
    }
    done
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(edges: &[(&'static str, Vec<String>)]) -> Vec<(&'static str, Vec<String>)> {
        edges.to_vec()
    }

    fn parents<'a>(g: &'a [(&'static str, Vec<String>)]) -> Parents<'a> {
        g.iter().map(|(k, v)| (*k, v.as_slice())).collect()
    }

    #[test]
    fn a_diamond_is_no_cycle_and_flattens_to_every_ancestor_once() {
        let g = graph(&[
            ("admin", vec!["editor".into(), "auditor".into()]),
            ("editor", vec!["viewer".into()]),
            ("auditor", vec!["viewer".into()]),
            ("viewer", vec![]),
        ]);
        let p = parents(&g);
        assert_eq!(find_cycle(&p), None);
        let flat = flatten(&p, |node| vec![format!("{node}-perm")]);
        let mut admin: Vec<&String> = flat["admin"].iter().collect();
        admin.sort();
        assert_eq!(
            admin,
            ["admin-perm", "auditor-perm", "editor-perm", "viewer-perm"]
        );
        assert_eq!(flat["viewer"].len(), 1);
    }

    #[test]
    fn a_cycle_is_named_from_its_smallest_node() {
        let g = graph(&[
            ("b", vec!["c".into()]),
            ("c", vec!["a".into()]),
            ("a", vec!["b".into()]),
            ("z", vec![]),
        ]);
        assert_eq!(
            find_cycle(&parents(&g)),
            Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
        );
    }
}

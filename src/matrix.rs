//! The permission matrix: for one user and tenant, every resource type × action, filled by
//! a single `/allowed/bulk` request.

use crate::pdp::types::{AllowedQuery, AllowedResult};

/// A resource type and its actions, as the schema lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeActions {
    pub resource_type: String,
    pub actions: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell {
    Allow,
    Deny,
    /// The type has no such action.
    NotApplicable,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Matrix {
    pub resource_types: Vec<String>,
    /// The union of all actions, in first-seen order: the columns.
    pub actions: Vec<String>,
    /// `cells[row][column]`.
    pub cells: Vec<Vec<Cell>>,
}

/// The checks the matrix needs, in row-major order, each one the `base` query with its type
/// and action replaced. The resource key and attributes apply to the base query's own type only:
/// a key of one type means nothing on another.
pub fn queries(base: &AllowedQuery, schema: &[TypeActions]) -> Vec<AllowedQuery> {
    schema
        .iter()
        .flat_map(|t| {
            t.actions.iter().map(move |action| {
                let mut q = base.clone();
                if q.resource.kind != t.resource_type {
                    q.resource.key = None;
                    q.resource.attributes.clear();
                }
                q.resource.kind = t.resource_type.clone();
                q.action = action.clone();
                q
            })
        })
        .collect()
}

/// Lays bulk results (in the order of [`queries`]) into the grid.
pub fn assemble(schema: &[TypeActions], results: &[AllowedResult]) -> Matrix {
    let mut actions: Vec<String> = Vec::new();
    for t in schema {
        for a in &t.actions {
            if !actions.contains(a) {
                actions.push(a.clone());
            }
        }
    }
    let mut answers = results.iter();
    let cells = schema
        .iter()
        .map(|t| {
            let mut row = vec![Cell::NotApplicable; actions.len()];
            for action in &t.actions {
                let allow = answers.next().is_some_and(|r| r.allow);
                if let Some(col) = actions.iter().position(|a| a == action) {
                    row[col] = if allow { Cell::Allow } else { Cell::Deny };
                }
            }
            row
        })
        .collect();
    Matrix {
        resource_types: schema.iter().map(|t| t.resource_type.clone()).collect(),
        actions,
        cells,
    }
}

impl Matrix {
    /// The type and action of a cell, to load it into the form.
    pub fn cell_query(&self, row: usize, column: usize) -> Option<(&str, &str)> {
        let cell = self.cells.get(row)?.get(column)?;
        if *cell == Cell::NotApplicable {
            return None;
        }
        Some((self.resource_types.get(row)?, self.actions.get(column)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdp::CheckInput;

    fn schema() -> Vec<TypeActions> {
        vec![
            TypeActions {
                resource_type: "document".into(),
                actions: vec!["read".into(), "delete".into()],
            },
            TypeActions {
                resource_type: "folder".into(),
                actions: vec!["read".into(), "share".into()],
            },
        ]
    }

    #[test]
    fn queries_cover_every_type_action_pair_and_drop_foreign_keys() {
        let base = CheckInput {
            user: "alice".into(),
            action: "read".into(),
            resource: "document:d1".into(),
            resource_attributes: r#"{"level": 1}"#.into(),
            ..CheckInput::default()
        }
        .to_query()
        .unwrap();
        let qs = queries(&base, &schema());
        assert_eq!(qs.len(), 4);
        assert_eq!(
            (qs[1].resource.kind.as_str(), qs[1].action.as_str()),
            ("document", "delete")
        );
        assert_eq!(qs[1].resource.key.as_deref(), Some("d1"));
        assert_eq!(qs[2].resource.key, None);
        assert!(qs[3].resource.attributes.is_empty());
    }

    #[test]
    fn results_land_in_their_cells_and_missing_actions_are_not_applicable() {
        let r = |allow| AllowedResult {
            allow,
            ..AllowedResult::default()
        };
        let m = assemble(&schema(), &[r(true), r(false), r(false), r(true)]);
        assert_eq!(m.actions, vec!["read", "delete", "share"]);
        assert_eq!(
            m.cells[0],
            vec![Cell::Allow, Cell::Deny, Cell::NotApplicable]
        );
        assert_eq!(
            m.cells[1],
            vec![Cell::Deny, Cell::NotApplicable, Cell::Allow]
        );
        assert_eq!(m.cell_query(1, 2), Some(("folder", "share")));
        assert_eq!(m.cell_query(1, 1), None);
    }
}

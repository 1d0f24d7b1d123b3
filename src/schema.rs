//! What an environment knows, for autocomplete and the permission matrix: resource types
//! with their actions and attributes, tenants, users and user attributes, fetched over
//! Permit's REST API (the sandbox serves the same slice).

use crate::cloud::{CloudClient, CloudError};
use crate::matrix::TypeActions;

/// The most users fetched for completion; a large directory is searched, not listed.
pub const MAX_USERS: usize = 1_000;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Attribute {
    pub name: String,
    /// Permit's attribute type: `bool`, `number`, `string`, `time`, `array`, `json`, ….
    pub kind: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ResourceType {
    pub key: String,
    pub actions: Vec<String>,
    pub attributes: Vec<Attribute>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Schema {
    pub resources: Vec<ResourceType>,
    pub tenants: Vec<String>,
    pub users: Vec<String>,
    pub user_attributes: Vec<Attribute>,
}

/// The form fields that complete.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    User,
    Action,
    ResourceType,
    Tenant,
    UserAttribute,
    ResourceAttribute,
}

impl Schema {
    /// Fetches everything in four requests plus the users' pages.
    pub async fn fetch(
        client: &CloudClient,
        project: &str,
        env: &str,
    ) -> Result<Schema, CloudError> {
        let (resources, tenants, user_attributes, users) = tokio::try_join!(
            client.resources(project, env),
            client.tenants(project, env),
            client.user_attributes(project, env),
            client.all_users(project, env, None, MAX_USERS),
        )?;
        Ok(Schema {
            resources: resources
                .iter()
                .map(|r| ResourceType {
                    key: r.key.clone(),
                    actions: r.action_keys(),
                    attributes: r
                        .attribute_types()
                        .into_iter()
                        .map(|(name, kind)| Attribute { name, kind })
                        .collect(),
                })
                .collect(),
            tenants: tenants.into_iter().map(|t| t.key).collect(),
            users: users.into_iter().map(|u| u.key).collect(),
            user_attributes: user_attributes
                .into_iter()
                .map(|a| Attribute {
                    name: a.key,
                    kind: a.kind,
                })
                .collect(),
        })
    }

    pub fn resource(&self, key: &str) -> Option<&ResourceType> {
        self.resources.iter().find(|r| r.key == key)
    }

    /// Rows and columns of the permission matrix.
    pub fn type_actions(&self) -> Vec<TypeActions> {
        self.resources
            .iter()
            .map(|r| TypeActions {
                resource_type: r.key.clone(),
                actions: r.actions.clone(),
            })
            .collect()
    }

    /// Candidates for `field` given what is typed: prefix matches first, then other
    /// case-insensitive substring matches, each group in schema order. `resource_type` picks
    /// the actions and resource attributes offered.
    pub fn complete(&self, field: Field, typed: &str, resource_type: &str) -> Vec<String> {
        let owned: Vec<String>;
        let candidates: &[String] = match field {
            Field::User => &self.users,
            Field::Tenant => &self.tenants,
            Field::ResourceType => {
                owned = self.resources.iter().map(|r| r.key.clone()).collect();
                &owned
            }
            Field::Action => match self.resource(resource_type) {
                Some(r) => &r.actions,
                None => {
                    let mut all: Vec<String> = Vec::new();
                    for r in &self.resources {
                        for a in &r.actions {
                            if !all.contains(a) {
                                all.push(a.clone());
                            }
                        }
                    }
                    owned = all;
                    &owned
                }
            },
            Field::UserAttribute => {
                owned = self
                    .user_attributes
                    .iter()
                    .map(|a| format!("{}: {}", a.name, a.kind))
                    .collect();
                &owned
            }
            Field::ResourceAttribute => {
                owned = self
                    .resource(resource_type)
                    .map(|r| {
                        r.attributes
                            .iter()
                            .map(|a| format!("{}: {}", a.name, a.kind))
                            .collect()
                    })
                    .unwrap_or_default();
                &owned
            }
        };
        rank(candidates, typed)
    }
}

fn rank(candidates: &[String], typed: &str) -> Vec<String> {
    let needle = typed.trim().to_lowercase();
    let (mut prefix, mut inner) = (Vec::new(), Vec::new());
    for c in candidates {
        let lower = c.to_lowercase();
        if lower.starts_with(&needle) {
            prefix.push(c.clone());
        } else if lower.contains(&needle) {
            inner.push(c.clone());
        }
    }
    prefix.extend(inner);
    prefix
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema() -> Schema {
        Schema {
            resources: vec![
                ResourceType {
                    key: "document".into(),
                    actions: vec!["read".into(), "delete".into()],
                    attributes: vec![Attribute {
                        name: "owner".into(),
                        kind: "string".into(),
                    }],
                },
                ResourceType {
                    key: "folder".into(),
                    actions: vec!["read".into(), "share".into()],
                    attributes: vec![],
                },
            ],
            tenants: vec!["acme".into(), "globex".into(), "default".into()],
            users: vec!["alice".into(), "bob".into(), "malice".into()],
            user_attributes: vec![Attribute {
                name: "clearance".into(),
                kind: "number".into(),
            }],
        }
    }

    #[test]
    fn prefix_matches_come_before_substring_matches() {
        assert_eq!(
            schema().complete(Field::User, "ali", ""),
            vec!["alice", "malice"]
        );
    }

    #[test]
    fn actions_follow_the_selected_type_or_offer_all() {
        let s = schema();
        assert_eq!(
            s.complete(Field::Action, "", "folder"),
            vec!["read", "share"]
        );
        assert_eq!(
            s.complete(Field::Action, "", "unknown"),
            vec!["read", "delete", "share"]
        );
    }

    #[test]
    fn attributes_show_their_types() {
        let s = schema();
        assert_eq!(
            s.complete(Field::ResourceAttribute, "ow", "document"),
            vec!["owner: string"]
        );
        assert_eq!(
            s.complete(Field::UserAttribute, "", ""),
            vec!["clearance: number"]
        );
    }
}

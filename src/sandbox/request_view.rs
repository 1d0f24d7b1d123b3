//! `debug.request` written straight from the query and the store, without building a
//! `serde_json::Value` tree: on the hot path that tree (merged attribute maps with every value
//! cloned) cost more than the decision itself.
//!
//! Permit's debugger reports `object.union(input.user, {synced, attributes})` for the user and
//! `{type, attributes}` for the resource, where the attributes are the ones its conditions see:
//! `object.union_n([generated, stored, request])`, objects merged deeply. Keys keep the
//! position where they first appear (OPA would sort them; JSON equality does not care).

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use serde_json::{Map, Value};

use super::store::UserRec;
use crate::pdp::types::AllowedQuery;

/// A generated attribute's value, borrowed.
#[derive(Debug, Clone, Copy)]
enum Gen<'a> {
    Str(&'a str),
    Strs(&'a [&'a str]),
}

impl Serialize for Gen<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Gen::Str(v) => s.serialize_str(v),
            Gen::Strs(v) => v.serialize(s),
        }
    }
}

/// `object.union_n`: generated attributes (never objects) under maps listed bottom to top.
/// A key's value is the top layer's; where the top layers all hold objects, those objects
/// merge the same way, and the first non-object below them cuts the merge off.
struct Union<'a, 'm> {
    generated: &'m [(&'static str, Gen<'a>)],
    maps: &'m [&'a Map<String, Value>],
}

impl Union<'_, '_> {
    fn seen_below(&self, key: &str, layer: usize) -> bool {
        self.generated.iter().any(|(g, _)| *g == key)
            || self.maps[..layer].iter().any(|m| m.contains_key(key))
    }
}

impl Serialize for Union<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        let keys = self.generated.iter().map(|(k, _)| *k).chain(
            self.maps
                .iter()
                .enumerate()
                .flat_map(|(i, m)| m.keys().map(move |k| (i, k.as_str())))
                .filter(|(i, k)| !self.seen_below(k, *i))
                .map(|(_, k)| k),
        );
        for key in keys {
            let mut values = self.maps.iter().rev().filter_map(|m| m.get(key));
            match values.next() {
                None => {
                    if let Some((_, g)) = self.generated.iter().find(|(g, _)| *g == key) {
                        map.serialize_entry(key, g)?;
                    }
                }
                Some(top @ Value::Object(top_map)) => {
                    let mut objects: Vec<&Map<String, Value>> = vec![top_map];
                    objects.extend(values.map_while(Value::as_object));
                    if objects.len() == 1 {
                        map.serialize_entry(key, top)?;
                    } else {
                        objects.reverse();
                        let nested = Union {
                            generated: &[],
                            maps: &objects,
                        };
                        map.serialize_entry(key, &nested)?;
                    }
                }
                Some(top) => map.serialize_entry(key, top)?,
            }
        }
        map.end()
    }
}

/// Permit's `debug.request`: the request's user with whether it is synced and its merged
/// attributes, the tenant (null when unknown), the action and the resource's type with its
/// merged attributes.
#[derive(Debug, Clone, Copy)]
pub struct RequestView<'a> {
    pub q: &'a AllowedQuery,
    pub user: Option<&'a UserRec>,
    pub roles_in_tenant: &'a [String],
    /// The tenant when it exists.
    pub tenant: Option<&'a str>,
    /// The stored attributes of the resource instance, when it exists.
    pub instance_attributes: Option<&'a Map<String, Value>>,
}

impl RequestView<'_> {
    /// The same JSON as a `Value`, for callers that keep the answer as an `AllowedResult`.
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

struct UserView<'a>(&'a RequestView<'a>);

impl Serialize for UserView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = self.0;
        let u = &r.q.user;
        let stored = r.user;
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("key", &u.key)?;
        for (name, given) in [
            ("first_name", &u.first_name),
            ("last_name", &u.last_name),
            ("email", &u.email),
        ] {
            if let Some(v) = given {
                map.serialize_entry(name, v)?;
            }
        }
        // Generated: the roles in the request's tenant and the tenants with roles, both sets.
        let mut roles: Vec<&str> = r.roles_in_tenant.iter().map(String::as_str).collect();
        roles.sort_unstable();
        roles.dedup();
        let tenants = stored.map(UserRec::tenants_with_roles).unwrap_or_default();
        // The synced email is a stored attribute (under any stored attribute of that name).
        let email = stored.and_then(|x| x.email.as_deref());
        let mut generated = vec![
            ("roles", Gen::Strs(&roles)),
            ("tenants", Gen::Strs(&tenants)),
        ];
        if let Some(e) = email {
            generated.push(("email", Gen::Str(e)));
        }
        let maps: Vec<&Map<String, Value>> = stored
            .map(|x| &x.attributes)
            .into_iter()
            .chain([&u.attributes])
            .collect();
        let attributes = Union {
            generated: &generated,
            maps: &maps,
        };
        map.serialize_entry("attributes", &attributes)?;
        map.serialize_entry("synced", &stored.is_some())?;
        map.end()
    }
}

struct ResourceView<'a>(&'a RequestView<'a>);

impl Serialize for ResourceView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let res = &self.0.q.resource;
        let mut map = s.serialize_map(Some(2))?;
        map.serialize_entry("type", &res.kind)?;
        let maps: Vec<&Map<String, Value>> = self
            .0
            .instance_attributes
            .into_iter()
            .chain([&res.attributes])
            .collect();
        let attributes = Union {
            generated: &[("type", Gen::Str(&res.kind))],
            maps: &maps,
        };
        map.serialize_entry("attributes", &attributes)?;
        map.end()
    }
}

impl Serialize for RequestView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(4))?;
        map.serialize_entry("user", &UserView(self))?;
        map.serialize_entry("tenant", &self.tenant)?;
        map.serialize_entry("action", &self.q.action)?;
        map.serialize_entry("resource", &ResourceView(self))?;
        map.end()
    }
}

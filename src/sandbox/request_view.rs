//! `debug.request` written straight from the query and the store, without building a
//! `serde_json::Value` tree: on the hot path that tree (two merged attribute maps with every
//! value cloned) cost more than the decision itself.
//!
//! The JSON is exactly what merging into insertion-ordered maps gives: generated attributes
//! first, then stored ones, then the request's; a later layer's value wins but the key keeps
//! the position where it first appeared.

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use serde_json::{Map, Value};

use super::store::UserRec;
use crate::pdp::types::AllowedQuery;

/// A generated attribute's value, borrowed.
#[derive(Debug, Clone, Copy)]
enum Gen<'a> {
    Str(&'a str),
    Strs(&'a [String]),
}

impl Serialize for Gen<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Gen::Str(v) => s.serialize_str(v),
            Gen::Strs(v) => v.serialize(s),
        }
    }
}

/// Generated attributes, under stored ones, under the request's.
#[derive(Debug, Clone, Copy)]
struct Merged<'a> {
    generated: [(&'static str, Option<Gen<'a>>); 2],
    stored: Option<&'a Map<String, Value>>,
    given: &'a Map<String, Value>,
}

impl Serialize for Merged<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let generated = self
            .generated
            .iter()
            .filter_map(|(k, v)| v.map(|v| (*k, v)));
        let is_generated = |k: &str| generated.clone().any(|(g, _)| g == k);
        let empty = Map::new();
        let stored = self.stored.unwrap_or(&empty);
        let mut map = s.serialize_map(None)?;
        for (k, v) in generated.clone() {
            match self.given.get(k).or_else(|| stored.get(k)) {
                Some(over) => map.serialize_entry(k, over)?,
                None => map.serialize_entry(k, &v)?,
            }
        }
        for (k, v) in stored {
            if !is_generated(k) {
                map.serialize_entry(k, self.given.get(k).unwrap_or(v))?;
            }
        }
        for (k, v) in self.given {
            if !is_generated(k) && !stored.contains_key(k) {
                map.serialize_entry(k, v)?;
            }
        }
        map.end()
    }
}

/// Permit's `debug.request`: the user (given names over stored ones, merged attributes,
/// whether synced), the tenant (null when unknown), the action and the resource.
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
        let names = [
            (
                "first_name",
                &u.first_name,
                stored.and_then(|x| x.first_name.as_ref()),
            ),
            (
                "last_name",
                &u.last_name,
                stored.and_then(|x| x.last_name.as_ref()),
            ),
            ("email", &u.email, stored.and_then(|x| x.email.as_ref())),
        ];
        for (name, given, kept) in names {
            if let Some(v) = given.as_ref().or(kept) {
                map.serialize_entry(name, v)?;
            }
        }
        let tenants: &[String] = stored.map(|x| x.tenants.as_slice()).unwrap_or(&[]);
        let attributes = Merged {
            generated: [
                ("roles", Some(Gen::Strs(r.roles_in_tenant))),
                ("tenants", Some(Gen::Strs(tenants))),
            ],
            stored: stored.map(|x| &x.attributes),
            given: &u.attributes,
        };
        map.serialize_entry("attributes", &attributes)?;
        map.serialize_entry("synced", &stored.is_some())?;
        map.end()
    }
}

struct ResourceView<'a>(&'a RequestView<'a>);

impl Serialize for ResourceView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = self.0;
        let res = &r.q.resource;
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("type", &res.kind)?;
        if let Some(k) = &res.key {
            map.serialize_entry("key", k)?;
        }
        let attributes = Merged {
            generated: [("type", Some(Gen::Str(&res.kind))), ("", None)],
            stored: r.instance_attributes,
            given: &res.attributes,
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

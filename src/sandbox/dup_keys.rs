//! Duplicate keys inside a JSON object: serde keeps the last one silently, so a policy with
//! `{"dept": "eng", "dept": "ops"}` would load as if the first were never written. One
//! streaming pass over the text finds the first repeated key, with its JSON path, before the
//! policy is parsed (struct fields are refused by serde itself; maps are not).

use std::collections::HashSet;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

/// The first repeated key: the JSON path of its object and the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate {
    pub path: String,
    pub key: String,
}

/// Finds the first key repeated within one object. Text that is not JSON yields `None`: the
/// policy parser reports that, with its line and column.
pub fn first_duplicate(text: &str) -> Option<Duplicate> {
    let mut found = None;
    let mut path = Vec::new();
    let mut de = serde_json::Deserializer::from_str(text);
    let _ = Walk {
        path: &mut path,
        found: &mut found,
    }
    .deserialize(&mut de);
    found
}

enum Segment {
    Key(String),
    Index(usize),
}

fn render(path: &[Segment]) -> String {
    let mut out = String::from("$");
    for segment in path {
        match segment {
            Segment::Key(key) => {
                out.push('.');
                out.push_str(key);
            }
            Segment::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// Visits any JSON value, keeping the path to it; stops at the first duplicate.
struct Walk<'a> {
    path: &'a mut Vec<Segment>,
    found: &'a mut Option<Duplicate>,
}

impl<'de> DeserializeSeed<'de> for Walk<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Walk<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen: HashSet<String> = HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            if seen.contains(&key) {
                *self.found = Some(Duplicate {
                    path: render(self.path),
                    key,
                });
                return Err(de::Error::custom("duplicate key"));
            }
            self.path.push(Segment::Key(key.clone()));
            map.next_value_seed(Walk {
                path: &mut *self.path,
                found: &mut *self.found,
            })?;
            self.path.pop();
            seen.insert(key);
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut index = 0;
        loop {
            self.path.push(Segment::Index(index));
            let more = seq.next_element_seed(Walk {
                path: &mut *self.path,
                found: &mut *self.found,
            })?;
            self.path.pop();
            if more.is_none() {
                return Ok(());
            }
            index += 1;
        }
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_repeated_key_is_found_with_its_path_and_nothing_else_is() {
        assert_eq!(
            first_duplicate(r#"{"a": [1, {"b": {}}], "c": {"d": 1, "e": 2}}"#),
            None
        );
        assert_eq!(
            first_duplicate(r#"{"users": [{"key": "x"}, {"attributes": {"k": 1, "k": 2}}]}"#),
            Some(Duplicate {
                path: "$.users[1].attributes".into(),
                key: "k".into()
            })
        );
        assert_eq!(
            first_duplicate(r#"{"a": 1, "a": 2}"#).map(|d| d.path),
            Some("$".into())
        );
        assert_eq!(first_duplicate("{not json"), None, "left to the parser");
    }
}

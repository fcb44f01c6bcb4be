//! [`Probe`]: a figment [`Value`] read as figment's lossy extraction reads it (a number or boolean
//! field reads `"8080"` or `"true"`), writing down the fields of every struct read.

use std::cell::RefCell;
use std::collections::BTreeSet;

use ::figment::value::{Tag, Value};
use ::figment::{Error, error::Result};
use serde::de::value::MapAccessDeserializer;
use serde::de::{self, Deserializer, IntoDeserializer, Visitor};

/// A [`Value`] as figment's lossy extraction reads it, writing down the fields of each struct read.
pub(super) struct Probe<'v, 'r> {
    pub(super) value: &'v Value,
    pub(super) path: Vec<String>,
    pub(super) fields: &'r RefCell<BTreeSet<String>>,
}

impl<'v, 'r> Probe<'v, 'r> {
    fn at(&self, value: &'v Value, part: String) -> Self {
        let mut path = self.path.clone();
        path.push(part);
        Probe { value, path, fields: self.fields }
    }

    /// This value, read as figment reads it after its lossy interpretation.
    #[allow(clippy::result_large_err)] // figment's error, which its deserializers return
    fn reread<'de, V: Visitor<'de>>(self, interpreted: Option<Value>, visitor: V) -> Result<V::Value> {
        match interpreted {
            Some(value) => Probe { value: &value, path: self.path, fields: self.fields }.deserialize_any(visitor),
            None => self.deserialize_any(visitor),
        }
    }
}

/// figment's error for a value at `part`: the path is written from the inside out, as figment's is.
fn prefixed(mut error: Error, part: &str) -> Error {
    error.path.insert(0, part.to_owned());
    error
}

impl<'de> Deserializer<'de> for Probe<'_, '_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.value {
            Value::String(_, s) => visitor.visit_str(s),
            Value::Char(_, c) => visitor.visit_char(*c),
            Value::Bool(_, b) => visitor.visit_bool(*b),
            Value::Num(_, n) => n.deserialize_any(visitor),
            Value::Empty(_, e) => e.deserialize_any(visitor),
            Value::Dict(_, dict) => visitor.visit_map(Entries { probe: &self, iter: dict.iter(), pending: None }),
            Value::Array(_, items) => visitor.visit_seq(Items { probe: &self, iter: items.iter().enumerate() }),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.value {
            Value::Empty(_, e) => e.deserialize_any(visitor),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        // figment's own types (its `Value`, `RelativePathBuf`, `Tagged`) are not the user's fields.
        if !name.starts_with("___figment") {
            let mut known = self.fields.borrow_mut();
            for field in fields {
                let mut key = self.path.join(".");
                if !key.is_empty() {
                    key.push('.');
                }
                key.push_str(field);
                known.insert(key);
            }
        }
        self.deserialize_any(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        match self.value {
            Value::String(_, s) => visitor.visit_enum(s.as_str().into_deserializer()),
            Value::Dict(_, dict) => {
                let entries = Entries { probe: &self, iter: dict.iter(), pending: None };
                visitor.visit_enum(MapAccessDeserializer::new(entries))
            }
            Value::Num(_, n) if n.to_u32().is_some() => {
                visitor.visit_enum(n.to_u32().unwrap_or_default().into_deserializer())
            }
            _ => self.deserialize_any(visitor),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _name: &'static str, visitor: V) -> Result<V::Value> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let interpreted = self.value.to_bool_lossy().map(|b| Value::Bool(Tag::Default, b));
        self.reread(interpreted, visitor)
    }

    serde::forward_to_deserialize_any! {
        char str string bytes byte_buf seq map unit unit_struct tuple tuple_struct identifier ignored_any
    }

    lossy_numbers! {
        deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_u128
        deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64 deserialize_i128
        deserialize_f32 deserialize_f64
    }
}

/// Number fields read a string that holds a number, as figment's lossy extraction does.
macro_rules! lossy_numbers {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
            let interpreted = self.value.to_num_lossy().map(|n| Value::Num(Tag::Default, n));
            self.reread(interpreted, visitor)
        }
    )*};
}
use lossy_numbers;

struct Entries<'p, 'v, 'r> {
    probe: &'p Probe<'v, 'r>,
    iter: std::collections::btree_map::Iter<'v, String, Value>,
    pending: Option<(&'v String, &'v Value)>,
}

impl<'de> de::MapAccess<'de> for Entries<'_, '_, '_> {
    type Error = Error;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        let Some((key, value)) = self.iter.next() else { return Ok(None) };
        self.pending = Some((key, value));
        seed.deserialize(key.as_str().into_deserializer()).map(Some).map_err(|e: Error| prefixed(e, key))
    }

    fn next_value_seed<S: de::DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value> {
        let (key, value) = self.pending.take().ok_or_else(|| Error::from("a value asked before its key"))?;
        seed.deserialize(self.probe.at(value, key.clone())).map_err(|e| prefixed(e, key))
    }
}

struct Items<'p, 'v, 'r> {
    probe: &'p Probe<'v, 'r>,
    iter: std::iter::Enumerate<std::slice::Iter<'v, Value>>,
}

impl<'de> de::SeqAccess<'de> for Items<'_, '_, '_> {
    type Error = Error;

    fn next_element_seed<S: de::DeserializeSeed<'de>>(&mut self, seed: S) -> Result<Option<S::Value>> {
        let Some((index, item)) = self.iter.next() else { return Ok(None) };
        let part = index.to_string();
        seed.deserialize(self.probe.at(item, part.clone())).map(Some).map_err(|e| prefixed(e, &part))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.iter.len())
    }
}

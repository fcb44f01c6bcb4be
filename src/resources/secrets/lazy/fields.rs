//! What the seeds read: field names, strings kept as spans, lenient numbers, bounded lists.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use super::{Source, Span};
use crate::resources::secrets::SecretType;
use crate::resources::{MAX_LIST_ITEMS, lenient_u64};

/// An enum of a model's field names, and `Other`. From a body ([`next_field`]) names are read as
/// bytes: serde_json then skips checking that each is UTF-8, as it must for a string it lends as
/// `str`. Otherwise they are identifiers, which `serde_path_to_error` names in its paths.
macro_rules! fields {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $json:literal,)* }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq)]
        pub(super) enum $name {
            $($variant,)*
            Other,
        }

        impl $name {
            /// The field's name (for errors).
            pub(super) fn name(self) -> &'static str {
                [$($json),*].get(self as usize).copied().unwrap_or("")
            }
        }

        impl FieldName for $name {
            fn matching<E>(name: &[u8]) -> Result<$name, E> {
                Ok(match name {
                    $(name if name == $json.as_bytes() => $name::$variant,)*
                    _ => $name::Other,
                })
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                d.deserialize_identifier(Names::<$name>(std::marker::PhantomData))
            }
        }

        impl<'de> DeserializeSeed<'de> for Bytes<$name> {
            type Value = $name;
            fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<$name, D::Error> {
                d.deserialize_bytes(Names::<$name>(std::marker::PhantomData))
            }
        }
    };
}

/// A field-name enum made by `fields!`: its variant for a name.
trait FieldName: Sized {
    fn matching<E>(name: &[u8]) -> Result<Self, E>;
}

/// The one visitor of every field-name enum, whether the name comes as bytes or as a string.
struct Names<F>(std::marker::PhantomData<F>);

impl<F: FieldName> Visitor<'_> for Names<F> {
    type Value = F;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }
    fn visit_bytes<E: de::Error>(self, name: &[u8]) -> Result<F, E> {
        F::matching(name)
    }
    fn visit_str<E: de::Error>(self, name: &str) -> Result<F, E> {
        F::matching(name.as_bytes())
    }
}

/// Reads a field name as bytes.
pub(super) struct Bytes<F>(std::marker::PhantomData<F>);

/// The next field's name: read as bytes from a body, else as an identifier. Inlined: it runs for
/// every field of every secret, and left to the partitioning of codegen units it was sometimes a call
/// (0.4 million instructions more for 1,000 secrets).
#[inline]
pub(super) fn next_field<'de, F, A>(map: &mut A, source: Source<'_>) -> Result<Option<F>, A::Error>
where
    F: Deserialize<'de>,
    Bytes<F>: DeserializeSeed<'de, Value = F>,
    A: MapAccess<'de>,
{
    if source.0.is_some() { map.next_key_seed(Bytes(std::marker::PhantomData)) } else { map.next_key() }
}

fields!(ListField { Secrets = "secrets", Imports = "imports", });

fields!(ImportField {
    SecretPath = "secretPath",
    Environment = "environment",
    FolderId = "folderId",
    Secrets = "secrets",
});

fields!(
    /// A secret's fields, in the order a server writes them.
    SecretField {
        Id = "id",
        Environment = "environment",
        Version = "version",
        Type = "type",
        SecretKey = "secretKey",
        SecretValue = "secretValue",
        SecretComment = "secretComment",
        SecretReminderNote = "secretReminderNote",
        SecretReminderRepeatDays = "secretReminderRepeatDays",
        SkipMultilineEncoding = "skipMultilineEncoding",
        CreatedAt = "createdAt",
        UpdatedAt = "updatedAt",
        SecretPath = "secretPath",
        SecretValueHidden = "secretValueHidden",
        Tags = "tags",
        SecretMetadata = "secretMetadata",
    }
);

/// A list field's span, its items checked now (allocated and dropped: lists of tags and metadata are
/// short, and most are empty) so that a malformed one fails the answer, not a later read.
pub(super) fn list_span<'de, T: serde::de::DeserializeOwned, A: MapAccess<'de>>(
    map: &mut A,
    source: Source<'_>,
) -> Result<Span, A::Error> {
    let raw = map.next_value::<&'de RawValue>()?.get();
    if raw != "[]" && raw != "null" {
        serde_json::from_str::<Vec<T>>(raw).map_err(de::Error::custom)?;
    }
    source.span(raw.as_bytes()).ok_or_else(|| de::Error::custom("a list outside the answer"))
}

/// A string or `null`: its bytes as they stand in the body unless it held an escape. Read as bytes,
/// so that serde_json does not check them: a field is checked to be UTF-8 when it is read.
pub(super) enum Text<'de> {
    Null,
    Borrowed(&'de [u8]),
    Owned(String),
}

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or null")
            }
            fn visit_none<E>(self) -> Result<Text<'de>, E> {
                Ok(Text::Null)
            }
            fn visit_unit<E>(self) -> Result<Text<'de>, E> {
                Ok(Text::Null)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Text<'de>, D::Error> {
                d.deserialize_bytes(self)
            }
            fn visit_borrowed_bytes<E>(self, s: &'de [u8]) -> Result<Text<'de>, E> {
                Ok(Text::Borrowed(s))
            }
            fn visit_bytes<E: de::Error>(self, s: &[u8]) -> Result<Text<'de>, E> {
                std::str::from_utf8(s)
                    .map(|s| Text::Owned(s.to_owned()))
                    .map_err(|_| E::custom("a string that is not UTF-8"))
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Text<'de>, E> {
                Ok(Text::Borrowed(s.as_bytes()))
            }
            fn visit_str<E>(self, s: &str) -> Result<Text<'de>, E> {
                Ok(Text::Owned(s.to_owned()))
            }
            fn visit_string<E>(self, s: String) -> Result<Text<'de>, E> {
                Ok(Text::Owned(s))
            }
        }
        d.deserialize_option(V)
    }
}

/// `version`: an integer that may arrive as a float or `null`.
pub(super) struct Lenient(pub(super) u64);

impl<'de> Deserialize<'de> for Lenient {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        lenient_u64(d).map(Lenient)
    }
}

/// `type`, read as the lean model reads it.
pub(super) struct Kind(pub(super) SecretType);

impl<'de> Deserialize<'de> for Kind {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let personal = crate::resources::secrets::values::personal(d)?;
        Ok(Kind(if personal { SecretType::Personal } else { SecretType::Shared }))
    }
}

/// A list of at most [`MAX_LIST_ITEMS`] items decoded by a seed, or `null` as empty: what
/// `bounded_list` is for models decoded without one.
pub(super) struct Bounded<S>(pub(super) S);

impl<'de, S: DeserializeSeed<'de> + Copy> DeserializeSeed<'de> for Bounded<S> {
    type Value = Vec<S::Value>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_option(self)
    }
}

impl<'de, S: DeserializeSeed<'de> + Copy> Visitor<'de> for Bounded<S> {
    type Value = Vec<S::Value>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a list of at most {MAX_LIST_ITEMS} items")
    }
    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(item) = seq.next_element_seed(self.0)? {
            if items.len() == MAX_LIST_ITEMS {
                return Err(de::Error::custom(format_args!(
                    "invalid length, expected a list of at most {MAX_LIST_ITEMS} items"
                )));
            }
            items.push(item);
        }
        Ok(items)
    }
}

//! How a list answer becomes [`Secret`]s that materialise only their name and value: every other
//! field stays a span of the answer's body, which the secrets share, and is decoded when read.
//!
//! A list of 10,000 secrets would otherwise allocate ids, folders, environments and dates for every
//! secret (seven strings each) that most callers never read. The body is the one the transport read,
//! wiped when the last secret decoded from it is dropped.

use std::fmt;
use std::sync::Arc;

use secrecy::SecretString;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};

use super::model::{ImportedSecrets, Secret, SecretList, SecretMetadata, SecretType, Tag};
use crate::resources::normalize_path;

mod fields;
#[cfg(test)]
mod tests;

use crate::transport::{ApiResponse, Body};
use fields::{Bounded, ImportField, Kind, Lenient, ListField, SecretField, Text, list_span, next_field};

/// A list answer's body in one piece, shared by the secrets decoded from it.
pub(super) struct SharedBody(Body);

impl SharedBody {
    fn new(body: Body) -> SharedBody {
        match body {
            Body::Whole(_) => SharedBody(body),
            // Copied once into a buffer of the exact size, so that no unwiped copy is left behind; the
            // segments are wiped as they drop.
            Body::Segments(segments) => {
                let mut whole = Vec::with_capacity(segments.iter().map(|s| s.len()).sum());
                for segment in &segments {
                    whole.extend_from_slice(segment);
                }
                SharedBody(Body::Whole(whole.into()))
            }
        }
    }

    fn bytes(&self) -> &[u8] {
        match &self.0 {
            Body::Whole(bytes) => bytes,
            Body::Segments(_) => &[],
        }
    }
}

/// Where a field's JSON sits in the body: a string's text (without its quotes; it held no escape),
/// or a list's whole text.
#[derive(Clone, Copy)]
pub(super) struct Span {
    at: u32,
    len: u32,
}

impl Span {
    const ABSENT: Span = Span { at: u32::MAX, len: 0 };
}

/// The fields a secret keeps as spans until they are read, by their index in [`Rest`].
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Lazy {
    Id,
    Path,
    Environment,
    Comment,
    ReminderNote,
    CreatedAt,
    UpdatedAt,
}

const TEXTS: usize = 7;

/// A secret's fields beyond its name, value and numbers.
#[derive(Clone)]
pub(super) enum Rest {
    /// Spans of the list answer the secret came from.
    Spans { body: Arc<SharedBody>, texts: [Span; TEXTS], tags: Span, metadata: Span },
    /// Decoded: a secret of any other answer or deserializer, or one with an escape in such a field.
    Owned(Box<Owned>),
}

#[derive(Clone, Default)]
pub(super) struct Owned {
    texts: [Option<String>; TEXTS],
    tags: Vec<Tag>,
    metadata: Vec<SecretMetadata>,
}

impl Rest {
    pub(super) fn text(&self, field: Lazy) -> Option<&str> {
        match self {
            Rest::Spans { body, texts, .. } => text_at(body.bytes(), texts[field as usize]),
            Rest::Owned(owned) => owned.texts[field as usize].as_deref(),
        }
    }

    pub(super) fn tags(&self) -> Vec<Tag> {
        match self {
            Rest::Spans { body, tags, .. } => list_at(body.bytes(), *tags),
            Rest::Owned(owned) => owned.tags.clone(),
        }
    }

    pub(super) fn metadata(&self) -> Vec<SecretMetadata> {
        match self {
            Rest::Spans { body, metadata, .. } => list_at(body.bytes(), *metadata),
            Rest::Owned(owned) => owned.metadata.clone(),
        }
    }

    /// Sets a text field that is absent (a get's folder, which servers of 2024 leave out).
    pub(super) fn or_insert(&mut self, field: Lazy, text: impl FnOnce() -> String) {
        if self.text(field).is_some() {
            return;
        }
        let mut owned = match self {
            Rest::Spans { body, texts, tags, metadata } => {
                Box::new(Owned::from_spans(body.bytes(), *texts, *tags, *metadata))
            }
            Rest::Owned(owned) => std::mem::take(owned),
        };
        owned.texts[field as usize] = Some(text());
        *self = Rest::Owned(owned);
    }
}

impl Owned {
    fn from_spans(bytes: &[u8], texts: [Span; TEXTS], tags: Span, metadata: Span) -> Owned {
        Owned {
            texts: texts.map(|span| text_at(bytes, span).map(str::to_owned)),
            tags: list_at(bytes, tags),
            metadata: list_at(bytes, metadata),
        }
    }
}

/// The text at `span`, checked to be UTF-8 now. JSON is UTF-8: a field that is not reads as absent
/// (serde_json does not check the strings it skips either).
fn text_at(bytes: &[u8], span: Span) -> Option<&str> {
    let at = span.at as usize;
    bytes.get(at..at + span.len as usize).and_then(|text| std::str::from_utf8(text).ok())
}

/// The list at `span`, checked while the answer was decoded.
fn list_at<T: serde::de::DeserializeOwned>(bytes: &[u8], span: Span) -> Vec<T> {
    let at = span.at as usize;
    bytes
        .get(at..at + span.len as usize)
        .and_then(|text| serde_json::from_slice::<Option<Vec<T>>>(text).ok())
        .flatten()
        .unwrap_or_default()
}

impl SecretList {
    /// Decodes a list answer, keeping its body for the fields of its secrets.
    pub(crate) fn decode(resp: ApiResponse, listed: &str) -> crate::Result<SecretList> {
        let etag = resp.header("etag");
        let ApiResponse { body, endpoint, .. } = resp;
        let body = Arc::new(SharedBody::new(body));
        let bytes = body.bytes();
        // Spans are 32-bit: a body past 4 GiB (beyond any cap in use) is decoded whole.
        let decoded = if u32::try_from(bytes.len()).is_ok() {
            let mut de = serde_json::Deserializer::from_slice(bytes);
            ListSeed(&body).deserialize(&mut de).and_then(|list| de.end().map(|()| list))
        } else {
            serde_json::from_slice(bytes)
        };
        let mut list = decoded.map_err(|_| {
            // Decoded again, plainly, noting where it fails.
            match serde_path_to_error::deserialize::<_, SecretList>(&mut serde_json::Deserializer::from_slice(bytes)) {
                Err(e) => crate::Error::decode(&endpoint, &e),
                Ok(_) => crate::Error::Decode { endpoint: endpoint.clone(), detail: "unexpected value".into() },
            }
        })?;
        list.etag = etag;
        list.path = normalize_path(listed);
        Ok(list)
    }
}

/// The body the secrets decoded by a seed keep spans of, or none: decode every field.
#[derive(Clone, Copy)]
struct Source<'b>(Option<&'b Arc<SharedBody>>);

impl Source<'_> {
    /// The span of `text`, when it lies in the body.
    fn span(self, text: &[u8]) -> Option<Span> {
        let bytes = self.0?.bytes();
        let at = (text.as_ptr() as usize).checked_sub(bytes.as_ptr() as usize)?;
        let fits = at.checked_add(text.len()).is_some_and(|end| end <= bytes.len());
        Some(Span { at: u32::try_from(at).ok().filter(|_| fits)?, len: u32::try_from(text.len()).ok()? })
    }
}

struct ListSeed<'b>(&'b Arc<SharedBody>);

impl<'de> DeserializeSeed<'de> for ListSeed<'_> {
    type Value = SecretList;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<SecretList, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ListSeed<'_> {
    type Value = SecretList;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of secrets")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<SecretList, A::Error> {
        let source = Source(Some(self.0));
        let (mut secrets, mut imports) = (None, None);
        while let Some(field) = next_field::<ListField, _>(&mut map, source)? {
            match field {
                ListField::Secrets => {
                    once(&mut secrets, field.name(), || map.next_value_seed(Bounded(SecretSeed(source))))?;
                }
                ListField::Imports => {
                    once(&mut imports, field.name(), || map.next_value_seed(Bounded(ImportSeed(source))))?;
                }
                ListField::Other => drop(map.next_value::<IgnoredAny>()?),
            }
        }
        Ok(SecretList {
            secrets: secrets.unwrap_or_default(),
            imports: imports.unwrap_or_default(),
            etag: None,
            path: String::new(),
        })
    }
}

#[derive(Clone, Copy)]
struct ImportSeed<'b>(Source<'b>);

impl<'de> DeserializeSeed<'de> for ImportSeed<'_> {
    type Value = ImportedSecrets;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<ImportedSecrets, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ImportSeed<'_> {
    type Value = ImportedSecrets;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an import")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ImportedSecrets, A::Error> {
        let (mut path, mut environment, mut folder_id, mut secrets) = (None, None, None, None);
        while let Some(field) = next_field::<ImportField, _>(&mut map, self.0)? {
            match field {
                ImportField::SecretPath => once(&mut path, field.name(), || map.next_value::<Option<String>>())?,
                ImportField::Environment => {
                    once(&mut environment, field.name(), || map.next_value::<Option<String>>())?;
                }
                ImportField::FolderId => once(&mut folder_id, field.name(), || map.next_value::<Option<String>>())?,
                ImportField::Secrets => {
                    once(&mut secrets, field.name(), || map.next_value_seed(Bounded(SecretSeed(self.0))))?;
                }
                ImportField::Other => drop(map.next_value::<IgnoredAny>()?),
            }
        }
        Ok(ImportedSecrets {
            secret_path: path.flatten().unwrap_or_default(),
            environment: environment.flatten().unwrap_or_default(),
            folder_id: folder_id.flatten(),
            secrets: secrets.unwrap_or_default(),
        })
    }
}

/// Sets a field seen for the first time; a second is an error, as serde's derived decoders say.
fn once<T, E: de::Error>(
    slot: &mut Option<T>,
    name: &'static str,
    value: impl FnOnce() -> Result<T, E>,
) -> Result<(), E> {
    if slot.is_some() {
        return Err(E::duplicate_field(name));
    }
    *slot = Some(value()?);
    Ok(())
}

/// Decodes one secret: from a list answer's body (`Source(Some(..))`) keeping spans, else whole.
#[derive(Clone, Copy)]
pub(super) struct SecretSeed<'b>(Source<'b>);

impl SecretSeed<'_> {
    /// Decodes every field: for any deserializer.
    pub(super) const WHOLE: SecretSeed<'static> = SecretSeed(Source(None));
}

impl<'de> DeserializeSeed<'de> for SecretSeed<'_> {
    type Value = Secret;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Secret, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for SecretSeed<'_> {
    type Value = Secret;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a secret")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Secret, A::Error> {
        let source = self.0;
        let mut seen = 0u32;
        let (mut key, mut value) = (None, SecretString::default());
        let (mut version, mut kind, mut reminder_repeat_days) = (0, SecretType::Shared, None);
        let (mut skip_multiline_encoding, mut value_hidden) = (false, false);
        let mut texts = [Span::ABSENT; TEXTS];
        let (mut tags, mut metadata) = (Span::ABSENT, Span::ABSENT);
        // Every field of a secret not from a body, and those of one that held an escape.
        let mut owned: Option<Box<Owned>> = source.0.is_none().then(Box::default);
        while let Some(field) = next_field::<SecretField, _>(&mut map, source)? {
            if field != SecretField::Other {
                let bit = 1u32 << field as u32;
                if seen & bit != 0 {
                    return Err(de::Error::duplicate_field(field.name()));
                }
                seen |= bit;
            }
            let text = match field {
                SecretField::SecretKey => {
                    key = Some(map.next_value::<String>()?);
                    continue;
                }
                SecretField::SecretValue => {
                    value = map.next_value::<Option<String>>()?.map(SecretString::from).unwrap_or_default();
                    continue;
                }
                SecretField::Version => {
                    version = map.next_value::<Lenient>()?.0;
                    continue;
                }
                SecretField::Type => {
                    kind = map.next_value::<Kind>()?.0;
                    continue;
                }
                SecretField::SecretReminderRepeatDays => {
                    reminder_repeat_days = map.next_value()?;
                    continue;
                }
                SecretField::SkipMultilineEncoding => {
                    skip_multiline_encoding = map.next_value::<Option<bool>>()?.unwrap_or_default();
                    continue;
                }
                SecretField::SecretValueHidden => {
                    value_hidden = map.next_value::<Option<bool>>()?.unwrap_or_default();
                    continue;
                }
                SecretField::Tags => {
                    match source.0 {
                        Some(_) => tags = list_span::<Tag, _>(&mut map, source)?,
                        None => owned.get_or_insert_default().tags = map.next_value::<Option<_>>()?.unwrap_or_default(),
                    }
                    continue;
                }
                SecretField::SecretMetadata => {
                    match source.0 {
                        Some(_) => metadata = list_span::<SecretMetadata, _>(&mut map, source)?,
                        None => {
                            owned.get_or_insert_default().metadata = map.next_value::<Option<_>>()?.unwrap_or_default();
                        }
                    }
                    continue;
                }
                SecretField::Other => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
                SecretField::Id => Lazy::Id,
                SecretField::Environment => Lazy::Environment,
                SecretField::SecretComment => Lazy::Comment,
                SecretField::SecretReminderNote => Lazy::ReminderNote,
                SecretField::CreatedAt => Lazy::CreatedAt,
                SecretField::UpdatedAt => Lazy::UpdatedAt,
                SecretField::SecretPath => Lazy::Path,
            };
            let at = text as usize;
            match map.next_value::<Text<'de>>()? {
                Text::Null => {}
                Text::Borrowed(s) => match source.span(s) {
                    Some(span) => texts[at] = span,
                    None => {
                        let text =
                            std::str::from_utf8(s).map_err(|_| de::Error::custom("a string that is not UTF-8"))?;
                        owned.get_or_insert_default().texts[at] = Some(text.to_owned());
                    }
                },
                Text::Owned(s) => owned.get_or_insert_default().texts[at] = Some(s),
            }
        }
        let key = key.ok_or_else(|| de::Error::missing_field("secretKey"))?;
        let rest = match (source.0, owned) {
            (Some(body), None) => Rest::Spans { body: body.clone(), texts, tags, metadata },
            (body, Some(mut owned)) => {
                // Whole after all: what was kept as spans is decoded now.
                if let Some(body) = body {
                    let spans = Owned::from_spans(body.bytes(), texts, tags, metadata);
                    for (slot, text) in owned.texts.iter_mut().zip(spans.texts) {
                        if slot.is_none() {
                            *slot = text;
                        }
                    }
                    (owned.tags, owned.metadata) = (spans.tags, spans.metadata);
                }
                Rest::Owned(owned)
            }
            (None, None) => Rest::Owned(Box::default()),
        };
        Ok(Secret { key, value, version, kind, reminder_repeat_days, skip_multiline_encoding, value_hidden, rest })
    }
}

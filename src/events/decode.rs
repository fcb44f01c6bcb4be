//! A frame's meaning, in every form servers have sent since the stream appeared (mid-2025):
//!
//! - current: `{"projectType":…,"data":{"eventType":"secret:update","payload":[{"environment","secretPath","secretKey"}]}}`;
//! - one 2025 version: `type` instead of `projectType`, `secretKeys` (a string) instead of `secretKey`;
//! - the older whole bus event: `{"type":…,"source":…,"data":{"specversion":1,"event":"secret:update","payload":…}}`,
//!   its `payload` an array or a single object;
//! - `secret:import-mutation`: a single object with no key.
//!
//! The type is the `event:` line's, else the data's `eventType` or `event`; the payload is the first
//! one found going down through `data`. Nothing but names and paths is kept: any other field (a
//! value, should a server ever send one) is skipped unread by serde, never copied.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};

use super::model::{EventKind, SecretEvent};
use super::sse::RawFrame;

/// What one frame means to the stream.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Frame {
    /// Secrets changed: one event per folder the frame names.
    Changes(Vec<SecretEvent>),
    /// A keep-alive.
    Ping,
    /// The server ends the stream (its permission refresh failed, say); the text is the server's
    /// message, bounded, for DEBUG logs only.
    Error(String),
    /// A change that could not be read (too large, or not in any known form): changes may be missed.
    Lost,
    /// Another event: ignored.
    Ignored,
}

/// The longest server message kept from an `error` frame.
const MAX_MESSAGE: usize = 200;

pub(crate) fn decode(frame: &RawFrame) -> Frame {
    let (event, data) = match frame {
        RawFrame::TooLarge => return Frame::Lost,
        RawFrame::Frame { event, data } => (event.trim(), data.as_slice()),
    };
    match event {
        "ping" | "heartbeat" => return Frame::Ping,
        "error" => return Frame::Error(error_message(data)),
        "" | "message" => {}
        name if EventKind::from_name(name).is_none() => return Frame::Ignored,
        _ => {}
    }
    if event.is_empty() && data.is_empty() {
        return Frame::Ignored;
    }
    let Ok(envelope) = serde_json::from_slice::<Envelope>(data) else {
        return if event.starts_with("secret:") { Frame::Lost } else { Frame::Ignored };
    };
    let Some(kind) = EventKind::from_name(event).or_else(|| envelope.kind_name().and_then(EventKind::from_name)) else {
        return Frame::Ignored;
    };
    let Some(items) = envelope.payload() else { return Frame::Lost };
    let mut events: Vec<SecretEvent> = Vec::new();
    for item in items {
        let Some(environment) = item.environment.filter(|e| !e.trim().is_empty()) else { return Frame::Lost };
        let path = crate::resources::normalize_path(item.secret_path.as_deref().unwrap_or("/"));
        let keys = item.secret_key.into_iter().chain(item.secret_keys).flat_map(|k| k.0);
        match events.iter_mut().find(|e| e.environment == environment && e.path == path) {
            Some(found) => found.keys.extend(keys),
            None => events.push(SecretEvent { kind, environment, path, keys: keys.collect() }),
        }
    }
    for event in &mut events {
        event.keys.retain(|k| !k.is_empty());
        event.keys.sort_unstable();
        event.keys.dedup();
    }
    if events.is_empty() { Frame::Lost } else { Frame::Changes(events) }
}

fn error_message(data: &[u8]) -> String {
    #[derive(Deserialize)]
    struct Message {
        message: Option<String>,
    }
    let text = serde_json::from_slice::<Message>(data).ok().and_then(|m| m.message).unwrap_or_default();
    match text.char_indices().nth(MAX_MESSAGE) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text,
    }
}

/// The frame's JSON, at any depth of `data`.
#[derive(Deserialize)]
struct Envelope {
    #[serde(default, rename = "eventType")]
    event_type: Option<String>,
    #[serde(default)]
    event: Option<String>,
    #[serde(default)]
    payload: Option<Items>,
    #[serde(default)]
    data: Option<Box<Envelope>>,
}

impl Envelope {
    fn kind_name(&self) -> Option<&str> {
        self.event_type
            .as_deref()
            .or(self.event.as_deref())
            .or_else(|| self.data.as_deref().and_then(Envelope::kind_name))
    }

    fn payload(self) -> Option<Vec<Item>> {
        match self.payload {
            Some(items) => Some(items.0),
            None => self.data.and_then(|d| d.payload()),
        }
    }
}

#[derive(Deserialize)]
struct Item {
    #[serde(default)]
    environment: Option<String>,
    #[serde(default, rename = "secretPath")]
    secret_path: Option<String>,
    #[serde(default, rename = "secretKey")]
    secret_key: Option<Keys>,
    #[serde(default, rename = "secretKeys")]
    secret_keys: Option<Keys>,
}

/// A payload: an array of items or a single one.
struct Items(Vec<Item>);

impl<'de> Deserialize<'de> for Items {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Items;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object or a list of objects")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Items, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Items(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Items, A::Error> {
                Ok(Items(vec![Item::deserialize(de::value::MapAccessDeserializer::new(map))?]))
            }
        }
        d.deserialize_any(V)
    }
}

/// Secret names: one string, or a list of them.
struct Keys(Vec<String>);

impl<'de> Deserialize<'de> for Keys {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Keys;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a secret name or a list of them")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Keys, E> {
                Ok(Keys(vec![s.to_owned()]))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Keys, E> {
                Ok(Keys(Vec::new()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Keys, A::Error> {
                let mut keys = Vec::new();
                while let Some(key) = seq.next_element::<String>()? {
                    keys.push(key);
                }
                Ok(Keys(keys))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(event: &str, data: &str) -> RawFrame {
        RawFrame::Frame { event: event.into(), data: data.as_bytes().to_vec() }
    }

    fn change(kind: EventKind, environment: &str, path: &str, keys: &[&str]) -> SecretEvent {
        SecretEvent {
            kind,
            environment: environment.into(),
            path: path.into(),
            keys: keys.iter().map(|k| (*k).to_owned()).collect(),
        }
    }

    #[test]
    fn the_current_form() {
        let data = r#"{"projectType":"secret-manager","data":{"eventType":"secret:update","payload":[{"environment":"dev","secretPath":"/app","secretKey":"DB_URL"},{"environment":"dev","secretPath":"/app","secretKey":"DB_USER"}]}}"#;
        assert_eq!(
            decode(&raw("secret:update", data)),
            Frame::Changes(vec![change(EventKind::Updated, "dev", "/app", &["DB_URL", "DB_USER"])])
        );
        let import = r#"{"projectType":"secret-manager","data":{"eventType":"secret:import-mutation","payload":{"environment":"prod","secretPath":"/"}}}"#;
        assert_eq!(
            decode(&raw("secret:import-mutation", import)),
            Frame::Changes(vec![change(EventKind::ImportChanged, "prod", "/", &[])])
        );
    }

    #[test]
    fn the_2025_forms() {
        let keys = r#"{"type":"secret-manager","data":{"eventType":"secret:create","payload":[{"environment":"dev","secretPath":"/","secretKeys":"A"}]}}"#;
        assert_eq!(
            decode(&raw("secret:create", keys)),
            Frame::Changes(vec![change(EventKind::Created, "dev", "/", &["A"])])
        );
        // The whole bus event, its type only inside the data, a single payload object, extra fields.
        let bus = r#"{"datacontenttype":"application/json","type":"secret-manager","source":"infisical","time":"2025-08-01T00:00:00Z","data":{"specversion":1,"event":"secret:delete","payload":{"secretId":"x","secretKey":"K","secretPath":"/db/","environment":"dev","secretValue":"never-kept"}}}"#;
        let decoded = decode(&raw("", bus));
        assert_eq!(decoded, Frame::Changes(vec![change(EventKind::Deleted, "dev", "/db", &["K"])]));
        assert!(!format!("{decoded:?}").contains("never-kept"));
        // Several folders in one frame: one event each.
        let mixed = r#"{"data":{"payload":[{"environment":"dev","secretPath":"/a","secretKey":"X"},{"environment":"prod","secretPath":"/a","secretKey":"Y"},{"environment":"dev","secretPath":"/a","secretKeys":["Z","X"]}]}}"#;
        assert_eq!(
            decode(&raw("secret:update", mixed)),
            Frame::Changes(vec![
                change(EventKind::Updated, "dev", "/a", &["X", "Z"]),
                change(EventKind::Updated, "prod", "/a", &["Y"]),
            ])
        );
    }

    #[test]
    fn control_frames_unknown_events_and_unreadable_changes() {
        assert_eq!(decode(&raw("ping", "")), Frame::Ping);
        assert_eq!(
            decode(&raw("error", r#"{"message":"Permission denied or refresh failed"}"#)),
            Frame::Error("Permission denied or refresh failed".into())
        );
        assert_eq!(decode(&raw("error", "not json")), Frame::Error(String::new()));
        assert_eq!(decode(&raw("pki:issue", "{}")), Frame::Ignored);
        assert_eq!(decode(&raw("", "")), Frame::Ignored);
        assert_eq!(decode(&raw("", r#"{"data":{"eventType":"secret:rotate","payload":[]}}"#)), Frame::Ignored);
        assert_eq!(decode(&RawFrame::TooLarge), Frame::Lost);
        assert_eq!(decode(&raw("secret:update", "{")), Frame::Lost);
        assert_eq!(decode(&raw("secret:update", r#"{"data":{}}"#)), Frame::Lost);
        assert_eq!(decode(&raw("secret:update", r#"{"data":{"payload":[{"secretKey":"A"}]}}"#)), Frame::Lost);
        assert_eq!(decode(&raw("secret:update", r#"{"data":{"payload":[]}}"#)), Frame::Lost);
    }
}

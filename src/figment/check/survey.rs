//! A figment value read as a configuration type, every problem at once.
//!
//! serde stops at the first missing field or type error. The survey runs the deserialization again
//! after each one, with a stand-in for the missing or refused value at the path serde named, until the
//! type reads: each problem costs one more run over a small tree. A stand-in has to fit the field's type,
//! which the survey learns from serde's own error: a missing field first gets an empty value, whose
//! refusal names what the field expects (`u16`, `struct Database`), then candidates in the order that
//! text suggests (a string, a table, a list, the first variant of an enum). A field whose type takes
//! none of them stops the survey there.
//!
//! The deserializer is [`Probe`], which also writes down the fields of every struct it reads, for
//! the closest-field hint. The caller checks the verdict against figment's own extraction.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

use ::figment::Error;
use ::figment::error::{Actual, Kind};
use ::figment::value::{Dict, Empty, Tag, Value};
use serde::de::{Deserialize, DeserializeOwned};

use super::probe::Probe;
use crate::figment::unread::{Tracked, find};

/// How many runs a survey may take: each finds one problem or tries one stand-in, so only a type that
/// nests without end (a required `Box<Self>`) comes near it.
const MAX_RUNS: usize = 256;

/// A problem the survey found, at a path of key parts.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Finding {
    /// No value where the type requires one; what the field expects, when its refusal said.
    Missing { expected: Option<String> },
    /// A value the field's type refused for its type or value: what it expects.
    Mistyped { expected: String },
    /// A value refused for another reason, or a key a struct that denies unknown fields does not have.
    Invalid { detail: String },
}

/// What a survey found.
#[derive(Debug, Default)]
pub(super) struct Survey {
    pub(super) findings: Vec<(Vec<String>, Finding)>,
    /// Where the survey could not go on (no stand-in fits, or serde named no usable place): fields
    /// read after it were not checked, and unread secrets not looked for.
    pub(super) stopped_at: Option<Vec<String>>,
    /// The paths no field read, once the type read (with stand-ins).
    pub(super) ignored: Vec<Vec<String>>,
    /// Every field of every struct read, dotted: the candidates for the closest-field hint.
    pub(super) fields: BTreeSet<String>,
}

/// Reads `merged` as `T`, over and over, until every problem is found (see the module docs).
pub(super) fn survey<T: DeserializeOwned>(merged: &Value) -> Survey {
    let mut value = merged.clone();
    let fields = RefCell::new(BTreeSet::new());
    let mut survey = Survey::default();
    let mut stand_ins: BTreeMap<Vec<String>, StandIns> = BTreeMap::new();
    for _ in 0..MAX_RUNS {
        match Tracked::<T>::deserialize(Probe { value: &value, path: Vec::new(), fields: &fields }) {
            Ok(tracked) => {
                survey.ignored = tracked.ignored;
                survey.fields = fields.into_inner();
                return survey;
            }
            Err(error) => {
                if let Err(at) = next_run(&mut value, &mut stand_ins, &mut survey.findings, error) {
                    survey.stopped_at = Some(at);
                    break;
                }
            }
        }
    }
    survey.stopped_at.get_or_insert_with(Vec::new);
    survey.fields = fields.into_inner();
    survey
}

/// Writes down the problem `error` is and puts a stand-in in `value` so the next run gets past it;
/// `Err(path)` when none can.
fn next_run(
    value: &mut Value,
    stand_ins: &mut BTreeMap<Vec<String>, StandIns>,
    findings: &mut Vec<(Vec<String>, Finding)>,
    error: Error,
) -> std::result::Result<(), Vec<String>> {
    let mut at = error.path;
    match error.kind {
        Kind::MissingField(name) => {
            at.push(name.into_owned());
            if stand_ins.contains_key(&at) {
                // A stand-in is there and serde still misses it (a field it does not read from here).
                return Err(at);
            }
            findings.push((at.clone(), Finding::Missing { expected: None }));
            let mut tries = StandIns::probe();
            let first = tries.next_value().expect("a probe has a first value");
            place(value, &at, first).ok_or_else(|| at.clone())?;
            stand_ins.insert(at, tries);
            Ok(())
        }
        Kind::UnknownField(name, _) => {
            // Raised on the key, so its path ends with it already.
            if at.last() != Some(&name) {
                at.push(name);
            }
            findings.push((at.clone(), Finding::Invalid { detail: "no field of the type has this name".into() }));
            remove(value, &at).ok_or(at)
        }
        kind => {
            if let Some(tries) = stand_ins.get_mut(&at) {
                // The stand-in was refused: learn what the field expects, and try the next.
                if let Some(expected) = tries.learn(&kind)
                    && let Some((_, Finding::Missing { expected: slot })) = findings.iter_mut().find(|(p, _)| *p == at)
                {
                    slot.get_or_insert(expected);
                }
                let next = tries.next_value().ok_or_else(|| at.clone())?;
                return place(value, &at, next).ok_or(at);
            }
            let Some(found) = find(value, &at) else {
                findings.push((at.clone(), Finding::Invalid { detail: describe(&kind) }));
                return Err(at);
            };
            let leaf = !matches!(found, Value::Dict(..) | Value::Array(..));
            if !leaf && stand_ins.keys().any(|p| p.starts_with(&at)) {
                // A table refused over a stand-in inside it: serde lost the place (a flattened
                // struct reads its fields after the table's), so nothing more can be told apart.
                return Err(at);
            }
            let finding = match &kind {
                Kind::InvalidType(_, expected) | Kind::InvalidValue(_, expected) => {
                    Finding::Mistyped { expected: expected.clone() }
                }
                Kind::UnknownVariant(_, variants) => Finding::Mistyped { expected: one_of(variants) },
                other => Finding::Invalid { detail: describe(other) },
            };
            findings.push((at.clone(), finding));
            // A table refused as a whole (a struct's own validation, say) gets no empty table: its
            // fields would all be reported missing when they are there.
            let mut tries = StandIns::after(&kind, leaf);
            let next = tries.next_value().ok_or_else(|| at.clone())?;
            place(value, &at, next).ok_or_else(|| at.clone())?;
            stand_ins.insert(at, tries);
            Ok(())
        }
    }
}

/// What an error says a field expects, never the value it found.
pub(super) fn describe(kind: &Kind) -> String {
    match kind {
        Kind::InvalidType(_, expected) | Kind::InvalidValue(_, expected) => format!("expected {expected}"),
        Kind::InvalidLength(_, expected) => format!("wrong length: expected {expected}"),
        Kind::UnknownVariant(_, variants) => format!("expected {}", one_of(variants)),
        Kind::UnknownField(..) => "no field of the type has this name".into(),
        Kind::MissingField(name) => format!("missing field `{name}`"),
        Kind::DuplicateField(name) => format!("field `{name}` given twice"),
        Kind::ISizeOutOfRange(_) | Kind::USizeOutOfRange(_) => "a number out of range".into(),
        Kind::Unsupported(_) => "a value of this kind is not supported here".into(),
        Kind::UnsupportedKey(_, expected) => format!("a key of this kind is not supported here: expected {expected}"),
        // A custom message may quote the value: it is never shown.
        Kind::Message(_) => "refused by the field's type (its message is not shown: it may quote the value)".into(),
    }
}

fn one_of(variants: &[&str]) -> String {
    let quoted: Vec<String> = variants.iter().map(|v| format!("`{v}`")).collect();
    format!("one of {}", quoted.join(", "))
}

/// The stand-ins still to try at one place.
#[derive(Debug)]
struct StandIns {
    queue: Vec<Value>,
    /// Whether the value in place is the empty probe, whose refusal says what the field expects.
    probing: bool,
}

/// Strings the common field types read: numbers and booleans (lossily), URLs, addresses, durations.
const STRINGS: [&str; 7] = ["1", "true", "http://localhost/", "127.0.0.1", "127.0.0.1:1", "1s", "a"];

impl StandIns {
    /// First the empty value, to learn what the field expects.
    fn probe() -> Self {
        StandIns { queue: vec![Value::Empty(Tag::Default, Empty::None)], probing: true }
    }

    /// For a value the field refused: the candidates its refusal suggests, tables and lists only
    /// where one stood.
    fn after(kind: &Kind, leaf: bool) -> Self {
        let mut tries = StandIns { queue: Vec::new(), probing: false };
        tries.queue_for(kind, leaf);
        tries
    }

    /// What `kind` says the field expects, when the value in place was the probe; and queues the
    /// candidates it suggests.
    fn learn(&mut self, kind: &Kind) -> Option<String> {
        if !std::mem::take(&mut self.probing) {
            if let Kind::UnknownVariant(_, variants) = kind
                && let Some(first) = variants.first()
            {
                self.queue.push(Value::from(first.to_string()));
            }
            return None;
        }
        self.queue_for(kind, true);
        match kind {
            Kind::InvalidType(Actual::Option | Actual::Unit, expected)
            | Kind::InvalidValue(Actual::Option | Actual::Unit, expected) => Some(expected.clone()),
            _ => None,
        }
    }

    fn queue_for(&mut self, kind: &Kind, containers: bool) {
        let expected = match kind {
            Kind::InvalidType(_, e) | Kind::InvalidValue(_, e) | Kind::InvalidLength(_, e) => e.to_ascii_lowercase(),
            Kind::UnknownVariant(_, variants) => {
                self.queue.extend(variants.first().map(|v| Value::from(v.to_string())));
                String::new()
            }
            _ => String::new(),
        };
        let table = Value::Dict(Tag::Default, Dict::new());
        let list = Value::Array(Tag::Default, Vec::new());
        let mut ordered: Vec<Value> = Vec::new();
        let mut add = |value: Value| {
            if !ordered.contains(&value) {
                ordered.push(value);
            }
        };
        if containers && (expected.contains("struct") || expected.contains("map")) {
            add(table.clone());
        }
        if containers && (expected.contains("sequence") || expected.contains("tuple") || expected.contains("array")) {
            add(list.clone());
        }
        STRINGS.iter().for_each(|s| add(Value::from(s.to_string())));
        if containers {
            add(table);
            add(list);
        }
        // The queue is popped from its end: what it holds (an enum's variant) first, then `ordered`.
        self.queue.splice(0..0, ordered.into_iter().rev());
    }

    fn next_value(&mut self) -> Option<Value> {
        self.queue.pop()
    }
}

fn find_mut<'v>(value: &'v mut Value, path: &[String]) -> Option<&'v mut Value> {
    path.iter().try_fold(value, |value, part| match value {
        Value::Dict(_, dict) => dict.get_mut(part),
        Value::Array(_, items) => items.get_mut(part.parse::<usize>().ok()?),
        _ => None,
    })
}

/// Puts `new` at `path` (its parent must be a table or a list holding the place).
fn place(value: &mut Value, path: &[String], new: Value) -> Option<()> {
    let (last, parent) = path.split_last()?;
    match find_mut(value, parent)? {
        Value::Dict(_, dict) => {
            dict.insert(last.clone(), new);
        }
        Value::Array(_, items) => *items.get_mut(last.parse::<usize>().ok()?)? = new,
        _ => return None,
    }
    Some(())
}

fn remove(value: &mut Value, path: &[String]) -> Option<()> {
    let (last, parent) = path.split_last()?;
    match find_mut(value, parent)? {
        Value::Dict(_, dict) => dict.remove(last).map(drop),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde::de::{self, Deserializer};

    fn value(json: serde_json::Value) -> Value {
        ::figment::Figment::from(::figment::providers::Serialized::defaults(json)).find_value("").unwrap()
    }

    /// The findings by key (the survey finds them in the order serde reads).
    fn keys(survey: &Survey) -> Vec<(String, Finding)> {
        let mut found: Vec<_> = survey.findings.iter().map(|(p, f)| (p.join("."), f.clone())).collect();
        found.sort_by(|a, b| a.0.cmp(&b.0));
        found
    }

    #[derive(Deserialize)]
    #[allow(dead_code)]
    struct Config {
        port: u16,
        name: String,
        #[serde(default)]
        debug: bool,
        database: Database,
        nonzero: std::num::NonZeroU32,
        level: Level,
    }

    #[derive(Deserialize)]
    #[allow(dead_code)]
    struct Database {
        url: String,
        pool: Option<u32>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "lowercase")]
    #[allow(dead_code)]
    enum Level {
        Info,
        Debug,
    }

    #[test]
    fn every_missing_and_mistyped_field_is_found_in_one_survey() {
        let survey = survey::<Config>(&value(serde_json::json!({
            "port": "80a", "extra": "x", "database": {"pool": "many"}, "level": "loud",
        })));
        assert_eq!(survey.stopped_at, None, "{survey:?}");
        let found = keys(&survey);
        let mistyped = |e: &str| Finding::Mistyped { expected: e.into() };
        let missing = |e: &str| Finding::Missing { expected: Some(e.into()) };
        assert_eq!(
            found,
            [
                ("database.pool".into(), mistyped("u32")),
                ("database.url".into(), missing("a string")),
                ("level".into(), mistyped("one of `info`, `debug`")),
                ("name".into(), missing("a string")),
                ("nonzero".into(), missing("a nonzero u32")),
                ("port".into(), mistyped("u16")),
            ]
        );
        assert_eq!(survey.ignored, [vec!["extra".to_owned()]]);
        for field in ["port", "debug", "database.url", "database.pool", "level"] {
            assert!(survey.fields.contains(field), "{field} in {:?}", survey.fields);
        }
    }

    #[test]
    fn a_missing_table_is_filled_so_its_own_fields_are_found() {
        let survey = survey::<Config>(&value(serde_json::json!({
            "port": "8080", "name": "n", "nonzero": "3", "level": "info",
        })));
        let found = keys(&survey);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0], ("database".into(), Finding::Missing { expected: Some("struct Database".into()) }));
        assert_eq!(found[1], ("database.url".into(), Finding::Missing { expected: Some("a string".into()) }));
    }

    #[test]
    fn a_type_that_takes_no_stand_in_stops_the_survey_where_it_is() {
        #[derive(Debug)]
        struct Picky;
        impl<'de> Deserialize<'de> for Picky {
            fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
                let _ = String::deserialize(d)?;
                Err(de::Error::custom("never"))
            }
        }
        #[derive(Deserialize)]
        #[allow(dead_code)]
        struct Holder {
            picky: Picky,
            after: u8,
        }
        let survey = survey::<Holder>(&value(serde_json::json!({})));
        assert_eq!(survey.stopped_at, Some(vec!["picky".to_owned()]));
        assert_eq!(keys(&survey), [("picky".into(), Finding::Missing { expected: Some("a string".into()) })]);
    }

    #[test]
    fn a_struct_that_denies_unknown_fields_reports_the_key() {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Strict {
            a: u8,
        }
        let survey = survey::<Strict>(&value(serde_json::json!({"a": "1", "b": "2"})));
        assert_eq!(survey.stopped_at, None);
        assert_eq!(
            keys(&survey),
            [("b".into(), Finding::Invalid { detail: "no field of the type has this name".into() })]
        );
    }

    /// The limits the docs give: a flattened struct stops the survey at its first problem; an untagged
    /// enum's refusal is reported without its message, and a string stands in for it.
    #[test]
    fn flattened_structs_and_untagged_enums_as_documented() {
        #[derive(Deserialize)]
        #[allow(dead_code)]
        struct Outer {
            #[serde(flatten)]
            inner: Inner,
            after: u8,
        }
        #[derive(Deserialize)]
        #[allow(dead_code)]
        struct Inner {
            first: u8,
            second: u8,
        }
        let flat = survey::<Outer>(&value(serde_json::json!({"after": "1"})));
        assert_eq!(keys(&flat), [("first".into(), Finding::Missing { expected: None })]);
        assert!(flat.stopped_at.is_some());

        #[derive(Deserialize)]
        #[serde(untagged)]
        #[allow(dead_code)]
        enum Either {
            Number(u16),
            Text(String),
        }
        #[derive(Deserialize)]
        #[allow(dead_code)]
        struct Holder {
            either: Either,
            port: u16,
        }
        let untagged = survey::<Holder>(&value(serde_json::json!({"either": {"a": "secret-value"}, "port": "x"})));
        assert_eq!(untagged.stopped_at, None, "{untagged:?}");
        let found = keys(&untagged);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(matches!(&found[0], (k, Finding::Invalid { detail }) if k == "either" && detail.contains("not shown")));
        assert_eq!(found[1], ("port".into(), Finding::Mistyped { expected: "u16".into() }));
    }
}

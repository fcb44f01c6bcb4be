use reqwest::header::HeaderMap;

use super::*;
use crate::ExposeSecret;

fn answer(bytes: &[u8], segments: bool) -> ApiResponse {
    let body = if segments {
        Body::Segments(bytes.chunks(7).map(|c| c.to_vec().into()).collect())
    } else {
        Body::Whole(bytes.to_vec().into())
    };
    ApiResponse { status: 200, headers: HeaderMap::new(), body, endpoint: "GET /api/v4/secrets".into() }
}

fn decode(body: &str) -> crate::Result<SecretList> {
    SecretList::decode(answer(body.as_bytes(), false), "/")
}

/// Everything a secret says through its public API: `Debug` reads every field, and the value.
fn said(s: &Secret) -> String {
    format!("{s:?} {}", s.value.expose_secret())
}

fn kept_as_spans(s: &Secret) -> bool {
    matches!(s.rest, Rest::Spans { .. })
}

#[test]
fn recorded_list_answers_read_the_same_from_spans_as_decoded_whole() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/server-2024-10");
    let mut lists = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let sample: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
        let response = &sample["response"];
        if sample["status"] != 200 || sample["path"] != "/api/v3/secrets/raw" || !response["secrets"].is_array() {
            continue;
        }
        lists += 1;
        let body = serde_json::to_vec_pretty(response).unwrap();
        let whole: SecretList = serde_json::from_slice(&body).unwrap();
        for segments in [false, true] {
            let spans = SecretList::decode(answer(&body, segments), "/").unwrap();
            let all = |l: &SecretList| {
                let own = l.secrets.iter();
                own.chain(l.imports.iter().flat_map(|i| &i.secrets)).map(said).collect::<Vec<_>>()
            };
            assert_eq!(all(&spans), all(&whole));
            assert!(spans.secrets.iter().all(kept_as_spans), "the recorded fields hold no escape");
            let imports = |l: &SecretList| {
                l.imports
                    .iter()
                    .map(|i| (i.secret_path.clone(), i.environment.clone(), i.folder_id.clone()))
                    .collect::<Vec<_>>()
            };
            assert_eq!(imports(&spans), imports(&whole));
        }
    }
    assert!(lists >= 8, "only {lists} recorded lists");
}

#[test]
fn escapes_nulls_tags_and_metadata_read_as_decoded() {
    let body = r##"{"secrets": [
        {"secret\u004bey": "A", "secretValue": "v-canary", "id": "\u0041BC", "secretComment": "two\nlines",
         "secretPath": null, "tags": null, "secretMetadata": [{"key": "k", "value": "v"}], "type": "personal"},
        {"secretKey": "B", "secretValue": null, "id": "b", "environment": "prod", "secretPath": "/db",
         "tags": [{"id": "t", "slug": "s", "name": null, "color": "#fff"}], "createdAt": "2026-11-22T11:03:08.184Z"}
    ], "imports": [{"secretPath": "/shared", "environment": "staging", "secrets": [{"secretKey": "C", "id": "c"}]}]}"##;
    let list = decode(body).unwrap();
    let [a, b] = &list.secrets[..] else { panic!("two secrets") };
    assert_eq!((a.key.as_str(), a.id(), a.comment(), a.path()), ("A", "ABC", "two\nlines", None));
    assert_eq!((a.tags(), a.metadata(), a.kind), (vec![], vec![SecretMetadata::new("k", "v")], SecretType::Personal));
    assert!(!kept_as_spans(a), "a secret whose fields hold escapes is decoded whole");
    assert!(kept_as_spans(b));
    assert_eq!((b.id(), b.environment(), b.path(), b.value.expose_secret()), ("b", "prod", Some("/db"), ""));
    assert_eq!((b.tags()[0].slug.as_str(), b.tags()[0].color.as_deref()), ("s", Some("#fff")));
    assert_eq!(b.created_at(), Some("2026-11-22T11:03:08.184Z"));
    assert_eq!((list.imports[0].secrets[0].id(), list.imports[0].environment.as_str()), ("c", "staging"));
    assert!(!format!("{list:?}").contains("canary"), "Debug shows no value");
    // Decoded whole, the same answer says the same.
    let whole: SecretList = serde_json::from_str(body).unwrap();
    assert_eq!(list.secrets.iter().map(said).collect::<Vec<_>>(), whole.secrets.iter().map(said).collect::<Vec<_>>());
}

#[test]
fn a_secret_outlives_its_list() {
    let list = decode(r#"{"secrets": [{"secretKey": "A", "id": "a", "secretPath": "/db"}]}"#).unwrap();
    let mut secret = list.secrets[0].clone();
    drop(list);
    assert_eq!((secret.id(), secret.path()), ("a", Some("/db")));
    // A folder set on a kept secret (a get's, when the server leaves it out) is kept beside the others.
    secret.rest.or_insert(Lazy::ReminderNote, || "note".into());
    assert_eq!((secret.reminder_note(), secret.path()), (Some("note"), Some("/db")));
}

#[test]
fn a_malformed_answer_fails_naming_the_field_and_never_its_value() {
    let cases = [
        (r#"{"secrets": [{"secretKey": "A", "id": 5}]}"#, "secrets[0].id"),
        (r#"{"secrets": [{"secretKey": "A", "tags": "x"}]}"#, "secrets[0].tags"),
        (r#"{"secrets": [{"secretKey": "A", "tags": [{"slug": 5}]}]}"#, "secrets[0].tags[0].slug"),
        (r#"{"secrets": [{"secretKey": "A", "secretMetadata": [{"value": "v"}]}]}"#, "missing field `key`"),
        (r#"{"secrets": [{"secretKey": "A", "secretKey": "B"}]}"#, "secrets[0]"),
        (r#"{"secrets": [{"id": "a"}]}"#, "missing field `secretKey`"),
        (r#"{"secrets": [{"secretKey": "A", "type": "team"}]}"#, "secrets[0].type"),
        (r#"{"secrets": [{"secretKey": "A", "secretValue": ["s3cret-canary"]}]}"#, "secrets[0].secretValue"),
        (
            r#"{"secrets": [], "imports": [{"secrets": [{"secretKey": "A", "version": "x-canary"}]}]}"#,
            "imports[0].secrets[0].version",
        ),
        (r#"{"secrets": [{"secretKey": "A"}], "secrets": []}"#, "secrets"),
        (r#"{"secrets": [{"secretKey": "A"}]} trailing"#, "could not decode"),
    ];
    for (body, says) in cases {
        let err = decode(body).unwrap_err().to_string();
        assert!(err.contains(says), "{body}: {err}");
        assert!(!err.contains("canary"), "{err}");
    }
}

//! What creating and updating secrets share: the optional fields, their setters, their checks.

use secrecy::{ExposeSecret, SecretString};
use serde::{Serialize, Serializer};

use super::SecretMetadata;
use crate::error::{Error, Result};

/// Writes a value in clear into a request body, the one place it must be: bodies go to the server
/// and nowhere else.
pub(super) fn expose<S: Serializer>(v: &SecretString, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(v.expose_secret())
}

/// [`expose`], for a value that may be absent (an update that leaves it).
pub(super) fn expose_opt<S: Serializer>(v: &Option<SecretString>, s: S) -> std::result::Result<S::Ok, S::Error> {
    match v {
        Some(v) => s.serialize_str(v.expose_secret()),
        None => s.serialize_none(),
    }
}

/// The optional fields shared by create and update.
#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct SecretFields {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) secret_comment: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) tag_ids: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) secret_metadata: Option<Vec<SecretMetadata>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) skip_multiline_encoding: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) secret_reminder_note: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) secret_reminder_repeat_days: Option<u32>,
}

/// The setters create and update share. Each gets a runnable example per request type: it sends the
/// request to a mock server that answers only when the body holds what the setter sets.
macro_rules! secret_field_setters {
    ($ty:literal, $method:literal, $new:literal, $send:literal) => {
        #[doc = secret_field_setters!(@example $ty, $method, $new, $send, "The comment.",
            "", r#"{"secretComment": "rotated monthly"}"#, r#""secretComment": "rotated monthly""#,
            ".comment(\"rotated monthly\")", "assert_eq!(secret.comment(), \"rotated monthly\");")]
        pub fn comment(mut self, comment: impl Into<String>) -> Self {
            self.fields.secret_comment = Some(comment.into());
            self
        }

        #[doc = secret_field_setters!(@example $ty, $method, $new, $send,
            "The tags (ids); replaces the secret's tag set.",
            "", r#"{"tagIds": ["tag-1"]}"#, r#""tags": [{"id": "tag-1", "slug": "backend"}]"#,
            ".tag_ids([\"tag-1\"])", "assert_eq!(secret.tags()[0].slug, \"backend\");")]
        pub fn tag_ids<I, S>(mut self, ids: I) -> Self
        where
            I: IntoIterator<Item = S>,
            S: Into<String>,
        {
            self.fields.tag_ids = Some(ids.into_iter().map(Into::into).collect());
            self
        }

        #[doc = secret_field_setters!(@example $ty, $method, $new, $send,
            "The metadata entries; replaces the secret's metadata.",
            ", SecretMetadata", r#"{"secretMetadata": [{"key": "owner", "value": "payments", "isEncrypted": false}]}"#,
            r#""secretMetadata": [{"key": "owner", "value": "payments"}]"#,
            ".metadata([SecretMetadata::new(\"owner\", \"payments\")])",
            "assert_eq!(secret.metadata(), [SecretMetadata::new(\"owner\", \"payments\")]);")]
        pub fn metadata(mut self, entries: impl IntoIterator<Item = SecretMetadata>) -> Self {
            self.fields.secret_metadata = Some(entries.into_iter().collect());
            self
        }

        #[doc = secret_field_setters!(@example $ty, $method, $new, $send,
            "Keeps multi-line values as they are in dotenv exports.",
            "", r#"{"skipMultilineEncoding": true}"#, r#""skipMultilineEncoding": true"#,
            ".skip_multiline_encoding(true)", "assert!(secret.skip_multiline_encoding);")]
        pub fn skip_multiline_encoding(mut self, yes: bool) -> Self {
            self.fields.skip_multiline_encoding = Some(yes);
            self
        }

        #[doc = secret_field_setters!(@example $ty, $method, $new, $send,
            "A rotation reminder: a note, and every how many days (at most 1024 characters of note; a \
             longer one is an [`Error::InvalidRequest`](crate::Error::InvalidRequest) when sent).",
            "", r#"{"secretReminderNote": "rotate the key", "secretReminderRepeatDays": 30}"#,
            r#""secretReminderNote": "rotate the key", "secretReminderRepeatDays": 30"#,
            ".reminder(\"rotate the key\", 30)",
            "assert_eq!(secret.reminder_note(), Some(\"rotate the key\"));\n\
             assert_eq!(secret.reminder_repeat_days, Some(30.0));")]
        pub fn reminder(mut self, note: impl Into<String>, repeat_days: u32) -> Self {
            self.fields.secret_reminder_note = Some(note.into());
            self.fields.secret_reminder_repeat_days = Some(repeat_days);
            self
        }

        #[doc = secret_field_setters!(@example $ty, $method, $new, $send, "The folder (default `/`).",
            "", r#"{"secretPath": "/app"}"#, r#""secretPath": "/app""#,
            ".path(\"/app\")", "assert_eq!(secret.path(), Some(\"/app\"));")]
        pub fn path(mut self, path: impl Into<String>) -> Self {
            self.path = path.into();
            self
        }

        #[doc = secret_field_setters!(@example $ty, $method, $new, $send, "Shared (default) or personal.",
            ", SecretType", r#"{"type": "personal"}"#, r#""type": "personal""#,
            ".kind(SecretType::Personal)", "assert_eq!(secret.kind, SecretType::Personal);")]
        pub fn kind(mut self, kind: SecretType) -> Self {
            self.kind = kind;
            self
        }
    };
    (@example $ty:literal, $method:literal, $new:literal, $send:literal, $summary:literal, $uses:literal,
     $body:literal, $answer:literal, $setter:literal, $check:literal) => {
        concat!(
            $summary, "\n\n```\n",
            "# tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {\n",
            "# use wiremock::{Mock, MockServer, ResponseTemplate, matchers::*};\n",
            "# let server = MockServer::start().await;\n",
            "# Mock::given(method(\"", $method, "\")).and(path(\"/api/v4/secrets/API_KEY\"))\n",
            "#     .and(body_partial_json(serde_json::json!(", $body, ")))\n",
            "#     .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!(\n",
            "#         {\"secret\": {\"secretKey\": \"API_KEY\", \"version\": 1, ", $answer, "}})))\n",
            "#     .expect(1).mount(&server).await;\n",
            "# let client = infisical_config::Client::builder().site(server.uri()).access_token(\"token\")\n",
            "#     .api_version(infisical_config::resources::ApiVersion::Current)\n",
            "#     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false).build()?;\n",
            "# let project = \"22770578-ba92-407c-a19b-e79cd7aa39d9\";\n",
            "use infisical_config::resources::secrets::{", $ty, $uses, "};\n\n",
            "let req = ", $new, $setter, ";\n",
            "let secret = client.secrets().", $send, "(&req).await?.applied().expect(\"no approval policy\");\n",
            $check, "\n",
            "# Ok::<(), infisical_config::Error>(()) }).unwrap();\n",
            "```"
        )
    };
}
pub(super) use secret_field_setters;

pub(super) fn check_reminder(fields: &SecretFields) -> Result<()> {
    if fields.secret_reminder_note.as_ref().is_some_and(|n| n.chars().count() > 1024) {
        return Err(Error::invalid("reminder", "note is longer than 1024 characters"));
    }
    Ok(())
}

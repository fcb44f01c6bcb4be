//! Changing secrets: create, update, delete, and the batch forms.

use secrecy::{ExposeSecret, SecretString};
use serde::{Serialize, Serializer};

use super::Secrets;
use crate::error::{Error, Result};
use crate::resources::{
    Outcome, ProjectKey, ProjectRef, Scoped, check_environment, check_secret_name, decode_outcome, normalize_path,
    require,
};
use crate::transport::ApiRequest;

use super::model::OneSecret;
use super::{GetSecret, Secret, SecretMetadata, SecretType};

fn expose<S: Serializer>(v: &SecretString, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(v.expose_secret())
}

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
            "assert_eq!((secret.reminder_note(), secret.reminder_repeat_days), (Some(\"rotate the key\"), Some(30.0)));")]
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
            "use infisical_config::resources::secrets::{", $ty, $uses, "};\n\n",
            "let req = ", $new, $setter, ";\n",
            "let secret = client.secrets().", $send, "(&req).await?.applied().expect(\"no approval policy\");\n",
            $check, "\n",
            "# Ok::<(), infisical_config::Error>(()) }).unwrap();\n",
            "```"
        )
    };
}

pub(super) fn check_reminder(fields: &SecretFields) -> Result<()> {
    if fields.secret_reminder_note.as_ref().is_some_and(|n| n.chars().count() > 1024) {
        return Err(Error::invalid("reminder", "note is longer than 1024 characters"));
    }
    Ok(())
}

/// Creates a secret: the request of [`Secrets::create`]. The value is a [`SecretString`], sent and
/// never shown.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// # use wiremock::{Mock, MockServer, ResponseTemplate, matchers::*};
/// # let server = MockServer::start().await;
/// # Mock::given(method("POST")).and(path("/api/v4/secrets/API_KEY")).and(body_partial_json(serde_json::json!({"secretValue": "s3cr3t", "secretPath": "/app", "secretComment": "rotated monthly"})))
/// #     .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"secret": {"secretKey": "API_KEY", "version": 1, "secretPath": "/app", "secretComment": "rotated monthly", "secretMetadata": [{"key": "owner", "value": "payments"}]}})))
/// #     .expect(1).mount(&server).await;
/// # let client = infisical_config::Client::builder().site(server.uri()).access_token("token")
/// #     .api_version(infisical_config::resources::ApiVersion::Current)
/// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false).build()?;
/// use infisical_config::resources::secrets::{CreateSecret, SecretMetadata};
///
/// let req = CreateSecret::new("22770578-ba92-407c-a19b-e79cd7aa39d9", "dev", "API_KEY", "s3cr3t")
///     .path("/app")
///     .comment("rotated monthly")
///     .metadata([SecretMetadata::new("owner", "payments")]);
/// let created = client.secrets().create(&req).await?.applied().expect("no approval policy");
/// assert_eq!((created.key.as_str(), created.version), ("API_KEY", 1));
/// # Ok::<(), infisical_config::Error>(()) }).unwrap();
/// ```
#[derive(Clone, Debug)]
#[must_use]
pub struct CreateSecret {
    project: ProjectRef,
    environment: String,
    name: String,
    value: SecretString,
    path: String,
    kind: SecretType,
    fields: SecretFields,
}

impl CreateSecret {
    /// Creates `name` = `value` in `project`'s (id or slug) `environment` (its slug), folder `/`.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # use wiremock::{Mock, MockServer, ResponseTemplate, matchers::*};
    /// # let server = MockServer::start().await;
    /// # Mock::given(method("POST")).and(path("/api/v4/secrets/API_KEY")).and(body_partial_json(serde_json::json!({"environment": "dev", "secretValue": "s3cr3t", "secretPath": "/", "type": "shared"})))
    /// #     .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"secret": {"secretKey": "API_KEY", "version": 1}})))
    /// #     .expect(1).mount(&server).await;
    /// # let client = infisical_config::Client::builder().site(server.uri()).access_token("token")
    /// #     .api_version(infisical_config::resources::ApiVersion::Current)
    /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false).build()?;
    /// use infisical_config::resources::secrets::CreateSecret;
    ///
    /// let req = CreateSecret::new("22770578-ba92-407c-a19b-e79cd7aa39d9", "dev", "API_KEY", "s3cr3t");
    /// let created = client.secrets().create(&req).await?.applied().expect("no approval policy");
    /// assert_eq!(created.key, "API_KEY");
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    pub fn new(
        project: impl Into<ProjectRef>,
        environment: impl Into<String>,
        name: impl Into<String>,
        value: impl Into<SecretString>,
    ) -> Self {
        CreateSecret {
            project: project.into(),
            environment: environment.into(),
            name: name.into(),
            value: value.into(),
            path: "/".into(),
            kind: SecretType::Shared,
            fields: SecretFields::default(),
        }
    }

    secret_field_setters!("CreateSecret", "POST", "CreateSecret::new(\"22770578-ba92-407c-a19b-e79cd7aa39d9\", \"dev\", \"API_KEY\", \"s3cr3t\")", "create");
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WriteBody<'a, F: Serialize> {
    environment: &'a str,
    secret_path: String,
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(flatten)]
    fields: F,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CreateFields<'a> {
    #[serde(serialize_with = "expose")]
    secret_value: &'a SecretString,
    #[serde(flatten)]
    fields: &'a SecretFields,
}

/// Updates a secret: its value, name, comment, tags, metadata or reminder. The request of
/// [`Secrets::update`]; what is not set is left as it is.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// # use wiremock::{Mock, MockServer, ResponseTemplate, matchers::*};
/// # let server = MockServer::start().await;
/// # Mock::given(method("PATCH")).and(path("/api/v4/secrets/API_KEY")).and(body_partial_json(serde_json::json!({"secretValue": "n3w-v4lue", "secretComment": "rotated"})))
/// #     .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"secret": {"secretKey": "API_KEY", "version": 2, "secretComment": "rotated"}})))
/// #     .expect(1).mount(&server).await;
/// # let client = infisical_config::Client::builder().site(server.uri()).access_token("token")
/// #     .api_version(infisical_config::resources::ApiVersion::Current)
/// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false).build()?;
/// use infisical_config::resources::secrets::UpdateSecret;
///
/// let rotate = UpdateSecret::new("22770578-ba92-407c-a19b-e79cd7aa39d9", "dev", "API_KEY").value("n3w-v4lue").comment("rotated");
/// let updated = client.secrets().update(&rotate).await?.applied().expect("no approval policy");
/// assert_eq!(updated.version, 2);
/// # Ok::<(), infisical_config::Error>(()) }).unwrap();
/// ```
#[derive(Clone, Debug)]
#[must_use]
pub struct UpdateSecret {
    project: ProjectRef,
    environment: String,
    name: String,
    value: Option<SecretString>,
    new_name: Option<String>,
    path: String,
    kind: SecretType,
    fields: SecretFields,
}

impl UpdateSecret {
    /// Updates secret `name` of `project` (id or slug) in `environment` (its slug), folder `/`; the
    /// setters say what changes.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # use wiremock::{Mock, MockServer, ResponseTemplate, matchers::*};
    /// # let server = MockServer::start().await;
    /// # Mock::given(method("PATCH")).and(path("/api/v4/secrets/API_KEY")).and(body_partial_json(serde_json::json!({"environment": "dev", "secretValue": "n3w"})))
    /// #     .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"secret": {"secretKey": "API_KEY", "version": 2}})))
    /// #     .expect(1).mount(&server).await;
    /// # let client = infisical_config::Client::builder().site(server.uri()).access_token("token")
    /// #     .api_version(infisical_config::resources::ApiVersion::Current)
    /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false).build()?;
    /// use infisical_config::resources::secrets::UpdateSecret;
    ///
    /// let req = UpdateSecret::new("22770578-ba92-407c-a19b-e79cd7aa39d9", "dev", "API_KEY").value("n3w");
    /// assert_eq!(client.secrets().update(&req).await?.applied().map(|s| s.version), Some(2));
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    pub fn new(project: impl Into<ProjectRef>, environment: impl Into<String>, name: impl Into<String>) -> Self {
        UpdateSecret {
            project: project.into(),
            environment: environment.into(),
            name: name.into(),
            value: None,
            new_name: None,
            path: "/".into(),
            kind: SecretType::Shared,
            fields: SecretFields::default(),
        }
    }

    crate::setters::setters! {
        /// The new value.
        ///
        /// ```
        /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
        /// # use wiremock::{Mock, MockServer, ResponseTemplate, matchers::*};
        /// # let server = MockServer::start().await;
        /// # Mock::given(method("PATCH")).and(path("/api/v4/secrets/API_KEY")).and(body_partial_json(serde_json::json!({"secretValue": "n3w-v4lue"})))
        /// #     .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"secret": {"secretKey": "API_KEY", "version": 2}})))
        /// #     .expect(1).mount(&server).await;
        /// # let client = infisical_config::Client::builder().site(server.uri()).access_token("token")
        /// #     .api_version(infisical_config::resources::ApiVersion::Current)
        /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false).build()?;
        /// use infisical_config::resources::secrets::UpdateSecret;
        ///
        /// let req = UpdateSecret::new("22770578-ba92-407c-a19b-e79cd7aa39d9", "dev", "API_KEY").value("n3w-v4lue");
        /// let updated = client.secrets().update(&req).await?.applied().expect("no approval policy");
        /// assert_eq!(updated.version, 2);
        /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
        /// ```
        value(value: impl Into<SecretString>) => value = Some(value.into());

        /// Renames the secret (a name with `/` or `:` is an
        /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) when sent).
        ///
        /// ```
        /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
        /// # use wiremock::{Mock, MockServer, ResponseTemplate, matchers::*};
        /// # let server = MockServer::start().await;
        /// # Mock::given(method("PATCH")).and(path("/api/v4/secrets/API_KEY")).and(body_partial_json(serde_json::json!({"newSecretName": "API_TOKEN"})))
        /// #     .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"secret": {"secretKey": "API_TOKEN", "version": 2}})))
        /// #     .expect(1).mount(&server).await;
        /// # let client = infisical_config::Client::builder().site(server.uri()).access_token("token")
        /// #     .api_version(infisical_config::resources::ApiVersion::Current)
        /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false).build()?;
        /// use infisical_config::resources::secrets::UpdateSecret;
        ///
        /// let req = UpdateSecret::new("22770578-ba92-407c-a19b-e79cd7aa39d9", "dev", "API_KEY").new_name("API_TOKEN");
        /// let renamed = client.secrets().update(&req).await?.applied().expect("no approval policy");
        /// assert_eq!(renamed.key, "API_TOKEN");
        /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
        /// ```
        new_name(name: impl Into<String>) => new_name = Some(name.into());
    }

    secret_field_setters!("UpdateSecret", "PATCH", "UpdateSecret::new(\"22770578-ba92-407c-a19b-e79cd7aa39d9\", \"dev\", \"API_KEY\")", "update");
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct UpdateFields<'a> {
    #[serde(serialize_with = "expose_opt", skip_serializing_if = "Option::is_none")]
    secret_value: Option<SecretString>,
    #[serde(skip_serializing_if = "Option::is_none")]
    new_secret_name: Option<&'a str>,
    #[serde(flatten)]
    fields: &'a SecretFields,
}

/// Deletes a secret: the request of [`Secrets::delete`].
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// # use wiremock::{Mock, MockServer, ResponseTemplate, matchers::*};
/// # let server = MockServer::start().await;
/// # Mock::given(method("DELETE")).and(path("/api/v4/secrets/OLD_KEY")).and(body_partial_json(serde_json::json!({"environment": "dev", "secretPath": "/app"})))
/// #     .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"secret": {"secretKey": "OLD_KEY", "secretPath": "/app"}})))
/// #     .expect(1).mount(&server).await;
/// # let client = infisical_config::Client::builder().site(server.uri()).access_token("token")
/// #     .api_version(infisical_config::resources::ApiVersion::Current)
/// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false).build()?;
/// use infisical_config::resources::secrets::DeleteSecret;
///
/// let req = DeleteSecret::new("22770578-ba92-407c-a19b-e79cd7aa39d9", "dev", "OLD_KEY").path("/app");
/// let deleted = client.secrets().delete(&req).await?.applied().expect("no approval policy");
/// assert_eq!(deleted.key, "OLD_KEY");
/// # Ok::<(), infisical_config::Error>(()) }).unwrap();
/// ```
#[derive(Clone, Debug)]
#[must_use]
pub struct DeleteSecret {
    project: ProjectRef,
    environment: String,
    name: String,
    path: String,
    kind: SecretType,
}

impl DeleteSecret {
    /// Deletes secret `name` of `project` (id or slug) in `environment` (its slug), folder `/`.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # use wiremock::{Mock, MockServer, ResponseTemplate, matchers::*};
    /// # let server = MockServer::start().await;
    /// # Mock::given(method("DELETE")).and(path("/api/v4/secrets/OLD_KEY")).and(body_partial_json(serde_json::json!({"environment": "dev", "secretPath": "/"})))
    /// #     .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"secret": {"secretKey": "OLD_KEY"}})))
    /// #     .expect(1).mount(&server).await;
    /// # let client = infisical_config::Client::builder().site(server.uri()).access_token("token")
    /// #     .api_version(infisical_config::resources::ApiVersion::Current)
    /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false).build()?;
    /// use infisical_config::resources::secrets::DeleteSecret;
    ///
    /// let req = DeleteSecret::new("22770578-ba92-407c-a19b-e79cd7aa39d9", "dev", "OLD_KEY");
    /// assert!(client.secrets().delete(&req).await?.applied().is_some());
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    pub fn new(project: impl Into<ProjectRef>, environment: impl Into<String>, name: impl Into<String>) -> Self {
        DeleteSecret {
            project: project.into(),
            environment: environment.into(),
            name: name.into(),
            path: "/".into(),
            kind: SecretType::Shared,
        }
    }

    crate::setters::setters! {
        /// The folder (default `/`).
        ///
        /// ```
        /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
        /// # use wiremock::{Mock, MockServer, ResponseTemplate, matchers::*};
        /// # let server = MockServer::start().await;
        /// # Mock::given(method("DELETE")).and(path("/api/v4/secrets/OLD_KEY")).and(body_partial_json(serde_json::json!({"secretPath": "/app"})))
        /// #     .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"secret": {"secretKey": "OLD_KEY", "secretPath": "/app"}})))
        /// #     .expect(1).mount(&server).await;
        /// # let client = infisical_config::Client::builder().site(server.uri()).access_token("token")
        /// #     .api_version(infisical_config::resources::ApiVersion::Current)
        /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false).build()?;
        /// use infisical_config::resources::secrets::DeleteSecret;
        ///
        /// let req = DeleteSecret::new("22770578-ba92-407c-a19b-e79cd7aa39d9", "dev", "OLD_KEY").path("/app");
        /// let deleted = client.secrets().delete(&req).await?.applied().expect("no approval policy");
        /// assert_eq!(deleted.path(), Some("/app"));
        /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
        /// ```
        path(path: impl Into<String>) => path = path.into();

        /// Shared (default) or personal: `Personal` deletes the caller's override and leaves the shared secret.
        ///
        /// ```
        /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
        /// # use wiremock::{Mock, MockServer, ResponseTemplate, matchers::*};
        /// # let server = MockServer::start().await;
        /// # Mock::given(method("DELETE")).and(path("/api/v4/secrets/API_KEY")).and(body_partial_json(serde_json::json!({"type": "personal"})))
        /// #     .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"secret": {"secretKey": "API_KEY", "type": "personal"}})))
        /// #     .expect(1).mount(&server).await;
        /// # let client = infisical_config::Client::builder().site(server.uri()).access_token("token")
        /// #     .api_version(infisical_config::resources::ApiVersion::Current)
        /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false).build()?;
        /// use infisical_config::resources::secrets::{DeleteSecret, SecretType};
        ///
        /// let req = DeleteSecret::new("22770578-ba92-407c-a19b-e79cd7aa39d9", "dev", "API_KEY").kind(SecretType::Personal);
        /// let deleted = client.secrets().delete(&req).await?.applied().expect("no approval policy");
        /// assert_eq!(deleted.kind, SecretType::Personal);
        /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
        /// ```
        kind(kind: SecretType) => kind = kind;
    }
}

impl Secrets<'_> {
    /// Creates a secret. [`Outcome::PendingApproval`] when the environment has a change policy.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # use wiremock::{Mock, MockServer, ResponseTemplate, matchers::*};
    /// # let server = MockServer::start().await;
    /// # Mock::given(method("POST")).and(path("/api/v4/secrets/API_KEY")).and(body_partial_json(serde_json::json!({"secretValue": "s3cr3t"})))
    /// #     .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"secret": {"secretKey": "API_KEY", "version": 1}})))
    /// #     .expect(1).mount(&server).await;
    /// # let client = infisical_config::Client::builder().site(server.uri()).access_token("token")
    /// #     .api_version(infisical_config::resources::ApiVersion::Current)
    /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false).build()?;
    /// use infisical_config::Error;
    /// use infisical_config::resources::secrets::CreateSecret;
    ///
    /// let req = CreateSecret::new("22770578-ba92-407c-a19b-e79cd7aa39d9", "dev", "API_KEY", "s3cr3t");
    /// let created = client.secrets().create(&req).await?.applied().expect("no approval policy");
    /// assert_eq!(created.version, 1);
    ///
    /// // Refused before sending: the server would refuse it too.
    /// let bad = CreateSecret::new("22770578-ba92-407c-a19b-e79cd7aa39d9", "dev", "db/url", "x");
    /// let err = client.secrets().create(&bad).await.unwrap_err();
    /// assert!(matches!(err, Error::InvalidRequest { field: "name", .. }), "{err}");
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// - [`Error::InvalidRequest`] before sending: an empty name or one with `/` or `:`, an empty
    ///   environment, a reminder note over 1024 characters.
    /// - [`Error::Api`] when the server refuses: 400 when a secret of that name exists in the folder,
    ///   404 for an unknown project, environment or folder, 403 when the identity may not write there.
    pub async fn create(&self, req: &CreateSecret) -> Result<Outcome<Secret>> {
        check_secret_name("name", &req.name)?;
        check_environment(&req.environment)?;
        check_reminder(&req.fields)?;
        let project_id = self.client.project_id(&req.project).await?;
        let body = WriteBody {
            environment: &req.environment,
            secret_path: normalize_path(&req.path),
            kind: req.kind.as_str(),
            fields: CreateFields { secret_value: &req.value, fields: &req.fields },
        };
        let resp =
            self.client.scoped_write(reqwest::Method::POST, |r| r.secrets, Some(&req.name), &project_id, &body).await?;
        decode_outcome(&resp, |e: OneSecret| e.secret)
    }

    /// Updates a secret. [`Outcome::PendingApproval`] when the environment has a change policy.
    ///
    /// Servers of 2024 require a value even to rename or re-comment (`v3` quirk); when none is given the
    /// client reads the current one first and sends it back unchanged.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # use wiremock::{Mock, MockServer, ResponseTemplate, matchers::*};
    /// # let server = MockServer::start().await;
    /// # Mock::given(method("PATCH")).and(path("/api/v4/secrets/API_KEY")).and(body_partial_json(serde_json::json!({"secretValue": "n3w"})))
    /// #     .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"secret": {"secretKey": "API_KEY", "version": 2}})))
    /// #     .expect(1).mount(&server).await;
    /// # Mock::given(method("PATCH")).and(path("/api/v4/secrets/NO_SUCH"))
    /// #     .respond_with(ResponseTemplate::new(404).set_body_json(serde_json::json!({"statusCode": 404, "error": "NotFound", "message": "Secret not found"})))
    /// #     .expect(1).mount(&server).await;
    /// # let client = infisical_config::Client::builder().site(server.uri()).access_token("token")
    /// #     .api_version(infisical_config::resources::ApiVersion::Current)
    /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false).build()?;
    /// use infisical_config::resources::secrets::UpdateSecret;
    ///
    /// let req = UpdateSecret::new("22770578-ba92-407c-a19b-e79cd7aa39d9", "dev", "API_KEY").value("n3w");
    /// assert_eq!(client.secrets().update(&req).await?.applied().map(|s| s.version), Some(2));
    ///
    /// let missing = UpdateSecret::new("22770578-ba92-407c-a19b-e79cd7aa39d9", "dev", "NO_SUCH").value("n3w");
    /// assert_eq!(client.secrets().update(&missing).await.unwrap_err().status(), Some(404));
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// - [`Error::InvalidRequest`] before sending: an empty name or environment, a new name with `/` or
    ///   `:`, a reminder note over 1024 characters.
    /// - [`Error::Api`] with status 404 when there is no such secret (or environment or folder); other
    ///   refusals as the server says them (403 when the identity may not write there).
    pub async fn update(&self, req: &UpdateSecret) -> Result<Outcome<Secret>> {
        check_environment(&req.environment)?;
        require("name", &req.name)?;
        if let Some(n) = &req.new_name {
            check_secret_name("new_name", n)?;
        }
        check_reminder(&req.fields)?;
        let project_id = self.client.project_id(&req.project).await?;
        let choice = &self.client.inner.routes;
        // Servers of 2024 refuse an update without the value: read it first when it may be needed.
        let current = if req.value.is_none() && (choice.routes().update_needs_value || choice.undecided()) {
            let get = GetSecret::new(ProjectRef::Id(project_id.clone()), &req.environment, &req.name)
                .path(&req.path)
                .kind(req.kind)
                .include_imports(false)
                .expand_references(false);
            Some(self.get(&get).await?.value)
        } else {
            None
        };
        let resp = self
            .client
            .routed(|routes| {
                let value = req.value.clone().or_else(|| current.clone().filter(|_| routes.update_needs_value));
                let body = WriteBody {
                    environment: &req.environment,
                    secret_path: normalize_path(&req.path),
                    kind: req.kind.as_str(),
                    fields: UpdateFields {
                        secret_value: value,
                        new_secret_name: req.new_name.as_deref(),
                        fields: &req.fields,
                    },
                };
                ApiRequest::patch(routes.secrets)
                    .segment(req.name.as_str())
                    .json(&Scoped { project: ProjectKey::new(routes, &project_id), body })
            })
            .await?;
        decode_outcome(&resp, |e: OneSecret| e.secret)
    }

    /// Deletes a secret (the filter goes in a JSON body, as the server wants). The answer holds the
    /// deleted secret; [`Outcome::PendingApproval`] when the environment has a change policy.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # use wiremock::{Mock, MockServer, ResponseTemplate, matchers::*};
    /// # let server = MockServer::start().await;
    /// # Mock::given(method("DELETE")).and(path("/api/v4/secrets/OLD_KEY"))
    /// #     .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"secret": {"secretKey": "OLD_KEY", "version": 3}})))
    /// #     .expect(1).mount(&server).await;
    /// # Mock::given(method("DELETE")).and(path("/api/v4/secrets/NO_SUCH"))
    /// #     .respond_with(ResponseTemplate::new(404).set_body_json(serde_json::json!({"statusCode": 404, "error": "NotFound", "message": "Secret not found"})))
    /// #     .expect(1).mount(&server).await;
    /// # let client = infisical_config::Client::builder().site(server.uri()).access_token("token")
    /// #     .api_version(infisical_config::resources::ApiVersion::Current)
    /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false).build()?;
    /// use infisical_config::resources::secrets::DeleteSecret;
    ///
    /// let deleted = client.secrets().delete(&DeleteSecret::new("22770578-ba92-407c-a19b-e79cd7aa39d9", "dev", "OLD_KEY")).await?;
    /// assert_eq!(deleted.applied().map(|s| s.key), Some("OLD_KEY".to_owned()));
    ///
    /// let err = client.secrets().delete(&DeleteSecret::new("22770578-ba92-407c-a19b-e79cd7aa39d9", "dev", "NO_SUCH")).await.unwrap_err();
    /// assert_eq!(err.status(), Some(404));
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] for an empty name or environment, before sending; [`Error::Api`] with
    /// status 404 when there is no such secret, other refusals as the server says them.
    pub async fn delete(&self, req: &DeleteSecret) -> Result<Outcome<Secret>> {
        check_environment(&req.environment)?;
        require("name", &req.name)?;
        let project_id = self.client.project_id(&req.project).await?;
        let body = WriteBody {
            environment: &req.environment,
            secret_path: normalize_path(&req.path),
            kind: req.kind.as_str(),
            fields: (),
        };
        let resp = self
            .client
            .scoped_write(reqwest::Method::DELETE, |r| r.secrets, Some(&req.name), &project_id, &body)
            .await?;
        decode_outcome(&resp, |e: OneSecret| e.secret)
    }
}

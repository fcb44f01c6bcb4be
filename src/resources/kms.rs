//! KMS: keys held by Infisical, and encryption and decryption with them.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use secrecy::{ExposeSecret, SecretSlice, SecretString};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::{ProjectRef, null_default, require};
use crate::Client;
use crate::error::{Error, Result};
use crate::routes::KMS_KEYS;
use crate::transport::ApiRequest;

/// A KMS key, as [`Kms::list_keys`], [`Kms::create_key`], [`Kms::update_key`] and
/// [`Kms::delete_key`] answer it.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// # let server = wiremock::MockServer::start().await;
/// # for name in ["119-kms-list-keys"] {
/// #     let file = format!("{}/tests/fixtures/server-2024-10/{name}.json", env!("CARGO_MANIFEST_DIR"));
/// #     let s: serde_json::Value = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
/// #     let mut mock = wiremock::Mock::given(wiremock::matchers::method(s["method"].as_str().unwrap()))
/// #         .and(wiremock::matchers::path(s["path"].as_str().unwrap()));
/// #     if !s["body"].is_null() { mock = mock.and(wiremock::matchers::body_json(&s["body"])); }
/// #     for (k, v) in s["query"].as_object().into_iter().flatten() {
/// #         mock = mock.and(wiremock::matchers::query_param(k.as_str(), v.as_str().unwrap()));
/// #     }
/// #     let answer = wiremock::ResponseTemplate::new(s["status"].as_u64().unwrap() as u16).set_body_json(&s["response"]);
/// #     mock.respond_with(answer).expect(1).mount(&server).await;
/// # }
/// # let client = infisical_config::Client::builder().site(server.uri()).access_token("token")
/// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false)
/// #     .api_version(infisical_config::resources::ApiVersion::Legacy).build()?;
/// let keys = client.kms().list_keys("22770578-ba92-407c-a19b-e79cd7aa39d9").await?;
/// let key = &keys[0];
/// assert_eq!(key.name, "rust-sdk-key");
/// assert!(!key.is_disabled);
/// assert_eq!(key.encryption_algorithm.as_deref(), Some("aes-256-gcm"));
/// # Ok::<(), infisical_config::Error>(()) }).unwrap();
/// ```
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct KmsKey {
    /// The id.
    pub id: String,
    /// The name.
    #[serde(default, deserialize_with = "null_default")]
    pub name: String,
    /// The description.
    pub description: Option<String>,
    /// Whether it is disabled.
    #[serde(default, deserialize_with = "null_default")]
    pub is_disabled: bool,
    /// The project's id.
    pub project_id: Option<String>,
    /// The encryption algorithm, when the server says.
    pub encryption_algorithm: Option<String>,
    /// Creation time (ISO 8601).
    pub created_at: Option<String>,
}

#[derive(Deserialize)]
struct OneKey {
    key: KmsKey,
}

#[derive(Deserialize)]
struct ManyKeys {
    #[serde(default, deserialize_with = "null_default")]
    keys: Vec<KmsKey>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CreateKey<'a> {
    project_id: &'a str,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    encryption_algorithm: Option<&'a str>,
}

/// Changes to a key, for [`Kms::update_key`]: only what is set is sent.
///
/// ```
/// use infisical_config::resources::kms::KeyChange;
///
/// let change = KeyChange::default().description("rotated").disabled(false);
/// let sent = serde_json::to_value(&change).unwrap();
/// assert_eq!(sent, serde_json::json!({"description": "rotated", "isDisabled": false}));
/// ```
#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
#[must_use]
pub struct KeyChange {
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    is_disabled: Option<bool>,
}

impl KeyChange {
    crate::setters::setters! {
        /// A new name.
        ///
        /// ```
        /// use infisical_config::resources::kms::KeyChange;
        ///
        /// let sent = serde_json::to_value(KeyChange::default().name("billing")).unwrap();
        /// assert_eq!(sent, serde_json::json!({"name": "billing"}));
        /// ```
        name(name: impl Into<String>) => name = Some(name.into());

        /// A new description.
        ///
        /// ```
        /// use infisical_config::resources::kms::KeyChange;
        ///
        /// let sent = serde_json::to_value(KeyChange::default().description("signs invoices")).unwrap();
        /// assert_eq!(sent, serde_json::json!({"description": "signs invoices"}));
        /// ```
        description(text: impl Into<String>) => description = Some(text.into());

        /// Disables (`true`) or enables (`false`) the key. A disabled key refuses to encrypt and
        /// decrypt until enabled again.
        ///
        /// ```
        /// use infisical_config::resources::kms::KeyChange;
        ///
        /// let sent = serde_json::to_value(KeyChange::default().disabled(true)).unwrap();
        /// assert_eq!(sent, serde_json::json!({"isDisabled": true}));
        /// ```
        disabled(yes: bool) => is_disabled = Some(yes);
    }
}

/// The KMS handler: `client.kms()`.
///
/// Plaintext goes in and comes out as bytes; the base64 the API speaks is handled here.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// # let server = wiremock::MockServer::start().await;
/// # for name in ["120-kms-encrypt", "121-kms-decrypt"] {
/// #     let file = format!("{}/tests/fixtures/server-2024-10/{name}.json", env!("CARGO_MANIFEST_DIR"));
/// #     let s: serde_json::Value = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
/// #     let mut mock = wiremock::Mock::given(wiremock::matchers::method(s["method"].as_str().unwrap()))
/// #         .and(wiremock::matchers::path(s["path"].as_str().unwrap()));
/// #     if !s["body"].is_null() { mock = mock.and(wiremock::matchers::body_json(&s["body"])); }
/// #     for (k, v) in s["query"].as_object().into_iter().flatten() {
/// #         mock = mock.and(wiremock::matchers::query_param(k.as_str(), v.as_str().unwrap()));
/// #     }
/// #     let answer = wiremock::ResponseTemplate::new(s["status"].as_u64().unwrap() as u16).set_body_json(&s["response"]);
/// #     mock.respond_with(answer).expect(1).mount(&server).await;
/// # }
/// # let client = infisical_config::Client::builder().site(server.uri()).access_token("token")
/// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false)
/// #     .api_version(infisical_config::resources::ApiVersion::Legacy).build()?;
/// use infisical_config::ExposeSecret;
///
/// let key_id = "189026fc-45d0-4250-b564-d038b045f446";
/// let ciphertext = client.kms().encrypt(key_id, b"hello rust sdk").await?;
/// let plaintext = client.kms().decrypt(key_id, &ciphertext).await?;
/// assert_eq!(plaintext.expose_secret(), b"hello rust sdk");
/// # Ok::<(), infisical_config::Error>(()) }).unwrap();
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Kms<'c> {
    client: &'c Client,
}

impl Client {
    /// The KMS handler: keys held by Infisical, and encryption and decryption with them.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # let server = wiremock::MockServer::start().await;
    /// # for name in ["119-kms-list-keys"] {
    /// #     let file = format!("{}/tests/fixtures/server-2024-10/{name}.json", env!("CARGO_MANIFEST_DIR"));
    /// #     let s: serde_json::Value = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
    /// #     let mut mock = wiremock::Mock::given(wiremock::matchers::method(s["method"].as_str().unwrap()))
    /// #         .and(wiremock::matchers::path(s["path"].as_str().unwrap()));
    /// #     if !s["body"].is_null() { mock = mock.and(wiremock::matchers::body_json(&s["body"])); }
    /// #     for (k, v) in s["query"].as_object().into_iter().flatten() {
    /// #         mock = mock.and(wiremock::matchers::query_param(k.as_str(), v.as_str().unwrap()));
    /// #     }
    /// #     let answer = wiremock::ResponseTemplate::new(s["status"].as_u64().unwrap() as u16).set_body_json(&s["response"]);
    /// #     mock.respond_with(answer).expect(1).mount(&server).await;
    /// # }
    /// # let client = infisical_config::Client::builder().site(server.uri()).access_token("token")
    /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false)
    /// #     .api_version(infisical_config::resources::ApiVersion::Legacy).build()?;
    /// let kms = client.kms();
    /// let keys = kms.list_keys("22770578-ba92-407c-a19b-e79cd7aa39d9").await?;
    /// assert_eq!(keys.len(), 1);
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    #[must_use]
    pub fn kms(&self) -> Kms<'_> {
        Kms { client: self }
    }
}

impl Kms<'_> {
    /// Encrypts bytes with key `key_id`; returns the ciphertext as the server gives it (base64 text,
    /// to store as it is and give back to [`decrypt`](Self::decrypt)).
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # let server = wiremock::MockServer::start().await;
    /// # for name in ["120-kms-encrypt"] {
    /// #     let file = format!("{}/tests/fixtures/server-2024-10/{name}.json", env!("CARGO_MANIFEST_DIR"));
    /// #     let s: serde_json::Value = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
    /// #     let mut mock = wiremock::Mock::given(wiremock::matchers::method(s["method"].as_str().unwrap()))
    /// #         .and(wiremock::matchers::path(s["path"].as_str().unwrap()));
    /// #     if !s["body"].is_null() { mock = mock.and(wiremock::matchers::body_json(&s["body"])); }
    /// #     for (k, v) in s["query"].as_object().into_iter().flatten() {
    /// #         mock = mock.and(wiremock::matchers::query_param(k.as_str(), v.as_str().unwrap()));
    /// #     }
    /// #     let answer = wiremock::ResponseTemplate::new(s["status"].as_u64().unwrap() as u16).set_body_json(&s["response"]);
    /// #     mock.respond_with(answer).expect(1).mount(&server).await;
    /// # }
    /// # let client = infisical_config::Client::builder().site(server.uri()).access_token("token")
    /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false)
    /// #     .api_version(infisical_config::resources::ApiVersion::Legacy).build()?;
    /// let ciphertext = client.kms().encrypt("189026fc-45d0-4250-b564-d038b045f446", b"hello rust sdk").await?;
    /// assert_eq!(ciphertext, "WqmaCTHa6IzpZ3Cz940BeHqS1QH4uQ9hQjLA/rQfsdiKUrHsIhOCNEDfdjAx");
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] for an empty `key_id`, before any request; [`Error::Api`] when the
    /// server refuses: the key is unknown (404) or disabled, or the identity may not use it (403).
    pub async fn encrypt(&self, key_id: &str, plaintext: &[u8]) -> Result<String> {
        require("key_id", key_id)?;
        #[derive(Serialize)]
        struct Body<'a> {
            plaintext: &'a str,
        }
        #[derive(Deserialize)]
        struct Answer {
            ciphertext: String,
        }
        let encoded = Zeroizing::new(STANDARD.encode(plaintext));
        // Encrypting twice yields two valid ciphertexts and changes nothing: safe to replay.
        let req = ApiRequest::post(KMS_KEYS)
            .segment(key_id)
            .segment("encrypt")
            .json(&Body { plaintext: &encoded })?
            .replayable();
        Ok(self.client.execute(&req).await?.json::<Answer>()?.ciphertext)
    }

    /// Decrypts a ciphertext made by [`encrypt`](Self::encrypt) with the same key. The plaintext
    /// comes back as secret bytes: read them with [`ExposeSecret`].
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # let server = wiremock::MockServer::start().await;
    /// # for name in ["121-kms-decrypt"] {
    /// #     let file = format!("{}/tests/fixtures/server-2024-10/{name}.json", env!("CARGO_MANIFEST_DIR"));
    /// #     let s: serde_json::Value = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
    /// #     let mut mock = wiremock::Mock::given(wiremock::matchers::method(s["method"].as_str().unwrap()))
    /// #         .and(wiremock::matchers::path(s["path"].as_str().unwrap()));
    /// #     if !s["body"].is_null() { mock = mock.and(wiremock::matchers::body_json(&s["body"])); }
    /// #     for (k, v) in s["query"].as_object().into_iter().flatten() {
    /// #         mock = mock.and(wiremock::matchers::query_param(k.as_str(), v.as_str().unwrap()));
    /// #     }
    /// #     let answer = wiremock::ResponseTemplate::new(s["status"].as_u64().unwrap() as u16).set_body_json(&s["response"]);
    /// #     mock.respond_with(answer).expect(1).mount(&server).await;
    /// # }
    /// # let client = infisical_config::Client::builder().site(server.uri()).access_token("token")
    /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false)
    /// #     .api_version(infisical_config::resources::ApiVersion::Legacy).build()?;
    /// use infisical_config::ExposeSecret;
    ///
    /// let ciphertext = "WqmaCTHa6IzpZ3Cz940BeHqS1QH4uQ9hQjLA/rQfsdiKUrHsIhOCNEDfdjAx";
    /// let plaintext = client.kms().decrypt("189026fc-45d0-4250-b564-d038b045f446", ciphertext).await?;
    /// assert_eq!(plaintext.expose_secret(), b"hello rust sdk");
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] for an empty `key_id`, before any request; [`Error::Api`] when the
    /// server refuses: an unknown (404) or disabled key, or a ciphertext this key did not make;
    /// [`Error::Decode`] when the server's answer is not base64.
    pub async fn decrypt(&self, key_id: &str, ciphertext: &str) -> Result<SecretSlice<u8>> {
        require("key_id", key_id)?;
        #[derive(Serialize)]
        struct Body<'a> {
            ciphertext: &'a str,
        }
        #[derive(Deserialize)]
        struct Answer {
            plaintext: SecretString,
        }
        let req =
            ApiRequest::post(KMS_KEYS).segment(key_id).segment("decrypt").json(&Body { ciphertext })?.replayable();
        let resp = self.client.execute(&req).await?;
        let answer: Answer = resp.json()?;
        let bytes = STANDARD.decode(answer.plaintext.expose_secret()).map_err(|_| Error::Decode {
            endpoint: resp.endpoint.clone(),
            detail: "at `plaintext`: expected base64".into(),
        })?;
        Ok(SecretSlice::from(bytes))
    }

    /// Creates a key in `project` (an id or a slug) named `name`, with an optional description and
    /// algorithm (the server's default, `aes-256-gcm`, unless told otherwise).
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # let server = wiremock::MockServer::start().await;
    /// # for name in ["118-kms-create-key"] {
    /// #     let file = format!("{}/tests/fixtures/server-2024-10/{name}.json", env!("CARGO_MANIFEST_DIR"));
    /// #     let s: serde_json::Value = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
    /// #     let mut mock = wiremock::Mock::given(wiremock::matchers::method(s["method"].as_str().unwrap()))
    /// #         .and(wiremock::matchers::path(s["path"].as_str().unwrap()));
    /// #     if !s["body"].is_null() { mock = mock.and(wiremock::matchers::body_json(&s["body"])); }
    /// #     for (k, v) in s["query"].as_object().into_iter().flatten() {
    /// #         mock = mock.and(wiremock::matchers::query_param(k.as_str(), v.as_str().unwrap()));
    /// #     }
    /// #     let answer = wiremock::ResponseTemplate::new(s["status"].as_u64().unwrap() as u16).set_body_json(&s["response"]);
    /// #     mock.respond_with(answer).expect(1).mount(&server).await;
    /// # }
    /// # let client = infisical_config::Client::builder().site(server.uri()).access_token("token")
    /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false)
    /// #     .api_version(infisical_config::resources::ApiVersion::Legacy).build()?;
    /// let project = "22770578-ba92-407c-a19b-e79cd7aa39d9";
    /// let key = client.kms().create_key(project, "rust-sdk-key", Some("test key"), Some("aes-256-gcm")).await?;
    /// assert_eq!(key.id, "189026fc-45d0-4250-b564-d038b045f446");
    /// assert_eq!(key.description.as_deref(), Some("test key"));
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] for an empty name or project, before any request; [`Error::Api`] when
    /// the server refuses: the name is taken in the project, or the algorithm unknown.
    pub async fn create_key(
        &self,
        project: impl Into<ProjectRef>,
        name: &str,
        description: Option<&str>,
        algorithm: Option<&str>,
    ) -> Result<KmsKey> {
        require("name", name)?;
        let project_id = self.client.project_id(&project.into()).await?;
        let body = CreateKey { project_id: &project_id, name, description, encryption_algorithm: algorithm };
        Ok(self.client.execute(&ApiRequest::post(KMS_KEYS).json(&body)?).await?.json::<OneKey>()?.key)
    }

    /// The keys of `project` (an id or a slug).
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # let server = wiremock::MockServer::start().await;
    /// # for name in ["119-kms-list-keys"] {
    /// #     let file = format!("{}/tests/fixtures/server-2024-10/{name}.json", env!("CARGO_MANIFEST_DIR"));
    /// #     let s: serde_json::Value = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
    /// #     let mut mock = wiremock::Mock::given(wiremock::matchers::method(s["method"].as_str().unwrap()))
    /// #         .and(wiremock::matchers::path(s["path"].as_str().unwrap()));
    /// #     if !s["body"].is_null() { mock = mock.and(wiremock::matchers::body_json(&s["body"])); }
    /// #     for (k, v) in s["query"].as_object().into_iter().flatten() {
    /// #         mock = mock.and(wiremock::matchers::query_param(k.as_str(), v.as_str().unwrap()));
    /// #     }
    /// #     let answer = wiremock::ResponseTemplate::new(s["status"].as_u64().unwrap() as u16).set_body_json(&s["response"]);
    /// #     mock.respond_with(answer).expect(1).mount(&server).await;
    /// # }
    /// # let client = infisical_config::Client::builder().site(server.uri()).access_token("token")
    /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false)
    /// #     .api_version(infisical_config::resources::ApiVersion::Legacy).build()?;
    /// let keys = client.kms().list_keys("22770578-ba92-407c-a19b-e79cd7aa39d9").await?;
    /// let names: Vec<&str> = keys.iter().map(|k| k.name.as_str()).collect();
    /// assert_eq!(names, ["rust-sdk-key"]);
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] for an empty project; [`Error::Api`] when the server refuses (an
    /// unknown project, or one the identity may not read).
    pub async fn list_keys(&self, project: impl Into<ProjectRef>) -> Result<Vec<KmsKey>> {
        let project_id = self.client.project_id(&project.into()).await?;
        let req = ApiRequest::get(KMS_KEYS).query("projectId", project_id);
        Ok(self.client.execute(&req).await?.json::<ManyKeys>()?.keys)
    }

    /// Changes key `key_id`: what the [`KeyChange`] sets, and only that.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # let server = wiremock::MockServer::start().await;
    /// # for name in ["122-kms-update-key"] {
    /// #     let file = format!("{}/tests/fixtures/server-2024-10/{name}.json", env!("CARGO_MANIFEST_DIR"));
    /// #     let s: serde_json::Value = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
    /// #     let mut mock = wiremock::Mock::given(wiremock::matchers::method(s["method"].as_str().unwrap()))
    /// #         .and(wiremock::matchers::path(s["path"].as_str().unwrap()));
    /// #     if !s["body"].is_null() { mock = mock.and(wiremock::matchers::body_json(&s["body"])); }
    /// #     for (k, v) in s["query"].as_object().into_iter().flatten() {
    /// #         mock = mock.and(wiremock::matchers::query_param(k.as_str(), v.as_str().unwrap()));
    /// #     }
    /// #     let answer = wiremock::ResponseTemplate::new(s["status"].as_u64().unwrap() as u16).set_body_json(&s["response"]);
    /// #     mock.respond_with(answer).expect(1).mount(&server).await;
    /// # }
    /// # let client = infisical_config::Client::builder().site(server.uri()).access_token("token")
    /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false)
    /// #     .api_version(infisical_config::resources::ApiVersion::Legacy).build()?;
    /// use infisical_config::resources::kms::KeyChange;
    ///
    /// let change = KeyChange::default().description("updated description");
    /// let key = client.kms().update_key("189026fc-45d0-4250-b564-d038b045f446", &change).await?;
    /// assert_eq!(key.description.as_deref(), Some("updated description"));
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] for an empty `key_id`, before any request; [`Error::Api`] when the
    /// key is unknown (404) or the new name is taken.
    pub async fn update_key(&self, key_id: &str, change: &KeyChange) -> Result<KmsKey> {
        require("key_id", key_id)?;
        let req = ApiRequest::patch(KMS_KEYS).segment(key_id).json(change)?;
        Ok(self.client.execute(&req).await?.json::<OneKey>()?.key)
    }

    /// Deletes key `key_id` and answers what it was. Whatever it encrypted can no longer be decrypted.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # let server = wiremock::MockServer::start().await;
    /// # for name in ["125-kms-delete-key"] {
    /// #     let file = format!("{}/tests/fixtures/server-2024-10/{name}.json", env!("CARGO_MANIFEST_DIR"));
    /// #     let s: serde_json::Value = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
    /// #     let mut mock = wiremock::Mock::given(wiremock::matchers::method(s["method"].as_str().unwrap()))
    /// #         .and(wiremock::matchers::path(s["path"].as_str().unwrap()));
    /// #     if !s["body"].is_null() { mock = mock.and(wiremock::matchers::body_json(&s["body"])); }
    /// #     for (k, v) in s["query"].as_object().into_iter().flatten() {
    /// #         mock = mock.and(wiremock::matchers::query_param(k.as_str(), v.as_str().unwrap()));
    /// #     }
    /// #     let answer = wiremock::ResponseTemplate::new(s["status"].as_u64().unwrap() as u16).set_body_json(&s["response"]);
    /// #     mock.respond_with(answer).expect(1).mount(&server).await;
    /// # }
    /// # let client = infisical_config::Client::builder().site(server.uri()).access_token("token")
    /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false)
    /// #     .api_version(infisical_config::resources::ApiVersion::Legacy).build()?;
    /// let deleted = client.kms().delete_key("4c8ffbac-f240-496b-afbf-2ad522fcb590").await?;
    /// assert_eq!(deleted.name, "temp-key");
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] for an empty `key_id`, before any request; [`Error::Api`] when the
    /// key is unknown (404).
    pub async fn delete_key(&self, key_id: &str) -> Result<KmsKey> {
        require("key_id", key_id)?;
        Ok(self.client.execute(&ApiRequest::delete(KMS_KEYS).segment(key_id)).await?.json::<OneKey>()?.key)
    }
}

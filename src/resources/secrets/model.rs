//! What the secret routes answer: secrets, tags, metadata, lists with their imports.

use std::collections::BTreeMap;

use secrecy::SecretString;
use serde::{Deserialize, Serialize};

use super::lazy::{Lazy, Rest, SecretSeed};
use crate::resources::{bounded_list, null_default};

/// A secret.
///
/// Its name, value, version, type and flags are fields; the rest are methods: [`id`](Self::id),
/// [`path`](Self::path), [`environment`](Self::environment), [`comment`](Self::comment),
/// [`tags`](Self::tags), [`metadata`](Self::metadata), [`reminder_note`](Self::reminder_note),
/// [`created_at`](Self::created_at), [`updated_at`](Self::updated_at). A secret of a list keeps
/// those as spans of the answer, which the list's secrets share, and decodes them when read: a list
/// of thousands of secrets allocates only their names and values. The answer's bytes are wiped when
/// the last secret that holds them is dropped.
///
/// `value` is a [`SecretString`]: `Debug` shows `[REDACTED]`; read it with
/// [`secrecy::ExposeSecret::expose_secret`].
///
/// ```
/// use infisical_config::ExposeSecret;
/// use infisical_config::resources::Secret;
///
/// let secret: Secret = serde_json::from_str(r#"{"id": "0c0b", "secretKey": "DB_URL",
///     "secretValue": "postgres://db", "secretPath": "/db", "version": 3}"#).unwrap();
/// assert_eq!((secret.key.as_str(), secret.value.expose_secret()), ("DB_URL", "postgres://db"));
/// assert_eq!((secret.id(), secret.path(), secret.version), ("0c0b", Some("/db"), 3));
/// assert!(!format!("{secret:?}").contains("postgres"));
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub struct Secret {
    /// Its name (`secretKey`).
    pub key: String,
    /// Its value; `<hidden-by-infisical>` when [`value_hidden`](Self::value_hidden).
    pub value: SecretString,
    /// The version number.
    pub version: u64,
    /// Shared or personal.
    pub kind: SecretType,
    /// The reminder period in days.
    pub reminder_repeat_days: Option<f64>,
    /// Whether multi-line values are kept as is in dotenv exports.
    pub skip_multiline_encoding: bool,
    /// True when the caller may not read the value (or asked not to see it).
    pub value_hidden: bool,
    /// Everything else: spans of a list answer, or decoded.
    pub(super) rest: Rest,
}

impl Secret {
    /// The secret's id (empty when the server leaves it out).
    ///
    /// ```
    /// # let secret: infisical_config::resources::Secret = serde_json::from_str(r#"{"id": "0c0b", "secretKey": "A"}"#).unwrap();
    /// assert_eq!(secret.id(), "0c0b");
    /// ```
    #[must_use]
    pub fn id(&self) -> &str {
        self.rest.text(Lazy::Id).unwrap_or_default()
    }

    /// The folder it lives in, when the server says (always on get and on recursive lists).
    ///
    /// ```
    /// # let secret: infisical_config::resources::Secret = serde_json::from_str(r#"{"secretKey": "A", "secretPath": "/db"}"#).unwrap();
    /// assert_eq!(secret.path(), Some("/db"));
    /// ```
    #[must_use]
    pub fn path(&self) -> Option<&str> {
        self.rest.text(Lazy::Path)
    }

    /// The environment's slug.
    ///
    /// ```
    /// # let secret: infisical_config::resources::Secret = serde_json::from_str(r#"{"secretKey": "A", "environment": "prod"}"#).unwrap();
    /// assert_eq!(secret.environment(), "prod");
    /// ```
    #[must_use]
    pub fn environment(&self) -> &str {
        self.rest.text(Lazy::Environment).unwrap_or_default()
    }

    /// The comment (`secretComment`).
    ///
    /// ```
    /// # let secret: infisical_config::resources::Secret = serde_json::from_str(r#"{"secretKey": "A", "secretComment": "rotated\nmonthly"}"#).unwrap();
    /// assert_eq!(secret.comment(), "rotated\nmonthly");
    /// ```
    #[must_use]
    pub fn comment(&self) -> &str {
        self.rest.text(Lazy::Comment).unwrap_or_default()
    }

    /// Its tags, decoded when asked for.
    ///
    /// ```
    /// # let secret: infisical_config::resources::Secret = serde_json::from_str(r#"{"secretKey": "A", "tags": [{"id": "t1", "slug": "backend"}]}"#).unwrap();
    /// assert_eq!(secret.tags()[0].slug, "backend");
    /// ```
    #[must_use]
    pub fn tags(&self) -> Vec<Tag> {
        self.rest.tags()
    }

    /// Its metadata entries (`secretMetadata`), decoded when asked for.
    ///
    /// ```
    /// use infisical_config::resources::secrets::SecretMetadata;
    /// # let secret: infisical_config::resources::Secret = serde_json::from_str(r#"{"secretKey": "A", "secretMetadata": [{"key": "team", "value": "core"}]}"#).unwrap();
    /// assert_eq!(secret.metadata(), [SecretMetadata::new("team", "core")]);
    /// ```
    #[must_use]
    pub fn metadata(&self) -> Vec<SecretMetadata> {
        self.rest.metadata()
    }

    /// The reminder note, when there is one.
    ///
    /// ```
    /// # let secret: infisical_config::resources::Secret = serde_json::from_str(r#"{"secretKey": "A", "secretReminderNote": "rotate"}"#).unwrap();
    /// assert_eq!(secret.reminder_note(), Some("rotate"));
    /// ```
    #[must_use]
    pub fn reminder_note(&self) -> Option<&str> {
        self.rest.text(Lazy::ReminderNote)
    }

    /// Creation time (ISO 8601), when the server says.
    ///
    /// ```
    /// # let secret: infisical_config::resources::Secret = serde_json::from_str(r#"{"secretKey": "A", "createdAt": "2026-11-22T11:03:08.184Z"}"#).unwrap();
    /// assert_eq!(secret.created_at(), Some("2026-11-22T11:03:08.184Z"));
    /// ```
    #[must_use]
    pub fn created_at(&self) -> Option<&str> {
        self.rest.text(Lazy::CreatedAt)
    }

    /// Last update time (ISO 8601), when the server says.
    ///
    /// ```
    /// # let secret: infisical_config::resources::Secret = serde_json::from_str(r#"{"secretKey": "A", "updatedAt": "2026-11-22T11:03:08.184Z"}"#).unwrap();
    /// assert_eq!(secret.updated_at(), Some("2026-11-22T11:03:08.184Z"));
    /// ```
    #[must_use]
    pub fn updated_at(&self) -> Option<&str> {
        self.rest.text(Lazy::UpdatedAt)
    }

    /// Sets the folder when the answer left it out (a get on servers of 2024: the one asked for).
    pub(super) fn or_path(&mut self, path: impl FnOnce() -> String) {
        self.rest.or_insert(Lazy::Path, path);
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        serde::de::DeserializeSeed::deserialize(SecretSeed::WHOLE, d)
    }
}

impl std::fmt::Debug for Secret {
    // The value shows as `[REDACTED]`; the answer the fields are read from is never shown.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Secret")
            .field("id", &self.id())
            .field("key", &self.key)
            .field("value", &self.value)
            .field("path", &self.path())
            .field("environment", &self.environment())
            .field("version", &self.version)
            .field("kind", &self.kind)
            .field("comment", &self.comment())
            .field("tags", &self.tags())
            .field("metadata", &self.metadata())
            .field("reminder_note", &self.reminder_note())
            .field("reminder_repeat_days", &self.reminder_repeat_days)
            .field("skip_multiline_encoding", &self.skip_multiline_encoding)
            .field("value_hidden", &self.value_hidden)
            .field("created_at", &self.created_at())
            .field("updated_at", &self.updated_at())
            .finish()
    }
}

/// Shared (everyone's) or personal (one user's override): a secret's [`kind`](Secret::kind), and
/// what [`GetSecret::kind`](super::GetSecret::kind), [`CreateSecret::kind`](super::CreateSecret::kind),
/// [`UpdateSecret::kind`](super::UpdateSecret::kind) and [`DeleteSecret::kind`](super::DeleteSecret::kind)
/// choose (default shared).
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// # let fake = infisical_config::testing::FakeInfisical::builder().secret("dev", "/", "API_KEY", "k").start().await;
/// # let client = fake.client_builder().build()?;
/// use infisical_config::resources::secrets::{GetSecret, SecretType};
///
/// let secret = client.secrets().get(&GetSecret::new(fake.project_id(), "dev", "API_KEY")).await?;
/// assert_eq!(secret.kind, SecretType::Shared);
/// assert_eq!(SecretType::default(), SecretType::Shared);
/// # Ok::<(), infisical_config::Error>(()) }).unwrap();
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SecretType {
    /// The environment's value.
    #[default]
    Shared,
    /// A user's personal override.
    Personal,
}

impl SecretType {
    pub(super) fn as_str(self) -> &'static str {
        match self {
            SecretType::Shared => "shared",
            SecretType::Personal => "personal",
        }
    }
}

/// A tag on a secret, read with [`Secret::tags`]; [`ListSecrets::tags`](super::ListSecrets::tags)
/// filters a list by tag slugs.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// # let fake = infisical_config::testing::FakeInfisical::builder().tagged_secret("dev", "/", "API_KEY", "k", &["backend"]).start().await;
/// # let client = fake.client_builder().build()?;
/// use infisical_config::resources::ListSecrets;
///
/// let list = client.secrets().list(&ListSecrets::new(fake.project_id(), "dev")).await?;
/// let tags = list.secrets[0].tags();
/// assert_eq!(tags[0].slug, "backend");
/// # Ok::<(), infisical_config::Error>(()) }).unwrap();
/// ```
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[non_exhaustive]
pub struct Tag {
    /// The tag's id.
    #[serde(default)]
    pub id: String,
    /// Its slug.
    #[serde(default, deserialize_with = "null_default")]
    pub slug: String,
    /// Its name, when the server sends one.
    pub name: Option<String>,
    /// Its colour.
    pub color: Option<String>,
}

/// A metadata entry of a secret: read with [`Secret::metadata`], written with
/// [`CreateSecret::metadata`](super::CreateSecret::metadata).
///
/// ```
/// use infisical_config::resources::Secret;
/// use infisical_config::resources::secrets::SecretMetadata;
///
/// let secret: Secret = serde_json::from_str(
///     r#"{"secretKey": "API_KEY", "secretMetadata": [{"key": "owner", "value": "payments"}]}"#,
/// ).unwrap();
/// let owner = secret.metadata().into_iter().find(|m| m.key == "owner").map(|m| m.value);
/// assert_eq!(owner.as_deref(), Some("payments"));
/// ```
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SecretMetadata {
    /// The key.
    pub key: String,
    /// The value.
    #[serde(default, deserialize_with = "null_default")]
    pub value: String,
    /// Whether the server stores it encrypted.
    #[serde(default, deserialize_with = "null_default")]
    pub is_encrypted: bool,
}

impl SecretMetadata {
    /// A plain (not encrypted) metadata entry, to write with a secret
    /// ([`CreateSecret::metadata`](super::CreateSecret::metadata) shows one sent).
    ///
    /// ```
    /// use infisical_config::resources::secrets::SecretMetadata;
    ///
    /// let owner = SecretMetadata::new("owner", "payments");
    /// assert_eq!((owner.key.as_str(), owner.value.as_str(), owner.is_encrypted), ("owner", "payments", false));
    /// ```
    #[must_use]
    pub fn new(key: impl Into<String>, value: impl Into<String>) -> Self {
        SecretMetadata { key: key.into(), value: value.into(), is_encrypted: false }
    }
}

/// Secrets imported into a listed folder from another environment or folder: one of
/// [`SecretList::imports`], in the server's order.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// # let fake = infisical_config::testing::FakeInfisical::builder().secret("shared", "/", "SMTP_HOST", "mail").import("dev", "/", "shared", "/").start().await;
/// # let client = fake.client_builder().build()?;
/// use infisical_config::resources::ListSecrets;
///
/// let list = client.secrets().list(&ListSecrets::new(fake.project_id(), "dev")).await?;
/// let import = &list.imports[0];
/// assert_eq!((import.environment.as_str(), import.secret_path.as_str()), ("shared", "/"));
/// assert_eq!(import.secrets[0].key, "SMTP_HOST");
/// # Ok::<(), infisical_config::Error>(()) }).unwrap();
/// ```
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ImportedSecrets {
    /// The folder imported from.
    #[serde(default, deserialize_with = "null_default")]
    pub secret_path: String,
    /// The environment imported from.
    #[serde(default, deserialize_with = "null_default")]
    pub environment: String,
    /// The id of the folder imported from.
    pub folder_id: Option<String>,
    /// The imported secrets.
    #[serde(default, deserialize_with = "bounded_list")]
    pub secrets: Vec<Secret>,
}

/// The answer to a list: the folder's own secrets and, when asked for, the imported ones, kept apart;
/// [`into_map`](Self::into_map) merges them as `infisical run` does.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// # let fake = infisical_config::testing::FakeInfisical::builder().secret("dev", "/", "API_KEY", "k").secret("shared", "/", "SMTP_HOST", "mail").import("dev", "/", "shared", "/").start().await;
/// # let client = fake.client_builder().build()?;
/// use infisical_config::resources::ListSecrets;
///
/// let list = client.secrets().list(&ListSecrets::new(fake.project_id(), "dev")).await?;
/// assert_eq!((list.secrets.len(), list.imports.len(), list.path.as_str()), (1, 1, "/"));
/// let keys: Vec<String> = list.into_map().into_keys().map(|at| at.to_string()).collect();
/// assert_eq!(keys, ["/API_KEY", "/SMTP_HOST"]);
/// # Ok::<(), infisical_config::Error>(()) }).unwrap();
/// ```
#[derive(Clone, Debug, Deserialize)]
#[non_exhaustive]
pub struct SecretList {
    /// The secrets of the listed folder (and its sub-folders, when recursive).
    #[serde(default, deserialize_with = "bounded_list")]
    pub secrets: Vec<Secret>,
    /// Imported secrets, in the server's order (later imports take precedence).
    #[serde(default, deserialize_with = "bounded_list")]
    pub imports: Vec<ImportedSecrets>,
    /// The response's `ETag`, for [`Secrets::list_if_modified`](super::Secrets::list_if_modified).
    #[serde(skip)]
    pub etag: Option<String>,
    /// The folder that was listed.
    #[serde(skip)]
    pub path: String,
}

/// Where a secret sits: its folder and its name. The keys of [`SecretList::into_map`] and
/// [`Secrets::list_values`](super::Secrets::list_values); it displays as `/folder/NAME`.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// # let fake = infisical_config::testing::FakeInfisical::builder().secret("dev", "/", "APP_NAME", "shop").secret("dev", "/db", "HOST", "db.internal").start().await;
/// # let client = fake.client_builder().build()?;
/// use infisical_config::resources::ListSecrets;
///
/// let values = client.secrets().list_values(&ListSecrets::new(fake.project_id(), "dev").recursive(true)).await?;
/// let places: Vec<String> = values.keys().map(|at| at.to_string()).collect();
/// assert_eq!(places, ["/APP_NAME", "/db/HOST"]);
/// let host = values.keys().find(|at| at.key == "HOST").unwrap();
/// assert_eq!(host.folder, "/db");
/// # Ok::<(), infisical_config::Error>(()) }).unwrap();
/// ```
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SecretPath {
    /// The folder (`/`, `/db`, ...).
    pub folder: String,
    /// The secret's name.
    pub key: String,
}

impl std::fmt::Display for SecretPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.folder == "/" { write!(f, "/{}", self.key) } else { write!(f, "{}/{}", self.folder, self.key) }
    }
}

impl SecretList {
    /// Merges own and imported secrets into one map, with the precedence `infisical run` uses:
    ///
    /// 1. the folder's own secrets win over imported ones;
    /// 2. among imports, a later import wins over an earlier one;
    /// 3. a personal override wins over the shared secret of the same name and folder.
    ///
    /// Own secrets keep their folder, so a recursive list keeps `/db/HOST` and `/cache/HOST` apart.
    /// Imported secrets land in the listed folder: the server does not say which sub-folder imported
    /// them, and `infisical run` merges them there too. The map is ordered (a `BTreeMap`), so the
    /// result never depends on hash order.
    ///
    /// ```
    /// use infisical_config::resources::SecretList;
    /// use infisical_config::ExposeSecret;
    ///
    /// let list: SecretList = serde_json::from_str(r#"{
    ///   "secrets": [{"secretKey": "A", "secretValue": "own"}],
    ///   "imports": [
    ///     {"secretPath": "/x", "environment": "staging", "secrets": [{"secretKey": "A", "secretValue": "import"}, {"secretKey": "B", "secretValue": "first"}]},
    ///     {"secretPath": "/y", "environment": "staging", "secrets": [{"secretKey": "B", "secretValue": "second"}]}
    ///   ]}"#).unwrap();
    /// let map = list.into_map();
    /// let value = |k: &str| map.iter().find(|(p, _)| p.key == k).unwrap().1.value.expose_secret().to_owned();
    /// assert_eq!(value("A"), "own");    // own beats imports
    /// assert_eq!(value("B"), "second"); // the later import wins
    /// ```
    #[must_use]
    pub fn into_map(self) -> BTreeMap<SecretPath, Secret> {
        let listed = self.path;
        crate::resources::secrets::precedence::merge(
            &listed,
            self.secrets,
            self.imports.into_iter().map(|i| (None, i.secrets)),
        )
        .into_iter()
        .collect()
    }
}

/// The envelopes of answers holding one secret or several.
#[derive(Deserialize)]
pub(super) struct OneSecret {
    pub(super) secret: Secret,
}

#[derive(Deserialize)]
pub(super) struct ManySecrets {
    #[serde(default, deserialize_with = "null_default")]
    pub(super) secrets: Vec<Secret>,
}

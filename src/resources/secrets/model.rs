//! What the secret routes answer: secrets, tags, metadata, lists with their imports.

use std::collections::BTreeMap;

use secrecy::SecretString;
use serde::{Deserialize, Serialize};

use crate::resources::{bounded_list, lenient_u64, null_default};

/// A secret.
///
/// `value` is a [`SecretString`]: `Debug` shows `[REDACTED]`; read it with
/// [`secrecy::ExposeSecret::expose_secret`].
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Secret {
    /// The secret's id.
    #[serde(default)]
    pub id: String,
    /// Its name (`secretKey`).
    #[serde(rename = "secretKey")]
    pub key: String,
    /// Its value; `<hidden-by-infisical>` when [`value_hidden`](Self::value_hidden).
    #[serde(rename = "secretValue", default, deserialize_with = "null_default")]
    pub value: SecretString,
    /// The folder it lives in, when the server says (always on get and on recursive lists).
    #[serde(rename = "secretPath", default)]
    pub path: Option<String>,
    /// The environment's slug.
    #[serde(default, deserialize_with = "null_default")]
    pub environment: String,
    /// The version number.
    #[serde(default, deserialize_with = "lenient_u64")]
    pub version: u64,
    /// Shared or personal.
    #[serde(rename = "type", default)]
    pub kind: SecretType,
    /// The comment.
    #[serde(rename = "secretComment", default, deserialize_with = "null_default")]
    pub comment: String,
    /// Tags.
    #[serde(default, deserialize_with = "null_default")]
    pub tags: Vec<Tag>,
    /// Metadata entries.
    #[serde(rename = "secretMetadata", default, deserialize_with = "null_default")]
    pub metadata: Vec<SecretMetadata>,
    /// The reminder note.
    #[serde(rename = "secretReminderNote", default)]
    pub reminder_note: Option<String>,
    /// The reminder period in days.
    #[serde(rename = "secretReminderRepeatDays", default)]
    pub reminder_repeat_days: Option<f64>,
    /// Whether multi-line values are kept as is in dotenv exports.
    #[serde(default, deserialize_with = "null_default")]
    pub skip_multiline_encoding: bool,
    /// True when the caller may not read the value (or asked not to see it).
    #[serde(rename = "secretValueHidden", default, deserialize_with = "null_default")]
    pub value_hidden: bool,
    /// Creation time (ISO 8601), when the server says.
    pub created_at: Option<String>,
    /// Last update time (ISO 8601), when the server says.
    pub updated_at: Option<String>,
}

/// Shared (everyone's) or personal (one user's override).
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

/// A tag on a secret.
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

/// A metadata entry of a secret.
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
    /// A plain metadata entry.
    #[must_use]
    pub fn new(key: impl Into<String>, value: impl Into<String>) -> Self {
        SecretMetadata { key: key.into(), value: value.into(), is_encrypted: false }
    }
}

/// Secrets imported into a listed folder from another environment or folder.
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

/// The answer to a list: the folder's own secrets and, when asked for, the imported ones.
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

/// Where a secret sits: its folder and its name.
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

//! Secrets: list, get, create, update, delete, and the batch forms.
//!
//! Current servers: `/api/v4/secrets` (`projectId`, `includeImports`). Servers of 2024 and older:
//! `/api/v3/secrets/raw` (`workspaceId`/`workspaceSlug`, `include_imports`). The client picks (see
//! [`ApiVersion`](super::ApiVersion)); the models are the same.

use std::collections::BTreeMap;

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize, Serializer};

use super::{
    Conditional, Outcome, ProjectKey, ProjectRef, Scoped, bounded_list, check_environment, check_secret_name,
    decode_outcome, lenient_u64, normalize_path, null_default, require,
};
use crate::Client;
use crate::error::{Error, Result};
use crate::routes::Routes;
use crate::transport::ApiRequest;

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
    pub metadata: Vec<Metadata>,
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
    #[serde(default)]
    pub created_at: Option<String>,
    /// Last update time (ISO 8601), when the server says.
    #[serde(default)]
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
    fn as_str(self) -> &'static str {
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
    #[serde(default)]
    pub name: Option<String>,
    /// Its colour.
    #[serde(default)]
    pub color: Option<String>,
}

/// A metadata entry of a secret.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Metadata {
    /// The key.
    pub key: String,
    /// The value.
    #[serde(default, deserialize_with = "null_default")]
    pub value: String,
    /// Whether the server stores it encrypted.
    #[serde(default, deserialize_with = "null_default")]
    pub is_encrypted: bool,
}

impl Metadata {
    /// A plain metadata entry.
    #[must_use]
    pub fn new(key: impl Into<String>, value: impl Into<String>) -> Self {
        Metadata { key: key.into(), value: value.into(), is_encrypted: false }
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
    #[serde(default)]
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
    /// The response's `ETag`, for [`Secrets::list_if_modified`].
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
        merge(&listed, self.secrets, self.imports.into_iter().map(|i| (None, i.secrets)))
    }
}

/// What the precedence merge needs to know of a secret.
pub(crate) trait Merge {
    fn name(&self) -> &str;
    fn folder(&self) -> Option<&str>;
    fn personal(&self) -> bool;
}

impl Merge for Secret {
    fn name(&self) -> &str {
        &self.key
    }
    fn folder(&self) -> Option<&str> {
        self.path.as_deref()
    }
    fn personal(&self) -> bool {
        self.kind == SecretType::Personal
    }
}

/// The precedence of [`SecretList::into_map`], for any secret model.
///
/// Each import comes with the folder that imports it when known (`None`: the listed folder). Own
/// secrets go in first, so in any folder they win over that folder's imports; imports go in from the
/// last to the first, so a later import wins over an earlier one.
pub(crate) fn merge<S: Merge>(
    listed: &str,
    own: Vec<S>,
    imports: impl DoubleEndedIterator<Item = (Option<String>, Vec<S>)>,
) -> BTreeMap<SecretPath, S> {
    let listed = normalize_path(listed);
    let mut map: BTreeMap<SecretPath, S> = BTreeMap::new();
    for secret in own {
        let folder = secret.folder().map_or_else(|| listed.clone(), normalize_path);
        let at = SecretPath { folder, key: secret.name().to_owned() };
        let personal_exists = map.get(&at).is_some_and(Merge::personal);
        if !personal_exists {
            map.insert(at, secret);
        }
    }
    for (importer, import) in imports.rev() {
        let folder = importer.unwrap_or_else(|| listed.clone());
        for secret in import {
            let at = SecretPath { folder: folder.clone(), key: secret.name().to_owned() };
            map.entry(at).or_insert(secret);
        }
    }
    map
}

/// The lean secret the loaders decode: name, value, folder and type, and nothing else to allocate.
#[derive(Debug, Deserialize)]
pub(crate) struct ValueSecret {
    #[serde(rename = "secretKey")]
    key: String,
    #[serde(rename = "secretValue", default, deserialize_with = "null_default")]
    pub(crate) value: SecretString,
    #[serde(rename = "secretPath", default)]
    path: Option<String>,
    #[serde(rename = "type", default)]
    kind: SecretType,
}

impl Merge for ValueSecret {
    fn name(&self) -> &str {
        &self.key
    }
    fn folder(&self) -> Option<&str> {
        self.path.as_deref()
    }
    fn personal(&self) -> bool {
        self.kind == SecretType::Personal
    }
}

#[derive(Deserialize)]
struct ValueImport {
    #[serde(rename = "secretPath", default, deserialize_with = "null_default")]
    path: String,
    #[serde(default, deserialize_with = "null_default")]
    environment: String,
    #[serde(default, deserialize_with = "bounded_list")]
    secrets: Vec<ValueSecret>,
}

/// A list answer decoded into [`ValueSecret`]s.
#[derive(Deserialize)]
pub(crate) struct ValueList {
    #[serde(default, deserialize_with = "bounded_list")]
    secrets: Vec<ValueSecret>,
    #[serde(default, deserialize_with = "bounded_list")]
    imports: Vec<ValueImport>,
}

/// Which folder imports which source, as `(importing folder, source environment, source folder)`, in
/// the order the server applies them.
pub(crate) type Importers = Vec<(String, String, String)>;

impl ValueList {
    /// True when the answer holds no secret and no import at all.
    pub(crate) fn is_empty(&self) -> bool {
        self.secrets.is_empty() && self.imports.iter().all(|i| i.secrets.is_empty())
    }

    pub(crate) fn has_imports(&self) -> bool {
        !self.imports.is_empty()
    }

    /// Merges with the precedence of [`merge`]; each import lands in the folder that imports it, as
    /// `importers` says (a source imported by several folders is matched to them in order), else in the
    /// listed folder.
    pub(crate) fn into_map(self, listed: &str, importers: &Importers) -> BTreeMap<SecretPath, ValueSecret> {
        let mut used = vec![false; importers.len()];
        let imports: Vec<(Option<String>, Vec<ValueSecret>)> = self
            .imports
            .into_iter()
            .map(|i| {
                let source_path = normalize_path(&i.path);
                let found = importers.iter().enumerate().position(|(n, (_, env, path))| {
                    !used[n] && *env == i.environment && normalize_path(path) == source_path
                });
                let folder = found.map(|n| {
                    used[n] = true;
                    importers[n].0.clone()
                });
                (folder, i.secrets)
            })
            .collect();
        merge(listed, self.secrets, imports.into_iter())
    }
}

/// Lists the secrets of a folder.
///
/// Defaults: path `/`, not recursive, imports included, references expanded, values shown, no personal
/// overrides. Every flag is sent explicitly, because server defaults changed between versions.
///
/// ```
/// use infisical_config::resources::ListSecrets;
///
/// let req = ListSecrets::new("22770578-ba92-407c-a19b-e79cd7aa39d9", "dev")
///     .path("/db")
///     .recursive(true)
///     .tags(["backend"])
///     .metadata_filter("team", "payments");
/// # let _ = req;
/// ```
#[derive(Clone, Debug)]
#[must_use]
pub struct ListSecrets {
    project: ProjectRef,
    environment: String,
    path: String,
    recursive: bool,
    include_imports: bool,
    expand_references: bool,
    view_values: bool,
    personal_overrides: bool,
    tags: Vec<String>,
    metadata: Vec<(String, String)>,
}

impl ListSecrets {
    /// Lists `project`'s (id or slug) secrets in `environment` (its slug).
    pub fn new(project: impl Into<ProjectRef>, environment: impl Into<String>) -> Self {
        ListSecrets {
            project: project.into(),
            environment: environment.into(),
            path: "/".into(),
            recursive: false,
            include_imports: true,
            expand_references: true,
            view_values: true,
            personal_overrides: false,
            tags: Vec::new(),
            metadata: Vec::new(),
        }
    }

    /// The folder (default `/`).
    pub fn path(mut self, path: impl Into<String>) -> Self {
        self.path = path.into();
        self
    }

    /// Includes sub-folders (default false).
    pub fn recursive(mut self, yes: bool) -> Self {
        self.recursive = yes;
        self
    }

    /// Includes imported secrets (default true).
    pub fn include_imports(mut self, yes: bool) -> Self {
        self.include_imports = yes;
        self
    }

    /// Expands `${KEY}` references server-side (default true).
    pub fn expand_references(mut self, yes: bool) -> Self {
        self.expand_references = yes;
        self
    }

    /// Returns values (default true); false returns names only.
    pub fn view_values(mut self, yes: bool) -> Self {
        self.view_values = yes;
        self
    }

    /// Applies the caller's personal overrides (default false).
    pub fn include_personal_overrides(mut self, yes: bool) -> Self {
        self.personal_overrides = yes;
        self
    }

    /// Only secrets carrying all these tags (slugs).
    pub fn tags<I, S>(mut self, slugs: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.tags.extend(slugs.into_iter().map(Into::into));
        self
    }

    /// Only secrets with this metadata entry (all given entries must match; at most 10).
    pub fn metadata_filter(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.metadata.push((key.into(), value.into()));
        self
    }

    /// The project.
    #[must_use]
    pub fn project(&self) -> &ProjectRef {
        &self.project
    }

    /// The environment.
    #[must_use]
    pub fn environment(&self) -> &str {
        &self.environment
    }

    /// The folder.
    #[must_use]
    pub fn folder(&self) -> &str {
        &self.path
    }

    fn validate(&self) -> Result<()> {
        self.project.validate()?;
        check_environment(&self.environment)?;
        if self.metadata.len() > 10 {
            return Err(Error::invalid(
                "metadata_filter",
                format!("has {} entries; the server accepts at most 10", self.metadata.len()),
            ));
        }
        Ok(())
    }

    fn request(&self, routes: &Routes, project_id: &str, etag: Option<&str>) -> ApiRequest {
        let path = normalize_path(&self.path);
        let mut req = project_query(ApiRequest::get(routes.secrets), routes, &self.project, project_id)
            .query_bool(routes.include_imports, self.include_imports)
            .query("environment", self.environment.as_str())
            .query("secretPath", path)
            .query_bool("recursive", self.recursive)
            .query_bool("expandSecretReferences", self.expand_references)
            .query_bool("viewSecretValue", self.view_values)
            .query_bool("includePersonalOverrides", self.personal_overrides);
        if !self.tags.is_empty() {
            req = req.query("tagSlugs", self.tags.join(","));
        }
        if !self.metadata.is_empty() {
            let filter = self.metadata.iter().map(|(k, v)| format!("key={k},value={v}")).collect::<Vec<_>>().join("|");
            req = req.query("metadataFilter", filter);
        }
        req.if_none_match(etag.map(str::to_owned))
    }
}

/// Gets one secret by name.
///
/// ```
/// use infisical_config::resources::secrets::{GetSecret, SecretType};
///
/// let req = GetSecret::new("project-slug", "prod", "DB_URL").path("/db").version(3).kind(SecretType::Shared);
/// # let _ = req;
/// ```
#[derive(Clone, Debug)]
#[must_use]
pub struct GetSecret {
    project: ProjectRef,
    environment: String,
    name: String,
    path: String,
    version: Option<u64>,
    kind: SecretType,
    include_imports: bool,
    expand_references: bool,
    view_value: bool,
}

impl GetSecret {
    /// Gets secret `name` of `project` in `environment`.
    pub fn new(project: impl Into<ProjectRef>, environment: impl Into<String>, name: impl Into<String>) -> Self {
        GetSecret {
            project: project.into(),
            environment: environment.into(),
            name: name.into(),
            path: "/".into(),
            version: None,
            kind: SecretType::Shared,
            include_imports: true,
            expand_references: true,
            view_value: true,
        }
    }

    /// The folder (default `/`).
    pub fn path(mut self, path: impl Into<String>) -> Self {
        self.path = path.into();
        self
    }

    /// A past version (servers of 2024 ignore this and return the latest).
    pub fn version(mut self, version: u64) -> Self {
        self.version = Some(version);
        self
    }

    /// Shared (default) or personal.
    pub fn kind(mut self, kind: SecretType) -> Self {
        self.kind = kind;
        self
    }

    /// Looks in imports when the folder has no such secret (default true).
    pub fn include_imports(mut self, yes: bool) -> Self {
        self.include_imports = yes;
        self
    }

    /// Expands references (default true).
    pub fn expand_references(mut self, yes: bool) -> Self {
        self.expand_references = yes;
        self
    }

    /// Returns the value (default true).
    pub fn view_value(mut self, yes: bool) -> Self {
        self.view_value = yes;
        self
    }

    fn request(&self, routes: &Routes, project_id: &str) -> ApiRequest {
        let req = ApiRequest::get(routes.secrets).segment(self.name.as_str());
        project_query(req, routes, &self.project, project_id)
            .query("environment", self.environment.as_str())
            .query("secretPath", normalize_path(&self.path))
            .query("type", self.kind.as_str())
            .query_opt("version", self.version.map(|v| v.to_string()))
            .query_bool(routes.include_imports, self.include_imports)
            .query_bool("expandSecretReferences", self.expand_references)
            .query_bool("viewSecretValue", self.view_value)
    }
}

fn expose<S: Serializer>(v: &SecretString, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(v.expose_secret())
}

fn expose_opt<S: Serializer>(v: &Option<SecretString>, s: S) -> std::result::Result<S::Ok, S::Error> {
    match v {
        Some(v) => s.serialize_str(v.expose_secret()),
        None => s.serialize_none(),
    }
}

/// The optional fields shared by create and update.
#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
struct SecretFields {
    #[serde(skip_serializing_if = "Option::is_none")]
    secret_comment: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tag_ids: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    secret_metadata: Option<Vec<Metadata>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    skip_multiline_encoding: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    secret_reminder_note: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    secret_reminder_repeat_days: Option<u32>,
}

macro_rules! secret_field_setters {
    () => {
        /// The comment.
        pub fn comment(mut self, comment: impl Into<String>) -> Self {
            self.fields.secret_comment = Some(comment.into());
            self
        }

        /// The tags (ids); replaces the secret's tag set.
        pub fn tag_ids<I, S>(mut self, ids: I) -> Self
        where
            I: IntoIterator<Item = S>,
            S: Into<String>,
        {
            self.fields.tag_ids = Some(ids.into_iter().map(Into::into).collect());
            self
        }

        /// The metadata entries; replaces the secret's metadata.
        pub fn metadata(mut self, entries: impl IntoIterator<Item = Metadata>) -> Self {
            self.fields.secret_metadata = Some(entries.into_iter().collect());
            self
        }

        /// Keeps multi-line values as they are in dotenv exports.
        pub fn skip_multiline_encoding(mut self, yes: bool) -> Self {
            self.fields.skip_multiline_encoding = Some(yes);
            self
        }

        /// A rotation reminder: a note, and every how many days (at most 1024 characters of note).
        pub fn reminder(mut self, note: impl Into<String>, repeat_days: u32) -> Self {
            self.fields.secret_reminder_note = Some(note.into());
            self.fields.secret_reminder_repeat_days = Some(repeat_days);
            self
        }

        /// The folder (default `/`).
        pub fn path(mut self, path: impl Into<String>) -> Self {
            self.path = path.into();
            self
        }

        /// Shared (default) or personal.
        pub fn kind(mut self, kind: SecretType) -> Self {
            self.kind = kind;
            self
        }
    };
}

fn check_reminder(fields: &SecretFields) -> Result<()> {
    if fields.secret_reminder_note.as_ref().is_some_and(|n| n.chars().count() > 1024) {
        return Err(Error::invalid("reminder", "note is longer than 1024 characters"));
    }
    Ok(())
}

/// Creates a secret.
///
/// ```
/// use infisical_config::resources::secrets::{CreateSecret, Metadata};
///
/// let req = CreateSecret::new("project-id", "dev", "API_KEY", "s3cr3t")
///     .path("/app")
///     .comment("rotated monthly")
///     .metadata([Metadata::new("owner", "payments")]);
/// # let _ = req;
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
    /// Creates `name` = `value` in `project`'s `environment`.
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

    secret_field_setters!();
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

/// Updates a secret: its value, name, comment, tags, metadata or reminder.
///
/// ```
/// use infisical_config::resources::secrets::UpdateSecret;
///
/// let rename = UpdateSecret::new("project-id", "dev", "OLD_NAME").new_name("NEW_NAME").comment("renamed");
/// let rotate = UpdateSecret::new("project-id", "dev", "API_KEY").value("n3w-v4lue");
/// # let _ = (rename, rotate);
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
    /// Updates secret `name` of `project` in `environment`.
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

    /// The new value.
    pub fn value(mut self, value: impl Into<SecretString>) -> Self {
        self.value = Some(value.into());
        self
    }

    /// Renames the secret.
    pub fn new_name(mut self, name: impl Into<String>) -> Self {
        self.new_name = Some(name.into());
        self
    }

    secret_field_setters!();
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

/// Deletes a secret.
///
/// ```
/// use infisical_config::resources::secrets::DeleteSecret;
///
/// let req = DeleteSecret::new("project-id", "dev", "OLD_KEY").path("/app");
/// # let _ = req;
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
    /// Deletes secret `name` of `project` in `environment`.
    pub fn new(project: impl Into<ProjectRef>, environment: impl Into<String>, name: impl Into<String>) -> Self {
        DeleteSecret {
            project: project.into(),
            environment: environment.into(),
            name: name.into(),
            path: "/".into(),
            kind: SecretType::Shared,
        }
    }

    /// The folder (default `/`).
    pub fn path(mut self, path: impl Into<String>) -> Self {
        self.path = path.into();
        self
    }

    /// Shared (default) or personal.
    pub fn kind(mut self, kind: SecretType) -> Self {
        self.kind = kind;
        self
    }
}

/// What a batch update does with a secret that does not exist.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum BatchMode {
    /// Fail the whole batch (the server's default).
    #[default]
    FailOnNotFound,
    /// Create it.
    Upsert,
    /// Skip it.
    Ignore,
}

/// One secret of a batch create or update.
///
/// ```
/// use infisical_config::resources::secrets::BatchSecret;
///
/// let item = BatchSecret::new("DB_HOST").value("db.internal").comment("primary");
/// # let _ = item;
/// ```
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[must_use]
pub struct BatchSecret {
    secret_key: String,
    #[serde(serialize_with = "expose_opt", skip_serializing_if = "Option::is_none")]
    secret_value: Option<SecretString>,
    #[serde(skip_serializing_if = "Option::is_none")]
    new_secret_name: Option<String>,
    #[serde(flatten)]
    fields: SecretFields,
}

impl BatchSecret {
    /// The secret named `key`.
    pub fn new(key: impl Into<String>) -> Self {
        BatchSecret {
            secret_key: key.into(),
            secret_value: None,
            new_secret_name: None,
            fields: SecretFields::default(),
        }
    }

    /// Its value (required to create).
    pub fn value(mut self, value: impl Into<SecretString>) -> Self {
        self.secret_value = Some(value.into());
        self
    }

    /// Renames it (update only).
    pub fn new_name(mut self, name: impl Into<String>) -> Self {
        self.new_secret_name = Some(name.into());
        self
    }

    /// Its comment.
    pub fn comment(mut self, comment: impl Into<String>) -> Self {
        self.fields.secret_comment = Some(comment.into());
        self
    }

    /// Its tags (ids).
    pub fn tag_ids<I: IntoIterator<Item = S>, S: Into<String>>(mut self, ids: I) -> Self {
        self.fields.tag_ids = Some(ids.into_iter().map(Into::into).collect());
        self
    }

    /// Its metadata.
    pub fn metadata(mut self, entries: impl IntoIterator<Item = Metadata>) -> Self {
        self.fields.secret_metadata = Some(entries.into_iter().collect());
        self
    }
}

/// A batch of secrets to create, update or delete in one folder, all or nothing.
///
/// ```
/// use infisical_config::resources::secrets::{Batch, BatchMode, BatchSecret};
///
/// let create = Batch::new("project-id", "dev").path("/db")
///     .secret(BatchSecret::new("DB_USER").value("app"))
///     .secret(BatchSecret::new("DB_PASSWORD").value("s3cr3t"));
/// let upsert = Batch::new("project-id", "dev").mode(BatchMode::Upsert).secret(BatchSecret::new("A").value("1"));
/// let delete = Batch::new("project-id", "dev").secret(BatchSecret::new("OLD"));
/// # let _ = (create, upsert, delete);
/// ```
#[derive(Clone, Debug)]
#[must_use]
pub struct Batch {
    project: ProjectRef,
    environment: String,
    path: String,
    mode: Option<BatchMode>,
    secrets: Vec<BatchSecret>,
}

impl Batch {
    /// An empty batch for `project`'s `environment`.
    pub fn new(project: impl Into<ProjectRef>, environment: impl Into<String>) -> Self {
        Batch {
            project: project.into(),
            environment: environment.into(),
            path: "/".into(),
            mode: None,
            secrets: Vec::new(),
        }
    }

    /// The folder (default `/`).
    pub fn path(mut self, path: impl Into<String>) -> Self {
        self.path = path.into();
        self
    }

    /// What an update does with missing secrets (unset: the server's default, fail).
    pub fn mode(mut self, mode: BatchMode) -> Self {
        self.mode = Some(mode);
        self
    }

    /// Adds a secret.
    pub fn secret(mut self, secret: BatchSecret) -> Self {
        self.secrets.push(secret);
        self
    }

    fn validate(&self, creating: bool) -> Result<()> {
        self.project.validate()?;
        check_environment(&self.environment)?;
        if self.secrets.is_empty() {
            return Err(Error::invalid("secrets", "is empty; a batch needs at least one secret"));
        }
        for s in &self.secrets {
            check_secret_name("secrets.secretKey", &s.secret_key)?;
            if creating && s.secret_value.is_none() {
                return Err(Error::invalid(
                    "secrets.secretValue",
                    format!("is missing for `{}`; creating needs a value", s.secret_key),
                ));
            }
            if let Some(n) = &s.new_secret_name {
                check_secret_name("secrets.newSecretName", n)?;
            }
            check_reminder(&s.fields)?;
        }
        Ok(())
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BatchBody<'a, T: Serialize> {
    environment: &'a str,
    secret_path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    mode: Option<BatchMode>,
    secrets: T,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DeleteItem<'a> {
    secret_key: &'a str,
}

#[derive(Deserialize)]
struct OneSecret {
    secret: Secret,
}

#[derive(Deserialize)]
struct ManySecrets {
    #[serde(default, deserialize_with = "null_default")]
    secrets: Vec<Secret>,
}

/// The secrets handler: `client.secrets()`.
///
/// ```no_run
/// # async fn run(client: infisical_config::Client) -> infisical_config::Result<()> {
/// use infisical_config::resources::secrets::{CreateSecret, GetSecret, ListSecrets};
/// use infisical_config::resources::Outcome;
/// use infisical_config::ExposeSecret;
///
/// let secrets = client.secrets();
/// let all = secrets.list(&ListSecrets::new("my-project", "dev").recursive(true)).await?;
/// let one = secrets.get(&GetSecret::new("my-project", "dev", "DB_URL").path("/db")).await?;
/// let url: &str = one.value.expose_secret();
/// match secrets.create(&CreateSecret::new("my-project", "dev", "NEW", "value")).await? {
///     Outcome::Applied(secret) => println!("created version {}", secret.version),
///     Outcome::PendingApproval(req) => println!("waiting for approval {}", req.id),
/// }
/// # let _ = (all, url); Ok(()) }
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Secrets<'c> {
    client: &'c Client,
}

impl Client {
    /// The secrets handler.
    #[must_use]
    pub fn secrets(&self) -> Secrets<'_> {
        Secrets { client: self }
    }
}

impl Secrets<'_> {
    /// Lists secrets. The answer keeps own and imported secrets apart; [`SecretList::into_map`] merges them.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] for a bad request, [`Error::Api`] when the server refuses.
    pub async fn list(&self, req: &ListSecrets) -> Result<SecretList> {
        let resp = self.list_response(req, None).await?;
        if resp.status == 304 {
            return Err(unexpected_304(&resp));
        }
        Self::decode_list(req, &resp)
    }

    /// Lists secrets unless they are unchanged since `etag` (from [`SecretList::etag`]): a cheap
    /// revalidation for pollers.
    ///
    /// # Errors
    /// As [`list`](Self::list).
    pub async fn list_if_modified(&self, req: &ListSecrets, etag: &str) -> Result<Conditional<SecretList>> {
        self.list_inner(req, Some(etag)).await
    }

    async fn list_inner(&self, req: &ListSecrets, etag: Option<&str>) -> Result<Conditional<SecretList>> {
        let resp = self.list_response(req, etag).await?;
        if resp.status == 304 {
            return Ok(Conditional::NotModified);
        }
        Self::decode_list(req, &resp).map(Conditional::Modified)
    }

    fn decode_list(req: &ListSecrets, resp: &crate::transport::ApiResponse) -> Result<SecretList> {
        let mut list: SecretList = resp.json()?;
        list.etag = resp.header("etag");
        list.path = normalize_path(&req.path);
        tracing::debug!(project = %req.project, environment = %req.environment, path = %list.path, count = list.secrets.len(), "listed secrets");
        Ok(list)
    }

    /// Lists into the lean model the loaders use; the same request and route choice as [`list`](Self::list).
    pub(crate) async fn list_values(&self, req: &ListSecrets) -> Result<(ValueList, String)> {
        let resp = self.list_response(req, None).await?;
        if resp.status == 304 {
            return Err(unexpected_304(&resp));
        }
        Ok((resp.json()?, normalize_path(&req.path)))
    }

    /// The answer to a list (a 304 when `etag` still holds).
    async fn list_response(&self, req: &ListSecrets, etag: Option<&str>) -> Result<crate::transport::ApiResponse> {
        req.validate()?;
        let project_id = read_scope(self.client, &req.project).await?;
        self.client.routed(|routes| Ok(req.request(routes, &project_id, etag))).await
    }

    /// Gets one secret.
    ///
    /// # Errors
    /// [`Error::Api`] with status 404 when there is no such secret.
    pub async fn get(&self, req: &GetSecret) -> Result<Secret> {
        req.project.validate()?;
        check_environment(&req.environment)?;
        require("name", &req.name)?;
        let project_id = read_scope(self.client, &req.project).await?;
        let resp = self.client.routed(|routes| Ok(req.request(routes, &project_id))).await?;
        let mut secret = resp.json::<OneSecret>()?.secret;
        // Servers of 2024 leave the path out of a get; it is the one asked for.
        secret.path.get_or_insert_with(|| normalize_path(&req.path));
        Ok(secret)
    }

    /// Creates a secret.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] for a name with `/` or `:`; [`Error::Api`] (400) when it exists.
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

    /// Updates a secret.
    ///
    /// Servers of 2024 require a value even to rename or re-comment (`v3` quirk); when none is given the
    /// client reads the current one first and sends it back unchanged.
    ///
    /// # Errors
    /// [`Error::Api`] (404) when there is no such secret.
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

    /// Deletes a secret (the filter goes in a JSON body, as the server wants).
    ///
    /// # Errors
    /// [`Error::Api`] (404) when there is no such secret.
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

    /// Creates every secret of the batch, or none (fails if any exists).
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] for an empty batch or a secret without a value.
    pub async fn create_many(&self, batch: &Batch) -> Result<Outcome<Vec<Secret>>> {
        batch.validate(true)?;
        self.send_batch(batch, reqwest::Method::POST, None, &batch.secrets).await
    }

    /// Updates every secret of the batch; [`Batch::mode`] says what happens to missing ones.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] for an empty batch.
    pub async fn update_many(&self, batch: &Batch) -> Result<Outcome<Vec<Secret>>> {
        batch.validate(false)?;
        self.send_batch(batch, reqwest::Method::PATCH, batch.mode, &batch.secrets).await
    }

    /// Deletes every secret of the batch (only their names are used).
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] for an empty batch.
    pub async fn delete_many(&self, batch: &Batch) -> Result<Outcome<Vec<Secret>>> {
        batch.validate(false)?;
        let keys: Vec<DeleteItem<'_>> =
            batch.secrets.iter().map(|s| DeleteItem { secret_key: &s.secret_key }).collect();
        self.send_batch(batch, reqwest::Method::DELETE, None, &keys).await
    }

    async fn send_batch<T: Serialize + Sync>(
        &self,
        batch: &Batch,
        method: reqwest::Method,
        mode: Option<BatchMode>,
        items: &T,
    ) -> Result<Outcome<Vec<Secret>>> {
        let project_id = self.client.project_id(&batch.project).await?;
        let body = BatchBody {
            environment: &batch.environment,
            secret_path: normalize_path(&batch.path),
            mode,
            secrets: items,
        };
        let resp = self.client.scoped_write(method, |r| r.secrets_batch, None, &project_id, &body).await?;
        decode_outcome(&resp, |e: ManySecrets| e.secrets)
    }
}

/// The project id for a read; empty when the routes in use take a slug and the project is one, which
/// those routes take as it is (saving a lookup).
async fn read_scope(client: &Client, project: &ProjectRef) -> Result<String> {
    project.validate()?;
    match project {
        ProjectRef::Slug(_) if client.inner.routes.routes().project_slug.is_some() => Ok(String::new()),
        _ => client.project_id(project).await,
    }
}

/// Without If-None-Match a 304 means a confused proxy: there is nothing to return.
fn unexpected_304(resp: &crate::transport::ApiResponse) -> Error {
    Error::Decode { endpoint: resp.endpoint.clone(), detail: "unexpected 304 Not Modified".into() }
}

/// Names the project on a read: by slug where the generation takes one and no id was looked up
/// (`project_id` empty, see `read_scope`), else by id.
fn project_query(req: ApiRequest, routes: &Routes, project: &ProjectRef, project_id: &str) -> ApiRequest {
    match (project, routes.project_slug) {
        (ProjectRef::Slug(slug), Some(param)) if project_id.is_empty() => req.query(param, slug.as_str()),
        _ => req.query(routes.project_id, project_id),
    }
}

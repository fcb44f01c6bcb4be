//! Creating, updating and deleting many secrets of one folder at once, all or nothing.

use secrecy::SecretString;
use serde::Serialize;

use super::model::ManySecrets;
use super::writes::{SecretFields, check_reminder, expose_opt};
use super::{Secret, SecretMetadata, Secrets};
use crate::error::{Error, Result};
use crate::resources::{Outcome, ProjectRef, check_environment, check_secret_name, decode_outcome, normalize_path};

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

    crate::setters::setters! {
        /// Its value (required to create).
        value(value: impl Into<SecretString>) => secret_value = Some(value.into());

        /// Renames it (update only).
        new_name(name: impl Into<String>) => new_secret_name = Some(name.into());

        /// Its comment.
        comment(comment: impl Into<String>) => fields.secret_comment = Some(comment.into());
    }

    /// Its tags (ids).
    pub fn tag_ids<I: IntoIterator<Item = S>, S: Into<String>>(mut self, ids: I) -> Self {
        self.fields.tag_ids = Some(ids.into_iter().map(Into::into).collect());
        self
    }

    /// Its metadata.
    pub fn metadata(mut self, entries: impl IntoIterator<Item = SecretMetadata>) -> Self {
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

    crate::setters::setters! {
        /// The folder (default `/`).
        path(path: impl Into<String>) => path = path.into();

        /// What an update does with missing secrets (unset: the server's default, fail).
        mode(mode: BatchMode) => mode = Some(mode);
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

impl Secrets<'_> {
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

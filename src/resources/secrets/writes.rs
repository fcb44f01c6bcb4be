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
        pub fn metadata(mut self, entries: impl IntoIterator<Item = SecretMetadata>) -> Self {
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

pub(super) fn check_reminder(fields: &SecretFields) -> Result<()> {
    if fields.secret_reminder_note.as_ref().is_some_and(|n| n.chars().count() > 1024) {
        return Err(Error::invalid("reminder", "note is longer than 1024 characters"));
    }
    Ok(())
}

/// Creates a secret.
///
/// ```
/// use infisical_config::resources::secrets::{CreateSecret, SecretMetadata};
///
/// let req = CreateSecret::new("project-id", "dev", "API_KEY", "s3cr3t")
///     .path("/app")
///     .comment("rotated monthly")
///     .metadata([SecretMetadata::new("owner", "payments")]);
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

    crate::setters::setters! {
        /// The new value.
        value(value: impl Into<SecretString>) => value = Some(value.into());

        /// Renames the secret.
        new_name(name: impl Into<String>) => new_name = Some(name.into());
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

    crate::setters::setters! {
        /// The folder (default `/`).
        path(path: impl Into<String>) => path = path.into();

        /// Shared (default) or personal.
        kind(kind: SecretType) => kind = kind;
    }
}

impl Secrets<'_> {
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
}

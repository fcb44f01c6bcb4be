//! Secret imports: one folder pulling in the secrets of another (environment, path).
//!
//! Current servers: `/api/v2/secret-imports` with `projectId`; servers of 2024: `/api/v1/secret-imports`
//! with `workspaceId`.

use serde::{Deserialize, Serialize};

use super::{ProjectRef, check_environment, lenient_u64, normalize_path, null_default, require};
use crate::Client;
use crate::error::Result;
use crate::routes::Routes;
use crate::transport::ApiRequest;

/// A secret import.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SecretImport {
    /// The id.
    pub id: String,
    /// The folder imported from.
    #[serde(default, deserialize_with = "null_default")]
    pub import_path: String,
    /// The environment imported from.
    pub import_env: Option<ImportEnvironment>,
    /// Its position among the folder's imports (later positions win).
    #[serde(default, deserialize_with = "lenient_u64")]
    pub position: u64,
    /// The id of the importing folder.
    pub folder_id: Option<String>,
    /// Whether it replicates rather than references.
    #[serde(default, deserialize_with = "null_default")]
    pub is_replication: bool,
    /// The importing environment (get).
    pub environment: Option<ImportEnvironment>,
    /// The project's id (get).
    pub project_id: Option<String>,
    /// Creation time (ISO 8601).
    pub created_at: Option<String>,
}

/// An environment as imports name it.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[non_exhaustive]
pub struct ImportEnvironment {
    /// Its id.
    #[serde(default)]
    pub id: String,
    /// Its name.
    #[serde(default)]
    pub name: String,
    /// Its slug.
    #[serde(default)]
    pub slug: String,
}

/// Which folder's imports a request is about: project, environment, path.
///
/// ```
/// use infisical_config::resources::imports::ImportTarget;
///
/// let target = ImportTarget::new("project-id", "dev").path("/app");
/// # let _ = target;
/// ```
#[derive(Clone, Debug)]
#[must_use]
pub struct ImportTarget {
    project: ProjectRef,
    environment: String,
    path: String,
}

impl ImportTarget {
    /// The root folder of `project`'s `environment`.
    pub fn new(project: impl Into<ProjectRef>, environment: impl Into<String>) -> Self {
        ImportTarget { project: project.into(), environment: environment.into(), path: "/".into() }
    }

    /// The importing folder (default `/`).
    pub fn path(mut self, path: impl Into<String>) -> Self {
        self.path = path.into();
        self
    }
}

/// What to change in an import.
///
/// ```
/// use infisical_config::resources::imports::ImportChange;
///
/// let change = ImportChange::default().environment("prod").path("/shared").position(1);
/// # let _ = change;
/// ```
#[derive(Clone, Debug, Default, Serialize)]
#[must_use]
pub struct ImportChange {
    #[serde(skip_serializing_if = "Option::is_none")]
    environment: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    position: Option<u64>,
}

impl ImportChange {
    crate::setters::setters! {
        /// Imports from this environment instead.
        environment(env: impl Into<String>) => environment = Some(env.into());

        /// Imports from this folder instead.
        path(path: impl Into<String>) => path = Some(normalize_path(&path.into()));

        /// Moves the import to this position.
        position(position: u64) => position = Some(position);
    }
}

#[derive(Serialize)]
struct Source<'a> {
    environment: &'a str,
    path: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ImportBody<'a, I: Serialize> {
    environment: &'a str,
    path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    import: Option<I>,
    #[serde(skip_serializing_if = "Option::is_none")]
    is_replication: Option<bool>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct OneImport {
    secret_import: SecretImport,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ManyImports {
    #[serde(default, deserialize_with = "null_default")]
    secret_imports: Vec<SecretImport>,
}

/// The secret imports handler: `client.imports()`.
///
/// ```no_run
/// # async fn run(client: infisical_config::Client) -> infisical_config::Result<()> {
/// use infisical_config::resources::imports::ImportTarget;
///
/// let app = ImportTarget::new("project-id", "dev").path("/app");
/// let created = client.imports().create(&app, "staging", "/shared", false).await?;
/// for import in client.imports().list(&app).await? {
///     println!("{} imports {}", import.id, import.import_path);
/// }
/// client.imports().delete(&app, &created.id).await?;
/// # Ok(()) }
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Imports<'c> {
    client: &'c Client,
}

impl Client {
    /// The secret imports handler.
    #[must_use]
    pub fn imports(&self) -> Imports<'_> {
        Imports { client: self }
    }
}

impl Imports<'_> {
    async fn scoped(&self, target: &ImportTarget) -> Result<String> {
        check_environment(&target.environment)?;
        self.client.project_id(&target.project).await
    }

    /// The imports of a folder, in position order.
    ///
    /// # Errors
    /// [`Error::Api`](crate::Error::Api) when the server refuses.
    pub async fn list(&self, target: &ImportTarget) -> Result<Vec<SecretImport>> {
        let resp = self.read(target, |r| r.imports).await?;
        let mut imports = resp.json::<ManyImports>()?.secret_imports;
        imports.sort_by_key(|i| i.position);
        Ok(imports)
    }

    /// The secrets a folder imports, grouped by import (what `list` with imports adds, on its own).
    ///
    /// # Errors
    /// [`Error::Api`](crate::Error::Api) when the server refuses.
    pub async fn secrets(&self, target: &ImportTarget) -> Result<Vec<crate::resources::secrets::ImportedSecrets>> {
        #[derive(Deserialize)]
        struct Answer {
            #[serde(default, deserialize_with = "null_default")]
            secrets: Vec<crate::resources::secrets::ImportedSecrets>,
        }
        Ok(self.read(target, |r| r.import_secrets).await?.json::<Answer>()?.secrets)
    }

    /// A read about the target folder at the route `route` picks from the table.
    async fn read(
        &self,
        target: &ImportTarget,
        route: fn(&Routes) -> &'static [&'static str],
    ) -> Result<crate::transport::ApiResponse> {
        let project_id = self.scoped(target).await?;
        self.client
            .routed(|routes| {
                Ok(ApiRequest::get(route(routes))
                    .query(routes.project_id, project_id.as_str())
                    .query("environment", target.environment.as_str())
                    .query("path", normalize_path(&target.path)))
            })
            .await
    }

    /// One import by id.
    ///
    /// # Errors
    /// [`Error::Api`](crate::Error::Api) (404) when there is no such import.
    pub async fn get(&self, id: &str) -> Result<SecretImport> {
        require("id", id)?;
        let resp = self.client.routed(|routes| Ok(ApiRequest::get(routes.imports).segment(id))).await?;
        Ok(resp.json::<OneImport>()?.secret_import)
    }

    /// Imports the secrets of `from_environment`:`from_path` into the target folder.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) for an empty environment.
    pub async fn create(
        &self,
        target: &ImportTarget,
        from_environment: &str,
        from_path: &str,
        replicate: bool,
    ) -> Result<SecretImport> {
        check_environment(from_environment)?;
        let project_id = self.scoped(target).await?;
        let body = ImportBody {
            environment: &target.environment,
            path: normalize_path(&target.path),
            import: Some(Source { environment: from_environment, path: normalize_path(from_path) }),
            // Omitted unless asked: servers default to false, and old ones know no such field.
            is_replication: replicate.then_some(true),
        };
        let resp = self.client.scoped_write(reqwest::Method::POST, |r| r.imports, None, &project_id, &body).await?;
        Ok(resp.json::<OneImport>()?.secret_import)
    }

    /// Changes an import's source or position.
    ///
    /// # Errors
    /// [`Error::Api`](crate::Error::Api) (404) when there is no such import.
    pub async fn update(&self, target: &ImportTarget, id: &str, change: &ImportChange) -> Result<SecretImport> {
        let project_id = self.scoped(target).await?;
        let body = ImportBody {
            environment: &target.environment,
            path: normalize_path(&target.path),
            import: Some(change),
            is_replication: None,
        };
        let resp =
            self.client.scoped_write(reqwest::Method::PATCH, |r| r.imports, Some(id), &project_id, &body).await?;
        Ok(resp.json::<OneImport>()?.secret_import)
    }

    /// Removes an import.
    ///
    /// # Errors
    /// [`Error::Api`](crate::Error::Api) (404) when there is no such import.
    pub async fn delete(&self, target: &ImportTarget, id: &str) -> Result<SecretImport> {
        let project_id = self.scoped(target).await?;
        let body: ImportBody<'_, ()> = ImportBody {
            environment: &target.environment,
            path: normalize_path(&target.path),
            import: None,
            is_replication: None,
        };
        let resp =
            self.client.scoped_write(reqwest::Method::DELETE, |r| r.imports, Some(id), &project_id, &body).await?;
        Ok(resp.json::<OneImport>()?.secret_import)
    }
}

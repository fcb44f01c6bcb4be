//! Folders: list (recursive), get, create, update, delete.
//!
//! Current servers: `/api/v2/folders` with `projectId`; servers of 2024: `/api/v1/folders` with
//! `workspaceId` (and no recursive listing: the client walks the tree itself there).

use serde::{Deserialize, Serialize};

use super::{
    Outcome, ProjectKey, ProjectRef, Scoped, check_environment, check_folder_name, lenient_u64, normalize_path,
    null_default, require,
};
use crate::Client;
use crate::error::Result;
use crate::transport::ApiRequest;

/// A folder.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Folder {
    /// The id.
    pub id: String,
    /// The name.
    pub name: String,
    /// The version.
    #[serde(default, deserialize_with = "lenient_u64")]
    pub version: u64,
    /// The environment's id.
    #[serde(default, deserialize_with = "null_default")]
    pub env_id: String,
    /// The parent folder's id.
    pub parent_id: Option<String>,
    /// The description (current servers).
    pub description: Option<String>,
    /// The full path, when the server says (get, create, update).
    pub path: Option<String>,
    /// The path relative to the listed folder (recursive lists on current servers; filled in by the
    /// client on legacy servers).
    pub relative_path: Option<String>,
    /// The environment (get).
    pub environment: Option<FolderEnvironment>,
    /// The project's id (get).
    pub project_id: Option<String>,
    /// Creation time (ISO 8601).
    pub created_at: Option<String>,
    /// Last update time (ISO 8601).
    pub updated_at: Option<String>,
}

/// The environment of a folder, as `get` returns it.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct FolderEnvironment {
    /// Its id.
    pub env_id: String,
    /// Its name.
    pub env_name: String,
    /// Its slug.
    pub env_slug: String,
}

/// Lists folders.
///
/// ```
/// use infisical_config::resources::ListFolders;
///
/// let req = ListFolders::new("project-id", "dev").path("/db").recursive(true);
/// # let _ = req;
/// ```
#[derive(Clone, Debug)]
#[must_use]
pub struct ListFolders {
    project: ProjectRef,
    environment: String,
    path: String,
    recursive: bool,
}

impl ListFolders {
    /// Lists the folders of `project`'s `environment`.
    pub fn new(project: impl Into<ProjectRef>, environment: impl Into<String>) -> Self {
        ListFolders { project: project.into(), environment: environment.into(), path: "/".into(), recursive: false }
    }

    crate::setters::setters! {
        /// The parent folder (default `/`).
        path(path: impl Into<String>) => path = path.into();

        /// Includes every descendant (default false).
        recursive(yes: bool) => recursive = yes;
    }
}

/// Creates a folder (or, when it exists, returns it: the server answers so).
///
/// ```
/// use infisical_config::resources::folders::CreateFolder;
///
/// let req = CreateFolder::new("project-id", "dev", "replica").path("/db").description("read replicas");
/// # let _ = req;
/// ```
#[derive(Clone, Debug)]
#[must_use]
pub struct CreateFolder {
    at: FolderAt,
    description: Option<String>,
}

/// Where a folder is: project, environment, parent folder, and its name (or id, for a delete).
#[derive(Clone, Debug)]
struct FolderAt {
    project: ProjectRef,
    environment: String,
    path: String,
    name: String,
}

impl FolderAt {
    fn new(project: impl Into<ProjectRef>, environment: impl Into<String>, name: impl Into<String>) -> Self {
        FolderAt { project: project.into(), environment: environment.into(), path: "/".into(), name: name.into() }
    }
}

impl CreateFolder {
    /// Creates folder `name` in `project`'s `environment`.
    pub fn new(project: impl Into<ProjectRef>, environment: impl Into<String>, name: impl Into<String>) -> Self {
        CreateFolder { at: FolderAt::new(project, environment, name), description: None }
    }

    crate::setters::setters! {
        /// The parent folder (default `/`).
        path(path: impl Into<String>) => at.path = path.into();

        /// A description (current servers).
        description(text: impl Into<String>) => description = Some(text.into());
    }
}

/// Renames a folder or changes its description.
///
/// ```
/// use infisical_config::resources::folders::UpdateFolder;
///
/// let req = UpdateFolder::new("project-id", "dev", "folder-id", "new-name").path("/");
/// # let _ = req;
/// ```
#[derive(Clone, Debug)]
#[must_use]
pub struct UpdateFolder {
    id: String,
    /// What the folder becomes: the same fields as a new one.
    folder: CreateFolder,
}

impl UpdateFolder {
    /// Gives folder `id` the name `name`.
    pub fn new(
        project: impl Into<ProjectRef>,
        environment: impl Into<String>,
        id: impl Into<String>,
        name: impl Into<String>,
    ) -> Self {
        UpdateFolder { id: id.into(), folder: CreateFolder::new(project, environment, name) }
    }

    /// The parent folder (default `/`).
    pub fn path(self, path: impl Into<String>) -> Self {
        UpdateFolder { folder: self.folder.path(path), ..self }
    }

    /// A new description.
    pub fn description(self, text: impl Into<String>) -> Self {
        UpdateFolder { folder: self.folder.description(text), ..self }
    }
}

/// Deletes a folder, by id or by name within its parent.
///
/// ```
/// use infisical_config::resources::folders::DeleteFolder;
///
/// let req = DeleteFolder::new("project-id", "dev", "tmp").path("/db");
/// # let _ = req;
/// ```
#[derive(Clone, Debug)]
#[must_use]
pub struct DeleteFolder {
    /// The folder, named by id or by name.
    at: FolderAt,
    force: bool,
}

impl DeleteFolder {
    /// Deletes folder `id_or_name`.
    pub fn new(project: impl Into<ProjectRef>, environment: impl Into<String>, id_or_name: impl Into<String>) -> Self {
        DeleteFolder { at: FolderAt::new(project, environment, id_or_name), force: false }
    }

    crate::setters::setters! {
        /// The parent folder (default `/`).
        path(path: impl Into<String>) => at.path = path.into();

        /// Deletes even when the folder is referenced (current servers; legacy servers always force).
        force(yes: bool) => force = yes;
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FolderBody<'a> {
    environment: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    force_delete: Option<bool>,
}

#[derive(Deserialize)]
struct OneFolder {
    folder: Folder,
}

#[derive(Deserialize)]
struct ManyFolders {
    #[serde(default, deserialize_with = "null_default")]
    folders: Vec<Folder>,
}

/// The folders handler: `client.folders()`.
///
/// ```no_run
/// # async fn run(client: infisical_config::Client) -> infisical_config::Result<()> {
/// use infisical_config::resources::folders::{CreateFolder, ListFolders};
///
/// let folders = client.folders();
/// folders.create(&CreateFolder::new("project-id", "dev", "db")).await?;
/// for f in folders.list(&ListFolders::new("project-id", "dev").recursive(true)).await? {
///     println!("{}", f.relative_path.as_deref().unwrap_or(&f.name));
/// }
/// # Ok(()) }
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Folders<'c> {
    client: &'c Client,
}

impl Client {
    /// The folders handler.
    #[must_use]
    pub fn folders(&self) -> Folders<'_> {
        Folders { client: self }
    }
}

impl Folders<'_> {
    /// Lists folders.
    ///
    /// # Errors
    /// [`Error::Api`](crate::Error::Api) when the server refuses.
    pub async fn list(&self, req: &ListFolders) -> Result<Vec<Folder>> {
        check_environment(&req.environment)?;
        let project_id = self.client.project_id(&req.project).await?;
        let root = normalize_path(&req.path);
        let mut found = self.list_one(&project_id, &req.environment, &root, req.recursive).await?;
        if req.recursive && !self.client.inner.routes.routes().folders_recursive {
            // Older servers list one level only: walk down, breadth first.
            let mut i = 0;
            while i < found.len() {
                let rel = found[i].relative_path.clone().unwrap_or_else(|| format!("/{}", found[i].name));
                let abs = if root == "/" { rel.clone() } else { format!("{root}{rel}") };
                let mut children = self.list_one(&project_id, &req.environment, &abs, false).await?;
                for c in &mut children {
                    c.relative_path = Some(format!("{rel}/{}", c.name));
                }
                found.extend(children);
                i += 1;
            }
        }
        Ok(found)
    }

    async fn list_one(&self, project_id: &str, environment: &str, path: &str, recursive: bool) -> Result<Vec<Folder>> {
        let resp = self
            .client
            .routed(|routes| {
                Ok(ApiRequest::get(routes.folders)
                    .query(routes.project_id, project_id)
                    .query("environment", environment)
                    .query("path", path)
                    .query_bool("recursive", recursive))
            })
            .await?;
        let mut folders = resp.json::<ManyFolders>()?.folders;
        if !self.client.inner.routes.routes().folders_recursive {
            for f in &mut folders {
                f.relative_path.get_or_insert_with(|| format!("/{}", f.name));
            }
        }
        Ok(folders)
    }

    /// A folder by id.
    ///
    /// # Errors
    /// [`Error::Api`](crate::Error::Api) (404) when there is no such folder.
    pub async fn get(&self, id: &str) -> Result<Folder> {
        require("id", id)?;
        let resp = self.client.routed(|routes| Ok(ApiRequest::get(routes.folders).segment(id))).await?;
        Ok(resp.json::<OneFolder>()?.folder)
    }

    /// Creates a folder.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) for a name outside `[A-Za-z0-9_-]`.
    pub async fn create(&self, req: &CreateFolder) -> Result<Folder> {
        self.write(reqwest::Method::POST, None, req).await
    }

    /// Renames a folder or changes its description.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) for a bad name; [`Error::Api`](crate::Error::Api) (404) for an unknown folder.
    pub async fn update(&self, req: &UpdateFolder) -> Result<Folder> {
        self.write(reqwest::Method::PATCH, Some(&req.id), &req.folder).await
    }

    /// Creates (no `id`) or changes (`id`) a folder.
    async fn write(&self, method: reqwest::Method, id: Option<&str>, req: &CreateFolder) -> Result<Folder> {
        check_folder_name(&req.at.name)?;
        check_environment(&req.at.environment)?;
        let project_id = self.client.project_id(&req.at.project).await?;
        let body = FolderBody {
            environment: &req.at.environment,
            name: Some(&req.at.name),
            path: normalize_path(&req.at.path),
            description: req.description.as_deref(),
            force_delete: None,
        };
        let resp = self.client.scoped_write(method, |r| r.folders, id, &project_id, &body).await?;
        Ok(resp.json::<OneFolder>()?.folder)
    }

    /// Deletes a folder and everything in it.
    ///
    /// # Errors
    /// [`Error::Api`](crate::Error::Api) (404) for an unknown folder.
    pub async fn delete(&self, req: &DeleteFolder) -> Result<Outcome<Folder>> {
        check_environment(&req.at.environment)?;
        require("id_or_name", &req.at.name)?;
        let project_id = self.client.project_id(&req.at.project).await?;
        let resp = self
            .client
            .routed(|routes| {
                let body = FolderBody {
                    environment: &req.at.environment,
                    name: None,
                    path: normalize_path(&req.at.path),
                    description: None,
                    force_delete: routes.folders_force_delete.then_some(req.force),
                };
                ApiRequest::delete(routes.folders)
                    .segment(req.at.name.as_str())
                    .json(&Scoped { project: ProjectKey::new(routes, &project_id), body })
            })
            .await?;
        super::decode_outcome(&resp, |e: OneFolder| e.folder)
    }
}

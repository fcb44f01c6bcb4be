//! Folders: list (recursive), get, create, update, delete.
//!
//! Current servers: `/api/v2/folders` with `projectId`; servers of 2024: `/api/v1/folders` with
//! `workspaceId` (and no recursive listing: the client walks the tree itself there).

mod model;
mod requests;

pub use model::{Folder, FolderEnvironment};
pub use requests::{CreateFolder, DeleteFolder, ListFolders, UpdateFolder};

use serde::{Deserialize, Serialize};

use super::{Outcome, ProjectKey, Scoped, check_environment, check_folder_name, normalize_path, null_default, require};
use crate::Client;
use crate::error::Result;
use crate::transport::ApiRequest;

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

/// The folders handler: `client.folders()`. Lists, reads, creates, renames and deletes the folders
/// of an environment, on both server generations.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// # let server = wiremock::MockServer::start().await;
/// # for name in ["011-create-folder-db", "057-folders-list-dev-root"] {
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
/// # let project = "22770578-ba92-407c-a19b-e79cd7aa39d9";
/// use infisical_config::resources::folders::{CreateFolder, ListFolders};
///
/// let folders = client.folders();
/// folders.create(&CreateFolder::new(project, "dev", "db")).await?;
/// let names: Vec<String> = folders.list(&ListFolders::new(project, "dev")).await?.into_iter().map(|f| f.name).collect();
/// assert!(names.contains(&"db".to_owned()));
/// # Ok::<(), infisical_config::Error>(()) }).unwrap();
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Folders<'c> {
    client: &'c Client,
}

impl Client {
    /// The folders handler: see [`Folders`].
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # let fake = infisical_config::testing::FakeInfisical::builder().folder("dev", "/app").folder("dev", "/db/replica").start().await;
    /// # let client = fake.client_builder().build()?;
    /// use infisical_config::resources::ListFolders;
    ///
    /// let folders = client.folders().list(&ListFolders::new(fake.project_id(), "dev")).await?;
    /// assert_eq!(folders.len(), 2);
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    #[must_use]
    pub fn folders(&self) -> Folders<'_> {
        Folders { client: self }
    }
}

impl Folders<'_> {
    /// Lists folders: those in one folder, or with [`recursive`](ListFolders::recursive) every folder
    /// below it.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # let fake = infisical_config::testing::FakeInfisical::builder().folder("dev", "/app").folder("dev", "/db/replica").start().await;
    /// # let client = fake.client_builder().build()?;
    /// use infisical_config::resources::ListFolders;
    ///
    /// let all = client.folders().list(&ListFolders::new(fake.project_id(), "dev").recursive(true)).await?;
    /// assert_eq!(all.len(), 3); // /app, /db, /db/replica
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) for an empty environment or project,
    /// before any request; [`Error::Api`](crate::Error::Api) when the server refuses: a project the
    /// identity is not a member of (403), an unknown environment or folder (404 on current servers;
    /// servers of 2024 answer an empty list).
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

    /// A folder by id, with its path, environment and project.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # let server = wiremock::MockServer::start().await;
    /// # for name in ["060-folders-get-by-id"] {
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
    /// let folder = client.folders().get("73a450e8-6666-48dc-9a37-f366a98e82f8").await?;
    /// assert_eq!(folder.project_id.as_deref(), Some("22770578-ba92-407c-a19b-e79cd7aa39d9"));
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) for an empty id, before any request;
    /// [`Error::Api`](crate::Error::Api) (404) when there is no such folder.
    pub async fn get(&self, id: &str) -> Result<Folder> {
        require("id", id)?;
        let resp = self.client.routed(|routes| Ok(ApiRequest::get(routes.folders).segment(id))).await?;
        Ok(resp.json::<OneFolder>()?.folder)
    }

    /// Creates a folder. When it exists already, the server answers the existing one.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # let server = wiremock::MockServer::start().await;
    /// # for name in ["093-edge-folder-create-duplicate-200-returns-existing"] {
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
    /// # let project = "22770578-ba92-407c-a19b-e79cd7aa39d9";
    /// use infisical_config::resources::folders::CreateFolder;
    ///
    /// // /db exists: its own id comes back.
    /// let db = client.folders().create(&CreateFolder::new(project, "dev", "db")).await?;
    /// assert_eq!(db.id, "24d94e50-0c4c-423e-ad31-24e5198cf387");
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidRequest`](crate::Error::InvalidRequest), before any request, for a name outside
    /// `[A-Za-z0-9_-]` or an empty environment or project; [`Error::Api`](crate::Error::Api) when the
    /// server refuses (a parent folder that does not exist: 404).
    pub async fn create(&self, req: &CreateFolder) -> Result<Folder> {
        self.write(reqwest::Method::POST, None, req).await
    }

    /// Renames a folder or changes its description.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # let server = wiremock::MockServer::start().await;
    /// # for name in ["061-folders-update-rename"] {
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
    /// # let project = "22770578-ba92-407c-a19b-e79cd7aa39d9";
    /// use infisical_config::resources::folders::UpdateFolder;
    ///
    /// let req = UpdateFolder::new(project, "dev", "73a450e8-6666-48dc-9a37-f366a98e82f8", "tmp-folder-renamed");
    /// let renamed = client.folders().update(&req).await?;
    /// assert_eq!(renamed.name, "tmp-folder-renamed");
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidRequest`](crate::Error::InvalidRequest), before any request, for a name outside
    /// `[A-Za-z0-9_-]` or an empty environment or project; [`Error::Api`](crate::Error::Api) (404) for
    /// an unknown folder.
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

    /// Deletes a folder and everything in it, secrets and folders. The answer is
    /// [`Outcome::PendingApproval`] when a change policy
    /// makes the deletion wait for approval.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # let server = wiremock::MockServer::start().await;
    /// # for name in ["062-folders-delete-by-id"] {
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
    /// # let project = "22770578-ba92-407c-a19b-e79cd7aa39d9";
    /// use infisical_config::resources::folders::DeleteFolder;
    ///
    /// let outcome = client.folders().delete(&DeleteFolder::new(project, "dev", "73a450e8-6666-48dc-9a37-f366a98e82f8")).await?;
    /// assert_eq!(outcome.applied().map(|f| f.name), Some("tmp-folder-renamed".to_owned()));
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) for an empty environment, project or
    /// folder, before any request; [`Error::Api`](crate::Error::Api) (404) for an unknown folder.
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

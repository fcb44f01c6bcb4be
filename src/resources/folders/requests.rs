//! Listing, creating, renaming and deleting folders: what the caller sends.

use crate::resources::ProjectRef;

/// Lists folders, for [`Folders::list`](super::Folders::list): the folders in one folder, or every folder below it.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// # let fake = infisical_config::testing::FakeInfisical::builder().folder("dev", "/app").folder("dev", "/db/replica").start().await;
/// # let client = fake.client_builder().build()?;
/// use infisical_config::resources::ListFolders;
///
/// let req = ListFolders::new(fake.project_id(), "dev").path("/db").recursive(true);
/// let below_db = client.folders().list(&req).await?;
/// assert_eq!(below_db[0].relative_path.as_deref(), Some("/replica"));
/// # Ok::<(), infisical_config::Error>(()) }).unwrap();
/// ```
#[derive(Clone, Debug)]
#[must_use]
pub struct ListFolders {
    pub(super) project: ProjectRef,
    pub(super) environment: String,
    pub(super) path: String,
    pub(super) recursive: bool,
}

impl ListFolders {
    /// Lists the folders at the root of `project`'s `environment` (`project`: an id or a slug).
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # let fake = infisical_config::testing::FakeInfisical::builder().folder("dev", "/app").folder("dev", "/db/replica").start().await;
    /// # let client = fake.client_builder().build()?;
    /// use infisical_config::resources::ListFolders;
    ///
    /// let folders = client.folders().list(&ListFolders::new(fake.project_id(), "dev")).await?;
    /// let names: Vec<&str> = folders.iter().map(|f| f.name.as_str()).collect();
    /// assert_eq!(names, ["app", "db"]);
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    pub fn new(project: impl Into<ProjectRef>, environment: impl Into<String>) -> Self {
        ListFolders { project: project.into(), environment: environment.into(), path: "/".into(), recursive: false }
    }

    crate::setters::setters! {
        /// Lists the folders in this one (default `/`) instead of the root.
        ///
        /// ```
        /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
        /// # let fake = infisical_config::testing::FakeInfisical::builder().folder("dev", "/app").folder("dev", "/db/replica").start().await;
        /// # let client = fake.client_builder().build()?;
        /// use infisical_config::resources::ListFolders;
        ///
        /// let in_db = client.folders().list(&ListFolders::new(fake.project_id(), "dev").path("/db")).await?;
        /// assert_eq!(in_db[0].name, "replica");
        /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
        /// ```
        path(path: impl Into<String>) => path = path.into();

        /// Includes every descendant, each with its [`relative_path`](super::Folder::relative_path) (default
        /// false: one level). Servers of 2024 list one level only; the client walks the tree there.
        ///
        /// ```
        /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
        /// # let fake = infisical_config::testing::FakeInfisical::builder().folder("dev", "/app").folder("dev", "/db/replica").start().await;
        /// # let client = fake.client_builder().build()?;
        /// use infisical_config::resources::ListFolders;
        ///
        /// let all = client.folders().list(&ListFolders::new(fake.project_id(), "dev").recursive(true)).await?;
        /// let paths: Vec<&str> = all.iter().filter_map(|f| f.relative_path.as_deref()).collect();
        /// assert_eq!(paths, ["/app", "/db", "/db/replica"]);
        /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
        /// ```
        recursive(yes: bool) => recursive = yes;
    }
}

/// Creates a folder, for [`Folders::create`](super::Folders::create) (when it exists, the server answers the existing one).
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// # let server = wiremock::MockServer::start().await;
/// # for name in ["012-create-folder-db-replica"] {
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
/// let replica = client.folders().create(&CreateFolder::new(project, "dev", "replica").path("/db")).await?;
/// assert_eq!(replica.parent_id.as_deref(), Some("24d94e50-0c4c-423e-ad31-24e5198cf387")); // /db
/// # Ok::<(), infisical_config::Error>(()) }).unwrap();
/// ```
#[derive(Clone, Debug)]
#[must_use]
pub struct CreateFolder {
    pub(super) at: FolderAt,
    pub(super) description: Option<String>,
}

/// Where a folder is: project, environment, parent folder, and its name (or id, for a delete).
#[derive(Clone, Debug)]
pub(super) struct FolderAt {
    pub(super) project: ProjectRef,
    pub(super) environment: String,
    pub(super) path: String,
    pub(super) name: String,
}

impl FolderAt {
    fn new(project: impl Into<ProjectRef>, environment: impl Into<String>, name: impl Into<String>) -> Self {
        FolderAt { project: project.into(), environment: environment.into(), path: "/".into(), name: name.into() }
    }
}

impl CreateFolder {
    /// Creates folder `name` at the root of `project`'s `environment` (`project`: an id or a slug).
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # let server = wiremock::MockServer::start().await;
    /// # for name in ["011-create-folder-db"] {
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
    /// let db = client.folders().create(&CreateFolder::new(project, "dev", "db")).await?;
    /// assert_eq!(db.name, "db");
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    pub fn new(project: impl Into<ProjectRef>, environment: impl Into<String>, name: impl Into<String>) -> Self {
        CreateFolder { at: FolderAt::new(project, environment, name), description: None }
    }

    crate::setters::setters! {
        /// Creates it in this folder (default `/`), which must exist.
        ///
        /// ```
        /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
        /// # let server = wiremock::MockServer::start().await;
        /// # for name in ["063-folders-create-tmp2"] {
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
        /// let tmp = client.folders().create(&CreateFolder::new(project, "dev", "tmp2").path("/db")).await?;
        /// assert_eq!(tmp.name, "tmp2");
        /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
        /// ```
        path(path: impl Into<String>) => at.path = path.into();

        /// A description (current servers; servers of 2024 ignore it).
        ///
        /// ```
        /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
        /// # use wiremock::{Mock, ResponseTemplate, matchers::{body_json, method, path}};
        /// # let server = wiremock::MockServer::start().await;
        /// # let recorded = |name: &str| -> serde_json::Value {
        /// #     let file = format!("{}/tests/fixtures/server-2024-10/{name}.json", env!("CARGO_MANIFEST_DIR"));
        /// #     let mut sample: serde_json::Value = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
        /// #     sample["response"].take()
        /// # };
        /// # let client = infisical_config::Client::builder().site(server.uri()).access_token("token")
        /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false)
        /// #     .api_version(infisical_config::resources::ApiVersion::Current).build()?;
        /// # let project = "22770578-ba92-407c-a19b-e79cd7aa39d9";
        /// # let sent = serde_json::json!({"projectId": project, "environment": "dev", "name": "db", "path": "/", "description": "databases"});
        /// # let mut answer = recorded("011-create-folder-db");
        /// # answer["folder"]["description"] = "databases".into();
        /// # Mock::given(method("POST")).and(path("/api/v2/folders")).and(body_json(sent))
        /// #     .respond_with(ResponseTemplate::new(200).set_body_json(answer)).expect(1).mount(&server).await;
        /// use infisical_config::resources::folders::CreateFolder;
        ///
        /// let db = client.folders().create(&CreateFolder::new(project, "dev", "db").description("databases")).await?;
        /// assert_eq!(db.description.as_deref(), Some("databases"));
        /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
        /// ```
        description(text: impl Into<String>) => description = Some(text.into());
    }
}

/// Renames a folder or changes its description, for [`Folders::update`](super::Folders::update).
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
/// let id = "73a450e8-6666-48dc-9a37-f366a98e82f8";
/// let renamed = client.folders().update(&UpdateFolder::new(project, "dev", id, "tmp-folder-renamed")).await?;
/// assert_eq!((renamed.name.as_str(), renamed.version), ("tmp-folder-renamed", 2));
/// # Ok::<(), infisical_config::Error>(()) }).unwrap();
/// ```
#[derive(Clone, Debug)]
#[must_use]
pub struct UpdateFolder {
    pub(super) id: String,
    /// What the folder becomes: the same fields as a new one.
    pub(super) folder: CreateFolder,
}

impl UpdateFolder {
    /// Gives folder `id`, at the root of `project`'s `environment`, the name `name` (the current name
    /// to change only the description).
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
    /// assert_eq!(client.folders().update(&req).await?.name, "tmp-folder-renamed");
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    pub fn new(
        project: impl Into<ProjectRef>,
        environment: impl Into<String>,
        id: impl Into<String>,
        name: impl Into<String>,
    ) -> Self {
        UpdateFolder { id: id.into(), folder: CreateFolder::new(project, environment, name) }
    }

    /// The folder's parent (default `/`).
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # use wiremock::{Mock, ResponseTemplate, matchers::{body_json, method, path}};
    /// # let server = wiremock::MockServer::start().await;
    /// # let recorded = |name: &str| -> serde_json::Value {
    /// #     let file = format!("{}/tests/fixtures/server-2024-10/{name}.json", env!("CARGO_MANIFEST_DIR"));
    /// #     let mut sample: serde_json::Value = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
    /// #     sample["response"].take()
    /// # };
    /// # let client = infisical_config::Client::builder().site(server.uri()).access_token("token")
    /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false)
    /// #     .api_version(infisical_config::resources::ApiVersion::Legacy).build()?;
    /// # let project = "22770578-ba92-407c-a19b-e79cd7aa39d9";
    /// # let sent = serde_json::json!({"workspaceId": project, "environment": "dev", "name": "replicas", "path": "/db"});
    /// # let mut answer = recorded("012-create-folder-db-replica");
    /// # answer["folder"]["name"] = "replicas".into();
    /// # Mock::given(method("PATCH")).and(path("/api/v1/folders/30108f52-34a6-4b54-8325-f6e131ed4b66")).and(body_json(sent))
    /// #     .respond_with(ResponseTemplate::new(200).set_body_json(answer)).expect(1).mount(&server).await;
    /// use infisical_config::resources::folders::UpdateFolder;
    ///
    /// // /db/replica becomes /db/replicas.
    /// let req = UpdateFolder::new(project, "dev", "30108f52-34a6-4b54-8325-f6e131ed4b66", "replicas").path("/db");
    /// assert_eq!(client.folders().update(&req).await?.name, "replicas");
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    pub fn path(self, path: impl Into<String>) -> Self {
        UpdateFolder { folder: self.folder.path(path), ..self }
    }

    /// A new description (current servers).
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # use wiremock::{Mock, ResponseTemplate, matchers::{body_json, method, path}};
    /// # let server = wiremock::MockServer::start().await;
    /// # let recorded = |name: &str| -> serde_json::Value {
    /// #     let file = format!("{}/tests/fixtures/server-2024-10/{name}.json", env!("CARGO_MANIFEST_DIR"));
    /// #     let mut sample: serde_json::Value = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
    /// #     sample["response"].take()
    /// # };
    /// # let client = infisical_config::Client::builder().site(server.uri()).access_token("token")
    /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false)
    /// #     .api_version(infisical_config::resources::ApiVersion::Current).build()?;
    /// # let project = "22770578-ba92-407c-a19b-e79cd7aa39d9";
    /// # let sent = serde_json::json!({"projectId": project, "environment": "dev", "name": "db", "path": "/", "description": "primary database"});
    /// # let mut answer = recorded("011-create-folder-db");
    /// # answer["folder"]["description"] = "primary database".into();
    /// # Mock::given(method("PATCH")).and(path("/api/v2/folders/24d94e50-0c4c-423e-ad31-24e5198cf387")).and(body_json(sent))
    /// #     .respond_with(ResponseTemplate::new(200).set_body_json(answer)).expect(1).mount(&server).await;
    /// use infisical_config::resources::folders::UpdateFolder;
    ///
    /// let req = UpdateFolder::new(project, "dev", "24d94e50-0c4c-423e-ad31-24e5198cf387", "db").description("primary database");
    /// assert_eq!(client.folders().update(&req).await?.description.as_deref(), Some("primary database"));
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    pub fn description(self, text: impl Into<String>) -> Self {
        UpdateFolder { folder: self.folder.description(text), ..self }
    }
}

/// Deletes a folder, by id or by name within its parent, for [`Folders::delete`](super::Folders::delete).
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// # let server = wiremock::MockServer::start().await;
/// # for name in ["064-folders-delete-by-name"] {
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
/// let outcome = client.folders().delete(&DeleteFolder::new(project, "dev", "tmp2").path("/db")).await?;
/// let deleted = outcome.applied().expect("no approval policy here");
/// assert_eq!(deleted.id, "91250a89-18de-47af-bcc0-d948c37b15d9");
/// # Ok::<(), infisical_config::Error>(()) }).unwrap();
/// ```
#[derive(Clone, Debug)]
#[must_use]
pub struct DeleteFolder {
    /// The folder, named by id or by name.
    pub(super) at: FolderAt,
    pub(super) force: bool,
}

impl DeleteFolder {
    /// Deletes folder `id_or_name` (an id, or a name in the parent [`path`](Self::path)) of
    /// `project`'s `environment`.
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
    /// let req = DeleteFolder::new(project, "dev", "73a450e8-6666-48dc-9a37-f366a98e82f8");
    /// assert!(client.folders().delete(&req).await?.applied().is_some());
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    pub fn new(project: impl Into<ProjectRef>, environment: impl Into<String>, id_or_name: impl Into<String>) -> Self {
        DeleteFolder { at: FolderAt::new(project, environment, id_or_name), force: false }
    }

    crate::setters::setters! {
        /// The folder's parent (default `/`): where a name is looked up.
        ///
        /// ```
        /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
        /// # let server = wiremock::MockServer::start().await;
        /// # for name in ["064-folders-delete-by-name"] {
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
        /// let deleted = client.folders().delete(&DeleteFolder::new(project, "dev", "tmp2").path("/db")).await?;
        /// assert_eq!(deleted.applied().map(|f| f.name), Some("tmp2".to_owned()));
        /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
        /// ```
        path(path: impl Into<String>) => at.path = path.into();

        /// Deletes even when secrets elsewhere reference the folder's (current servers; servers of 2024
        /// always delete).
        ///
        /// ```
        /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
        /// # use wiremock::{Mock, ResponseTemplate, matchers::{body_json, method, path}};
        /// # let server = wiremock::MockServer::start().await;
        /// # let recorded = |name: &str| -> serde_json::Value {
        /// #     let file = format!("{}/tests/fixtures/server-2024-10/{name}.json", env!("CARGO_MANIFEST_DIR"));
        /// #     let mut sample: serde_json::Value = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
        /// #     sample["response"].take()
        /// # };
        /// # let client = infisical_config::Client::builder().site(server.uri()).access_token("token")
        /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false)
        /// #     .api_version(infisical_config::resources::ApiVersion::Current).build()?;
        /// # let project = "22770578-ba92-407c-a19b-e79cd7aa39d9";
        /// # let sent = serde_json::json!({"projectId": project, "environment": "dev", "path": "/", "forceDelete": true});
        /// # Mock::given(method("DELETE")).and(path("/api/v2/folders/app")).and(body_json(sent))
        /// #     .respond_with(ResponseTemplate::new(200).set_body_json(recorded("013-create-folder-app"))).expect(1).mount(&server).await;
        /// use infisical_config::resources::folders::DeleteFolder;
        ///
        /// let deleted = client.folders().delete(&DeleteFolder::new(project, "dev", "app").force(true)).await?;
        /// assert!(deleted.applied().is_some());
        /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
        /// ```
        force(yes: bool) => force = yes;
    }
}

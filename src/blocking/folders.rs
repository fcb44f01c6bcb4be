//! The blocking folders handler.

use crate::resources::Outcome;
use crate::resources::folders::{CreateFolder, DeleteFolder, Folder, ListFolders, UpdateFolder};

handler! {
    /// The blocking folders handler, `client.folders()`: lists, creates, renames and deletes the
    /// folders of an environment. The blocking form of [`crate::resources::Folders`].
    ///
    /// ```
    /// use infisical_config::resources::ListFolders;
    /// # use infisical_config::testing::FakeInfisical;
    /// # let fake = FakeInfisical::builder().folder("dev", "/db").folder("dev", "/db/replica").start_blocking();
    /// # let client = fake.blocking_client_builder().build()?;
    ///
    /// let folders = client.folders().list(&ListFolders::new(fake.project_id(), "dev").path("/db"))?;
    /// assert_eq!(folders[0].name, "replica");
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    struct Folders;

    /// The folders handler.
    ///
    /// ```
    /// use infisical_config::resources::ListFolders;
    /// # use infisical_config::testing::FakeInfisical;
    /// # let fake = FakeInfisical::builder().folder("dev", "/db").start_blocking();
    /// # let client = fake.blocking_client_builder().build()?;
    ///
    /// let names: Vec<String> =
    ///     client.folders().list(&ListFolders::new(fake.project_id(), "dev"))?.into_iter().map(|f| f.name).collect();
    /// assert_eq!(names, ["db"]);
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    fn folders;
}

blocking_methods! {
    Folders, folders {
        /// The folders in a folder (default `/`), or, with [`recursive`](ListFolders::recursive), all
        /// below it with their [`relative_path`](Folder::relative_path). See
        /// [`crate::resources::Folders::list`].
        ///
        /// ```
        /// use infisical_config::resources::ListFolders;
        /// # use infisical_config::testing::FakeInfisical;
        /// # let fake = FakeInfisical::builder().folder("dev", "/db").folder("dev", "/db/replica").start_blocking();
        /// # let client = fake.blocking_client_builder().build()?;
        ///
        /// let all = client.folders().list(&ListFolders::new(fake.project_id(), "dev").recursive(true))?;
        /// let paths: Vec<_> = all.iter().filter_map(|f| f.relative_path.as_deref()).collect();
        /// assert_eq!(paths, ["/db", "/db/replica"]);
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        ///
        /// # Errors
        /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) for an empty environment, before
        /// sending; [`Error::Api`](crate::Error::Api) when the server refuses (404 for an unknown
        /// environment or folder on current servers, 403 without permission).
        fn list(&self, req: &ListFolders) -> Vec<Folder>;

        /// A folder by id. See [`crate::resources::Folders::get`].
        ///
        /// ```
        /// # let rt = tokio::runtime::Runtime::new().unwrap();
        /// # let server = rt.block_on(wiremock::MockServer::start());
        /// # rt.block_on(wiremock::Mock::given(wiremock::matchers::method("GET")).and(wiremock::matchers::path("/api/v2/folders/f1"))
        /// #     .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(serde_json::json!(
        /// #         {"folder": {"id": "f1", "name": "db", "version": 1, "envId": "e1", "path": "/db"}}))).mount(&server));
        /// # let client = infisical_config::blocking::Client::builder().site(server.uri()).access_token("token")
        /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).build()?;
        /// let folder = client.folders().get("f1")?;
        /// assert_eq!((folder.name.as_str(), folder.path.as_deref()), ("db", Some("/db")));
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        ///
        /// # Errors
        /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) for an empty id, before sending;
        /// [`Error::Api`](crate::Error::Api) with status 404 when there is no such folder.
        fn get(&self, id: &str) -> Folder;

        /// Creates a folder. See [`crate::resources::Folders::create`].
        ///
        /// ```
        /// use infisical_config::resources::folders::CreateFolder;
        /// # use infisical_config::testing::PROJECT_ID as project_id;
        /// # let rt = tokio::runtime::Runtime::new().unwrap();
        /// # let server = rt.block_on(wiremock::MockServer::start());
        /// # rt.block_on(wiremock::Mock::given(wiremock::matchers::method("POST")).and(wiremock::matchers::path("/api/v2/folders"))
        /// #     .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(serde_json::json!(
        /// #         {"folder": {"id": "f2", "name": "replica", "version": 1, "envId": "e1", "description": "read replicas"}}))).mount(&server));
        /// # let client = infisical_config::blocking::Client::builder().site(server.uri()).access_token("token")
        /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).build()?;
        ///
        /// let req = CreateFolder::new(project_id, "dev", "replica").path("/db").description("read replicas");
        /// let folder = client.folders().create(&req)?;
        /// assert_eq!(folder.id, "f2");
        ///
        /// let err = client.folders().create(&CreateFolder::new(project_id, "dev", "no spaces")).unwrap_err();
        /// assert!(matches!(err, infisical_config::Error::InvalidRequest { .. }), "{err}");
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        ///
        /// # Errors
        /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) for a name outside `[A-Za-z0-9_-]` or
        /// an empty environment, before sending; [`Error::Api`](crate::Error::Api) when the server
        /// refuses (403 without permission).
        fn create(&self, req: &CreateFolder) -> Folder;

        /// Renames a folder or changes its description. See [`crate::resources::Folders::update`].
        ///
        /// ```
        /// use infisical_config::resources::folders::UpdateFolder;
        /// # use infisical_config::testing::PROJECT_ID as project_id;
        /// # let rt = tokio::runtime::Runtime::new().unwrap();
        /// # let server = rt.block_on(wiremock::MockServer::start());
        /// # rt.block_on(wiremock::Mock::given(wiremock::matchers::method("PATCH")).and(wiremock::matchers::path("/api/v2/folders/f1"))
        /// #     .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(serde_json::json!(
        /// #         {"folder": {"id": "f1", "name": "databases", "version": 2, "envId": "e1"}}))).mount(&server));
        /// # let client = infisical_config::blocking::Client::builder().site(server.uri()).access_token("token")
        /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).build()?;
        ///
        /// let folder = client.folders().update(&UpdateFolder::new(project_id, "dev", "f1", "databases"))?;
        /// assert_eq!(folder.name, "databases");
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        ///
        /// # Errors
        /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) for a bad name, before sending;
        /// [`Error::Api`](crate::Error::Api) with status 404 for an unknown folder.
        fn update(&self, req: &UpdateFolder) -> Folder;

        /// Deletes a folder and everything in it. See [`crate::resources::Folders::delete`].
        ///
        /// ```
        /// use infisical_config::resources::folders::DeleteFolder;
        /// # use infisical_config::testing::PROJECT_ID as project_id;
        /// # let rt = tokio::runtime::Runtime::new().unwrap();
        /// # let server = rt.block_on(wiremock::MockServer::start());
        /// # rt.block_on(wiremock::Mock::given(wiremock::matchers::method("DELETE")).and(wiremock::matchers::path("/api/v2/folders/tmp"))
        /// #     .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(serde_json::json!(
        /// #         {"folder": {"id": "f9", "name": "tmp", "version": 1, "envId": "e1"}}))).mount(&server));
        /// # let client = infisical_config::blocking::Client::builder().site(server.uri()).access_token("token")
        /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).build()?;
        ///
        /// let deleted = client.folders().delete(&DeleteFolder::new(project_id, "dev", "tmp"))?;
        /// assert_eq!(deleted.applied().map(|f| f.id).as_deref(), Some("f9"));
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        ///
        /// # Errors
        /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) for an empty environment or name,
        /// before sending; [`Error::Api`](crate::Error::Api) with status 404 for an unknown folder.
        fn delete(&self, req: &DeleteFolder) -> Outcome<Folder>;
    }
}

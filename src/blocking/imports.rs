//! The blocking secret imports handler.

use crate::resources::imports::{ImportChange, ImportTarget, SecretImport};
use crate::resources::secrets::ImportedSecrets;

handler! {
    /// The blocking secret imports handler, `client.imports()`: which folders a folder takes secrets
    /// from, and changes to them. The blocking form of [`crate::resources::Imports`].
    ///
    /// ```
    /// use infisical_config::resources::imports::ImportTarget;
    /// # use infisical_config::testing::FakeInfisical;
    /// # let fake = FakeInfisical::builder().import("dev", "/app", "dev", "/shared").start_blocking();
    /// # let client = fake.blocking_client_builder().build()?;
    ///
    /// let imports = client.imports().list(&ImportTarget::new(fake.project_id(), "dev").path("/app"))?;
    /// assert_eq!(imports[0].import_path, "/shared");
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    struct Imports;

    /// The secret imports handler.
    ///
    /// ```
    /// use infisical_config::resources::imports::ImportTarget;
    /// # use infisical_config::testing::FakeInfisical;
    /// # let fake = FakeInfisical::builder().secret("dev", "/", "API_KEY", "k").start_blocking();
    /// # let client = fake.blocking_client_builder().build()?;
    ///
    /// assert!(client.imports().list(&ImportTarget::new(fake.project_id(), "dev"))?.is_empty());
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    fn imports;
}

blocking_methods! {
    Imports, imports {
        /// The imports of a folder, in position order (the later wins on a clash). See
        /// [`crate::resources::Imports::list`].
        ///
        /// ```
        /// use infisical_config::resources::imports::ImportTarget;
        /// # use infisical_config::testing::FakeInfisical;
        /// # let fake = FakeInfisical::builder()
        /// #     .import("dev", "/app", "dev", "/shared")
        /// #     .import("dev", "/app", "prod", "/shared")
        /// #     .start_blocking();
        /// # let client = fake.blocking_client_builder().build()?;
        ///
        /// let imports = client.imports().list(&ImportTarget::new(fake.project_id(), "dev").path("/app"))?;
        /// let from: Vec<_> = imports.iter().map(|i| i.import_env.as_ref().map(|e| e.slug.as_str())).collect();
        /// assert_eq!(from, [Some("dev"), Some("prod")]);
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        ///
        /// # Errors
        /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) for an empty environment, before
        /// sending; [`Error::Api`](crate::Error::Api) when the server refuses (404 for an unknown
        /// environment or folder on current servers, 403 without permission).
        fn list(&self, target: &ImportTarget) -> Vec<SecretImport>;

        /// The secrets a folder imports, grouped by import. See [`crate::resources::Imports::secrets`].
        ///
        /// ```
        /// use infisical_config::resources::imports::ImportTarget;
        /// # use infisical_config::testing::PROJECT_ID as project_id;
        /// # let rt = tokio::runtime::Runtime::new().unwrap();
        /// # let server = rt.block_on(wiremock::MockServer::start());
        /// # rt.block_on(wiremock::Mock::given(wiremock::matchers::method("GET")).and(wiremock::matchers::path("/api/v2/secret-imports/secrets"))
        /// #     .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(serde_json::json!({"secrets": [
        /// #         {"secretPath": "/shared", "environment": "dev", "secrets": [{"id": "s1", "secretKey": "SMTP_HOST", "secretValue": "smtp", "version": 1}]}]})))
        /// #     .mount(&server));
        /// # let client = infisical_config::blocking::Client::builder().site(server.uri()).access_token("token")
        /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).build()?;
        ///
        /// let imported = client.imports().secrets(&ImportTarget::new(project_id, "dev").path("/app"))?;
        /// assert_eq!(imported[0].secret_path, "/shared");
        /// assert_eq!(imported[0].secrets[0].key, "SMTP_HOST");
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        ///
        /// # Errors
        /// As [`list`](Self::list).
        fn secrets(&self, target: &ImportTarget) -> Vec<ImportedSecrets>;

        /// One import by id. See [`crate::resources::Imports::get`].
        ///
        /// ```
        /// # let rt = tokio::runtime::Runtime::new().unwrap();
        /// # let server = rt.block_on(wiremock::MockServer::start());
        /// # rt.block_on(wiremock::Mock::given(wiremock::matchers::method("GET")).and(wiremock::matchers::path("/api/v2/secret-imports/i1"))
        /// #     .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(serde_json::json!(
        /// #         {"secretImport": {"id": "i1", "importPath": "/shared", "position": 1}}))).mount(&server));
        /// # let client = infisical_config::blocking::Client::builder().site(server.uri()).access_token("token")
        /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).build()?;
        /// let import = client.imports().get("i1")?;
        /// assert_eq!(import.import_path, "/shared");
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        ///
        /// # Errors
        /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) for an empty id, before sending;
        /// [`Error::Api`](crate::Error::Api) with status 404 when there is no such import.
        fn get(&self, id: &str) -> SecretImport;

        /// Imports the secrets of `from_environment`:`from_path` into the target folder; with
        /// `replicate`, copies them instead of referring to them. See
        /// [`crate::resources::Imports::create`].
        ///
        /// ```
        /// use infisical_config::resources::imports::ImportTarget;
        /// # use infisical_config::testing::PROJECT_ID as project_id;
        /// # let rt = tokio::runtime::Runtime::new().unwrap();
        /// # let server = rt.block_on(wiremock::MockServer::start());
        /// # rt.block_on(wiremock::Mock::given(wiremock::matchers::method("POST")).and(wiremock::matchers::path("/api/v2/secret-imports"))
        /// #     .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(serde_json::json!(
        /// #         {"secretImport": {"id": "i1", "importPath": "/shared", "position": 1}}))).mount(&server));
        /// # let client = infisical_config::blocking::Client::builder().site(server.uri()).access_token("token")
        /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).build()?;
        ///
        /// let target = ImportTarget::new(project_id, "dev").path("/app");
        /// let import = client.imports().create(&target, "prod", "/shared", false)?;
        /// assert_eq!(import.position, 1);
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        ///
        /// # Errors
        /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) for an empty environment, before
        /// sending; [`Error::Api`](crate::Error::Api) when the server refuses (the source does not
        /// exist, the import would make a cycle).
        fn create(&self, target: &ImportTarget, from_environment: &str, from_path: &str, replicate: bool) -> SecretImport;

        /// Changes an import's source or position. See [`crate::resources::Imports::update`].
        ///
        /// ```
        /// use infisical_config::resources::imports::{ImportChange, ImportTarget};
        /// # use infisical_config::testing::PROJECT_ID as project_id;
        /// # let rt = tokio::runtime::Runtime::new().unwrap();
        /// # let server = rt.block_on(wiremock::MockServer::start());
        /// # rt.block_on(wiremock::Mock::given(wiremock::matchers::method("PATCH")).and(wiremock::matchers::path("/api/v2/secret-imports/i1"))
        /// #     .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(serde_json::json!(
        /// #         {"secretImport": {"id": "i1", "importPath": "/shared", "position": 2}}))).mount(&server));
        /// # let client = infisical_config::blocking::Client::builder().site(server.uri()).access_token("token")
        /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).build()?;
        ///
        /// let target = ImportTarget::new(project_id, "dev").path("/app");
        /// let moved = client.imports().update(&target, "i1", &ImportChange::default().position(2))?;
        /// assert_eq!(moved.position, 2);
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        ///
        /// # Errors
        /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) for an empty environment, before
        /// sending; [`Error::Api`](crate::Error::Api) with status 404 when there is no such import.
        fn update(&self, target: &ImportTarget, id: &str, change: &ImportChange) -> SecretImport;

        /// Removes an import; the folder's own secrets stay. See [`crate::resources::Imports::delete`].
        ///
        /// ```
        /// use infisical_config::resources::imports::ImportTarget;
        /// # use infisical_config::testing::PROJECT_ID as project_id;
        /// # let rt = tokio::runtime::Runtime::new().unwrap();
        /// # let server = rt.block_on(wiremock::MockServer::start());
        /// # rt.block_on(wiremock::Mock::given(wiremock::matchers::method("DELETE")).and(wiremock::matchers::path("/api/v2/secret-imports/i1"))
        /// #     .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(serde_json::json!(
        /// #         {"secretImport": {"id": "i1", "importPath": "/shared", "position": 1}}))).mount(&server));
        /// # let client = infisical_config::blocking::Client::builder().site(server.uri()).access_token("token")
        /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).build()?;
        ///
        /// let removed = client.imports().delete(&ImportTarget::new(project_id, "dev").path("/app"), "i1")?;
        /// assert_eq!(removed.id, "i1");
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        ///
        /// # Errors
        /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) for an empty environment, before
        /// sending; [`Error::Api`](crate::Error::Api) with status 404 when there is no such import.
        fn delete(&self, target: &ImportTarget, id: &str) -> SecretImport;
    }
}

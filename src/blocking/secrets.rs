//! The blocking secrets handler.

use std::collections::BTreeMap;

use secrecy::SecretString;

use crate::resources::secrets::{
    Batch, CreateSecret, DeleteSecret, GetSecret, ListSecrets, Secret, SecretList, SecretPath, UpdateSecret,
};
use crate::resources::{Conditional, Outcome};

handler! {
    /// The blocking secrets handler, `client.secrets()`: reads and writes the secrets of a project's
    /// environments and folders. The blocking form of [`crate::resources::Secrets`].
    ///
    /// ```
    /// use infisical_config::ExposeSecret;
    /// use infisical_config::resources::ListSecrets;
    /// use infisical_config::resources::secrets::GetSecret;
    /// # use infisical_config::testing::FakeInfisical;
    /// # let fake = FakeInfisical::builder()
    /// #     .secret("prod", "/", "LOG_LEVEL", "info")
    /// #     .secret("prod", "/db", "PASSWORD", "hunter2")
    /// #     .start_blocking();
    /// # let client = fake.blocking_client_builder().build()?;
    /// # let project_id = fake.project_id();
    ///
    /// let secrets = client.secrets();
    /// let all = secrets.list(&ListSecrets::new(project_id, "prod").recursive(true))?;
    /// assert_eq!(all.secrets.len(), 2);
    /// let password = secrets.get(&GetSecret::new(project_id, "prod", "PASSWORD").path("/db"))?;
    /// assert_eq!(password.value.expose_secret(), "hunter2");
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    struct Secrets;

    /// The secrets handler.
    ///
    /// ```
    /// use infisical_config::resources::ListSecrets;
    /// # use infisical_config::testing::FakeInfisical;
    /// # let fake = FakeInfisical::builder().secret("dev", "/", "API_KEY", "k").start_blocking();
    /// # let client = fake.blocking_client_builder().build()?;
    ///
    /// let list = client.secrets().list(&ListSecrets::new(fake.project_id(), "dev"))?;
    /// assert_eq!(list.secrets[0].key, "API_KEY");
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    fn secrets;
}

blocking_methods! {
    Secrets, secrets {
        /// Lists a folder's secrets (and, with [`recursive`](ListSecrets::recursive), its subfolders');
        /// the answer keeps own and imported secrets apart, [`SecretList::into_map`] merges them.
        /// See [`crate::resources::Secrets::list`].
        ///
        /// ```
        /// use infisical_config::resources::ListSecrets;
        /// # use infisical_config::testing::FakeInfisical;
        /// # let fake = FakeInfisical::builder().secret("dev", "/", "API_KEY", "k").secret("dev", "/db", "PASSWORD", "p").start_blocking();
        /// # let client = fake.blocking_client_builder().build()?;
        ///
        /// let list = client.secrets().list(&ListSecrets::new(fake.project_id(), "dev").path("/db"))?;
        /// assert_eq!(list.secrets[0].key, "PASSWORD");
        ///
        /// let err = client.secrets().list(&ListSecrets::new(fake.project_id(), "stagin")).unwrap_err();
        /// assert!(matches!(err, infisical_config::Error::NotFound { .. }), "{err}");
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        ///
        /// # Errors
        /// [`Error::NotFound`](crate::Error::NotFound) for an environment or folder that does not exist
        /// (naming what does); [`Error::InvalidRequest`](crate::Error::InvalidRequest) for a bad request,
        /// before sending; [`Error::Api`](crate::Error::Api) when the server refuses (a missing
        /// permission); [`Error::Credentials`](crate::Error::Credentials) when the login fails.
        fn list(&self, req: &ListSecrets) -> SecretList;

        /// Lists secrets unless they are unchanged since `etag` (from [`SecretList::etag`]): a cheap
        /// revalidation for pollers. See [`crate::resources::Secrets::list_if_modified`].
        ///
        /// ```
        /// use infisical_config::resources::{Conditional, ListSecrets};
        /// # use infisical_config::testing::FakeInfisical;
        /// # let fake = FakeInfisical::builder().secret("dev", "/", "API_KEY", "k").start_blocking();
        /// # let client = fake.blocking_client_builder().build()?;
        ///
        /// let req = ListSecrets::new(fake.project_id(), "dev");
        /// let first = client.secrets().list(&req)?;
        /// let etag = first.etag.expect("the server tags its answers");
        /// assert!(matches!(client.secrets().list_if_modified(&req, &etag)?, Conditional::NotModified));
        ///
        /// fake.set_secret("dev", "/", "API_KEY", "rotated");
        /// assert!(matches!(client.secrets().list_if_modified(&req, &etag)?, Conditional::Modified(_)));
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        ///
        /// # Errors
        /// As [`list`](Self::list).
        fn list_if_modified(&self, req: &ListSecrets, etag: &str) -> Conditional<SecretList>;

        /// Each secret's place and value, and nothing else: own and imported secrets merged. Lighter
        /// than [`list`](Self::list) for loading a large folder into a map. See
        /// [`crate::resources::Secrets::list_values`].
        ///
        /// ```
        /// use infisical_config::ExposeSecret;
        /// use infisical_config::resources::ListSecrets;
        /// # use infisical_config::testing::FakeInfisical;
        /// # let fake = FakeInfisical::builder().secret("dev", "/", "API_KEY", "k").secret("dev", "/db", "PASSWORD", "p").start_blocking();
        /// # let client = fake.blocking_client_builder().build()?;
        ///
        /// let values = client.secrets().list_values(&ListSecrets::new(fake.project_id(), "dev").recursive(true))?;
        /// let places: Vec<String> = values.keys().map(|at| at.to_string()).collect();
        /// assert_eq!(places, ["/API_KEY", "/db/PASSWORD"]);
        /// assert!(values.values().all(|v| !v.expose_secret().is_empty()));
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        ///
        /// # Errors
        /// As [`list`](Self::list).
        fn list_values(&self, req: &ListSecrets) -> BTreeMap<SecretPath, SecretString>;

        /// One secret by name, with its value; imports are searched too. See
        /// [`crate::resources::Secrets::get`].
        ///
        /// ```
        /// use infisical_config::ExposeSecret;
        /// use infisical_config::resources::secrets::GetSecret;
        /// # use infisical_config::testing::FakeInfisical;
        /// # let fake = FakeInfisical::builder().secret("dev", "/db", "PASSWORD", "hunter2").start_blocking();
        /// # let client = fake.blocking_client_builder().build()?;
        ///
        /// let secret = client.secrets().get(&GetSecret::new(fake.project_id(), "dev", "PASSWORD").path("/db"))?;
        /// assert_eq!(secret.value.expose_secret(), "hunter2");
        ///
        /// let err = client.secrets().get(&GetSecret::new(fake.project_id(), "dev", "NOPE")).unwrap_err();
        /// assert!(err.is_not_found(), "{err}");
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        ///
        /// # Errors
        /// [`Error::Api`](crate::Error::Api) with status 404 ([`is_not_found`](crate::Error::is_not_found))
        /// when there is no such secret, environment or folder; as [`list`](Self::list) otherwise.
        fn get(&self, req: &GetSecret) -> Secret;

        /// Creates a secret. The answer is [`Outcome::Applied`], or [`Outcome::PendingApproval`] when a
        /// change policy holds it for review. See [`crate::resources::Secrets::create`].
        ///
        /// ```
        /// use infisical_config::resources::secrets::CreateSecret;
        /// # use infisical_config::testing::PROJECT_ID as project_id;
        /// # let rt = tokio::runtime::Runtime::new().unwrap();
        /// # let server = rt.block_on(wiremock::MockServer::start());
        /// # rt.block_on(wiremock::Mock::given(wiremock::matchers::method("POST")).and(wiremock::matchers::path("/api/v4/secrets/API_KEY"))
        /// #     .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(serde_json::json!(
        /// #         {"secret": {"id": "s1", "secretKey": "API_KEY", "secretValue": "k", "version": 1}}))).mount(&server));
        /// # let client = infisical_config::blocking::Client::builder().site(server.uri()).access_token("token")
        /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).build()?;
        ///
        /// let req = CreateSecret::new(project_id, "dev", "API_KEY", "k").comment("the billing API");
        /// let created = client.secrets().create(&req)?.applied().expect("no change policy here");
        /// assert_eq!(created.version, 1);
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        ///
        /// # Errors
        /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) for an empty name or environment,
        /// before sending; [`Error::Api`](crate::Error::Api) when the server refuses (400 when the
        /// secret exists, 403 without write permission).
        fn create(&self, req: &CreateSecret) -> Outcome<Secret>;

        /// Changes a secret's value, name, comment or tags. See [`crate::resources::Secrets::update`].
        ///
        /// ```
        /// use infisical_config::resources::secrets::UpdateSecret;
        /// # use infisical_config::testing::PROJECT_ID as project_id;
        /// # let rt = tokio::runtime::Runtime::new().unwrap();
        /// # let server = rt.block_on(wiremock::MockServer::start());
        /// # rt.block_on(wiremock::Mock::given(wiremock::matchers::method("PATCH")).and(wiremock::matchers::path("/api/v4/secrets/API_KEY"))
        /// #     .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(serde_json::json!(
        /// #         {"secret": {"id": "s1", "secretKey": "API_KEY", "secretValue": "rotated", "version": 2}}))).mount(&server));
        /// # let client = infisical_config::blocking::Client::builder().site(server.uri()).access_token("token")
        /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).build()?;
        ///
        /// let req = UpdateSecret::new(project_id, "dev", "API_KEY").value("rotated");
        /// let updated = client.secrets().update(&req)?.applied().expect("no change policy here");
        /// assert_eq!(updated.version, 2);
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        ///
        /// # Errors
        /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) for an empty name or environment or a
        /// bad new name, before sending; [`Error::Api`](crate::Error::Api) with status 404 when there
        /// is no such secret, 403 without write permission.
        fn update(&self, req: &UpdateSecret) -> Outcome<Secret>;

        /// Deletes a secret; the answer is the secret as it was. See
        /// [`crate::resources::Secrets::delete`].
        ///
        /// ```
        /// use infisical_config::resources::secrets::DeleteSecret;
        /// # use infisical_config::testing::PROJECT_ID as project_id;
        /// # let rt = tokio::runtime::Runtime::new().unwrap();
        /// # let server = rt.block_on(wiremock::MockServer::start());
        /// # rt.block_on(wiremock::Mock::given(wiremock::matchers::method("DELETE")).and(wiremock::matchers::path("/api/v4/secrets/OLD_KEY"))
        /// #     .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(serde_json::json!(
        /// #         {"secret": {"id": "s1", "secretKey": "OLD_KEY", "secretValue": "k", "version": 3}}))).mount(&server));
        /// # let client = infisical_config::blocking::Client::builder().site(server.uri()).access_token("token")
        /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).build()?;
        ///
        /// let deleted = client.secrets().delete(&DeleteSecret::new(project_id, "dev", "OLD_KEY"))?;
        /// assert_eq!(deleted.applied().map(|s| s.key).as_deref(), Some("OLD_KEY"));
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        ///
        /// # Errors
        /// [`Error::Api`](crate::Error::Api) with status 404 when there is no such secret, 403 without
        /// write permission.
        fn delete(&self, req: &DeleteSecret) -> Outcome<Secret>;

        /// Creates several secrets of one folder in one request: all or none. See
        /// [`crate::resources::Secrets::create_many`].
        ///
        /// ```
        /// use infisical_config::resources::secrets::{Batch, BatchSecret};
        /// # use infisical_config::testing::PROJECT_ID as project_id;
        /// # let rt = tokio::runtime::Runtime::new().unwrap();
        /// # let server = rt.block_on(wiremock::MockServer::start());
        /// # rt.block_on(wiremock::Mock::given(wiremock::matchers::method("POST")).and(wiremock::matchers::path("/api/v4/secrets/batch"))
        /// #     .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(serde_json::json!({"secrets": [
        /// #         {"id": "s1", "secretKey": "HOST", "secretValue": "db", "version": 1},
        /// #         {"id": "s2", "secretKey": "PORT", "secretValue": "5432", "version": 1}]}))).mount(&server));
        /// # let client = infisical_config::blocking::Client::builder().site(server.uri()).access_token("token")
        /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).build()?;
        ///
        /// let batch = Batch::new(project_id, "dev")
        ///     .path("/db")
        ///     .secret(BatchSecret::new("HOST").value("db"))
        ///     .secret(BatchSecret::new("PORT").value("5432"));
        /// let created = client.secrets().create_many(&batch)?.applied().expect("no change policy here");
        /// assert_eq!(created.len(), 2);
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        ///
        /// # Errors
        /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) for an empty batch or a secret
        /// without a value, before sending; [`Error::Api`](crate::Error::Api) when the server refuses
        /// (400 when one exists already).
        fn create_many(&self, batch: &Batch) -> Outcome<Vec<Secret>>;

        /// Updates several secrets of one folder in one request; [`BatchMode`](crate::resources::secrets::BatchMode)
        /// says what happens to missing ones. See [`crate::resources::Secrets::update_many`].
        ///
        /// ```
        /// use infisical_config::resources::secrets::{Batch, BatchMode, BatchSecret};
        /// # use infisical_config::testing::PROJECT_ID as project_id;
        /// # let rt = tokio::runtime::Runtime::new().unwrap();
        /// # let server = rt.block_on(wiremock::MockServer::start());
        /// # rt.block_on(wiremock::Mock::given(wiremock::matchers::method("PATCH")).and(wiremock::matchers::path("/api/v4/secrets/batch"))
        /// #     .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(serde_json::json!({"secrets": [
        /// #         {"id": "s1", "secretKey": "LOG_LEVEL", "secretValue": "debug", "version": 4}]}))).mount(&server));
        /// # let client = infisical_config::blocking::Client::builder().site(server.uri()).access_token("token")
        /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).build()?;
        ///
        /// let batch = Batch::new(project_id, "dev").mode(BatchMode::Upsert).secret(BatchSecret::new("LOG_LEVEL").value("debug"));
        /// let updated = client.secrets().update_many(&batch)?.applied().expect("no change policy here");
        /// assert_eq!(updated[0].version, 4);
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        ///
        /// # Errors
        /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) for an empty batch, before sending;
        /// [`Error::Api`](crate::Error::Api) when the server refuses (under the default mode, a
        /// missing secret fails the whole batch).
        fn update_many(&self, batch: &Batch) -> Outcome<Vec<Secret>>;

        /// Deletes several secrets of one folder in one request. See
        /// [`crate::resources::Secrets::delete_many`].
        ///
        /// ```
        /// use infisical_config::resources::secrets::{Batch, BatchSecret};
        /// # use infisical_config::testing::PROJECT_ID as project_id;
        /// # let rt = tokio::runtime::Runtime::new().unwrap();
        /// # let server = rt.block_on(wiremock::MockServer::start());
        /// # rt.block_on(wiremock::Mock::given(wiremock::matchers::method("DELETE")).and(wiremock::matchers::path("/api/v4/secrets/batch"))
        /// #     .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(serde_json::json!({"approval": {"id": "apr-1", "status": "open"}})))
        /// #     .mount(&server));
        /// # let client = infisical_config::blocking::Client::builder().site(server.uri()).access_token("token")
        /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).build()?;
        /// use infisical_config::resources::Outcome;
        ///
        /// let batch = Batch::new(project_id, "prod").secret(BatchSecret::new("OLD_A")).secret(BatchSecret::new("OLD_B"));
        /// match client.secrets().delete_many(&batch)? {
        ///     Outcome::Applied(deleted) => println!("deleted {}", deleted.len()),
        ///     // A change policy on `prod`: someone must approve first.
        ///     Outcome::PendingApproval(request) => assert_eq!(request.id, "apr-1"),
        /// }
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        ///
        /// # Errors
        /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) for an empty batch, before sending;
        /// [`Error::Api`](crate::Error::Api) when the server refuses (a missing secret).
        fn delete_many(&self, batch: &Batch) -> Outcome<Vec<Secret>>;
    }
}

//! The blocking projects handler.

use crate::resources::ProjectRef;
use crate::resources::projects::Project;

handler! {
    /// The blocking projects handler, `client.projects()`: a project's id, slug, name and
    /// environments. The blocking form of [`crate::resources::Projects`].
    ///
    /// ```
    /// # use infisical_config::testing::FakeInfisical;
    /// # let fake = FakeInfisical::builder().secret("dev", "/", "A", "1").secret("prod", "/", "A", "2").start_blocking();
    /// # let client = fake.blocking_client_builder().build()?;
    /// let project = client.projects().get_by_slug("fake-project")?;
    /// let environments: Vec<_> = project.environments.iter().map(|e| e.slug.as_str()).collect();
    /// assert_eq!(environments, ["dev", "prod"]);
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    struct Projects;

    /// The projects handler.
    ///
    /// ```
    /// # use infisical_config::testing::FakeInfisical;
    /// # let fake = FakeInfisical::builder().start_blocking();
    /// # let client = fake.blocking_client_builder().build()?;
    /// let project = client.projects().get_by_id(fake.project_id())?;
    /// assert_eq!(project.slug, "fake-project");
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    fn projects;
}

blocking_methods! {
    Projects, projects {
        /// A project by slug (as in the project's URL). See [`crate::resources::Projects::get_by_slug`].
        ///
        /// ```
        /// # use infisical_config::testing::FakeInfisical;
        /// # let fake = FakeInfisical::builder().start_blocking();
        /// # let client = fake.blocking_client_builder().build()?;
        /// let project = client.projects().get_by_slug("fake-project")?;
        /// assert_eq!(project.id, fake.project_id());
        ///
        /// let err = client.projects().get_by_slug("no-such-project").unwrap_err();
        /// assert!(err.is_not_found(), "{err}");
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        ///
        /// # Errors
        /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) for an empty slug, before sending;
        /// [`Error::Api`](crate::Error::Api) with status 404 when there is no such project.
        fn get_by_slug(&self, slug: &str) -> Project;

        /// A project by id. See [`crate::resources::Projects::get_by_id`].
        ///
        /// ```
        /// # use infisical_config::testing::FakeInfisical;
        /// # let fake = FakeInfisical::builder().start_blocking();
        /// # let client = fake.blocking_client_builder().build()?;
        /// let project = client.projects().get_by_id(fake.project_id())?;
        /// assert_eq!(project.name, "Fake project");
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        ///
        /// # Errors
        /// As [`get_by_slug`](Self::get_by_slug).
        fn get_by_id(&self, id: &str) -> Project;

        /// A project by id or slug, whichever [`ProjectRef`] holds. See
        /// [`crate::resources::Projects::get`].
        ///
        /// ```
        /// use infisical_config::resources::ProjectRef;
        /// # use infisical_config::testing::FakeInfisical;
        /// # let fake = FakeInfisical::builder().start_blocking();
        /// # let client = fake.blocking_client_builder().build()?;
        ///
        /// let by_slug = client.projects().get(&ProjectRef::from("fake-project"))?;
        /// let by_id = client.projects().get(&ProjectRef::from(fake.project_id()))?;
        /// assert_eq!(by_slug.id, by_id.id);
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        ///
        /// # Errors
        /// As [`get_by_slug`](Self::get_by_slug).
        fn get(&self, project: &ProjectRef) -> Project;

        /// The projects the identity belongs to. See [`crate::resources::Projects::list`].
        ///
        /// ```
        /// # let rt = tokio::runtime::Runtime::new().unwrap();
        /// # let server = rt.block_on(wiremock::MockServer::start());
        /// # rt.block_on(wiremock::Mock::given(wiremock::matchers::method("GET")).and(wiremock::matchers::path("/api/v1/projects"))
        /// #     .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(serde_json::json!({"projects": [
        /// #         {"id": "6f1e0d3c-5b7a-4c2e-9d8f-0a1b2c3d4e5f", "name": "Billing", "slug": "billing"}]}))).mount(&server));
        /// # let client = infisical_config::blocking::Client::builder().site(server.uri()).access_token("token")
        /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).build()?;
        /// let slugs: Vec<String> = client.projects().list()?.into_iter().map(|p| p.slug).collect();
        /// assert_eq!(slugs, ["billing"]);
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        ///
        /// # Errors
        /// [`Error::Api`](crate::Error::Api) when the server refuses;
        /// [`Error::Credentials`](crate::Error::Credentials) when the login fails.
        fn list(&self) -> Vec<Project>;
    }
}

//! Listing the secrets of a folder (recursive or not), and the check that an empty answer's target
//! exists.

use super::Secrets;
use crate::Client;
use crate::error::{Error, Result};
use crate::resources::folders::ListFolders;
use crate::resources::{Conditional, ProjectRef, check_environment, normalize_path};
use crate::routes::Routes;
use crate::transport::ApiRequest;

use std::collections::BTreeMap;

use secrecy::SecretString;

use super::values::{Importers, ValueList};
use super::{SecretList, SecretPath};

/// Lists the secrets of a folder: the request of [`Secrets::list`] and
/// [`Secrets::list_values`].
///
/// Defaults: path `/`, not recursive, imports included, references expanded, values shown, no personal
/// overrides. Every flag is sent explicitly, because server defaults changed between versions.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// # let fake = infisical_config::testing::FakeInfisical::builder().tagged_secret("dev", "/db", "DB_HOST", "db.internal", &["backend"]).secret("dev", "/db", "DB_NAME", "app").start().await;
/// # let client = fake.client_builder().build()?;
/// use infisical_config::resources::ListSecrets;
///
/// let req = ListSecrets::new(fake.project_id(), "dev").path("/db").tags(["backend"]);
/// let list = client.secrets().list(&req).await?;
/// assert_eq!(list.secrets.len(), 1);
/// assert_eq!(list.secrets[0].key, "DB_HOST");
/// # Ok::<(), infisical_config::Error>(()) }).unwrap();
/// ```
#[derive(Clone, Debug)]
#[must_use]
pub struct ListSecrets {
    project: ProjectRef,
    environment: String,
    path: String,
    recursive: bool,
    include_imports: bool,
    expand_references: bool,
    view_values: bool,
    personal_overrides: bool,
    tags: Vec<String>,
    metadata: Vec<(String, String)>,
}

impl ListSecrets {
    /// Lists `project`'s (id or slug) secrets in `environment` (its slug), folder `/`.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # let fake = infisical_config::testing::FakeInfisical::builder().secret("dev", "/", "API_KEY", "k").start().await;
    /// # let client = fake.client_builder().build()?;
    /// use infisical_config::resources::ListSecrets;
    ///
    /// let list = client.secrets().list(&ListSecrets::new(fake.project_id(), "dev")).await?;
    /// assert_eq!(list.secrets[0].key, "API_KEY");
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    pub fn new(project: impl Into<ProjectRef>, environment: impl Into<String>) -> Self {
        ListSecrets {
            project: project.into(),
            environment: environment.into(),
            path: "/".into(),
            recursive: false,
            include_imports: true,
            expand_references: true,
            view_values: true,
            personal_overrides: false,
            tags: Vec::new(),
            metadata: Vec::new(),
        }
    }

    crate::setters::setters! {
        /// The folder (default `/`).
        ///
        /// ```
        /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
        /// # let fake = infisical_config::testing::FakeInfisical::builder().secret("dev", "/", "APP_NAME", "shop").secret("dev", "/db", "DB_HOST", "db.internal").start().await;
        /// # let client = fake.client_builder().build()?;
        /// use infisical_config::resources::ListSecrets;
        ///
        /// let list = client.secrets().list(&ListSecrets::new(fake.project_id(), "dev").path("/db")).await?;
        /// assert_eq!(list.secrets[0].key, "DB_HOST");
        /// assert_eq!(list.path, "/db");
        /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
        /// ```
        path(path: impl Into<String>) => path = path.into();

        /// Includes sub-folders (default false).
        ///
        /// ```
        /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
        /// # let fake = infisical_config::testing::FakeInfisical::builder().secret("dev", "/", "APP_NAME", "shop").secret("dev", "/db", "DB_HOST", "db.internal").start().await;
        /// # let client = fake.client_builder().build()?;
        /// use infisical_config::resources::ListSecrets;
        ///
        /// let list = client.secrets().list(&ListSecrets::new(fake.project_id(), "dev").recursive(true)).await?;
        /// let places: Vec<_> = list.secrets.iter().map(|s| (s.path(), s.key.as_str())).collect();
        /// assert_eq!(places, [(Some("/"), "APP_NAME"), (Some("/db"), "DB_HOST")]);
        /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
        /// ```
        recursive(yes: bool) => recursive = yes;

        /// Includes imported secrets (default true).
        ///
        /// ```
        /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
        /// # let fake = infisical_config::testing::FakeInfisical::builder().secret("shared", "/", "SMTP_HOST", "mail").import("dev", "/", "shared", "/").secret("dev", "/", "APP_NAME", "shop").start().await;
        /// # let client = fake.client_builder().build()?;
        /// use infisical_config::resources::ListSecrets;
        ///
        /// let req = ListSecrets::new(fake.project_id(), "dev");
        /// assert_eq!(client.secrets().list(&req).await?.imports[0].secrets[0].key, "SMTP_HOST");
        /// let own_only = client.secrets().list(&req.include_imports(false)).await?;
        /// assert!(own_only.imports.is_empty());
        /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
        /// ```
        include_imports(yes: bool) => include_imports = yes;

        /// Expands `${KEY}` references server-side (default true).
        ///
        /// ```
        /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
        /// # let fake = infisical_config::testing::FakeInfisical::builder().secret("dev", "/", "HOST", "db.internal").secret("dev", "/", "URL", "postgres://${HOST}").start().await;
        /// # let client = fake.client_builder().build()?;
        /// use infisical_config::ExposeSecret;
        /// use infisical_config::resources::ListSecrets;
        ///
        /// let req = ListSecrets::new(fake.project_id(), "dev").expand_references(false);
        /// let map = client.secrets().list(&req).await?.into_map();
        /// let url = map.iter().find(|(at, _)| at.key == "URL").unwrap().1;
        /// assert_eq!(url.value.expose_secret(), "postgres://${HOST}"); // as written, not expanded
        /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
        /// ```
        expand_references(yes: bool) => expand_references = yes;

        /// Returns values (default true); false returns names only.
        ///
        /// ```
        /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
        /// # use wiremock::{Mock, MockServer, ResponseTemplate, matchers::*};
        /// # let server = MockServer::start().await;
        /// # Mock::given(method("GET")).and(path("/api/v4/secrets")).and(query_param("projectId", "22770578-ba92-407c-a19b-e79cd7aa39d9")).and(query_param("viewSecretValue", "false"))
        /// #     .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"secrets": [{"secretKey": "API_KEY", "secretValue": "<hidden-by-infisical>", "secretValueHidden": true}], "imports": []})))
        /// #     .expect(1).mount(&server).await;
        /// # let client = infisical_config::Client::builder().site(server.uri()).access_token("token")
        /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false).build()?;
        /// # let project = "22770578-ba92-407c-a19b-e79cd7aa39d9";
        /// use infisical_config::resources::ListSecrets;
        ///
        /// let req = ListSecrets::new(project, "dev").view_values(false);
        /// let list = client.secrets().list(&req).await?;
        /// assert_eq!(list.secrets[0].key, "API_KEY");
        /// assert!(list.secrets[0].value_hidden);
        /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
        /// ```
        view_values(yes: bool) => view_values = yes;

        /// Applies the caller's personal overrides (default false).
        ///
        /// ```
        /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
        /// # use wiremock::{Mock, MockServer, ResponseTemplate, matchers::*};
        /// # let server = MockServer::start().await;
        /// # Mock::given(method("GET")).and(path("/api/v4/secrets")).and(query_param("projectId", "22770578-ba92-407c-a19b-e79cd7aa39d9")).and(query_param("includePersonalOverrides", "true"))
        /// #     .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"secrets": [{"secretKey": "API_KEY", "secretValue": "mine", "type": "personal"}], "imports": []})))
        /// #     .expect(1).mount(&server).await;
        /// # let client = infisical_config::Client::builder().site(server.uri()).access_token("token")
        /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false).build()?;
        /// # let project = "22770578-ba92-407c-a19b-e79cd7aa39d9";
        /// use infisical_config::resources::{ListSecrets, secrets::SecretType};
        ///
        /// let req = ListSecrets::new(project, "dev").include_personal_overrides(true);
        /// let list = client.secrets().list(&req).await?;
        /// assert_eq!(list.secrets[0].kind, SecretType::Personal);
        /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
        /// ```
        include_personal_overrides(yes: bool) => personal_overrides = yes;
    }

    /// Only secrets carrying all these tags (slugs); called again, adds to them.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # let fake = infisical_config::testing::FakeInfisical::builder().tagged_secret("dev", "/", "API_KEY", "k", &["backend", "billing"]).tagged_secret("dev", "/", "CDN_URL", "u", &["frontend"]).start().await;
    /// # let client = fake.client_builder().build()?;
    /// use infisical_config::resources::ListSecrets;
    ///
    /// let req = ListSecrets::new(fake.project_id(), "dev").tags(["backend", "billing"]);
    /// let list = client.secrets().list(&req).await?;
    /// assert_eq!(list.secrets.iter().map(|s| s.key.as_str()).collect::<Vec<_>>(), ["API_KEY"]);
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    pub fn tags<I, S>(mut self, slugs: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.tags.extend(slugs.into_iter().map(Into::into));
        self
    }

    /// Only secrets with this metadata entry (all given entries must match; at most 10, more are an
    /// [`Error::InvalidRequest`] when sent).
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # use wiremock::{Mock, MockServer, ResponseTemplate, matchers::*};
    /// # let server = MockServer::start().await;
    /// # Mock::given(method("GET")).and(path("/api/v4/secrets")).and(query_param("projectId", "22770578-ba92-407c-a19b-e79cd7aa39d9")).and(query_param("metadataFilter", "key=team,value=payments"))
    /// #     .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"secrets": [{"secretKey": "API_KEY", "secretValue": "k", "version": 1}], "imports": []})))
    /// #     .expect(1).mount(&server).await;
    /// # let client = infisical_config::Client::builder().site(server.uri()).access_token("token")
    /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false).build()?;
    /// # let project = "22770578-ba92-407c-a19b-e79cd7aa39d9";
    /// use infisical_config::resources::ListSecrets;
    ///
    /// let req = ListSecrets::new(project, "dev").metadata_filter("team", "payments");
    /// assert_eq!(client.secrets().list(&req).await?.secrets[0].key, "API_KEY");
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    pub fn metadata_filter(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.metadata.push((key.into(), value.into()));
        self
    }

    fn validate(&self) -> Result<()> {
        self.project.validate()?;
        check_environment(&self.environment)?;
        if self.metadata.len() > 10 {
            return Err(Error::invalid(
                "metadata_filter",
                format!("has {} entries; the server accepts at most 10", self.metadata.len()),
            ));
        }
        Ok(())
    }

    fn request(&self, routes: &Routes, project_id: &str, etag: Option<&str>) -> ApiRequest {
        let path = normalize_path(&self.path);
        let mut req = project_query(ApiRequest::get(routes.secrets), routes, &self.project, project_id)
            .query_bool(routes.include_imports, self.include_imports)
            .query("environment", self.environment.as_str())
            .query("secretPath", path)
            .query_bool("recursive", self.recursive)
            .query_bool("expandSecretReferences", self.expand_references)
            .query_bool("viewSecretValue", self.view_values)
            .query_bool("includePersonalOverrides", self.personal_overrides);
        if !self.tags.is_empty() {
            req = req.query("tagSlugs", self.tags.join(","));
        }
        if !self.metadata.is_empty() {
            let filter = self.metadata.iter().map(|(k, v)| format!("key={k},value={v}")).collect::<Vec<_>>().join("|");
            req = req.query("metadataFilter", filter);
        }
        req.if_none_match(etag.map(str::to_owned))
    }
}

impl Secrets<'_> {
    /// Lists secrets. The answer keeps own and imported secrets apart; [`SecretList::into_map`] merges them.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # let fake = infisical_config::testing::FakeInfisical::builder().secret("dev", "/", "API_KEY", "k").secret("prod", "/", "API_KEY", "p").start().await;
    /// # let client = fake.client_builder().build()?;
    /// use infisical_config::resources::ListSecrets;
    ///
    /// let list = client.secrets().list(&ListSecrets::new(fake.project_id(), "dev")).await?;
    /// assert_eq!(list.secrets[0].key, "API_KEY");
    ///
    /// // A typo in the environment: the error names it and what exists.
    /// let err = client.secrets().list(&ListSecrets::new(fake.project_id(), "stagin")).await.unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     format!("environment `stagin` does not exist in project `{}`; there is: dev, prod", fake.project_id()),
    /// );
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    ///
    /// An environment or folder that does not exist is an [`Error::NotFound`] naming it and what exists
    /// instead, whether the server answers it with `404` (current servers) or with `200` and nothing
    /// (servers of 2024): an empty answer is checked against the project's environments and the
    /// parent's folders (one or two more requests, only then). An empty folder that exists is an
    /// empty list.
    ///
    /// # Errors
    /// - [`Error::InvalidRequest`] before sending: an empty project or environment, more than 10
    ///   [`metadata_filter`](ListSecrets::metadata_filter)s.
    /// - [`Error::NotFound`] for an environment the project does not have (listing its environments) or
    ///   a folder that does not exist (listing the folders of its parent).
    /// - [`Error::Api`] when the server refuses: 404 for an unknown project, 403 for a project the
    ///   identity may not read, 401 for a rejected token.
    pub async fn list(&self, req: &ListSecrets) -> Result<SecretList> {
        match self.list_inner(req, None).await? {
            Conditional::Modified(list) => Ok(list),
            // Without a tag a 304 is an error already; this arm is never taken.
            Conditional::NotModified => Err(Error::invalid("etag", "a 304 answered a list that sent no tag")),
        }
    }

    /// Lists secrets unless they are unchanged since `etag` (from [`SecretList::etag`]): a cheap
    /// revalidation for pollers (an unchanged list costs a `304` with no body).
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # let fake = infisical_config::testing::FakeInfisical::builder().secret("dev", "/", "API_KEY", "k").start().await;
    /// # let client = fake.client_builder().build()?;
    /// use infisical_config::resources::{Conditional, ListSecrets};
    ///
    /// let req = ListSecrets::new(fake.project_id(), "dev");
    /// let etag = client.secrets().list(&req).await?.etag.unwrap();
    /// let again = client.secrets().list_if_modified(&req, &etag).await?;
    /// assert!(matches!(again, Conditional::NotModified));
    /// assert_eq!(fake.not_modified(), 1);
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// As [`list`](Self::list).
    pub async fn list_if_modified(&self, req: &ListSecrets, etag: &str) -> Result<Conditional<SecretList>> {
        self.list_inner(req, Some(etag)).await
    }

    async fn list_inner(&self, req: &ListSecrets, etag: Option<&str>) -> Result<Conditional<SecretList>> {
        // The lazy decode keeps the answer's tag and folder itself.
        let Conditional::Modified((list, _)) = self.list_as_if_modified::<SecretList>(req, etag).await? else {
            return Ok(Conditional::NotModified);
        };
        tracing::debug!(project = %req.project, environment = %req.environment, path = %list.path, count = list.secrets.len(), "listed secrets");
        Ok(Conditional::Modified(list))
    }

    /// Lists each secret's place and value, and nothing else: own and imported secrets merged as
    /// [`SecretList::into_map`] merges them. For loading a large folder into a map this decodes and
    /// keeps far less than [`list`](Self::list) (no ids, dates, tags or comments).
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # let fake = infisical_config::testing::FakeInfisical::builder().secret("prod", "/", "APP_NAME", "shop").secret("prod", "/db", "PASSWORD", "hunter2").start().await;
    /// # let client = fake.client_builder().build()?;
    /// use infisical_config::resources::secrets::ListSecrets;
    /// use infisical_config::ExposeSecret;
    ///
    /// let values = client.secrets().list_values(&ListSecrets::new(fake.project_id(), "prod").recursive(true)).await?;
    /// for (at, value) in &values {
    ///     println!("{at} is {} bytes", value.expose_secret().len());
    /// }
    /// assert_eq!(values.len(), 2);
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// As [`list`](Self::list).
    pub async fn list_values(&self, req: &ListSecrets) -> Result<BTreeMap<SecretPath, SecretString>> {
        let list: ValueList = self.list_as(req).await?;
        Ok(list.into_map(&req.path, &Importers::new()).into_iter().collect())
    }

    /// Lists into another model (the loaders' lean one); the same request, route choice and target
    /// check as [`list`](Self::list).
    pub(crate) async fn list_as<T: ListAnswer>(&self, req: &ListSecrets) -> Result<T> {
        match self.list_as_if_modified(req, None).await? {
            Conditional::Modified((list, _)) => Ok(list),
            // Without a tag a 304 is an error already; this arm is never taken.
            Conditional::NotModified => Err(Error::invalid("etag", "a 304 answered a list that sent no tag")),
        }
    }

    /// [`list_as`](Self::list_as), unless unchanged since `etag`: the answer with its own `ETag`. Every
    /// list goes through here, so every list checks its target the same way.
    pub(crate) async fn list_as_if_modified<T: ListAnswer>(
        &self,
        req: &ListSecrets,
        etag: Option<&str>,
    ) -> Result<Conditional<(T, Option<String>)>> {
        let resp = self.list_response(req, etag).await?;
        match resp.status {
            304 if etag.is_some() => Ok(Conditional::NotModified),
            304 => Err(unexpected_304(&resp)),
            _ => {
                let etag = resp.header("etag");
                let list = T::decode(resp, &req.path)?;
                // Servers of 2024 answer an unknown environment or folder with 200 and nothing.
                if list.holds_nothing()
                    && let Some(missing) = missing_target(self.client, req).await?
                {
                    return Err(missing);
                }
                Ok(Conditional::Modified((list, etag)))
            }
        }
    }

    /// The answer to a list (a 304 when `etag` still holds). A 404 for an unknown environment or
    /// folder (current servers) becomes the [`Error::NotFound`] an empty answer gets on older ones.
    async fn list_response(&self, req: &ListSecrets, etag: Option<&str>) -> Result<crate::transport::ApiResponse> {
        req.validate()?;
        let project_id = read_scope(self.client, &req.project).await?;
        match self.client.routed(|routes| Ok(req.request(routes, &project_id, etag))).await {
            Err(Error::Api(api)) if api.status() == 404 && !api.is_unknown_route() => {
                // The server's own words stand when the check cannot say more (an unknown project,
                // a project this identity may not read).
                match missing_target(self.client, req).await {
                    Ok(Some(missing)) => Err(missing),
                    _ => Err(Error::Api(api)),
                }
            }
            answered => answered,
        }
    }
}

/// A decoded list answer: whether it holds nothing, the cue to check that its target exists.
pub(crate) trait ListAnswer: serde::de::DeserializeOwned {
    /// True when the answer holds no secret, of its own or imported.
    fn holds_nothing(&self) -> bool;

    /// Decodes the answer to a list of the folder `listed`.
    fn decode(resp: crate::transport::ApiResponse, listed: &str) -> Result<Self> {
        let _ = listed;
        resp.json()
    }
}

impl ListAnswer for SecretList {
    /// The full model, decoded lazily from the answer (see `lazy/`).
    fn decode(resp: crate::transport::ApiResponse, listed: &str) -> Result<Self> {
        SecretList::decode(resp, listed)
    }

    fn holds_nothing(&self) -> bool {
        self.secrets.is_empty() && self.imports.iter().all(|i| i.secrets.is_empty())
    }
}

impl ListAnswer for ValueList {
    fn holds_nothing(&self) -> bool {
        self.is_empty()
    }
}

/// After an empty or 404 answer: the [`Error::NotFound`] for an environment the project does not have
/// or a folder its parent does not hold, naming what exists there; `None` when both exist (an empty
/// folder is no error). One request for the root folder, two for another.
///
/// An identity may be allowed to list secrets and not to read the project (a custom role, a token
/// scoped to secrets): its environment goes unchecked, and an empty list of the root is taken as the
/// server answered it, but its folder is still checked against the parent's folders. Only that
/// refusal is let pass: a check that cannot reach the server fails as an outage, so an empty answer
/// is never taken as the truth on a guess (and never kept in a cache as the last good load).
pub(crate) async fn missing_target(client: &Client, req: &ListSecrets) -> Result<Option<Error>> {
    let (project, environment) = (&req.project, req.environment.as_str());
    match client.projects().get(project).await {
        Ok(found) if !found.environments.iter().any(|e| e.slug == environment) => {
            return Ok(Some(Error::NotFound {
                target: format!("environment `{environment}`"),
                within: format!("project `{project}`"),
                existing: found.environments.into_iter().map(|e| e.slug).collect(),
            }));
        }
        Ok(_) => {}
        Err(err) if err.is_unavailable() => return Err(err),
        Err(err) => {
            tracing::debug!(%project, error = %err, "could not read the project to check that the environment exists")
        }
    }
    let folder = normalize_path(&req.path);
    let Some((parent, name)) = folder.rsplit_once('/').filter(|(_, name)| !name.is_empty()) else { return Ok(None) };
    let parent = normalize_path(parent);
    let siblings = client.folders().list(&ListFolders::new(project.clone(), environment).path(parent.as_str())).await;
    // Older servers answer a folder listing in an unknown environment with a bare "Environment not
    // found": say which, and why it was asked.
    let siblings = siblings.map_err(|err| match err {
        Error::Api(api) => Error::from(api.with_hint(format!(
            "while checking that folder `{folder}` exists in environment `{environment}` of project `{project}`, \
             whose list came back empty"
        ))),
        other => other,
    })?;
    if siblings.iter().any(|f| f.name == name) {
        return Ok(None);
    }
    Ok(Some(Error::NotFound {
        target: format!("folder `{folder}`"),
        within: format!("environment `{environment}` of project `{project}` (folders in `{parent}`)"),
        existing: siblings.into_iter().map(|f| f.name).collect(),
    }))
}

/// The project id for a read; empty when the routes in use take a slug and the project is one, which
/// those routes take as it is (saving a lookup).
pub(super) async fn read_scope(client: &Client, project: &ProjectRef) -> Result<String> {
    project.validate()?;
    match project {
        ProjectRef::Slug(_) if client.inner.routes.routes().project_slug.is_some() => Ok(String::new()),
        _ => client.project_id(project).await,
    }
}

/// Without If-None-Match a 304 means a confused proxy: there is nothing to return.
fn unexpected_304(resp: &crate::transport::ApiResponse) -> Error {
    Error::Decode { endpoint: resp.endpoint.clone(), detail: "unexpected 304 Not Modified".into() }
}

/// Names the project on a read: by slug where the generation takes one and no id was looked up
/// (`project_id` empty, see `read_scope`), else by id.
pub(super) fn project_query(req: ApiRequest, routes: &Routes, project: &ProjectRef, project_id: &str) -> ApiRequest {
    match (project, routes.project_slug) {
        (ProjectRef::Slug(slug), Some(param)) if project_id.is_empty() => req.query(param, slug.as_str()),
        _ => req.query(routes.project_id, project_id),
    }
}

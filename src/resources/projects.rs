//! Projects and their environments.

use serde::Deserialize;

use super::{ProjectRef, null_default, require};
use crate::Client;
use crate::error::{Error, Result};
use crate::transport::ApiRequest;

/// A project, with its environments: what [`Projects::get`] and [`Projects::list`] answer. Its
/// environments' slugs are what the secret requests take as `environment`.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// # let fake = infisical_config::testing::FakeInfisical::builder().secret("dev", "/", "A", "1").secret("prod", "/", "A", "2").start().await;
/// # let client = fake.client_builder().build()?;
/// let project = client.projects().get_by_slug("fake-project").await?;
/// assert_eq!(project.id, fake.project_id());
/// let slugs: Vec<&str> = project.environments.iter().map(|e| e.slug.as_str()).collect();
/// assert_eq!(slugs, ["dev", "prod"]);
/// # Ok::<(), infisical_config::Error>(()) }).unwrap();
/// ```
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Project {
    /// The id.
    pub id: String,
    /// The name.
    #[serde(default, deserialize_with = "null_default")]
    pub name: String,
    /// The slug.
    #[serde(default, deserialize_with = "null_default")]
    pub slug: String,
    /// The organization's id.
    pub org_id: Option<String>,
    /// The kind of project (`secret-manager`, `cert-manager`, `kms`, ...), on current servers.
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    /// Its environments.
    #[serde(default, deserialize_with = "null_default")]
    pub environments: Vec<Environment>,
    /// Creation time (ISO 8601).
    pub created_at: Option<String>,
}

/// An environment of a project (one of [`Project::environments`]).
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// # let fake = infisical_config::testing::FakeInfisical::builder().secret("staging", "/", "A", "1").start().await;
/// # let client = fake.client_builder().build()?;
/// let project = client.projects().get(&fake.project_id().into()).await?;
/// let staging = &project.environments[0];
/// assert_eq!(staging.slug, "staging"); // what `ListSecrets::new(project, "staging")` takes
/// # Ok::<(), infisical_config::Error>(()) }).unwrap();
/// ```
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[non_exhaustive]
pub struct Environment {
    /// The id.
    #[serde(default)]
    pub id: String,
    /// The name (`Development`).
    #[serde(default, deserialize_with = "null_default")]
    pub name: String,
    /// The slug (`dev`), which the API takes as `environment`.
    #[serde(default, deserialize_with = "null_default")]
    pub slug: String,
}

#[derive(Deserialize)]
struct Wrapped {
    #[serde(alias = "workspace")]
    project: Project,
}

#[derive(Deserialize)]
struct Listed {
    #[serde(alias = "workspaces")]
    projects: Vec<Project>,
}

/// The projects handler, `client.projects()`: a project and its environments, by id or slug, and
/// every project the caller can see.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// # let fake = infisical_config::testing::FakeInfisical::builder().secret("dev", "/", "A", "1").start().await;
/// # let client = fake.client_builder().build()?;
/// let project = client.projects().get_by_slug("fake-project").await?;
/// let envs: Vec<&str> = project.environments.iter().map(|e| e.slug.as_str()).collect();
/// println!("{} ({}) has {envs:?}", project.name, project.id);
/// assert_eq!(envs, ["dev"]);
/// # Ok::<(), infisical_config::Error>(()) }).unwrap();
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Projects<'c> {
    client: &'c Client,
}

impl Client {
    /// The projects handler.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # let fake = infisical_config::testing::FakeInfisical::builder().secret("dev", "/", "A", "1").start().await;
    /// # let client = fake.client_builder().build()?;
    /// let project = client.projects().get(&"fake-project".into()).await?;
    /// assert_eq!(project.slug, "fake-project");
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    #[must_use]
    pub fn projects(&self) -> Projects<'_> {
        Projects { client: self }
    }
}

impl Projects<'_> {
    /// A project by slug, with its id and environments, in one request.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # let fake = infisical_config::testing::FakeInfisical::builder().secret("dev", "/", "A", "1").start().await;
    /// # let client = fake.client_builder().build()?;
    /// let project = client.projects().get_by_slug("fake-project").await?;
    /// assert_eq!(project.id, fake.project_id());
    ///
    /// let err = client.projects().get_by_slug("no-such-project").await.unwrap_err();
    /// assert_eq!(err.status(), Some(404));
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] for an empty slug. [`Error::Api`] with status 404 when there is no such
    /// project in the caller's organization; servers of 2024 answer that with a bare 500, which comes back
    /// with a hint that the slug may not exist.
    pub async fn get_by_slug(&self, slug: &str) -> Result<Project> {
        require("slug", slug)?;
        let resp =
            self.client.routed(|routes| Ok(ApiRequest::get(routes.project_by_slug).segment(slug))).await.map_err(
                |e| match e {
                    // Servers of 2024 answer an unknown slug with a bare 500.
                    Error::Api(api) if api.status() == 500 => {
                        Error::from(api.with_hint(format!("the project slug `{slug}` may not exist")))
                    }
                    other => other,
                },
            )?;
        resp.json()
    }

    /// A project by id.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # let fake = infisical_config::testing::FakeInfisical::builder().secret("dev", "/", "A", "1").start().await;
    /// # let client = fake.client_builder().build()?;
    /// let project = client.projects().get_by_id(fake.project_id()).await?;
    /// assert_eq!(project.slug, "fake-project");
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] for an empty id; [`Error::Api`] with status 404 when there is no such
    /// project, 403 when the caller is not a member of it.
    pub async fn get_by_id(&self, id: &str) -> Result<Project> {
        require("id", id)?;
        let resp = self.client.routed(|routes| Ok(ApiRequest::get(routes.projects).segment(id))).await?;
        Ok(resp.json::<Wrapped>()?.project)
    }

    /// A project by id or slug (a UUID is an id, anything else a slug; see [`ProjectRef`]).
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # let fake = infisical_config::testing::FakeInfisical::builder().secret("dev", "/", "A", "1").start().await;
    /// # let client = fake.client_builder().build()?;
    /// use infisical_config::resources::ProjectRef;
    ///
    /// let by_slug = client.projects().get(&ProjectRef::from("fake-project")).await?;
    /// let by_id = client.projects().get(&ProjectRef::from(fake.project_id())).await?;
    /// assert_eq!(by_slug.id, by_id.id);
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// As [`get_by_id`](Self::get_by_id) and [`get_by_slug`](Self::get_by_slug).
    pub async fn get(&self, project: &ProjectRef) -> Result<Project> {
        project.validate()?;
        match project {
            ProjectRef::Id(id) => self.get_by_id(id).await,
            ProjectRef::Slug(slug) => self.get_by_slug(slug).await,
        }
    }

    /// Every project the caller can see.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # use wiremock::{Mock, MockServer, ResponseTemplate, matchers::*};
    /// # let server = MockServer::start().await;
    /// # Mock::given(method("GET")).and(path("/api/v1/projects")).and(query_param("includeRoles", "false"))
    /// #     .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"projects": [{"id": "22770578-ba92-407c-a19b-e79cd7aa39d9", "name": "Payments", "slug": "payments", "environments": [{"id": "e1", "name": "Development", "slug": "dev"}]}]})))
    /// #     .expect(1).mount(&server).await;
    /// # let client = infisical_config::Client::builder().site(server.uri()).access_token("token")
    /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false).build()?;
    /// # let project = "22770578-ba92-407c-a19b-e79cd7aa39d9";
    /// let projects = client.projects().list().await?;
    /// let slugs: Vec<&str> = projects.iter().map(|p| p.slug.as_str()).collect();
    /// assert_eq!(slugs, ["payments"]);
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// [`Error::Api`] when the server refuses (401 for a rejected token, say).
    pub async fn list(&self) -> Result<Vec<Project>> {
        let resp = self
            .client
            .routed(|routes| {
                Ok(routes.project_list_query.iter().fold(ApiRequest::get(routes.projects), |r, (k, v)| r.query(k, *v)))
            })
            .await?;
        Ok(resp.json::<Listed>()?.projects)
    }
}

impl Client {
    /// The id of a project named by id or slug; slugs are looked up once per client, and concurrent
    /// callers asking for the same slug share one lookup.
    pub(crate) async fn project_id(&self, project: &ProjectRef) -> Result<String> {
        project.validate()?;
        match project {
            ProjectRef::Id(id) => Ok(id.clone()),
            ProjectRef::Slug(slug) => {
                let cell = self.inner.project_ids.cell(slug);
                cell.get_or_try_init(|| async { Ok(self.projects().get_by_slug(slug).await?.id) }).await.cloned()
            }
        }
    }

    /// The slug of a project named by id or slug, for the routes that take only slugs (dynamic
    /// secrets); ids are looked up once per client, and concurrent callers asking for the same id share
    /// one lookup, which also teaches the slug's id.
    pub(crate) async fn project_slug(&self, project: &ProjectRef) -> Result<String> {
        project.validate()?;
        let ProjectRef::Id(id) = project else { return Ok(project.as_str().to_owned()) };
        let cell = self.inner.project_slugs.cell(id);
        cell.get_or_try_init(|| async {
            let found = self.projects().get_by_id(id).await?;
            if found.slug.is_empty() {
                return Err(Error::Decode {
                    endpoint: format!("GET /api/v1/projects/{id}"),
                    detail: "the project has no `slug`, which the dynamic-secret routes need".into(),
                });
            }
            let _ = self.inner.project_ids.cell(&found.slug).set(found.id);
            Ok(found.slug)
        })
        .await
        .cloned()
    }
}

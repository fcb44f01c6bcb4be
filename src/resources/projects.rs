//! Projects and their environments.

use serde::Deserialize;

use super::{ProjectRef, null_default, require};
use crate::Client;
use crate::error::{Error, Result};
use crate::transport::ApiRequest;

/// A project, with its environments.
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

/// An environment of a project.
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

/// The projects handler: `client.projects()`.
///
/// ```no_run
/// # async fn run(client: infisical_config::Client) -> infisical_config::Result<()> {
/// let project = client.projects().get_by_slug("my-project").await?;
/// let envs: Vec<&str> = project.environments.iter().map(|e| e.slug.as_str()).collect();
/// println!("{} ({}) has {envs:?}", project.name, project.id);
/// # Ok(()) }
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Projects<'c> {
    client: &'c Client,
}

impl Client {
    /// The projects handler.
    #[must_use]
    pub fn projects(&self) -> Projects<'_> {
        Projects { client: self }
    }
}

impl Projects<'_> {
    /// A project by slug, with its id and environments, in one request.
    ///
    /// # Errors
    /// [`Error::Api`] (404) when there is no such project in the caller's organization.
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
    /// # Errors
    /// [`Error::Api`] (404) when there is no such project.
    pub async fn get_by_id(&self, id: &str) -> Result<Project> {
        require("id", id)?;
        let resp = self.client.routed(|routes| Ok(ApiRequest::get(routes.projects).segment(id))).await?;
        Ok(resp.json::<Wrapped>()?.project)
    }

    /// A project by id or slug.
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
    /// # Errors
    /// [`Error::Api`] when the server refuses.
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

//! Typed handlers for the API's resources: one per resource, reached from the client, each taking a
//! request value and answering a model.
//!
//! ```
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! # use infisical_config::testing::FakeInfisical;
//! # let fake = FakeInfisical::builder().secret("dev", "/", "API_KEY", "k").secret("dev", "/db", "PASSWORD", "p").start().await;
//! # let client = fake.client_builder().build()?;
//! use infisical_config::resources::ListSecrets;
//!
//! // `client.secrets()` is the handler; `ListSecrets` says what to list.
//! let list = client.secrets().list(&ListSecrets::new(fake.project_id(), "dev")).await?;
//! assert_eq!(list.secrets[0].key, "API_KEY");
//!
//! // Required inputs are constructor arguments, options are setters.
//! let all = client.secrets().list(&ListSecrets::new(fake.project_id(), "dev").recursive(true)).await?;
//! assert_eq!(all.secrets.len(), 2);
//!
//! // Other resources follow the same pattern.
//! let project = client.projects().get(&fake.project_id().into()).await?;
//! assert_eq!(project.environments[0].slug, "dev");
//! # Ok::<(), infisical_config::Error>(()) }).unwrap();
//! ```
//!
//! The handlers: `client.secrets()` ([`Secrets`]), `client.folders()` ([`Folders`]),
//! `client.imports()` ([`Imports`]), `client.projects()` ([`Projects`]), `client.certificates()`
//! ([`Certificates`]), `client.kms()` ([`Kms`]), `client.dynamic_secrets()` ([`DynamicSecrets`]).
//!
//! Required inputs (project, environment, names, ids) are constructor arguments of the request types;
//! optional ones are builder setters. Inputs the server would refuse are refused before sending, with
//! [`crate::Error::InvalidRequest`] naming the field:
//!
//! ```
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! # let fake = infisical_config::testing::FakeInfisical::builder().start().await;
//! # let client = fake.client_builder().build()?;
//! use infisical_config::{Error, resources::ListSecrets};
//!
//! let err = client.secrets().list(&ListSecrets::new(fake.project_id(), "")).await.unwrap_err();
//! assert!(matches!(err, Error::InvalidRequest { field: "environment", .. }));
//! assert_eq!(fake.requests().await, 0); // refused before anything was sent
//! # Ok::<(), infisical_config::Error>(()) }).unwrap();
//! ```

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

use crate::Client;
use crate::error::{Error, Result};
use crate::routes::{Generation, Routes};
use crate::transport::{ApiRequest, ApiResponse};

pub mod certificates;
pub mod dynamic_secrets;
pub mod folders;
pub mod imports;
pub mod kms;
pub mod projects;
pub mod secrets;

pub use crate::routes::ApiVersion;
pub use certificates::Certificates;
pub use dynamic_secrets::DynamicSecrets;
pub use folders::{Folders, ListFolders};
pub use imports::Imports;
pub use kms::Kms;
pub use projects::Projects;
pub use secrets::{ListSecrets, Secret, SecretList, Secrets};

/// A project, named by id or by slug.
///
/// Strings convert by their look: a UUID is an id, anything else a slug. Slugs are turned into ids with
/// one request, remembered for the life of the client.
///
/// ```
/// use infisical_config::resources::ProjectRef;
///
/// assert!(matches!(ProjectRef::from("22770578-ba92-407c-a19b-e79cd7aa39d9"), ProjectRef::Id(_)));
/// assert!(matches!(ProjectRef::from("rust-sdk-test"), ProjectRef::Slug(_)));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ProjectRef {
    /// A project id (a UUID).
    Id(String),
    /// A project slug.
    Slug(String),
}

impl ProjectRef {
    /// A project id, whatever it looks like (for ids that are not UUIDs; a UUID converts by itself).
    ///
    /// ```
    /// use infisical_config::resources::ProjectRef;
    ///
    /// let project = ProjectRef::id("legacy-id-42");
    /// assert_eq!(project, ProjectRef::Id("legacy-id-42".into()));
    /// assert_eq!(ProjectRef::from("legacy-id-42"), ProjectRef::slug("legacy-id-42")); // by its look, a slug
    /// ```
    #[must_use]
    pub fn id(id: impl Into<String>) -> Self {
        ProjectRef::Id(id.into())
    }

    /// A project slug, whatever it looks like (for a slug that happens to look like a UUID).
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # let fake = infisical_config::testing::FakeInfisical::builder().secret("dev", "/", "API_KEY", "k").start().await;
    /// # let client = fake.client_builder().build()?;
    /// use infisical_config::resources::{ListSecrets, ProjectRef};
    ///
    /// // The slug is turned into the project's id with one lookup, remembered by the client.
    /// let list = client.secrets().list(&ListSecrets::new(ProjectRef::slug("fake-project"), "dev")).await?;
    /// assert_eq!(list.secrets[0].key, "API_KEY");
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    #[must_use]
    pub fn slug(slug: impl Into<String>) -> Self {
        ProjectRef::Slug(slug.into())
    }

    /// The id or slug as written.
    ///
    /// ```
    /// use infisical_config::resources::ProjectRef;
    ///
    /// assert_eq!(ProjectRef::from("my-app").as_str(), "my-app");
    /// let id = "22770578-ba92-407c-a19b-e79cd7aa39d9";
    /// assert_eq!(ProjectRef::id(id).as_str(), id);
    /// ```
    #[must_use]
    pub fn as_str(&self) -> &str {
        match self {
            ProjectRef::Id(s) | ProjectRef::Slug(s) => s,
        }
    }

    pub(crate) fn validate(&self) -> Result<()> {
        require("project", self.as_str())
    }
}

fn looks_like_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups.iter().zip([8, 4, 4, 4, 12]).all(|(g, n)| g.len() == n && g.chars().all(|c| c.is_ascii_hexdigit()))
}

impl From<&str> for ProjectRef {
    fn from(s: &str) -> Self {
        if looks_like_uuid(s) { ProjectRef::Id(s.to_owned()) } else { ProjectRef::Slug(s.to_owned()) }
    }
}

impl From<String> for ProjectRef {
    fn from(s: String) -> Self {
        ProjectRef::from(s.as_str())
    }
}

impl From<&String> for ProjectRef {
    fn from(s: &String) -> Self {
        ProjectRef::from(s.as_str())
    }
}

impl fmt::Display for ProjectRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The result of a create, update or delete: done, or waiting for someone to approve it (a change
/// policy applies to the environment).
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// # use wiremock::{Mock, MockServer, ResponseTemplate, matchers::{method, path}};
/// # let server = MockServer::start().await;
/// # Mock::given(method("POST")).and(path("/api/v4/secrets/API_KEY")).respond_with(ResponseTemplate::new(200)
/// #     .set_body_json(serde_json::json!({"approval": {"id": "req-1", "status": "open", "policyId": "pol-1"}}))).mount(&server).await;
/// # let client = infisical_config::Client::builder().site(server.uri()).access_token("token")
/// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false).build()?;
/// # let project = "22770578-ba92-407c-a19b-e79cd7aa39d9";
/// use infisical_config::resources::{Outcome, secrets::CreateSecret};
///
/// let req = CreateSecret::new(project, "prod", "API_KEY", "s3cr3t");
/// match client.secrets().create(&req).await? {
///     Outcome::Applied(secret) => println!("created {} version {}", secret.key, secret.version),
///     Outcome::PendingApproval(approval) => {
///         // prod has a change policy: someone must approve the change first.
///         assert_eq!(approval.id, "req-1");
///     }
/// }
/// # Ok::<(), infisical_config::Error>(()) }).unwrap();
/// ```
#[derive(Clone, Debug)]
#[must_use]
pub enum Outcome<T> {
    /// The change was made.
    Applied(T),
    /// The change waits for approval.
    PendingApproval(ApprovalRequest),
}

impl<T> Outcome<T> {
    /// The changed resource, or `None` when the change waits for approval.
    ///
    /// ```
    /// use infisical_config::resources::Outcome;
    ///
    /// assert_eq!(Outcome::Applied(7).applied(), Some(7));
    /// ```
    pub fn applied(self) -> Option<T> {
        match self {
            Outcome::Applied(t) => Some(t),
            Outcome::PendingApproval(_) => None,
        }
    }
}

/// A change waiting for approval: what [`Outcome::PendingApproval`] holds when the environment has a
/// change policy. Keep its `id` to follow the request in Infisical.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// # use wiremock::{Mock, MockServer, ResponseTemplate, matchers::*};
/// # let server = MockServer::start().await;
/// # Mock::given(method("PATCH")).and(path("/api/v4/secrets/API_KEY"))
/// #     .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"approval": {"id": "req-1", "status": "open", "policyId": "pol-1"}})))
/// #     .expect(1).mount(&server).await;
/// # let client = infisical_config::Client::builder().site(server.uri()).access_token("token")
/// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false).build()?;
/// # let project = "22770578-ba92-407c-a19b-e79cd7aa39d9";
/// use infisical_config::resources::{Outcome, secrets::UpdateSecret};
///
/// let req = UpdateSecret::new(project, "prod", "API_KEY").value("n3w");
/// let Outcome::PendingApproval(approval) = client.secrets().update(&req).await? else { panic!("applied") };
/// assert_eq!((approval.id.as_str(), approval.status.as_deref()), ("req-1", Some("open")));
/// # Ok::<(), infisical_config::Error>(()) }).unwrap();
/// ```
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ApprovalRequest {
    /// The request's id.
    #[serde(default)]
    pub id: String,
    /// Its status (`open`, ...).
    pub status: Option<String>,
    /// The policy that asked for approval.
    pub policy_id: Option<String>,
    /// When it was made.
    pub created_at: Option<String>,
}

/// The answer to a conditional request (`If-None-Match`): what
/// [`Secrets::list_if_modified`](crate::resources::Secrets::list_if_modified) answers.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// # let fake = infisical_config::testing::FakeInfisical::builder().secret("dev", "/", "API_KEY", "k").start().await;
/// # let client = fake.client_builder().build()?;
/// use infisical_config::resources::{Conditional, ListSecrets};
///
/// let req = ListSecrets::new(fake.project_id(), "dev");
/// let list = client.secrets().list(&req).await?;
/// let etag = list.etag.expect("the server tags its lists");
/// // Nothing changed: a 304 with no body.
/// assert!(matches!(client.secrets().list_if_modified(&req, &etag).await?, Conditional::NotModified));
/// fake.set_secret("dev", "/", "API_KEY", "rotated");
/// let Conditional::Modified(fresh) = client.secrets().list_if_modified(&req, &etag).await? else { panic!() };
/// assert_ne!(fresh.etag.as_deref(), Some(etag.as_str()));
/// # Ok::<(), infisical_config::Error>(()) }).unwrap();
/// ```
#[derive(Clone, Debug)]
#[must_use]
pub enum Conditional<T> {
    /// The resource changed (or no tag was given): here it is.
    Modified(T),
    /// The resource is as it was when the tag was taken (HTTP 304).
    NotModified,
}

/// Decodes `null` as the type's default (servers send `null` for empty lists and strings).
pub(crate) fn null_default<'de, D, T>(d: D) -> std::result::Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// The most items a list in one answer may hold. A capped answer of tiny items would otherwise cost
/// many times its size once decoded (each item a struct of many fields): this bounds that cost.
pub(crate) const MAX_LIST_ITEMS: usize = 100_000;

/// Decodes a list (or `null`, as empty) of at most [`MAX_LIST_ITEMS`] items, failing as soon as it
/// holds more.
pub(crate) fn bounded_list<'de, D, T>(d: D) -> std::result::Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct Bounded<T>(std::marker::PhantomData<T>);
    impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for Bounded<T> {
        type Value = Vec<T>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "a list of at most {MAX_LIST_ITEMS} items")
        }
        fn visit_unit<E>(self) -> std::result::Result<Vec<T>, E> {
            Ok(Vec::new())
        }
        fn visit_none<E>(self) -> std::result::Result<Vec<T>, E> {
            Ok(Vec::new())
        }
        fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> std::result::Result<Vec<T>, D2::Error> {
            d.deserialize_seq(self)
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Vec<T>, A::Error> {
            let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
            while let Some(item) = seq.next_element()? {
                if items.len() == MAX_LIST_ITEMS {
                    return Err(serde::de::Error::custom(format_args!(
                        "invalid length, expected a list of at most {MAX_LIST_ITEMS} items"
                    )));
                }
                items.push(item);
            }
            Ok(items)
        }
    }
    d.deserialize_option(Bounded(std::marker::PhantomData))
}

/// Decodes an integer that may arrive as a float (`1.0`) or be missing.
pub(crate) fn lenient_u64<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<u64, D::Error> {
    let v = Option::<f64>::deserialize(d)?.unwrap_or(0.0);
    Ok(if v.is_finite() && v > 0.0 { v as u64 } else { 0 })
}

/// Checks a secret name as the server's `SecretNameSchema` does.
pub(crate) fn check_secret_name(field: &'static str, name: &str) -> Result<()> {
    if name.trim().is_empty() {
        return Err(Error::invalid(field, "is empty"));
    }
    if let Some(c) = name.chars().find(|c| matches!(c, '/' | ':')) {
        return Err(Error::invalid(field, format!("`{name}` holds `{c}`, which secret names cannot contain")));
    }
    Ok(())
}

/// Checks a folder name: letters, digits, `-` and `_` only.
pub(crate) fn check_folder_name(name: &str) -> Result<()> {
    if name.is_empty() {
        return Err(Error::invalid("name", "is empty"));
    }
    if let Some(c) = name.chars().find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))) {
        return Err(Error::invalid(
            "name",
            format!("folder name `{name}` holds `{c}`; use letters, digits, `-` and `_`"),
        ));
    }
    Ok(())
}

pub(crate) use crate::folder_path::normalize_path;

/// Refuses an empty required input, naming it.
pub(crate) fn require(field: &'static str, value: &str) -> Result<()> {
    if value.trim().is_empty() {
        return Err(Error::invalid(field, "is empty"));
    }
    Ok(())
}

pub(crate) fn check_environment(env: &str) -> Result<()> {
    require("environment", env)
}

/// The project field of a request body: `projectId` on current routes, `workspaceId` on legacy ones.
#[derive(Serialize)]
pub(crate) enum ProjectKey<'a> {
    #[serde(rename = "projectId")]
    Current(&'a str),
    #[serde(rename = "workspaceId")]
    Legacy(&'a str),
}

impl<'a> ProjectKey<'a> {
    pub(crate) fn new(routes: &Routes, id: &'a str) -> Self {
        match routes.generation {
            Generation::Current => ProjectKey::Current(id),
            Generation::Legacy => ProjectKey::Legacy(id),
        }
    }
}

/// A request body with the project field added.
#[derive(Serialize)]
pub(crate) struct Scoped<'a, B> {
    #[serde(flatten)]
    pub(crate) project: ProjectKey<'a>,
    #[serde(flatten)]
    pub(crate) body: B,
}

/// Decodes a write's answer: the envelope `E` (`{"secret": ...}`), or `{"approval": ...}`.
///
/// Decoded straight into typed structs: a detour through `serde_json::Value` would copy secret values
/// into buffers nobody wipes.
pub(crate) fn decode_outcome<E, T>(resp: &ApiResponse, unwrap: impl FnOnce(E) -> T) -> Result<Outcome<T>>
where
    E: serde::de::DeserializeOwned,
{
    #[derive(Deserialize)]
    struct Approval {
        approval: Option<ApprovalRequest>,
    }
    if let Ok(Approval { approval: Some(approval) }) = resp.json::<Approval>() {
        return Ok(Outcome::PendingApproval(approval));
    }
    resp.json::<E>().map(unwrap).map(Outcome::Applied)
}

impl Client {
    /// Sends a request made from the route table of the generation in use.
    ///
    /// `make` builds the request from a [`Routes`]; it is called again with the legacy table when the
    /// probe finds an older server.
    ///
    /// In automatic mode the first caller probes the current route while every other caller waits for
    /// its answer: "route not found" settles the client on the legacy routes for good, any other answer
    /// from the server on the current ones. A caller whose current-route request met "route not found"
    /// after the choice settled elsewhere sends it again on the settled route.
    pub(crate) async fn routed<F>(&self, make: F) -> Result<ApiResponse>
    where
        F: Fn(&'static Routes) -> Result<ApiRequest> + Send + Sync,
    {
        let choice = &self.inner.routes;
        let _probe = if choice.undecided() {
            let guard = choice.probe.lock().await;
            // Settled while this caller waited: no need to keep the others waiting.
            choice.undecided().then_some(guard)
        } else {
            None
        };
        let routes = choice.routes();
        let on_current = routes.generation == Generation::Current;
        let req = make(routes)?;
        match self.execute(&req).await {
            Err(Error::Api(api)) if on_current && api.is_unknown_route() && !choice.current_settled() => {
                if choice.settle_legacy() {
                    tracing::warn!(
                        site = %self.inner.site,
                        route = %req.describe(),
                        "this Infisical server predates the v4 secrets API; using the legacy v3/v1 routes from now on"
                    );
                }
                self.execute(&make(Generation::Legacy.routes())?).await
            }
            Err(Error::Api(api)) => {
                if on_current && !api.is_unknown_route() {
                    // The route exists (the server answered past its router): the current generation.
                    choice.settle_current();
                }
                Err(Error::Api(api))
            }
            Ok(resp) => {
                if on_current {
                    choice.settle_current();
                }
                Ok(resp)
            }
            Err(err) => Err(err),
        }
    }

    /// A write whose body is the same on both generations but for the project field: `route` picks
    /// the path from the table, `name` an optional last segment.
    pub(crate) async fn scoped_write<B: Serialize + Sync>(
        &self,
        method: reqwest::Method,
        route: fn(&Routes) -> &'static [&'static str],
        name: Option<&str>,
        project_id: &str,
        body: &B,
    ) -> Result<ApiResponse> {
        self.routed(|routes| {
            let mut req = ApiRequest::new(method.clone(), route(routes));
            if let Some(name) = name {
                req = req.segment(name);
            }
            req.json(&Scoped { project: ProjectKey::new(routes, project_id), body })
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked() {
        assert!(check_secret_name("name", "OK_NAME").is_ok());
        let err = check_secret_name("name", "a/b").unwrap_err().to_string();
        assert!(err.contains("`name`") && err.contains('/'), "{err}");
        assert!(check_secret_name("name", "a:b").is_err());
        assert!(check_secret_name("name", "  ").is_err());
        assert!(check_folder_name("db-1_x").is_ok());
        assert!(check_folder_name("db.x").unwrap_err().to_string().contains("`.`"));
        assert!(check_folder_name("").is_err());
    }

    #[test]
    fn paths_normalise() {
        for path in ["", "/", "//", "/db", "/db/", "db", " /db", "/db ", "//db", "/ db", "/db//x", "/\t"] {
            assert_eq!(crate::folder_path::into_normal_path(path.to_owned()), normalize_path(path), "{path:?}");
        }
        assert_eq!(normalize_path(""), "/");
        assert_eq!(normalize_path("/"), "/");
        assert_eq!(normalize_path("db/"), "/db");
        assert_eq!(normalize_path("/db/replica/"), "/db/replica");
    }

    #[test]
    fn project_key_serialises_per_version() {
        #[derive(Serialize)]
        struct B {
            environment: &'static str,
        }
        let cur = serde_json::to_value(Scoped {
            project: ProjectKey::new(&crate::routes::CURRENT, "p"),
            body: B { environment: "dev" },
        })
        .unwrap();
        assert_eq!(cur, serde_json::json!({"projectId": "p", "environment": "dev"}));
        let old = serde_json::to_value(Scoped {
            project: ProjectKey::new(&crate::routes::LEGACY, "p"),
            body: B { environment: "dev" },
        })
        .unwrap();
        assert_eq!(old, serde_json::json!({"workspaceId": "p", "environment": "dev"}));
    }
}

//! Which folder's imports, and what to change in one: what the caller sends.

use serde::Serialize;

use crate::resources::{ProjectRef, normalize_path};

/// Which folder's imports a request to [`Imports`](super::Imports) is about: project, environment, path.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// # let fake = infisical_config::testing::FakeInfisical::builder()
/// #     .secret("staging", "/shared", "SHARED_API_KEY", "k").import("dev", "/app", "staging", "/shared").start().await;
/// # let client = fake.client_builder().build()?;
/// use infisical_config::resources::imports::ImportTarget;
///
/// let app = ImportTarget::new(fake.project_id(), "dev").path("/app");
/// let imports = client.imports().list(&app).await?;
/// assert_eq!(imports[0].import_path, "/shared");
/// # Ok::<(), infisical_config::Error>(()) }).unwrap();
/// ```
#[derive(Clone, Debug)]
#[must_use]
pub struct ImportTarget {
    pub(super) project: ProjectRef,
    pub(super) environment: String,
    pub(super) path: String,
}

impl ImportTarget {
    /// The root folder of `project`'s `environment` (`project`: an id or a slug).
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # let fake = infisical_config::testing::FakeInfisical::builder()
    /// #     .secret("staging", "/shared", "SHARED_API_KEY", "k").import("dev", "/app", "staging", "/shared").start().await;
    /// # let client = fake.client_builder().build()?;
    /// use infisical_config::resources::imports::ImportTarget;
    ///
    /// let root = client.imports().list(&ImportTarget::new(fake.project_id(), "dev")).await?;
    /// assert!(root.is_empty()); // only /app imports here
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    pub fn new(project: impl Into<ProjectRef>, environment: impl Into<String>) -> Self {
        ImportTarget { project: project.into(), environment: environment.into(), path: "/".into() }
    }

    /// The importing folder (default `/`).
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # let fake = infisical_config::testing::FakeInfisical::builder()
    /// #     .secret("staging", "/shared", "SHARED_API_KEY", "k").import("dev", "/app", "staging", "/shared").start().await;
    /// # let client = fake.client_builder().build()?;
    /// use infisical_config::resources::imports::ImportTarget;
    ///
    /// let app = client.imports().list(&ImportTarget::new(fake.project_id(), "dev").path("/app")).await?;
    /// assert_eq!(app.len(), 1);
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    pub fn path(mut self, path: impl Into<String>) -> Self {
        self.path = path.into();
        self
    }
}

/// What to change in an import, for [`Imports::update`](super::Imports::update): only what is set is sent.
///
/// ```
/// use infisical_config::resources::imports::ImportChange;
///
/// let change = ImportChange::default().environment("prod").path("/shared").position(1);
/// let sent = serde_json::to_value(&change).unwrap();
/// assert_eq!(sent, serde_json::json!({"environment": "prod", "path": "/shared", "position": 1}));
/// ```
#[derive(Clone, Debug, Default, Serialize)]
#[must_use]
pub struct ImportChange {
    #[serde(skip_serializing_if = "Option::is_none")]
    environment: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    position: Option<u64>,
}

impl ImportChange {
    crate::setters::setters! {
        /// Imports from this environment instead.
        ///
        /// ```
        /// use infisical_config::resources::imports::ImportChange;
        ///
        /// let sent = serde_json::to_value(ImportChange::default().environment("prod")).unwrap();
        /// assert_eq!(sent, serde_json::json!({"environment": "prod"}));
        /// ```
        environment(env: impl Into<String>) => environment = Some(env.into());

        /// Imports from this folder instead (normalised: `shared/` becomes `/shared`).
        ///
        /// ```
        /// use infisical_config::resources::imports::ImportChange;
        ///
        /// let sent = serde_json::to_value(ImportChange::default().path("shared/")).unwrap();
        /// assert_eq!(sent, serde_json::json!({"path": "/shared"}));
        /// ```
        path(path: impl Into<String>) => path = Some(normalize_path(&path.into()));

        /// Moves the import to this position among the folder's imports (from 1; later positions win
        /// when two imports hold the same key).
        ///
        /// ```
        /// use infisical_config::resources::imports::ImportChange;
        ///
        /// let sent = serde_json::to_value(ImportChange::default().position(2)).unwrap();
        /// assert_eq!(sent, serde_json::json!({"position": 2}));
        /// ```
        position(position: u64) => position = Some(position);
    }
}

//! What the caller sends: where dynamic secrets live, and the lease requests.

use std::time::Duration;

use serde::Serialize;

use super::ttl::{Ttl, ttl_text};
use crate::error::Result;
use crate::resources::{ProjectRef, check_environment, normalize_path, require};

/// A folder holding dynamic secrets: project, environment, path.
///
/// The routes name the project by slug; a project given by id is turned into its slug with one request,
/// once per client.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// # use infisical_config::testing::{DynamicSecretSpec, FakeInfisical};
/// # let spec = DynamicSecretSpec::new(std::time::Duration::from_secs(3600));
/// # let fake = FakeInfisical::builder().dynamic_secret("prod", "/db", "postgres", spec).start().await;
/// # let client = fake.client_builder().build()?;
/// use infisical_config::resources::dynamic_secrets::DynamicSecretFolder;
///
/// let folder = DynamicSecretFolder::new(fake.project_id(), "prod").path("/db");
/// let found = client.dynamic_secrets().list(&folder).await?;
/// assert_eq!(found[0].name, "postgres");
/// # Ok::<(), infisical_config::Error>(()) }).unwrap();
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[must_use]
pub struct DynamicSecretFolder {
    pub(crate) project: ProjectRef,
    pub(crate) environment: String,
    pub(crate) path: String,
}

impl DynamicSecretFolder {
    /// The root folder of `project`'s `environment` (a project id or slug, an environment slug).
    ///
    /// ```
    /// # use infisical_config::resources::dynamic_secrets::DynamicSecretFolder;
    /// let root = DynamicSecretFolder::new("6f1e0d3c-5b7a-4c2e-9d8f-0a1b2c3d4e5f", "dev");
    /// assert_eq!(root, DynamicSecretFolder::new("6f1e0d3c-5b7a-4c2e-9d8f-0a1b2c3d4e5f", "dev").path("/"));
    /// ```
    pub fn new(project: impl Into<ProjectRef>, environment: impl Into<String>) -> Self {
        DynamicSecretFolder { project: project.into(), environment: environment.into(), path: "/".into() }
    }

    /// The folder (default `/`).
    ///
    /// ```
    /// # use infisical_config::resources::dynamic_secrets::DynamicSecretFolder;
    /// let folder = DynamicSecretFolder::new("my-project", "dev").path("/db/");
    /// assert_eq!(folder, DynamicSecretFolder::new("my-project", "dev").path("/db"));
    /// ```
    pub fn path(mut self, path: impl AsRef<str>) -> Self {
        self.path = normalize_path(path.as_ref());
        self
    }

    pub(crate) fn validate(&self) -> Result<()> {
        self.project.validate()?;
        check_environment(&self.environment)
    }

    /// ``project `p`, environment `dev`, folder `/db` ``, for errors.
    pub(crate) fn describe(&self) -> String {
        format!("project `{}`, environment `{}`, folder `{}`", self.project, self.environment, self.path)
    }
}

/// Creates a lease: new credentials from a dynamic secret.
///
/// Without [`ttl`](Self::ttl) the lease lives the dynamic secret's default TTL.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// # use infisical_config::testing::{DynamicSecretSpec, FakeInfisical};
/// # let spec = DynamicSecretSpec::new(std::time::Duration::from_secs(3600));
/// # let fake = FakeInfisical::builder().dynamic_secret("prod", "/db", "postgres", spec).start().await;
/// # let client = fake.client_builder().build()?;
/// use std::time::Duration;
/// use infisical_config::resources::dynamic_secrets::{CreateLease, DynamicSecretFolder};
///
/// let folder = DynamicSecretFolder::new(fake.project_id(), "prod").path("/db");
/// let req = CreateLease::new(folder, "postgres").ttl(Duration::from_secs(30 * 60));
/// let created = client.dynamic_secrets().create_lease(&req).await?;
/// let lifetime = created.lease.expire_at.duration_since(created.lease.created_at).unwrap();
/// assert_eq!(lifetime, Duration::from_secs(30 * 60));
/// # Ok::<(), infisical_config::Error>(()) }).unwrap();
/// ```
#[derive(Clone, Debug)]
#[must_use]
pub struct CreateLease {
    pub(crate) folder: DynamicSecretFolder,
    pub(crate) name: String,
    pub(crate) ttl: Option<Duration>,
    pub(crate) namespace: Option<String>,
}

impl CreateLease {
    /// A lease of dynamic secret `name` in `folder`. Names are lower case on the server; this sends it
    /// so.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # use infisical_config::testing::{DynamicSecretSpec, FakeInfisical};
    /// # let spec = DynamicSecretSpec::new(std::time::Duration::from_secs(3600));
    /// # let fake = FakeInfisical::builder().dynamic_secret("prod", "/db", "postgres", spec).start().await;
    /// # let client = fake.client_builder().build()?;
    /// use infisical_config::resources::dynamic_secrets::{CreateLease, DynamicSecretFolder};
    ///
    /// let folder = DynamicSecretFolder::new(fake.project_id(), "prod").path("/db");
    /// let created = client.dynamic_secrets().create_lease(&CreateLease::new(folder, "Postgres")).await?;
    /// assert!(created.data.get("DB_PASSWORD").is_some());
    /// assert_eq!(fake.leases()[0].dynamic_secret, "postgres");
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    pub fn new(folder: DynamicSecretFolder, name: impl Into<String>) -> Self {
        CreateLease { folder, name: name.into().to_lowercase(), ttl: None, namespace: None }
    }

    /// How long the lease lives: at least a minute, at most the dynamic secret's max TTL. Sent with its
    /// unit (`90m`), to the millisecond.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # use infisical_config::testing::{DynamicSecretSpec, FakeInfisical};
    /// # let spec = DynamicSecretSpec::new(std::time::Duration::from_secs(3600));
    /// # let fake = FakeInfisical::builder().dynamic_secret("prod", "/db", "postgres", spec).start().await;
    /// # let client = fake.client_builder().build()?;
    /// use std::time::Duration;
    /// use infisical_config::resources::dynamic_secrets::{CreateLease, DynamicSecretFolder};
    ///
    /// let folder = DynamicSecretFolder::new(fake.project_id(), "prod").path("/db");
    /// let created = client.dynamic_secrets().create_lease(&CreateLease::new(folder, "postgres").ttl(Duration::from_secs(600))).await?;
    /// assert_eq!(created.lease.expire_at.duration_since(created.lease.created_at).unwrap(), Duration::from_secs(600));
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    pub fn ttl(mut self, ttl: Duration) -> Self {
        self.ttl = Some(ttl);
        self
    }

    /// For a dynamic secret of type `kubernetes`: the namespace to create the service account's token
    /// in (default: the first one the dynamic secret allows). Sent to the kubernetes lease route, which
    /// servers from mid-2025 have.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # use infisical_config::testing::{DynamicSecretSpec, FakeInfisical};
    /// # let spec = DynamicSecretSpec::new(std::time::Duration::from_secs(600)).kind("kubernetes").data("TOKEN", "token-{n}");
    /// # let fake = FakeInfisical::builder().dynamic_secret("prod", "/", "cluster-token", spec).start().await;
    /// # let client = fake.client_builder().build()?;
    /// use infisical_config::resources::dynamic_secrets::{CreateLease, DynamicSecretFolder};
    ///
    /// let folder = DynamicSecretFolder::new(fake.project_id(), "prod");
    /// let req = CreateLease::new(folder, "cluster-token").kubernetes_namespace("payments");
    /// client.dynamic_secrets().create_lease(&req).await?;
    /// assert_eq!(fake.leases()[0].config.as_ref().unwrap()["namespace"], "payments");
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    pub fn kubernetes_namespace(mut self, namespace: impl Into<String>) -> Self {
        self.namespace = Some(namespace.into());
        self
    }

    pub(crate) fn validate(&self) -> Result<Option<Ttl>> {
        self.folder.validate()?;
        require("name", &self.name)?;
        if let Some(namespace) = &self.namespace {
            require("namespace", namespace)?;
        }
        self.ttl.map(ttl_text).transpose()
    }
}

/// Renews a lease: its expiry moves by the TTL, the credentials stay.
///
/// The TTL (default: the dynamic secret's default TTL) is added to the lease's current expiry, not to
/// now: renewing early stacks time. The new expiry may not pass the lease's creation plus the dynamic
/// secret's max TTL ([`LeaseError::RenewalPastMaxTtl`](crate::error::LeaseError::RenewalPastMaxTtl)).
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// # use infisical_config::testing::{DynamicSecretSpec, FakeInfisical};
/// # let spec = DynamicSecretSpec::new(std::time::Duration::from_secs(3600));
/// # let fake = FakeInfisical::builder().dynamic_secret("prod", "/db", "postgres", spec).start().await;
/// # let client = fake.client_builder().build()?;
/// use std::time::Duration;
/// use infisical_config::resources::dynamic_secrets::{CreateLease, DynamicSecretFolder, RenewLease};
///
/// let folder = DynamicSecretFolder::new(fake.project_id(), "prod").path("/db");
/// let created = client.dynamic_secrets().create_lease(&CreateLease::new(folder.clone(), "postgres")).await?;
/// let req = RenewLease::new(folder, &created.lease.id).ttl(Duration::from_secs(3600));
/// let renewed = client.dynamic_secrets().renew_lease(&req).await?;
/// // Added to the expiry, not to now.
/// assert_eq!(renewed.expire_at.duration_since(created.lease.expire_at).unwrap(), Duration::from_secs(3600));
/// # Ok::<(), infisical_config::Error>(()) }).unwrap();
/// ```
#[derive(Clone, Debug)]
#[must_use]
pub struct RenewLease {
    pub(crate) folder: DynamicSecretFolder,
    pub(crate) lease_id: String,
    pub(crate) ttl: Option<Duration>,
}

impl RenewLease {
    /// Renews lease `lease_id` of a dynamic secret in `folder`.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # use infisical_config::testing::{DynamicSecretSpec, FakeInfisical};
    /// # let spec = DynamicSecretSpec::new(std::time::Duration::from_secs(3600));
    /// # let fake = FakeInfisical::builder().dynamic_secret("prod", "/db", "postgres", spec).start().await;
    /// # let client = fake.client_builder().build()?;
    /// use infisical_config::resources::dynamic_secrets::{CreateLease, DynamicSecretFolder, RenewLease};
    ///
    /// let folder = DynamicSecretFolder::new(fake.project_id(), "prod").path("/db");
    /// let created = client.dynamic_secrets().create_lease(&CreateLease::new(folder.clone(), "postgres")).await?;
    /// client.dynamic_secrets().renew_lease(&RenewLease::new(folder, &created.lease.id)).await?;
    /// assert_eq!(fake.leases()[0].renewals, 1);
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    pub fn new(folder: DynamicSecretFolder, lease_id: impl Into<String>) -> Self {
        RenewLease { folder, lease_id: lease_id.into(), ttl: None }
    }

    /// The time to add to the current expiry: at least a minute.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # use infisical_config::testing::{DynamicSecretSpec, FakeInfisical};
    /// # let spec = DynamicSecretSpec::new(std::time::Duration::from_secs(3600));
    /// # let fake = FakeInfisical::builder().dynamic_secret("prod", "/db", "postgres", spec).start().await;
    /// # let client = fake.client_builder().build()?;
    /// use std::time::Duration;
    /// use infisical_config::resources::dynamic_secrets::{CreateLease, DynamicSecretFolder, RenewLease};
    ///
    /// let folder = DynamicSecretFolder::new(fake.project_id(), "prod").path("/db");
    /// let created = client.dynamic_secrets().create_lease(&CreateLease::new(folder.clone(), "postgres")).await?;
    /// let req = RenewLease::new(folder, &created.lease.id).ttl(Duration::from_secs(1800));
    /// let renewed = client.dynamic_secrets().renew_lease(&req).await?;
    /// assert_eq!(renewed.expire_at.duration_since(created.lease.expire_at).unwrap(), Duration::from_secs(1800));
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    pub fn ttl(mut self, ttl: Duration) -> Self {
        self.ttl = Some(ttl);
        self
    }

    pub(crate) fn validate(&self) -> Result<Option<Ttl>> {
        self.folder.validate()?;
        require("lease_id", &self.lease_id)?;
        self.ttl.map(ttl_text).transpose()
    }
}

/// Revokes a lease: the provider removes the credentials and the server forgets the lease.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// # use infisical_config::testing::{DynamicSecretSpec, FakeInfisical};
/// # let spec = DynamicSecretSpec::new(std::time::Duration::from_secs(3600));
/// # let fake = FakeInfisical::builder().dynamic_secret("prod", "/db", "postgres", spec).start().await;
/// # let client = fake.client_builder().build()?;
/// use infisical_config::resources::dynamic_secrets::{CreateLease, DynamicSecretFolder, RevokeLease};
/// use infisical_config::testing::FakeLeaseState;
///
/// let folder = DynamicSecretFolder::new(fake.project_id(), "prod").path("/db");
/// let created = client.dynamic_secrets().create_lease(&CreateLease::new(folder.clone(), "postgres")).await?;
/// client.dynamic_secrets().revoke_lease(&RevokeLease::new(folder, &created.lease.id)).await?;
/// assert_eq!(fake.leases()[0].state, FakeLeaseState::Revoked);
/// # Ok::<(), infisical_config::Error>(()) }).unwrap();
/// ```
#[derive(Clone, Debug)]
#[must_use]
pub struct RevokeLease {
    pub(crate) folder: DynamicSecretFolder,
    pub(crate) lease_id: String,
    pub(crate) force: bool,
}

impl RevokeLease {
    /// Revokes lease `lease_id` of a dynamic secret in `folder`.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # use infisical_config::testing::{DynamicSecretSpec, FakeInfisical};
    /// # let spec = DynamicSecretSpec::new(std::time::Duration::from_secs(3600));
    /// # let fake = FakeInfisical::builder().dynamic_secret("prod", "/db", "postgres", spec).start().await;
    /// # let client = fake.client_builder().build()?;
    /// use infisical_config::resources::dynamic_secrets::{CreateLease, DynamicSecretFolder, RevokeLease};
    ///
    /// let folder = DynamicSecretFolder::new(fake.project_id(), "prod").path("/db");
    /// let created = client.dynamic_secrets().create_lease(&CreateLease::new(folder.clone(), "postgres")).await?;
    /// let revoked = client.dynamic_secrets().revoke_lease(&RevokeLease::new(folder, &created.lease.id)).await?;
    /// assert_eq!(revoked.id, created.lease.id);
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    pub fn new(folder: DynamicSecretFolder, lease_id: impl Into<String>) -> Self {
        RevokeLease { folder, lease_id: lease_id.into(), force: false }
    }

    /// Deletes the lease even when the provider cannot remove the credentials (`isForced`): for
    /// credentials already removed by hand. Default `false`.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # use infisical_config::testing::{DynamicSecretSpec, FakeInfisical};
    /// # let spec = DynamicSecretSpec::new(std::time::Duration::from_secs(3600));
    /// # let fake = FakeInfisical::builder().dynamic_secret("prod", "/db", "postgres", spec).revoke_fails(true).start().await;
    /// # let client = fake.client_builder().build()?;
    /// use infisical_config::resources::dynamic_secrets::{CreateLease, DynamicSecretFolder, RevokeLease};
    /// use infisical_config::testing::FakeLeaseState;
    ///
    /// let folder = DynamicSecretFolder::new(fake.project_id(), "prod").path("/db");
    /// let created = client.dynamic_secrets().create_lease(&CreateLease::new(folder.clone(), "postgres")).await?;
    /// // The provider cannot remove the credentials (removed by hand already): delete the lease anyway.
    /// client.dynamic_secrets().revoke_lease(&RevokeLease::new(folder, &created.lease.id).force(true)).await?;
    /// assert_eq!(fake.leases()[0].state, FakeLeaseState::Revoked);
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    pub fn force(mut self, force: bool) -> Self {
        self.force = force;
        self
    }

    pub(crate) fn validate(&self) -> Result<()> {
        self.folder.validate()?;
        require("lease_id", &self.lease_id)
    }
}

/// Where, in every body and query: `projectSlug`, `environmentSlug`, `path`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Scope<'a> {
    pub(super) project_slug: &'a str,
    pub(super) environment_slug: &'a str,
    pub(super) path: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct CreateBody<'a> {
    pub(super) dynamic_secret_name: &'a str,
    #[serde(flatten)]
    pub(super) scope: Scope<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) ttl: Option<&'a Ttl>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) config: Option<KubernetesConfig<'a>>,
}

#[derive(Serialize)]
pub(super) struct KubernetesConfig<'a> {
    pub(super) namespace: &'a str,
}

#[derive(Serialize)]
pub(super) struct RenewBody<'a> {
    #[serde(flatten)]
    pub(super) scope: Scope<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) ttl: Option<&'a Ttl>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct RevokeBody<'a> {
    #[serde(flatten)]
    pub(super) scope: Scope<'a>,
    pub(super) is_forced: bool,
}

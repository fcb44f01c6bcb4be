//! Dynamic secrets and their leases: short-lived credentials (a database user, cloud keys, a
//! Kubernetes token, ...) that Infisical creates on demand, each lease with its own TTL, renewable up to
//! the dynamic secret's max TTL, revoked on request or at expiry.
//!
//! The routes are `/api/v1/dynamic-secrets/*` on every server generation (the kubernetes lease route
//! since mid-2025); they name the project by slug, so a project given by id is looked up once per
//! client. Leasing is a paid feature: servers without an Enterprise licence (and Infisical Cloud below
//! its Enterprise tier) refuse to create or renew leases with
//! [`LeaseError::NotLicensed`](crate::error::LeaseError::NotLicensed); they still list, read and revoke.
//!
//! A lease's credentials ([`NewLease::data`]) come once, in the answer to its creation; keep them.
//! Renewing moves the expiry and keeps the credentials; past the max TTL a new lease (new credentials)
//! is needed. Refusals that ask for a decision are [`Error::Lease`].

mod model;
mod refusals;
mod requests;
mod ttl;

pub use model::{DynamicSecret, Lease, LeaseData, NewLease};
pub use requests::{CreateLease, DynamicSecretFolder, RenewLease, RevokeLease};
pub use ttl::Ttl;

use serde::Deserialize;

use crate::Client;
use crate::error::{Error, Result};
use crate::resources::{bounded_list, require};
use crate::routes::{DYNAMIC_SECRET_LEASES, DYNAMIC_SECRETS};
use crate::transport::{ApiRequest, ApiResponse};
use refusals::Op;
use requests::{CreateBody, KubernetesConfig, RenewBody, RevokeBody, Scope};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Listed {
    #[serde(default, deserialize_with = "bounded_list")]
    dynamic_secrets: Vec<DynamicSecret>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct One {
    dynamic_secret: DynamicSecret,
}

#[derive(Deserialize)]
struct Leases {
    #[serde(default, deserialize_with = "bounded_list")]
    leases: Vec<Lease>,
}

#[derive(Deserialize)]
struct OneLease {
    lease: Lease,
}

/// The dynamic secrets handler: `client.dynamic_secrets()`.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// use std::time::Duration;
/// use infisical_config::ExposeSecret;
/// use infisical_config::resources::dynamic_secrets::{CreateLease, DynamicSecretFolder, RenewLease, RevokeLease};
/// use infisical_config::testing::{DynamicSecretSpec, FakeInfisical};
///
/// let fake = FakeInfisical::builder()
///     .dynamic_secret("prod", "/db", "postgres", DynamicSecretSpec::new(Duration::from_secs(3600)))
///     .start()
///     .await;
/// let client = fake.client_builder().build()?;
///
/// let folder = DynamicSecretFolder::new(fake.project_id(), "prod").path("/db");
/// let created = client.dynamic_secrets().create_lease(&CreateLease::new(folder.clone(), "postgres")).await?;
/// let password = created.data.get("DB_PASSWORD").expect("a database password");
/// # let _ = password.expose_secret();
/// let renewed = client.dynamic_secrets().renew_lease(&RenewLease::new(folder.clone(), &created.lease.id)).await?;
/// assert!(renewed.expire_at > created.lease.expire_at);
/// client.dynamic_secrets().revoke_lease(&RevokeLease::new(folder, &created.lease.id)).await?;
/// # Ok::<(), infisical_config::Error>(()) }).unwrap();
/// ```
#[derive(Clone, Copy, Debug)]
pub struct DynamicSecrets<'c> {
    client: &'c Client,
}

impl Client {
    /// The dynamic secrets handler: see [`DynamicSecrets`].
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # use infisical_config::testing::{DynamicSecretSpec, FakeInfisical};
    /// # let spec = DynamicSecretSpec::new(std::time::Duration::from_secs(3600));
    /// # let fake = FakeInfisical::builder().dynamic_secret("prod", "/", "postgres", spec).start().await;
    /// # let client = fake.client_builder().build()?;
    /// use infisical_config::resources::dynamic_secrets::DynamicSecretFolder;
    ///
    /// let dynamic_secrets = client.dynamic_secrets();
    /// let found = dynamic_secrets.list(&DynamicSecretFolder::new(fake.project_id(), "prod")).await?;
    /// assert_eq!(found.len(), 1);
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    #[must_use]
    pub fn dynamic_secrets(&self) -> DynamicSecrets<'_> {
        DynamicSecrets { client: self }
    }
}

impl DynamicSecrets<'_> {
    /// The dynamic secrets of a folder. Current servers leave out those whose root credentials the
    /// identity may not read.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # use infisical_config::testing::{DynamicSecretSpec, FakeInfisical};
    /// use infisical_config::resources::dynamic_secrets::DynamicSecretFolder;
    /// # let spec = DynamicSecretSpec::new(std::time::Duration::from_secs(3600));
    /// # let fake = FakeInfisical::builder().dynamic_secret("dev", "/", "postgres", spec).start().await;
    /// # let client = fake.client_builder().build()?;
    /// let found = client.dynamic_secrets().list(&DynamicSecretFolder::new(fake.project_id(), "dev")).await?;
    /// assert_eq!(found[0].name, "postgres");
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// [`Error::NotFound`] for an unknown environment or folder; [`Error::Lease`] for a missing
    /// permission; [`Error::Api`] for other refusals.
    pub async fn list(&self, folder: &DynamicSecretFolder) -> Result<Vec<DynamicSecret>> {
        let req = self.read(folder, ApiRequest::get(DYNAMIC_SECRETS)).await?;
        Ok(self.send(folder, Op::List, &req).await?.json::<Listed>()?.dynamic_secrets)
    }

    /// A dynamic secret by name.
    ///
    /// The server answers it with the provider's configuration, root credentials included (which this
    /// crate drops), so it requires the `Read Root Credential` and `Edit Root Credential` permissions:
    /// an identity that may only lease gets [`LeaseError::PermissionDenied`](crate::error::LeaseError::PermissionDenied).
    /// To lease, there is no need to call it: [`create_lease`](Self::create_lease) answers with the
    /// dynamic secret too.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # use infisical_config::testing::{DynamicSecretSpec, FakeInfisical};
    /// use infisical_config::resources::dynamic_secrets::DynamicSecretFolder;
    /// # let spec = DynamicSecretSpec::new(std::time::Duration::from_secs(3600));
    /// # let fake = FakeInfisical::builder().dynamic_secret("dev", "/", "postgres", spec).start().await;
    /// # let client = fake.client_builder().build()?;
    /// let folder = DynamicSecretFolder::new(fake.project_id(), "dev");
    /// let postgres = client.dynamic_secrets().get(&folder, "postgres").await?;
    /// assert_eq!(postgres.default_ttl.as_str(), "1h");
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// [`LeaseError::UnknownDynamicSecret`](crate::error::LeaseError::UnknownDynamicSecret) when there is none
    /// of that name; as [`list`](Self::list) otherwise.
    pub async fn get(&self, folder: &DynamicSecretFolder, name: &str) -> Result<DynamicSecret> {
        let name = checked_name(name)?;
        let req = self.read(folder, ApiRequest::get(DYNAMIC_SECRETS).segment(name.as_str())).await?;
        Ok(self.send(folder, Op::Get(&name), &req).await?.json::<One>()?.dynamic_secret)
    }

    /// The leases of a dynamic secret (without credentials). Leases whose revocation failed are listed
    /// too ([`Lease::is_revoke_failed`]).
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # use infisical_config::testing::{DynamicSecretSpec, FakeInfisical};
    /// use infisical_config::resources::dynamic_secrets::DynamicSecretFolder;
    /// # let spec = DynamicSecretSpec::new(std::time::Duration::from_secs(3600));
    /// # let fake = FakeInfisical::builder().dynamic_secret("dev", "/", "postgres", spec).start().await;
    /// # let client = fake.client_builder().build()?;
    /// let folder = DynamicSecretFolder::new(fake.project_id(), "dev");
    /// assert!(client.dynamic_secrets().leases(&folder, "postgres").await?.is_empty());
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// As [`get`](Self::get); the permission needed is `Lease`.
    pub async fn leases(&self, folder: &DynamicSecretFolder, name: &str) -> Result<Vec<Lease>> {
        let name = checked_name(name)?;
        let req = self.read(folder, ApiRequest::get(DYNAMIC_SECRETS).segment(name.as_str()).segment("leases")).await?;
        Ok(self.send(folder, Op::Leases(&name), &req).await?.json::<Leases>()?.leases)
    }

    /// Creates a lease: new credentials, in [`NewLease::data`], given this once.
    ///
    /// Never sent twice: if the answer is lost (a timeout, a broken connection), the lease may exist
    /// without the caller knowing its credentials; it expires at its TTL.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # use infisical_config::testing::{DynamicSecretSpec, FakeInfisical};
    /// use std::time::Duration;
    /// use infisical_config::resources::dynamic_secrets::{CreateLease, DynamicSecretFolder};
    /// # let spec = DynamicSecretSpec::new(Duration::from_secs(3600));
    /// # let fake = FakeInfisical::builder().dynamic_secret("dev", "/", "postgres", spec).start().await;
    /// # let client = fake.client_builder().build()?;
    /// let folder = DynamicSecretFolder::new(fake.project_id(), "dev");
    /// let req = CreateLease::new(folder, "postgres").ttl(Duration::from_secs(15 * 60));
    /// let created = client.dynamic_secrets().create_lease(&req).await?;
    /// assert_eq!(created.data.keys().collect::<Vec<_>>(), ["DB_PASSWORD", "DB_USERNAME"]);
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] for a TTL under a minute (or over ten years), before sending;
    /// [`Error::Lease`]: [`NotLicensed`](crate::error::LeaseError::NotLicensed),
    /// [`UnknownDynamicSecret`](crate::error::LeaseError::UnknownDynamicSecret),
    /// [`TtlOverMax`](crate::error::LeaseError::TtlOverMax),
    /// [`PermissionDenied`](crate::error::LeaseError::PermissionDenied); [`Error::NotFound`] for an unknown
    /// environment or folder; [`Error::Api`] for other refusals (the provider's own, the lease limit).
    pub async fn create_lease(&self, req: &CreateLease) -> Result<NewLease> {
        let ttl = req.validate()?;
        let slug = self.client.project_slug(&req.folder.project).await?;
        let route = match req.namespace {
            Some(_) => ApiRequest::post(DYNAMIC_SECRET_LEASES).segment("kubernetes"),
            None => ApiRequest::post(DYNAMIC_SECRET_LEASES),
        };
        let body = CreateBody {
            dynamic_secret_name: &req.name,
            scope: scope(&slug, &req.folder),
            ttl: ttl.as_ref(),
            config: req.namespace.as_deref().map(|namespace| KubernetesConfig { namespace }),
        };
        let op = Op::Create { name: &req.name, ttl: ttl.as_ref(), kubernetes: req.namespace.is_some() };
        let created = self.send(&req.folder, op, &route.json(&body)?).await?.json::<NewLease>()?;
        tracing::debug!(lease = %created.lease.id, dynamic_secret = %req.name, "lease created");
        Ok(created)
    }

    /// A lease, with its dynamic secret (without credentials).
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # use infisical_config::testing::{DynamicSecretSpec, FakeInfisical};
    /// use infisical_config::resources::dynamic_secrets::{CreateLease, DynamicSecretFolder};
    /// # let spec = DynamicSecretSpec::new(std::time::Duration::from_secs(3600));
    /// # let fake = FakeInfisical::builder().dynamic_secret("dev", "/", "postgres", spec).start().await;
    /// # let client = fake.client_builder().build()?;
    /// let folder = DynamicSecretFolder::new(fake.project_id(), "dev");
    /// # let id = client.dynamic_secrets().create_lease(&CreateLease::new(folder.clone(), "postgres")).await?.lease.id;
    /// let lease = client.dynamic_secrets().get_lease(&folder, &id).await?;
    /// assert_eq!(lease.dynamic_secret.map(|d| d.name).as_deref(), Some("postgres"));
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// [`LeaseError::Gone`](crate::error::LeaseError::Gone) when it expired, was revoked or belongs to another
    /// folder; as [`create_lease`](Self::create_lease) otherwise.
    pub async fn get_lease(&self, folder: &DynamicSecretFolder, lease_id: &str) -> Result<Lease> {
        require("lease_id", lease_id)?;
        let req = self.read(folder, ApiRequest::get(DYNAMIC_SECRET_LEASES).segment(lease_id)).await?;
        Ok(self.send(folder, Op::GetLease(lease_id), &req).await?.json::<OneLease>()?.lease)
    }

    /// Renews a lease: its TTL (default: the dynamic secret's default TTL) is added to the current
    /// expiry. Answers the lease with its new expiry; the credentials stay. Never sent twice (a second
    /// renewal would add the TTL again).
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # use infisical_config::testing::{DynamicSecretSpec, FakeInfisical};
    /// use std::time::Duration;
    /// use infisical_config::resources::dynamic_secrets::{CreateLease, DynamicSecretFolder, RenewLease};
    /// # let spec = DynamicSecretSpec::new(Duration::from_secs(3600));
    /// # let fake = FakeInfisical::builder().dynamic_secret("dev", "/", "postgres", spec).start().await;
    /// # let client = fake.client_builder().build()?;
    /// let folder = DynamicSecretFolder::new(fake.project_id(), "dev");
    /// let lease = client.dynamic_secrets().create_lease(&CreateLease::new(folder.clone(), "postgres")).await?.lease;
    /// let req = RenewLease::new(folder, &lease.id).ttl(Duration::from_secs(600));
    /// let renewed = client.dynamic_secrets().renew_lease(&req).await?;
    /// assert_eq!(renewed.expire_at, lease.expire_at + Duration::from_secs(600));
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] for a TTL under a minute, before sending;
    /// [`LeaseError::RenewalPastMaxTtl`](crate::error::LeaseError::RenewalPastMaxTtl) (the lease is unchanged),
    /// [`LeaseError::Gone`](crate::error::LeaseError::Gone), [`LeaseError::NotLicensed`](crate::error::LeaseError::NotLicensed);
    /// as [`create_lease`](Self::create_lease) otherwise.
    pub async fn renew_lease(&self, req: &RenewLease) -> Result<Lease> {
        let ttl = req.validate()?;
        let slug = self.client.project_slug(&req.folder.project).await?;
        let body = RenewBody { scope: scope(&slug, &req.folder), ttl: ttl.as_ref() };
        let request =
            ApiRequest::post(DYNAMIC_SECRET_LEASES).segment(req.lease_id.as_str()).segment("renew").json(&body)?;
        let lease = self.send(&req.folder, Op::Renew(&req.lease_id), &request).await?.json::<OneLease>()?.lease;
        tracing::debug!(lease = %lease.id, "lease renewed");
        Ok(lease)
    }

    /// Revokes a lease: the provider removes the credentials, the server forgets the lease. Answers the
    /// lease as it was.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # use infisical_config::testing::{DynamicSecretSpec, FakeInfisical};
    /// use infisical_config::resources::dynamic_secrets::{CreateLease, DynamicSecretFolder, RevokeLease};
    /// # let spec = DynamicSecretSpec::new(std::time::Duration::from_secs(3600));
    /// # let fake = FakeInfisical::builder().dynamic_secret("dev", "/", "postgres", spec).start().await;
    /// # let client = fake.client_builder().build()?;
    /// let folder = DynamicSecretFolder::new(fake.project_id(), "dev");
    /// let lease = client.dynamic_secrets().create_lease(&CreateLease::new(folder.clone(), "postgres")).await?.lease;
    /// client.dynamic_secrets().revoke_lease(&RevokeLease::new(folder.clone(), &lease.id)).await?;
    /// assert!(client.dynamic_secrets().get_lease(&folder, &lease.id).await.unwrap_err().is_not_found());
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// [`LeaseError::RevokeFailed`](crate::error::LeaseError::RevokeFailed) when the server answered but the
    /// provider could not remove the credentials; [`LeaseError::Gone`](crate::error::LeaseError::Gone) when
    /// there is no such lease (any more); as [`create_lease`](Self::create_lease) otherwise.
    pub async fn revoke_lease(&self, req: &RevokeLease) -> Result<Lease> {
        req.validate()?;
        let slug = self.client.project_slug(&req.folder.project).await?;
        let body = RevokeBody { scope: scope(&slug, &req.folder), is_forced: req.force };
        let request = ApiRequest::delete(DYNAMIC_SECRET_LEASES).segment(req.lease_id.as_str()).json(&body)?;
        let lease = self.send(&req.folder, Op::Revoke(&req.lease_id), &request).await?.json::<OneLease>()?.lease;
        let lease = refusals::revoked(lease)?;
        tracing::debug!(lease = %lease.id, "lease revoked");
        Ok(lease)
    }

    /// A read of `folder`: its project (as a slug), environment and path in the query.
    async fn read(&self, folder: &DynamicSecretFolder, req: ApiRequest) -> Result<ApiRequest> {
        folder.validate()?;
        let slug = self.client.project_slug(&folder.project).await?;
        Ok(req
            .query("projectSlug", slug)
            .query("environmentSlug", folder.environment.as_str())
            .query("path", folder.path.as_str()))
    }

    async fn send(&self, folder: &DynamicSecretFolder, op: Op<'_>, req: &ApiRequest) -> Result<ApiResponse> {
        match self.client.execute(req).await {
            Err(Error::Api(api)) => Err(refusals::explain(self.client, folder, op, api).await),
            answered => answered,
        }
    }
}

fn scope<'a>(slug: &'a str, folder: &'a DynamicSecretFolder) -> Scope<'a> {
    Scope { project_slug: slug, environment_slug: &folder.environment, path: &folder.path }
}

/// A dynamic-secret name as the server keeps it: lower case.
fn checked_name(name: &str) -> Result<String> {
    require("name", name)?;
    Ok(name.to_lowercase())
}

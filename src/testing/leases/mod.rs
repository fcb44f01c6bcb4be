//! The fake server's dynamic secrets and leases, by the rules of a real server: a lease expires at
//! its creation plus its TTL and is then forgotten; a renewal adds its TTL to the current expiry, up
//! to the creation plus the max TTL; a revocation forgets it (or, when told, fails at the "provider").
//! Time is the fake's [`Clock`](crate::clock::Clock): a test's
//! [`ManualClock`](super::ManualClock) moves it.

mod routes;

pub(super) use routes::respond;

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

use serde_json::Value;

use super::{FakeInfisical, FakeInfisicalBuilder};
use crate::resources::normalize_path;

/// What a dynamic secret of the fake issues: its TTLs, its type, and the credentials of each lease.
///
/// By default a lease's data are `DB_USERNAME` = `user-<n>` (the `n`th lease the fake created) and
/// `DB_PASSWORD` = a fresh random value, as a database's dynamic secret gives.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// use std::time::Duration;
/// use infisical_config::resources::dynamic_secrets::{CreateLease, DynamicSecretFolder};
/// use infisical_config::testing::{DynamicSecretSpec, FakeInfisical};
///
/// let aws = DynamicSecretSpec::new(Duration::from_secs(900))
///     .kind("aws-iam")
///     .data("ACCESS_KEY", "AKIA{n}")
///     .data("SECRET_ACCESS_KEY", "{random}");
/// let fake = FakeInfisical::builder().dynamic_secret("prod", "/", "aws", aws).start().await;
/// let client = fake.client_builder().build()?;
/// let folder = DynamicSecretFolder::new(fake.project_id(), "prod");
/// let created = client.dynamic_secrets().create_lease(&CreateLease::new(folder, "aws")).await?;
/// assert_eq!(created.data.keys().collect::<Vec<_>>(), ["ACCESS_KEY", "SECRET_ACCESS_KEY"]);
/// assert_eq!(created.dynamic_secret.kind, "aws-iam");
/// # Ok::<(), infisical_config::Error>(()) }).unwrap();
/// ```
#[derive(Clone)]
#[must_use]
pub struct DynamicSecretSpec {
    default_ttl: Duration,
    max_ttl: Option<Duration>,
    kind: String,
    data: Vec<(String, Value)>,
    custom_data: bool,
}

impl std::fmt::Debug for DynamicSecretSpec {
    // Data templates may hold a test's canary: names only.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DynamicSecretSpec")
            .field("default_ttl", &self.default_ttl)
            .field("max_ttl", &self.max_ttl)
            .field("kind", &self.kind)
            .field("data", &self.data.iter().map(|(k, _)| k).collect::<Vec<_>>())
            .finish()
    }
}

impl DynamicSecretSpec {
    /// A `sql-database` dynamic secret whose leases live `default_ttl` unless asked otherwise, with no
    /// max TTL.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use std::time::Duration;
    /// use infisical_config::resources::dynamic_secrets::{CreateLease, DynamicSecretFolder};
    /// use infisical_config::testing::{DynamicSecretSpec, FakeInfisical};
    ///
    /// let hour = Duration::from_secs(3600);
    /// let fake = FakeInfisical::builder().dynamic_secret("prod", "/", "postgres", DynamicSecretSpec::new(hour)).start().await;
    /// let client = fake.client_builder().build()?;
    /// let folder = DynamicSecretFolder::new(fake.project_id(), "prod");
    /// let created = client.dynamic_secrets().create_lease(&CreateLease::new(folder, "postgres")).await?;
    /// assert_eq!(created.lease.expire_at.duration_since(created.lease.created_at).unwrap(), hour);
    /// assert_eq!(created.data.keys().collect::<Vec<_>>(), ["DB_PASSWORD", "DB_USERNAME"]);
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    pub fn new(default_ttl: Duration) -> Self {
        DynamicSecretSpec {
            default_ttl,
            max_ttl: None,
            kind: "sql-database".into(),
            data: vec![("DB_USERNAME".into(), "user-{n}".into()), ("DB_PASSWORD".into(), "{random}".into())],
            custom_data: false,
        }
    }

    /// The longest a lease may live from its creation, renewals included.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use std::time::Duration;
    /// use infisical_config::resources::dynamic_secrets::{CreateLease, DynamicSecretFolder};
    /// use infisical_config::testing::{DynamicSecretSpec, FakeInfisical};
    ///
    /// let hour = Duration::from_secs(3600);
    /// let spec = DynamicSecretSpec::new(hour).max_ttl(2 * hour);
    /// let fake = FakeInfisical::builder().dynamic_secret("prod", "/", "postgres", spec).start().await;
    /// let client = fake.client_builder().build()?;
    /// let folder = DynamicSecretFolder::new(fake.project_id(), "prod");
    /// let err = client.dynamic_secrets().create_lease(&CreateLease::new(folder, "postgres").ttl(3 * hour)).await.unwrap_err();
    /// assert!(err.to_string().contains("max TTL"), "{err}");
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    pub fn max_ttl(mut self, max_ttl: Duration) -> Self {
        self.max_ttl = Some(max_ttl);
        self
    }

    /// Its provider type (default `sql-database`).
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use std::time::Duration;
    /// use infisical_config::resources::dynamic_secrets::{CreateLease, DynamicSecretFolder};
    /// use infisical_config::testing::{DynamicSecretSpec, FakeInfisical};
    ///
    /// let spec = DynamicSecretSpec::new(Duration::from_secs(600)).kind("kubernetes").data("TOKEN", "token-{n}");
    /// let fake = FakeInfisical::builder().dynamic_secret("prod", "/", "cluster", spec).start().await;
    /// let client = fake.client_builder().build()?;
    /// let folder = DynamicSecretFolder::new(fake.project_id(), "prod");
    /// let created = client.dynamic_secrets().create_lease(&CreateLease::new(folder, "cluster")).await?;
    /// assert_eq!(created.dynamic_secret.kind, "kubernetes");
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    pub fn kind(mut self, kind: impl Into<String>) -> Self {
        self.kind = kind.into();
        self
    }

    /// A credential each lease gets (the first call replaces the default ones). In a string, `{n}`
    /// becomes the lease's number and `{random}` a fresh random value; other JSON values are sent as
    /// they are.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use std::time::Duration;
    /// use infisical_config::ExposeSecret;
    /// use infisical_config::resources::dynamic_secrets::{CreateLease, DynamicSecretFolder};
    /// use infisical_config::testing::{DynamicSecretSpec, FakeInfisical};
    ///
    /// let spec = DynamicSecretSpec::new(Duration::from_secs(600)).data("USER", "app-{n}").data("PASSWORD", "{random}");
    /// let fake = FakeInfisical::builder().dynamic_secret("prod", "/", "postgres", spec).start().await;
    /// let client = fake.client_builder().build()?;
    /// let folder = DynamicSecretFolder::new(fake.project_id(), "prod");
    /// let created = client.dynamic_secrets().create_lease(&CreateLease::new(folder, "postgres")).await?;
    /// assert_eq!(created.data.get("USER").unwrap().expose_secret(), "app-1");
    /// assert!(!created.data.get("PASSWORD").unwrap().expose_secret().is_empty());
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    pub fn data(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        if !self.custom_data {
            self.data.clear();
            self.custom_data = true;
        }
        self.data.push((key.into(), value.into()));
        self
    }
}

/// Where a lease of the fake stands ([`FakeLease::state`]).
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// use std::time::Duration;
/// use infisical_config::resources::dynamic_secrets::{CreateLease, DynamicSecretFolder, RevokeLease};
/// use infisical_config::testing::{DynamicSecretSpec, FakeInfisical, FakeLeaseState};
///
/// let spec = DynamicSecretSpec::new(Duration::from_secs(3600));
/// let fake = FakeInfisical::builder().dynamic_secret("prod", "/", "postgres", spec).start().await;
/// let client = fake.client_builder().build()?;
/// let folder = DynamicSecretFolder::new(fake.project_id(), "prod");
/// let id = client.dynamic_secrets().create_lease(&CreateLease::new(folder.clone(), "postgres")).await?.lease.id;
/// assert_eq!(fake.leases()[0].state, FakeLeaseState::Active);
/// client.dynamic_secrets().revoke_lease(&RevokeLease::new(folder, id)).await?;
/// assert_eq!(fake.leases()[0].state, FakeLeaseState::Revoked);
/// # Ok::<(), infisical_config::Error>(()) }).unwrap();
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum FakeLeaseState {
    /// Valid until its expiry.
    Active,
    /// Revoked; the server no longer knows it.
    Revoked,
    /// A revocation failed at the provider ([`revoke_fails`](FakeInfisicalBuilder::revoke_fails)): the
    /// server still lists it, marked `Failed to delete`.
    RevokeFailed,
    /// Its expiry passed; the server no longer knows it.
    Expired,
}

/// A lease as the fake sees it (never its credentials), for a test's assertions
/// ([`FakeInfisical::leases`]).
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// use std::time::Duration;
/// use infisical_config::resources::dynamic_secrets::{CreateLease, DynamicSecretFolder, RenewLease};
/// use infisical_config::testing::{DynamicSecretSpec, FakeInfisical, FakeLease};
///
/// let hour = Duration::from_secs(3600);
/// let fake = FakeInfisical::builder().dynamic_secret("prod", "/", "postgres", DynamicSecretSpec::new(hour)).start().await;
/// let client = fake.client_builder().build()?;
/// let folder = DynamicSecretFolder::new(fake.project_id(), "prod");
/// let id = client.dynamic_secrets().create_lease(&CreateLease::new(folder.clone(), "postgres")).await?.lease.id;
/// client.dynamic_secrets().renew_lease(&RenewLease::new(folder, &id).ttl(hour)).await?;
/// let lease: FakeLease = fake.leases().remove(0);
/// assert_eq!((lease.id, lease.renewals), (id, 1));
/// assert_eq!(lease.expire_at.duration_since(lease.created_at).unwrap(), 2 * hour);
/// # Ok::<(), infisical_config::Error>(()) }).unwrap();
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct FakeLease {
    /// The id.
    pub id: String,
    /// The dynamic secret's name.
    pub dynamic_secret: String,
    /// Its environment.
    pub environment: String,
    /// Its folder.
    pub path: String,
    /// When it was created.
    pub created_at: SystemTime,
    /// When it expires (or expired).
    pub expire_at: SystemTime,
    /// How many times it was renewed.
    pub renewals: u32,
    /// Where it stands.
    pub state: FakeLeaseState,
    /// The configuration it was created with (a kubernetes lease's `namespace`).
    pub config: Option<Value>,
    /// Its number: the `n`th lease the fake created.
    number: usize,
}

/// How many lease requests the fake received, by kind, whatever it answered
/// ([`FakeInfisical::lease_counts`]).
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// use std::time::Duration;
/// use infisical_config::resources::dynamic_secrets::{CreateLease, DynamicSecretFolder, RevokeLease};
/// use infisical_config::testing::{DynamicSecretSpec, FakeInfisical, LeaseCounts};
///
/// let spec = DynamicSecretSpec::new(Duration::from_secs(3600));
/// let fake = FakeInfisical::builder().dynamic_secret("prod", "/", "postgres", spec).start().await;
/// let client = fake.client_builder().build()?;
/// let folder = DynamicSecretFolder::new(fake.project_id(), "prod");
/// let id = client.dynamic_secrets().create_lease(&CreateLease::new(folder.clone(), "postgres")).await?.lease.id;
/// client.dynamic_secrets().revoke_lease(&RevokeLease::new(folder, id)).await?;
/// let counts: LeaseCounts = fake.lease_counts();
/// assert_eq!((counts.creates, counts.renews, counts.revokes), (1, 0, 1));
/// # Ok::<(), infisical_config::Error>(()) }).unwrap();
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct LeaseCounts {
    /// Lease creations (the kubernetes route's included).
    pub creates: usize,
    /// Renewals.
    pub renews: usize,
    /// Revocations.
    pub revokes: usize,
}

/// The fake's dynamic secrets, their leases and its switches; in [`State`].
#[derive(Clone, Debug, Default)]
pub(super) struct Book {
    /// (environment, folder, name) → (id, spec).
    secrets: BTreeMap<(String, String, String), (String, DynamicSecretSpec)>,
    leases: Vec<FakeLease>,
    unlicensed: bool,
    forbidden: bool,
    revoke_fails: bool,
    counts: LeaseCounts,
}

impl Book {
    fn reap(&mut self, now: SystemTime) {
        for lease in &mut self.leases {
            if lease.state == FakeLeaseState::Active && lease.expire_at <= now {
                lease.state = FakeLeaseState::Expired;
            }
        }
    }
}

impl FakeInfisicalBuilder {
    /// Adds dynamic secret `name` in `environment`, folder `path` (creating the folder), and serves
    /// the dynamic-secret and lease routes for it.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use std::time::Duration;
    /// use infisical_config::testing::{DynamicSecretSpec, FakeInfisical};
    ///
    /// let fake = FakeInfisical::builder()
    ///     .dynamic_secret("prod", "/db", "postgres", DynamicSecretSpec::new(Duration::from_secs(3600)))
    ///     .start()
    ///     .await;
    /// assert!(fake.leases().is_empty());
    /// # });
    /// ```
    pub fn dynamic_secret(mut self, environment: &str, path: &str, name: &str, spec: DynamicSecretSpec) -> Self {
        let folder = normalize_path(path);
        self.state.folders.entry((environment.to_owned(), folder.clone())).or_default();
        let book = &mut self.state.leases;
        let id = format!("d5ec2e7a-0000-4000-8000-{:012x}", book.secrets.len() + 1);
        book.secrets.insert((environment.to_owned(), folder, name.to_lowercase()), (id, spec));
        self
    }

    /// Whether the server's licence has dynamic secrets (default `true`). Without, lease creations and
    /// renewals are refused with the real server's 400 "... due to plan restriction ..."; the rest,
    /// revocation included, still works.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use std::time::Duration;
    /// use infisical_config::resources::dynamic_secrets::{CreateLease, DynamicSecretFolder};
    /// use infisical_config::testing::{DynamicSecretSpec, FakeInfisical};
    ///
    /// use infisical_config::Error;
    /// use infisical_config::error::LeaseError;
    ///
    /// let spec = DynamicSecretSpec::new(Duration::from_secs(3600));
    /// let fake = FakeInfisical::builder().dynamic_secret("prod", "/", "postgres", spec).dynamic_secrets_licensed(false).start().await;
    /// let client = fake.client_builder().build()?;
    /// let folder = DynamicSecretFolder::new(fake.project_id(), "prod");
    /// let err = client.dynamic_secrets().create_lease(&CreateLease::new(folder, "postgres")).await.unwrap_err();
    /// assert!(matches!(&err, Error::Lease(lease) if matches!(**lease, LeaseError::NotLicensed { .. })), "{err}");
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    pub fn dynamic_secrets_licensed(mut self, licensed: bool) -> Self {
        self.state.leases.unlicensed = !licensed;
        self
    }

    /// Whether the identity may lease (default `true`). Without, the lease routes answer 403, as a
    /// role without the `Lease` action gets.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use std::time::Duration;
    /// use infisical_config::resources::dynamic_secrets::{CreateLease, DynamicSecretFolder};
    /// use infisical_config::testing::{DynamicSecretSpec, FakeInfisical};
    ///
    /// let spec = DynamicSecretSpec::new(Duration::from_secs(3600));
    /// let fake = FakeInfisical::builder().dynamic_secret("prod", "/", "postgres", spec).lease_permission(false).start().await;
    /// let client = fake.client_builder().build()?;
    /// let folder = DynamicSecretFolder::new(fake.project_id(), "prod");
    /// let err = client.dynamic_secrets().create_lease(&CreateLease::new(folder, "postgres")).await.unwrap_err();
    /// assert_eq!(err.status(), Some(403));
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    pub fn lease_permission(mut self, allowed: bool) -> Self {
        self.state.leases.forbidden = !allowed;
        self
    }

    /// Whether revocations fail at the provider (default `false`). When they do, a revoke without
    /// `force` answers 200 with the lease marked `Failed to delete`, and the lease stays.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use std::time::Duration;
    /// use infisical_config::resources::dynamic_secrets::{CreateLease, DynamicSecretFolder, RevokeLease};
    /// use infisical_config::testing::{DynamicSecretSpec, FakeInfisical, FakeLeaseState};
    /// use infisical_config::Error;
    /// use infisical_config::error::LeaseError;
    ///
    /// let spec = DynamicSecretSpec::new(Duration::from_secs(3600));
    /// let fake = FakeInfisical::builder().dynamic_secret("prod", "/", "postgres", spec).revoke_fails(true).start().await;
    /// let client = fake.client_builder().build()?;
    /// let folder = DynamicSecretFolder::new(fake.project_id(), "prod");
    /// let id = client.dynamic_secrets().create_lease(&CreateLease::new(folder.clone(), "postgres")).await?.lease.id;
    /// let err = client.dynamic_secrets().revoke_lease(&RevokeLease::new(folder, id)).await.unwrap_err();
    /// assert!(matches!(&err, Error::Lease(lease) if matches!(**lease, LeaseError::RevokeFailed { .. })), "{err}");
    /// assert_eq!(fake.leases()[0].state, FakeLeaseState::RevokeFailed);
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    pub fn revoke_fails(mut self, fails: bool) -> Self {
        self.state.leases.revoke_fails = fails;
        self
    }
}

impl FakeInfisical {
    /// Every lease it created, in order, with where it stands (never its credentials). Leases past
    /// their expiry on the fake's clock show as [`Expired`](FakeLeaseState::Expired).
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use std::time::Duration;
    /// use infisical_config::resources::dynamic_secrets::{CreateLease, DynamicSecretFolder};
    /// use infisical_config::testing::{DynamicSecretSpec, FakeInfisical};
    ///
    /// let spec = DynamicSecretSpec::new(Duration::from_secs(3600));
    /// let fake = FakeInfisical::builder().dynamic_secret("prod", "/db", "postgres", spec).start().await;
    /// let client = fake.client_builder().build()?;
    /// let folder = DynamicSecretFolder::new(fake.project_id(), "prod").path("/db");
    /// client.dynamic_secrets().create_lease(&CreateLease::new(folder, "postgres")).await?;
    /// let leases = fake.leases();
    /// assert_eq!((leases[0].dynamic_secret.as_str(), leases[0].path.as_str()), ("postgres", "/db"));
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    #[must_use]
    pub fn leases(&self) -> Vec<FakeLease> {
        let mut state = self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let now = state.clock.now();
        state.leases.reap(now);
        state.leases.leases.clone()
    }

    /// Changes [`dynamic_secrets_licensed`](FakeInfisicalBuilder::dynamic_secrets_licensed) while the
    /// server runs: a licence that lapses, or comes.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use std::time::Duration;
    /// use infisical_config::resources::dynamic_secrets::{CreateLease, DynamicSecretFolder};
    /// use infisical_config::testing::{DynamicSecretSpec, FakeInfisical};
    ///
    /// let spec = DynamicSecretSpec::new(Duration::from_secs(3600));
    /// let fake = FakeInfisical::builder().dynamic_secret("prod", "/", "postgres", spec).start().await;
    /// let client = fake.client_builder().build()?;
    /// let create = CreateLease::new(DynamicSecretFolder::new(fake.project_id(), "prod"), "postgres");
    /// client.dynamic_secrets().create_lease(&create).await?;
    /// fake.set_dynamic_secrets_licensed(false); // the licence lapsed
    /// assert!(client.dynamic_secrets().create_lease(&create).await.is_err());
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    pub fn set_dynamic_secrets_licensed(&self, licensed: bool) {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner).leases.unlicensed = !licensed;
    }

    /// Changes dynamic secret `name` while the server runs, as an administrator editing its TTLs would
    /// (or adds it): leases already issued keep their expiry, and their renewals follow the new max
    /// TTL, counted from each lease's creation.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use std::time::Duration;
    /// use infisical_config::testing::{DynamicSecretSpec, FakeInfisical};
    ///
    /// let hour = Duration::from_secs(3600);
    /// let fake = FakeInfisical::builder().dynamic_secret("prod", "/", "postgres", DynamicSecretSpec::new(hour)).start().await;
    /// fake.set_dynamic_secret("prod", "/", "postgres", DynamicSecretSpec::new(hour).max_ttl(2 * hour));
    /// # });
    /// ```
    pub fn set_dynamic_secret(&self, environment: &str, path: &str, name: &str, spec: DynamicSecretSpec) {
        let mut state = self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let folder = normalize_path(path);
        state.folders.entry((environment.to_owned(), folder.clone())).or_default();
        let book = &mut state.leases;
        let fresh = format!("d5ec2e7a-0000-4000-8000-{:012x}", book.secrets.len() + 1);
        let entry = book.secrets.entry((environment.to_owned(), folder, name.to_lowercase()));
        entry.and_modify(|(_, kept)| *kept = spec.clone()).or_insert((fresh, spec));
    }

    /// Changes [`revoke_fails`](FakeInfisicalBuilder::revoke_fails) while the server runs.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let fake = infisical_config::testing::FakeInfisical::builder().start().await;
    /// fake.set_revoke_fails(true);
    /// assert!(fake.leases().is_empty()); // nothing to revoke yet
    /// # });
    /// ```
    pub fn set_revoke_fails(&self, fails: bool) {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner).leases.revoke_fails = fails;
    }

    /// How many lease creations, renewals and revocations it received, refused ones included.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use std::time::Duration;
    /// use infisical_config::resources::dynamic_secrets::{CreateLease, DynamicSecretFolder};
    /// use infisical_config::testing::{DynamicSecretSpec, FakeInfisical};
    ///
    /// let spec = DynamicSecretSpec::new(Duration::from_secs(3600));
    /// let fake = FakeInfisical::builder().dynamic_secret("prod", "/", "postgres", spec).lease_permission(false).start().await;
    /// let client = fake.client_builder().build()?;
    /// let create = CreateLease::new(DynamicSecretFolder::new(fake.project_id(), "prod"), "postgres");
    /// assert!(client.dynamic_secrets().create_lease(&create).await.is_err());
    /// let counts = fake.lease_counts();
    /// assert_eq!((counts.creates, counts.renews, counts.revokes), (1, 0, 0)); // refused, and counted
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    #[must_use]
    pub fn lease_counts(&self) -> LeaseCounts {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner).leases.counts
    }
}

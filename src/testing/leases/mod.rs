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
/// use std::time::Duration;
/// use infisical_config::testing::DynamicSecretSpec;
///
/// let spec = DynamicSecretSpec::new(Duration::from_secs(3600)).max_ttl(Duration::from_secs(4 * 3600));
/// let aws = DynamicSecretSpec::new(Duration::from_secs(900))
///     .kind("aws-iam")
///     .data("ACCESS_KEY", "AKIA{n}")
///     .data("SECRET_ACCESS_KEY", "{random}");
/// # let _ = (spec, aws);
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
    /// let spec = infisical_config::testing::DynamicSecretSpec::new(std::time::Duration::from_secs(3600));
    /// # let _ = spec;
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
    /// # use std::time::Duration;
    /// let spec = infisical_config::testing::DynamicSecretSpec::new(Duration::from_secs(3600)).max_ttl(Duration::from_secs(7200));
    /// # let _ = spec;
    /// ```
    pub fn max_ttl(mut self, max_ttl: Duration) -> Self {
        self.max_ttl = Some(max_ttl);
        self
    }

    /// Its provider type (default `sql-database`).
    ///
    /// ```
    /// # use std::time::Duration;
    /// let spec = infisical_config::testing::DynamicSecretSpec::new(Duration::from_secs(600)).kind("kubernetes");
    /// # let _ = spec;
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
    /// # use std::time::Duration;
    /// let spec = infisical_config::testing::DynamicSecretSpec::new(Duration::from_secs(600))
    ///     .kind("kubernetes")
    ///     .data("TOKEN", "token-{n}-{random}");
    /// # let _ = spec;
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

/// Where a lease of the fake stands.
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

/// A lease as the fake sees it (never its credentials), for a test's assertions.
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

/// How many lease requests the fake received, by kind, whatever it answered.
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
    /// let builder = infisical_config::testing::FakeInfisical::builder().dynamic_secrets_licensed(false);
    /// # let _ = builder;
    /// ```
    pub fn dynamic_secrets_licensed(mut self, licensed: bool) -> Self {
        self.state.leases.unlicensed = !licensed;
        self
    }

    /// Whether the identity may lease (default `true`). Without, the lease routes answer 403, as a
    /// role without the `Lease` action gets.
    ///
    /// ```
    /// let builder = infisical_config::testing::FakeInfisical::builder().lease_permission(false);
    /// # let _ = builder;
    /// ```
    pub fn lease_permission(mut self, allowed: bool) -> Self {
        self.state.leases.forbidden = !allowed;
        self
    }

    /// Whether revocations fail at the provider (default `false`). When they do, a revoke without
    /// `force` answers 200 with the lease marked `Failed to delete`, and the lease stays.
    ///
    /// ```
    /// let builder = infisical_config::testing::FakeInfisical::builder().revoke_fails(true);
    /// # let _ = builder;
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
    /// use infisical_config::testing::FakeInfisical;
    ///
    /// let fake = FakeInfisical::builder().start().await;
    /// assert!(fake.leases().is_empty());
    /// # });
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
    /// let fake = infisical_config::testing::FakeInfisical::builder().start().await;
    /// fake.set_dynamic_secrets_licensed(false);
    /// # });
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
    /// # });
    /// ```
    pub fn set_revoke_fails(&self, fails: bool) {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner).leases.revoke_fails = fails;
    }

    /// How many lease creations, renewals and revocations it received, refused ones included.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let fake = infisical_config::testing::FakeInfisical::builder().start().await;
    /// assert_eq!(fake.lease_counts().creates, 0);
    /// # });
    /// ```
    #[must_use]
    pub fn lease_counts(&self) -> LeaseCounts {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner).leases.counts
    }
}

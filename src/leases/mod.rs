//! Dynamic secrets in typed configuration: a loader asks for a lease by name
//! ([`Infisical::lease`](crate::Infisical::lease), [`EnvLoader::lease`](crate::EnvLoader::lease)), and
//! the lease's credentials arrive beside the static secrets, so one `extract` yields both.
//!
//! ```
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! use std::time::Duration;
//! use figment::Figment;
//! use infisical_config::{DynamicLease, Infisical, SecretString};
//! # use infisical_config::testing::{DynamicSecretSpec, FakeInfisical};
//! # let fake = FakeInfisical::builder()
//! #     .secret("prod", "/", "DATABASE_HOST", "db.internal")
//! #     .dynamic_secret("prod", "/", "postgres-app", DynamicSecretSpec::new(Duration::from_secs(3600)))
//! #     .start().await;
//! # let client = fake.client_builder().build().unwrap();
//!
//! #[derive(serde::Deserialize)]
//! struct Config { database_host: String, database: Database }
//! #[derive(serde::Deserialize)]
//! struct Database { username: String, password: SecretString }
//!
//! let secrets = Infisical::new(fake.project_id(), "prod")
//!     .client(client)
//!     .lease(
//!         DynamicLease::new("postgres-app")
//!             .at("database")
//!             .key("DB_USERNAME", "username")
//!             .key("DB_PASSWORD", "password"),
//!     )
//!     .fetch_async()
//!     .await
//!     .unwrap();
//! let config: Config = Figment::from(secrets).extract().unwrap();
//! assert_eq!(config.database.username, "user-1");
//! # let _ = (config.database_host, config.database.password);
//! # });
//! ```
//!
//! # A lease's life
//!
//! - **A one-shot load** (`extract`, [`fetch`](crate::Infisical::fetch), the env loader, the `config`
//!   source) creates a new lease each time it loads, and nothing renews it: its credentials live until
//!   the lease's TTL ([`ttl`](DynamicLease::ttl), else the dynamic secret's default), then Infisical
//!   revokes them. Give it a TTL as long as the process needs them, or keep them alive with a watcher.
//!   The load's [`LeaseReport`](crate::report::LeaseReport)s carry each lease's id, to revoke it
//!   early with [`DynamicSecrets::revoke_lease`](crate::resources::dynamic_secrets::DynamicSecrets::revoke_lease).
//! - **A watcher** ([`Infisical::watch`](crate::Infisical::watch), feature `watch`) runs a lease
//!   manager, on the watcher's client (its requests pass the client's 429 hold and request budget) and
//!   on its [`Clock`](crate::clock::Clock), in the manner of Spring Cloud Vault's lease container and
//!   Vault's `LifetimeWatcher`:
//!   - it **renews** each lease after [`renew_at`](DynamicLease::renew_at) of its remaining life
//!     (default 2/3, with ±10 % jitter), asking for what keeps the lease its TTL ahead of now (a renewal
//!     adds to the current expiry, so it asks `now + TTL − expiry`, at least a minute), never past the
//!     lease's creation plus the dynamic secret's max TTL;
//!   - it **issues a new lease** when less than one such renewal is left before the max TTL, when
//!     Infisical refuses a renewal, or when the lease is gone (revoked, expired). The new credentials
//!     reach the application through the watcher (a `Changed` event whose keys name the lease) while
//!     the old lease is still valid, and the old lease is revoked after [`grace`](DynamicLease::grace),
//!     so that connections opened with it can drain;
//!   - a failed renewal is **retried** with backoff (5 s, doubling to 5 min, never later than half the
//!     time left), each failure reported; once half the time the lease had when failures began is gone,
//!     a warning says it is about to lapse and the watcher's health is not ready;
//!   - on **shutdown** (the watcher's [`shutdown`](crate::watch::Watcher::shutdown), or its drop) it
//!     revokes its leases, within a bound. A lease left behind by a crash simply expires at its TTL.
//!
//! Leases need Infisical: they never come from the cache, and a load that cannot create its leases
//! fails (an [`optional`](crate::Infisical::optional) provider provides nothing while Infisical
//! cannot be reached). A lease created by a load that then fails (a key conflict, a missing key) is
//! revoked at once.
//!
//! Dynamic secrets are a paid feature: a server without them refuses with
//! [`LeaseError::NotLicensed`](crate::error::LeaseError::NotLicensed), which fails the load.

#[cfg(feature = "watch")]
mod event;
mod issue;
#[cfg(feature = "watch")]
mod manager;
#[cfg(feature = "watch")]
mod schedule;

use std::time::Duration;

#[cfg(feature = "watch")]
#[cfg_attr(docsrs, doc(cfg(feature = "watch")))]
pub use event::LeaseEvent;
pub(crate) use issue::{Issued, issue_all, revoke_unused};
#[cfg(feature = "watch")]
pub(crate) use manager::{Book, Manager, Note, revoke_all};

use crate::error::{Error, Result};
use crate::resources::dynamic_secrets::LeaseData;

/// A lease of a dynamic secret a loader asks for: which dynamic secret, where its credentials go, and
/// how a watcher keeps it. See the [module docs](self) for its life.
///
/// The dynamic secret is looked up in the loader's project; its environment and folder default to the
/// loader's (its first environment and folder). Its credentials go under the key [`at`](Self::at)
/// (default: the top level): each under the key [`key`](Self::key) maps it to, else under its own
/// name, lowercased as the provider lowercases keys (`DB_PASSWORD` → `database.db_password`). For the
/// env loader, they are variables: the mapped name, else the credential's own, after `at` and `_` when
/// `at` is given.
///
/// ```
/// use std::time::Duration;
/// use infisical_config::DynamicLease;
///
/// let lease = DynamicLease::new("postgres-app")
///     .path("/db")
///     .at("database")
///     .key("DB_USERNAME", "username")
///     .key("DB_PASSWORD", "password")
///     .ttl(Duration::from_secs(3600))
///     .grace(Duration::from_secs(120));
/// # let _ = lease;
/// ```
#[derive(Clone, Debug)]
#[must_use]
pub struct DynamicLease {
    pub(crate) name: String,
    pub(crate) environment: Option<String>,
    pub(crate) path: Option<String>,
    pub(crate) at: Option<String>,
    /// Credential name → key (or variable), in the order given.
    pub(crate) keys: Vec<(String, String)>,
    pub(crate) ttl: Option<Duration>,
    pub(crate) grace: Duration,
    pub(crate) renew_at: f64,
    pub(crate) jitter: f64,
}

impl DynamicLease {
    /// A lease of dynamic secret `name` (lower case on the server: sent so).
    ///
    /// ```
    /// let lease = infisical_config::DynamicLease::new("postgres-app");
    /// # let _ = lease;
    /// ```
    pub fn new(name: impl Into<String>) -> Self {
        DynamicLease {
            name: name.into().to_lowercase(),
            environment: None,
            path: None,
            at: None,
            keys: Vec::new(),
            ttl: None,
            grace: Duration::from_secs(300),
            renew_at: 2.0 / 3.0,
            jitter: 0.1,
        }
    }

    crate::setters::setters! {
        /// The environment (slug) of the dynamic secret (default: the loader's first).
        ///
        /// ```
        /// let lease = infisical_config::DynamicLease::new("postgres-app").environment("prod");
        /// # let _ = lease;
        /// ```
        environment(environment: impl Into<String>) => environment = Some(environment.into());

        /// The folder of the dynamic secret (default: the loader's first).
        ///
        /// ```
        /// let lease = infisical_config::DynamicLease::new("postgres-app").path("/db");
        /// # let _ = lease;
        /// ```
        path(path: impl Into<String>) => path = Some(path.into());

        /// The key its credentials go under: `"database"` puts `DB_PASSWORD` at `database.db_password`
        /// (dotted keys nest: `"services.db"`). For the env loader, a prefix: `"PG"` makes `PG_DB_PASSWORD`.
        ///
        /// ```
        /// let lease = infisical_config::DynamicLease::new("postgres-app").at("database");
        /// # let _ = lease;
        /// ```
        at(key: impl Into<String>) => at = Some(key.into());

        /// How long each lease lives before a renewal moves it, at least a minute and at most the
        /// dynamic secret's max TTL (default: the dynamic secret's default TTL). A watcher keeps each
        /// lease this far ahead; a one-shot load's lease lives this long.
        ///
        /// ```
        /// let lease = infisical_config::DynamicLease::new("postgres-app").ttl(std::time::Duration::from_secs(3600));
        /// # let _ = lease;
        /// ```
        ttl(ttl: Duration) => ttl = Some(ttl);

        /// How long a watcher keeps a replaced lease before revoking it (default 5 min), so that
        /// connections opened with its credentials can drain: set it to your connection pool's longest
        /// connection life. A lease that expires before then is left to expire.
        ///
        /// ```
        /// let lease = infisical_config::DynamicLease::new("postgres-app").grace(std::time::Duration::from_secs(600));
        /// # let _ = lease;
        /// ```
        grace(grace: Duration) => grace = grace;

        /// After which fraction of a lease's remaining life a watcher renews it (default 2/3, as
        /// Vault's `LifetimeWatcher`), between 0.1 and 0.9.
        ///
        /// ```
        /// let lease = infisical_config::DynamicLease::new("postgres-app").renew_at(0.5);
        /// # let _ = lease;
        /// ```
        renew_at(fraction: f64) => renew_at = if fraction.is_nan() { 2.0 / 3.0 } else { fraction.clamp(0.1, 0.9) };

        /// Moves each renewal by up to this fraction of its wait either way (default 0.1, at most 0.2),
        /// so that many replicas do not renew in step.
        ///
        /// ```
        /// let lease = infisical_config::DynamicLease::new("postgres-app").jitter(0.0);
        /// # let _ = lease;
        /// ```
        jitter(fraction: f64) => jitter = if fraction.is_nan() { 0.1 } else { fraction.clamp(0.0, 0.2) };
    }

    /// Puts credential `credential` (as the dynamic secret names it: `DB_PASSWORD`, `ACCESS_KEY`, ...)
    /// at `key` under [`at`](Self::at) (dotted keys nest). For the env loader, `key` is the variable's
    /// name. A credential the lease does not have fails the load, naming what it has. Mapping a
    /// credential again replaces its key.
    ///
    /// ```
    /// let lease = infisical_config::DynamicLease::new("postgres-app")
    ///     .at("database")
    ///     .key("DB_USERNAME", "username")
    ///     .key("DB_PASSWORD", "password");
    /// # let _ = lease;
    /// ```
    pub fn key(mut self, credential: impl Into<String>, key: impl Into<String>) -> Self {
        let (credential, key) = (credential.into(), key.into());
        self.keys.retain(|(c, _)| *c != credential);
        self.keys.push((credential, key));
        self
    }

    /// Each credential of `data` with the name it is given (its mapping, else `None`), in the order of
    /// `data`; an error naming a mapped credential `data` does not have.
    pub(crate) fn mapped<'d>(&self, data: &'d LeaseData) -> Result<Vec<(&'d str, Option<&str>)>> {
        if let Some((missing, _)) = self.keys.iter().find(|(credential, _)| data.get(credential).is_none()) {
            let has: Vec<&str> = data.keys().collect();
            return Err(Error::KeyMapping {
                secret: format!("the lease of dynamic secret `{}`", self.name),
                reason: format!("it has no credential `{missing}` (it has {})", has.join(", ")),
            });
        }
        Ok(data
            .keys()
            .map(|credential| {
                let key = self.keys.iter().find(|(c, _)| c == credential).map(|(_, key)| key.as_str());
                (credential, key)
            })
            .collect())
    }
}

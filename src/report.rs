//! What a load says about itself: where each layer came from (Infisical, a `304`, the cache and why,
//! nothing and why), how many requests it took and how long, and each answer's `ETag`. Names only,
//! never a value: a report can be logged, shown on a status page or turned into metrics.
//!
//! Every loader gives one: [`Snapshot::report`](crate::figment::Snapshot::report) and
//! [`Infisical::last_report`](crate::Infisical::last_report) (the figment provider),
//! [`EnvMap::report`](crate::env_loader::EnvMap::report), `InfisicalSource::last_report` (the `config` source),
//! and every watcher event (`WatchEvent::report`). A load that asks for
//! [dynamic secrets](crate::leases) says, in [`LoadReport::leases`], which lease each came from, until
//! when, and how often it was renewed or replaced ([`LeaseReport`]): ids and times, never credentials.
//!
//! ```
//! use infisical_config::EnvLoader;
//! use infisical_config::report::Origin;
//! # let fake = infisical_config::testing::FakeInfisical::builder().secret("prod", "/", "API_KEY", "k").start_blocking();
//! # let client = fake.blocking_client_builder().build()?;
//!
//! let vars = EnvLoader::new(fake.project_id(), "prod").client(client).load()?;
//! let report = vars.report().expect("a loaded map has a report");
//! assert_eq!(report.layers[0].origin, Origin::Network);
//! assert_eq!(report.requests, 2); // a login and a list
//! println!("{report}");
//! // infisical://127.0.0.1:41003/6f1e0d3c-.../prod/: 2 requests in 4 ms
//! //   prod /: from Infisical, 1 secret, ETag "5f3a..."
//! # Ok::<(), infisical_config::Error>(())
//! ```

use std::fmt;
use std::time::{Duration, SystemTime};

/// What one load did: where each layer came from, how many requests it made, how long it took.
///
/// ```
/// use infisical_config::EnvLoader;
/// # let fake = infisical_config::testing::FakeInfisical::builder().secret("prod", "/", "API_KEY", "k").start_blocking();
/// # let client = fake.blocking_client_builder().build()?;
///
/// let vars = EnvLoader::new(fake.project_id(), "prod").client(client).load()?;
/// let report = vars.report().unwrap();
/// assert!(report.is_fresh(), "every layer came from Infisical: {report}");
/// assert!(report.target.ends_with("/prod/"));
/// # Ok::<(), infisical_config::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct LoadReport {
    /// What was loaded: `infisical://host:port/project/environments/folders`.
    pub target: String,
    /// One per environment and folder, in load order.
    pub layers: Vec<LayerReport>,
    /// The requests this load sent (logins and retries included), counted by the transport.
    pub requests: u32,
    /// How long the load took.
    pub duration: Duration,
    /// When it ended (on the loader's clock: a watcher's may be a test's manual one).
    pub finished_at: SystemTime,
    /// The leases of the [dynamic secrets](crate::leases) the loader asked for, in the order asked: at a
    /// load, each as created; in a watcher's events, each as its lease manager keeps it now.
    pub leases: Vec<LeaseReport>,
}

/// One dynamic secret's lease, as a load created it or a watcher's lease manager keeps it: its id, its
/// expiry, how often it was renewed or replaced, and how it stands. Never its credentials.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// use std::time::Duration;
/// use infisical_config::{DynamicLease, Infisical};
/// use infisical_config::report::LeaseStatus;
/// # use infisical_config::testing::{DynamicSecretSpec, FakeInfisical};
/// # let fake = FakeInfisical::builder()
/// #     .dynamic_secret("prod", "/", "postgres", DynamicSecretSpec::new(Duration::from_secs(3600)))
/// #     .start().await;
/// # let client = fake.client_builder().build().unwrap();
///
/// let snapshot = Infisical::new(fake.project_id(), "prod")
///     .client(client)
///     .lease(DynamicLease::new("postgres").at("database"))
///     .fetch_async()
///     .await
///     .unwrap();
/// let lease = &snapshot.report().unwrap().leases[0];
/// assert_eq!((lease.name.as_str(), lease.status), ("postgres", LeaseStatus::Active));
/// assert_eq!(lease.keys, ["database.db_password", "database.db_username"]);
/// assert_eq!((lease.renewals, lease.rotations), (0, 0));
/// println!("{lease}"); // lease `1ea5...` of dynamic secret `postgres` (database.db_password, ...): expires ...
/// # });
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct LeaseReport {
    /// The dynamic secret's name.
    pub name: String,
    /// The configuration keys (or, for the env loader, the variables) its credentials fill, in order.
    pub keys: Vec<String>,
    /// The lease's id, which renewals and revocations name.
    pub lease_id: String,
    /// When the lease expires, as Infisical says (it moves with each renewal).
    pub expire_at: SystemTime,
    /// How many times this lease was renewed (its expiry moved, its credentials stayed).
    pub renewals: u32,
    /// How many times the dynamic secret's lease was replaced by a new one (new credentials) since the
    /// load.
    pub rotations: u32,
    /// How it stands.
    pub status: LeaseStatus,
    /// The last failure (of a renewal, a new lease, a revocation), in words, while it lasts.
    pub last_error: Option<String>,
}

/// How a lease stands ([`LeaseReport::status`]).
///
/// ```
/// use infisical_config::report::LeaseStatus;
///
/// assert!(LeaseStatus::Lapsing.is_at_risk() && LeaseStatus::Lapsed.is_at_risk());
/// assert!(!LeaseStatus::Failing.is_at_risk(), "a failure with time left to retry is not yet a risk");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum LeaseStatus {
    /// Valid: renewed on schedule by a watcher's lease manager, or, after a one-shot load, living out
    /// its TTL.
    Active,
    /// Its last renewal (or the new lease meant to replace it) failed; retried while it is valid.
    Failing,
    /// Renewal keeps failing and half the time it had left when the failures began is gone: it is
    /// about to lapse. A watcher's [health](crate::watch::Health::check) is not ready.
    Lapsing,
    /// It expired without being renewed or replaced: its credentials no longer work. A watcher keeps
    /// trying for a new lease.
    Lapsed,
    /// Revoked, when the watcher shut down.
    Revoked,
}

impl LeaseStatus {
    /// True when its credentials stop (or stopped) working soon, with no renewal in sight: `Lapsing`
    /// and `Lapsed`.
    ///
    /// ```
    /// # let report: Option<infisical_config::report::LoadReport> = None;
    /// # if let Some(report) = report {
    /// if report.leases.iter().any(|l| l.status.is_at_risk()) {
    ///     eprintln!("database credentials about to stop working: {report}");
    /// }
    /// # }
    /// ```
    #[must_use]
    pub fn is_at_risk(self) -> bool {
        matches!(self, LeaseStatus::Lapsing | LeaseStatus::Lapsed)
    }
}

/// Where one folder of one environment came from.
///
/// ```
/// use infisical_config::EnvLoader;
/// # let fake = infisical_config::testing::FakeInfisical::builder().secret("prod", "/db", "PASSWORD", "p").start_blocking();
/// # let client = fake.blocking_client_builder().build()?;
///
/// let vars = EnvLoader::new(fake.project_id(), "prod").path("/db").client(client).load()?;
/// let layer = &vars.report().unwrap().layers[0];
/// assert_eq!((layer.environment.as_str(), layer.folder.as_str(), layer.secrets), ("prod", "/db", 1));
/// assert!(layer.etag.is_some());
/// # Ok::<(), infisical_config::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct LayerReport {
    /// The environment's slug.
    pub environment: String,
    /// The folder listed.
    pub folder: String,
    /// Where its secrets came from.
    pub origin: Origin,
    /// The list answer's `ETag` (the cached one for a layer from the cache), when there is one.
    pub etag: Option<String>,
    /// How many secrets it holds.
    pub secrets: usize,
}

/// Where a layer came from.
///
/// ```
/// use std::time::Duration;
/// use infisical_config::report::{CacheReason, Origin};
///
/// let origin = Origin::Cache { age: Duration::from_secs(300), reason: CacheReason::Offline };
/// assert_eq!(origin.to_string(), "from the cache, saved 5 min ago (offline)");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Origin {
    /// Infisical answered with the folder's secrets (a `200` with a body).
    Network,
    /// Infisical confirmed the layer held (from the cache or the last poll) with a `304`, no body.
    Revalidated,
    /// Served from the last-known-good cache, without Infisical's confirmation.
    Cache {
        /// How long ago the cache was written, that is, last confirmed by Infisical.
        age: Duration,
        /// Why the cache was served.
        reason: CacheReason,
    },
    /// Nothing was provided: an [`optional`](crate::Infisical::optional) provider, or a cache whose
    /// policy is [`ProvideNothing`](crate::cache::OnFailure::ProvideNothing), while Infisical could not
    /// be reached.
    Nothing {
        /// Why: the error, in words.
        reason: String,
    },
}

/// Why a layer was served from the cache.
///
/// ```
/// use infisical_config::report::CacheReason;
///
/// let reason = CacheReason::Unavailable { error: "connection refused".into() };
/// assert_eq!(reason.to_string(), "Infisical unavailable: connection refused");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CacheReason {
    /// It was younger than the cache's freshness window (`Cache::fresh_for`): Infisical was not asked.
    Fresh,
    /// The cache is offline (`Cache::offline`): Infisical is never asked.
    Offline,
    /// Infisical could not be reached, and the cache's policy is to serve it
    /// ([`OnFailure::UseCache`](crate::cache::OnFailure::UseCache)).
    Unavailable {
        /// The error, in words.
        error: String,
    },
}

impl LoadReport {
    pub(crate) fn new(
        target: String,
        layers: Vec<LayerReport>,
        requests: u32,
        duration: Duration,
        finished_at: SystemTime,
    ) -> Self {
        LoadReport { target, layers, requests, duration, finished_at, leases: Vec::new() }
    }

    /// How old the oldest layer served from the cache is; zero when every layer came from Infisical
    /// (or none was provided).
    ///
    /// ```
    /// use infisical_config::EnvLoader;
    /// # let fake = infisical_config::testing::FakeInfisical::builder().secret("prod", "/", "A", "1").start_blocking();
    /// # let client = fake.blocking_client_builder().build()?;
    ///
    /// let vars = EnvLoader::new(fake.project_id(), "prod").client(client).load()?;
    /// assert_eq!(vars.report().unwrap().served_age(), std::time::Duration::ZERO);
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    #[must_use]
    pub fn served_age(&self) -> Duration {
        self.layers
            .iter()
            .filter_map(|l| match l.origin {
                Origin::Cache { age, .. } => Some(age),
                _ => None,
            })
            .max()
            .unwrap_or_default()
    }

    /// True when every layer came from Infisical in this load (a `200`, or a `304` confirming what was
    /// held). A layer from the cache, whatever the reason, or nothing, is not fresh: see
    /// [`served_age`](Self::served_age) for how old it is.
    ///
    /// ```
    /// use infisical_config::EnvLoader;
    /// # let fake = infisical_config::testing::FakeInfisical::builder().secret("prod", "/", "A", "1").start_blocking();
    /// # let client = fake.blocking_client_builder().build()?;
    ///
    /// let vars = EnvLoader::new(fake.project_id(), "prod").client(client).load()?;
    /// assert!(vars.report().unwrap().is_fresh());
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    #[must_use]
    pub fn is_fresh(&self) -> bool {
        self.layers.iter().all(|l| matches!(l.origin, Origin::Network | Origin::Revalidated))
    }

    /// The origin of the load as a whole: nothing if a layer provided nothing, else the oldest cache
    /// layer, else `Network` if any layer had a body, else `Revalidated`.
    #[cfg_attr(not(feature = "figment"), allow(dead_code))]
    pub(crate) fn origin(&self) -> Origin {
        let worst = |l: &&LayerReport| match l.origin {
            Origin::Nothing { .. } => (3, Duration::ZERO),
            Origin::Cache { age, .. } => (2, age),
            Origin::Network => (1, Duration::ZERO),
            Origin::Revalidated => (0, Duration::ZERO),
        };
        self.layers.iter().max_by_key(worst).map_or(Origin::Revalidated, |l| l.origin.clone())
    }

    /// Where the load came from, in a few words (a snapshot's figment metadata).
    #[cfg_attr(not(feature = "figment"), allow(dead_code))]
    pub(crate) fn summary(&self) -> String {
        match self.origin() {
            Origin::Network | Origin::Revalidated => "from Infisical".to_owned(),
            other => other.to_string(),
        }
    }
}

impl LayerReport {
    pub(crate) fn new(environment: &str, folder: &str, origin: Origin, etag: Option<String>, secrets: usize) -> Self {
        LayerReport { environment: environment.to_owned(), folder: folder.to_owned(), origin, etag, secrets }
    }
}

impl fmt::Display for LoadReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = if self.requests == 1 { "" } else { "s" };
        write!(f, "{}: {} request{s} in {}", self.target, self.requests, human(self.duration))?;
        for layer in &self.layers {
            write!(f, "\n  {layer}")?;
        }
        for lease in &self.leases {
            write!(f, "\n  {lease}")?;
        }
        Ok(())
    }
}

impl fmt::Display for LeaseReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "lease `{}` of dynamic secret `{}` ({})", self.lease_id, self.name, self.keys.join(", "))?;
        let expiry = humantime::format_rfc3339_seconds(self.expire_at);
        let status = match self.status {
            LeaseStatus::Active | LeaseStatus::Failing => "expires",
            LeaseStatus::Lapsing => "lapsing, expires",
            LeaseStatus::Lapsed => "lapsed",
            LeaseStatus::Revoked => "revoked, was to expire",
        };
        write!(f, ": {status} at {expiry}")?;
        let plural = |n: u32| if n == 1 { "" } else { "s" };
        write!(
            f,
            ", {} renewal{}, {} rotation{}",
            self.renewals,
            plural(self.renewals),
            self.rotations,
            plural(self.rotations)
        )?;
        if let Some(error) = &self.last_error {
            write!(f, "; failing: {error}")?;
        }
        Ok(())
    }
}

impl fmt::Display for LayerReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.environment, self.folder, self.origin)?;
        if !matches!(self.origin, Origin::Nothing { .. }) {
            let s = if self.secrets == 1 { "" } else { "s" };
            write!(f, ", {} secret{s}", self.secrets)?;
        }
        if let Some(etag) = &self.etag {
            write!(f, ", ETag {etag}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Network => f.write_str("from Infisical"),
            Origin::Revalidated => f.write_str("confirmed by Infisical (304, no body)"),
            Origin::Cache { age, reason } => write!(f, "from the cache, saved {} ago ({reason})", human(*age)),
            Origin::Nothing { reason } => write!(f, "nothing provided ({reason})"),
        }
    }
}

impl fmt::Display for CacheReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CacheReason::Fresh => f.write_str("younger than its freshness window"),
            CacheReason::Offline => f.write_str("offline"),
            CacheReason::Unavailable { error } => write!(f, "Infisical unavailable: {error}"),
        }
    }
}

/// A duration in the unit a person reads it in: `350 ms`, `42 s`, `5 min`, `3 h`, `2 days`.
pub(crate) fn human(d: Duration) -> String {
    match d.as_secs() {
        0 => format!("{} ms", d.as_millis()),
        s @ 1..=119 => format!("{s} s"),
        s @ 120..=7199 => format!("{} min", s / 60),
        s @ 7200..=172_799 => format!("{} h", s / 3600),
        s => format!("{} days", s / 86_400),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layer(origin: Origin) -> LayerReport {
        LayerReport::new("prod", "/", origin, Some("\"e\"".into()), 2)
    }

    #[test]
    fn the_origin_of_a_load_is_its_oldest_cache_else_nothing_first() {
        let cache = |secs| Origin::Cache { age: Duration::from_secs(secs), reason: CacheReason::Offline };
        let report = |origins: Vec<Origin>| {
            LoadReport::new("t".into(), origins.into_iter().map(layer).collect(), 0, Duration::ZERO, SystemTime::now())
        };
        let mixed = report(vec![Origin::Network, cache(5), cache(60), Origin::Revalidated]);
        assert_eq!(mixed.origin(), cache(60));
        assert_eq!(mixed.served_age(), Duration::from_secs(60));
        assert!(!mixed.is_fresh());
        let nothing = Origin::Nothing { reason: "down".into() };
        assert_eq!(report(vec![cache(5), nothing.clone()]).origin(), nothing);
        let network = report(vec![Origin::Revalidated, Origin::Network]);
        assert_eq!((network.origin(), network.summary()), (Origin::Network, "from Infisical".to_owned()));
        assert!(network.is_fresh() && network.served_age().is_zero());
    }

    #[test]
    fn a_report_reads_one_line_per_layer() {
        let report = LoadReport::new(
            "infisical://h:443/p/prod/".into(),
            vec![
                layer(Origin::Revalidated),
                layer(Origin::Cache {
                    age: Duration::from_secs(7300),
                    reason: CacheReason::Unavailable { error: "refused".into() },
                }),
                LayerReport::new("prod", "/db", Origin::Nothing { reason: "down".into() }, None, 0),
            ],
            1,
            Duration::from_millis(12),
            SystemTime::now(),
        );
        assert_eq!(
            report.to_string(),
            "infisical://h:443/p/prod/: 1 request in 12 ms\n  prod /: confirmed by Infisical (304, no body), 2 \
             secrets, ETag \"e\"\n  prod /: from the cache, saved 2 h ago (Infisical unavailable: refused), 2 \
             secrets, ETag \"e\"\n  prod /db: nothing provided (down)"
        );
        assert_eq!(human(Duration::from_secs(3 * 86_400)), "3 days");
    }

    #[test]
    fn a_lease_reads_one_line_with_its_status() {
        let mut lease = LeaseReport {
            name: "postgres".into(),
            keys: vec!["database.password".into(), "database.username".into()],
            lease_id: "l-1".into(),
            expire_at: SystemTime::UNIX_EPOCH + Duration::from_secs(1_750_248_000),
            renewals: 1,
            rotations: 2,
            status: LeaseStatus::Active,
            last_error: None,
        };
        assert_eq!(
            lease.to_string(),
            "lease `l-1` of dynamic secret `postgres` (database.password, database.username): expires at \
             2025-06-18T12:00:00Z, 1 renewal, 2 rotations"
        );
        (lease.status, lease.last_error) = (LeaseStatus::Lapsing, Some("Server Error 503".into()));
        assert!(
            lease.to_string().ends_with(
                ": lapsing, expires at 2025-06-18T12:00:00Z, 1 renewal, 2 rotations; failing: Server Error 503"
            ),
            "{lease}"
        );
        let mut report = LoadReport::new("t".into(), Vec::new(), 1, Duration::ZERO, SystemTime::now());
        report.leases.push(lease);
        assert!(report.to_string().contains("\n  lease `l-1`"), "{report}");
    }
}

//! [`Snapshot`]: secrets fetched once, a provider that does no I/O; the provider's load that makes it,
//! and its report.

use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use ::figment::value::{Dict, Map, Value};
use ::figment::{Metadata, Profile, Provider, Source};
use secrecy::{ExposeSecret, SecretString};

use super::Infisical;
use super::keys::{Index, Keyer, Keys, LeaseOrigin, ORIGIN_QUERY, Origin, PROVIDER_NAME, SEP, tree};
use crate::Client;
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::leases::Issued;
use crate::pipeline::{Layer, Loaded, Measure, Stored};
use crate::report::LeaseReport;
use crate::report::LoadReport;
use crate::resources::secrets::precedence::{Conflict, layered};

impl Infisical {
    /// Every target through the pipeline, as one counted load. `previous` holds a watcher's last load
    /// of each target.
    #[cfg(feature = "watch")]
    pub(super) async fn load(&self, client: &Client, previous: &[Stored]) -> (Result<Vec<Loaded>>, Measure) {
        crate::pipeline::counted(self.load_targets(client, previous)).await
    }

    /// A first load, as one counted load: every target, then the leases asked for (created on `clock`).
    pub(super) async fn first_load(
        &self,
        client: &Client,
        clock: &Clock,
    ) -> (Result<(Vec<Loaded>, Vec<Issued>)>, Measure) {
        crate::pipeline::counted(async {
            let loaded = self.load_targets(client, &[]).await?;
            let project = self.project()?;
            let (environment, path) = (&self.targets[0].0, self.query.paths.first().map_or("/", String::as_str));
            // Boxed, as below: a lease's requests would make every load's future larger, and it is moved.
            let issued =
                Box::pin(crate::leases::issue_all(client, &self.leases, (&project, environment, path), clock)).await?;
            Ok((loaded, issued))
        })
        .await
    }

    async fn load_targets(&self, client: &Client, previous: &[Stored]) -> Result<Vec<Loaded>> {
        let project = self.project()?;
        let mut loaded = Vec::with_capacity(self.targets.len());
        for (n, (environment, _)) in self.targets.iter().enumerate() {
            loaded.push(self.query.load(client, &project, environment, &self.env, previous.get(n)).await?);
        }
        Ok(loaded)
    }

    /// The report of a load of every target; the `on_unavailable` callback is told when the cache's
    /// policy provided nothing.
    pub(super) fn report_of(&self, loads: &mut [Loaded], measure: Measure, finished_at: SystemTime) -> LoadReport {
        let layers = loads.iter_mut().flat_map(|l| std::mem::take(&mut l.report)).collect();
        if let (Some(report), Some(err)) = (&self.on_unavailable, loads.iter().find_map(|l| l.unavailable.as_ref())) {
            report(err);
        }
        measure.report(self.source(), layers, finished_at)
    }

    /// The report of a load that provided nothing because of `err` (an optional provider during an
    /// outage), kept as the last one, with a warning and the `on_unavailable` callback told.
    pub(super) fn provided_nothing(&self, err: &Error, measure: Measure, finished_at: SystemTime) -> LoadReport {
        let reason = crate::error::with_causes(err);
        tracing::warn!(
            "Infisical cannot be reached and is optional here; providing nothing instead of {}: {reason}",
            self.source()
        );
        if let Some(report) = &self.on_unavailable {
            report(err);
        }
        let layers =
            self.targets.iter().flat_map(|(environment, _)| self.query.nothing(environment, &reason)).collect();
        let report = measure.report(self.source(), layers, finished_at);
        self.keep_report(&report);
        report
    }

    pub(super) fn keep_report(&self, report: &LoadReport) {
        *self.last_report.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(report.clone());
    }

    /// A one-shot load: the targets and the leases, the snapshot, its report kept. Leases the snapshot
    /// cannot take (a key conflict) are revoked.
    pub(super) async fn snapshot(&self, client: &Client) -> (Result<Snapshot>, Measure) {
        let (loaded, measure) = self.first_load(client, &Clock::system()).await;
        let (mut loads, issued) = match loaded {
            Ok(loaded) => loaded,
            Err(err) => return (Err(err), measure),
        };
        let now = SystemTime::now();
        let mut report = self.report_of(&mut loads, measure, now);
        let built = self.lease_reports(&issued, now).and_then(|leases| {
            report.leases = leases;
            self.snapshot_of(loads.into_iter().map(Loaded::into_layers).collect(), &issued, report)
        });
        match built {
            Ok(snapshot) => {
                self.keep_report(snapshot.report.as_deref().expect("just set"));
                (Ok(snapshot), measure)
            }
            Err(err) => {
                Box::pin(crate::leases::revoke_unused(client, &issued)).await;
                (Err(err), measure)
            }
        }
    }

    /// The report of each lease as created, at `now`.
    pub(super) fn lease_reports(&self, issued: &[Issued], now: SystemTime) -> Result<Vec<LeaseReport>> {
        let keys = self.lease_keys(issued)?;
        Ok((self.leases.iter().zip(issued).zip(keys))
            .map(|((lease, one), keys)| one.report(&lease.name, dotted(&keys), now))
            .collect())
    }

    /// The configuration keys (dotted) each lease's credentials fill, in order: what its report names.
    #[cfg(feature = "watch")]
    pub(super) fn lease_key_names(&self, issued: &[Issued]) -> Result<Vec<Vec<String>>> {
        Ok(self.lease_keys(issued)?.iter().map(|keys| dotted(keys)).collect())
    }

    /// Each lease's credentials with their keys (parts joined by [`SEP`]): under its `at`, at the key it
    /// maps a credential to, else at the credential's name (lowercased as the provider lowercases).
    fn lease_keys<'a>(&self, issued: &'a [Issued]) -> Result<Vec<Vec<(String, &'a str)>>> {
        let as_given = super::keys::Mapping { lowercase: false, ..self.mapping.clone() };
        let mut all = Vec::with_capacity(issued.len());
        for (lease, one) in self.leases.iter().zip(issued) {
            let invalid = |reason: &str| Error::KeyMapping {
                secret: format!("the lease of dynamic secret `{}`", lease.name),
                reason: reason.to_owned(),
            };
            let mut prefix = String::new();
            for part in lease.at.iter().flat_map(|at| at.split('.')) {
                as_given.push(&mut prefix, part).map_err(invalid)?;
            }
            let mut keys = Vec::new();
            for (credential, mapped) in lease.mapped(&one.data)? {
                let mut key = prefix.clone();
                match mapped {
                    Some(target) => target.split('.').try_for_each(|part| as_given.push(&mut key, part)),
                    None => self.mapping.push(&mut key, credential),
                }
                .map_err(invalid)?;
                keys.push((key, credential));
            }
            all.push(keys);
        }
        Ok(all)
    }

    /// The snapshot of what was loaded for each target (environment and profile), in order, and the
    /// credentials of the leases `issued` (in the profile of the target of their environment, else the
    /// first), with the load's report: keys mapped, conflicts checked, the configuration tree built.
    /// The fetch and the watcher share it.
    pub(super) fn snapshot_of(
        &self,
        loaded: Vec<Vec<Layer>>,
        issued: &[Issued],
        report: LoadReport,
    ) -> Result<Snapshot> {
        let mut data = Map::new();
        let mut index = Index::new();
        let mut leased = self.leased(issued)?;
        for (t, ((environment, profile), layers)) in self.targets.iter().zip(loaded).enumerate() {
            let mut mapped = Vec::with_capacity(layers.len());
            for layer in layers {
                let mut entries = Vec::with_capacity(layer.secrets.len());
                let mut keyer = Keyer::new(&self.mapping, &layer.path, self.query.recursive);
                for (at, value) in layer.secrets {
                    let key = keyer.key_of(&at);
                    let origin = Origin { key: at.key, folder: keyer.folder().clone(), lease: None };
                    match key {
                        Ok(Some(key)) => entries.push((key, value, origin)),
                        Ok(None) => {}
                        Err(reason) => {
                            return Err(Error::KeyMapping {
                                secret: origin.describe(environment),
                                reason: reason.into(),
                            });
                        }
                    }
                }
                mapped.push(entries);
            }
            let conflict = |c: Conflict<Origin>| {
                let lease = c.first.lease.is_some() || c.second.lease.is_some();
                Error::KeyConflict {
                    key: c.key.replace(SEP, "."),
                    first: c.first.describe(environment),
                    second: c.second.describe(environment),
                    remedy: if lease {
                        "put the lease's credentials elsewhere (`DynamicLease::at`, `DynamicLease::key`), or rename \
                         the secret"
                            .into()
                    } else {
                        "rename one, or change the key mapping".into()
                    },
                }
            };
            let mut values = layered(mapped).map_err(conflict)?;
            let credentials = std::mem::take(&mut leased[t]);
            if !credentials.is_empty() {
                // One layer: a credential at a secret's key (or inside it) is a conflict, never a winner.
                values.extend(credentials);
                values = layered([values]).map_err(conflict)?;
            }
            let mut leaves = Vec::with_capacity(values.len());
            let mut origins = Vec::with_capacity(values.len());
            for (key, secret, origin) in values {
                let value = secret.expose_secret();
                let value = if self.mapping.parse_values {
                    value.parse::<Value>().unwrap_or_else(|_| Value::from(value.to_owned()))
                } else {
                    Value::from(value.to_owned())
                };
                leaves.push(value);
                origins.push((key, origin));
            }
            let dict = tree(origins.iter().map(|(key, _)| key.as_str()).zip(leaves));
            let keys = Keys::new(environment.clone(), origins);
            tracing::debug!(%environment, profile = %profile, keys = keys.len(), "secrets mapped to configuration");
            data.insert(profile.clone(), dict);
            index.insert(profile.clone(), keys);
        }
        let source = report.target.clone();
        Ok(Snapshot { data, index: Arc::new(index), source, report: Some(Arc::new(report)) })
    }

    /// The credentials of each target, with their keys and origins.
    fn leased(&self, issued: &[Issued]) -> Result<Vec<Vec<(String, SecretString, Origin)>>> {
        let mut leased: Vec<Vec<_>> = self.targets.iter().map(|_| Vec::new()).collect();
        for ((lease, one), keys) in self.leases.iter().zip(issued).zip(self.lease_keys(issued)?) {
            let folder = &one.folder;
            let t = self.targets.iter().position(|(e, _)| *e == folder.environment).unwrap_or(0);
            let lease = Arc::new(LeaseOrigin { name: lease.name.clone(), described: lease.described(one) });
            for (key, credential) in keys {
                let value = one.data.get(credential).expect("a credential of the lease").clone();
                let origin = Origin {
                    key: credential.to_owned(),
                    folder: folder.path.as_str().into(),
                    lease: Some(lease.clone()),
                };
                leased[t].push((key, value, origin));
            }
        }
        Ok(leased)
    }
}

/// Keys as a report names them: dotted.
fn dotted(keys: &[(String, &str)]) -> Vec<String> {
    keys.iter().map(|(key, _)| key.replace(SEP, ".")).collect()
}

pub(super) fn metadata_for(source: String, index: Arc<Mutex<Arc<Index>>>) -> Metadata {
    Metadata::from(PROVIDER_NAME, Source::Custom(source)).interpolater(move |profile: &Profile, parts: &[&str]| {
        // `unread_secrets` asks for the secret behind a key by name, folder and environment.
        let (query, parts) = match parts.split_first() {
            Some((&first, rest)) if first == ORIGIN_QUERY => (true, rest),
            _ => (false, parts),
        };
        let key = parts.join(&SEP.to_string());
        let index = index.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
        // The value may come from another profile than the one selected (global, default).
        let keys = index
            .get(profile)
            .and_then(|k| Some((k, k.origin(&key)?)))
            .or_else(|| index.values().find_map(|k| Some((k, k.origin(&key)?))));
        match keys {
            Some((keys, origin)) if query => origin.encode(&keys.environment),
            Some((keys, origin)) => keys.describe(origin),
            None if query => String::new(),
            None => parts.join("."),
        }
    })
}

/// Secrets fetched by [`Infisical::fetch`](super::Infisical::fetch): a figment provider that does no I/O.
///
/// Its figment metadata names where the values came from (`infisical://host:port/project/prod/ (from
/// the cache, saved 3 min ago (Infisical unavailable: ...))`), and [`report`](Self::report) says it
/// folder by folder. The default one is empty.
///
/// Fetch first for typed errors before the figment is built, to read values and where each came from,
/// or to load once and extract several times:
///
/// ```
/// use figment::{Figment, Profile};
/// use infisical_config::Infisical;
/// # let fake = infisical_config::testing::FakeInfisical::builder()
/// #     .secret("prod", "/", "PORT", "8080")
/// #     .secret("prod", "/", "API_KEY", "k-1")
/// #     .start_blocking();
/// # let client = fake.blocking_client_builder().build()?;
///
/// let snapshot = Infisical::new(fake.project_id(), "prod").client(client).fetch()?;
/// assert_eq!(snapshot.len(), 2);
/// assert_eq!(snapshot.get(&Profile::Default, "port"), Some("8080"));
///
/// #[derive(serde::Deserialize)]
/// struct Config { port: String }
/// let config: Config = Figment::new().merge(snapshot.clone()).extract().unwrap(); // no request
/// assert_eq!(config.port, "8080");
/// # Ok::<(), infisical_config::Error>(())
/// ```
#[derive(Clone, Default)]
pub struct Snapshot {
    pub(super) data: Map<Profile, Dict>,
    pub(super) index: Arc<Index>,
    pub(super) source: String,
    pub(super) report: Option<Arc<LoadReport>>,
}

impl std::fmt::Debug for Snapshot {
    // Keys and where they came from; never values.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Snapshot")
            .field("source", &self.source)
            .field(
                "keys",
                &self
                    .index
                    .iter()
                    .flat_map(|(p, keys)| {
                        keys.iter().map(move |(k, o)| format!("{p}:{} <- {}", k.replace(SEP, "."), keys.describe(o)))
                    })
                    .collect::<Vec<_>>(),
            )
            .field("report", &self.report)
            .finish()
    }
}

impl Snapshot {
    /// Where its values came from: the report of the load that made it (each folder from Infisical,
    /// a `304`, the cache and why, or nothing and why; the requests, the time, each `ETag`). `None`
    /// for the default snapshot, which no load made.
    ///
    /// ```
    /// use infisical_config::Infisical;
    /// use infisical_config::report::Origin;
    /// # let fake = infisical_config::testing::FakeInfisical::builder().secret("dev", "/", "A", "1").start_blocking();
    /// # let client = fake.blocking_client_builder().build()?;
    ///
    /// let snapshot = Infisical::new(fake.project_id(), "dev").client(client).fetch()?;
    /// let report = snapshot.report().unwrap();
    /// assert_eq!(report.layers[0].origin, Origin::Network);
    /// assert!(report.is_fresh());
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    #[must_use]
    pub fn report(&self) -> Option<&LoadReport> {
        self.report.as_deref()
    }

    /// The value at `key` (dotted, as mapped) in `profile`.
    ///
    /// ```
    /// use infisical_config::Infisical;
    /// # let fake = infisical_config::testing::FakeInfisical::builder().secret("dev", "/", "DB__HOST", "db.internal").start_blocking();
    /// # let client = fake.blocking_client_builder().build()?;
    ///
    /// let snapshot = Infisical::new(fake.project_id(), "dev").client(client).split("__").fetch()?;
    /// assert_eq!(snapshot.get(&figment::Profile::Default, "db.host"), Some("db.internal"));
    /// assert_eq!(snapshot.get(&figment::Profile::Default, "db.port"), None);
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    #[must_use]
    pub fn get(&self, profile: &Profile, key: &str) -> Option<&str> {
        let dict = self.data.get(profile)?;
        let mut parts = key.split('.');
        let mut value = dict.get(parts.next()?)?;
        for part in parts {
            value = value.as_dict()?.get(part)?;
        }
        value.as_str()
    }

    /// The keys (dotted) of `profile`, in order.
    ///
    /// ```
    /// use infisical_config::Infisical;
    /// # let fake = infisical_config::testing::FakeInfisical::builder()
    /// #     .secret("dev", "/", "PORT", "8080")
    /// #     .secret("dev", "/db", "HOST", "db.internal")
    /// #     .start_blocking();
    /// # let client = fake.blocking_client_builder().build()?;
    ///
    /// let snapshot = Infisical::new(fake.project_id(), "dev").client(client).recursive(true).fetch()?;
    /// assert_eq!(snapshot.keys(&figment::Profile::Default).collect::<Vec<_>>(), ["db.host", "port"]);
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    pub fn keys(&self, profile: &Profile) -> impl Iterator<Item = String> + '_ {
        self.index.get(profile).into_iter().flat_map(|keys| keys.iter().map(|(k, _)| k.replace(SEP, ".")))
    }

    /// The keys (dotted) of `profile` with where each came from (secret name, folder, environment),
    /// in order. Never a value: safe to print.
    ///
    /// ```
    /// use infisical_config::Infisical;
    /// # let fake = infisical_config::testing::FakeInfisical::builder().secret("dev", "/db", "HOST", "db.internal").start_blocking();
    /// # let client = fake.blocking_client_builder().build()?;
    ///
    /// let snapshot = Infisical::new(fake.project_id(), "dev").client(client).recursive(true).fetch()?;
    /// for (key, origin) in snapshot.origins(&figment::Profile::Default) {
    ///     println!("{key} <- {origin}");
    ///     assert_eq!((key.as_str(), origin.as_str()), ("db.host", "secret `HOST` in /db (dev)"));
    /// }
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    pub fn origins(&self, profile: &Profile) -> impl Iterator<Item = (String, String)> + '_ {
        self.index
            .get(profile)
            .into_iter()
            .flat_map(|keys| keys.iter().map(move |(k, o)| (k.replace(SEP, "."), keys.describe(o))))
    }

    /// The value at `key` (parts joined by the key separator) in `profile`.
    #[cfg(any(feature = "watch", feature = "config"))]
    pub(super) fn value_at(&self, profile: &Profile, key: &str) -> Option<&Value> {
        let mut parts = key.split(SEP);
        let mut value = self.data.get(profile)?.get(parts.next()?)?;
        for part in parts {
            value = value.as_dict()?.get(part)?;
        }
        Some(value)
    }

    /// The keys that differ in `newer`: added, removed, or with another value (compared here, never
    /// shown), each with where it comes from.
    #[cfg(feature = "watch")]
    pub(super) fn changes(&self, newer: &Snapshot) -> Vec<super::watch::ChangedKey> {
        use super::watch::{Change, ChangedKey};
        let mut changed = Vec::new();
        let profiles: std::collections::BTreeSet<&Profile> = self.index.keys().chain(newer.index.keys()).collect();
        for profile in profiles {
            let (old, new) = (self.index.get(profile), newer.index.get(profile));
            let keys: std::collections::BTreeSet<&String> =
                old.iter().chain(new.iter()).flat_map(|k| k.iter().map(|(key, _)| key)).collect();
            for key in keys {
                let before = old.and_then(|k| k.origin(key).map(|o| k.describe(o)));
                let after = new.and_then(|k| k.origin(key).map(|o| k.describe(o)));
                let change = match (&before, &after) {
                    (None, Some(_)) => Change::Added,
                    (Some(_), None) => Change::Removed,
                    _ if self.value_at(profile, key) != newer.value_at(profile, key) => Change::Modified,
                    _ if before != after => Change::Modified,
                    _ => continue,
                };
                let origin = after.or(before).unwrap_or_default();
                let lease =
                    [new, old].into_iter().flatten().find_map(|k| Some(k.origin(key)?.lease.as_ref()?.name.clone()));
                changed.push(ChangedKey {
                    profile: profile.clone(),
                    key: key.replace(SEP, "."),
                    origin,
                    change,
                    lease,
                });
            }
        }
        changed
    }

    /// How many keys it holds, over all profiles.
    ///
    /// ```
    /// use infisical_config::Infisical;
    /// # let fake = infisical_config::testing::FakeInfisical::builder()
    /// #     .secret("dev", "/", "PORT", "3000")
    /// #     .secret("prod", "/", "PORT", "80")
    /// #     .start_blocking();
    /// # let client = fake.blocking_client_builder().build()?;
    ///
    /// let provider = Infisical::new(fake.project_id(), "dev").client(client).and_environment("prod", "release");
    /// assert_eq!(provider.fetch()?.len(), 2); // `port` in each profile
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    #[must_use]
    pub fn len(&self) -> usize {
        self.index.values().map(Keys::len).sum()
    }

    /// True when it holds no key: the default snapshot, a folder without secrets, or an
    /// [`optional`](Infisical::optional) provider's during an outage.
    ///
    /// ```
    /// use infisical_config::Infisical;
    /// use infisical_config::figment::Snapshot;
    /// # let fake = infisical_config::testing::FakeInfisical::builder().folder("dev", "/empty").start_blocking();
    /// # let client = fake.blocking_client_builder().build()?;
    ///
    /// assert!(Snapshot::default().is_empty());
    /// let snapshot = Infisical::new(fake.project_id(), "dev").client(client).path("/empty").fetch()?;
    /// assert!(snapshot.is_empty());
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Provider for Snapshot {
    /// Names the target and where its values came from: unlike the lazy provider's, made after the load.
    fn metadata(&self) -> Metadata {
        let source = match &self.report {
            Some(report) => format!("{} ({})", self.source, report.summary()),
            None => self.source.clone(),
        };
        metadata_for(source, Arc::new(Mutex::new(self.index.clone())))
    }

    fn data(&self) -> std::result::Result<Map<Profile, Dict>, ::figment::Error> {
        Ok(self.data.clone())
    }
}

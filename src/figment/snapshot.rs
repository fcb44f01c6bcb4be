//! [`Snapshot`]: secrets fetched once, a provider that does no I/O; the provider's load that makes it,
//! and its report.

use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use ::figment::value::{Dict, Map, Value};
use ::figment::{Metadata, Profile, Provider, Source};
use secrecy::ExposeSecret;

use super::Infisical;
use super::keys::{Index, Keyer, Keys, ORIGIN_QUERY, Origin, PROVIDER_NAME, SEP, tree};
use crate::error::{Error, Result};
use crate::pipeline::{Layer, Loaded, Measure, Stored};
use crate::resources::secrets::precedence::layered;
use crate::{Client, LoadReport};

impl Infisical {
    /// Every target through the pipeline, as one counted load. `previous` holds a watcher's last load
    /// of each target (none for a first load).
    pub(super) async fn load(&self, client: &Client, previous: &[Stored]) -> (Result<Vec<Loaded>>, Measure) {
        crate::pipeline::counted(async {
            let project = self.project()?;
            let mut loaded = Vec::with_capacity(self.targets.len());
            for (n, (environment, _)) in self.targets.iter().enumerate() {
                loaded.push(self.query.load(client, &project, environment, &self.env, previous.get(n)).await?);
            }
            Ok(loaded)
        })
        .await
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

    pub(super) async fn snapshot(&self, client: &Client) -> (Result<Snapshot>, Measure) {
        let (loaded, measure) = self.load(client, &[]).await;
        let snapshot = loaded.and_then(|mut loads| {
            let report = self.report_of(&mut loads, measure, SystemTime::now());
            let snapshot = self.snapshot_of(loads.into_iter().map(Loaded::into_layers).collect(), report)?;
            self.keep_report(snapshot.report.as_deref().expect("just set"));
            Ok(snapshot)
        });
        (snapshot, measure)
    }

    /// The snapshot of what was loaded for each target (environment and profile), in order, with the
    /// load's report: keys mapped, conflicts checked, the configuration tree built. The fetch and the
    /// watcher share it.
    pub(super) fn snapshot_of(&self, loaded: Vec<Vec<Layer>>, report: LoadReport) -> Result<Snapshot> {
        let mut data = Map::new();
        let mut index = Index::new();
        for ((environment, profile), layers) in self.targets.iter().zip(loaded) {
            let mut mapped = Vec::with_capacity(layers.len());
            for layer in layers {
                let mut entries = Vec::with_capacity(layer.secrets.len());
                let mut keyer = Keyer::new(&self.mapping, &layer.path, self.query.recursive);
                for (at, value) in layer.secrets {
                    let key = keyer.key_of(&at);
                    let origin = Origin { key: at.key, folder: keyer.folder().clone() };
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
            let values = layered(mapped).map_err(|c| Error::KeyConflict {
                key: c.key.replace(SEP, "."),
                first: c.first.describe(environment),
                second: c.second.describe(environment),
                remedy: "rename one, or change the key mapping".into(),
            })?;
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
        Ok(Snapshot { data, index: Arc::new(index), source: self.source(), report: Some(Arc::new(report)) })
    }
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
    /// ```no_run
    /// use infisical_config::Infisical;
    ///
    /// let snapshot = Infisical::new("my-project", "dev").split("__").fetch()?;
    /// let host = snapshot.get(&figment::Profile::Default, "db.host");
    /// # let _ = host;
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
    pub fn keys(&self, profile: &Profile) -> impl Iterator<Item = String> + '_ {
        self.index.get(profile).into_iter().flat_map(|keys| keys.iter().map(|(k, _)| k.replace(SEP, ".")))
    }

    /// The keys (dotted) of `profile` with where each came from (secret name, folder, environment),
    /// in order. Never a value: safe to print.
    ///
    /// ```no_run
    /// use infisical_config::Infisical;
    ///
    /// let snapshot = Infisical::new("my-project", "dev").recursive(true).fetch()?;
    /// for (key, origin) in snapshot.origins(&figment::Profile::Default) {
    ///     println!("{key} <- {origin}"); // db.host <- secret `HOST` in /db (dev)
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
                changed.push(ChangedKey { profile: profile.clone(), key: key.replace(SEP, "."), origin, change });
            }
        }
        changed
    }

    /// How many keys it holds, over all profiles.
    #[must_use]
    pub fn len(&self) -> usize {
        self.index.values().map(Keys::len).sum()
    }

    /// True when it holds no key.
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

//! [`Snapshot`]: secrets fetched once, a provider that does no I/O.

use std::sync::{Arc, Mutex};

use ::figment::value::{Dict, Map};
use ::figment::{Metadata, Profile, Provider, Source};

use super::keys::{Index, SEP};

pub(super) fn metadata_for(source: String, index: Arc<Mutex<Arc<Index>>>) -> Metadata {
    Metadata::from("Infisical", Source::Custom(source)).interpolater(move |profile: &Profile, parts: &[&str]| {
        let key = parts.join(&SEP.to_string());
        let index = index.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
        // The value may come from another profile than the one selected (global, default).
        let keys = index
            .get(profile)
            .filter(|k| k.origins.contains_key(&key))
            .or_else(|| index.values().find(|k| k.origins.contains_key(&key)));
        match keys {
            Some(keys) => keys.describe(&keys.origins[&key]),
            None => parts.join("."),
        }
    })
}

/// Secrets fetched by [`Infisical::fetch`](super::Infisical::fetch): a figment provider that does no I/O.
#[derive(Clone)]
pub struct Snapshot {
    pub(super) data: Map<Profile, Dict>,
    pub(super) index: Arc<Index>,
    pub(super) source: String,
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
                        keys.origins
                            .iter()
                            .map(move |(k, o)| format!("{p}:{} <- {}", k.replace(SEP, "."), keys.describe(o)))
                    })
                    .collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl Snapshot {
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
        self.index.get(profile).into_iter().flat_map(|keys| keys.origins.keys().map(|k| k.replace(SEP, ".")))
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
            .flat_map(|keys| keys.origins.iter().map(move |(k, o)| (k.replace(SEP, "."), keys.describe(o))))
    }

    /// How many keys it holds, over all profiles.
    #[must_use]
    pub fn len(&self) -> usize {
        self.index.values().map(|k| k.origins.len()).sum()
    }

    /// True when it holds no key.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Provider for Snapshot {
    fn metadata(&self) -> Metadata {
        metadata_for(self.source.clone(), Arc::new(Mutex::new(self.index.clone())))
    }

    fn data(&self) -> std::result::Result<Map<Profile, Dict>, ::figment::Error> {
        Ok(self.data.clone())
    }
}

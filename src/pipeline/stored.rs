//! The last load of one target, folder by folder, with each list answer's `ETag`: what a cache file
//! holds and what a watcher revalidates against.

// Without the cache, its file encoding is not used.
#![cfg_attr(not(feature = "cache"), allow(dead_code))]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::Layer;
use crate::resources::secrets::SecretPath;

/// The last load of one target: each listed folder's merged secrets and its list answer's `ETag`.
#[derive(Clone, Debug)]
pub(crate) struct Stored {
    pub(crate) saved_at: SystemTime,
    pub(crate) layers: Vec<StoredLayer>,
}

/// One listed folder of a [`Stored`] load: the layer as it was loaded, and its list answer's `ETag`.
#[derive(Clone, Debug)]
pub(crate) struct StoredLayer {
    pub(crate) layer: Layer,
    pub(crate) etag: Option<String>,
}

impl StoredLayer {
    pub(crate) fn of(layer: &Layer, etag: Option<String>) -> Self {
        StoredLayer { layer: layer.clone(), etag }
    }
}

impl Stored {
    /// How long ago it was saved (zero when the clock went back).
    pub(crate) fn age(&self) -> Duration {
        SystemTime::now().duration_since(self.saved_at).unwrap_or_default()
    }

    /// The plaintext: JSON, in a buffer wiped when dropped.
    pub(crate) fn to_bytes(&self) -> Result<Zeroizing<Vec<u8>>, String> {
        let wire = Wire {
            layers: self
                .layers
                .iter()
                .map(|l| WireLayer {
                    path: &l.layer.path,
                    etag: l.etag.as_deref(),
                    secrets: l.layer.secrets.iter().map(|(at, v)| (&*at.folder, &*at.key, v.expose_secret())).collect(),
                })
                .collect(),
        };
        let mut out = Zeroizing::new(Vec::new());
        serde_json::to_writer(&mut *out, &wire).map_err(|e| format!("could not encode the load: {e}"))?;
        Ok(out)
    }

    pub(crate) fn from_bytes(bytes: &[u8], saved_at: SystemTime) -> Result<Self, String> {
        let wire: OwnedWire =
            serde_json::from_slice(bytes).map_err(|_| "its content is not a load of this crate".to_owned())?;
        Ok(Stored {
            saved_at,
            layers: wire
                .layers
                .into_iter()
                .map(|l| StoredLayer {
                    layer: Layer {
                        path: l.path,
                        secrets: l
                            .secrets
                            .into_iter()
                            .map(|(folder, key, value)| (SecretPath { folder, key }, value))
                            .collect(),
                    },
                    etag: l.etag,
                })
                .collect(),
        })
    }

    pub(crate) fn seconds(at: SystemTime) -> u64 {
        at.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
    }
}

#[derive(Serialize)]
struct Wire<'a> {
    layers: Vec<WireLayer<'a>>,
}

#[derive(Serialize)]
struct WireLayer<'a> {
    path: &'a str,
    etag: Option<&'a str>,
    secrets: Vec<(&'a str, &'a str, &'a str)>,
}

#[derive(Deserialize)]
struct OwnedWire {
    layers: Vec<OwnedLayer>,
}

#[derive(Deserialize)]
struct OwnedLayer {
    path: String,
    etag: Option<String>,
    secrets: Vec<(String, String, SecretString)>,
}

//! The last load of one target, folder by folder, with each list answer's `ETag`: what a cache file
//! holds (the pipeline's encoding, sealed by the cache) and what a watcher revalidates against.

use std::time::{Duration, SystemTime};

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

impl Stored {
    /// How long ago it was saved (zero when the clock went back).
    #[cfg_attr(not(feature = "cache"), allow(dead_code))]
    pub(crate) fn age(&self) -> Duration {
        SystemTime::now().duration_since(self.saved_at).unwrap_or_default()
    }

    /// The plaintext the cache seals: JSON, in a buffer wiped when dropped.
    #[cfg_attr(not(feature = "cache"), allow(dead_code))]
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

    /// A load from the plaintext [`to_bytes`](Self::to_bytes) made, saved at `saved_at`.
    #[cfg_attr(not(feature = "cache"), allow(dead_code))]
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
}

/// The fuzz target's entry (`fuzzing::cache_file`): `bytes` as the plaintext of a cache file, decoded
/// and encoded again.
#[cfg(feature = "fuzzing")]
pub(crate) fn fuzz(bytes: &[u8]) {
    if let Ok(stored) = Stored::from_bytes(bytes, std::time::UNIX_EPOCH) {
        let _ = (stored.age(), stored.to_bytes());
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::secrets::values::ValueList;

    /// What bounds a cache file (the client's response cap times the target's folders) rests on this:
    /// on the recorded answers of a real server, what is kept of a load is smaller than the answers it
    /// came from.
    #[test]
    fn a_load_is_kept_in_fewer_bytes_than_its_answers() {
        for (name, listed) in [
            ("034-list-secrets-dev-recursive.json", "/"),
            ("036-list-secrets-dev-app-include-imports.json", "/app"),
            ("028-list-secrets-dev-root.json", "/"),
        ] {
            let path = format!("{}/tests/fixtures/server-2024-10/{name}", env!("CARGO_MANIFEST_DIR"));
            let exchange: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
            let answer = serde_json::to_vec(&exchange["response"]).unwrap();
            let list: ValueList = serde_json::from_slice(&answer).unwrap();
            let layer = Layer { path: listed.into(), secrets: list.into_map(listed, &Vec::new()) };
            assert!(!layer.secrets.is_empty(), "{name}");
            let etag = exchange["headers"]["etag"].as_str().map(str::to_owned);
            let load = Stored { saved_at: SystemTime::now(), layers: vec![StoredLayer { layer, etag }] };
            let plain = load.to_bytes().unwrap();
            assert!(plain.len() < answer.len(), "{name}: {} bytes kept of {}", plain.len(), answer.len());
            let back = Stored::from_bytes(&plain, load.saved_at).unwrap();
            assert_eq!(back.layers[0].layer.secrets.len(), load.layers[0].layer.secrets.len());
            assert_eq!(back.layers[0].etag, load.layers[0].etag);
        }
    }
}

//! What a load brings back (the layers with their tags, and where each came from), and the count and
//! time of a loader's whole load, for its report.

use std::cell::Cell;
use std::future::Future;
use std::time::{Duration, Instant, SystemTime};

use super::{Layer, Stored, StoredLayer};
use crate::error::{Error, Result};
use crate::report::{LayerReport, LoadReport, Origin};
use crate::transport::REQUESTS;

/// One environment loaded: its layers (with their tags, for the next revalidation), where each came
/// from, and, when the cache's policy provided nothing because Infisical could not be reached, the
/// error (the figment provider's `on_unavailable` is told).
#[derive(Debug)]
pub(crate) struct Loaded {
    pub(crate) stored: Stored,
    pub(crate) report: Vec<LayerReport>,
    #[cfg_attr(not(feature = "figment"), allow(dead_code))]
    pub(crate) unavailable: Option<Error>,
}

impl Default for Loaded {
    fn default() -> Self {
        Loaded {
            stored: Stored { saved_at: SystemTime::now(), layers: Vec::new() },
            report: Vec::new(),
            unavailable: None,
        }
    }
}

impl Loaded {
    pub(super) fn push(&mut self, environment: &str, layer: StoredLayer, origin: Origin) {
        let (path, etag, secrets) = (&layer.layer.path, layer.etag.clone(), layer.layer.secrets.len());
        self.report.push(LayerReport::new(environment, path, origin, etag, secrets));
        self.stored.layers.push(layer);
    }

    /// The layers, in order, without their tags.
    pub(crate) fn into_layers(self) -> Vec<Layer> {
        self.stored.layers.into_iter().map(|l| l.layer).collect()
    }

    /// What a cached load serves, every layer with `origin`.
    #[cfg(feature = "cache")]
    pub(super) fn from_cache(environment: &str, stored: Stored, origin: &Origin) -> Self {
        let mut loaded =
            Loaded { stored: Stored { saved_at: stored.saved_at, layers: Vec::new() }, ..Loaded::default() };
        for layer in stored.layers {
            loaded.push(environment, layer, origin.clone());
        }
        loaded
    }
}

/// The count and time of a loader's whole load (all its environments), for its report.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Measure {
    /// The requests it sent, logins and retries included.
    pub(crate) requests: u32,
    pub(crate) duration: Duration,
}

/// Runs `load`, counting the requests the transport sends for it: concurrent loads on one client
/// count apart, each in its own task-local counter.
pub(crate) async fn counted<T>(load: impl Future<Output = Result<T>>) -> (Result<T>, Measure) {
    let started = Instant::now();
    let (result, requests) = REQUESTS
        .scope(Cell::new(0), async {
            let result = load.await;
            (result, REQUESTS.with(Cell::get))
        })
        .await;
    (result, Measure { requests, duration: started.elapsed() })
}

impl Measure {
    /// The report of this load of `target`, whose layers are `layers`, ended at `finished_at`.
    /// Every report is made here, so the metrics of every load are recorded here.
    pub(crate) fn report(self, target: String, layers: Vec<LayerReport>, finished_at: SystemTime) -> LoadReport {
        let report = LoadReport::new(target, layers, self.requests, self.duration, finished_at);
        crate::metrics::load(&report);
        report
    }
}

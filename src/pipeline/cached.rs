//! A load through the last-known-good cache: revalidate against it, keep what worked, and stand in
//! for the server, as the policy says, only when the server cannot be reached.

use std::time::SystemTime;

use super::{Layer, Query, Stored, StoredLayer};
use crate::cache::{Cache, OnFailure};
use crate::error::Result;
use crate::resources::ProjectRef;
use crate::{Client, EnvSource};

pub(super) async fn load(
    query: &Query,
    cache: &Cache,
    client: &Client,
    project: &ProjectRef,
    environment: &str,
    env: &EnvSource,
) -> Result<Vec<Layer>> {
    let target = query.target(client.site().as_str(), project, environment);
    // What the target's answers can total, which bounds its cache file.
    let answers_cap = (client.inner.transport.max_response_bytes() as u64).saturating_mul(query.paths.len() as u64);
    let cached = cache.read(env, &target, answers_cap);
    match query.fetch(client, project, environment, cached.as_ref()).await {
        Ok(fetched) => {
            // Written even when nothing changed: the cache's age is that of the last confirmation.
            let stored = Stored {
                saved_at: SystemTime::now(),
                layers: fetched.layers.iter().zip(fetched.etags).map(|(l, etag)| StoredLayer::of(l, etag)).collect(),
            };
            cache.write(env, &target, &stored, answers_cap);
            Ok(fetched.layers)
        }
        // An outage only: a refusal (a login, a project) is never hidden by the cache.
        Err(err) if err.is_unavailable() => match (cache.policy(), cached) {
            (OnFailure::UseCache { max_age }, Some(stored)) if stored.age() <= max_age => {
                tracing::warn!(
                    %environment,
                    age_seconds = stored.age().as_secs(),
                    error = %crate::error::with_causes(&err),
                    "Infisical cannot be reached; serving the last good load from the cache"
                );
                Ok(stored.layers.into_iter().map(|l| l.layer).collect())
            }
            (OnFailure::UseCache { max_age }, Some(stored)) => {
                tracing::warn!(
                    %environment,
                    age_seconds = stored.age().as_secs(),
                    max_age_seconds = max_age.as_secs(),
                    "Infisical cannot be reached and the cached load is too old to serve"
                );
                Err(err)
            }
            (OnFailure::ProvideNothing, _) => {
                tracing::warn!(%environment, error = %crate::error::with_causes(&err), "Infisical cannot be reached; providing nothing");
                Ok(Vec::new())
            }
            _ => Err(err),
        },
        Err(err) => Err(err),
    }
}

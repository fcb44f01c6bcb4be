//! A load through the last-known-good cache: answer from it first when the loader chose so (fresh,
//! offline), revalidate against it, keep what worked, and stand in for the server, as the policy says,
//! only when the server cannot be reached.

use super::{Loaded, Query, Stored};
use crate::cache::{Cache, First, OnFailure, Unread};
use crate::error::{Error, Result, with_causes};
use crate::report::{CacheReason, Origin, human};
use crate::resources::ProjectRef;
use crate::{Client, EnvSource};

pub(super) async fn load(
    query: &Query,
    cache: &Cache,
    client: &Client,
    project: &ProjectRef,
    environment: &str,
    env: &EnvSource,
    previous: Option<&Stored>,
) -> Result<Loaded> {
    let target = query.target(client.site().as_str(), project, environment);
    // What the target's answers can total, which bounds its file.
    let answers_cap = (client.inner.transport.max_response_bytes() as u64).saturating_mul(query.paths.len() as u64);
    let read = || cache.read(env, &target, answers_cap, Stored::from_bytes);
    if let First::Offline(max_age) = cache.first() {
        return offline(environment, read(), cache.bound(max_age), || cache.file_name(env, &target));
    }
    // A caller holding the previous load revalidates against it; a first load, against the cache.
    let cached = if previous.is_none() { read().ok() } else { None };
    if let First::Fresh(window) = cache.first()
        && let Some(stored) = cached.as_ref().filter(|s| s.age() <= cache.bound(window))
    {
        let origin = Origin::Cache { age: stored.age(), reason: CacheReason::Fresh };
        tracing::debug!(%environment, age_ms = stored.age().as_millis() as u64, "the cache is fresh: Infisical not asked");
        return Ok(Loaded::from_cache(environment, cached.expect("just found"), &origin));
    }
    match query.fetch(client, project, environment, previous.or(cached.as_ref())).await {
        Ok(loaded) => {
            // Written even when nothing changed: the cache's age is that of the last confirmation.
            let stored = &loaded.stored;
            cache.write(env, &target, stored.saved_at, answers_cap, || stored.to_bytes());
            Ok(loaded)
        }
        // An outage only: a refusal (a login, a project) is never hidden by the cache. A caller with a
        // previous load keeps it itself.
        Err(err) if err.is_unavailable() && previous.is_none() => stand_in(query, cache, environment, cached, err),
        Err(err) => Err(err),
    }
}

/// What the policy serves while Infisical cannot be reached.
fn stand_in(query: &Query, cache: &Cache, environment: &str, cached: Option<Stored>, err: Error) -> Result<Loaded> {
    match (cache.policy(), cached) {
        (OnFailure::UseCache { max_age }, Some(stored)) if stored.age() <= max_age => {
            let age = stored.age();
            tracing::warn!(
                %environment,
                age_seconds = age.as_secs(),
                error = %with_causes(&err),
                "Infisical cannot be reached; serving the last good load from the cache"
            );
            let origin = Origin::Cache { age, reason: CacheReason::Unavailable { error: with_causes(&err) } };
            Ok(Loaded::from_cache(environment, stored, &origin))
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
            let reason = with_causes(&err);
            tracing::warn!(%environment, error = %reason, "Infisical cannot be reached; providing nothing");
            Ok(Loaded { report: query.nothing(environment, &reason), unavailable: Some(err), ..Loaded::default() })
        }
        _ => Err(err),
    }
}

/// An offline load: the cache if it is usable and no older than `bound`, else an error saying why.
fn offline(
    environment: &str,
    read: std::result::Result<Stored, Unread>,
    bound: std::time::Duration,
    file: impl FnOnce() -> String,
) -> Result<Loaded> {
    let unusable = |path, reason| Error::File { what: "offline Infisical cache", path, reason, source: None };
    let stored = read.map_err(|Unread { file, reason }| unusable(file, reason))?;
    let age = stored.age();
    if age > bound {
        return Err(unusable(
            file(),
            format!(
                "it was saved {} ago, more than the {} an offline load may serve; a load that reaches Infisical \
                 replaces it",
                human(age),
                human(bound)
            ),
        ));
    }
    Ok(Loaded::from_cache(environment, stored, &Origin::Cache { age, reason: CacheReason::Offline }))
}

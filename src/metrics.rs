//! Metrics (feature `metrics`), recorded over the [`metrics`](https://docs.rs/metrics) facade: the
//! application installs the exporter it wants (Prometheus, StatsD, OpenTelemetry...), and without one
//! every call here is a no-op of the facade. Without the feature this module's functions are empty
//! and inlined away: no recorder call is compiled in.
//!
//! Every metric is recorded here, from a few hooks: each attempt's outcome and time (the transport),
//! each load's report (`pipeline::Measure::report`), the watcher's reloads and the age of what it
//! serves, the event stream's events, connections and refusals, and the lease manager's leases.
//!
//! Labels carry no value and no secret name. Their values are the crate's own words (outcomes,
//! endpoints, reasons) and the environment's slug: a handful per process, set by the configuration,
//! never by what the server holds. Folders are left out: a recursive load's sub-folders come from the
//! data, and a label the data can grow is a cardinality leak. The README lists every metric with an
//! alert.

#[cfg(feature = "metrics")]
use std::time::Duration;

/// How one attempt ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// A 2xx answer.
    Ok,
    /// A 304: what the caller held is confirmed, no body.
    NotModified,
    /// A 429 (the rate limiter, or the cap on event streams).
    RateLimited,
    /// A 5xx.
    ServerError,
    /// Any other answer (401, 403, 404, 400, 422...): the server refused the request.
    Refused,
    /// No answer: the connection failed, timed out or broke, or TLS refused it.
    Transport,
}

impl Outcome {
    /// The outcome of an answer with `status`.
    pub(crate) fn of_status(status: u16) -> Self {
        match status {
            304 => Outcome::NotModified,
            200..=299 => Outcome::Ok,
            429 => Outcome::RateLimited,
            500..=599 => Outcome::ServerError,
            _ => Outcome::Refused,
        }
    }

    #[cfg(feature = "metrics")]
    fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::NotModified => "not_modified",
            Outcome::RateLimited => "rate_limited",
            Outcome::ServerError => "server_error",
            Outcome::Refused => "refused",
            Outcome::Transport => "transport",
        }
    }
}

/// What the watcher did with a poll.
#[cfg(feature = "watch")]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Reload {
    /// A new configuration was published.
    Applied,
    /// Infisical changed, but the configuration did not extract: the last one stays.
    Rejected,
    /// The poll failed: the last configuration stays.
    Failed,
}

/// What happened to a lease (for the lease manager).
#[cfg_attr(not(feature = "watch"), allow(dead_code))] // Beyond `Created`, the lease manager (a watcher's) makes them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LeaseEvent {
    /// A lease was created.
    Created,
    /// A lease was renewed.
    Renewed,
    /// A renewal failed (the lease stays until it expires, or is replaced).
    RenewFailed,
    /// A lease was replaced by a new one (its max TTL reached, or it was gone).
    Replaced,
    /// Creating the replacement of a lease failed (the lease stays until it expires).
    ReplaceFailed,
    /// A lease was revoked.
    Revoked,
    /// Revoking a replaced lease failed (it expires at its TTL).
    RevokeFailed,
    /// A lease expired while held.
    Expired,
}

#[cfg(feature = "metrics")]
impl LeaseEvent {
    fn as_str(self) -> &'static str {
        match self {
            LeaseEvent::Created => "created",
            LeaseEvent::Renewed => "renewed",
            LeaseEvent::RenewFailed => "renew_failed",
            LeaseEvent::Replaced => "replaced",
            LeaseEvent::ReplaceFailed => "replace_failed",
            LeaseEvent::Revoked => "revoked",
            LeaseEvent::RevokeFailed => "revoke_failed",
            LeaseEvent::Expired => "expired",
        }
    }
}

/// The endpoint of a request, from its path (`v4`, `secrets`, ...): the crate's own words only, never
/// a segment of the path (which may be a secret's name).
#[cfg_attr(not(feature = "metrics"), allow(dead_code))]
pub(crate) fn endpoint(segments: &[String]) -> &'static str {
    let at = |n: usize| segments.get(n).map_or("", String::as_str);
    match at(1) {
        "auth" if at(3) == "login" => "login",
        "auth" if at(2) == "token" && at(3) == "renew" => "renew",
        "auth" => "auth",
        "secrets" => "secrets",
        "folders" => "folders",
        "secret-imports" => "imports",
        "projects" | "workspace" => "projects",
        "events" => "events",
        "dynamic-secrets" if at(2) == "leases" => "leases",
        "dynamic-secrets" => "dynamic_secrets",
        "kms" => "kms",
        "cert-manager" | "pki" => "certificates",
        _ => "other",
    }
}

#[cfg(feature = "metrics")]
mod names {
    pub(super) const REQUESTS: &str = "infisical_config_requests_total";
    pub(super) const REQUEST_DURATION: &str = "infisical_config_request_duration_seconds";
    pub(super) const LOGINS: &str = "infisical_config_logins_total";
    pub(super) const LOADS: &str = "infisical_config_loads_total";
    pub(super) const CACHE_SERVED: &str = "infisical_config_cache_served_total";
    pub(super) const SERVED_AGE: &str = "infisical_config_served_age_seconds";
    pub(super) const RELOADS: &str = "infisical_config_reloads_total";
    pub(super) const PUSH_EVENTS: &str = "infisical_config_push_events_total";
    pub(super) const PUSH_RECONNECTS: &str = "infisical_config_push_reconnects_total";
    pub(super) const PUSH_UNAVAILABLE: &str = "infisical_config_push_unavailable_total";
    pub(super) const PUSH_CONNECTED: &str = "infisical_config_push_connected";
    pub(super) const LEASES: &str = "infisical_config_lease_events_total";
    pub(super) const LEASES_HELD: &str = "infisical_config_leases_held";
    pub(super) const LEASE_REMAINING: &str = "infisical_config_lease_remaining_seconds";
}

/// Describes every metric to the recorder once (units and help texts, for exporters that show them).
#[cfg(feature = "metrics")]
fn describe() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        use metrics::{Unit, describe_counter, describe_gauge, describe_histogram};
        describe_counter!(names::REQUESTS, Unit::Count, "Requests to Infisical, each attempt, by endpoint and outcome");
        describe_histogram!(names::REQUEST_DURATION, Unit::Seconds, "Time of one attempt, to its whole answer");
        describe_counter!(names::LOGINS, Unit::Count, "Logins (a machine identity's login or a token renewal)");
        describe_counter!(names::LOADS, Unit::Count, "Loads of an environment, by where they came from");
        describe_counter!(names::CACHE_SERVED, Unit::Count, "Loads served from the last-known-good cache, by why");
        describe_gauge!(names::SERVED_AGE, Unit::Seconds, "How long ago Infisical confirmed what is served");
        describe_counter!(names::RELOADS, Unit::Count, "Watcher polls that changed something, or failed");
        describe_counter!(names::PUSH_EVENTS, Unit::Count, "Secret changes announced on the event stream");
        describe_counter!(names::PUSH_RECONNECTS, Unit::Count, "Event-stream connections lost or failed");
        describe_counter!(names::PUSH_UNAVAILABLE, Unit::Count, "Event streams refused by the server, by why");
        describe_gauge!(names::PUSH_CONNECTED, Unit::Count, "Event streams connected now (one per project)");
        describe_counter!(names::LEASES, Unit::Count, "What happened to dynamic-secret leases");
        describe_gauge!(names::LEASES_HELD, Unit::Count, "Dynamic-secret leases held now");
        describe_gauge!(names::LEASE_REMAINING, Unit::Seconds, "The shortest time left on a lease held");
    });
}

/// One attempt to `endpoint` ended with `outcome` after `took`.
#[inline]
pub(crate) fn request(endpoint: &'static str, outcome: Outcome, took: std::time::Duration) {
    #[cfg(feature = "metrics")]
    {
        describe();
        metrics::counter!(names::REQUESTS, "endpoint" => endpoint, "outcome" => outcome.as_str()).increment(1);
        metrics::histogram!(names::REQUEST_DURATION, "endpoint" => endpoint).record(took.as_secs_f64());
    }
    #[cfg(not(feature = "metrics"))]
    let _ = (endpoint, outcome, took);
}

/// A login (or a token renewal) ended: `ok` or not, after its retries.
#[inline]
pub(crate) fn login(ok: bool) {
    #[cfg(feature = "metrics")]
    {
        describe();
        metrics::counter!(names::LOGINS, "outcome" => if ok { "ok" } else { "failed" }).increment(1);
    }
    #[cfg(not(feature = "metrics"))]
    let _ = ok;
}

/// A load's report: one load per environment, by origin; the cache's stand-ins; the age served.
#[inline]
pub(crate) fn load(report: &crate::report::LoadReport) {
    #[cfg(feature = "metrics")]
    {
        use crate::report::{CacheReason, Origin};
        describe();
        let mut environments: Vec<&str> = report.layers.iter().map(|l| l.environment.as_str()).collect();
        environments.dedup();
        for environment in environments {
            let layers = || report.layers.iter().filter(|l| l.environment == environment);
            // The worst layer says where the environment came from, as `LoadReport::origin` does.
            let rank = |o: &Origin| match o {
                Origin::Revalidated => 0,
                Origin::Network => 1,
                Origin::Cache { .. } => 2,
                Origin::Nothing { .. } => 3,
            };
            let Some(origin) = layers().map(|l| &l.origin).max_by_key(|o| rank(o)) else { continue };
            let (name, age) = match origin {
                Origin::Network => ("network", Duration::ZERO),
                Origin::Revalidated => ("revalidated", Duration::ZERO),
                Origin::Cache { .. } => {
                    ("cache", layers().filter_map(|l| cache_age(&l.origin)).max().unwrap_or_default())
                }
                Origin::Nothing { .. } => ("nothing", Duration::ZERO),
            };
            let environment = environment.to_owned();
            metrics::counter!(names::LOADS, "environment" => environment.clone(), "origin" => name).increment(1);
            if let Origin::Cache { reason, .. } = origin {
                let why = match reason {
                    CacheReason::Fresh => "fresh",
                    CacheReason::Offline => "offline",
                    CacheReason::Unavailable { .. } => "unavailable",
                };
                metrics::counter!(names::CACHE_SERVED, "environment" => environment.clone(), "reason" => why)
                    .increment(1);
            }
            if !matches!(origin, Origin::Nothing { .. }) {
                metrics::gauge!(names::SERVED_AGE, "environment" => environment).set(age.as_secs_f64());
            }
        }
    }
    #[cfg(not(feature = "metrics"))]
    let _ = report;
}

#[cfg(feature = "metrics")]
fn cache_age(origin: &crate::report::Origin) -> Option<Duration> {
    match origin {
        crate::report::Origin::Cache { age, .. } => Some(*age),
        _ => None,
    }
}

/// A watcher's configuration was last confirmed by Infisical `age` ago (set after every poll, failed
/// ones included, so the age grows through an outage).
#[cfg(feature = "watch")]
#[inline]
pub(crate) fn served_age<'a>(environments: impl IntoIterator<Item = &'a str>, age: std::time::Duration) {
    #[cfg(feature = "metrics")]
    for environment in environments {
        describe();
        metrics::gauge!(names::SERVED_AGE, "environment" => environment.to_owned()).set(age.as_secs_f64());
    }
    #[cfg(not(feature = "metrics"))]
    let _ = (environments, age);
}

/// What a watcher's poll did.
#[cfg(feature = "watch")]
#[inline]
pub(crate) fn reload(outcome: Reload) {
    #[cfg(feature = "metrics")]
    {
        describe();
        let outcome = match outcome {
            Reload::Applied => "applied",
            Reload::Rejected => "rejected",
            Reload::Failed => "failed",
        };
        metrics::counter!(names::RELOADS, "outcome" => outcome).increment(1);
    }
    #[cfg(not(feature = "metrics"))]
    let _ = outcome;
}

/// A change announced on an event stream (once per stream, whatever its subscribers).
#[cfg(feature = "push")]
#[inline]
pub(crate) fn push_event(kind: crate::events::EventKind) {
    #[cfg(feature = "metrics")]
    {
        use crate::events::EventKind;
        describe();
        let kind = match kind {
            EventKind::Created => "created",
            EventKind::Updated => "updated",
            EventKind::Deleted => "deleted",
            EventKind::ImportChanged => "import_changed",
        };
        metrics::counter!(names::PUSH_EVENTS, "kind" => kind).increment(1);
    }
    #[cfg(not(feature = "metrics"))]
    let _ = kind;
}

/// An event stream's connection, counted in the gauge of connected streams while it lives: the
/// stream's task may be stopped anywhere (its last subscriber gone), and the drop still counts it out.
#[cfg(feature = "push")]
#[derive(Debug)]
pub(crate) struct PushConnection(());

#[cfg(feature = "push")]
impl PushConnection {
    #[inline]
    pub(crate) fn up() -> Self {
        #[cfg(feature = "metrics")]
        {
            describe();
            metrics::gauge!(names::PUSH_CONNECTED).increment(1.0);
        }
        PushConnection(())
    }
}

#[cfg(feature = "push")]
impl Drop for PushConnection {
    #[inline]
    fn drop(&mut self) {
        #[cfg(feature = "metrics")]
        metrics::gauge!(names::PUSH_CONNECTED).decrement(1.0);
    }
}

/// An event stream's connection was lost or could not be made, and will be tried again: `reason` is
/// `closed`, `broken`, `silent`, `server_error` or `connect_failed`.
#[cfg(feature = "push")]
#[inline]
pub(crate) fn push_reconnect(reason: &'static str) {
    #[cfg(feature = "metrics")]
    {
        describe();
        metrics::counter!(names::PUSH_RECONNECTS, "reason" => reason).increment(1);
    }
    #[cfg(not(feature = "metrics"))]
    let _ = reason;
}

/// The server refused an event stream.
#[cfg(feature = "push")]
#[inline]
pub(crate) fn push_unavailable(reason: &crate::events::PushUnavailable) {
    #[cfg(feature = "metrics")]
    {
        use crate::events::PushUnavailable;
        describe();
        let reason = match reason {
            PushUnavailable::RouteNotFound => "route_not_found",
            PushUnavailable::NotLicensed => "not_licensed",
            PushUnavailable::Forbidden => "forbidden",
            PushUnavailable::StreamLimit => "stream_limit",
            _ => "rejected",
        };
        metrics::counter!(names::PUSH_UNAVAILABLE, "reason" => reason).increment(1);
    }
    #[cfg(not(feature = "metrics"))]
    let _ = reason;
}

/// What happened to a lease of `environment` (created by any loader; the rest by the lease manager).
#[inline]
pub(crate) fn lease(environment: &str, event: LeaseEvent) {
    #[cfg(feature = "metrics")]
    {
        describe();
        metrics::counter!(names::LEASES, "environment" => environment.to_owned(), "event" => event.as_str())
            .increment(1);
    }
    #[cfg(not(feature = "metrics"))]
    let _ = (environment, event);
}

/// The leases of `environment` held now, and the shortest time left on one (none when none is held):
/// call it whenever either changes.
#[cfg_attr(not(feature = "watch"), allow(dead_code))] // The lease manager (a watcher's) records it.
#[inline]
pub(crate) fn leases_held(environment: &str, held: usize, shortest_remaining: Option<std::time::Duration>) {
    #[cfg(feature = "metrics")]
    {
        describe();
        let environment = environment.to_owned();
        metrics::gauge!(names::LEASES_HELD, "environment" => environment.clone()).set(held as f64);
        let remaining = shortest_remaining.map_or(0.0, |d| d.as_secs_f64());
        metrics::gauge!(names::LEASE_REMAINING, "environment" => environment).set(remaining);
    }
    #[cfg(not(feature = "metrics"))]
    let _ = (environment, held, shortest_remaining);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segments(path: &[&str]) -> Vec<String> {
        path.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn endpoints_are_the_crates_words_never_a_segment_of_the_path() {
        assert_eq!(endpoint(&segments(crate::routes::UNIVERSAL_AUTH_LOGIN)), "login");
        assert_eq!(endpoint(&segments(crate::routes::TOKEN_RENEW)), "renew");
        assert_eq!(endpoint(&segments(&["v4", "secrets", "DB_PASSWORD"])), "secrets");
        assert_eq!(endpoint(&segments(&["v3", "secrets", "raw", "DB_PASSWORD"])), "secrets");
        assert_eq!(endpoint(&segments(&["v1", "dynamic-secrets", "leases", "id", "renew"])), "leases");
        assert_eq!(endpoint(&segments(&["v1", "dynamic-secrets", "my-db"])), "dynamic_secrets");
        assert_eq!(endpoint(&segments(&["v1", "workspace", "id", "environments"])), "projects");
        assert_eq!(endpoint(&segments(&["v9", "SOMETHING_SECRET"])), "other");
        assert_eq!(endpoint(&[]), "other");
    }

    #[test]
    fn outcomes_by_status() {
        let of = Outcome::of_status;
        assert_eq!([of(200), of(204), of(304)], [Outcome::Ok, Outcome::Ok, Outcome::NotModified]);
        assert_eq!(
            [of(429), of(503), of(404), of(401)],
            [Outcome::RateLimited, Outcome::ServerError, Outcome::Refused, Outcome::Refused]
        );
    }
}

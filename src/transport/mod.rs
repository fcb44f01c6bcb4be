//! One HTTP exchange with the server, with retries, a response cap and error decoding.
//!
//! Everything the client sends goes through [`Transport::send`]: authentication, resources, the
//! figment provider. Retrying lives here and only here.

mod body;
mod cause;
mod gate;
mod http;
mod request;
mod retry;
#[cfg(feature = "push")]
mod stream;

pub(crate) use body::Body;
pub use gate::RequestBudget;
pub(crate) use http::reqwest_builder;
pub(crate) use request::{ApiRequest, ApiResponse};
pub use retry::RetryPolicy;
pub(crate) use retry::{Budget, Replay};

use std::fmt::Write as _;
use std::sync::atomic::Ordering;
use std::time::Duration;

use reqwest::Url;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue, IF_NONE_MATCH, RETRY_AFTER};
use secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

use crate::error::{ApiError, Error, Result, TransportErrorKind};

use body::{SEGMENT_FIRST, SEGMENT_MAX, Wiped};
use gate::Gate;

tokio::task_local! {
    /// The attempts sent by the load running in this task (`pipeline::counted` sets it), for its report.
    pub(crate) static REQUESTS: std::cell::Cell<u32>;
}

/// The HTTP side of a client: the connection pool, the API base URL, the retry policy and the gate.
#[derive(Debug)]
pub(crate) struct Transport {
    http: reqwest::Client,
    api: Url,
    /// `scheme://host:port`, for errors: the port always, so a wrong one is seen.
    site: String,
    retry: RetryPolicy,
    attempt_timeout: Duration,
    max_response_bytes: usize,
    /// Every attempt passes it: a 429 holds them all, and the request budget spaces them.
    gate: Gate,
}

impl Transport {
    pub(crate) fn new(
        http: reqwest::Client,
        api: Url,
        retry: RetryPolicy,
        attempt_timeout: Duration,
        max_response_bytes: usize,
        budget: Option<RequestBudget>,
    ) -> Self {
        // Put together by hand: every client makes it, and the formatting machinery costs more.
        let host = api.host_str().unwrap_or("?");
        let mut site = String::with_capacity(api.scheme().len() + host.len() + 9);
        site.push_str(api.scheme());
        site.push_str("://");
        site.push_str(host);
        site.push(':');
        match api.port_or_known_default() {
            Some(port) => {
                let _ = write!(site, "{port}");
            }
            None => site.push('?'),
        }
        Transport { http, api, site, retry, attempt_timeout, max_response_bytes, gate: Gate::new(budget) }
    }

    /// When the next request could be sent: the end of a 429's hold, or the request budget's next
    /// token; `None` when it could go now. Timed work moves its next step there rather than sleeping
    /// into a wait.
    #[cfg_attr(not(feature = "watch"), allow(dead_code))] // Timed work (the watcher) asks it.
    pub(crate) fn ready_at(&self) -> Option<tokio::time::Instant> {
        self.gate.ready_at()
    }

    /// The request budget's requests a minute, when the client has one.
    #[cfg_attr(not(feature = "watch"), allow(dead_code))] // Timed work (the watcher) asks it.
    pub(crate) fn budget_per_minute(&self) -> Option<u32> {
        self.gate.budget_per_minute()
    }

    /// `scheme://host:port` of the server.
    pub(crate) fn site(&self) -> &str {
        &self.site
    }

    /// The most bytes an answer may have (`ClientBuilder::max_response_bytes`).
    #[cfg_attr(not(feature = "cache"), allow(dead_code))]
    pub(crate) fn max_response_bytes(&self) -> usize {
        self.max_response_bytes
    }

    /// Sends a request, retrying as the policy allows, within the call's `budget`. 2xx and 304 answers
    /// are `Ok`; any other status is an [`Error::Api`].
    pub(crate) async fn send(
        &self,
        req: &ApiRequest,
        bearer: Option<&SecretString>,
        budget: &Budget,
    ) -> Result<ApiResponse> {
        use tracing::Instrument;
        let kind = crate::metrics::endpoint(&req.segments);
        // Names and paths only (as every log line here): never a body, a header or a value.
        let span = tracing::debug_span!("infisical.request", endpoint = %req.describe(), site = %self.site);
        let sent = self.send_retrying(req, bearer, budget, kind).instrument(span).await;
        if matches!(kind, "login" | "renew") {
            crate::metrics::login(sent.is_ok());
        }
        sent
    }

    async fn send_retrying(
        &self,
        req: &ApiRequest,
        bearer: Option<&SecretString>,
        budget: &Budget,
        kind: &'static str,
    ) -> Result<ApiResponse> {
        let endpoint = req.describe();
        let mut retries = 0u32;
        loop {
            self.gate.pass(req, &self.site, budget, retries > 0).await?;
            let Some(remaining) = budget.remaining() else {
                return Err(budget.timed_out(&req.method, &self.site, &req.path()));
            };
            let attempt = budget.attempt();
            let started = std::time::Instant::now();
            let outcome = self.send_once(req, bearer, &endpoint, remaining.min(self.attempt_timeout), budget).await;
            if let Some(recorded) = attempt_outcome(&outcome) {
                crate::metrics::request(kind, recorded, started.elapsed());
            }
            let (may_have_reached, retry_after, err) = match outcome {
                Ok(resp) => return Ok(resp),
                Err(Failure::Status(api, hold)) => {
                    if let Some(hold) = hold {
                        self.gate.hold(hold, &api, &self.site);
                    }
                    let retryable = matches!(api.status(), 429 | 502 | 503 | 504);
                    if !retryable {
                        return Err(api.into());
                    }
                    // A 429 is the rate limiter refusing the request before any handler ran.
                    (api.status() != 429, hold.or(api.retry_after()), Error::from(api))
                }
                Err(Failure::Local(err)) => return Err(err),
                Err(Failure::Transport(kind, err)) => match kind {
                    TransportErrorKind::Connect => (false, None, err),
                    TransportErrorKind::Timeout if budget.remaining().is_none() => {
                        return Err(budget.timed_out(&req.method, &self.site, &req.path()));
                    }
                    TransportErrorKind::Timeout | TransportErrorKind::Other => (true, None, err),
                    // A refused certificate or handshake fails the same way every time.
                    _ => return Err(err),
                },
            };
            if retries >= self.retry.max_retries || (may_have_reached && req.replay == Replay::Unsafe) {
                return Err(err);
            }
            let wait = match retry_after {
                Some(wait) if wait > self.retry.max_retry_after => {
                    tracing::warn!(%endpoint, wait_s = wait.as_secs(), "server asked to wait longer than the retry cap; giving up");
                    return Err(err);
                }
                Some(wait) => wait,
                None => self.retry.backoff(retries),
            };
            retries += 1;
            // The server's message may echo input: at WARN only the kind of failure, the text at DEBUG.
            tracing::warn!(%endpoint, attempt = retries, wait_ms = wait.as_millis() as u64, status = err.status(), "retrying Infisical request");
            tracing::debug!(%endpoint, error = %err, "the failure being retried");
            if err.status() == Some(429) {
                // The gate waits out the hold, with every other request of the client, or says it cannot.
                continue;
            }
            if budget.remaining().is_none_or(|left| wait >= left) {
                // Sleeping would only end at the deadline: report what failed now.
                tracing::debug!(%endpoint, attempt, "the next retry would pass the call's deadline; giving up");
                return Err(err);
            }
            tokio::time::sleep(wait).await;
        }
    }

    async fn send_once(
        &self,
        req: &ApiRequest,
        bearer: Option<&SecretString>,
        endpoint: &str,
        timeout: Duration,
        budget: &Budget,
    ) -> Result<ApiResponse, Failure> {
        let rb = self.request_builder(req, bearer).map_err(Failure::Local)?.timeout(timeout);
        let _ = REQUESTS.try_with(|sent| sent.set(sent.get() + 1));
        let resp = rb.send().await.map_err(|e| self.transport_failure(req, e, budget))?;
        let status = resp.status().as_u16();
        tracing::debug!(%endpoint, status, "infisical response");
        if resp.status().is_redirection() && status != 304 {
            return Err(Failure::Transport(
                TransportErrorKind::Redirect,
                self.transport_error(TransportErrorKind::Redirect, req, budget, None, None),
            ));
        }
        let mut resp = resp;
        let headers = std::mem::take(resp.headers_mut());
        let body = self.read_body(req, resp, budget).await?;
        if (200..300).contains(&status) || status == 304 {
            return Ok(ApiResponse { status, headers, body, endpoint: endpoint.to_owned() });
        }
        let (api, hold) = error_answer(status, &headers, &body);
        Err(Failure::Status(api, hold))
    }

    /// The request as sent: URL, bearer token (marked sensitive), JSON body, `If-None-Match`.
    fn request_builder(&self, req: &ApiRequest, bearer: Option<&SecretString>) -> Result<reqwest::RequestBuilder> {
        let url = req.url(&self.api);
        let mut rb = self.http.request(req.method.clone(), url);
        if let Some(token) = bearer {
            let value = Zeroizing::new(format!("Bearer {}", token.expose_secret()));
            let mut header =
                HeaderValue::from_str(&value).map_err(|_| Error::InvalidHeader { name: AUTHORIZATION.to_string() })?;
            header.set_sensitive(true);
            rb = rb.header(AUTHORIZATION, header);
        }
        if let Some(body) = &req.body {
            rb = rb.header(CONTENT_TYPE, "application/json").body(body.to_vec());
        }
        if let Some(etag) = &req.if_none_match {
            rb = rb.header(IF_NONE_MATCH, etag.as_str());
        }
        Ok(rb)
    }

    async fn read_body(&self, req: &ApiRequest, mut resp: reqwest::Response, budget: &Budget) -> Result<Body, Failure> {
        let cap = self.max_response_bytes;
        let too_large = || {
            Failure::Transport(
                TransportErrorKind::ResponseTooLarge,
                self.transport_error(TransportErrorKind::ResponseTooLarge, req, budget, None, None),
            )
        };
        let announced = resp.content_length();
        if announced.is_some_and(|n| n > cap as u64) {
            return Err(too_large());
        }
        let first = announced.map_or(SEGMENT_FIRST.min(cap), |n| n as usize);
        let mut segments: Vec<Wiped> = Vec::new();
        let mut current = Wiped::with_capacity(first);
        let mut total = 0usize;
        while let Some(chunk) = resp.chunk().await.map_err(|e| self.transport_failure(req, e, budget))? {
            if total + chunk.len() > cap {
                return Err(too_large());
            }
            total += chunk.len();
            let mut rest = &chunk[..];
            while !rest.is_empty() {
                if current.len() == current.capacity() {
                    let next = (current.capacity() * 2).clamp(SEGMENT_FIRST, SEGMENT_MAX).min(cap - total + rest.len());
                    segments.push(std::mem::replace(&mut current, Wiped::with_capacity(next)));
                }
                let take = rest.len().min(current.capacity() - current.len());
                current.extend_from_slice(&rest[..take]);
                rest = &rest[take..];
            }
        }
        if segments.is_empty() {
            return Ok(Body::Whole(current));
        }
        segments.push(current);
        Ok(Body::Segments(segments))
    }

    fn transport_failure(&self, req: &ApiRequest, e: reqwest::Error, budget: &Budget) -> Failure {
        let (kind, cause) = cause::classify(&e, &self.site);
        Failure::Transport(kind, self.transport_error(kind, req, budget, cause, Some(Box::new(e.without_url()))))
    }

    fn transport_error(
        &self,
        kind: TransportErrorKind,
        req: &ApiRequest,
        budget: &Budget,
        cause: Option<String>,
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Error {
        Error::Transport {
            kind,
            request: format!("{} {}{}", req.method, self.site, req.path()),
            attempts: budget.attempts.load(Ordering::Relaxed),
            elapsed: budget.started.elapsed(),
            limit: (kind == TransportErrorKind::Timeout).then_some(self.attempt_timeout.min(budget.limit)),
            cause,
            source,
        }
    }
}

/// The error of a non-2xx answer, with the wait the server asked for (`Retry-After`).
/// An error answer, and for a `429` of the rate limiter how long every request of the client must
/// wait. A `429` refusing one more event stream (the project's cap on concurrent streams) is no rate
/// limit: holding the client for it would stall every other request for nothing.
fn error_answer(status: u16, headers: &reqwest::header::HeaderMap, body: &Body) -> (ApiError, Option<Duration>) {
    let retry_after = headers
        .get(RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs);
    let api = ApiError::from_response(status, &body.contiguous(), retry_after);
    let hold = (status == 429 && !is_stream_cap(&api)).then(|| gate::hold_of(headers, &api));
    (api, hold)
}

/// The project's cap on concurrent event streams, in the words servers have used for it.
fn is_stream_cap(api: &ApiError) -> bool {
    matches!(api.message(), crate::error::ApiMessage::Text(text)
        if text.contains("concurrent event subscriptions") || text.contains("active connections"))
}

/// How an attempt ended, for the metrics; `None` when nothing was sent.
fn attempt_outcome(outcome: &Result<ApiResponse, Failure>) -> Option<crate::metrics::Outcome> {
    use crate::metrics::Outcome;
    match outcome {
        Ok(resp) => Some(Outcome::of_status(resp.status)),
        Err(Failure::Status(api, _)) => Some(Outcome::of_status(api.status())),
        Err(Failure::Transport(..)) => Some(Outcome::Transport),
        Err(Failure::Local(_)) => None,
    }
}

enum Failure {
    /// An error answer, and for a 429 how long every request of the client must wait.
    Status(ApiError, Option<Duration>),
    Transport(TransportErrorKind, Error),
    /// Failed here, before sending: retrying cannot help.
    Local(Error),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_encodes_segments_and_query() {
        let api = Url::parse("https://x.example/api/").unwrap();
        let req = ApiRequest::get(&["v4", "secrets"])
            .segment("A B/C")
            .query("secretPath", "/a b")
            .query_bool("recursive", false);
        assert_eq!(
            req.url(&api).as_str(),
            "https://x.example/api/v4/secrets/A%20B%2FC?secretPath=%2Fa+b&recursive=false"
        );
    }

    #[test]
    fn the_site_in_errors_always_has_its_port() {
        let http = reqwest::Client::builder().tls_certs_only(Vec::new()).build().unwrap();
        for (api, site) in [
            ("https://x.example/api/", "https://x.example:443"),
            ("http://127.0.0.1:8080/sub/api/", "http://127.0.0.1:8080"),
            ("http://[::1]/api/", "http://[::1]:80"),
        ] {
            let transport =
                Transport::new(http.clone(), Url::parse(api).unwrap(), RetryPolicy::default(), Duration::ZERO, 0, None);
            assert_eq!(transport.site(), site);
        }
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let p = RetryPolicy::default();
        for attempt in 0..10 {
            let d = p.backoff(attempt);
            assert!(d <= Duration::from_secs(8), "{d:?}");
            assert!(d >= (p.initial_backoff * 2u32.pow(attempt.min(5))).min(p.max_backoff) / 2);
        }
    }

    #[test]
    fn writes_are_not_replayable_by_default() {
        assert_eq!(ApiRequest::get(&["x"]).replay, Replay::Safe);
        assert_eq!(ApiRequest::post(&["x"]).replay, Replay::Unsafe);
        assert_eq!(ApiRequest::post(&["x"]).replayable().replay, Replay::Safe);
    }
}

#[cfg(test)]
mod debug_tests {
    use reqwest::header::HeaderMap;

    use super::*;

    #[test]
    fn debug_never_shows_bodies() {
        let req = ApiRequest::post(&["v1", "auth", "universal-auth", "login"])
            .json(&serde_json::json!({"clientSecret": "hunter2"}))
            .unwrap();
        let shown = format!("{req:?}");
        assert!(shown.contains("POST /api/v1/auth/universal-auth/login") && !shown.contains("hunter2"), "{shown}");
        let resp = ApiResponse {
            status: 200,
            headers: HeaderMap::new(),
            body: Body::Whole(b"{\"secretValue\":\"hunter2\"}".to_vec().into()),
            endpoint: "GET /api/v4/secrets".into(),
        };
        assert!(!format!("{resp:?}").contains("hunter2"));
    }
}

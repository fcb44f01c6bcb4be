//! One HTTP exchange with the server, with retries, a response cap and error decoding.
//!
//! Everything the client sends goes through [`Transport::send`]: authentication, resources, the
//! figment provider. Retrying lives here and only here.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderValue, IF_NONE_MATCH, RETRY_AFTER};
use reqwest::{Method, Url};
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use serde::de::DeserializeOwned;
use zeroize::Zeroizing;

use crate::error::{ApiError, Error, Result, TransportErrorKind};

/// How failed requests are retried.
///
/// Connection failures, `429`, `502`, `503` and `504` are retried with exponential backoff and jitter,
/// waiting what `Retry-After` asks when the server says (up to [`max_retry_after`](Self::max_retry_after);
/// a longer wait is returned to the caller as the error rather than slept through).
///
/// A request that may have reached the server (a timeout, a broken connection, a 502/503/504) is
/// replayed only when replaying it cannot change anything twice: reads, logins, renewals, KMS
/// operations. Creates, updates and deletes are never replayed after they may have reached the server;
/// they are retried only when the server certainly did not act (a refused connection, a 429).
///
/// ```
/// use std::time::Duration;
/// use infisical_config::RetryPolicy;
///
/// let policy = RetryPolicy::default().max_retries(5).initial_backoff(Duration::from_millis(100));
/// let none = RetryPolicy::disabled();
/// # let _ = (policy, none);
/// ```
#[derive(Clone, Debug)]
#[must_use]
pub struct RetryPolicy {
    max_retries: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// Never retries.
    pub fn disabled() -> Self {
        RetryPolicy { max_retries: 0, ..Self::default() }
    }

    /// How many times a request is retried after the first attempt (default 3).
    pub fn max_retries(mut self, n: u32) -> Self {
        self.max_retries = n;
        self
    }

    /// The first backoff (default 250 ms); each retry doubles it, with jitter.
    pub fn initial_backoff(mut self, d: Duration) -> Self {
        self.initial_backoff = d;
        self
    }

    /// The longest backoff (default 8 s).
    pub fn max_backoff(mut self, d: Duration) -> Self {
        self.max_backoff = d;
        self
    }

    /// The longest `Retry-After` honoured (default 60 s).
    pub fn max_retry_after(mut self, d: Duration) -> Self {
        self.max_retry_after = d;
        self
    }

    fn backoff(&self, attempt: u32) -> Duration {
        let exp = self.initial_backoff.saturating_mul(2u32.saturating_pow(attempt)).min(self.max_backoff);
        // "Equal jitter": half fixed, half random, so concurrent clients spread out but still back off.
        exp / 2 + exp.mul_f64(fastrand::f64() / 2.0)
    }
}

/// Whether a request may be sent again after it may have reached the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Replay {
    Safe,
    Unsafe,
}

/// How long one call may take, over every attempt and every wait between attempts.
///
/// A call is what the caller awaits: the login it may need, the request, the retries and the backoff
/// between them. Each attempt is also bounded by the attempt timeout, and never runs past the call's
/// deadline.
#[derive(Debug)]
pub(crate) struct Budget {
    started: tokio::time::Instant,
    limit: Duration,
    attempts: AtomicU32,
}

impl Budget {
    pub(crate) fn new(limit: Duration) -> Self {
        Budget { started: tokio::time::Instant::now(), limit, attempts: AtomicU32::new(0) }
    }

    pub(crate) fn limit(&self) -> Duration {
        self.limit
    }

    /// What is left, or `None` once the deadline has passed.
    fn remaining(&self) -> Option<Duration> {
        self.limit.checked_sub(self.started.elapsed()).filter(|d| !d.is_zero())
    }

    fn attempt(&self) -> u32 {
        self.attempts.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// The error of a call whose deadline passed while it was `doing` something.
    pub(crate) fn timed_out(&self, method: &Method, site: &str, path: &str) -> Error {
        Error::Transport {
            kind: TransportErrorKind::Timeout,
            request: format!("{method} {site}{path}"),
            attempts: self.attempts.load(Ordering::Relaxed),
            elapsed: self.started.elapsed(),
            limit: Some(self.limit),
            source: None,
        }
    }
}

/// A request to the API, relative to `<site>/api/`.
#[derive(Clone)]
pub(crate) struct ApiRequest {
    pub(crate) method: Method,
    segments: Vec<String>,
    query: Vec<(&'static str, String)>,
    body: Option<Zeroizing<Vec<u8>>>,
    pub(crate) replay: Replay,
    if_none_match: Option<String>,
    pub(crate) authenticated: bool,
}

impl std::fmt::Debug for ApiRequest {
    // The body holds client secrets, tokens and secret values: never shown.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiRequest")
            .field("endpoint", &self.describe())
            .field("query", &self.query.iter().map(|(k, _)| *k).collect::<Vec<_>>())
            .field("body_bytes", &self.body.as_ref().map(|b| b.len()))
            .finish_non_exhaustive()
    }
}

impl ApiRequest {
    pub(crate) fn new(method: Method, segments: &[&str]) -> Self {
        let replay = if method == Method::GET { Replay::Safe } else { Replay::Unsafe };
        ApiRequest {
            method,
            segments: segments.iter().map(|s| (*s).to_owned()).collect(),
            query: Vec::new(),
            body: None,
            replay,
            if_none_match: None,
            authenticated: true,
        }
    }

    pub(crate) fn get(segments: &[&str]) -> Self {
        Self::new(Method::GET, segments)
    }

    pub(crate) fn post(segments: &[&str]) -> Self {
        Self::new(Method::POST, segments)
    }

    pub(crate) fn patch(segments: &[&str]) -> Self {
        Self::new(Method::PATCH, segments)
    }

    pub(crate) fn delete(segments: &[&str]) -> Self {
        Self::new(Method::DELETE, segments)
    }

    /// Appends a path segment; it is percent-encoded, so names with spaces or `#` stay one segment.
    pub(crate) fn segment(mut self, s: impl Into<String>) -> Self {
        self.segments.push(s.into());
        self
    }

    pub(crate) fn query(mut self, key: &'static str, value: impl Into<String>) -> Self {
        self.query.push((key, value.into()));
        self
    }

    pub(crate) fn query_opt(self, key: &'static str, value: Option<impl Into<String>>) -> Self {
        match value {
            Some(v) => self.query(key, v),
            None => self,
        }
    }

    /// Booleans go as `true`/`false` always: server defaults changed between versions.
    pub(crate) fn query_bool(self, key: &'static str, value: bool) -> Self {
        self.query(key, if value { "true" } else { "false" })
    }

    pub(crate) fn json(mut self, body: &impl Serialize) -> Result<Self> {
        let bytes = serde_json::to_vec(body)
            .map_err(|e| Error::Local { what: "could not encode the request body", source: Box::new(e) })?;
        self.body = Some(Zeroizing::new(bytes));
        Ok(self)
    }

    pub(crate) fn if_none_match(mut self, etag: Option<String>) -> Self {
        self.if_none_match = etag;
        self
    }

    /// Marks a non-GET request as safe to replay (logins, renewals, KMS operations).
    pub(crate) fn replayable(mut self) -> Self {
        self.replay = Replay::Safe;
        self
    }

    pub(crate) fn anonymous(mut self) -> Self {
        self.authenticated = false;
        self
    }

    /// `GET /api/v4/secrets`, for logs and errors: method and path, no query.
    pub(crate) fn describe(&self) -> String {
        format!("{} {}", self.method, self.path())
    }

    /// `/api/v4/secrets`: the path actually sent, no query.
    pub(crate) fn path(&self) -> String {
        format!("/api/{}", self.segments.join("/"))
    }

    fn url(&self, api: &Url) -> Url {
        let mut url = api.clone();
        if let Ok(mut segs) = url.path_segments_mut() {
            segs.pop_if_empty().extend(&self.segments);
        }
        if !self.query.is_empty() {
            url.query_pairs_mut().extend_pairs(self.query.iter().map(|(k, v)| (*k, v.as_str())));
        }
        url
    }
}

/// A successful (2xx or 304) answer.
pub(crate) struct ApiResponse {
    pub(crate) status: u16,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Body,
    pub(crate) endpoint: String,
}

impl std::fmt::Debug for ApiResponse {
    // The body holds secret values: never shown.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiResponse")
            .field("endpoint", &self.endpoint)
            .field("status", &self.status)
            .field("body_bytes", &self.body.len())
            .finish_non_exhaustive()
    }
}

impl ApiResponse {
    pub(crate) fn json<T: DeserializeOwned>(&self) -> Result<T> {
        // Tracking the path of every field costs time on large answers: decode plainly, and only on
        // failure decode again to find which field is at fault.
        self.body.decode::<T>().map_err(|_| {
            let outcome = match &self.body {
                Body::Whole(bytes) => {
                    serde_path_to_error::deserialize::<_, T>(&mut serde_json::Deserializer::from_slice(bytes))
                }
                Body::Segments(_) => serde_path_to_error::deserialize::<_, T>(
                    &mut serde_json::Deserializer::from_reader(self.body.reader()),
                ),
            };
            match outcome {
                Err(e) => Error::decode(&self.endpoint, &e),
                Ok(_) => Error::Decode { endpoint: self.endpoint.clone(), detail: "unexpected value".into() },
            }
        })
    }

    pub(crate) fn header(&self, name: &str) -> Option<String> {
        self.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned)
    }
}

/// A response body, read under the size cap. Response bodies hold secret values: every buffer is
/// wiped when dropped.
///
/// A body whose length the server announced is read into one buffer of exactly that size. One of
/// unknown length is read into segments that are never reallocated: growing one buffer would keep the
/// old copy alive while copying (twice the cap at the peak) and leave unwiped secret bytes behind.
pub(crate) enum Body {
    Whole(Zeroizing<Vec<u8>>),
    Segments(Vec<Zeroizing<Vec<u8>>>),
}

/// The first buffer of a body of unknown length; each next segment doubles, up to [`SEGMENT_MAX`].
const SEGMENT_FIRST: usize = 16 * 1024;
const SEGMENT_MAX: usize = 1024 * 1024;

impl Body {
    pub(crate) fn len(&self) -> usize {
        match self {
            Body::Whole(b) => b.len(),
            Body::Segments(s) => s.iter().map(|b| b.len()).sum(),
        }
    }

    /// The bytes in one piece (error answers are small; a segmented body is copied).
    pub(crate) fn contiguous(&self) -> std::borrow::Cow<'_, [u8]> {
        match self {
            Body::Whole(b) => std::borrow::Cow::Borrowed(b.as_slice()),
            Body::Segments(s) => std::borrow::Cow::Owned(s.iter().flat_map(|b| b.iter().copied()).collect()),
        }
    }

    fn decode<T: DeserializeOwned>(&self) -> serde_json::Result<T> {
        match self {
            Body::Whole(b) => serde_json::from_slice(b),
            Body::Segments(_) => serde_json::from_reader(self.reader()),
        }
    }

    fn reader(&self) -> SegmentReader<'_> {
        match self {
            Body::Whole(b) => SegmentReader { segments: std::slice::from_ref(b), at: 0, offset: 0 },
            Body::Segments(s) => SegmentReader { segments: s, at: 0, offset: 0 },
        }
    }
}

struct SegmentReader<'a> {
    segments: &'a [Zeroizing<Vec<u8>>],
    at: usize,
    offset: usize,
}

impl std::io::Read for SegmentReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while let Some(segment) = self.segments.get(self.at) {
            let rest = &segment[self.offset..];
            if rest.is_empty() {
                self.at += 1;
                self.offset = 0;
                continue;
            }
            let n = rest.len().min(buf.len());
            buf[..n].copy_from_slice(&rest[..n]);
            self.offset += n;
            return Ok(n);
        }
        Ok(0)
    }
}

/// The HTTP side of a client: the connection pool, the API base URL and the retry policy.
#[derive(Debug)]
pub(crate) struct Transport {
    http: reqwest::Client,
    api: Url,
    /// `scheme://host:port`, for errors: the port always, so a wrong one is seen.
    site: String,
    retry: RetryPolicy,
    attempt_timeout: Duration,
    max_response_bytes: usize,
}

impl Transport {
    pub(crate) fn new(
        http: reqwest::Client,
        api: Url,
        retry: RetryPolicy,
        attempt_timeout: Duration,
        max_response_bytes: usize,
    ) -> Self {
        let site = format!(
            "{}://{}:{}",
            api.scheme(),
            api.host_str().unwrap_or("?"),
            api.port_or_known_default().map_or_else(|| "?".to_owned(), |p| p.to_string())
        );
        Transport { http, api, site, retry, attempt_timeout, max_response_bytes }
    }

    /// `scheme://host:port` of the server.
    pub(crate) fn site(&self) -> &str {
        &self.site
    }

    /// Sends a request, retrying as the policy allows, within the call's `budget`. 2xx and 304 answers
    /// are `Ok`; any other status is an [`Error::Api`].
    pub(crate) async fn send(
        &self,
        req: &ApiRequest,
        bearer: Option<&SecretString>,
        budget: &Budget,
    ) -> Result<ApiResponse> {
        let endpoint = req.describe();
        let mut retries = 0u32;
        loop {
            let Some(remaining) = budget.remaining() else {
                return Err(budget.timed_out(&req.method, &self.site, &req.path()));
            };
            let attempt = budget.attempt();
            let outcome = self.send_once(req, bearer, &endpoint, remaining.min(self.attempt_timeout), budget).await;
            let (may_have_reached, retry_after, err) = match outcome {
                Ok(resp) => return Ok(resp),
                Err(Failure::Status(api)) => {
                    let retryable = matches!(api.status(), 429 | 502 | 503 | 504);
                    if !retryable {
                        return Err(api.into());
                    }
                    // A 429 is the rate limiter refusing the request before any handler ran.
                    (api.status() != 429, api.retry_after(), Error::from(api))
                }
                Err(Failure::Local(err)) => return Err(err),
                Err(Failure::Transport(kind, err)) => match kind {
                    TransportErrorKind::Connect => (false, None, err),
                    TransportErrorKind::Timeout if budget.remaining().is_none() => {
                        return Err(budget.timed_out(&req.method, &self.site, &req.path()));
                    }
                    TransportErrorKind::Timeout | TransportErrorKind::Other => (true, None, err),
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
            if budget.remaining().is_none_or(|left| wait >= left) {
                // Sleeping would only end at the deadline: report what failed now.
                tracing::debug!(%endpoint, attempt, "the next retry would pass the call's deadline; giving up");
                return Err(err);
            }
            retries += 1;
            // The server's message may echo input: at WARN only the kind of failure, the text at DEBUG.
            tracing::warn!(%endpoint, attempt = retries, wait_ms = wait.as_millis() as u64, status = err.status(), "retrying Infisical request");
            tracing::debug!(%endpoint, error = %err, "the failure being retried");
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
        let url = req.url(&self.api);
        let mut rb = self.http.request(req.method.clone(), url).timeout(timeout);
        if let Some(token) = bearer {
            let value = Zeroizing::new(format!("Bearer {}", token.expose_secret()));
            let mut header = HeaderValue::from_str(&value)
                .map_err(|_| Failure::Local(Error::InvalidHeader { name: AUTHORIZATION.to_string() }))?;
            header.set_sensitive(true);
            rb = rb.header(AUTHORIZATION, header);
        }
        if let Some(body) = &req.body {
            rb = rb.header(CONTENT_TYPE, "application/json").body(body.to_vec());
        }
        if let Some(etag) = &req.if_none_match {
            rb = rb.header(IF_NONE_MATCH, etag.as_str());
        }
        let resp = rb.send().await.map_err(|e| self.transport_failure(req, e, budget))?;
        let status = resp.status().as_u16();
        tracing::debug!(%endpoint, status, "infisical response");
        if resp.status().is_redirection() && status != 304 {
            return Err(Failure::Transport(
                TransportErrorKind::Redirect,
                self.transport_error(TransportErrorKind::Redirect, req, budget, None),
            ));
        }
        let headers = resp.headers().clone();
        let body = self.read_body(req, resp, budget).await?;
        if (200..300).contains(&status) || status == 304 {
            return Ok(ApiResponse { status, headers, body, endpoint: endpoint.to_owned() });
        }
        let retry_after = headers
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        Err(Failure::Status(ApiError::from_response(status, &body.contiguous(), retry_after)))
    }

    async fn read_body(&self, req: &ApiRequest, mut resp: reqwest::Response, budget: &Budget) -> Result<Body, Failure> {
        let cap = self.max_response_bytes;
        let too_large = || {
            Failure::Transport(
                TransportErrorKind::ResponseTooLarge,
                self.transport_error(TransportErrorKind::ResponseTooLarge, req, budget, None),
            )
        };
        let announced = resp.content_length();
        if announced.is_some_and(|n| n > cap as u64) {
            return Err(too_large());
        }
        let first = announced.map_or(SEGMENT_FIRST.min(cap), |n| n as usize);
        let mut segments: Vec<Zeroizing<Vec<u8>>> = Vec::new();
        let mut current = Zeroizing::new(Vec::with_capacity(first));
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
                    segments.push(std::mem::replace(&mut current, Zeroizing::new(Vec::with_capacity(next))));
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
        let kind = if e.is_timeout() {
            TransportErrorKind::Timeout
        } else if e.is_connect() {
            TransportErrorKind::Connect
        } else {
            TransportErrorKind::Other
        };
        Failure::Transport(kind, self.transport_error(kind, req, budget, Some(Box::new(e.without_url()))))
    }

    fn transport_error(
        &self,
        kind: TransportErrorKind,
        req: &ApiRequest,
        budget: &Budget,
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Error {
        Error::Transport {
            kind,
            request: format!("{} {}{}", req.method, self.site, req.path()),
            attempts: budget.attempts.load(Ordering::Relaxed),
            elapsed: budget.started.elapsed(),
            limit: (kind == TransportErrorKind::Timeout).then_some(self.attempt_timeout.min(budget.limit)),
            source,
        }
    }
}

enum Failure {
    Status(ApiError),
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
            body: Body::Whole(Zeroizing::new(b"{\"secretValue\":\"hunter2\"}".to_vec())),
            endpoint: "GET /api/v4/secrets".into(),
        };
        assert!(!format!("{resp:?}").contains("hunter2"));
    }
}

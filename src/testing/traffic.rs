//! What the fake counts of its traffic (arrival times, bytes of bodies, 429s), and its rate limit,
//! applied as Infisical Cloud's `@fastify/rate-limit` applies it.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::json;
use wiremock::{Request, Respond, ResponseTemplate};

use super::server::Responder;

/// An answer of the fake: wiremock's template, with its status and the size of its body kept (wiremock
/// does not tell them), for [`Traffic`].
pub(super) struct Answer {
    template: ResponseTemplate,
    status: u16,
    body_bytes: usize,
}

impl Answer {
    pub(super) fn new(status: u16) -> Self {
        Answer { template: ResponseTemplate::new(status), status, body_bytes: 0 }
    }

    pub(super) fn set_body_json(self, body: impl Serialize) -> Self {
        let bytes = serde_json::to_vec(&body).expect("a JSON value serializes");
        self.set_body_raw(bytes, "application/json")
    }

    pub(super) fn set_body_raw(mut self, body: impl Into<Vec<u8>>, mime: &str) -> Self {
        let body = body.into();
        self.body_bytes = body.len();
        self.template = self.template.set_body_raw(body, mime);
        self
    }

    pub(super) fn insert_header(mut self, name: impl AsRef<str>, value: impl AsRef<str>) -> Self {
        self.template = self.template.insert_header(name.as_ref(), value.as_ref());
        self
    }
}

/// The fake's rate limit: `max` requests a `window` per client address, in fixed windows that start
/// at an address's first request, as `@fastify/rate-limit`'s local store counts.
#[derive(Debug)]
pub(super) struct RateLimit {
    max: u32,
    window: Duration,
    /// Address → (start of its window, requests in it).
    windows: Mutex<HashMap<String, (Instant, u32)>>,
}

impl RateLimit {
    pub(super) fn new(max: u32, window: Duration) -> Self {
        RateLimit { max, window, windows: Mutex::new(HashMap::new()) }
    }

    /// Counts a request from `address` at `now`: its headers, and whether it is over the limit.
    fn count(&self, address: &str, now: Instant) -> Verdict {
        let mut windows = self.windows.lock().unwrap_or_else(PoisonError::into_inner);
        let (start, count) = windows.entry(address.to_owned()).or_insert((now, 0));
        if now.duration_since(*start) >= self.window {
            (*start, *count) = (now, 0);
        }
        *count += 1;
        let ttl = self.window.saturating_sub(now.duration_since(*start));
        Verdict {
            limit: self.max,
            remaining: self.max.saturating_sub(*count),
            // Math.ceil(ttl / 1000), as the plugin and Infisical's message compute it.
            reset: ttl.as_millis().div_ceil(1000) as u64,
            exceeded: *count > self.max,
        }
    }
}

struct Verdict {
    limit: u32,
    remaining: u32,
    reset: u64,
    exceeded: bool,
}

/// What the fake has served, shared between the server's thread and the test.
#[derive(Debug, Default)]
pub(super) struct Traffic {
    pub(super) limit: Option<RateLimit>,
    pub(super) arrivals: Mutex<Vec<Instant>>,
    pub(super) body_bytes: AtomicU64,
    pub(super) rate_limited: AtomicUsize,
}

/// The fake's answers, counted and rate limited.
pub(super) struct Metered {
    pub(super) inner: Responder,
    pub(super) traffic: Arc<Traffic>,
}

impl Respond for Metered {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let now = Instant::now();
        let traffic = &self.traffic;
        traffic.arrivals.lock().unwrap_or_else(PoisonError::into_inner).push(now);
        // A server that is down never reaches the limiter: its proxy answers.
        let unavailable = self.inner.state.lock().unwrap_or_else(PoisonError::into_inner).unavailable;
        let verdict = traffic.limit.as_ref().filter(|_| !unavailable).map(|limit| limit.count(&address(req), now));
        let mut answer = match &verdict {
            Some(v) if v.exceeded => rate_limited(v.reset).insert_header("retry-after", v.reset.to_string()),
            _ => self.inner.respond(req),
        };
        if let Some(v) = verdict {
            answer = answer
                .insert_header("x-ratelimit-limit", v.limit.to_string())
                .insert_header("x-ratelimit-remaining", v.remaining.to_string())
                .insert_header("x-ratelimit-reset", v.reset.to_string());
        }
        traffic.body_bytes.fetch_add(answer.body_bytes as u64, Ordering::Relaxed);
        if answer.status == 429 {
            traffic.rate_limited.fetch_add(1, Ordering::Relaxed);
        }
        answer.template
    }
}

/// The address a request counts for: the first of `X-Forwarded-For` (as behind a proxy), else the
/// loopback address every local client shares.
fn address(req: &Request) -> String {
    req.headers
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .map_or_else(|| "127.0.0.1".to_owned(), |v| v.trim().to_owned())
}

/// Infisical's answer over the limit (`rateLimiter.ts`'s `errorResponseBuilder`; sample 117's shape).
fn rate_limited(seconds: u64) -> Answer {
    let req_id: String = std::iter::repeat_with(fastrand::alphanumeric).take(14).collect();
    Answer::new(429).set_body_raw(
        serde_json::to_vec(&json!({
            "reqId": format!("req-{req_id}"), "statusCode": 429, "error": "RateLimitExceeded",
            "message": format!("Rate limit exceeded. Please try again in {seconds} seconds"),
        }))
        .expect("a JSON value serializes"),
        "application/json; charset=utf-8",
    )
}

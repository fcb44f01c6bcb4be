//! The gate every attempt of a client passes before it is sent: the hold a `429` puts on the whole
//! client, and the optional [`RequestBudget`].
//!
//! Infisical Cloud counts requests per client address and minute, logins and `304`s included; once
//! over, every request from that address is refused until the window ends. A client that kept sending
//! from its other tasks would only spend the next window early, so a `429` holds every request of the
//! client, not only the one that got it. Waiting happens here, within each call's own deadline: a call
//! whose deadline comes first fails at once, unsent, with an error that says until when.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};
use tokio::time::Instant;

use crate::error::{ApiError, ApiMessage, Error, Result};

use super::request::ApiRequest;
use super::retry::Budget;

/// The wait of a `429` that names none, as Infisical's documentation advises.
const DEFAULT_HOLD: Duration = Duration::from_secs(60);
/// The longest hold honoured: a proxy's nonsense must not stop a client for days.
const MAX_HOLD: Duration = Duration::from_secs(60 * 60);

/// A budget of requests per minute, shared by every client it is given to.
///
/// Infisical Cloud limits requests per client address and minute (the plan's quota is shared by every
/// replica behind one address, and logins and `304` answers count). A budget keeps a process under
/// its share: a token bucket holding `n` requests, refilled continuously at `n` a minute. Every
/// attempt (logins, retries and revalidations included) takes one; a request waits for one within its
/// call's [`timeout`](crate::ClientBuilder::timeout), and when none would come in time fails at once,
/// unsent, with a `429` [`Error::Api`] that says when the next one comes.
///
/// It is cheap to clone; clones share one bucket, so several clients of one process can share a budget:
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// use infisical_config::RequestBudget;
/// use infisical_config::resources::ListSecrets;
/// # let fake = infisical_config::testing::FakeInfisical::builder().secret("dev", "/", "A", "1").start().await;
///
/// let budget = RequestBudget::per_minute(100);
/// let reader = fake.client_builder().request_budget(budget.clone()).build()?;
/// let writer = fake.client_builder().request_budget(budget).build()?;
/// reader.secrets().list(&ListSecrets::new(fake.project_id(), "dev")).await?;
/// writer.secrets().list(&ListSecrets::new(fake.project_id(), "dev")).await?;
/// # assert_eq!(fake.requests().await, 4); // two logins, two lists: all four from the one budget
/// # Ok::<(), infisical_config::Error>(()) }).unwrap();
/// ```
#[derive(Clone)]
#[must_use]
pub struct RequestBudget {
    bucket: Arc<Bucket>,
}

struct Bucket {
    per_minute: u32,
    tokens: Mutex<Tokens>,
}

/// The bucket's content at `at`. It goes below zero when requests have reserved tokens not yet refilled:
/// each reservation waits its turn, so waiters are served in order, not woken all at once to race.
struct Tokens {
    available: f64,
    at: Instant,
}

impl RequestBudget {
    /// At most `n` requests a minute, `n` of them at once: a bucket of `n` tokens, full at the start,
    /// refilled at `n` a minute. (A budget of 0 is refused by [`ClientBuilder::build`](crate::ClientBuilder::build).)
    ///
    /// ```
    /// use infisical_config::RequestBudget;
    ///
    /// // Infisical Cloud's Free plan allows 120 secret reads a minute per address; leave room for
    /// // the other replicas behind the same one.
    /// let budget = RequestBudget::per_minute(30);
    /// assert_eq!(budget.requests_per_minute(), 30);
    /// ```
    pub fn per_minute(n: u32) -> Self {
        let tokens = Tokens { available: f64::from(n), at: Instant::now() };
        RequestBudget { bucket: Arc::new(Bucket { per_minute: n, tokens: Mutex::new(tokens) }) }
    }

    /// The requests a minute this budget allows: a watcher checks that its polls fit.
    ///
    /// ```
    /// let budget = infisical_config::RequestBudget::per_minute(60);
    /// let polls_per_minute = 60 / 5; // every 5 s
    /// assert!(polls_per_minute * 3 <= budget.requests_per_minute()); // three folders a poll
    /// ```
    #[must_use]
    pub fn requests_per_minute(&self) -> u32 {
        self.bucket.per_minute
    }

    fn rate_per_second(&self) -> f64 {
        f64::from(self.bucket.per_minute) / 60.0
    }

    /// The bucket refilled up to now.
    fn refilled(&self) -> std::sync::MutexGuard<'_, Tokens> {
        let rate = self.rate_per_second();
        let mut tokens = self.bucket.tokens.lock().unwrap_or_else(PoisonError::into_inner);
        let now = Instant::now();
        let refill = now.saturating_duration_since(tokens.at).as_secs_f64() * rate;
        tokens.available = (tokens.available + refill).min(f64::from(self.bucket.per_minute));
        tokens.at = now;
        tokens
    }

    /// When a token would be free, from the bucket's state.
    fn free_at(&self, tokens: &Tokens) -> Option<Instant> {
        if tokens.available >= 1.0 {
            return None;
        }
        let rate = self.rate_per_second();
        if rate <= 0.0 {
            return Some(tokens.at + MAX_HOLD);
        }
        Some(tokens.at + Duration::from_secs_f64((1.0 - tokens.available) / rate))
    }

    /// Takes a token: `Ok(when)` it may be used (now, or the turn reserved for this caller), or
    /// `Err(when)` one would be free, when that is past `deadline` (nothing is taken then).
    fn reserve(&self, deadline: Instant) -> Result<Instant, Instant> {
        let mut tokens = self.refilled();
        let at = self.free_at(&tokens).unwrap_or(tokens.at);
        if at > deadline {
            return Err(at);
        }
        tokens.available -= 1.0;
        Ok(at)
    }

    /// When the next request could take a token, `None` when one is there now.
    #[cfg_attr(not(feature = "watch"), allow(dead_code))] // Timed work (the watcher) asks it.
    fn ready_at(&self) -> Option<Instant> {
        let tokens = self.refilled();
        self.free_at(&tokens)
    }
}

impl std::fmt::Debug for RequestBudget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RequestBudget").field("per_minute", &self.bucket.per_minute).finish_non_exhaustive()
    }
}

/// One client's gate: the hold of the last `429`, and the request budget it was given.
#[derive(Debug)]
pub(crate) struct Gate {
    hold: Mutex<Option<Hold>>,
    budget: Option<RequestBudget>,
}

/// Every request waits until `until`, because of `answer`.
#[derive(Debug, Clone)]
struct Hold {
    until: Instant,
    answer: ApiError,
}

impl Gate {
    pub(crate) fn new(budget: Option<RequestBudget>) -> Self {
        Gate { hold: Mutex::new(None), budget }
    }

    /// Holds every request until `wait` from now, because the server answered `answer` (a `429`).
    pub(crate) fn hold(&self, wait: Duration, answer: &ApiError, site: &str) {
        let until = Instant::now() + wait.min(MAX_HOLD);
        let mut hold = self.hold.lock().unwrap_or_else(PoisonError::into_inner);
        if hold.as_ref().is_none_or(|h| h.until < until) {
            tracing::warn!(%site, wait_ms = wait.as_millis() as u64, "Infisical's rate limit refused a request; every request of this client waits");
            *hold = Some(Hold { until, answer: answer.clone() });
        }
    }

    /// When the next request could go: the end of the hold, or the budget's next token. `None`: now.
    /// The budget's requests a minute, when the client has one.
    #[cfg_attr(not(feature = "watch"), allow(dead_code))] // Timed work (the watcher) asks it.
    pub(crate) fn budget_per_minute(&self) -> Option<u32> {
        self.budget.as_ref().map(RequestBudget::requests_per_minute)
    }

    #[cfg_attr(not(feature = "watch"), allow(dead_code))] // Timed work (the watcher) asks it.
    pub(crate) fn ready_at(&self) -> Option<Instant> {
        let now = Instant::now();
        let hold = self.current_hold(now).map(|h| h.until);
        let token = self.budget.as_ref().and_then(RequestBudget::ready_at);
        hold.max(token)
    }

    fn current_hold(&self, now: Instant) -> Option<Hold> {
        self.hold.lock().unwrap_or_else(PoisonError::into_inner).as_ref().filter(|h| h.until > now).cloned()
    }

    /// Lets one attempt of `req` through: waits out the hold and takes a token of the budget, within the
    /// call's `budget`; fails at once, unsent, when the deadline comes first. `again`: the call already
    /// sent it once.
    pub(crate) async fn pass(&self, req: &ApiRequest, site: &str, budget: &Budget, again: bool) -> Result<()> {
        self.wait_hold(req, site, budget, again).await?;
        let Some(requests) = &self.budget else { return Ok(()) };
        match requests.reserve(budget.deadline()) {
            Ok(at) => {
                if at > Instant::now() {
                    tracing::debug!(endpoint = %req.describe(), wait_ms = (at - Instant::now()).as_millis() as u64, "waiting for the request budget");
                    tokio::time::sleep_until(at).await;
                }
            }
            Err(at) => {
                let what = format!(
                    "the request budget ({} a minute) has no request left until {}, past this call's deadline ({}); {}",
                    requests.requests_per_minute(),
                    when(at),
                    from_now(budget.deadline()),
                    not_sent(req, site, again)
                );
                let body = serde_json::json!({"statusCode": 429, "error": "RequestBudgetExhausted", "message": what});
                let wait = at.saturating_duration_since(Instant::now());
                return Err(ApiError::from_response(429, body.to_string().as_bytes(), Some(wait)).into());
            }
        }
        // A hold set while this request waited for its token.
        self.wait_hold(req, site, budget, again).await
    }

    async fn wait_hold(&self, req: &ApiRequest, site: &str, budget: &Budget, again: bool) -> Result<()> {
        // Another 429 may extend the hold while this request waits.
        while let Some(hold) = self.current_hold(Instant::now()) {
            if hold.until > budget.deadline() {
                let hint = format!(
                    "after a 429 every request of this client to {site} waits until {}, past this call's deadline ({}); {}",
                    when(hold.until),
                    from_now(budget.deadline()),
                    not_sent(req, site, again)
                );
                return Err(Error::from(hold.answer.with_hint(hint)));
            }
            tracing::debug!(endpoint = %req.describe(), wait_ms = (hold.until - Instant::now()).as_millis() as u64, "waiting out the rate limit");
            tokio::time::sleep_until(hold.until).await;
        }
        Ok(())
    }
}

/// How long a `429` asks to wait: `Retry-After` (seconds), else `x-ratelimit-reset` (seconds), else the
/// `N` of Infisical's message ("Please try again in N seconds", "in 1 minute" from older servers),
/// else [`DEFAULT_HOLD`].
pub(super) fn hold_of(headers: &HeaderMap, answer: &ApiError) -> Duration {
    let seconds = |name| headers.get(name).and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse::<u64>().ok());
    seconds(RETRY_AFTER.as_str())
        .or_else(|| seconds("x-ratelimit-reset"))
        .map(Duration::from_secs)
        .or_else(|| match answer.message() {
            ApiMessage::Text(text) => wait_in_message(text),
            _ => None,
        })
        .unwrap_or(DEFAULT_HOLD)
}

/// The wait in "Rate limit exceeded. Please try again in 42 seconds" (current servers) or "... in
/// 1 minute" (servers of 2024, whose limiter wrote the window as `ms` formats it).
fn wait_in_message(text: &str) -> Option<Duration> {
    let (_, after) = text.rsplit_once(" in ")?;
    let mut words = after.split_whitespace();
    let n: u64 = words.next()?.parse().ok()?;
    let unit = words.next()?.trim_end_matches(['.', ',']);
    let seconds = match unit {
        "ms" => return Some(Duration::from_millis(n)),
        "second" | "seconds" | "s" => n,
        "minute" | "minutes" => n.checked_mul(60)?,
        "hour" | "hours" => n.checked_mul(3600)?,
        _ => return None,
    };
    Some(Duration::from_secs(seconds))
}

fn not_sent(req: &ApiRequest, site: &str, again: bool) -> String {
    let again = if again { " again" } else { "" };
    format!("{} {site}{} was not sent{again}", req.method, req.path())
}

/// `12:00:05 UTC (4.2 s from now)`.
fn when(at: Instant) -> String {
    let wait = at.saturating_duration_since(Instant::now());
    let wall = (SystemTime::now() + wait).duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default().as_secs();
    let (h, m, s) = (wall / 3600 % 24, wall / 60 % 60, wall % 60);
    format!("{h:02}:{m:02}:{s:02} UTC ({:.1} s from now)", wait.as_secs_f64())
}

fn from_now(at: Instant) -> String {
    format!("{:.1} s from now", at.saturating_duration_since(Instant::now()).as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limited(message: &str) -> ApiError {
        let body = serde_json::json!({"statusCode": 429, "error": "RateLimitExceeded", "message": message});
        ApiError::from_response(429, body.to_string().as_bytes(), None)
    }

    #[test]
    fn the_wait_comes_from_retry_after_then_the_reset_then_the_message() {
        let answer = limited("Rate limit exceeded. Please try again in 42 seconds");
        let mut headers = HeaderMap::new();
        assert_eq!(hold_of(&headers, &answer), Duration::from_secs(42));
        headers.insert("x-ratelimit-reset", "17".parse().unwrap());
        assert_eq!(hold_of(&headers, &answer), Duration::from_secs(17));
        headers.insert(RETRY_AFTER, "5".parse().unwrap());
        assert_eq!(hold_of(&headers, &answer), Duration::from_secs(5));
        assert_eq!(hold_of(&HeaderMap::new(), &limited("Too many requests")), DEFAULT_HOLD);
        let proxy = ApiError::from_response(429, b"<html>slow down</html>", None);
        assert_eq!(hold_of(&HeaderMap::new(), &proxy), DEFAULT_HOLD);
    }

    #[test]
    fn the_messages_of_both_server_generations_are_read() {
        let cases = [
            ("Rate limit exceeded. Please try again in 42 seconds", Some(42)),
            ("Rate limit exceeded. Please try again in 1 second", Some(1)),
            ("Rate limit exceeded. Please try again in 1 minute", Some(60)),
            ("Rate limit exceeded. Please try again in 2 minutes", Some(120)),
            ("Rate limit exceeded. Please try again in soon", None),
            ("Rate limit exceeded", None),
        ];
        for (text, secs) in cases {
            assert_eq!(wait_in_message(text), secs.map(Duration::from_secs), "{text}");
        }
        assert_eq!(wait_in_message("try again in 500 ms"), Some(Duration::from_millis(500)));
    }

    #[tokio::test(start_paused = true)]
    async fn the_bucket_lends_its_capacity_then_one_token_at_a_time_in_order() {
        let budget = RequestBudget::per_minute(60);
        let far = Instant::now() + Duration::from_secs(3600);
        let start = Instant::now();
        for _ in 0..60 {
            assert_eq!(budget.reserve(far), Ok(start));
        }
        assert_eq!(budget.ready_at(), Some(start + Duration::from_secs(1)));
        // Later callers reserve later turns, one a second.
        for n in 1..=3u64 {
            let at = budget.reserve(far).unwrap();
            assert!(at.duration_since(start).as_secs_f64() - n as f64 <= 1e-6, "{n}: {at:?}");
        }
        // A caller whose deadline comes before its turn takes nothing.
        let soon = Instant::now() + Duration::from_millis(500);
        let refused = budget.reserve(soon).unwrap_err();
        assert!(refused >= start + Duration::from_secs(4) - Duration::from_millis(1));
        tokio::time::advance(Duration::from_secs(10)).await;
        assert!(budget.reserve(Instant::now()).is_ok(), "refilled after 10 s");
    }

    #[tokio::test(start_paused = true)]
    async fn a_hold_is_the_latest_429s_and_ends() {
        let gate = Gate::new(None);
        assert_eq!(gate.ready_at(), None);
        let answer = limited("Rate limit exceeded. Please try again in 5 seconds");
        let start = Instant::now();
        gate.hold(Duration::from_secs(5), &answer, "http://x:1");
        gate.hold(Duration::from_secs(2), &answer, "http://x:1");
        assert_eq!(gate.ready_at(), Some(start + Duration::from_secs(5)));
        tokio::time::advance(Duration::from_secs(5)).await;
        assert_eq!(gate.ready_at(), None);
    }
}

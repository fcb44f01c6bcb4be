//! How failed requests are retried, and how long one call may take in all.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use reqwest::Method;

use crate::error::{Error, TransportErrorKind};

/// How failed requests are retried.
///
/// Connection failures, `429`, `502`, `503` and `504` are retried with exponential backoff and jitter,
/// waiting what `Retry-After` asks when the server says (up to [`max_retry_after`](Self::max_retry_after);
/// a longer wait is returned to the caller as the error rather than slept through). A `429` also holds
/// every other request of the client until the server's time, however long. A refused
/// certificate or a failed TLS handshake is not retried: it would fail the same way again.
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
    pub(super) max_retries: u32,
    pub(super) initial_backoff: Duration,
    pub(super) max_backoff: Duration,
    pub(super) max_retry_after: Duration,
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
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # use infisical_config::testing::FakeInfisical;
    /// use infisical_config::RetryPolicy;
    ///
    /// let fake = FakeInfisical::builder().start().await;
    /// fake.set_unavailable(true);
    /// let client = fake.client_builder().retry(RetryPolicy::disabled()).build()?;
    /// assert!(client.authenticate().await.unwrap_err().is_unavailable());
    /// assert_eq!(fake.requests().await, 1); // one attempt, no retry
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    pub fn disabled() -> Self {
        RetryPolicy { max_retries: 0, ..Self::default() }
    }

    crate::setters::setters! {
        /// How many times a request is retried after the first attempt (default 3).
        ///
        /// ```
        /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
        /// # use infisical_config::testing::FakeInfisical;
        /// use std::time::Duration;
        /// use infisical_config::RetryPolicy;
        ///
        /// let fake = FakeInfisical::builder().start().await;
        /// fake.set_unavailable(true);
        /// let retry = RetryPolicy::default().max_retries(1).initial_backoff(Duration::from_millis(10));
        /// let client = fake.client_builder().retry(retry).build()?;
        /// let err = client.authenticate().await.unwrap_err();
        /// assert_eq!(fake.requests().await, 2);
        /// println!("{err}"); // Server Error 503: upstream connect error
        /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
        /// ```
        max_retries(n: u32) => max_retries = n;

        /// The first backoff (default 250 ms); each retry doubles it, with jitter.
        ///
        /// ```
        /// use std::time::Duration;
        /// use infisical_config::RetryPolicy;
        ///
        /// // Waits of 0.5-1 s, 1-2 s, 2-4 s, 2-4 s, 2-4 s before the five retries.
        /// let patient = RetryPolicy::default()
        ///     .max_retries(5)
        ///     .initial_backoff(Duration::from_secs(1))
        ///     .max_backoff(Duration::from_secs(4));
        /// # let _ = patient;
        /// ```
        initial_backoff(d: Duration) => initial_backoff = d;

        /// The longest backoff (default 8 s).
        ///
        /// ```
        /// use std::time::Duration;
        /// use infisical_config::RetryPolicy;
        ///
        /// // Many retries, none more than about a second apart.
        /// let eager = RetryPolicy::default().max_retries(10).max_backoff(Duration::from_secs(1));
        /// # let _ = eager;
        /// ```
        max_backoff(d: Duration) => max_backoff = d;

        /// The longest `Retry-After` one call sleeps through before it retries (default 60 s). A `429`'s
        /// longer wait still holds the client's next requests.
        ///
        /// ```
        /// use std::time::Duration;
        /// use infisical_config::{Client, RetryPolicy};
        /// # use infisical_config::EnvSource;
        ///
        /// // A start-up that would rather fail than sleep through a long rate limit.
        /// let client = Client::builder()
        ///     .site("https://infisical.example.com")
        ///     .retry(RetryPolicy::default().max_retry_after(Duration::from_secs(5)))
        /// # .env_source(EnvSource::from_pairs::<_, String, String>([]))
        ///     .build()?;
        /// # let _ = client;
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        max_retry_after(d: Duration) => max_retry_after = d;
    }

    pub(super) fn backoff(&self, attempt: u32) -> Duration {
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
    pub(super) started: tokio::time::Instant,
    pub(super) limit: Duration,
    pub(super) attempts: AtomicU32,
}

impl Budget {
    pub(crate) fn new(limit: Duration) -> Self {
        Budget { started: tokio::time::Instant::now(), limit, attempts: AtomicU32::new(0) }
    }

    pub(crate) fn limit(&self) -> Duration {
        self.limit
    }

    /// When the call must have finished.
    pub(super) fn deadline(&self) -> tokio::time::Instant {
        self.started + self.limit
    }

    /// What is left, or `None` once the deadline has passed.
    pub(super) fn remaining(&self) -> Option<Duration> {
        self.limit.checked_sub(self.started.elapsed()).filter(|d| !d.is_zero())
    }

    pub(super) fn attempt(&self) -> u32 {
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
            cause: None,
            source: None,
        }
    }
}

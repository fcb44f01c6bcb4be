//! The polling loop: every poll through the load pipeline with the last answers as the reference,
//! changes settled, applied, reported, and the health kept.

use std::sync::Arc;
use std::time::Duration;

use ::figment::Figment;
use serde::de::DeserializeOwned;
use tokio::sync::watch;

use secrecy::ExposeSecret;

use super::health::Shared;
use super::push::{Notice, Push};
use super::{OnEvent, Watch, WatchEvent};
use crate::clock::{Clock, jittered, spread};
use crate::error::{Error, Result, with_causes};
use crate::figment::{Infisical, RedactedError, Snapshot};
use crate::metrics::Reload;
use crate::pipeline::{Layer, Loaded, Stored};
use crate::{Client, LoadReport};

/// The polling loop's state: the last answers (with their tags), the last good snapshot, the health.
pub(super) struct Poller<T, F> {
    provider: Infisical,
    client: Client,
    figment: F,
    interval: Duration,
    /// The interval while push is connected.
    backstop: Duration,
    debounce: Duration,
    jitter: f64,
    on_event: Option<OnEvent>,
    clock: Clock,
    /// The last load of each target: what the next poll revalidates against.
    answers: Vec<Stored>,
    /// When the next poll is due, on `clock`.
    next_due: std::time::SystemTime,
    /// When the last poll (or the start's load) ended: the next is due an interval after it.
    last_polled: std::time::SystemTime,
    /// No poll has run yet: the first is spread over a whole interval.
    first: bool,
    /// The project's event stream (feature `push`), while the watcher follows it.
    push: Option<Push>,
    /// Push was asked for but could not subscribe yet (the project's id could not be found).
    push_wanted: bool,
    /// The stream asked for a reload the loop has not made yet.
    reload_due: bool,
    snapshot: Snapshot,
    pub(super) health: Shared,
    /// The configuration served is not known to be Infisical's latest: the watcher started from the
    /// cache or with nothing, or polls failed since Infisical last answered.
    behind: bool,
    _config: std::marker::PhantomData<fn() -> T>,
}

/// A poll that worked: each target's load, its report, and whether any secret changed (by content: an
/// answer without an `ETag`, or with a stale one as a caching proxy may give, that holds the same
/// secrets is no change).
struct Polled {
    answers: Vec<Stored>,
    report: LoadReport,
    changed: bool,
}

impl<T, F> Poller<T, F>
where
    T: DeserializeOwned + Send + Sync + 'static,
    F: Fn(Snapshot) -> Figment + Send + Sync + 'static,
{
    /// The first load, through the pipeline as any load (the cache read, revalidated, written; the
    /// cache or nothing served during an outage, as the cache's policy or `optional` say), and `T`.
    pub(super) async fn start(watch: Watch, client: Client, figment: F) -> Result<(Self, Arc<T>)> {
        let backstop = watch.backstop_interval();
        let provider = watch.provider;
        // Joined before the load is sent (both wait for the project's id, the subscription first), so
        // a stream already connected needs no re-list: the load comes after its last event.
        let (push, (loaded, measure)) = both(
            async {
                if !watch.push {
                    return None;
                }
                subscribe(&provider, &client, &watch.clock).await
            },
            provider.load(&client, &[]),
        )
        .await;
        let now = watch.clock.now();
        let (loads, report) = match loaded {
            Ok(mut loads) => {
                let report = provider.report_of(&mut loads, measure, now);
                (loads, report)
            }
            // As a load of the provider does: optional rides out an outage only.
            Err(err) if provider.optional && err.is_unavailable() => {
                let report = provider.provided_nothing(&err, measure, now);
                (provider.targets.iter().map(|_| Loaded::default()).collect(), report)
            }
            Err(err) => return Err(err),
        };
        let answers: Vec<Stored> = loads.into_iter().map(|l| l.stored).collect();
        let snapshot = provider.snapshot_of(layers_of(&answers), report.clone())?;
        let mut poller = Poller {
            provider,
            client,
            figment,
            interval: watch.interval,
            backstop,
            debounce: watch.debounce,
            jitter: watch.jitter,
            on_event: watch.on_event,
            health: Shared::new(watch.clock.clone()),
            next_due: now,
            last_polled: now,
            first: true,
            push_wanted: watch.push && push.is_none(),
            push,
            reload_due: false,
            clock: watch.clock,
            answers,
            snapshot: Snapshot::default(),
            behind: !report.is_fresh(),
            _config: std::marker::PhantomData,
        };
        let config =
            poller.extract(&snapshot).map_err(|e| Error::Config(format!("the configuration does not extract: {e}")))?;
        poller.health.served(&report);
        poller.provider.keep_report(&report);
        poller.snapshot = snapshot;
        poller.interval = poller.interval_within_budget();
        poller.backstop = poller.backstop.max(poller.interval);
        // What the stream said during the load: a change, or a connection the load may not cover.
        poller.reload_due = poller.push.as_mut().is_some_and(Push::drain);
        poller.push_state_changed();
        poller.schedule();
        Ok((poller, Arc::new(config)))
    }

    /// Schedules the next poll an interval after the last (the backstop's while push is connected);
    /// the first anywhere in the first interval, so replicas started together spread out.
    fn schedule(&mut self) {
        let period = if self.push.as_ref().is_some_and(Push::is_connected) { self.backstop } else { self.interval };
        let wait = if self.first { spread(period) } else { jittered(period, self.jitter) };
        self.next_due = self.last_polled + wait;
        self.health.next_poll(Some(self.next_due));
    }

    /// Tells the health, and the caller in an event, the stream's new state.
    fn push_state_changed(&mut self) {
        #[cfg(feature = "push")]
        {
            let state = self.push.as_ref().map(|p| p.state().clone());
            self.health.push(state.clone());
            // The report of what is served (every snapshot the watcher holds has one).
            if let (Some(state), Some(report)) = (state, self.snapshot.report().cloned()) {
                self.emit(WatchEvent::Push { state, report });
            }
        }
    }

    /// Every target, revalidated against `previous`.
    async fn poll(&self, previous: &[Stored]) -> std::result::Result<Polled, (Error, LoadReport)> {
        let (loaded, measure) = self.provider.load(&self.client, previous).await;
        let now = self.clock.now();
        match loaded {
            Ok(mut loads) => {
                let report = self.provider.report_of(&mut loads, measure, now);
                self.provider.keep_report(&report);
                let answers: Vec<Stored> = loads.into_iter().map(|l| l.stored).collect();
                let changed = !same_secrets(&answers, previous);
                Ok(Polled { answers, report, changed })
            }
            Err(err) => Err((err, measure.report(self.provider.source(), Vec::new(), now))),
        }
    }

    fn extract(&self, snapshot: &Snapshot) -> std::result::Result<T, RedactedError> {
        (self.figment)(snapshot.clone()).extract::<T>().map_err(RedactedError::from)
    }

    fn emit(&self, event: WatchEvent) {
        match &self.on_event {
            Some(report) => report(&event),
            None if matches!(event, WatchEvent::Changed { .. } | WatchEvent::Recovered { .. }) => {
                tracing::info!("{event}");
            }
            // The stream warns itself, once for all its watchers, when it is lost or refused.
            #[cfg(feature = "push")]
            None if matches!(event, WatchEvent::Push { .. }) => tracing::debug!("{event}"),
            None => tracing::warn!("{event}"),
        }
    }

    /// Waits until a request of the client could go (a 429's hold on the whole client, the request
    /// budget's next token), so that a poll is moved there rather than sent into a wait. The gate
    /// keeps real time, as the transport does, whatever clock schedules the polls.
    async fn wait_for_gate(&self) {
        if let Some(ready) = self.client.ready_at() {
            tokio::time::sleep_until(ready).await;
        }
    }

    /// The interval, stretched when one poll's requests (one list per target and folder) each interval
    /// do not fit the client's [`RequestBudget`](crate::RequestBudget), with one warning naming both
    /// numbers.
    fn interval_within_budget(&self) -> Duration {
        let Some(per_minute) = self.client.budget_per_minute().filter(|n| *n > 0) else { return self.interval };
        let per_poll = (self.provider.targets.len() * self.provider.query.paths.len()).max(1) as u32;
        let shortest = Duration::from_secs(60).mul_f64(f64::from(per_poll) / f64::from(per_minute));
        if self.interval >= shortest {
            return self.interval;
        }
        tracing::warn!(
            interval_s = self.interval.as_secs_f64(),
            requests_per_poll = per_poll,
            budget_per_minute = per_minute,
            stretched_to_s = shortest.as_secs_f64(),
            "the watcher's interval does not fit the client's request budget ({per_poll} requests a poll, \
             {per_minute} a minute); polling every {:.1} s instead",
            shortest.as_secs_f64()
        );
        shortest
    }

    pub(super) async fn run(mut self, tx: watch::Sender<Arc<T>>) {
        loop {
            let pushed = match self.wait().await {
                Woken::Due => false,
                Woken::Reload => {
                    self.settle_events().await;
                    true
                }
                Woken::State => continue,
            };
            self.wait_for_gate().await;
            self.health.next_poll(None);
            self.poll_and_apply(&tx, pushed).await;
            self.first = false;
            self.last_polled = self.clock.now();
            if self.push_wanted {
                self.push = subscribe(&self.provider, &self.client, &self.clock).await;
                self.push_wanted = self.push.is_none();
                if self.push.is_some() {
                    self.push_state_changed();
                }
            }
            self.schedule();
        }
    }

    /// Waits for the next poll's time, or for the stream: a change, a resync, a new state (which
    /// moves the next poll to the new state's interval).
    async fn wait(&mut self) -> Woken {
        if std::mem::take(&mut self.reload_due) {
            return Woken::Reload;
        }
        let Some(push) = self.push.as_mut() else {
            self.clock.sleep_until(self.next_due).await;
            return Woken::Due;
        };
        let Some(notice) = first_of(self.clock.sleep_until(self.next_due), push.next()).await else {
            return Woken::Due;
        };
        match notice {
            Notice::Reload => Woken::Reload,
            Notice::State | Notice::Ended => {
                self.stream_changed(notice);
                Woken::State
            }
        }
    }

    /// A new state of the stream, or its end: told, and the next poll moved to its interval.
    fn stream_changed(&mut self, notice: Notice) {
        if let Notice::Ended = notice {
            tracing::debug!("the event stream's task ended; polling only");
            self.push = None;
        }
        self.push_state_changed();
        self.schedule();
    }

    /// After an event, waits until the stream has been quiet for the debounce (at most five of them),
    /// so that a burst of edits is one reload.
    async fn settle_events(&mut self) {
        let limit = self.clock.now() + self.debounce.saturating_mul(5);
        while let Some(push) = self.push.as_mut() {
            let quiet = (self.clock.now() + jittered(self.debounce, self.jitter)).min(limit);
            let Some(notice) = first_of(self.clock.sleep_until(quiet), push.next()).await else { return };
            match notice {
                Notice::Reload => {}
                other => self.stream_changed(other),
            }
        }
    }

    /// One poll, then a change applied. A change found by polling is let settle first (polled again
    /// until an answer repeats); one the stream announced has settled already (`pushed`).
    async fn poll_and_apply(&mut self, tx: &watch::Sender<Arc<T>>, pushed: bool) {
        let mut fresh = match self.poll(&self.answers).await {
            Ok(polled) if !polled.changed => {
                // The same secrets, maybe under new tags: revalidate against those next time.
                self.answers = polled.answers;
                return self.confirmed(polled.report, None);
            }
            Ok(polled) => polled,
            Err((error, report)) => return self.failed(error, report),
        };
        // Let a burst of edits settle: poll again until an answer repeats (a few times at most).
        for _ in 0..if pushed { 0 } else { 5 } {
            self.clock.sleep(jittered(self.debounce, self.jitter)).await;
            match self.poll(&fresh.answers).await {
                Ok(newer) if newer.changed => fresh = newer,
                Ok(_) => break,
                Err((error, report)) => {
                    self.failed(error, report);
                    break;
                }
            }
        }
        self.apply(fresh, tx);
    }

    fn failed(&mut self, error: Error, report: LoadReport) {
        self.behind = true;
        self.health.failed(with_causes(&error));
        crate::metrics::reload(Reload::Failed);
        self.served_age();
        self.emit(WatchEvent::Failed { error, report });
    }

    /// The age of the configuration served, for the metrics (it grows through failed polls).
    fn served_age(&self) {
        let age = self.health.health().served_age;
        crate::metrics::served_age(self.provider.targets.iter().map(|(e, _)| e.as_str()), age);
    }

    /// Infisical confirmed what is served (or `changed` it, applied): the health says so, and the
    /// event is the change, or the recovery when the watcher was behind.
    fn confirmed(&mut self, report: LoadReport, changed: Option<Vec<super::ChangedKey>>) {
        self.health.served(&report);
        let recovered = std::mem::replace(&mut self.behind, !report.is_fresh()) && report.is_fresh();
        match changed {
            Some(keys) => self.emit(WatchEvent::Changed { keys, report }),
            None if recovered => self.emit(WatchEvent::Recovered { report }),
            None => {}
        }
    }

    fn apply(&mut self, fresh: Polled, tx: &watch::Sender<Arc<T>>) {
        // The answers are taken either way: the same refused answer is not processed again.
        self.answers = fresh.answers;
        let report = fresh.report;
        let snapshot = match self.provider.snapshot_of(layers_of(&self.answers), report.clone()) {
            Ok(snapshot) => snapshot,
            Err(error) => {
                self.health.answered(&report);
                crate::metrics::reload(Reload::Rejected);
                self.served_age();
                return self.emit(WatchEvent::Failed { error, report });
            }
        };
        let keys = self.snapshot.changes(&snapshot);
        if keys.is_empty() {
            self.snapshot = snapshot;
            return self.confirmed(report, None);
        }
        match self.extract(&snapshot) {
            Ok(config) => {
                self.snapshot = snapshot;
                let _ = tx.send(Arc::new(config));
                crate::metrics::reload(Reload::Applied);
                self.confirmed(report, Some(keys));
            }
            Err(error) => {
                self.health.answered(&report);
                crate::metrics::reload(Reload::Rejected);
                self.served_age();
                self.emit(WatchEvent::Rejected { keys, error: Box::new(error), report });
            }
        }
    }
}

/// What woke the polling loop.
enum Woken {
    /// The next poll's time.
    Due,
    /// The stream: something may have changed.
    Reload,
    /// The stream's state changed (the next poll was moved).
    State,
}

/// Joins the project's stream; `None`, polling only, when the project's id cannot be found now (tried
/// again after the next poll).
async fn subscribe(provider: &Infisical, client: &Client, clock: &Clock) -> Option<Push> {
    #[cfg(feature = "push")]
    match Push::subscribe(provider, client, clock).await {
        Ok(push) => return Some(push),
        Err(error) => {
            tracing::debug!(error = %with_causes(&error), "the watcher could not subscribe to Infisical's events yet; polling");
        }
    }
    #[cfg(not(feature = "push"))]
    let _ = (provider, client, clock);
    None
}

/// Both outputs, `a` polled first each time.
async fn both<A: std::future::Future, B: std::future::Future>(a: A, b: B) -> (A::Output, B::Output) {
    use std::task::Poll;
    let (mut a, mut b) = (std::pin::pin!(a), std::pin::pin!(b));
    let (mut done_a, mut done_b) = (None, None);
    std::future::poll_fn(|cx| {
        if done_a.is_none()
            && let Poll::Ready(out) = a.as_mut().poll(cx)
        {
            done_a = Some(out);
        }
        if done_b.is_none()
            && let Poll::Ready(out) = b.as_mut().poll(cx)
        {
            done_b = Some(out);
        }
        match (done_a.take(), done_b.take()) {
            (Some(a), Some(b)) => Poll::Ready((a, b)),
            (a, b) => {
                (done_a, done_b) = (a, b);
                Poll::Pending
            }
        }
    })
    .await
}

/// The stream's notice, or `None` when `sleep` ends first (the notice's future is dropped: it is
/// cancel-safe).
async fn first_of(
    sleep: impl std::future::Future<Output = ()>,
    notice: impl std::future::Future<Output = Notice>,
) -> Option<Notice> {
    let (mut sleep, mut notice) = (std::pin::pin!(sleep), std::pin::pin!(notice));
    std::future::poll_fn(|cx| {
        if let std::task::Poll::Ready(notice) = notice.as_mut().poll(cx) {
            return std::task::Poll::Ready(Some(notice));
        }
        sleep.as_mut().poll(cx).map(|()| None)
    })
    .await
}

/// Whether two loads hold the same secrets, folder by folder (their tags aside).
fn same_secrets(a: &[Stored], b: &[Stored]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(a, b)| {
            a.layers.len() == b.layers.len()
                && a.layers.iter().zip(&b.layers).all(|(a, b)| {
                    let (a, b) = (&a.layer, &b.layer);
                    a.path == b.path
                        && a.secrets.len() == b.secrets.len()
                        && a.secrets
                            .iter()
                            .zip(&b.secrets)
                            .all(|((at_a, a), (at_b, b))| at_a == at_b && a.expose_secret() == b.expose_secret())
                })
        })
}

/// Each target's layers, for a snapshot (the answers are kept for the next revalidation).
fn layers_of(answers: &[Stored]) -> Vec<Vec<Layer>> {
    answers.iter().map(|s| s.layers.iter().map(|l| l.layer.clone()).collect()).collect()
}

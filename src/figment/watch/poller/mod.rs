//! The polling loop: every poll through the load pipeline with the last answers as the reference,
//! changes settled, applied, reported, and the health kept.

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;

use ::figment::Figment;
use serde::de::DeserializeOwned;
use tokio::sync::watch;

use secrecy::ExposeSecret;

use super::health::Shared;
use super::push::{Notice, Push, both, first_of, subscribe};
use super::{OnEvent, Watch, WatchEvent};
use crate::Client;
use crate::clock::{Clock, jittered, spread};
use crate::error::{Error, Result, with_causes};
use crate::figment::{Infisical, RedactedError, Snapshot};
use crate::leases::{Issued, Manager, Note};
use crate::metrics::Reload;
use crate::pipeline::{Layer, Loaded, Stored};
use crate::report::LoadReport;

mod leases;
pub(super) use leases::Leases;

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
    /// The lease manager's book and what it tells, when the provider asked for leases.
    pub(super) leases: Option<Leases>,
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
    /// cache or nothing served during an outage, as the cache's policy or `optional` say), the leases
    /// asked for, and `T`; with leases, their manager.
    pub(super) async fn start(watch: Watch, client: Client, figment: F) -> Result<(Self, Arc<T>, Option<Manager>)> {
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
            provider.first_load(&client, &watch.clock),
        )
        .await;
        let now = watch.clock.now();
        let (loads, issued, report) = match loaded {
            Ok((mut loads, issued)) => {
                let report = provider.report_of(&mut loads, measure, now);
                (loads, issued, report)
            }
            // As a load of the provider does: optional rides out an outage only. Leases need Infisical:
            // a configuration without its credentials does not start.
            Err(err) if provider.optional && err.is_unavailable() && provider.leases.is_empty() => {
                let report = provider.provided_nothing(&err, measure, now);
                (provider.targets.iter().map(|_| Loaded::default()).collect(), Vec::new(), report)
            }
            Err(err) => return Err(err),
        };
        let started = Self::started(watch.clock.clone(), &provider, &figment, loads, &issued, report);
        let (snapshot, config, report, keys) = match started {
            Ok(started) => started,
            Err(err) => {
                crate::leases::revoke_unused(&client, &issued).await;
                return Err(err);
            }
        };
        let (manager, leases) = if issued.is_empty() {
            (None, None)
        } else {
            let (manager, notes, book) =
                Manager::new(client.clone(), watch.clock.clone(), &provider.leases, issued, keys);
            (Some(manager), Some(Leases { book, notes }))
        };
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
            answers: snapshot.1,
            snapshot: snapshot.0,
            behind: !report.is_fresh(),
            leases,
            _config: std::marker::PhantomData,
        };
        if let Some(leases) = &poller.leases {
            poller.health.leases(leases.book.clone());
        }
        poller.health.served(&report);
        poller.provider.keep_report(&report);
        poller.interval = poller.interval_within_budget();
        poller.backstop = poller.backstop.max(poller.interval);
        // What the stream said during the load: a change, or a connection the load may not cover.
        poller.reload_due = poller.push.as_mut().is_some_and(Push::drain);
        // The poll moved first, then the state told: whoever sees the new state sees its schedule.
        poller.schedule();
        poller.push_state_changed();
        Ok((poller, Arc::new(config), manager))
    }

    /// The first snapshot (with its answers), `T`, the report, and the keys each lease fills.
    #[allow(clippy::type_complexity)]
    fn started(
        clock: Clock,
        provider: &Infisical,
        figment: &F,
        loads: Vec<Loaded>,
        issued: &[Issued],
        mut report: LoadReport,
    ) -> Result<((Snapshot, Vec<Stored>), T, LoadReport, Vec<Vec<String>>)> {
        let keys = provider.lease_key_names(issued)?;
        report.leases = provider.lease_reports(issued, clock.now())?;
        let answers: Vec<Stored> = loads.into_iter().map(|l| l.stored).collect();
        let snapshot = provider.snapshot_of(layers_of(&answers), issued, report.clone())?;
        let config = figment(snapshot.clone())
            .extract::<T>()
            .map_err(|e| Error::Config(format!("the configuration does not extract: {}", RedactedError::from(e))))?;
        Ok(((snapshot, answers), config, report, keys))
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
                let mut report = self.provider.report_of(&mut loads, measure, now);
                report.leases = self.lease_reports();
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
        let quiet = match &event {
            WatchEvent::Changed { .. } | WatchEvent::Recovered { .. } => true,
            WatchEvent::Lease { event, .. } => !event.is_warning(),
            _ => false,
        };
        match &self.on_event {
            Some(report) => report(&event),
            None if quiet => tracing::info!("{event}"),
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

    /// Polls, follows the stream, and applies what the lease manager (run alongside, when there is
    /// one) tells, until dropped.
    pub(super) async fn run(mut self, tx: watch::Sender<Arc<T>>, manager: Option<Manager>) {
        let mut leases = pin!(async move {
            match manager {
                Some(manager) => manager.run().await,
                None => std::future::pending().await,
            }
        });
        let mut polling = pin!(async move {
            loop {
                let pushed = match self.wait().await {
                    Woken::Due => false,
                    Woken::Reload => {
                        self.settle_events().await;
                        true
                    }
                    Woken::State => continue,
                    Woken::Lease(note) => {
                        self.lease_note(note, &tx);
                        continue;
                    }
                };
                self.wait_for_gate().await;
                self.health.next_poll(None);
                self.poll_and_apply(&tx, pushed).await;
                self.first = false;
                self.last_polled = self.clock.now();
                let mut subscribed = false;
                if self.push_wanted {
                    self.push = subscribe(&self.provider, &self.client, &self.clock).await;
                    self.push_wanted = self.push.is_none();
                    subscribed = self.push.is_some();
                }
                self.schedule();
                if subscribed {
                    self.push_state_changed();
                }
            }
        });
        // Both run until dropped.
        std::future::poll_fn(|cx| {
            let _ = leases.as_mut().poll(cx);
            polling.as_mut().poll(cx)
        })
        .await
    }

    /// Waits for the next poll's time, for the stream (a change, a resync, a new state, which moves the
    /// next poll to the new state's interval) or for a note of the lease manager, whichever comes first.
    async fn wait(&mut self) -> Woken {
        if std::mem::take(&mut self.reload_due) {
            return Woken::Reload;
        }
        let notice = {
            let mut due = pin!(self.clock.sleep_until(self.next_due));
            let (push, notes) = (self.push.as_mut(), self.leases.as_mut().map(|l| &mut l.notes));
            let mut notice = pin!(async move {
                match push {
                    Some(push) => push.next().await,
                    None => std::future::pending().await,
                }
            });
            let mut note = pin!(async move {
                if let Some(notes) = notes
                    && let Some(note) = notes.recv().await
                {
                    return note;
                }
                // No manager (or it is gone): nothing to wait for.
                std::future::pending().await
            });
            let woken = std::future::poll_fn(|cx| {
                if let Poll::Ready(note) = note.as_mut().poll(cx) {
                    return Poll::Ready(Either::Woken(Woken::Lease(note)));
                }
                if let Poll::Ready(notice) = notice.as_mut().poll(cx) {
                    return Poll::Ready(Either::Notice(notice));
                }
                due.as_mut().poll(cx).map(|()| Either::Woken(Woken::Due))
            })
            .await;
            match woken {
                Either::Woken(woken) => return woken,
                Either::Notice(notice) => notice,
            }
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
        self.schedule();
        self.push_state_changed();
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
        let snapshot = match self.provider.snapshot_of(layers_of(&self.answers), &self.issued(), report.clone()) {
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
    /// The lease manager: an event to report, or new credentials to apply.
    Lease(Note),
}

/// What [`Poller::wait`] waited for: done, or a notice of the stream still to act on.
enum Either {
    Woken(Woken),
    Notice(Notice),
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

//! The polling loop: every poll through the load pipeline with the last answers as the reference,
//! changes settled, applied, reported, and the health kept.

use std::future::Future;
use std::pin::pin;
use std::sync::{Arc, Mutex};
use std::task::Poll;
use std::time::Duration;

use ::figment::Figment;
use serde::de::DeserializeOwned;
use tokio::sync::{mpsc, watch};

use super::health::Shared;
use super::{OnEvent, Watch, WatchEvent};
use crate::clock::{Clock, jittered, spread};
use crate::error::{Error, Result, with_causes};
use crate::figment::{Infisical, RedactedError, Snapshot};
use crate::leases::{Book, Issued, Manager, Note};
use crate::pipeline::{Layer, Loaded, Measure, Stored};
use crate::{Client, LoadReport};

/// The polling loop's state: the last answers (with their tags), the last good snapshot, the health.
pub(super) struct Poller<T, F> {
    provider: Infisical,
    client: Client,
    figment: F,
    interval: Duration,
    debounce: Duration,
    jitter: f64,
    on_event: Option<OnEvent>,
    clock: Clock,
    /// The last load of each target: what the next poll revalidates against.
    answers: Vec<Stored>,
    /// When the next poll is due, on `clock`.
    next_due: std::time::SystemTime,
    snapshot: Snapshot,
    pub(super) health: Shared,
    /// The configuration served is not known to be Infisical's latest: the watcher started from the
    /// cache or with nothing, or polls failed since Infisical last answered.
    behind: bool,
    /// The lease manager's book and what it tells, when the provider asked for leases.
    pub(super) leases: Option<Leases>,
    _config: std::marker::PhantomData<fn() -> T>,
}

/// The watcher's end of its lease manager.
pub(super) struct Leases {
    pub(super) book: Arc<Mutex<Book>>,
    notes: mpsc::UnboundedReceiver<Note>,
}

impl Leases {
    fn book(&self) -> std::sync::MutexGuard<'_, Book> {
        self.book.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// A poll that worked: each target's load, its report, and whether anything may have changed.
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
        let provider = watch.provider;
        let (loaded, measure) = provider.first_load(&client, &watch.clock).await;
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
            debounce: watch.debounce,
            jitter: watch.jitter,
            on_event: watch.on_event,
            health: Shared::new(watch.clock.clone()),
            next_due: now,
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
        // The first poll anywhere in the first interval: replicas started together spread out.
        poller.next_due = now + spread(poller.interval);
        poller.health.next_poll(Some(poller.next_due));
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

    /// Every target, revalidated against `previous`.
    async fn poll(&self, previous: &[Stored]) -> std::result::Result<Polled, (Error, LoadReport)> {
        let (loaded, measure) = self.provider.load(&self.client, previous).await;
        let now = self.clock.now();
        match loaded {
            Ok(mut loads) => {
                let mut report = self.provider.report_of(&mut loads, measure, now);
                report.leases = self.lease_reports();
                self.provider.keep_report(&report);
                let changed = report.layers.iter().any(|l| l.origin != crate::report::Origin::Revalidated);
                Ok(Polled { answers: loads.into_iter().map(|l| l.stored).collect(), report, changed })
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
            None => tracing::warn!("{event}"),
        }
    }

    /// Every lease as it stands now (none without leases).
    fn lease_reports(&self) -> Vec<crate::LeaseReport> {
        self.leases.as_ref().map_or_else(Vec::new, |l| l.book().reports(self.clock.now()))
    }

    /// The leases in use: what a configuration is built from.
    fn issued(&self) -> Vec<Issued> {
        self.leases.as_ref().map_or_else(Vec::new, |l| l.book().current())
    }

    /// The report of a lease action that ended `at`: its requests and time, the layers served, every
    /// lease now.
    fn lease_report(&self, measure: Measure, at: std::time::SystemTime) -> LoadReport {
        let layers = self.snapshot.report().map(|r| r.layers.clone()).unwrap_or_default();
        let mut report = measure.report(self.provider.source(), layers, at);
        report.leases = self.lease_reports();
        report
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

    /// Polls, and applies what the lease manager (run alongside, when there is one) tells, until
    /// dropped.
    pub(super) async fn run(mut self, tx: watch::Sender<Arc<T>>, manager: Option<Manager>) {
        let mut leases = pin!(async move {
            match manager {
                Some(manager) => manager.run().await,
                None => std::future::pending().await,
            }
        });
        let mut polling = pin!(async move {
            loop {
                self.health.next_poll(Some(self.next_due));
                match self.next_wake().await {
                    Some(note) => self.lease_note(note, &tx),
                    None => {
                        self.wait_for_gate().await;
                        self.health.next_poll(None);
                        self.poll_and_apply(&tx).await;
                        self.next_due = self.clock.now() + jittered(self.interval, self.jitter);
                    }
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

    /// Waits for the next poll (`None`) or a note of the lease manager, whichever comes first.
    async fn next_wake(&mut self) -> Option<Note> {
        let mut due = pin!(self.clock.sleep_until(self.next_due));
        let notes = self.leases.as_mut().map(|l| &mut l.notes);
        let mut note = pin!(async move {
            if let Some(note) = match notes {
                Some(notes) => notes.recv().await,
                None => None,
            } {
                return note;
            }
            // No manager (or it is gone): polls only.
            std::future::pending().await
        });
        std::future::poll_fn(|cx| {
            if let Poll::Ready(note) = note.as_mut().poll(cx) {
                return Poll::Ready(Some(note));
            }
            due.as_mut().poll(cx).map(|()| None)
        })
        .await
    }

    /// A note of the lease manager: an event reported, or a new lease's credentials applied, answering
    /// whether they are served (the replaced lease is revoked only then).
    fn lease_note(&mut self, note: Note, tx: &watch::Sender<Arc<T>>) {
        match note {
            Note::Event { index, event, measure, at } => {
                let name = self.leases.as_ref().map(|l| l.book().name(index).to_owned()).unwrap_or_default();
                let report = self.lease_report(measure, at);
                self.emit(WatchEvent::Lease { name, event, report });
            }
            Note::Rotated { applied, measure, at } => {
                let report = self.lease_report(measure, at);
                let _ = applied.send(self.rebuild(report, tx));
            }
        }
    }

    /// A configuration with the leases' new credentials and the secrets served: published when it
    /// extracts. True when the configuration served holds them.
    fn rebuild(&mut self, report: LoadReport, tx: &watch::Sender<Arc<T>>) -> bool {
        let snapshot = match self.provider.snapshot_of(layers_of(&self.answers), &self.issued(), report.clone()) {
            Ok(snapshot) => snapshot,
            Err(error) => {
                self.emit(WatchEvent::Failed { error, report });
                return false;
            }
        };
        let keys = self.snapshot.changes(&snapshot);
        if keys.is_empty() {
            // A poll applied them already.
            self.snapshot = snapshot;
            return true;
        }
        match self.extract(&snapshot) {
            Ok(config) => {
                self.snapshot = snapshot;
                let _ = tx.send(Arc::new(config));
                self.emit(WatchEvent::Changed { keys, report });
                true
            }
            Err(error) => {
                self.emit(WatchEvent::Rejected { keys, error: Box::new(error), report });
                false
            }
        }
    }

    /// One poll; a change is let settle, then applied.
    async fn poll_and_apply(&mut self, tx: &watch::Sender<Arc<T>>) {
        let mut fresh = match self.poll(&self.answers).await {
            Ok(polled) if !polled.changed => return self.confirmed(polled.report, None),
            Ok(polled) => polled,
            Err((error, report)) => return self.failed(error, report),
        };
        // Let a burst of edits settle: poll again until an answer repeats (a few times at most).
        for _ in 0..5 {
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
        self.emit(WatchEvent::Failed { error, report });
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
                self.confirmed(report, Some(keys));
            }
            Err(error) => {
                self.health.answered(&report);
                self.emit(WatchEvent::Rejected { keys, error: Box::new(error), report });
            }
        }
    }
}

/// Each target's layers, for a snapshot (the answers are kept for the next revalidation).
fn layers_of(answers: &[Stored]) -> Vec<Vec<Layer>> {
    answers.iter().map(|s| s.layers.iter().map(|l| l.layer.clone()).collect()).collect()
}

//! The polling loop: every poll through the load pipeline with the last answers as the reference,
//! changes settled, applied, reported, and the health kept.

use std::sync::Arc;
use std::time::Duration;

use ::figment::Figment;
use serde::de::DeserializeOwned;
use tokio::sync::watch;

use super::health::Shared;
use super::{OnEvent, Watch, WatchEvent};
use crate::clock::{Clock, jittered, spread};
use crate::error::{Error, Result, with_causes};
use crate::figment::{Infisical, RedactedError, Snapshot};
use crate::pipeline::{Layer, Loaded, Stored};
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
    _config: std::marker::PhantomData<fn() -> T>,
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
    /// cache or nothing served during an outage, as the cache's policy or `optional` say), and `T`.
    pub(super) async fn start(watch: Watch, client: Client, figment: F) -> Result<(Self, Arc<T>)> {
        let provider = watch.provider;
        let (loaded, measure) = provider.load(&client, &[]).await;
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
            debounce: watch.debounce,
            jitter: watch.jitter,
            on_event: watch.on_event,
            health: Shared::new(watch.clock.clone()),
            next_due: now,
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
        // The first poll anywhere in the first interval: replicas started together spread out.
        poller.next_due = now + spread(poller.interval);
        poller.health.next_poll(Some(poller.next_due));
        Ok((poller, Arc::new(config)))
    }

    /// Every target, revalidated against `previous`.
    async fn poll(&self, previous: &[Stored]) -> std::result::Result<Polled, (Error, LoadReport)> {
        let (loaded, measure) = self.provider.load(&self.client, previous).await;
        let now = self.clock.now();
        match loaded {
            Ok(mut loads) => {
                let report = self.provider.report_of(&mut loads, measure, now);
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
        match &self.on_event {
            Some(report) => report(&event),
            None if matches!(event, WatchEvent::Changed { .. } | WatchEvent::Recovered { .. }) => {
                tracing::info!("{event}");
            }
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
            self.health.next_poll(Some(self.next_due));
            self.clock.sleep_until(self.next_due).await;
            self.wait_for_gate().await;
            self.health.next_poll(None);
            self.poll_and_apply(&tx).await;
            self.next_due = self.clock.now() + jittered(self.interval, self.jitter);
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
        let snapshot = match self.provider.snapshot_of(layers_of(&self.answers), report.clone()) {
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

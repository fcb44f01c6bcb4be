//! The lease manager a watcher runs: one scheduler for all its leases, on the watcher's client and
//! clock, keeping the book that reports, health and shutdown read.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use tokio::sync::{mpsc, oneshot};

use super::DynamicLease;
use super::event::LeaseEvent;
use super::issue::{Issued, issue};
use super::schedule::{Step, renew_due, retry_wait, step};
use crate::Client;
use crate::clock::Clock;
use crate::error::{Error, LeaseError, with_causes};
use crate::metrics::LeaseEvent as LeaseMetric;
use crate::pipeline::{Measure, counted};
use crate::report::{LeaseReport, LeaseStatus};
use crate::resources::dynamic_secrets::{DynamicSecretFolder, RenewLease, RevokeLease};

/// What the manager tells the watcher.
#[derive(Debug)]
pub(crate) enum Note {
    /// A lease was replaced; its new credentials are in the book. The watcher answers whether the
    /// configuration it serves now holds them: the replaced lease is revoked only then.
    Rotated { index: usize, applied: oneshot::Sender<bool>, measure: Measure, at: SystemTime },
    /// Something else happened to lease `index`, at `at` (on the manager's clock).
    Event { index: usize, event: LeaseEvent, measure: Measure, at: SystemTime },
}

/// Every lease of a watcher: each in use, and those replaced, waiting out their grace period.
#[derive(Debug)]
pub(crate) struct Book {
    entries: Vec<Entry>,
    retiring: Vec<Retiring>,
}

#[derive(Debug)]
struct Entry {
    spec: DynamicLease,
    keys: Vec<String>,
    current: Issued,
    /// How far ahead renewals keep it: the TTL it was created with.
    horizon: Duration,
    next: Option<(SystemTime, Act)>,
    renewals: u32,
    rotations: u32,
    failing: Option<Failing>,
    /// Infisical no longer knows it: nothing to renew or revoke.
    gone: bool,
    lapse_noted: bool,
    revoked: bool,
}

#[derive(Debug)]
struct Failing {
    count: u32,
    /// What the lease had left when the failures began.
    margin: Duration,
    error: String,
    warned: bool,
}

#[derive(Debug)]
struct Retiring {
    index: usize,
    folder: DynamicSecretFolder,
    lease_id: String,
    expiry: SystemTime,
    revoke_at: SystemTime,
    /// The watcher's answer, until it came: `None` once the new credentials are known to be served.
    applied: Option<oneshot::Receiver<bool>>,
    failures: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Act {
    Renew,
    Rotate,
}

#[derive(Clone, Copy, Debug)]
enum Due {
    Lease(usize, Act),
    Check(usize),
    Revoke(usize),
}

impl Entry {
    fn status(&self, now: SystemTime) -> LeaseStatus {
        if self.revoked {
            LeaseStatus::Revoked
        } else if self.gone || now >= self.current.expiry {
            LeaseStatus::Lapsed
        } else if let Some(failing) = &self.failing {
            if now >= self.lapsing_at(failing) { LeaseStatus::Lapsing } else { LeaseStatus::Failing }
        } else {
            LeaseStatus::Active
        }
    }

    /// When a failure spell makes it about to lapse: half the time it had then is gone.
    fn lapsing_at(&self, failing: &Failing) -> SystemTime {
        self.current.expiry.checked_sub(failing.margin / 2).unwrap_or(self.current.expiry)
    }

    fn permanent(&self) -> bool {
        self.failing.is_some() && self.next.is_none()
    }
}

impl Book {
    /// Each lease as it stands at `now`, in the order asked for.
    pub(crate) fn reports(&self, now: SystemTime) -> Vec<LeaseReport> {
        let report = |e: &Entry| LeaseReport {
            name: e.spec.name.clone(),
            keys: e.keys.clone(),
            lease_id: e.current.lease.id.clone(),
            expire_at: e.current.lease.expire_at,
            renewals: e.renewals,
            rotations: e.rotations,
            status: e.status(now),
            last_error: e.failing.as_ref().map(|f| f.error.clone()),
        };
        self.entries.iter().map(report).collect()
    }

    /// The leases in use, in the order asked for: what a configuration is built from.
    pub(crate) fn current(&self) -> Vec<Issued> {
        self.entries.iter().map(|e| e.current.clone()).collect()
    }

    pub(crate) fn name(&self, index: usize) -> &str {
        &self.entries[index].spec.name
    }

    /// Records what happened to a lease (its index), if anything, and the leases held now, in the
    /// metrics (feature `metrics`; nothing without it).
    pub(crate) fn record(&self, event: Option<(usize, LeaseMetric)>, now: SystemTime) {
        if let Some((index, event)) = event {
            crate::metrics::lease(&self.entries[index].current.folder.environment, event);
        }
        // Per environment: the leases held (current ones not lapsed or revoked, and replaced ones not
        // yet revoked) and the shortest time left on one.
        let mut held: std::collections::BTreeMap<&str, (usize, Option<Duration>)> = Default::default();
        let current = self.entries.iter().map(|e| {
            let left = e.current.expiry.duration_since(now).ok().filter(|_| !e.revoked && !e.gone);
            (e.current.folder.environment.as_str(), left)
        });
        let replaced = self.retiring.iter().map(|r| (r.folder.environment.as_str(), r.expiry.duration_since(now).ok()));
        for (environment, left) in current.chain(replaced) {
            let slot = held.entry(environment).or_default();
            if let Some(left) = left {
                slot.0 += 1;
                slot.1 = Some(slot.1.map_or(left, |s| s.min(left)));
            }
        }
        for (environment, (count, shortest)) in held {
            crate::metrics::leases_held(environment, count, shortest);
        }
    }

    /// What is due first, and when.
    fn next(&self) -> Option<(SystemTime, Due)> {
        let mut due = Vec::new();
        for (i, e) in self.entries.iter().enumerate().filter(|(_, e)| !e.revoked) {
            if let Some((at, act)) = e.next {
                due.push((at, Due::Lease(i, act)));
            }
            if let Some(failing) = e.failing.as_ref().filter(|f| !f.warned) {
                due.push((e.lapsing_at(failing), Due::Check(i)));
            }
            if !e.lapse_noted && !e.gone {
                due.push((e.current.expiry, Due::Check(i)));
            }
        }
        due.extend(self.retiring.iter().enumerate().map(|(j, r)| (r.revoke_at, Due::Revoke(j))));
        due.into_iter().min_by_key(|(at, _)| *at)
    }
}

/// Schedules the renewals, replacements and revocations of a watcher's leases.
pub(crate) struct Manager {
    client: Client,
    clock: Clock,
    book: Arc<Mutex<Book>>,
    notes: mpsc::UnboundedSender<Note>,
}

fn lock(book: &Mutex<Book>) -> MutexGuard<'_, Book> {
    book.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Manager {
    /// A manager of `issued` (the leases of `specs`, in order, whose credentials fill `keys`), and the
    /// watcher's ends: its notes and the book.
    pub(crate) fn new(
        client: Client,
        clock: Clock,
        specs: &[DynamicLease],
        issued: Vec<Issued>,
        keys: Vec<Vec<String>>,
    ) -> (Self, mpsc::UnboundedReceiver<Note>, Arc<Mutex<Book>>) {
        let now = clock.now();
        let entries = specs
            .iter()
            .zip(issued)
            .zip(keys)
            .map(|((spec, current), keys)| Entry {
                next: Some((renew_due(now, current.expiry, spec.renew_at, spec.jitter), Act::Renew)),
                horizon: current.granted(),
                spec: spec.clone(),
                keys,
                current,
                renewals: 0,
                rotations: 0,
                failing: None,
                gone: false,
                lapse_noted: false,
                revoked: false,
            })
            .collect();
        let book = Arc::new(Mutex::new(Book { entries, retiring: Vec::new() }));
        let (notes, rx) = mpsc::unbounded_channel();
        (Manager { client, clock, book: book.clone(), notes }, rx, book)
    }

    /// Runs until dropped: whatever is due next, on the clock, once the client's gate would let a
    /// request go.
    pub(crate) async fn run(self) {
        lock(&self.book).record(None, self.clock.now());
        loop {
            let Some((at, due)) = lock(&self.book).next() else {
                return std::future::pending().await;
            };
            self.clock.sleep_until(at).await;
            if let Some(ready) = self.client.ready_at() {
                tokio::time::sleep_until(ready).await;
            }
            match due {
                Due::Lease(i, Act::Renew) => self.renew(i).await,
                Due::Lease(i, Act::Rotate) => self.rotate(i).await,
                Due::Check(i) => self.check(i),
                Due::Revoke(j) => self.revoke(j).await,
            }
        }
    }

    fn note(&self, index: usize, event: LeaseEvent, measure: Measure) {
        let _ = self.notes.send(Note::Event { index, event, measure, at: self.clock.now() });
    }

    async fn renew(&self, i: usize) {
        let now = self.clock.now();
        let (req, lease_id) = {
            let book = lock(&self.book);
            let e = &book.entries[i];
            let id = e.current.lease.id.clone();
            match step(now, e.current.expiry, e.current.cap(), e.horizon) {
                Step::Renew(ttl) => (Some(RenewLease::new(e.current.folder.clone(), &id).ttl(ttl)), id),
                Step::Rotate => (None, id),
            }
        };
        let Some(req) = req else {
            tracing::debug!(lease = %lease_id, "less than a renewal left before the max TTL: replacing the lease");
            return self.rotate(i).await;
        };
        let (renewed, measure) = counted(self.client.dynamic_secrets().renew_lease(&req)).await;
        let now = self.clock.now();
        let err = match renewed {
            Ok(lease) => {
                let mut book = lock(&self.book);
                let e = &mut book.entries[i];
                e.current.expiry += lease.expire_at.duration_since(e.current.lease.expire_at).unwrap_or_default();
                let expire_at = lease.expire_at;
                e.current.lease = lease;
                e.renewals += 1;
                (e.failing, e.lapse_noted) = (None, false);
                e.next = Some((renew_due(now, e.current.expiry, e.spec.renew_at, e.spec.jitter), Act::Renew));
                drop(book);
                return self.note(i, LeaseEvent::Renewed { lease_id, expire_at }, measure);
            }
            Err(err) => err,
        };
        match lease_error(&err) {
            // Refused for good, or gone: its credentials are replaced now.
            Some(LeaseError::RenewalPastMaxTtl { .. } | LeaseError::Gone { .. }) => {
                tracing::info!(lease = %lease_id, reason = %err, "renewal refused; issuing a new lease");
                let mut book = lock(&self.book);
                let e = &mut book.entries[i];
                e.gone |= matches!(lease_error(&err), Some(LeaseError::Gone { .. }));
                e.next = Some((now, Act::Rotate));
            }
            _ => {
                let retry_at = self.failed(i, &err, now, Act::Renew);
                self.note(i, LeaseEvent::RenewalFailed { lease_id, error: err, retry_at }, measure);
            }
        }
    }

    async fn rotate(&self, i: usize) {
        let (spec, folder, replaced) = {
            let book = lock(&self.book);
            let e = &book.entries[i];
            (e.spec.clone(), e.current.folder.clone(), e.current.lease.id.clone())
        };
        let (issued, measure) = counted(issue(&self.client, &spec, &folder, &self.clock)).await;
        let now = self.clock.now();
        let new = match issued {
            Ok(new) => new,
            Err(err) => {
                let retry_at = self.failed(i, &err, now, Act::Rotate);
                return self.note(i, LeaseEvent::ReissueFailed { lease_id: replaced, error: err, retry_at }, measure);
            }
        };
        tracing::info!(old = %replaced, new = %new.lease.id, dynamic_secret = %spec.name, "lease replaced by a new one");
        let (applied, answer) = oneshot::channel();
        {
            let mut book = lock(&self.book);
            let e = &mut book.entries[i];
            e.next = Some((renew_due(now, new.expiry, spec.renew_at, spec.jitter), Act::Renew));
            e.horizon = new.granted();
            let old = std::mem::replace(&mut e.current, new);
            (e.renewals, e.rotations) = (0, e.rotations + 1);
            (e.failing, e.lapse_noted) = (None, false);
            let gone = std::mem::take(&mut e.gone);
            // A lease that expires before its grace period ends is left to expire.
            if !gone && now + spec.grace < old.expiry {
                book.retiring.push(Retiring {
                    index: i,
                    folder: old.folder,
                    lease_id: old.lease.id,
                    expiry: old.expiry,
                    revoke_at: now + spec.grace,
                    applied: Some(answer),
                    failures: 0,
                });
            }
        }
        let _ = self.notes.send(Note::Rotated { index: i, applied, measure, at: now });
    }

    /// Records a failure of lease `i` (to be retried by `act`, unless asking again cannot help) and
    /// returns when it is retried.
    fn failed(&self, i: usize, err: &Error, now: SystemTime, act: Act) -> Option<SystemTime> {
        let mut book = lock(&self.book);
        let e = &mut book.entries[i];
        let left = e.current.expiry.duration_since(now).unwrap_or_default();
        let left = if e.gone { Duration::ZERO } else { left };
        let failing = e.failing.get_or_insert(Failing { count: 0, margin: left, error: String::new(), warned: false });
        failing.count += 1;
        failing.error = with_causes(err);
        let permanent = matches!(
            lease_error(err),
            Some(
                LeaseError::NotLicensed { .. }
                    | LeaseError::PermissionDenied { .. }
                    | LeaseError::UnknownDynamicSecret { .. }
                    | LeaseError::TtlOverMax { .. }
            )
        );
        let retry_at = (!permanent).then(|| now + retry_wait(failing.count, left));
        e.next = retry_at.map(|at| (at, act));
        tracing::warn!(
            lease = %e.current.lease.id,
            dynamic_secret = %e.spec.name,
            failures = failing.count,
            left_s = left.as_secs(),
            retried = !permanent,
            error = %failing.error,
            "a lease could not be renewed or replaced"
        );
        retry_at
    }

    /// Notes a lease about to lapse (a warning) or lapsed; a lapsed one is replaced rather than renewed.
    fn check(&self, i: usize) {
        let now = self.clock.now();
        let mut book = lock(&self.book);
        let e = &mut book.entries[i];
        let lease_id = e.current.lease.id.clone();
        let mut events = Vec::new();
        if now >= e.current.expiry && !e.lapse_noted {
            e.lapse_noted = true;
            if let Some(failing) = &mut e.failing {
                failing.warned = true;
            }
            if !e.permanent() {
                e.next = Some((now, Act::Rotate));
            }
            tracing::warn!(lease = %lease_id, dynamic_secret = %e.spec.name, "a lease lapsed: its credentials no longer work");
            events.push(LeaseEvent::Lapsed { lease_id });
        } else if let Some(failing) =
            e.failing.as_mut().filter(|f| !f.warned && now >= e.current.expiry.checked_sub(f.margin / 2).unwrap_or(now))
        {
            failing.warned = true;
            let (expire_at, error) = (e.current.lease.expire_at, failing.error.clone());
            tracing::warn!(
                lease = %lease_id,
                dynamic_secret = %e.spec.name,
                left_s = e.current.expiry.duration_since(now).unwrap_or_default().as_secs(),
                error = %error,
                "a lease is about to lapse: renewing it keeps failing"
            );
            events.push(LeaseEvent::Lapsing { lease_id, expire_at, error });
        }
        drop(book);
        for event in events {
            self.note(i, event, Measure::default());
        }
    }

    /// Revokes a replaced lease once the watcher serves its successor; one it does not serve is left to
    /// expire.
    async fn revoke(&self, j: usize) {
        let now = self.clock.now();
        let (index, req, lease_id) = {
            let mut book = lock(&self.book);
            let grace = book.entries[book.retiring[j].index].spec.grace;
            let r = &mut book.retiring[j];
            match r.applied.as_mut().map(oneshot::Receiver::try_recv) {
                None | Some(Ok(true)) => r.applied = None,
                Some(Err(oneshot::error::TryRecvError::Empty)) if now + grace < r.expiry => {
                    // The watcher has not applied it yet: another grace period.
                    r.revoke_at = now + grace;
                    return;
                }
                Some(_) => {
                    tracing::warn!(
                        lease = %r.lease_id,
                        "the watcher does not serve the new credentials (yet); the replaced lease is left to expire \
                         at its TTL"
                    );
                    book.retiring.swap_remove(j);
                    return;
                }
            }
            (r.index, RevokeLease::new(r.folder.clone(), &r.lease_id), r.lease_id.clone())
        };
        let (revoked, measure) = counted(self.client.dynamic_secrets().revoke_lease(&req)).await;
        let now = self.clock.now();
        let mut book = lock(&self.book);
        let Some(j) = book.retiring.iter().position(|r| r.lease_id == lease_id) else { return };
        let event = match revoked {
            Ok(_) => LeaseEvent::Revoked { lease_id },
            Err(err) if err.is_not_found() => {
                book.retiring.swap_remove(j);
                return;
            }
            Err(error) => {
                let r = &mut book.retiring[j];
                r.failures += 1;
                r.revoke_at = now + retry_wait(r.failures, r.expiry.duration_since(now).unwrap_or_default());
                let retried = error.is_unavailable() && r.revoke_at < r.expiry;
                if retried {
                    drop(book);
                } else {
                    book.retiring.swap_remove(j);
                    drop(book);
                }
                tracing::warn!(lease = %lease_id, retried, error = %with_causes(&error), "a replaced lease could not be revoked");
                return self.note(index, LeaseEvent::RevokeFailed { lease_id, error }, measure);
            }
        };
        book.retiring.swap_remove(j);
        drop(book);
        self.note(index, event, measure);
    }
}

/// Revokes every lease of `book` (in use and replaced), within `bound`; what was not revoked expires at
/// its TTL. Each lease's report says which.
pub(crate) async fn revoke_all(
    client: &Client,
    book: &Mutex<Book>,
    clock: &Clock,
    bound: Duration,
) -> Vec<LeaseReport> {
    let targets: Vec<(Option<usize>, DynamicSecretFolder, String)> = {
        let book = lock(book);
        let now = clock.now();
        let current = book.entries.iter().enumerate().filter(|(_, e)| !e.revoked && !e.gone && e.current.expiry > now);
        let current = current.map(|(i, e)| (Some(i), e.current.folder.clone(), e.current.lease.id.clone()));
        let replaced = book.retiring.iter().map(|r| (None, r.folder.clone(), r.lease_id.clone()));
        current.chain(replaced).collect()
    };
    let revoke = async {
        for (index, folder, lease_id) in targets {
            let result = client.dynamic_secrets().revoke_lease(&RevokeLease::new(folder.clone(), &lease_id)).await;
            let event = if result.is_ok() { LeaseMetric::Revoked } else { LeaseMetric::RevokeFailed };
            crate::metrics::lease(&folder.environment, event);
            let mut book = lock(book);
            book.retiring.retain(|r| r.lease_id != lease_id);
            let Some(e) = index.map(|i| &mut book.entries[i]) else { continue };
            match result {
                Ok(_) => e.revoked = true,
                Err(err) if err.is_not_found() => e.gone = true,
                Err(err) => {
                    tracing::warn!(lease = %lease_id, error = %with_causes(&err), "a lease could not be revoked at shutdown; it expires at its TTL");
                    let error = with_causes(&err);
                    e.failing = Some(Failing { count: 1, margin: Duration::ZERO, error, warned: true });
                }
            }
        }
    };
    if tokio::time::timeout(bound, revoke).await.is_err() {
        tracing::warn!(
            bound_s = bound.as_secs_f64(),
            "revoking the leases did not finish in time; the rest expire at their TTL"
        );
    }
    let book = lock(book);
    book.record(None, clock.now());
    book.reports(clock.now())
}

/// The lease error inside `err`, if it is one.
fn lease_error(err: &Error) -> Option<&LeaseError> {
    match err.innermost() {
        Error::Lease(lease) => Some(lease),
        _ => None,
    }
}

//! The watcher's side of its lease manager: the book it reads, the notes it acts on (an event to
//! report, new credentials to build a configuration with).

use std::sync::{Arc, Mutex};

use ::figment::Figment;
use serde::de::DeserializeOwned;
use tokio::sync::{mpsc, watch};

use super::{Poller, layers_of};
use crate::figment::Snapshot;
use crate::figment::watch::WatchEvent;
use crate::leases::{Book, Issued, LeaseEvent, Note};
use crate::pipeline::Measure;
use crate::report::LoadReport;

/// The watcher's end of its lease manager.
pub(in crate::figment::watch) struct Leases {
    pub(in crate::figment::watch) book: Arc<Mutex<Book>>,
    pub(super) notes: mpsc::UnboundedReceiver<Note>,
}

impl Leases {
    fn book(&self) -> std::sync::MutexGuard<'_, Book> {
        self.book.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl<T, F> Poller<T, F>
where
    T: DeserializeOwned + Send + Sync + 'static,
    F: Fn(Snapshot) -> Figment + Send + Sync + 'static,
{
    /// Every lease as it stands now (none without leases).
    pub(super) fn lease_reports(&self) -> Vec<crate::report::LeaseReport> {
        self.leases.as_ref().map_or_else(Vec::new, |l| l.book().reports(self.clock.now()))
    }

    /// The leases in use: what a configuration is built from.
    pub(super) fn issued(&self) -> Vec<Issued> {
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

    /// A note of the lease manager: an event reported, or a new lease's credentials applied, answering
    /// whether they are served (the replaced lease is revoked only then).
    pub(super) fn lease_note(&mut self, note: Note, tx: &watch::Sender<Arc<T>>) {
        match note {
            Note::Event { index, event, measure, at } => {
                let name = self.leases.as_ref().map_or_else(String::new, |l| {
                    let book = l.book();
                    book.record(metric_of(&event).map(|m| (index, m)), at);
                    book.name(index).to_owned()
                });
                let report = self.lease_report(measure, at);
                self.emit(WatchEvent::Lease { name, event, report });
            }
            Note::Rotated { index, applied, measure, at } => {
                if let Some(l) = &self.leases {
                    l.book().record(Some((index, crate::metrics::LeaseEvent::Replaced)), at);
                }
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
}

/// The metric's word for what happened to a lease (a warning that one is lapsing counts nothing: the
/// gauge of time left shows it).
fn metric_of(event: &LeaseEvent) -> Option<crate::metrics::LeaseEvent> {
    use crate::metrics::LeaseEvent as Metric;
    Some(match event {
        LeaseEvent::Renewed { .. } => Metric::Renewed,
        LeaseEvent::RenewalFailed { .. } => Metric::RenewFailed,
        LeaseEvent::ReissueFailed { .. } => Metric::ReplaceFailed,
        LeaseEvent::Lapsing { .. } => return None,
        LeaseEvent::Lapsed { .. } => Metric::Expired,
        LeaseEvent::Revoked { .. } => Metric::Revoked,
        LeaseEvent::RevokeFailed { .. } => Metric::RevokeFailed,
    })
}

//! What a lease manager reports: ids, times and errors, never credentials.

use std::time::SystemTime;

use crate::error::Error;

/// What a watcher's lease manager did to one lease, reported as a
/// [`WatchEvent::Lease`](crate::watch::WatchEvent::Lease) (with the lease's dynamic secret and the
/// report of every lease now). A new lease, with new credentials, is a
/// [`WatchEvent::Changed`](crate::watch::WatchEvent::Changed) whose keys name the lease. Never a
/// credential.
///
/// ```
/// use infisical_config::leases::LeaseEvent;
/// use infisical_config::watch::WatchEvent;
///
/// fn on_event(event: &WatchEvent) {
///     match event {
///         WatchEvent::Lease { event: LeaseEvent::Lapsing { expire_at, .. }, name, .. } => {
///             eprintln!("the credentials of `{name}` stop working at {expire_at:?}: {event}");
///         }
///         WatchEvent::Changed { keys, .. } if keys.iter().any(|k| k.lease.is_some()) => {
///             println!("credentials rotated");
///         }
///         other => println!("{other}"),
///     }
/// }
/// # let _ = on_event;
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum LeaseEvent {
    /// The lease was renewed: its expiry moved, its credentials stay.
    Renewed {
        /// The lease.
        lease_id: String,
        /// Its new expiry, as Infisical says.
        expire_at: SystemTime,
    },
    /// A renewal failed. It is retried at `retry_at`, or, when `None`, not (the error is one that asking
    /// again would not change, such as [`LeaseError::NotLicensed`](crate::error::LeaseError::NotLicensed)),
    /// and the lease lapses at its expiry.
    RenewalFailed {
        /// The lease.
        lease_id: String,
        /// Why.
        error: Error,
        /// When it is tried again.
        retry_at: Option<SystemTime>,
    },
    /// A new lease, to replace this one, could not be created. It is tried again at `retry_at`, or,
    /// when `None`, not.
    ReissueFailed {
        /// The lease it was to replace.
        lease_id: String,
        /// Why.
        error: Error,
        /// When it is tried again.
        retry_at: Option<SystemTime>,
    },
    /// Renewal keeps failing and the lease expires soon: half the time it had when the failures began
    /// is gone. The watcher's [health](crate::watch::Health::check) is not ready until it is renewed or
    /// replaced. Sent once a failure spell.
    Lapsing {
        /// The lease.
        lease_id: String,
        /// When its credentials stop working, as Infisical says.
        expire_at: SystemTime,
        /// The last failure, in words.
        error: String,
    },
    /// The lease expired without being renewed or replaced: its credentials no longer work. The
    /// manager keeps trying for a new lease (unless the failure was one that asking again would not
    /// change).
    Lapsed {
        /// The lease.
        lease_id: String,
    },
    /// A replaced lease was revoked, its grace period over.
    Revoked {
        /// The old lease.
        lease_id: String,
    },
    /// A replaced lease could not be revoked; it expires at its TTL.
    RevokeFailed {
        /// The old lease.
        lease_id: String,
        /// Why.
        error: Error,
    },
}

impl LeaseEvent {
    /// The lease it is about.
    ///
    /// ```
    /// use infisical_config::leases::LeaseEvent;
    ///
    /// let event = LeaseEvent::Revoked { lease_id: "1ea5e000".into() };
    /// assert_eq!(event.lease_id(), "1ea5e000");
    /// ```
    #[must_use]
    pub fn lease_id(&self) -> &str {
        match self {
            LeaseEvent::Renewed { lease_id, .. }
            | LeaseEvent::RenewalFailed { lease_id, .. }
            | LeaseEvent::ReissueFailed { lease_id, .. }
            | LeaseEvent::Lapsing { lease_id, .. }
            | LeaseEvent::Lapsed { lease_id }
            | LeaseEvent::Revoked { lease_id }
            | LeaseEvent::RevokeFailed { lease_id, .. } => lease_id,
        }
    }

    /// True for what needs attention: failures and a lease lapsing or lapsed (a watcher without
    /// [`on_event`](crate::watch::Watch::on_event) logs these at WARN, the rest at INFO).
    ///
    /// ```
    /// use infisical_config::leases::LeaseEvent;
    ///
    /// assert!(!LeaseEvent::Revoked { lease_id: "l".into() }.is_warning());
    /// assert!(LeaseEvent::Lapsed { lease_id: "l".into() }.is_warning());
    /// ```
    #[must_use]
    pub fn is_warning(&self) -> bool {
        !matches!(self, LeaseEvent::Renewed { .. } | LeaseEvent::Revoked { .. })
    }
}

impl std::fmt::Display for LeaseEvent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let at = |t: &SystemTime| humantime::format_rfc3339_seconds(*t);
        let retry = |t: &Option<SystemTime>| match t {
            Some(t) => format!("retrying at {}", at(t)),
            None => "not retried".to_owned(),
        };
        match self {
            LeaseEvent::Renewed { lease_id, expire_at } => {
                write!(f, "lease `{lease_id}` renewed, expires at {}", at(expire_at))
            }
            LeaseEvent::RenewalFailed { lease_id, error, retry_at } => {
                write!(f, "renewing lease `{lease_id}` failed, {}: {error}", retry(retry_at))
            }
            LeaseEvent::ReissueFailed { lease_id, error, retry_at } => {
                write!(f, "a new lease to replace `{lease_id}` could not be created, {}: {error}", retry(retry_at))
            }
            LeaseEvent::Lapsing { lease_id, expire_at, error } => write!(
                f,
                "lease `{lease_id}` is about to lapse: its credentials stop working at {} and renewing it keeps \
                 failing: {error}",
                at(expire_at)
            ),
            LeaseEvent::Lapsed { lease_id } => {
                write!(f, "lease `{lease_id}` lapsed: its credentials no longer work")
            }
            LeaseEvent::Revoked { lease_id } => write!(f, "replaced lease `{lease_id}` revoked"),
            LeaseEvent::RevokeFailed { lease_id, error } => {
                write!(f, "revoking replaced lease `{lease_id}` failed, it expires at its TTL: {error}")
            }
        }
    }
}

//! The refusals of the dynamic-secret and lease routes that a caller acts on, each with what to do.

use super::ApiError;
use crate::resources::dynamic_secrets::Lease;

/// Why a dynamic-secret or lease call failed, when the answer asks for a decision: create a new lease,
/// shorten a TTL, fix a permission, stop asking.
///
/// Reached as [`Error::Lease`](crate::Error::Lease). Each variant but [`RevokeFailed`](Self::RevokeFailed)
/// keeps the server's answer as its [`source`](std::error::Error::source) (and its text, bounded, in
/// its own). None is [transient](crate::Error::is_transient) or
/// [unavailable](crate::Error::is_unavailable): trying the same call again gives the same answer.
///
/// ```
/// use infisical_config::Error;
/// use infisical_config::error::LeaseError;
///
/// fn next_step(err: &Error) -> &'static str {
///     match err {
///         Error::Lease(lease) => match lease.as_ref() {
///             LeaseError::RenewalPastMaxTtl { .. } | LeaseError::Gone { .. } => "create a new lease",
///             LeaseError::NotLicensed { .. } => "stop: this server has no dynamic secrets",
///             _ => "report it",
///         },
///         err if err.is_unavailable() => "try again later",
///         _ => "report it",
///     }
/// }
/// # let _ = next_step;
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LeaseError {
    /// The server's licence or plan has no dynamic secrets: a lease create or renew answered 400 "...
    /// due to plan restriction ...". Self-hosted servers without an Enterprise licence and Infisical
    /// Cloud below its Enterprise tier answer so (the check comes before the name is looked up, so a
    /// wrong name gives this too).
    ///
    /// Permanent for that server: never retried. Get an Enterprise licence (self-hosted: `LICENSE_KEY`)
    /// or Infisical Cloud's Enterprise tier. Revoking leases still works without one.
    #[error(
        "dynamic secrets are not licensed on this Infisical server ({source}): they need an Enterprise licence \
         (self-hosted) or Infisical Cloud's Enterprise tier; asking again will not help, revoking leases still works"
    )]
    NotLicensed {
        /// The server's answer.
        source: ApiError,
    },

    /// No dynamic secret of that name in that folder: a 404 (400 on servers of 2024) to a lease create,
    /// a get or a list of leases.
    ///
    /// Check the name (dynamic-secret names are lower case), the environment and the folder;
    /// [`DynamicSecrets::list`](crate::resources::dynamic_secrets::DynamicSecrets::list) shows what
    /// the identity can see there.
    #[error(
        "there is no dynamic secret `{name}` in {place} ({source}); check the name, the environment and the folder, \
         or list the folder's dynamic secrets"
    )]
    UnknownDynamicSecret {
        /// The name asked for (lower case).
        name: String,
        /// Where: project, environment, folder.
        place: String,
        /// The server's answer.
        source: ApiError,
    },

    /// A lease create asked for a TTL longer than the dynamic secret's max TTL (400 "TTL cannot be
    /// larger than max TTL").
    ///
    /// Ask for at most [`DynamicSecret::max_ttl`](crate::resources::dynamic_secrets::DynamicSecret::max_ttl),
    /// or for no TTL to get the dynamic secret's default.
    #[error(
        "the TTL {} asked for a lease of dynamic secret `{name}` is longer than its max TTL ({source}); \
         ask for at most its `max_ttl`, or for none to get its default TTL",
        ttl.as_deref().unwrap_or("(its default)")
    )]
    TtlOverMax {
        /// The dynamic secret.
        name: String,
        /// The TTL asked for, as sent (`90m`); `None` when none was (the default TTL).
        ttl: Option<String>,
        /// The server's answer.
        source: ApiError,
    },

    /// A renewal would take the lease past its max TTL, counted from the lease's creation (400 "... would
    /// exceed the maximum allowed lease duration ...", or "TTL cannot be larger than max ttl" on servers
    /// of 2024 and early 2025).
    ///
    /// The lease is unchanged: its credentials stay valid until its current
    /// [`expire_at`](crate::resources::dynamic_secrets::Lease::expire_at). A renewal adds its TTL to the
    /// current expiry, so a shorter one may still fit (at least one minute); otherwise create a new lease
    /// (new credentials) before this one expires.
    #[error(
        "renewing lease `{lease_id}` would take it past its max TTL, counted from its creation ({source}); \
         the lease is unchanged and valid until its current expiry: renew for less, or create a new lease \
         before then"
    )]
    RenewalPastMaxTtl {
        /// The lease.
        lease_id: String,
        /// The server's answer.
        source: ApiError,
    },

    /// The lease is gone: a 404 (400 on servers of 2024) to a get, renew or revoke. It expired and the
    /// server revoked and deleted it, it was revoked, or it belongs to another folder.
    ///
    /// Its credentials no longer work (or, for a revoke, there is nothing left to revoke): create a new
    /// lease.
    #[error(
        "lease `{lease_id}` is gone ({source}): it expired, was revoked, or belongs to another folder; its \
         credentials no longer work, create a new lease"
    )]
    Gone {
        /// The lease.
        lease_id: String,
        /// The server's answer.
        source: ApiError,
    },

    /// The identity may not do this (403): leasing (create, get, renew, revoke, list leases) needs the
    /// `Lease` action of the project role's Dynamic Secrets permission; reading a dynamic secret by name
    /// needs `Read Root Credential` and `Edit Root Credential`, since the answer holds the provider's
    /// root credentials. The identity must also be a member of the project.
    ///
    /// Grant the permission named in the text to the identity's role, for that environment and folder.
    #[error("the identity may not {action} ({source}); grant its project role {permission}")]
    PermissionDenied {
        /// What was refused (`lease dynamic secret \`db\``).
        action: String,
        /// The permission that allows it.
        permission: &'static str,
        /// The server's answer.
        source: ApiError,
    },

    /// The server answered a revoke 200 but marked the lease `Failed to delete`: the provider (the
    /// database, the cloud) refused to remove the credentials.
    ///
    /// The credentials may still work. Infisical retries the revocation in the background; fix what
    /// [`details`](Self::RevokeFailed::details) says, or remove the credentials at the provider yourself
    /// and revoke again with
    /// [`RevokeLease::force`](crate::resources::dynamic_secrets::RevokeLease::force), which deletes the
    /// lease without asking the provider.
    #[error(
        "revoking lease `{lease_id}` failed at the provider: {}; its credentials may still work until the provider \
         removes them (Infisical retries); once removed by hand, revoke again with `force(true)`",
        details.as_deref().unwrap_or("no details given")
    )]
    RevokeFailed {
        /// The lease.
        lease_id: String,
        /// The provider's error, as the server reports it (bounded).
        details: Option<String>,
        /// The lease as the server answered it (its `status` is `Failed to delete`).
        lease: Box<Lease>,
    },
}

impl LeaseError {
    /// The server's error answer behind this one (none for [`RevokeFailed`](Self::RevokeFailed), which
    /// was answered 200).
    ///
    /// ```
    /// # fn show(err: &infisical_config::error::LeaseError) {
    /// if let Some(api) = err.api() {
    ///     eprintln!("HTTP {} (request {:?})", api.status(), api.request_id());
    /// }
    /// # }
    /// ```
    #[must_use]
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            LeaseError::NotLicensed { source }
            | LeaseError::UnknownDynamicSecret { source, .. }
            | LeaseError::TtlOverMax { source, .. }
            | LeaseError::RenewalPastMaxTtl { source, .. }
            | LeaseError::Gone { source, .. }
            | LeaseError::PermissionDenied { source, .. } => Some(source),
            LeaseError::RevokeFailed { .. } => None,
        }
    }

    /// True when what was named does not exist (any more): [`Gone`](Self::Gone) and
    /// [`UnknownDynamicSecret`](Self::UnknownDynamicSecret).
    pub(crate) fn is_not_found(&self) -> bool {
        matches!(self, LeaseError::Gone { .. } | LeaseError::UnknownDynamicSecret { .. })
    }
}

impl From<LeaseError> for super::Error {
    fn from(e: LeaseError) -> Self {
        super::Error::Lease(Box::new(e))
    }
}

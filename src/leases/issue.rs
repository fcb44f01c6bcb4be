//! Creating the leases a load asks for, each checked against the credentials its dynamic secret
//! issues; the leases a load cannot use are revoked at once rather than left to their TTL.

use std::time::{Duration, SystemTime};

use secrecy::SecretString;

use super::DynamicLease;
use crate::Client;
use crate::clock::Clock;
use crate::error::{Result, with_causes};
use crate::report::{LeaseReport, LeaseStatus};
use crate::resources::ProjectRef;
use crate::resources::dynamic_secrets::{CreateLease, DynamicSecretFolder, Lease, LeaseData, RevokeLease};

/// A lease created for a loader, with its credentials and what its renewals are bounded by.
#[derive(Clone, Debug)]
pub(crate) struct Issued {
    pub(crate) folder: DynamicSecretFolder,
    pub(crate) lease: Lease,
    pub(crate) data: LeaseData,
    /// The dynamic secret's max TTL as the creation answered it; `None`: renewals are unbounded.
    #[cfg_attr(not(feature = "watch"), allow(dead_code))]
    pub(crate) max_ttl: Option<Duration>,
    /// On the loader's clock: when the creation was sent. The lease's expiry and max-TTL bound are
    /// counted from here with Infisical's own durations, so a skewed clock does not move them (and,
    /// counted from the sending, they err early).
    #[cfg_attr(not(feature = "watch"), allow(dead_code))]
    pub(crate) sent_at: SystemTime,
    /// When the lease expires, on the loader's clock.
    pub(crate) expiry: SystemTime,
}

// Renewals (the watcher's) read the bounds; a one-shot load only reports.
#[cfg_attr(not(feature = "watch"), allow(dead_code))]
impl Issued {
    /// The latest the lease may be renewed to, on the loader's clock.
    pub(crate) fn cap(&self) -> Option<SystemTime> {
        self.max_ttl.map(|max| self.sent_at + max)
    }

    /// The TTL it was created with: how far ahead a watcher keeps it.
    pub(crate) fn granted(&self) -> Duration {
        self.lease.expire_at.duration_since(self.lease.created_at).unwrap_or_default()
    }

    /// Its report as created (or, at `now`, lapsed), filling `keys`.
    pub(crate) fn report(&self, name: &str, keys: Vec<String>, now: SystemTime) -> LeaseReport {
        LeaseReport {
            name: name.to_owned(),
            keys,
            lease_id: self.lease.id.clone(),
            expire_at: self.lease.expire_at,
            renewals: 0,
            rotations: 0,
            status: if now >= self.expiry { LeaseStatus::Lapsed } else { LeaseStatus::Active },
            last_error: None,
        }
    }
}

impl DynamicLease {
    /// Where its dynamic secret is: in `project`, its environment and folder, else the loader's.
    pub(crate) fn folder(&self, project: &ProjectRef, environment: &str, path: &str) -> DynamicSecretFolder {
        DynamicSecretFolder::new(project.clone(), self.environment.as_deref().unwrap_or(environment))
            .path(self.path.as_deref().unwrap_or(path))
    }

    /// Its lease `issued`, as errors name where a credential came from.
    pub(crate) fn described(&self, issued: &Issued) -> String {
        let folder = &issued.folder;
        format!("a lease of dynamic secret `{}` in {} ({})", self.name, folder.path, folder.environment)
    }

    /// The credentials of `issued` as environment variables, in order: each named by its mapping, else
    /// as the dynamic secret names it, after `at` and `_`; with its value and what it is.
    pub(crate) fn variables(&self, issued: &Issued) -> Result<Vec<(String, SecretString, String)>> {
        let described = self.described(issued);
        let mut variables = Vec::with_capacity(issued.data.len());
        for (credential, mapped) in self.mapped(&issued.data)? {
            let name = mapped.unwrap_or(credential);
            let name = self.at.as_ref().map_or_else(|| name.to_owned(), |at| format!("{at}_{name}"));
            let value = issued.data.get(credential).expect("a credential of the lease").clone();
            variables.push((name, value, format!("credential `{credential}` of {described}")));
        }
        Ok(variables)
    }
}

/// Creates one lease of `lease` in `folder`, checked to have the credentials it maps; a lease without
/// them is revoked.
pub(crate) async fn issue(
    client: &Client,
    lease: &DynamicLease,
    folder: &DynamicSecretFolder,
    clock: &Clock,
) -> Result<Issued> {
    let mut req = CreateLease::new(folder.clone(), &lease.name);
    if let Some(ttl) = lease.ttl {
        req = req.ttl(ttl);
    }
    let sent_at = clock.now();
    let created = client.dynamic_secrets().create_lease(&req).await?;
    let granted = created.lease.expire_at.duration_since(created.lease.created_at).unwrap_or_default();
    let issued = Issued {
        folder: folder.clone(),
        max_ttl: created.dynamic_secret.max_ttl.as_ref().and_then(|ttl| ttl.duration()),
        expiry: sent_at + granted,
        sent_at,
        lease: created.lease,
        data: created.data,
    };
    crate::metrics::lease(&folder.environment, crate::metrics::LeaseEvent::Created);
    if let Err(err) = lease.mapped(&issued.data) {
        revoke_unused(client, std::slice::from_ref(&issued)).await;
        return Err(err);
    }
    Ok(issued)
}

/// Creates every lease asked for, in order, each in its folder (by default `environment` and `path`
/// of `project`); when one fails, those created are revoked and the error returned.
pub(crate) async fn issue_all(
    client: &Client,
    leases: &[DynamicLease],
    (project, environment, path): (&ProjectRef, &str, &str),
    clock: &Clock,
) -> Result<Vec<Issued>> {
    let mut issued = Vec::with_capacity(leases.len());
    for lease in leases {
        match issue(client, lease, &lease.folder(project, environment, path), clock).await {
            Ok(one) => issued.push(one),
            Err(err) => {
                revoke_unused(client, &issued).await;
                return Err(err);
            }
        }
    }
    Ok(issued)
}

/// Revokes leases a load created but cannot use; one that cannot be revoked expires at its TTL.
pub(crate) async fn revoke_unused(client: &Client, issued: &[Issued]) {
    for one in issued {
        let req = RevokeLease::new(one.folder.clone(), &one.lease.id);
        if let Err(err) = client.dynamic_secrets().revoke_lease(&req).await {
            tracing::warn!(
                lease = %one.lease.id,
                error = %with_causes(&err),
                "could not revoke a lease the load could not use; it expires at its TTL"
            );
        }
    }
}

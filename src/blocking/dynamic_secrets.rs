//! The blocking dynamic secrets handler.

use crate::resources::dynamic_secrets::{
    CreateLease, DynamicSecret, DynamicSecretFolder, Lease, NewLease, RenewLease, RevokeLease,
};

handler! {
    /// The blocking dynamic secrets handler, `client.dynamic_secrets()`: leases of short-lived
    /// credentials (a database user, AWS keys), renewed and revoked by you. The blocking form of
    /// [`crate::resources::DynamicSecrets`]; [`crate::DynamicLease`] keeps one renewed for you.
    ///
    /// ```
    /// use std::time::Duration;
    /// use infisical_config::ExposeSecret;
    /// use infisical_config::resources::dynamic_secrets::{CreateLease, DynamicSecretFolder, RenewLease, RevokeLease};
    /// # use infisical_config::testing::{DynamicSecretSpec, FakeInfisical};
    /// # let fake = FakeInfisical::builder()
    /// #     .dynamic_secret("prod", "/db", "postgres", DynamicSecretSpec::new(Duration::from_secs(3600)))
    /// #     .start_blocking();
    /// # let client = fake.blocking_client_builder().build()?;
    ///
    /// let folder = DynamicSecretFolder::new(fake.project_id(), "prod").path("/db");
    /// let created = client.dynamic_secrets().create_lease(&CreateLease::new(folder.clone(), "postgres"))?;
    /// let password = created.data.get("DB_PASSWORD").expect("a database password");
    /// # let _ = password.expose_secret();
    /// let renewed = client.dynamic_secrets().renew_lease(&RenewLease::new(folder.clone(), &created.lease.id))?;
    /// assert!(renewed.expire_at > created.lease.expire_at);
    /// client.dynamic_secrets().revoke_lease(&RevokeLease::new(folder, &created.lease.id))?;
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    struct DynamicSecrets;

    /// The dynamic secrets handler.
    ///
    /// ```
    /// use infisical_config::resources::dynamic_secrets::DynamicSecretFolder;
    /// # use infisical_config::testing::{DynamicSecretSpec, FakeInfisical};
    /// # let spec = DynamicSecretSpec::new(std::time::Duration::from_secs(3600));
    /// # let fake = FakeInfisical::builder().dynamic_secret("dev", "/", "postgres", spec).start_blocking();
    /// # let client = fake.blocking_client_builder().build()?;
    ///
    /// let found = client.dynamic_secrets().list(&DynamicSecretFolder::new(fake.project_id(), "dev"))?;
    /// assert_eq!(found.len(), 1);
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    fn dynamic_secrets;
}

blocking_methods! {
    DynamicSecrets, dynamic_secrets {
        /// The dynamic secrets of a folder. See [`crate::resources::DynamicSecrets::list`].
        ///
        /// ```
        /// use infisical_config::resources::dynamic_secrets::DynamicSecretFolder;
        /// # use infisical_config::testing::{DynamicSecretSpec, FakeInfisical};
        /// # let spec = DynamicSecretSpec::new(std::time::Duration::from_secs(3600));
        /// # let fake = FakeInfisical::builder().dynamic_secret("dev", "/", "postgres", spec).start_blocking();
        /// # let client = fake.blocking_client_builder().build()?;
        ///
        /// let found = client.dynamic_secrets().list(&DynamicSecretFolder::new(fake.project_id(), "dev"))?;
        /// assert_eq!(found[0].name, "postgres");
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        ///
        /// # Errors
        /// [`Error::NotFound`](crate::Error::NotFound) for an unknown environment or folder;
        /// [`Error::Lease`](crate::Error::Lease) for a missing permission or licence;
        /// [`Error::Api`](crate::Error::Api) for other refusals.
        fn list(&self, folder: &DynamicSecretFolder) -> Vec<DynamicSecret>;

        /// A dynamic secret by name (it needs the root-credential permissions; to lease, call
        /// [`create_lease`](Self::create_lease) instead). See [`crate::resources::DynamicSecrets::get`].
        ///
        /// ```
        /// use infisical_config::resources::dynamic_secrets::DynamicSecretFolder;
        /// # use infisical_config::testing::{DynamicSecretSpec, FakeInfisical};
        /// # let spec = DynamicSecretSpec::new(std::time::Duration::from_secs(3600));
        /// # let fake = FakeInfisical::builder().dynamic_secret("dev", "/", "postgres", spec).start_blocking();
        /// # let client = fake.blocking_client_builder().build()?;
        ///
        /// let folder = DynamicSecretFolder::new(fake.project_id(), "dev");
        /// let postgres = client.dynamic_secrets().get(&folder, "postgres")?;
        /// assert_eq!(postgres.default_ttl.as_str(), "1h");
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        ///
        /// # Errors
        /// [`LeaseError::UnknownDynamicSecret`](crate::error::LeaseError::UnknownDynamicSecret) when there is
        /// none of that name, [`LeaseError::PermissionDenied`](crate::error::LeaseError::PermissionDenied)
        /// for an identity that may only lease; as [`list`](Self::list) otherwise.
        fn get(&self, folder: &DynamicSecretFolder, name: &str) -> DynamicSecret;

        /// The leases of a dynamic secret (without credentials). See
        /// [`crate::resources::DynamicSecrets::leases`].
        ///
        /// ```
        /// use infisical_config::resources::dynamic_secrets::{CreateLease, DynamicSecretFolder};
        /// # use infisical_config::testing::{DynamicSecretSpec, FakeInfisical};
        /// # let spec = DynamicSecretSpec::new(std::time::Duration::from_secs(3600));
        /// # let fake = FakeInfisical::builder().dynamic_secret("dev", "/", "postgres", spec).start_blocking();
        /// # let client = fake.blocking_client_builder().build()?;
        ///
        /// let folder = DynamicSecretFolder::new(fake.project_id(), "dev");
        /// assert!(client.dynamic_secrets().leases(&folder, "postgres")?.is_empty());
        /// client.dynamic_secrets().create_lease(&CreateLease::new(folder.clone(), "postgres"))?;
        /// assert_eq!(client.dynamic_secrets().leases(&folder, "postgres")?.len(), 1);
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        ///
        /// # Errors
        /// As [`get`](Self::get); the permission needed is `Lease`.
        fn leases(&self, folder: &DynamicSecretFolder, name: &str) -> Vec<Lease>;

        /// Creates a lease: new credentials, in [`NewLease::data`], given this once. Never sent twice.
        /// See [`crate::resources::DynamicSecrets::create_lease`].
        ///
        /// ```
        /// use std::time::Duration;
        /// use infisical_config::resources::dynamic_secrets::{CreateLease, DynamicSecretFolder};
        /// # use infisical_config::testing::{DynamicSecretSpec, FakeInfisical};
        /// # let spec = DynamicSecretSpec::new(Duration::from_secs(3600));
        /// # let fake = FakeInfisical::builder().dynamic_secret("dev", "/", "postgres", spec).start_blocking();
        /// # let client = fake.blocking_client_builder().build()?;
        ///
        /// let folder = DynamicSecretFolder::new(fake.project_id(), "dev");
        /// let req = CreateLease::new(folder, "postgres").ttl(Duration::from_secs(15 * 60));
        /// let created = client.dynamic_secrets().create_lease(&req)?;
        /// assert_eq!(created.data.keys().collect::<Vec<_>>(), ["DB_PASSWORD", "DB_USERNAME"]);
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        ///
        /// # Errors
        /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) for a TTL under a minute (or over ten
        /// years), before sending; [`Error::Lease`](crate::Error::Lease) when the server is not licensed,
        /// the dynamic secret is unknown, the TTL is over its maximum or the permission is missing;
        /// [`Error::NotFound`](crate::Error::NotFound) for an unknown environment or folder;
        /// [`Error::Api`](crate::Error::Api) for other refusals (the provider's own, the lease limit).
        fn create_lease(&self, req: &CreateLease) -> NewLease;

        /// A lease, with its dynamic secret (without credentials). See
        /// [`crate::resources::DynamicSecrets::get_lease`].
        ///
        /// ```
        /// use infisical_config::resources::dynamic_secrets::{CreateLease, DynamicSecretFolder};
        /// # use infisical_config::testing::{DynamicSecretSpec, FakeInfisical};
        /// # let spec = DynamicSecretSpec::new(std::time::Duration::from_secs(3600));
        /// # let fake = FakeInfisical::builder().dynamic_secret("dev", "/", "postgres", spec).start_blocking();
        /// # let client = fake.blocking_client_builder().build()?;
        ///
        /// let folder = DynamicSecretFolder::new(fake.project_id(), "dev");
        /// let id = client.dynamic_secrets().create_lease(&CreateLease::new(folder.clone(), "postgres"))?.lease.id;
        /// let lease = client.dynamic_secrets().get_lease(&folder, &id)?;
        /// assert_eq!(lease.dynamic_secret.map(|d| d.name).as_deref(), Some("postgres"));
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        ///
        /// # Errors
        /// [`LeaseError::Gone`](crate::error::LeaseError::Gone) when it expired, was revoked or belongs to
        /// another folder; as [`create_lease`](Self::create_lease) otherwise.
        fn get_lease(&self, folder: &DynamicSecretFolder, lease_id: &str) -> Lease;

        /// Renews a lease: its TTL (default: the dynamic secret's default TTL) is added to the current
        /// expiry; the credentials stay. Never sent twice. See
        /// [`crate::resources::DynamicSecrets::renew_lease`].
        ///
        /// ```
        /// use std::time::Duration;
        /// use infisical_config::resources::dynamic_secrets::{CreateLease, DynamicSecretFolder, RenewLease};
        /// # use infisical_config::testing::{DynamicSecretSpec, FakeInfisical};
        /// # let spec = DynamicSecretSpec::new(Duration::from_secs(3600));
        /// # let fake = FakeInfisical::builder().dynamic_secret("dev", "/", "postgres", spec).start_blocking();
        /// # let client = fake.blocking_client_builder().build()?;
        ///
        /// let folder = DynamicSecretFolder::new(fake.project_id(), "dev");
        /// let lease = client.dynamic_secrets().create_lease(&CreateLease::new(folder.clone(), "postgres"))?.lease;
        /// let renewed = client.dynamic_secrets().renew_lease(&RenewLease::new(folder, &lease.id).ttl(Duration::from_secs(600)))?;
        /// assert_eq!(renewed.expire_at, lease.expire_at + Duration::from_secs(600));
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        ///
        /// # Errors
        /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) for a TTL under a minute, before
        /// sending; [`LeaseError::RenewalPastMaxTtl`](crate::error::LeaseError::RenewalPastMaxTtl) (the lease is
        /// unchanged), [`LeaseError::Gone`](crate::error::LeaseError::Gone); as
        /// [`create_lease`](Self::create_lease) otherwise.
        fn renew_lease(&self, req: &RenewLease) -> Lease;

        /// Revokes a lease: the provider removes the credentials, the server forgets the lease. See
        /// [`crate::resources::DynamicSecrets::revoke_lease`].
        ///
        /// ```
        /// use infisical_config::resources::dynamic_secrets::{CreateLease, DynamicSecretFolder, RevokeLease};
        /// # use infisical_config::testing::{DynamicSecretSpec, FakeInfisical};
        /// # let spec = DynamicSecretSpec::new(std::time::Duration::from_secs(3600));
        /// # let fake = FakeInfisical::builder().dynamic_secret("dev", "/", "postgres", spec).start_blocking();
        /// # let client = fake.blocking_client_builder().build()?;
        ///
        /// let folder = DynamicSecretFolder::new(fake.project_id(), "dev");
        /// let lease = client.dynamic_secrets().create_lease(&CreateLease::new(folder.clone(), "postgres"))?.lease;
        /// client.dynamic_secrets().revoke_lease(&RevokeLease::new(folder.clone(), &lease.id))?;
        /// assert!(client.dynamic_secrets().get_lease(&folder, &lease.id).unwrap_err().is_not_found());
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        ///
        /// # Errors
        /// [`LeaseError::RevokeFailed`](crate::error::LeaseError::RevokeFailed) when the provider could not
        /// remove the credentials (retry, or [`force`](RevokeLease::force));
        /// [`LeaseError::Gone`](crate::error::LeaseError::Gone) when there is no such lease (any more); as
        /// [`create_lease`](Self::create_lease) otherwise.
        fn revoke_lease(&self, req: &RevokeLease) -> Lease;
    }
}

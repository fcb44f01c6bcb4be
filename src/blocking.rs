//! A blocking client for programs without an async runtime.
//!
//! [`Client`] drives the async [`crate::Client`] on a private single-threaded tokio runtime: one
//! implementation of HTTP, authentication, retries and error handling serves both. It works outside any
//! runtime, and inside one too (current-thread or multi-thread): there it runs the request on a helper
//! thread rather than nesting runtimes, which would panic.
//!
//! ```no_run
//! use infisical_config::blocking::Client;
//! use infisical_config::resources::ListSecrets;
//!
//! let client = Client::builder().universal_auth("id", "secret").build()?;
//! let list = client.secrets().list(&ListSecrets::new("project-id", "dev"))?;
//! println!("{} secrets", list.secrets.len());
//! # Ok::<(), infisical_config::Error>(())
//! ```

use std::future::Future;
use std::sync::Arc;

use tokio::runtime::{Handle, Runtime};

use crate::auth::ChainReport;
use crate::error::{Error, Result};

/// Builds a blocking [`Client`]: the async [`crate::ClientBuilder`]'s options, the same defaults, and
/// a `build` that wraps the async client in a private runtime.
///
/// ```
/// use std::time::Duration;
///
/// let client = infisical_config::blocking::Client::builder()
///     .site("https://eu.infisical.com")
///     .timeout(Duration::from_secs(10))
///     .build()?;
/// # let _ = client;
/// # Ok::<(), infisical_config::Error>(())
/// ```
#[derive(Debug, Default)]
#[must_use]
pub struct ClientBuilder(crate::ClientBuilder);

impl From<crate::ClientBuilder> for ClientBuilder {
    fn from(builder: crate::ClientBuilder) -> Self {
        ClientBuilder(builder)
    }
}

/// Each setter passes through to the async builder's, whose docs say what it does.
macro_rules! pass_through {
    ($( $name:ident ( $($arg:ident : $ty:ty),* ) ; )*) => {
        impl ClientBuilder {
            $(
                #[doc = concat!("As [`crate::ClientBuilder::", stringify!($name), "`].")]
                pub fn $name(self $(, $arg: $ty)*) -> Self {
                    ClientBuilder(self.0.$name($($arg),*))
                }
            )*
        }
    };
}

pass_through! {
    site(url: impl Into<String>);
    env_source(env: crate::EnvSource);
    universal_auth(client_id: impl Into<String>, client_secret: impl Into<secrecy::SecretString>);
    access_token(token: impl Into<secrecy::SecretString>);
    credentials(credentials: crate::auth::Credentials);
    env_credentials(enabled: bool);
    cli_login(enabled: bool);
    cli_keyring(reader: impl crate::auth::KeyringReader + 'static);
    credentials_provider(
        position: crate::auth::ChainPosition,
        name: impl Into<std::borrow::Cow<'static, str>>,
        provider: impl crate::auth::ProvideCredentials + 'static
    );
    credentials_chain(chain: crate::auth::CredentialsChain);
    connect_timeout(timeout: std::time::Duration);
    timeout(timeout: std::time::Duration);
    attempt_timeout(timeout: std::time::Duration);
    retry(policy: crate::RetryPolicy);
    request_budget(budget: crate::RequestBudget);
    header(name: impl Into<String>, value: impl Into<String>);
    ca_certificate_pem(pem: impl Into<Vec<u8>>);
    ca_certificate_file(path: impl Into<std::path::PathBuf>);
    danger_accept_invalid_certs(accept: bool);
    follow_redirects(follow: bool);
    max_response_bytes(bytes: usize);
    user_agent_suffix(suffix: impl Into<String>);
    refresh_ahead(ahead: std::time::Duration);
    renew_tokens(renew: bool);
    api_version(version: crate::resources::ApiVersion);
}

impl ClientBuilder {
    /// Builds the blocking client. No network access happens here.
    ///
    /// # Errors
    /// As [`crate::ClientBuilder::build`], and [`Error::Local`] if its runtime cannot start.
    pub fn build(self) -> Result<Client> {
        Client::wrap(self.0.build()?)
    }
}

/// A blocking Infisical client. Cloning is cheap; clones share the connection pool, the token and the
/// runtime, which stops when the last clone is dropped.
#[derive(Clone, Debug)]
pub struct Client {
    pub(crate) inner: crate::Client,
    bridge: Arc<Bridge>,
}

impl Client {
    /// A builder.
    ///
    /// ```
    /// let client = infisical_config::blocking::Client::builder().site("https://eu.infisical.com").build()?;
    /// # let _ = client;
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured entirely from the environment and the default credential chain.
    ///
    /// # Errors
    /// As [`crate::ClientBuilder::build`].
    pub fn from_env() -> Result<Client> {
        Self::builder().build()
    }

    /// Wraps an async client: both share the token and connection pool.
    ///
    /// # Errors
    /// [`Error::Local`] when the runtime cannot start.
    pub fn wrap(inner: crate::Client) -> Result<Client> {
        Ok(Client { inner, bridge: Arc::new(Bridge::new()?) })
    }

    /// The async client underneath.
    #[must_use]
    pub fn as_async(&self) -> &crate::Client {
        &self.inner
    }

    /// The Infisical site this client talks to.
    #[must_use]
    pub fn site(&self) -> &reqwest::Url {
        self.inner.site()
    }

    /// Authenticates now. See [`crate::Client::authenticate`].
    ///
    /// # Errors
    /// [`Error::Credentials`] when no usable credentials are found or the server refuses them.
    pub fn authenticate(&self) -> Result<()> {
        self.run(self.inner.authenticate())
    }

    /// Which credential provider answers, and why the others pass. See [`crate::Client::explain_credentials`].
    pub fn explain_credentials(&self) -> ChainReport {
        self.run(self.inner.explain_credentials())
    }

    /// Revokes the token this client logged in for. See [`crate::Client::revoke_token`].
    ///
    /// # Errors
    /// When the server refuses or cannot be reached.
    pub fn revoke_token(&self) -> Result<bool> {
        self.run(self.inner.revoke_token())
    }

    /// Runs a future of the async client to completion.
    pub(crate) fn run<F>(&self, fut: F) -> F::Output
    where
        F: Future + Send,
        F::Output: Send,
    {
        self.bridge.run(fut)
    }
}

/// A private current-thread runtime.
#[derive(Debug)]
struct Bridge {
    rt: Option<Runtime>,
}

impl Bridge {
    fn new() -> Result<Self> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .thread_name("infisical-config-blocking")
            .build()
            .map_err(|e| Error::Local { what: "could not start the blocking client's runtime", source: Box::new(e) })?;
        Ok(Bridge { rt: Some(rt) })
    }

    fn run<F>(&self, fut: F) -> F::Output
    where
        F: Future + Send,
        F::Output: Send,
    {
        let rt = self.rt.as_ref().expect("the runtime lives until the bridge is dropped");
        // On the heap: a load's future is several KiB, and `block_on` moves it down a few frames,
        // each copy touching fresh stack pages (a page fault each, at start-up).
        let fut = Box::pin(fut);
        if Handle::try_current().is_ok() {
            // Inside a runtime `block_on` would panic; a scoped thread may block freely.
            std::thread::scope(|s| s.spawn(|| rt.block_on(fut)).join())
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        } else {
            rt.block_on(fut)
        }
    }
}

impl Drop for Bridge {
    fn drop(&mut self) {
        if let Some(rt) = self.rt.take() {
            if Handle::try_current().is_ok() {
                // Dropping a runtime inside another panics; let it wind down in the background.
                rt.shutdown_background();
            } else {
                // Joins the runtime's threads, so none outlives the client (the env loader relies on it).
                drop(rt);
            }
        }
    }
}

/// Generates a blocking handler whose methods run the async handler's on the client's runtime.
macro_rules! blocking_handler {
    ($(#[$doc:meta])* $name:ident, $getter:ident, $async_ty:ty {
        $( $(#[$attr:meta])* fn $method:ident(&self $(, $arg:ident : $ty:ty)*) -> $ret:ty; )*
    }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug)]
        pub struct $name<'c> {
            client: &'c Client,
        }

        impl Client {
            #[doc = concat!("The blocking form of [`", stringify!($async_ty), "`].")]
            #[must_use]
            pub fn $getter(&self) -> $name<'_> {
                $name { client: self }
            }
        }

        impl $name<'_> {
            $(
                $(#[$attr])*
                #[doc = concat!("Blocking form of [`", stringify!($async_ty), "::", stringify!($method), "`].")]
                ///
                /// # Errors
                /// As the async method.
                pub fn $method(&self $(, $arg: $ty)*) -> Result<$ret> {
                    #[allow(deprecated)]
                    self.client.run(self.client.inner.$getter().$method($($arg),*))
                }
            )*
        }
    };
}

use crate::resources::certificates::{
    CertificateBody, CertificateBundle, CertificateInfo, CertificatePage, IssueCertificate, IssueResult,
    IssuedCertificate, LegacyIssue, ListCertificates, RevocationReason, Revoked,
};
use crate::resources::dynamic_secrets::{
    CreateLease, DynamicSecret, DynamicSecretFolder, Lease, NewLease, RenewLease, RevokeLease,
};
use crate::resources::folders::{CreateFolder, DeleteFolder, Folder, ListFolders, UpdateFolder};
use crate::resources::imports::{ImportChange, ImportTarget, SecretImport};
use crate::resources::kms::{KeyChange, KmsKey};
use crate::resources::projects::Project;
use crate::resources::secrets::{
    Batch, CreateSecret, DeleteSecret, GetSecret, ListSecrets, Secret, SecretList, SecretPath, UpdateSecret,
};
use crate::resources::{Conditional, Outcome, ProjectRef};
use secrecy::SecretString;

blocking_handler! {
    /// The blocking secrets handler: `client.secrets()`.
    Secrets, secrets, crate::resources::Secrets {
        fn list(&self, req: &ListSecrets) -> SecretList;
        fn list_if_modified(&self, req: &ListSecrets, etag: &str) -> Conditional<SecretList>;
        fn list_values(&self, req: &ListSecrets) -> std::collections::BTreeMap<SecretPath, SecretString>;
        fn get(&self, req: &GetSecret) -> Secret;
        fn create(&self, req: &CreateSecret) -> Outcome<Secret>;
        fn update(&self, req: &UpdateSecret) -> Outcome<Secret>;
        fn delete(&self, req: &DeleteSecret) -> Outcome<Secret>;
        fn create_many(&self, batch: &Batch) -> Outcome<Vec<Secret>>;
        fn update_many(&self, batch: &Batch) -> Outcome<Vec<Secret>>;
        fn delete_many(&self, batch: &Batch) -> Outcome<Vec<Secret>>;
    }
}

blocking_handler! {
    /// The blocking folders handler: `client.folders()`.
    Folders, folders, crate::resources::Folders {
        fn list(&self, req: &ListFolders) -> Vec<Folder>;
        fn get(&self, id: &str) -> Folder;
        fn create(&self, req: &CreateFolder) -> Folder;
        fn update(&self, req: &UpdateFolder) -> Folder;
        fn delete(&self, req: &DeleteFolder) -> Outcome<Folder>;
    }
}

blocking_handler! {
    /// The blocking secret imports handler: `client.imports()`.
    Imports, imports, crate::resources::Imports {
        fn list(&self, target: &ImportTarget) -> Vec<SecretImport>;
        fn secrets(&self, target: &ImportTarget) -> Vec<crate::resources::secrets::ImportedSecrets>;
        fn get(&self, id: &str) -> SecretImport;
        fn create(&self, target: &ImportTarget, from_environment: &str, from_path: &str, replicate: bool) -> SecretImport;
        fn update(&self, target: &ImportTarget, id: &str, change: &ImportChange) -> SecretImport;
        fn delete(&self, target: &ImportTarget, id: &str) -> SecretImport;
    }
}

blocking_handler! {
    /// The blocking projects handler: `client.projects()`.
    Projects, projects, crate::resources::Projects {
        fn get_by_slug(&self, slug: &str) -> Project;
        fn get_by_id(&self, id: &str) -> Project;
        fn get(&self, project: &ProjectRef) -> Project;
        fn list(&self) -> Vec<Project>;
    }
}

blocking_handler! {
    /// The blocking certificates handler: `client.certificates()`.
    Certificates, certificates, crate::resources::Certificates {
        fn get(&self, id: &str) -> CertificateInfo;
        fn body(&self, id: &str) -> CertificateBody;
        fn bundle(&self, id: &str) -> CertificateBundle;
        fn private_key(&self, id: &str) -> secrecy::SecretString;
        fn issue(&self, req: &IssueCertificate) -> IssueResult;
        fn revoke(&self, id: &str, reason: RevocationReason) -> Revoked;
        fn delete(&self, id: &str) -> CertificateInfo;
        fn list(&self, req: &ListCertificates) -> CertificatePage;
        #[deprecated(note = "legacy /api/v1/pki route; use `get` with the certificate id")]
        fn get_by_serial(&self, serial: &str) -> CertificateInfo;
        #[deprecated(note = "legacy /api/v1/pki route; use `body` with the certificate id")]
        fn body_by_serial(&self, serial: &str) -> CertificateBody;
        #[deprecated(note = "legacy /api/v1/pki route; use `bundle` with the certificate id")]
        fn bundle_by_serial(&self, serial: &str) -> CertificateBundle;
        #[deprecated(note = "legacy /api/v1/pki route; use `private_key` with the certificate id")]
        fn private_key_by_serial(&self, serial: &str) -> secrecy::SecretString;
        #[deprecated(note = "legacy /api/v1/pki route; use `revoke` with the certificate id")]
        fn revoke_by_serial(&self, serial: &str, reason: RevocationReason) -> Revoked;
        #[deprecated(note = "legacy /api/v1/pki route; use `delete` with the certificate id")]
        fn delete_by_serial(&self, serial: &str) -> CertificateInfo;
        #[deprecated(note = "legacy /api/v1/pki route; use `issue` with a certificate profile")]
        fn issue_legacy(&self, req: &LegacyIssue) -> IssuedCertificate;
        #[deprecated(note = "legacy /api/v1/pki route; use `issue` with a CSR")]
        fn sign_legacy(&self, req: &LegacyIssue) -> IssuedCertificate;
        #[deprecated(note = "legacy /api/v1/pki route; use `issue` with a certificate profile")]
        fn issue_from_ca(&self, ca_id: &str, req: &LegacyIssue) -> IssuedCertificate;
    }
}

blocking_handler! {
    /// The blocking KMS handler: `client.kms()`.
    Kms, kms, crate::resources::Kms {
        fn encrypt(&self, key_id: &str, plaintext: &[u8]) -> String;
        fn decrypt(&self, key_id: &str, ciphertext: &str) -> secrecy::SecretSlice<u8>;
        fn create_key(&self, project: ProjectRef, name: &str, description: Option<&str>, algorithm: Option<&str>) -> KmsKey;
        fn list_keys(&self, project: ProjectRef) -> Vec<KmsKey>;
        fn update_key(&self, key_id: &str, change: &KeyChange) -> KmsKey;
        fn delete_key(&self, key_id: &str) -> KmsKey;
    }
}

blocking_handler! {
    /// The blocking dynamic secrets handler: `client.dynamic_secrets()`.
    ///
    /// ```
    /// use std::time::Duration;
    /// use infisical_config::resources::dynamic_secrets::{CreateLease, DynamicSecretFolder, RevokeLease};
    /// use infisical_config::testing::{DynamicSecretSpec, FakeInfisical};
    ///
    /// let fake = FakeInfisical::builder()
    ///     .dynamic_secret("dev", "/", "postgres", DynamicSecretSpec::new(Duration::from_secs(3600)))
    ///     .start_blocking();
    /// let client = fake.blocking_client_builder().build()?;
    /// let folder = DynamicSecretFolder::new(fake.project_id(), "dev");
    /// let created = client.dynamic_secrets().create_lease(&CreateLease::new(folder.clone(), "postgres"))?;
    /// client.dynamic_secrets().revoke_lease(&RevokeLease::new(folder, &created.lease.id))?;
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    DynamicSecrets, dynamic_secrets, crate::resources::DynamicSecrets {
        fn list(&self, folder: &DynamicSecretFolder) -> Vec<DynamicSecret>;
        fn get(&self, folder: &DynamicSecretFolder, name: &str) -> DynamicSecret;
        fn leases(&self, folder: &DynamicSecretFolder, name: &str) -> Vec<Lease>;
        fn create_lease(&self, req: &CreateLease) -> NewLease;
        fn get_lease(&self, folder: &DynamicSecretFolder, lease_id: &str) -> Lease;
        fn renew_lease(&self, req: &RenewLease) -> Lease;
        fn revoke_lease(&self, req: &RevokeLease) -> Lease;
    }
}

//! Secrets: list, get, create, update, delete, and the batch forms.
//!
//! Current servers: `/api/v4/secrets` (`projectId`, `includeImports`). Servers of 2024 and older:
//! `/api/v3/secrets/raw` (`workspaceId`/`workspaceSlug`, `include_imports`). The client picks (see
//! [`ApiVersion`](super::ApiVersion)); the models are the same.

mod batch;
mod fields;
mod get;
mod lazy;
mod model;
pub(crate) mod precedence;
mod requests;
pub(crate) mod values;
mod writes;

pub use batch::{Batch, BatchMode, BatchSecret};
pub use get::GetSecret;
pub use model::{ImportedSecrets, Secret, SecretList, SecretMetadata, SecretPath, SecretType, Tag};
pub use requests::ListSecrets;
pub(crate) use requests::missing_target;
pub use writes::{CreateSecret, DeleteSecret, UpdateSecret};

use crate::Client;

/// The secrets handler, `client.secrets()`: list a folder, get one secret, create, update and delete
/// one ([`create`](Self::create)) or many at once ([`create_many`](Self::create_many)).
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// # let fake = infisical_config::testing::FakeInfisical::builder().secret("dev", "/", "APP_NAME", "shop").secret("dev", "/db", "DB_URL", "postgres://db").start().await;
/// # let client = fake.client_builder().build()?;
/// use infisical_config::resources::secrets::{GetSecret, ListSecrets};
/// use infisical_config::ExposeSecret;
///
/// let secrets = client.secrets();
/// let all = secrets.list(&ListSecrets::new(fake.project_id(), "dev").recursive(true)).await?;
/// assert_eq!(all.secrets.len(), 2);
/// let one = secrets.get(&GetSecret::new(fake.project_id(), "dev", "DB_URL").path("/db")).await?;
/// let url: &str = one.value.expose_secret();
/// assert!(url.starts_with("postgres://"));
/// # Ok::<(), infisical_config::Error>(()) }).unwrap();
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Secrets<'c> {
    pub(super) client: &'c Client,
}

impl Client {
    /// The secrets handler.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # let fake = infisical_config::testing::FakeInfisical::builder().secret("dev", "/", "API_KEY", "k").start().await;
    /// # let client = fake.client_builder().build()?;
    /// use infisical_config::resources::ListSecrets;
    ///
    /// let list = client.secrets().list(&ListSecrets::new(fake.project_id(), "dev")).await?;
    /// assert_eq!(list.secrets[0].key, "API_KEY");
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    #[must_use]
    pub fn secrets(&self) -> Secrets<'_> {
        Secrets { client: self }
    }
}

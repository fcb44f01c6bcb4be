//! Secrets: list, get, create, update, delete, and the batch forms.
//!
//! Current servers: `/api/v4/secrets` (`projectId`, `includeImports`). Servers of 2024 and older:
//! `/api/v3/secrets/raw` (`workspaceId`/`workspaceSlug`, `include_imports`). The client picks (see
//! [`ApiVersion`](super::ApiVersion)); the models are the same.

mod batch;
mod lazy;
mod model;
pub(crate) mod precedence;
mod requests;
pub(crate) mod values;
mod writes;

pub use batch::{Batch, BatchMode, BatchSecret};
pub use model::{ImportedSecrets, Secret, SecretList, SecretMetadata, SecretPath, SecretType, Tag};
pub(crate) use requests::missing_target;
pub use requests::{GetSecret, ListSecrets};
pub use writes::{CreateSecret, DeleteSecret, UpdateSecret};

use crate::Client;

/// The secrets handler: `client.secrets()`.
///
/// ```no_run
/// # async fn run(client: infisical_config::Client) -> infisical_config::Result<()> {
/// use infisical_config::resources::secrets::{CreateSecret, GetSecret, ListSecrets};
/// use infisical_config::resources::Outcome;
/// use infisical_config::ExposeSecret;
///
/// let secrets = client.secrets();
/// let all = secrets.list(&ListSecrets::new("my-project", "dev").recursive(true)).await?;
/// let one = secrets.get(&GetSecret::new("my-project", "dev", "DB_URL").path("/db")).await?;
/// let url: &str = one.value.expose_secret();
/// match secrets.create(&CreateSecret::new("my-project", "dev", "NEW", "value")).await? {
///     Outcome::Applied(secret) => println!("created version {}", secret.version),
///     Outcome::PendingApproval(req) => println!("waiting for approval {}", req.id),
/// }
/// # let _ = (all, url); Ok(()) }
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Secrets<'c> {
    pub(super) client: &'c Client,
}

impl Client {
    /// The secrets handler.
    #[must_use]
    pub fn secrets(&self) -> Secrets<'_> {
        Secrets { client: self }
    }
}

//! Every path and query name the crate sends, per API generation: the one place that knows how
//! current servers and servers of 2024 differ.
//!
//! Current servers serve secrets at `/api/v4/secrets`, folders and imports at `/api/v2`, name the
//! project `projectId` and flags in camel case. Servers of 2024 (still run by many self-hosted users)
//! serve only `/api/v3/secrets/raw` and `/api/v1` folders and imports, name the project `workspaceId`
//! (or `workspaceSlug`), and want `include_imports` in snake case. Which one a server speaks is found
//! once per client ([`choice`]); handlers ask the table and never branch on it.

mod choice;

pub use choice::ApiVersion;
pub(crate) use choice::RouteChoice;

/// The routes and names of one API generation.
#[derive(Debug)]
pub(crate) struct Routes {
    /// Which generation this is (for logs, and for the body's project key).
    pub(crate) generation: Generation,
    /// List, get (`/{name}`), create, update and delete one secret.
    pub(crate) secrets: &'static [&'static str],
    /// Create, update and delete many secrets.
    pub(crate) secrets_batch: &'static [&'static str],
    /// The query name of the project id, on reads.
    pub(crate) project_id: &'static str,
    /// The query name of a project slug on secret reads, when the generation takes one.
    pub(crate) project_slug: Option<&'static str>,
    /// The query name of "include imported secrets".
    pub(crate) include_imports: &'static str,
    /// An update must carry the secret's value even when only renaming (the 2024 server's quirk).
    pub(crate) update_needs_value: bool,
    /// List (`?path=`), get (`/{id}`), create, update and delete folders.
    pub(crate) folders: &'static [&'static str],
    /// Whether a folder listing can be recursive (else the client walks the tree).
    pub(crate) folders_recursive: bool,
    /// Whether a folder delete takes `forceDelete` (older servers always force).
    pub(crate) folders_force_delete: bool,
    /// List, get, create, update and delete secret imports.
    pub(crate) imports: &'static [&'static str],
    /// The secrets a folder imports.
    pub(crate) import_secrets: &'static [&'static str],
    /// A project by id (`/{id}`), and the project list.
    pub(crate) projects: &'static [&'static str],
    /// Query pairs the project list takes (current servers add every member's roles unless told not to).
    pub(crate) project_list_query: &'static [(&'static str, &'static str)],
    /// A project by slug (`/{slug}`).
    pub(crate) project_by_slug: &'static [&'static str],
    /// Whether certificates are listed under the project's slug (else its id), below the project routes.
    pub(crate) certificates_by_slug: bool,
}

/// An API generation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Generation {
    /// Current servers: secrets v4, folders and imports v2.
    Current,
    /// Servers of 2024 and older: secrets v3 raw, folders and imports v1.
    Legacy,
}

impl Generation {
    pub(crate) fn routes(self) -> &'static Routes {
        match self {
            Generation::Current => &CURRENT,
            Generation::Legacy => &LEGACY,
        }
    }
}

pub(crate) static CURRENT: Routes = Routes {
    generation: Generation::Current,
    secrets: &["v4", "secrets"],
    secrets_batch: &["v4", "secrets", "batch"],
    project_id: "projectId",
    project_slug: None,
    include_imports: "includeImports",
    update_needs_value: false,
    folders: &["v2", "folders"],
    folders_recursive: true,
    folders_force_delete: true,
    imports: &["v2", "secret-imports"],
    import_secrets: &["v2", "secret-imports", "secrets"],
    projects: &["v1", "projects"],
    project_list_query: &[("includeRoles", "false")],
    project_by_slug: &["v1", "projects", "slug"],
    certificates_by_slug: false,
};

pub(crate) static LEGACY: Routes = Routes {
    generation: Generation::Legacy,
    secrets: &["v3", "secrets", "raw"],
    secrets_batch: &["v3", "secrets", "batch", "raw"],
    project_id: "workspaceId",
    project_slug: Some("workspaceSlug"),
    include_imports: "include_imports",
    update_needs_value: true,
    folders: &["v1", "folders"],
    folders_recursive: false,
    folders_force_delete: false,
    imports: &["v1", "secret-imports"],
    import_secrets: &["v1", "secret-imports", "secrets", "raw"],
    projects: &["v1", "workspace"],
    project_list_query: &[],
    project_by_slug: &["v2", "workspace"],
    certificates_by_slug: true,
};

/// Routes every generation shares.
pub(crate) const UNIVERSAL_AUTH_LOGIN: &[&str] = &["v1", "auth", "universal-auth", "login"];
pub(crate) const KUBERNETES_AUTH_LOGIN: &[&str] = &["v1", "auth", "kubernetes-auth", "login"];
pub(crate) const OIDC_AUTH_LOGIN: &[&str] = &["v1", "auth", "oidc-auth", "login"];
pub(crate) const JWT_AUTH_LOGIN: &[&str] = &["v1", "auth", "jwt-auth", "login"];
pub(crate) const LDAP_AUTH_LOGIN: &[&str] = &["v1", "auth", "ldap-auth", "login"];
#[cfg(feature = "aws")]
pub(crate) const AWS_AUTH_LOGIN: &[&str] = &["v1", "auth", "aws-auth", "login"];
#[cfg(feature = "gcp")]
pub(crate) const GCP_AUTH_LOGIN: &[&str] = &["v1", "auth", "gcp-auth", "login"];
pub(crate) const AZURE_AUTH_LOGIN: &[&str] = &["v1", "auth", "azure-auth", "login"];
pub(crate) const TOKEN_RENEW: &[&str] = &["v1", "auth", "token", "renew"];
pub(crate) const TOKEN_REVOKE: &[&str] = &["v1", "auth", "token", "revoke"];
/// KMS keys (`/{id}`, `/{id}/encrypt`, `/{id}/decrypt`), the same on every generation.
pub(crate) const KMS_KEYS: &[&str] = &["v1", "kms", "keys"];
/// Certificates by id (cert-manager) and by serial number (the deprecated PKI routes).
pub(crate) const CERTIFICATES: &[&str] = &["v1", "cert-manager", "certificates"];
pub(crate) const PKI_CERTIFICATES: &[&str] = &["v1", "pki", "certificates"];
/// Event subscriptions: a server-sent-events stream of a project's secret changes (servers since about
/// July 2025; Enterprise licence). Older servers answer fastify's "Route POST:… not found".
#[cfg(feature = "push")]
pub(crate) const EVENTS_SUBSCRIBE: &[&str] = &["v1", "events", "subscribe", "project-events"];
/// A CA's issue and sign actions (`/{ca}/issue-certificate`), deprecated PKI routes.
pub(crate) const PKI_CA: &[&str] = &["v1", "pki", "ca"];
/// Dynamic secrets (`/{name}`, `/{name}/leases`), by project slug, environment slug and path on every
/// generation.
pub(crate) const DYNAMIC_SECRETS: &[&str] = &["v1", "dynamic-secrets"];
/// Their leases: create (`POST`, and `/kubernetes` since 2025), get, revoke (`/{id}`), renew
/// (`/{id}/renew`).
pub(crate) const DYNAMIC_SECRET_LEASES: &[&str] = &["v1", "dynamic-secrets", "leases"];

//! Credentials from environment variables.

use super::{BoxFuture, Credentials, CredentialsError, IdentityLogin, JwtSource, ProvideCredentials, UniversalAuth};
use crate::EnvSource;

const CLIENT_ID: &[&str] = &["INFISICAL_CLIENT_ID", "INFISICAL_UNIVERSAL_AUTH_CLIENT_ID"];
const CLIENT_SECRET: &[&str] = &["INFISICAL_CLIENT_SECRET", "INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET"];
const TOKEN: &[&str] = &["INFISICAL_TOKEN", "INFISICAL_UNIVERSAL_AUTH_ACCESS_TOKEN", "INFISICAL_ACCESS_TOKEN"];
const ORGANIZATION: &str = "INFISICAL_AUTH_ORGANIZATION_SLUG";
const METHOD: &str = "INFISICAL_AUTH_METHOD";
const IDENTITY: &str = "INFISICAL_MACHINE_IDENTITY_ID";
const KUBERNETES_ID: &[&str] = &["INFISICAL_KUBERNETES_IDENTITY_ID", IDENTITY];
const KUBERNETES_TOKEN_PATH: &str = "INFISICAL_KUBERNETES_SERVICE_ACCOUNT_TOKEN_PATH";
const OIDC_ID: &[&str] = &["INFISICAL_OIDC_AUTH_IDENTITY_ID", IDENTITY];
const JWT_ID: &[&str] = &[IDENTITY];
const LDAP_ID: &[&str] = &["INFISICAL_LDAP_AUTH_IDENTITY_ID", IDENTITY];
const AWS_ID: &[&str] = &["INFISICAL_AWS_IAM_AUTH_IDENTITY_ID", IDENTITY];
const GCP_ID: &[&str] = &["INFISICAL_GCP_AUTH_IDENTITY_ID", IDENTITY];
const GCP_KEY_FILE: &str = "INFISICAL_GCP_IAM_SERVICE_ACCOUNT_KEY_FILE_PATH";
const AZURE_ID: &[&str] = &["INFISICAL_AZURE_AUTH_IDENTITY_ID", IDENTITY];
const AZURE_CLIENT_ID: &str = "INFISICAL_AZURE_AUTH_CLIENT_ID";
const JWT: &[&str] = &["INFISICAL_JWT", "INFISICAL_OIDC_AUTH_JWT"];
/// This crate's own: a file holding the OIDC or JWT login's token, read at every login (CI systems
/// rotate theirs).
const JWT_FILE: &str = "INFISICAL_JWT_FILE";
const LDAP_USERNAME: &str = "INFISICAL_LDAP_USERNAME";
const LDAP_PASSWORD: &str = "INFISICAL_LDAP_PASSWORD";
const NAME: &str = "environment";
/// The `INFISICAL_AUTH_METHOD` values (the CLI's `--method` names) this crate logs in with.
const METHODS: &[&str] = &[
    "universal-auth",
    "access-token",
    "kubernetes",
    "aws-iam",
    "gcp-id-token",
    "gcp-iam",
    "azure",
    "oidc-auth",
    "jwt-auth",
    "ldap-auth",
];

/// Credentials from environment variables.
///
/// | variables | credentials |
/// |---|---|
/// | `INFISICAL_CLIENT_ID` + `INFISICAL_CLIENT_SECRET` (or `INFISICAL_UNIVERSAL_AUTH_CLIENT_ID` + `_SECRET`) | Universal Auth; `INFISICAL_AUTH_ORGANIZATION_SLUG` scopes it |
/// | `INFISICAL_TOKEN`, `INFISICAL_UNIVERSAL_AUTH_ACCESS_TOKEN` or `INFISICAL_ACCESS_TOKEN` | an access token (token auth) |
/// | `INFISICAL_KUBERNETES_IDENTITY_ID` (or `INFISICAL_MACHINE_IDENTITY_ID` with the method named), `INFISICAL_KUBERNETES_SERVICE_ACCOUNT_TOKEN_PATH` | Kubernetes auth, the token file read at every login |
/// | `INFISICAL_LDAP_USERNAME` + `INFISICAL_LDAP_PASSWORD`, `INFISICAL_LDAP_AUTH_IDENTITY_ID` (or `INFISICAL_MACHINE_IDENTITY_ID`) | LDAP auth |
/// | `INFISICAL_AWS_IAM_AUTH_IDENTITY_ID`; AWS's own `AWS_REGION`, `AWS_ACCESS_KEY_ID`, ... | AWS IAM auth (feature `aws`) |
/// | `INFISICAL_GCP_AUTH_IDENTITY_ID`, with `INFISICAL_GCP_IAM_SERVICE_ACCOUNT_KEY_FILE_PATH` for IAM; `GCE_METADATA_HOST` | GCP ID-token auth, or GCP IAM auth with the key file (feature `gcp`) |
/// | `INFISICAL_AZURE_AUTH_IDENTITY_ID`, `INFISICAL_AZURE_AUTH_CLIENT_ID` for a user-assigned identity; App Service's `IDENTITY_ENDPOINT` + `IDENTITY_HEADER` | Azure auth |
/// | `INFISICAL_JWT` (or the deprecated `INFISICAL_OIDC_AUTH_JWT`), or `INFISICAL_JWT_FILE` (read at every login), + `INFISICAL_OIDC_AUTH_IDENTITY_ID` | OIDC auth |
/// | `INFISICAL_AUTH_METHOD` | chooses the method by the CLI's name (`universal-auth`, `access-token`, `kubernetes`, `aws-iam`, `gcp-id-token`, `gcp-iam`, `azure`, `oidc-auth`, `jwt-auth`, `ldap-auth`), each taking its identity from its own variable or `INFISICAL_MACHINE_IDENTITY_ID`; JWT auth needs it (`jwt-auth` + `INFISICAL_MACHINE_IDENTITY_ID` + `INFISICAL_JWT`), since OIDC and JWT logins take the same variables |
///
/// A cloud method is chosen only where its cloud answers: its metadata endpoint is asked then (with a
/// one-second connection timeout), and when nothing answers this provider passes, saying so, and the
/// chain moves on.
///
/// Without `INFISICAL_AUTH_METHOD`, the variables set choose: a client id and secret win over a token
/// (the rule before the other methods), and any other two logins set at once are an error asking for
/// the selector. Half a pair, or a method named with a piece missing, is an error that stops the chain
/// (it is a mistake, not an absence); no variable at all passes to the next provider. `INFISICAL_AUTH_ORGANIZATION_SLUG`
/// scopes any login to a sub-organization.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// use infisical_config::auth::{Credentials, EnvCredentials, ProvideCredentials};
/// use infisical_config::EnvSource;
///
/// let env = EnvSource::from_pairs([("INFISICAL_CLIENT_ID", "id"), ("INFISICAL_CLIENT_SECRET", "secret")]);
/// let creds = EnvCredentials::new(env).provide_credentials().await.unwrap();
/// assert!(matches!(creds, Credentials::UniversalAuth(ua) if ua.client_id() == "id"));
/// # });
/// ```
#[derive(Debug, Clone)]
pub struct EnvCredentials {
    env: EnvSource,
}

impl EnvCredentials {
    /// Reads this environment: [`EnvSource::process`] for the real one, or fixed pairs.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// use infisical_config::auth::{EnvCredentials, ProvideCredentials};
    /// use infisical_config::EnvSource;
    ///
    /// let env = EnvSource::from_pairs([("INFISICAL_AUTH_METHOD", "kubernetes"), ("INFISICAL_MACHINE_IDENTITY_ID", "2b3c")]);
    /// let creds = EnvCredentials::new(env).provide_credentials().await?;
    /// assert_eq!(creds.describe(), "kubernetes auth (identity 2b3c)");
    ///
    /// let both = EnvSource::from_pairs([("INFISICAL_KUBERNETES_IDENTITY_ID", "2b3c"), ("INFISICAL_LDAP_USERNAME", "svc")]);
    /// let err = EnvCredentials::new(both).provide_credentials().await.unwrap_err();
    /// println!("{err}"); // names both logins and asks for INFISICAL_AUTH_METHOD
    /// # Ok::<(), infisical_config::auth::CredentialsError>(()) }).unwrap();
    /// ```
    #[must_use]
    pub fn new(env: EnvSource) -> Self {
        EnvCredentials { env }
    }

    fn find(&self) -> Result<Credentials, CredentialsError> {
        if let Some(method) = self.env.non_empty(METHOD) {
            // The CLI's names (`aws-iam`); the Go SDK's (`AWS_IAM`) are the same words.
            return self.selected(&method.trim().to_ascii_lowercase().replace('_', "-"));
        }
        // Platform identities found by their own variables; with a client id and secret or a token
        // too, or with each other, the environment is ambiguous: the selector must say.
        let mut platform: Vec<(&str, &str)> = Vec::new();
        if self.env.non_empty(KUBERNETES_ID[0]).is_some() {
            platform.push(("kubernetes", KUBERNETES_ID[0]));
        }
        if self.env.non_empty(AWS_ID[0]).is_some() {
            platform.push(("aws-iam", AWS_ID[0]));
        }
        if self.env.non_empty(GCP_ID[0]).is_some() {
            let kind = if self.env.non_empty(GCP_KEY_FILE).is_some() { "gcp-iam" } else { "gcp-id-token" };
            platform.push((kind, GCP_ID[0]));
        }
        if self.env.non_empty(AZURE_ID[0]).is_some() {
            platform.push(("azure", AZURE_ID[0]));
        }
        if self.env.non_empty(LDAP_USERNAME).is_some() {
            platform.push(("ldap-auth", LDAP_USERNAME));
        }
        if let Some((jwt, _)) = self.env.first_of(JWT) {
            platform.push(("oidc-auth", jwt));
        } else if self.env.non_empty(JWT_FILE).is_some() {
            platform.push(("oidc-auth", JWT_FILE));
        }
        let universal = self.universal_auth()?;
        let token = self.env.first_of(TOKEN);
        let explicit = universal.as_ref().map(|_| CLIENT_ID[0]).or(token.as_ref().map(|(name, _)| *name));
        if platform.len() + usize::from(explicit.is_some()) > 1 {
            let set: Vec<&str> = explicit.into_iter().chain(platform.iter().map(|(_, var)| *var)).collect();
            return Err(CredentialsError::invalid(
                NAME,
                format!("{} are set for different logins: choose one with {METHOD}", set.join(", ")),
            ));
        }
        // A client id and secret win over a token (as before the other methods).
        if let Some(found) = universal {
            return Ok(found);
        }
        if let Some((_, token)) = token {
            return Ok(Credentials::access_token(token.trim().to_owned()));
        }
        if let Some((method, var)) = platform.first() {
            // OIDC and JWT auth both take an identity and a JWT: only a method-specific id decides.
            if *method == "oidc-auth" && self.env.non_empty(OIDC_ID[0]).is_none() {
                return Err(CredentialsError::invalid(
                    NAME,
                    format!("{var} is set: say which login it is for with {METHOD}=oidc-auth or {METHOD}=jwt-auth"),
                ));
            }
            return self.selected(method);
        }
        Err(CredentialsError::not_found(
            NAME,
            format!(
                "none of {}, {}, {}, {}, {}, {}, {}, {}, {JWT_FILE} is set",
                CLIENT_ID.join(", "),
                TOKEN.join(", "),
                KUBERNETES_ID[0],
                AWS_ID[0],
                GCP_ID[0],
                AZURE_ID[0],
                LDAP_USERNAME,
                JWT.join(", ")
            ),
        ))
    }

    /// A Universal Auth pair, when one is set; half a pair is a mistake.
    fn universal_auth(&self) -> Result<Option<Credentials>, CredentialsError> {
        match (self.env.first_of(CLIENT_ID), self.env.first_of(CLIENT_SECRET)) {
            (Some((_, id)), Some((_, secret))) => {
                let mut ua = UniversalAuth::new(id.trim(), secret.trim().to_owned());
                if let Some(org) = self.env.non_empty(ORGANIZATION) {
                    ua = ua.organization_slug(org.trim());
                }
                Ok(Some(Credentials::UniversalAuth(ua)))
            }
            (Some((set, _)), None) => Err(CredentialsError::invalid(
                NAME,
                format!("{set} is set but no client secret is ({} are empty or unset)", CLIENT_SECRET.join(", ")),
            )),
            (None, Some((set, _))) => Err(CredentialsError::invalid(
                NAME,
                format!("{set} is set but no client id is ({} are empty or unset)", CLIENT_ID.join(", ")),
            )),
            (None, None) => Ok(None),
        }
    }

    /// The first of `names` that is set, or an error saying `method` needs it.
    fn need(&self, method: &str, names: &'static [&'static str]) -> Result<String, CredentialsError> {
        self.env.first_of(names).map(|(_, v)| v.trim().to_owned()).ok_or_else(|| {
            CredentialsError::invalid(NAME, format!("{method} login needs {} (empty or unset)", names.join(" or ")))
        })
    }

    /// The credentials of `method` (the CLI's `--method` names), every piece required: with the method
    /// named, a missing piece is a mistake that stops the chain.
    fn selected(&self, method: &str) -> Result<Credentials, CredentialsError> {
        let need = |names: &'static [&'static str]| self.need(method, names);
        let identity = match method {
            "universal-auth" => {
                return self.universal_auth()?.ok_or_else(|| {
                    CredentialsError::invalid(
                        NAME,
                        format!("{method} login needs {} and {}", CLIENT_ID[0], CLIENT_SECRET[0]),
                    )
                });
            }
            "access-token" | "token-auth" => return Ok(Credentials::access_token(need(TOKEN)?)),
            "kubernetes" => {
                let login = IdentityLogin::kubernetes(need(KUBERNETES_ID)?);
                match self.env.non_empty(KUBERNETES_TOKEN_PATH) {
                    Some(path) => login.token_path(path.trim()),
                    None => login,
                }
            }
            "oidc-auth" => IdentityLogin::oidc(need(OIDC_ID)?, self.jwt_source(method)?),
            "jwt-auth" => IdentityLogin::jwt(need(JWT_ID)?, self.jwt_source(method)?),
            #[cfg(feature = "aws")]
            "aws-iam" => IdentityLogin::aws_iam(need(AWS_ID)?),
            #[cfg(feature = "gcp")]
            "gcp-id-token" => IdentityLogin::gcp_id_token(need(GCP_ID)?),
            #[cfg(feature = "gcp")]
            "gcp-iam" => IdentityLogin::gcp_iam(need(GCP_ID)?, need(&[GCP_KEY_FILE])?),
            "azure" => {
                let login = IdentityLogin::azure(need(AZURE_ID)?);
                match self.env.non_empty(AZURE_CLIENT_ID) {
                    Some(client_id) => login.azure_client_id(client_id.trim()),
                    None => login,
                }
            }
            "ldap-auth" => {
                let password = need(&[LDAP_PASSWORD])?;
                IdentityLogin::ldap(need(LDAP_ID)?, need(&[LDAP_USERNAME])?, password)
            }
            #[cfg(not(feature = "aws"))]
            "aws-iam" => return Err(lacks_feature(method, "aws")),
            #[cfg(not(feature = "gcp"))]
            "gcp-id-token" | "gcp-iam" => return Err(lacks_feature(method, "gcp")),
            other => {
                return Err(CredentialsError::invalid(
                    NAME,
                    format!("{METHOD}={other} is not a login method (one of {})", METHODS.join(", ")),
                ));
            }
        };
        Ok(Credentials::Identity(match self.env.non_empty(ORGANIZATION) {
            Some(org) => identity.organization_slug(org.trim()),
            None => identity,
        }))
    }

    /// The OIDC or JWT login's token: given in `INFISICAL_JWT`, or a file read at every login.
    fn jwt_source(&self, method: &str) -> Result<JwtSource, CredentialsError> {
        if let Some((_, jwt)) = self.env.first_of(JWT) {
            return Ok(JwtSource::Given(jwt.trim().to_owned().into()));
        }
        match self.env.non_empty(JWT_FILE) {
            Some(path) => Ok(JwtSource::File(path.trim().into())),
            None => Err(CredentialsError::invalid(
                NAME,
                format!("{method} login needs {} or {JWT_FILE} (empty or unset)", JWT.join(" or ")),
            )),
        }
    }
}

#[cfg(not(all(feature = "aws", feature = "gcp")))]
fn lacks_feature(method: &str, feature: &str) -> CredentialsError {
    CredentialsError::invalid(
        NAME,
        format!("{method} login needs infisical-config's `{feature}` feature, which this build lacks"),
    )
}

impl ProvideCredentials for EnvCredentials {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(async move {
            let credentials = self.find()?;
            // A cloud login is chosen only where its cloud answers: the same environment may run on a
            // laptop, where the chain should move on (to the CLI's login, say).
            if let Credentials::Identity(login) = &credentials
                && login.on_cloud()
            {
                login.prepare(&self.env).await.map_err(|e| match e {
                    CredentialsError::NotFound { .. } => {
                        CredentialsError::not_found(NAME, format!("{} login is configured, but {e}", login.method()))
                    }
                    other => other,
                })?;
            }
            Ok(credentials)
        })
    }
}

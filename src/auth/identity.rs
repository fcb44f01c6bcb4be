//! Machine identities that log in with what their platform gives them: a Kubernetes service-account
//! token, an OIDC or other JWT from a CI system, an LDAP user, or a cloud's proof of who the machine is
//! (AWS IAM, GCP, Azure). Each logs in at its own route with `{identityId, ...}` and then renews and
//! logs in again through the token cache like Universal Auth.

use std::fmt;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;

use super::CredentialsError;
use super::cloud;
use crate::EnvSource;
use crate::error::{Error, Result};
use crate::transport::ApiRequest;

/// How long a login request made while the chain looked for credentials stays good for the first
/// login (a signed AWS request is accepted for 15 minutes, cloud tokens for an hour).
const PREPARED_FOR: Duration = Duration::from_secs(60);

/// Where Kubernetes mounts a pod's service-account token.
pub const KUBERNETES_TOKEN_PATH: &str = "/var/run/secrets/kubernetes.io/serviceaccount/token";

/// Where a JWT comes from: given once, or a file read again at every login (Kubernetes and CI systems
/// rotate theirs).
///
/// ```
/// use infisical_config::auth::{IdentityLogin, JwtSource};
///
/// let rotated = JwtSource::File("/var/run/secrets/tokens/ci-oidc".into());
/// let given = JwtSource::Given("eyJhbGciOi...".into());
/// assert!(!format!("{given:?}").contains("eyJ")); // a given token is never shown
/// let login = IdentityLogin::oidc("5d6e", rotated);
/// # let _ = login;
/// ```
#[derive(Clone)]
pub enum JwtSource {
    /// This token.
    Given(SecretString),
    /// The token in this file, read at every login.
    File(PathBuf),
}

impl JwtSource {
    fn read(&self, method: &'static str) -> std::result::Result<SecretString, CredentialsError> {
        match self {
            JwtSource::Given(token) => Ok(token.clone()),
            JwtSource::File(path) => {
                let bytes = crate::local_file::read(path).map_err(|e| {
                    CredentialsError::invalid_because(method, format!("the token file {} {e}", path.display()), e)
                })?;
                let text = String::from_utf8(bytes).map_err(|_| {
                    CredentialsError::invalid(method, format!("the token file {} is not UTF-8", path.display()))
                })?;
                let token = text.trim();
                if token.is_empty() {
                    return Err(CredentialsError::invalid(
                        method,
                        format!("the token file {} is empty", path.display()),
                    ));
                }
                Ok(SecretString::from(token.to_owned()))
            }
        }
    }
}

impl fmt::Debug for JwtSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JwtSource::Given(_) => f.write_str("Given([REDACTED])"),
            JwtSource::File(path) => f.debug_tuple("File").field(path).finish(),
        }
    }
}

#[derive(Clone)]
enum Method {
    Kubernetes(PathBuf),
    Oidc(JwtSource),
    Jwt(JwtSource),
    Ldap {
        username: String,
        password: SecretString,
    },
    #[cfg(feature = "aws")]
    AwsIam(cloud::aws::AwsIam),
    #[cfg(feature = "gcp")]
    Gcp(cloud::gcp::Gcp),
    Azure(cloud::azure::Azure),
}

/// A machine identity's login by Kubernetes, AWS IAM, GCP, Azure, OIDC, JWT or LDAP auth.
///
/// ```
/// use infisical_config::auth::{Credentials, IdentityLogin, JwtSource};
///
/// let k8s = IdentityLogin::kubernetes("2b3c...identity-id").token_path("/var/run/secrets/tokens/infisical");
/// let ci = IdentityLogin::oidc("5d6e...identity-id", JwtSource::File("/run/ci/oidc-token".into()));
/// let creds: Credentials = k8s.into();
/// assert_eq!(creds.describe(), "kubernetes auth (identity 2b3c...identity-id)");
/// # let _ = ci;
/// ```
pub struct IdentityLogin {
    identity_id: String,
    method: Method,
    organization_slug: Option<String>,
    /// A cloud login's request made while the chain checked the cloud was there, kept for this login's
    /// first use so the metadata endpoint is not asked twice. A setter forgets it; a clone starts
    /// without one.
    prepared: Mutex<Option<Box<(tokio::time::Instant, ApiRequest)>>>,
}

impl Clone for IdentityLogin {
    fn clone(&self) -> Self {
        IdentityLogin {
            identity_id: self.identity_id.clone(),
            method: self.method.clone(),
            organization_slug: self.organization_slug.clone(),
            prepared: Mutex::default(),
        }
    }
}

impl IdentityLogin {
    /// Kubernetes auth: the pod's service-account token, read from [`KUBERNETES_TOKEN_PATH`] (or
    /// [`token_path`](Self::token_path)) at every login, since Kubernetes rotates it.
    ///
    /// ```
    /// use infisical_config::auth::IdentityLogin;
    ///
    /// let login = IdentityLogin::kubernetes("2b3c");
    /// assert_eq!((login.identity_id(), login.method()), ("2b3c", "kubernetes"));
    /// ```
    #[must_use]
    pub fn kubernetes(identity_id: impl Into<String>) -> Self {
        Self::with(identity_id, Method::Kubernetes(KUBERNETES_TOKEN_PATH.into()))
    }

    /// OIDC auth with this token (a CI system's OIDC token, say).
    ///
    /// ```
    /// use infisical_config::auth::{IdentityLogin, JwtSource};
    ///
    /// let login = IdentityLogin::oidc("5d6e", JwtSource::File("/run/ci/oidc-token".into()));
    /// assert_eq!(login.method(), "oidc-auth");
    /// ```
    #[must_use]
    pub fn oidc(identity_id: impl Into<String>, jwt: JwtSource) -> Self {
        Self::with(identity_id, Method::Oidc(jwt))
    }

    /// JWT auth with this token.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use infisical_config::auth::{IdentityLogin, JwtSource};
    /// use infisical_config::{Client, Error};
    /// # use infisical_config::EnvSource;
    ///
    /// let dir = tempfile::tempdir()?;
    /// let client = Client::builder()
    ///     .site("http://127.0.0.1:9")
    ///     .credentials(IdentityLogin::jwt("7f80", JwtSource::File(dir.path().join("token")))) // not there
    /// # .env_source(EnvSource::from_pairs::<_, String, String>([]))
    ///     .build()?;
    /// // The file is read at login: a missing one fails before any request.
    /// let err = client.authenticate().await.unwrap_err();
    /// assert!(matches!(err, Error::Credentials(_)));
    /// println!("{err}");
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    #[must_use]
    pub fn jwt(identity_id: impl Into<String>, jwt: JwtSource) -> Self {
        Self::with(identity_id, Method::Jwt(jwt))
    }

    /// LDAP auth as this user.
    ///
    /// ```
    /// use infisical_config::auth::IdentityLogin;
    ///
    /// let login = IdentityLogin::ldap("9a0b", "svc-billing", "the-ldap-password");
    /// assert_eq!(login.method(), "ldap-auth");
    /// assert!(!format!("{login:?}").contains("the-ldap-password"));
    /// ```
    #[must_use]
    pub fn ldap(
        identity_id: impl Into<String>,
        username: impl Into<String>,
        password: impl Into<SecretString>,
    ) -> Self {
        Self::with(identity_id, Method::Ldap { username: username.into(), password: password.into() })
    }

    /// AWS IAM auth: a `sts:GetCallerIdentity` request signed with the credentials of AWS's own chain
    /// (environment, web identity, ECS, profiles, instance metadata) for the region of `AWS_REGION`,
    /// `AWS_DEFAULT_REGION`, the profile or the instance metadata.
    ///
    /// Profiles that log in through AWS SSO or a `credential_process` need aws-config's `sso` and
    /// `credentials-process` features, which this crate leaves off (production machines use roles):
    /// build that provider with aws-config and give it to [`aws_credentials`](Self::aws_credentials).
    ///
    /// ```no_run
    /// # async fn run() -> infisical_config::Result<()> {
    /// use infisical_config::Client;
    /// use infisical_config::auth::IdentityLogin;
    /// use infisical_config::resources::secrets::ListSecrets;
    ///
    /// // On EC2, ECS, EKS or Lambda, with an identity that trusts the role.
    /// let client = Client::builder()
    ///     .credentials(IdentityLogin::aws_iam("2b3c...identity-id"))
    ///     .build()?;
    /// let secrets = client.secrets().list(&ListSecrets::new("project-id", "prod")).await?;
    /// # let _ = secrets; Ok(()) }
    /// ```
    #[cfg(feature = "aws")]
    #[cfg_attr(docsrs, doc(cfg(feature = "aws")))]
    #[must_use]
    pub fn aws_iam(identity_id: impl Into<String>) -> Self {
        Self::with(identity_id, Method::AwsIam(cloud::aws::AwsIam::default()))
    }

    /// GCP ID-token auth: the metadata server's identity token, with the identity as its audience.
    ///
    /// ```no_run
    /// # async fn run() -> infisical_config::Result<()> {
    /// use infisical_config::Client;
    /// use infisical_config::auth::IdentityLogin;
    /// use infisical_config::resources::secrets::ListSecrets;
    ///
    /// // On Compute Engine, GKE, Cloud Run or Cloud Functions.
    /// let client = Client::builder()
    ///     .credentials(IdentityLogin::gcp_id_token("2b3c...identity-id"))
    ///     .build()?;
    /// let secrets = client.secrets().list(&ListSecrets::new("project-id", "prod")).await?;
    /// # let _ = secrets; Ok(()) }
    /// ```
    #[cfg(feature = "gcp")]
    #[cfg_attr(docsrs, doc(cfg(feature = "gcp")))]
    #[must_use]
    pub fn gcp_id_token(identity_id: impl Into<String>) -> Self {
        Self::with(identity_id, Method::Gcp(cloud::gcp::Gcp::IdToken { endpoint: None }))
    }

    /// GCP IAM auth: the service account of this key file signs a JWT for the identity through the IAM
    /// credentials API (which must be enabled). The file is read at every login.
    ///
    /// ```no_run
    /// # async fn run() -> infisical_config::Result<()> {
    /// use infisical_config::Client;
    /// use infisical_config::auth::IdentityLogin;
    /// use infisical_config::resources::secrets::ListSecrets;
    ///
    /// let login = IdentityLogin::gcp_iam("2b3c...identity-id", "/etc/gcp/service-account.json");
    /// let client = Client::builder().credentials(login).build()?;
    /// let secrets = client.secrets().list(&ListSecrets::new("project-id", "prod")).await?;
    /// # let _ = secrets; Ok(()) }
    /// ```
    #[cfg(feature = "gcp")]
    #[cfg_attr(docsrs, doc(cfg(feature = "gcp")))]
    #[must_use]
    pub fn gcp_iam(identity_id: impl Into<String>, key_file: impl Into<PathBuf>) -> Self {
        Self::with(identity_id, Method::Gcp(cloud::gcp::Gcp::Iam { key_file: key_file.into(), endpoint: None }))
    }

    /// Azure auth: the managed identity's access token for `https://management.azure.com/` (or
    /// [`azure_resource`](Self::azure_resource)), from the instance metadata service, or on App
    /// Service and Functions from `IDENTITY_ENDPOINT` with `IDENTITY_HEADER`.
    ///
    /// ```no_run
    /// # async fn run() -> infisical_config::Result<()> {
    /// use infisical_config::Client;
    /// use infisical_config::auth::IdentityLogin;
    /// use infisical_config::resources::secrets::ListSecrets;
    ///
    /// // On a VM, AKS node or App Service; a user-assigned identity is chosen by its client id.
    /// let login = IdentityLogin::azure("2b3c...identity-id").azure_client_id("6f7a...client-id");
    /// let client = Client::builder().credentials(login).build()?;
    /// let secrets = client.secrets().list(&ListSecrets::new("project-id", "prod")).await?;
    /// # let _ = secrets; Ok(()) }
    /// ```
    #[must_use]
    pub fn azure(identity_id: impl Into<String>) -> Self {
        Self::with(identity_id, Method::Azure(cloud::azure::Azure::default()))
    }

    fn with(identity_id: impl Into<String>, method: Method) -> Self {
        IdentityLogin { identity_id: identity_id.into(), method, organization_slug: None, prepared: Mutex::default() }
    }

    /// For AWS IAM auth: signs for this region instead of the one AWS's variables name.
    ///
    /// ```
    /// use infisical_config::auth::IdentityLogin;
    ///
    /// let login = IdentityLogin::aws_iam("2b3c...identity-id").aws_region("eu-central-1");
    /// assert!(format!("{login:?}").contains("eu-central-1"));
    /// ```
    #[cfg(feature = "aws")]
    #[cfg_attr(docsrs, doc(cfg(feature = "aws")))]
    #[must_use]
    pub fn aws_region(mut self, region: impl Into<String>) -> Self {
        if let Method::AwsIam(aws) = self.changed() {
            aws.region = Some(region.into());
        }
        self
    }

    /// For AWS IAM auth: signs with credentials from this provider instead of AWS's default chain (an
    /// assumed role, say).
    ///
    /// ```
    /// use infisical_config::auth::IdentityLogin;
    ///
    /// let keys = aws_credential_types::Credentials::new("AKIDEXAMPLE", "secret-access-key", None, None, "vault");
    /// let login = IdentityLogin::aws_iam("2b3c...identity-id").aws_region("eu-west-1").aws_credentials(keys);
    /// assert_eq!(login.method(), "aws-iam");
    /// ```
    #[cfg(feature = "aws")]
    #[cfg_attr(docsrs, doc(cfg(feature = "aws")))]
    #[must_use]
    pub fn aws_credentials(
        mut self,
        provider: impl aws_credential_types::provider::ProvideCredentials + 'static,
    ) -> Self {
        if let Method::AwsIam(aws) = self.changed() {
            aws.credentials = Some(aws_credential_types::provider::SharedCredentialsProvider::new(provider));
        }
        self
    }

    /// For Azure auth: asks a token for this resource (the identity's configured audience) instead of
    /// `https://management.azure.com/`.
    ///
    /// ```
    /// use infisical_config::auth::IdentityLogin;
    ///
    /// let login = IdentityLogin::azure("2b3c...identity-id").azure_resource("https://vault.azure.net");
    /// assert!(format!("{login:?}").contains("https://vault.azure.net"));
    /// ```
    #[must_use]
    pub fn azure_resource(mut self, resource: impl Into<String>) -> Self {
        if let Method::Azure(azure) = self.changed() {
            azure.resource = Some(resource.into());
        }
        self
    }

    /// For Azure auth: the client id of the user-assigned managed identity to use, when the machine
    /// has several.
    ///
    /// ```
    /// use infisical_config::auth::IdentityLogin;
    ///
    /// let login = IdentityLogin::azure("2b3c...identity-id").azure_client_id("6f7a...client-id");
    /// assert!(format!("{login:?}").contains("6f7a...client-id"));
    /// ```
    #[must_use]
    pub fn azure_client_id(mut self, client_id: impl Into<String>) -> Self {
        if let Method::Azure(azure) = self.changed() {
            azure.client_id = Some(client_id.into());
        }
        self
    }

    /// For the cloud methods: asks this endpoint instead of the cloud's own (an emulator, a sidecar, a
    /// test): the GCP metadata server (`http://host:port`) or, for GCP IAM, the IAM credentials API;
    /// Azure's token endpoint; AWS's instance metadata service.
    ///
    /// ```
    /// use infisical_config::auth::IdentityLogin;
    ///
    /// // An Azure managed-identity emulator on this machine.
    /// let login = IdentityLogin::azure("2b3c...identity-id")
    ///     .platform_endpoint("http://127.0.0.1:8099/metadata/identity/oauth2/token");
    /// assert!(format!("{login:?}").contains("127.0.0.1:8099"));
    /// ```
    #[must_use]
    pub fn platform_endpoint(mut self, url: impl Into<String>) -> Self {
        let url = url.into();
        match self.changed() {
            #[cfg(feature = "aws")]
            Method::AwsIam(aws) => aws.imds_endpoint = Some(url),
            #[cfg(feature = "gcp")]
            Method::Gcp(gcp) => gcp.set_endpoint(url),
            Method::Azure(azure) => azure.endpoint = Some(url),
            Method::Kubernetes(_) | Method::Oidc(_) | Method::Jwt(_) | Method::Ldap { .. } => {}
        }
        self
    }

    /// For Kubernetes auth: reads the service-account token from this file instead.
    ///
    /// ```
    /// use infisical_config::auth::IdentityLogin;
    ///
    /// // A projected token with Infisical as its audience.
    /// let login = IdentityLogin::kubernetes("2b3c").token_path("/var/run/secrets/tokens/infisical");
    /// assert!(format!("{login:?}").contains("/var/run/secrets/tokens/infisical"));
    /// ```
    #[must_use]
    pub fn token_path(mut self, path: impl Into<PathBuf>) -> Self {
        if let Method::Kubernetes(at) = self.changed() {
            *at = path.into();
        }
        self
    }

    /// Logs in to this sub-organization (`organizationSlug`).
    ///
    /// ```
    /// use infisical_config::auth::IdentityLogin;
    ///
    /// let login = IdentityLogin::kubernetes("2b3c").organization_slug("team-a");
    /// assert!(format!("{login:?}").contains("team-a"));
    /// ```
    #[must_use]
    pub fn organization_slug(mut self, slug: impl Into<String>) -> Self {
        self.changed();
        self.organization_slug = Some(slug.into());
        self
    }

    /// The method, to change: a login request prepared before the change is forgotten.
    fn changed(&mut self) -> &mut Method {
        *self.prepared.get_mut().unwrap_or_else(std::sync::PoisonError::into_inner) = None;
        &mut self.method
    }

    /// The identity's id.
    ///
    /// ```
    /// use infisical_config::auth::IdentityLogin;
    ///
    /// assert_eq!(IdentityLogin::kubernetes("2b3c").identity_id(), "2b3c");
    /// ```
    #[must_use]
    pub fn identity_id(&self) -> &str {
        &self.identity_id
    }

    /// The method's name, as the Infisical CLI's `--method` writes it.
    ///
    /// ```
    /// use infisical_config::auth::IdentityLogin;
    ///
    /// assert_eq!(IdentityLogin::azure("2b3c").method(), "azure");
    /// ```
    #[must_use]
    pub fn method(&self) -> &'static str {
        self.names().0
    }

    /// The CLI's name of the method, its name in descriptions, and what a refused login is called.
    fn names(&self) -> (&'static str, &'static str, &'static str) {
        match &self.method {
            Method::Kubernetes(_) => ("kubernetes", "kubernetes auth", "kubernetes auth login"),
            Method::Oidc(_) => ("oidc-auth", "oidc auth", "oidc auth login"),
            Method::Jwt(_) => ("jwt-auth", "jwt auth", "jwt auth login"),
            Method::Ldap { .. } => ("ldap-auth", "ldap auth", "ldap auth login"),
            #[cfg(feature = "aws")]
            Method::AwsIam(_) => ("aws-iam", "aws-iam auth", "aws-iam auth login"),
            #[cfg(feature = "gcp")]
            Method::Gcp(cloud::gcp::Gcp::IdToken { .. }) => ("gcp-id-token", "gcp id-token auth", "gcp auth login"),
            #[cfg(feature = "gcp")]
            Method::Gcp(cloud::gcp::Gcp::Iam { .. }) => ("gcp-iam", "gcp iam auth", "gcp auth login"),
            Method::Azure(_) => ("azure", "azure auth", "azure auth login"),
        }
    }

    /// What a refused login is called in errors.
    pub(crate) fn login_name(&self) -> &'static str {
        self.names().2
    }

    pub(crate) fn describe(&self) -> String {
        format!("{} (identity {})", self.names().1, self.identity_id)
    }

    /// Whether the login asks the cloud the service runs on (and so whether the chain should check the
    /// cloud is there before choosing it).
    pub(crate) fn on_cloud(&self) -> bool {
        match self.method {
            #[cfg(feature = "aws")]
            Method::AwsIam(_) => true,
            #[cfg(feature = "gcp")]
            Method::Gcp(_) => true,
            Method::Azure(_) => true,
            Method::Kubernetes(_) | Method::Oidc(_) | Method::Jwt(_) | Method::Ldap { .. } => false,
        }
    }

    /// Makes the login request now and keeps it for the first login: a cloud that is not there answers
    /// [`CredentialsError::NotFound`], so a chain moves on to its next link.
    pub(crate) async fn prepare(&self, env: &EnvSource) -> std::result::Result<(), CredentialsError> {
        let request = self.build_request(env).await.map_err(|e| match e {
            Error::Credentials(credentials) => credentials,
            other => CredentialsError::invalid_because(self.names().1, "could not make the login request", other),
        })?;
        *self.prepared.lock().unwrap_or_else(std::sync::PoisonError::into_inner) =
            Some(Box::new((tokio::time::Instant::now(), request)));
        Ok(())
    }

    /// The login request: the one prepared moments ago, or one made now (its token file read, its
    /// cloud asked).
    pub(crate) async fn login_request(&self, env: &EnvSource) -> Result<ApiRequest> {
        let prepared = self.prepared.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take();
        match prepared.map(|boxed| *boxed) {
            Some((at, request)) if at.elapsed() < PREPARED_FOR => Ok(request),
            _ => self.build_request(env).await,
        }
    }

    /// Boxed and type-erased: a cloud's future (AWS's credential chain above all) is deep and large, and
    /// would otherwise be nested inside every request's future.
    fn build_request<'a>(&'a self, env: &'a EnvSource) -> super::BoxFuture<'a, Result<ApiRequest>> {
        Box::pin(self.make_request(env))
    }

    async fn make_request(&self, env: &EnvSource) -> Result<ApiRequest> {
        let method = self.method();
        let org = self.organization_slug.as_deref();
        let (route, jwt) = match &self.method {
            Method::Kubernetes(path) => {
                (crate::routes::KUBERNETES_AUTH_LOGIN, JwtSource::File(path.clone()).read(method)?)
            }
            Method::Oidc(jwt) => (crate::routes::OIDC_AUTH_LOGIN, jwt.read(method)?),
            Method::Jwt(jwt) => (crate::routes::JWT_AUTH_LOGIN, jwt.read(method)?),
            #[cfg(feature = "gcp")]
            Method::Gcp(gcp) => (crate::routes::GCP_AUTH_LOGIN, gcp.jwt(&self.identity_id, env).await?),
            Method::Azure(azure) => (crate::routes::AZURE_AUTH_LOGIN, azure.token(env).await?),
            Method::Ldap { username, password } => {
                let body = LdapBody {
                    identity_id: &self.identity_id,
                    username,
                    password: password.expose_secret(),
                    organization_slug: org,
                };
                return Ok(ApiRequest::post(crate::routes::LDAP_AUTH_LOGIN).json(&body)?.anonymous().replayable());
            }
            #[cfg(feature = "aws")]
            Method::AwsIam(aws) => {
                let body = aws.login_body(&self.identity_id, org, env).await?;
                return Ok(ApiRequest::post(crate::routes::AWS_AUTH_LOGIN).json(&body)?.anonymous().replayable());
            }
        };
        let body = JwtBody { identity_id: &self.identity_id, jwt: jwt.expose_secret(), organization_slug: org };
        Ok(ApiRequest::post(route).json(&body)?.anonymous().replayable())
    }
}

impl From<IdentityLogin> for super::Credentials {
    fn from(login: IdentityLogin) -> Self {
        super::Credentials::Identity(login)
    }
}

impl fmt::Debug for IdentityLogin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("IdentityLogin");
        d.field("method", &self.method()).field("identity_id", &self.identity_id);
        match &self.method {
            Method::Kubernetes(path) => d.field("token_path", path),
            Method::Oidc(jwt) | Method::Jwt(jwt) => d.field("jwt", jwt),
            Method::Ldap { username, .. } => d.field("username", username).field("password", &"[REDACTED]"),
            #[cfg(feature = "aws")]
            Method::AwsIam(aws) => d.field("aws", aws),
            #[cfg(feature = "gcp")]
            Method::Gcp(gcp) => d.field("gcp", gcp),
            Method::Azure(azure) => d.field("azure", azure),
        };
        d.field("organization_slug", &self.organization_slug).finish()
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JwtBody<'a> {
    identity_id: &'a str,
    jwt: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    organization_slug: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LdapBody<'a> {
    identity_id: &'a str,
    username: &'a str,
    password: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    organization_slug: Option<&'a str>,
}

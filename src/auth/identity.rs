//! Machine identities that log in with what their platform gives them: a Kubernetes service-account
//! token, an OIDC or other JWT from a CI system, an LDAP user. Each logs in at its own route with
//! `{identityId, ...}` and then renews and logs in again through the token cache like Universal Auth.

use std::fmt;
use std::path::PathBuf;

use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;

use super::CredentialsError;
use crate::error::Result;
use crate::transport::ApiRequest;

/// Where Kubernetes mounts a pod's service-account token.
pub const KUBERNETES_TOKEN_PATH: &str = "/var/run/secrets/kubernetes.io/serviceaccount/token";

/// Where a JWT comes from: given once, or a file read again at every login (Kubernetes and CI systems
/// rotate theirs).
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
    Ldap { username: String, password: SecretString },
}

/// A machine identity's login by Kubernetes, OIDC, JWT or LDAP auth.
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
#[derive(Clone)]
pub struct IdentityLogin {
    identity_id: String,
    method: Method,
    organization_slug: Option<String>,
}

impl IdentityLogin {
    /// Kubernetes auth: the pod's service-account token, read from [`KUBERNETES_TOKEN_PATH`] (or
    /// [`token_path`](Self::token_path)) at every login, since Kubernetes rotates it.
    #[must_use]
    pub fn kubernetes(identity_id: impl Into<String>) -> Self {
        Self::with(identity_id, Method::Kubernetes(KUBERNETES_TOKEN_PATH.into()))
    }

    /// OIDC auth with this token (a CI system's OIDC token, say).
    #[must_use]
    pub fn oidc(identity_id: impl Into<String>, jwt: JwtSource) -> Self {
        Self::with(identity_id, Method::Oidc(jwt))
    }

    /// JWT auth with this token.
    #[must_use]
    pub fn jwt(identity_id: impl Into<String>, jwt: JwtSource) -> Self {
        Self::with(identity_id, Method::Jwt(jwt))
    }

    /// LDAP auth as this user.
    #[must_use]
    pub fn ldap(
        identity_id: impl Into<String>,
        username: impl Into<String>,
        password: impl Into<SecretString>,
    ) -> Self {
        Self::with(identity_id, Method::Ldap { username: username.into(), password: password.into() })
    }

    fn with(identity_id: impl Into<String>, method: Method) -> Self {
        IdentityLogin { identity_id: identity_id.into(), method, organization_slug: None }
    }

    /// For Kubernetes auth: reads the service-account token from this file instead.
    #[must_use]
    pub fn token_path(mut self, path: impl Into<PathBuf>) -> Self {
        if let Method::Kubernetes(at) = &mut self.method {
            *at = path.into();
        }
        self
    }

    /// Logs in to this sub-organization (`organizationSlug`).
    #[must_use]
    pub fn organization_slug(mut self, slug: impl Into<String>) -> Self {
        self.organization_slug = Some(slug.into());
        self
    }

    /// The identity's id.
    #[must_use]
    pub fn identity_id(&self) -> &str {
        &self.identity_id
    }

    /// The method's name, as the Infisical CLI's `--method` writes it.
    #[must_use]
    pub fn method(&self) -> &'static str {
        match self.method {
            Method::Kubernetes(_) => "kubernetes",
            Method::Oidc(_) => "oidc-auth",
            Method::Jwt(_) => "jwt-auth",
            Method::Ldap { .. } => "ldap-auth",
        }
    }

    /// What a refused login is called in errors.
    pub(crate) fn login_name(&self) -> &'static str {
        match self.method {
            Method::Kubernetes(_) => "kubernetes auth login",
            Method::Oidc(_) => "oidc auth login",
            Method::Jwt(_) => "jwt auth login",
            Method::Ldap { .. } => "ldap auth login",
        }
    }

    pub(crate) fn describe(&self) -> String {
        let kind = match self.method {
            Method::Kubernetes(_) => "kubernetes auth",
            Method::Oidc(_) => "oidc auth",
            Method::Jwt(_) => "jwt auth",
            Method::Ldap { .. } => "ldap auth",
        };
        format!("{kind} (identity {})", self.identity_id)
    }

    /// The login request, its token read now (a file at every login).
    pub(crate) fn login_request(&self) -> Result<ApiRequest> {
        let method = self.method();
        let org = self.organization_slug.as_deref();
        let (route, body) = match &self.method {
            Method::Kubernetes(path) => {
                (crate::routes::KUBERNETES_AUTH_LOGIN, JwtSource::File(path.clone()).read(method)?)
            }
            Method::Oidc(jwt) => (crate::routes::OIDC_AUTH_LOGIN, jwt.read(method)?),
            Method::Jwt(jwt) => (crate::routes::JWT_AUTH_LOGIN, jwt.read(method)?),
            Method::Ldap { username, password } => {
                let body = LdapBody {
                    identity_id: &self.identity_id,
                    username,
                    password: password.expose_secret(),
                    organization_slug: org,
                };
                return Ok(ApiRequest::post(crate::routes::LDAP_AUTH_LOGIN).json(&body)?.anonymous().replayable());
            }
        };
        let body = JwtBody { identity_id: &self.identity_id, jwt: body.expose_secret(), organization_slug: org };
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

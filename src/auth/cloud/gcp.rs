//! GCP auth, both kinds: an ID token from the metadata server for the identity as audience (a service
//! on GCP), or a JWT signed for the identity through the IAM credentials API by a service account whose
//! key file the service holds (anywhere).

use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use super::metadata;
use crate::EnvSource;
use crate::auth::CredentialsError;

const METHOD: &str = "gcp auth";
/// The metadata server's name inside GCP; `GCE_METADATA_HOST` replaces it, as in Google's own libraries.
const METADATA_HOST: &str = "metadata.google.internal";
/// The IAM credentials API, which signs JWTs as a service account.
pub(crate) const IAM_CREDENTIALS: &str = "https://iamcredentials.googleapis.com";
/// The scope the key's OAuth token needs to call `signJwt`.
const IAM_SCOPE: &str = "https://www.googleapis.com/auth/iam";

/// Which GCP login, and where its endpoint is.
#[derive(Clone, Debug)]
pub(crate) enum Gcp {
    /// The metadata server's ID token.
    IdToken { endpoint: Option<String> },
    /// A JWT signed through the IAM credentials API with this service-account key file, read at every
    /// login.
    Iam { key_file: PathBuf, endpoint: Option<String> },
}

impl Gcp {
    pub(crate) fn set_endpoint(&mut self, url: String) {
        match self {
            Gcp::IdToken { endpoint } | Gcp::Iam { endpoint, .. } => *endpoint = Some(url),
        }
    }

    /// The JWT to log in with, made now.
    pub(crate) async fn jwt(&self, identity_id: &str, env: &EnvSource) -> Result<SecretString, CredentialsError> {
        match self {
            Gcp::IdToken { endpoint } => id_token(identity_id, endpoint.as_deref(), env).await,
            Gcp::Iam { key_file, endpoint } => {
                signed_jwt(identity_id, key_file, endpoint.as_deref().unwrap_or(IAM_CREDENTIALS)).await
            }
        }
    }
}

async fn id_token(
    identity_id: &str,
    endpoint: Option<&str>,
    env: &EnvSource,
) -> Result<SecretString, CredentialsError> {
    let base = match endpoint {
        Some(url) => url.trim_end_matches('/').to_owned(),
        None => format!("http://{}", env.non_empty("GCE_METADATA_HOST").unwrap_or_else(|| METADATA_HOST.to_owned())),
    };
    let mut url = reqwest::Url::parse(&format!("{base}/computeMetadata/v1/instance/service-accounts/default/identity"))
        .map_err(|e| CredentialsError::invalid_because(METHOD, format!("`{base}` is not a URL"), e))?;
    // `format=full` puts the instance's project and zone in the token, which the server can check.
    url.query_pairs_mut().append_pair("audience", identity_id).append_pair("format", "full");
    let what = "GCP metadata server";
    let body = metadata::get(METHOD, what, url.as_str(), &[("Metadata-Flavor", "Google")]).await?;
    id_token_in(&body).ok_or_else(|| {
        CredentialsError::invalid(
            METHOD,
            format!("the {what} at {} answered no ID token (empty, or not text)", metadata::endpoint(url.as_str())),
        )
    })
}

/// The ID token in the metadata server's answer: its text, trimmed; `None` when there is none.
pub(crate) fn id_token_in(body: &[u8]) -> Option<SecretString> {
    let token = std::str::from_utf8(body).ok()?.trim();
    // Copied at its exact length: the secret's box is then not a shrunk copy of a larger buffer.
    (!token.is_empty()).then(|| SecretString::from(token.to_owned()))
}

/// What a service-account key file holds that the IAM login uses.
#[derive(Deserialize)]
struct KeyFile {
    client_email: String,
    private_key: SecretString,
    #[serde(default)]
    private_key_id: Option<String>,
    #[serde(default = "default_token_uri")]
    token_uri: String,
}

fn default_token_uri() -> String {
    "https://oauth2.googleapis.com/token".to_owned()
}

#[derive(Serialize)]
struct AssertionClaims<'a> {
    iss: &'a str,
    scope: &'a str,
    aud: &'a str,
    iat: u64,
    exp: u64,
}

#[derive(Deserialize)]
pub(crate) struct OAuthToken {
    access_token: SecretString,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SignedJwt {
    signed_jwt: SecretString,
}

/// Has the service account sign `{sub: its email, aud: the identity}`, as the Infisical CLI does: the
/// key file's own JWT buys an OAuth token (RFC 7523), which calls `signJwt`.
async fn signed_jwt(
    identity_id: &str,
    key_file: &std::path::Path,
    iam: &str,
) -> Result<SecretString, CredentialsError> {
    let file = key_file.display();
    let bytes = crate::local_file::read(key_file).map_err(|e| {
        CredentialsError::invalid_because(METHOD, format!("the service-account key file {file} {e}"), e)
    })?;
    // serde's message could quote the private key: name the file and the fields it needs instead.
    let key: KeyFile = serde_json::from_slice(&bytes).map_err(|_| {
        CredentialsError::invalid(
            METHOD,
            format!("the service-account key file {file} is not a key file (JSON with client_email and private_key)"),
        )
    })?;
    let signing_key =
        jsonwebtoken::EncodingKey::from_rsa_pem(key.private_key.expose_secret().as_bytes()).map_err(|e| {
            CredentialsError::invalid_because(METHOD, format!("the private_key in {file} is not an RSA key"), e)
        })?;
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or(Duration::ZERO).as_secs();
    let claims =
        AssertionClaims { iss: &key.client_email, scope: IAM_SCOPE, aud: &key.token_uri, iat: now, exp: now + 3600 };
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
    header.kid = key.private_key_id.clone();
    let assertion = jsonwebtoken::encode(&header, &claims, &signing_key)
        .map_err(|e| CredentialsError::invalid_because(METHOD, format!("could not sign with the key in {file}"), e))?;

    let http = https_client()?;
    let oauth: OAuthToken = answer(
        "OAuth token endpoint",
        &key.token_uri,
        http.post(&key.token_uri)
            .form(&[("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"), ("assertion", &assertion)]),
    )
    .await?;
    let url = format!("{}/v1/projects/-/serviceAccounts/{}:signJwt", iam.trim_end_matches('/'), key.client_email);
    let payload = serde_json::json!({ "sub": key.client_email, "aud": identity_id }).to_string();
    let signed: SignedJwt = answer(
        "IAM credentials API",
        &url,
        http.post(&url)
            .bearer_auth(oauth.access_token.expose_secret())
            .json(&serde_json::json!({ "payload": payload })),
    )
    .await?;
    Ok(signed.signed_jwt)
}

/// The client for Google's APIs: https with the platform's roots, through a proxy when one is set.
/// It follows no redirect: the requests carry a signed assertion and an OAuth token, which go only
/// where the key file and the login name.
fn https_client() -> Result<&'static reqwest::Client, CredentialsError> {
    static CLIENT: OnceLock<reqwest::Client> = OnceLock::new();
    if let Some(client) = CLIENT.get() {
        return Ok(client);
    }
    let client = crate::transport::reqwest_builder()
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(30))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| {
            CredentialsError::invalid_because(METHOD, "could not build the HTTP client for Google's APIs", e)
        })?;
    Ok(CLIENT.get_or_init(|| client))
}

/// Sends a request to one of Google's APIs and decodes its answer (read under the metadata answers'
/// cap); an error names the API and the status, never the request (it carries a signed assertion or
/// a token).
async fn answer<T: serde::de::DeserializeOwned>(
    what: &str,
    url: &str,
    request: reqwest::RequestBuilder,
) -> Result<T, CredentialsError> {
    let response = request.send().await.map_err(|e| {
        let at = metadata::endpoint(url);
        CredentialsError::invalid_because(METHOD, format!("the {what} at {at} could not be reached"), e.without_url())
    })?;
    let status = response.status();
    let body = metadata::read_capped(METHOD, what, url, response).await?;
    decode(what, url, status, &body)
}

/// An answer of one of Google's APIs: refused unless successful, then decoded as `T`.
pub(crate) fn decode<T: serde::de::DeserializeOwned>(
    what: &str,
    url: &str,
    status: reqwest::StatusCode,
    body: &[u8],
) -> Result<T, CredentialsError> {
    if !status.is_success() {
        return Err(metadata::refused(METHOD, what, url, status, body));
    }
    // serde's message could quote the answer, which holds a token: name the API instead.
    serde_json::from_slice(body).map_err(|_| {
        CredentialsError::invalid(
            METHOD,
            format!("the {what} at {} answered something unexpected", metadata::endpoint(url)),
        )
    })
}

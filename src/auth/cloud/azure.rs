//! Azure managed identity: an access token for the identity's resource, from the instance metadata
//! service (virtual machines, AKS node identities) or from the endpoint App Service and Functions
//! give their apps (`IDENTITY_ENDPOINT` + `IDENTITY_HEADER`).

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use super::metadata;
use crate::EnvSource;
use crate::auth::CredentialsError;

const METHOD: &str = "azure auth";
/// The instance metadata service's token endpoint.
pub(crate) const IMDS_TOKEN: &str = "http://169.254.169.254/metadata/identity/oauth2/token";
/// The resource Infisical's Azure auth expects unless the identity was configured with another.
pub(crate) const DEFAULT_RESOURCE: &str = "https://management.azure.com/";

/// Where the managed identity's token comes from and for what.
#[derive(Clone, Debug, Default)]
pub(crate) struct Azure {
    pub(crate) resource: Option<String>,
    /// A user-assigned identity's client id; `None` for the system-assigned one.
    pub(crate) client_id: Option<String>,
    /// Replaces the token endpoint (tests, sidecars).
    pub(crate) endpoint: Option<String>,
}

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: SecretString,
}

impl Azure {
    /// The managed identity's access token, fetched now.
    pub(crate) async fn token(&self, env: &EnvSource) -> Result<SecretString, CredentialsError> {
        let resource = self.resource.as_deref().unwrap_or(DEFAULT_RESOURCE);
        let app_service = env.non_empty("IDENTITY_ENDPOINT").zip(env.non_empty("IDENTITY_HEADER"));
        let (base, api_version, header, what) = match (&self.endpoint, &app_service) {
            (Some(url), _) => (url.clone(), "2018-02-01", None, "Azure managed identity endpoint"),
            (None, Some((url, header))) => {
                (url.clone(), "2019-08-01", Some(header.as_str()), "App Service managed identity endpoint")
            }
            (None, None) => (IMDS_TOKEN.to_owned(), "2018-02-01", None, "Azure instance metadata service"),
        };
        let mut url = reqwest::Url::parse(&base)
            .map_err(|e| CredentialsError::invalid_because(METHOD, format!("the {what} `{base}` is not a URL"), e))?;
        url.query_pairs_mut().append_pair("api-version", api_version).append_pair("resource", resource);
        if let Some(id) = &self.client_id {
            url.query_pairs_mut().append_pair("client_id", id);
        }
        let headers: Vec<(&str, &str)> = match header {
            Some(value) => vec![("X-IDENTITY-HEADER", value)],
            None => vec![("Metadata", "true")],
        };
        let body = metadata::get(METHOD, what, url.as_str(), &headers).await?;
        access_token_in(&body).ok_or_else(|| {
            CredentialsError::invalid(
                METHOD,
                format!("the {what} at {} answered without an access_token", metadata::endpoint(url.as_str())),
            )
        })
    }
}

/// The access token in a managed identity endpoint's answer; `None` when there is none.
pub(crate) fn access_token_in(body: &[u8]) -> Option<SecretString> {
    // serde's errors could quote the answer: only whether there is a token matters.
    let answer: TokenAnswer = serde_json::from_slice(body).ok()?;
    (!answer.access_token.expose_secret().trim().is_empty()).then_some(answer.access_token)
}

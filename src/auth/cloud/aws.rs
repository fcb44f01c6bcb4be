//! AWS IAM auth: the service proves its IAM principal by a SigV4-signed `sts:GetCallerIdentity`
//! request that Infisical sends to STS itself. Credentials come from AWS's own chain and the request
//! is signed by AWS's own signer; this module only assembles what Infisical expects.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use aws_config::imds;
use aws_credential_types::Credentials as AwsCredentials;
use aws_credential_types::provider::{
    ProvideCredentials, SharedCredentialsProvider, error::CredentialsError as AwsError,
};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use tracing::instrument::WithSubscriber;

use super::metadata::CONNECT_TIMEOUT;
use crate::EnvSource;
use crate::auth::CredentialsError;

const METHOD: &str = "aws-iam auth";
/// The signed request: what the AWS SDKs and the Infisical CLI send.
const STS_BODY: &str = "Action=GetCallerIdentity&Version=2011-06-15";
const STS_CONTENT_TYPE: &str = "application/x-www-form-urlencoded; charset=utf-8";

/// Where the AWS login's region and credentials come from.
#[derive(Clone, Default)]
pub(crate) struct AwsIam {
    pub(crate) region: Option<String>,
    pub(crate) credentials: Option<SharedCredentialsProvider>,
    /// Replaces the instance metadata service's address (`AWS_EC2_METADATA_SERVICE_ENDPOINT` does too).
    pub(crate) imds_endpoint: Option<String>,
}

impl std::fmt::Debug for AwsIam {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AwsIam")
            .field("region", &self.region)
            .field("credentials", &self.credentials.as_ref().map(|_| "custom provider"))
            .field("imds_endpoint", &self.imds_endpoint)
            .finish()
    }
}

/// The login body of `/api/v1/auth/aws-auth/login`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AwsLoginBody<'a> {
    identity_id: &'a str,
    iam_http_request_method: &'static str,
    iam_request_body: String,
    #[serde(serialize_with = "exposed")]
    iam_request_headers: SecretString,
    #[serde(skip_serializing_if = "Option::is_none")]
    organization_slug: Option<&'a str>,
}

impl AwsIam {
    /// Finds the region and credentials now, and signs a `GetCallerIdentity` for this identity.
    pub(crate) async fn login_body<'a>(
        &self,
        identity_id: &'a str,
        organization_slug: Option<&'a str>,
        env: &EnvSource,
    ) -> Result<AwsLoginBody<'a>, CredentialsError> {
        let imds = self.imds_client(env)?;
        let (region, credentials) = async {
            let region = self.region(env, &imds).await?;
            let credentials = self.credentials(env, imds, &region).await?;
            Ok::<_, CredentialsError>((region, credentials))
        }
        .with_subscriber(super::aws_trace::without_request_dumps())
        .await?;
        let headers = sign_get_caller_identity(&credentials, &region, SystemTime::now())?;
        Ok(AwsLoginBody {
            identity_id,
            iam_http_request_method: "POST",
            iam_request_body: STANDARD.encode(STS_BODY),
            iam_request_headers: headers,
            organization_slug,
        })
    }

    /// The metadata client: quick attempts (AWS's default is four), so a machine outside EC2 passes in
    /// a second or two, and one retry for a hiccup of a real instance.
    fn imds_client(&self, env: &EnvSource) -> Result<imds::Client, CredentialsError> {
        let mut builder = imds::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .read_timeout(Duration::from_secs(2))
            .max_attempts(2);
        if let Some(endpoint) =
            self.imds_endpoint.clone().or_else(|| env.non_empty("AWS_EC2_METADATA_SERVICE_ENDPOINT"))
        {
            builder = builder.endpoint(&endpoint).map_err(|e| CredentialsError::Invalid {
                provider: METHOD.into(),
                reason: format!("the instance metadata endpoint `{endpoint}` is not a URL"),
                source: Some(Arc::from(e)),
            })?;
        }
        Ok(builder.build())
    }

    /// The region to sign for: the one given, `AWS_REGION`, `AWS_DEFAULT_REGION`, then (in the process's
    /// own environment) AWS's profile files and the instance metadata.
    async fn region(&self, env: &EnvSource, imds: &imds::Client) -> Result<String, CredentialsError> {
        if let Some(region) =
            self.region.clone().or_else(|| env.non_empty("AWS_REGION")).or_else(|| env.non_empty("AWS_DEFAULT_REGION"))
        {
            return Ok(region.trim().to_owned());
        }
        use aws_config::meta::region::RegionProviderChain;
        let from_imds = imds::region::ImdsRegionProvider::builder().imds_client(imds.clone()).build();
        let found = if env.is_process() {
            RegionProviderChain::first_try(aws_config::profile::ProfileFileRegionProvider::new())
                .or_else(from_imds)
                .region()
                .await
        } else {
            from_imds.region().await
        };
        found.map(|r| r.to_string()).ok_or_else(|| {
            CredentialsError::not_found(
                METHOD,
                "no AWS region: AWS_REGION and AWS_DEFAULT_REGION are unset and no profile or instance metadata names one",
            )
        })
    }

    /// The credentials to sign with: the provider given; else `AWS_ACCESS_KEY_ID` and
    /// `AWS_SECRET_ACCESS_KEY` (and `AWS_SESSION_TOKEN`); else AWS's default chain (web identity, ECS,
    /// profiles, instance metadata). An injected environment is the whole environment: AWS's chain reads
    /// only the process's, so there only the instance metadata is asked.
    async fn credentials(
        &self,
        env: &EnvSource,
        imds: imds::Client,
        region: &str,
    ) -> Result<AwsCredentials, CredentialsError> {
        let provider =
            match (&self.credentials, env.non_empty("AWS_ACCESS_KEY_ID"), env.non_empty("AWS_SECRET_ACCESS_KEY")) {
                (Some(provider), _, _) => provider.clone(),
                (None, Some(id), Some(secret)) => SharedCredentialsProvider::new(AwsCredentials::new(
                    id.trim(),
                    secret.trim(),
                    env.non_empty("AWS_SESSION_TOKEN").map(|t| t.trim().to_owned()),
                    None,
                    "environment",
                )),
                (None, _, _) if env.is_process() => SharedCredentialsProvider::new(
                    aws_config::default_provider::credentials::DefaultCredentialsChain::builder()
                        .region(aws_config::Region::new(region.to_owned()))
                        .imds_client(imds)
                        .build()
                        .await,
                ),
                (None, _, _) => SharedCredentialsProvider::new(
                    imds::credentials::ImdsCredentialsProvider::builder().imds_client(imds).build(),
                ),
            };
        provider.provide_credentials().await.map_err(|e| match e {
            AwsError::CredentialsNotLoaded(_) => CredentialsError::not_found(
                METHOD,
                format!(
                    "no AWS credentials found (environment, web identity, ECS, profile, instance metadata): {}",
                    aws_error_chain(&e)
                ),
            ),
            other => CredentialsError::Invalid {
                provider: METHOD.into(),
                reason: format!("AWS credentials could not be loaded: {}", aws_error_chain(&other)),
                source: Some(Arc::new(other)),
            },
        })
    }
}

/// The signed headers go into the login body, and nowhere else.
fn exposed<S: serde::Serializer>(secret: &SecretString, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(secret.expose_secret())
}

/// An AWS error and its causes in one line (their top-level messages say little).
fn aws_error_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = err.to_string();
    let mut next = err.source();
    while let Some(cause) = next {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        next = cause.source();
    }
    text
}

/// Signs `POST https://sts.{region}.amazonaws.com/` with `Action=GetCallerIdentity` at `time`, and
/// answers the headers as Infisical's server replays them: base64 of a JSON object.
pub(crate) fn sign_get_caller_identity(
    credentials: &AwsCredentials,
    region: &str,
    time: SystemTime,
) -> Result<SecretString, CredentialsError> {
    use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};

    let host = format!("sts.{region}.amazonaws.com");
    let url = format!("https://{host}/");
    let identity = credentials.clone().into();
    let params = aws_sigv4::sign::v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name("sts")
        .time(time)
        .settings(SigningSettings::default())
        .build()
        .map_err(|e| CredentialsError::invalid_because(METHOD, "could not sign the STS request", e))?
        .into();
    // Host and Content-Type are signed; Content-Length is added after, as the Infisical CLI does, since
    // the server's HTTP client sets its own.
    let unsigned = [("Host", host.as_str()), ("Content-Type", STS_CONTENT_TYPE)];
    let request =
        SignableRequest::new("POST", url.as_str(), unsigned.iter().copied(), SignableBody::Bytes(STS_BODY.as_bytes()))
            .map_err(|e| {
                CredentialsError::invalid_because(METHOD, format!("`{url}` cannot be signed (region `{region}`)"), e)
            })?;
    let (instructions, _) = sign(request, &params)
        .map_err(|e| CredentialsError::invalid_because(METHOD, "could not sign the STS request", e))?
        .into_parts();
    let mut headers = serde_json::Map::new();
    for (name, value) in unsigned {
        headers.insert(name.to_owned(), value.into());
    }
    headers.insert("Content-Length".to_owned(), STS_BODY.len().to_string().into());
    for (name, value) in instructions.headers() {
        headers.insert(canonical_case(name), value.into());
    }
    let json = zeroize::Zeroizing::new(serde_json::Value::Object(headers).to_string());
    Ok(SecretString::from(STANDARD.encode(json.as_bytes())))
}

/// `x-amz-date` as `X-Amz-Date`: the case the other SDKs send (HTTP does not care; a reader might).
fn canonical_case(name: &str) -> String {
    name.split('-')
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(signed: &SecretString) -> serde_json::Map<String, serde_json::Value> {
        serde_json::from_slice(&STANDARD.decode(signed.expose_secret()).unwrap()).unwrap()
    }

    /// AWS's documented example keys at a fixed time: the `Authorization` below was computed by an
    /// independent SigV4 implementation (Python's hmac and hashlib, following AWS's signing steps).
    #[test]
    fn signs_the_known_vector() {
        let keys = AwsCredentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None, None, "test");
        let time = std::time::UNIX_EPOCH + Duration::from_secs(1_440_938_160); // 2015-08-30T12:36:00Z
        let signed = headers(&sign_get_caller_identity(&keys, "us-east-1", time).unwrap());
        assert_eq!(
            signed["Authorization"],
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/sts/aws4_request, \
             SignedHeaders=content-type;host;x-amz-date, \
             Signature=52a8540fea00e731072179f763577cbe2a45eac2c5d32fb4d785f3eefac88165"
        );
        assert_eq!(signed["X-Amz-Date"], "20150830T123600Z");
        assert_eq!(signed["Host"], "sts.us-east-1.amazonaws.com");
        assert_eq!(signed["Content-Type"], STS_CONTENT_TYPE);
        assert_eq!(signed["Content-Length"], "43");
        assert!(!signed.contains_key("X-Amz-Security-Token"));
    }

    #[test]
    fn a_session_token_is_sent_and_signed() {
        let keys = AwsCredentials::new("AKIDEXAMPLE", "secret", Some("session-token-1".into()), None, "test");
        let signed = headers(&sign_get_caller_identity(&keys, "eu-west-1", SystemTime::now()).unwrap());
        assert_eq!(signed["X-Amz-Security-Token"], "session-token-1");
        let auth = signed["Authorization"].as_str().unwrap();
        assert!(auth.contains("/eu-west-1/sts/aws4_request"), "{auth}");
        assert!(auth.contains("SignedHeaders=content-type;host;x-amz-date;x-amz-security-token"), "{auth}");
    }
}

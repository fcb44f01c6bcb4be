//! Logins whose proof comes from the cloud the service runs on: AWS IAM (a signed STS request), GCP
//! (an ID token from the metadata server, or a JWT signed through the IAM credentials API) and Azure
//! (a managed identity's access token). Each is fetched again at every login.

#[cfg(feature = "aws")]
pub(crate) mod aws;
#[cfg(feature = "aws")]
mod aws_trace;
pub(crate) mod azure;
#[cfg(feature = "gcp")]
pub(crate) mod gcp;
pub(crate) mod metadata;

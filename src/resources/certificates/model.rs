//! What the certificate routes answer.

use secrecy::SecretString;
use serde::{Deserialize, Serialize};

use crate::resources::{lenient_u64, null_default};

/// A certificate's record (no key material).
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CertificateInfo {
    /// The id (UUID).
    pub id: String,
    /// The issuing CA's id.
    pub ca_id: Option<String>,
    /// `active` or `revoked`.
    #[serde(default, deserialize_with = "null_default")]
    pub status: String,
    /// The serial number (hex).
    #[serde(default, deserialize_with = "null_default")]
    pub serial_number: String,
    /// The friendly name.
    #[serde(default, deserialize_with = "null_default")]
    pub friendly_name: String,
    /// The common name.
    #[serde(default, deserialize_with = "null_default")]
    pub common_name: String,
    /// Start of validity (ISO 8601).
    pub not_before: Option<String>,
    /// End of validity (ISO 8601).
    pub not_after: Option<String>,
    /// When it was revoked.
    pub revoked_at: Option<String>,
    /// Why it was revoked (the RFC 5280 code).
    pub revocation_reason: Option<f64>,
    /// Subject alternative names, comma-separated.
    pub alt_names: Option<String>,
    /// Key usages.
    #[serde(default, deserialize_with = "null_default")]
    pub key_usages: Vec<String>,
    /// Extended key usages.
    #[serde(default, deserialize_with = "null_default")]
    pub extended_key_usages: Vec<String>,
    /// Whether the server holds the private key (lists on current servers).
    pub has_private_key: Option<bool>,
    /// Creation time (ISO 8601).
    pub created_at: Option<String>,
}

/// A certificate's PEM and chain.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CertificateBody {
    /// The certificate, PEM.
    pub certificate: String,
    /// The chain, PEM.
    pub certificate_chain: Option<String>,
    /// The serial number.
    #[serde(default, deserialize_with = "null_default")]
    pub serial_number: String,
}

/// A certificate with its chain and private key.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CertificateBundle {
    /// The certificate, PEM.
    pub certificate: String,
    /// The chain, PEM.
    pub certificate_chain: Option<String>,
    /// The private key, PEM, when the server holds it.
    pub private_key: Option<SecretString>,
    /// The serial number.
    #[serde(default, deserialize_with = "null_default")]
    pub serial_number: String,
}

/// A freshly issued or signed certificate.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct IssuedCertificate {
    /// The certificate, PEM.
    pub certificate: String,
    /// The issuing CA's certificate, PEM.
    pub issuing_ca_certificate: Option<String>,
    /// The chain, PEM.
    pub certificate_chain: Option<String>,
    /// The private key, PEM (absent when a CSR was signed).
    pub private_key: Option<SecretString>,
    /// The serial number.
    #[serde(default, deserialize_with = "null_default")]
    pub serial_number: String,
    /// The certificate's id (current servers).
    pub certificate_id: Option<String>,
}

/// The answer to [`Certificates::issue`](super::Certificates::issue): the certificate, or a request to poll when it waits for
/// approval or an external CA.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct IssueResult {
    /// The certificate, when issued at once.
    pub certificate: Option<IssuedCertificate>,
    /// The certificate request's id.
    #[serde(default, deserialize_with = "null_default")]
    pub certificate_request_id: String,
    /// The request's status.
    pub status: Option<String>,
    /// A message from the server.
    pub message: Option<String>,
}

/// The answer to a revocation.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Revoked {
    /// The server's message.
    #[serde(default, deserialize_with = "null_default")]
    pub message: String,
    /// The serial number.
    #[serde(default, deserialize_with = "null_default")]
    pub serial_number: String,
    /// When.
    pub revoked_at: Option<String>,
}

/// A page of certificates.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CertificatePage {
    /// The certificates.
    #[serde(default, deserialize_with = "null_default")]
    pub certificates: Vec<CertificateInfo>,
    /// How many match in all.
    #[serde(default, deserialize_with = "lenient_u64")]
    pub total_count: u64,
}

/// Why a certificate is revoked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[allow(missing_docs)]
pub enum RevocationReason {
    Unspecified,
    KeyCompromise,
    CaCompromise,
    AffiliationChanged,
    Superseded,
    CessationOfOperation,
    CertificateHold,
    PrivilegeWithdrawn,
    #[serde(rename = "A_A_COMPROMISE")]
    AaCompromise,
}

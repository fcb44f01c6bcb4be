//! What the certificate routes answer.

use secrecy::SecretString;
use serde::{Deserialize, Serialize};

use crate::resources::{lenient_u64, null_default};

/// A certificate's record (no key material), as [`Certificates::get`](super::Certificates::get),
/// [`Certificates::delete`](super::Certificates::delete) and lists answer it.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// # let server = wiremock::MockServer::start().await;
/// # for name in ["110-pki-list-project-certificates"] {
/// #     let file = format!("{}/tests/fixtures/server-2024-10/{name}.json", env!("CARGO_MANIFEST_DIR"));
/// #     let s: serde_json::Value = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
/// #     let mut mock = wiremock::Mock::given(wiremock::matchers::method(s["method"].as_str().unwrap()))
/// #         .and(wiremock::matchers::path(s["path"].as_str().unwrap()));
/// #     if !s["body"].is_null() { mock = mock.and(wiremock::matchers::body_json(&s["body"])); }
/// #     for (k, v) in s["query"].as_object().into_iter().flatten() {
/// #         mock = mock.and(wiremock::matchers::query_param(k.as_str(), v.as_str().unwrap()));
/// #     }
/// #     let answer = wiremock::ResponseTemplate::new(s["status"].as_u64().unwrap() as u16).set_body_json(&s["response"]);
/// #     mock.respond_with(answer).expect(1).mount(&server).await;
/// # }
/// # let client = infisical_config::Client::builder().site(server.uri()).access_token("token")
/// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false)
/// #     .api_version(infisical_config::resources::ApiVersion::Legacy).build()?;
/// use infisical_config::resources::certificates::ListCertificates;
///
/// let page = client.certificates().list(&ListCertificates::new("rust-sdk-test")).await?;
/// let cert = &page.certificates[0];
/// assert_eq!(cert.status, "active");
/// assert_eq!(cert.key_usages, ["digitalSignature", "keyEncipherment"]);
/// assert_eq!(cert.not_after.as_deref(), Some("2026-11-23T11:06:37.235Z"));
/// # Ok::<(), infisical_config::Error>(()) }).unwrap();
/// ```
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

/// A certificate's PEM and chain, as [`Certificates::body`](super::Certificates::body) answers it.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// # use wiremock::{Mock, ResponseTemplate, matchers::{body_json, method, path}};
/// # let server = wiremock::MockServer::start().await;
/// # let recorded = |name: &str| -> serde_json::Value {
/// #     let file = format!("{}/tests/fixtures/server-2024-10/{name}.json", env!("CARGO_MANIFEST_DIR"));
/// #     let mut sample: serde_json::Value = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
/// #     sample["response"].take()
/// # };
/// # let client = infisical_config::Client::builder().site(server.uri()).access_token("token")
/// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false)
/// #     .api_version(infisical_config::resources::ApiVersion::Current).build()?;
/// # Mock::given(method("GET")).and(path("/api/v1/cert-manager/certificates/4e180fbb-78c2-40ba-b30c-a800bd66ca65/certificate"))
/// #     .respond_with(ResponseTemplate::new(200).set_body_json(recorded("115-pki-get-certificate-body"))).expect(1).mount(&server).await;
/// let body = client.certificates().body("4e180fbb-78c2-40ba-b30c-a800bd66ca65").await?;
/// assert!(body.certificate.starts_with("-----BEGIN CERTIFICATE-----"));
/// assert!(body.certificate_chain.is_some());
/// # Ok::<(), infisical_config::Error>(()) }).unwrap();
/// ```
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

/// A certificate with its chain and private key, as [`Certificates::bundle`](super::Certificates::bundle)
/// answers it: what a TLS server needs to start.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// # use wiremock::{Mock, ResponseTemplate, matchers::{body_json, method, path}};
/// # let server = wiremock::MockServer::start().await;
/// # let recorded = |name: &str| -> serde_json::Value {
/// #     let file = format!("{}/tests/fixtures/server-2024-10/{name}.json", env!("CARGO_MANIFEST_DIR"));
/// #     let mut sample: serde_json::Value = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
/// #     sample["response"].take()
/// # };
/// # let client = infisical_config::Client::builder().site(server.uri()).access_token("token")
/// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false)
/// #     .api_version(infisical_config::resources::ApiVersion::Current).build()?;
/// # Mock::given(method("GET")).and(path("/api/v1/cert-manager/certificates/4e180fbb-78c2-40ba-b30c-a800bd66ca65/bundle"))
/// #     .respond_with(ResponseTemplate::new(200).set_body_json(recorded("113-pki-issue-certificate"))).expect(1).mount(&server).await;
/// use infisical_config::ExposeSecret;
///
/// let bundle = client.certificates().bundle("4e180fbb-78c2-40ba-b30c-a800bd66ca65").await?;
/// let chain = bundle.certificate_chain.as_deref().unwrap_or_default();
/// let pem = format!("{}\n{chain}", bundle.certificate);
/// assert_eq!(pem.matches("BEGIN CERTIFICATE").count(), 2);
/// assert!(bundle.private_key.is_some_and(|k| k.expose_secret().contains("PRIVATE KEY")));
/// # Ok::<(), infisical_config::Error>(()) }).unwrap();
/// ```
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

/// A freshly issued or signed certificate: in an [`IssueResult`], or as the legacy routes answer it.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// # use wiremock::{Mock, ResponseTemplate, matchers::{body_json, method, path}};
/// # let server = wiremock::MockServer::start().await;
/// # let recorded = |name: &str| -> serde_json::Value {
/// #     let file = format!("{}/tests/fixtures/server-2024-10/{name}.json", env!("CARGO_MANIFEST_DIR"));
/// #     let mut sample: serde_json::Value = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
/// #     sample["response"].take()
/// # };
/// # let client = infisical_config::Client::builder().site(server.uri()).access_token("token")
/// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false)
/// #     .api_version(infisical_config::resources::ApiVersion::Current).build()?;
/// # let mut issued = recorded("113-pki-issue-certificate");
/// # issued["certificateId"] = "4e180fbb-78c2-40ba-b30c-a800bd66ca65".into();
/// # let answer = serde_json::json!({"certificate": issued, "certificateRequestId": "5d0c7a52-2f4e-4b8e-9a3c-1e6f0b2d4c8a"});
/// # Mock::given(method("POST")).and(path("/api/v1/cert-manager/certificates"))
/// #     .respond_with(ResponseTemplate::new(200).set_body_json(answer)).expect(1).mount(&server).await;
/// use infisical_config::resources::certificates::IssueCertificate;
///
/// let issued = client.certificates().issue(&IssueCertificate::new("profile-id").common_name("svc.internal.example")).await?;
/// let cert = issued.certificate.expect("issued at once");
/// assert_eq!(cert.certificate_id.as_deref(), Some("4e180fbb-78c2-40ba-b30c-a800bd66ca65"));
/// assert!(cert.issuing_ca_certificate.is_some());
/// # Ok::<(), infisical_config::Error>(()) }).unwrap();
/// ```
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

/// The answer to [`Certificates::issue`](super::Certificates::issue): the certificate, or a request to
/// poll when it waits for approval or an external CA.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// # use wiremock::{Mock, ResponseTemplate, matchers::{body_json, method, path}};
/// # let server = wiremock::MockServer::start().await;
/// # let recorded = |name: &str| -> serde_json::Value {
/// #     let file = format!("{}/tests/fixtures/server-2024-10/{name}.json", env!("CARGO_MANIFEST_DIR"));
/// #     let mut sample: serde_json::Value = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
/// #     sample["response"].take()
/// # };
/// # let client = infisical_config::Client::builder().site(server.uri()).access_token("token")
/// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false)
/// #     .api_version(infisical_config::resources::ApiVersion::Current).build()?;
/// # let answer = serde_json::json!({"certificate": null, "certificateRequestId": "5d0c7a52-2f4e-4b8e-9a3c-1e6f0b2d4c8a", "status": "pending_approval"});
/// # Mock::given(method("POST")).and(path("/api/v1/cert-manager/certificates"))
/// #     .respond_with(ResponseTemplate::new(200).set_body_json(answer)).expect(1).mount(&server).await;
/// use infisical_config::resources::certificates::IssueCertificate;
///
/// let result = client.certificates().issue(&IssueCertificate::new("profile-id").common_name("svc.internal.example")).await?;
/// match result.certificate {
///     Some(cert) => println!("issued {}", cert.serial_number),
///     None => println!("request {} is {}", result.certificate_request_id, result.status.as_deref().unwrap_or("pending")),
/// }
/// # assert_eq!(result.certificate_request_id, "5d0c7a52-2f4e-4b8e-9a3c-1e6f0b2d4c8a");
/// # Ok::<(), infisical_config::Error>(()) }).unwrap();
/// ```
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

/// The answer to a revocation ([`Certificates::revoke`](super::Certificates::revoke)).
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// # use wiremock::{Mock, ResponseTemplate, matchers::{body_json, method, path}};
/// # let server = wiremock::MockServer::start().await;
/// # let recorded = |name: &str| -> serde_json::Value {
/// #     let file = format!("{}/tests/fixtures/server-2024-10/{name}.json", env!("CARGO_MANIFEST_DIR"));
/// #     let mut sample: serde_json::Value = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
/// #     sample["response"].take()
/// # };
/// # let client = infisical_config::Client::builder().site(server.uri()).access_token("token")
/// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false)
/// #     .api_version(infisical_config::resources::ApiVersion::Current).build()?;
/// # let revoked = serde_json::json!({"message": "Successfully revoked certificate", "serialNumber": "25c2bddbf3935cfce23b57e88dc7e316ccec6e30", "revokedAt": "2026-11-22T11:07:01.000Z"});
/// # Mock::given(method("POST")).and(path("/api/v1/cert-manager/certificates/4e180fbb-78c2-40ba-b30c-a800bd66ca65/revoke"))
/// #     .respond_with(ResponseTemplate::new(200).set_body_json(revoked)).expect(1).mount(&server).await;
/// use infisical_config::resources::certificates::RevocationReason;
///
/// let revoked = client.certificates().revoke("4e180fbb-78c2-40ba-b30c-a800bd66ca65", RevocationReason::Superseded).await?;
/// assert_eq!(revoked.serial_number, "25c2bddbf3935cfce23b57e88dc7e316ccec6e30");
/// assert_eq!(revoked.revoked_at.as_deref(), Some("2026-11-22T11:07:01.000Z"));
/// # Ok::<(), infisical_config::Error>(()) }).unwrap();
/// ```
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

/// A page of certificates, as [`Certificates::list`](super::Certificates::list) answers it.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// # let server = wiremock::MockServer::start().await;
/// # for name in ["110-pki-list-project-certificates"] {
/// #     let file = format!("{}/tests/fixtures/server-2024-10/{name}.json", env!("CARGO_MANIFEST_DIR"));
/// #     let s: serde_json::Value = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
/// #     let mut mock = wiremock::Mock::given(wiremock::matchers::method(s["method"].as_str().unwrap()))
/// #         .and(wiremock::matchers::path(s["path"].as_str().unwrap()));
/// #     if !s["body"].is_null() { mock = mock.and(wiremock::matchers::body_json(&s["body"])); }
/// #     for (k, v) in s["query"].as_object().into_iter().flatten() {
/// #         mock = mock.and(wiremock::matchers::query_param(k.as_str(), v.as_str().unwrap()));
/// #     }
/// #     let answer = wiremock::ResponseTemplate::new(s["status"].as_u64().unwrap() as u16).set_body_json(&s["response"]);
/// #     mock.respond_with(answer).expect(1).mount(&server).await;
/// # }
/// # let client = infisical_config::Client::builder().site(server.uri()).access_token("token")
/// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false)
/// #     .api_version(infisical_config::resources::ApiVersion::Legacy).build()?;
/// use infisical_config::resources::certificates::ListCertificates;
///
/// let page = client.certificates().list(&ListCertificates::new("rust-sdk-test")).await?;
/// assert_eq!(page.total_count, page.certificates.len() as u64); // all on this page
/// # Ok::<(), infisical_config::Error>(()) }).unwrap();
/// ```
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

/// Why a certificate is revoked, for [`Certificates::revoke`](super::Certificates::revoke): the
/// reason codes of RFC 5280, which the CA publishes in its revocation list.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// # use wiremock::{Mock, ResponseTemplate, matchers::{body_json, method, path}};
/// # let server = wiremock::MockServer::start().await;
/// # let recorded = |name: &str| -> serde_json::Value {
/// #     let file = format!("{}/tests/fixtures/server-2024-10/{name}.json", env!("CARGO_MANIFEST_DIR"));
/// #     let mut sample: serde_json::Value = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
/// #     sample["response"].take()
/// # };
/// # let client = infisical_config::Client::builder().site(server.uri()).access_token("token")
/// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false)
/// #     .api_version(infisical_config::resources::ApiVersion::Current).build()?;
/// # Mock::given(method("POST")).and(path("/api/v1/cert-manager/certificates/4e180fbb-78c2-40ba-b30c-a800bd66ca65/revoke"))
/// #     .and(body_json(serde_json::json!({"revocationReason": "KEY_COMPROMISE"})))
/// #     .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"message": "ok"}))).expect(1).mount(&server).await;
/// use infisical_config::resources::certificates::RevocationReason;
///
/// // The key leaked: revoke, and say so.
/// client.certificates().revoke("4e180fbb-78c2-40ba-b30c-a800bd66ca65", RevocationReason::KeyCompromise).await?;
/// # Ok::<(), infisical_config::Error>(()) }).unwrap();
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RevocationReason {
    /// No reason given.
    Unspecified,
    /// The certificate's private key was, or may have been, disclosed.
    KeyCompromise,
    /// The issuing CA's key was, or may have been, disclosed.
    CaCompromise,
    /// The subject's name or other information changed.
    AffiliationChanged,
    /// A new certificate replaces it.
    Superseded,
    /// It is no longer needed (the service is gone).
    CessationOfOperation,
    /// Suspended for now.
    CertificateHold,
    /// A privilege it granted was withdrawn.
    PrivilegeWithdrawn,
    /// The attribute authority's key was, or may have been, disclosed.
    #[serde(rename = "A_A_COMPROMISE")]
    AaCompromise,
}

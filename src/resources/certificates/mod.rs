//! Certificates (PKI): get, body and chain, bundle, private key, issue, sign, revoke, delete, list.
//!
//! Current servers keep certificates at `/api/v1/cert-manager/certificates/{id}` (by UUID). The legacy
//! routes `/api/v1/pki/certificates/{serialNumber}` (by serial number), which the Python SDK this crate
//! descends from used and servers of 2024 serve, are here too, marked `#[deprecated]`.

mod model;
mod pki;
mod requests;

pub use model::*;
pub use requests::{IssueCertificate, LegacyIssue, ListCertificates};

use std::collections::HashSet;
use std::sync::Mutex;

use secrecy::SecretString;
use serde::{Deserialize, Serialize};

use crate::Client;
use crate::error::{Error, Result};
use crate::resources::{ProjectRef, require};
use crate::routes::CERTIFICATES;
use crate::transport::ApiRequest;

#[derive(Deserialize)]
struct Wrapped<T> {
    certificate: T,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RevokeBody {
    revocation_reason: RevocationReason,
}

/// Logs once per process per deprecated route.
pub(super) fn warn_deprecated(route: &'static str) {
    static WARNED: Mutex<Option<HashSet<&'static str>>> = Mutex::new(None);
    let mut warned = WARNED.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if warned.get_or_insert_with(HashSet::new).insert(route) {
        tracing::warn!(route, "deprecated Infisical route used; move to the /api/v1/cert-manager routes");
    }
}

/// The certificates handler: `client.certificates()`. Issue a certificate from a profile, fetch it
/// (record, PEM and chain, bundle with its key), revoke and delete it, list a project's.
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
/// # let id = "4e180fbb-78c2-40ba-b30c-a800bd66ca65";
/// # let mut issued = recorded("113-pki-issue-certificate");
/// # issued["certificateId"] = id.into();
/// # let answer = serde_json::json!({"certificate": issued, "certificateRequestId": "5d0c7a52-2f4e-4b8e-9a3c-1e6f0b2d4c8a"});
/// # Mock::given(method("POST")).and(path("/api/v1/cert-manager/certificates"))
/// #     .respond_with(ResponseTemplate::new(200).set_body_json(answer)).expect(1).mount(&server).await;
/// # Mock::given(method("GET")).and(path(format!("/api/v1/cert-manager/certificates/{id}/bundle")))
/// #     .respond_with(ResponseTemplate::new(200).set_body_json(recorded("113-pki-issue-certificate"))).expect(1).mount(&server).await;
/// # let revoked = serde_json::json!({"message": "Successfully revoked certificate", "serialNumber": "25c2bddbf3935cfce23b57e88dc7e316ccec6e30", "revokedAt": "2026-11-22T11:07:01.000Z"});
/// # Mock::given(method("POST")).and(path(format!("/api/v1/cert-manager/certificates/{id}/revoke")))
/// #     .respond_with(ResponseTemplate::new(200).set_body_json(revoked)).expect(1).mount(&server).await;
/// use infisical_config::resources::certificates::{IssueCertificate, RevocationReason};
///
/// let certs = client.certificates();
/// let issued = certs.issue(&IssueCertificate::new("profile-id").common_name("svc.internal.example").ttl("30d")).await?;
/// let id = issued.certificate.and_then(|c| c.certificate_id).expect("issued at once");
/// let bundle = certs.bundle(&id).await?;
/// assert!(bundle.certificate.starts_with("-----BEGIN CERTIFICATE-----"));
/// certs.revoke(&id, RevocationReason::Superseded).await?;
/// # Ok::<(), infisical_config::Error>(()) }).unwrap();
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Certificates<'c> {
    client: &'c Client,
}

impl Client {
    /// The certificates handler: see [`Certificates`].
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
    /// assert_eq!(page.certificates[0].common_name, "svc2.internal.example");
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    #[must_use]
    pub fn certificates(&self) -> Certificates<'_> {
        Certificates { client: self }
    }
}

impl Certificates<'_> {
    async fn get_json<T: serde::de::DeserializeOwned>(&self, base: &[&str], id: &str, tail: Option<&str>) -> Result<T> {
        require("id", id)?;
        let mut req = ApiRequest::get(base).segment(id);
        if let Some(t) = tail {
            req = req.segment(t);
        }
        self.client.execute(&req).await?.json()
    }

    async fn get_text(&self, base: &[&str], id: &str) -> Result<SecretString> {
        require("id", id)?;
        let resp = self.client.execute(&ApiRequest::get(base).segment(id).segment("private-key")).await?;
        let text = String::from_utf8(resp.body.contiguous().into_owned()).map_err(|_| Error::Decode {
            endpoint: resp.endpoint.clone(),
            detail: "the private key is not UTF-8 text".into(),
        })?;
        Ok(SecretString::from(text))
    }

    /// A certificate's record (no key material), by id.
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
    /// # Mock::given(method("GET")).and(path("/api/v1/cert-manager/certificates/4e180fbb-78c2-40ba-b30c-a800bd66ca65"))
    /// #     .respond_with(ResponseTemplate::new(200).set_body_json(recorded("114-pki-get-certificate"))).expect(1).mount(&server).await;
    /// let cert = client.certificates().get("4e180fbb-78c2-40ba-b30c-a800bd66ca65").await?;
    /// assert_eq!(cert.common_name, "svc.internal.example");
    /// assert_eq!(cert.status, "active");
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] for an empty id, before any request; [`Error::Api`] (404) when there
    /// is no such certificate.
    pub async fn get(&self, id: &str) -> Result<CertificateInfo> {
        Ok(self.get_json::<Wrapped<CertificateInfo>>(CERTIFICATES, id, None).await?.certificate)
    }

    /// A certificate's PEM and chain, by id.
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
    /// assert_eq!(body.serial_number, "25c2bddbf3935cfce23b57e88dc7e316ccec6e30");
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] for an empty id, before any request; [`Error::Api`] (404) when there
    /// is no such certificate.
    pub async fn body(&self, id: &str) -> Result<CertificateBody> {
        self.get_json(CERTIFICATES, id, Some("certificate")).await
    }

    /// A certificate, chain and private key, by id.
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
    /// let key = bundle.private_key.expect("the server holds the key");
    /// assert!(key.expose_secret().starts_with("-----BEGIN PRIVATE KEY-----"));
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] for an empty id, before any request; [`Error::Api`] (404) when there
    /// is no such certificate.
    pub async fn bundle(&self, id: &str) -> Result<CertificateBundle> {
        self.get_json(CERTIFICATES, id, Some("bundle")).await
    }

    /// A certificate's private key (PEM; the server answers plain text), by id.
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
    /// # let pem = recorded("113-pki-issue-certificate")["privateKey"].as_str().unwrap().to_owned();
    /// # Mock::given(method("GET")).and(path("/api/v1/cert-manager/certificates/4e180fbb-78c2-40ba-b30c-a800bd66ca65/private-key"))
    /// #     .respond_with(ResponseTemplate::new(200).set_body_string(pem)).expect(1).mount(&server).await;
    /// use infisical_config::ExposeSecret;
    ///
    /// let key = client.certificates().private_key("4e180fbb-78c2-40ba-b30c-a800bd66ca65").await?;
    /// assert!(key.expose_secret().starts_with("-----BEGIN PRIVATE KEY-----"));
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] for an empty id, before any request; [`Error::Api`] (404) when there
    /// is no such certificate or the server does not hold its key; [`Error::Decode`] when the key is
    /// not UTF-8 text.
    pub async fn private_key(&self, id: &str) -> Result<SecretString> {
        self.get_text(CERTIFICATES, id).await
    }

    /// Issues a certificate from a profile, or signs a CSR. The answer holds the certificate when it
    /// was issued at once, or only a certificate request id when it waits for approval or an external
    /// CA.
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
    /// # let sent = serde_json::json!({"profileId": "profile-id", "attributes": {"commonName": "svc.internal.example", "ttl": "30d"}});
    /// # Mock::given(method("POST")).and(path("/api/v1/cert-manager/certificates")).and(body_json(sent))
    /// #     .respond_with(ResponseTemplate::new(200).set_body_json(answer)).expect(1).mount(&server).await;
    /// use infisical_config::resources::certificates::IssueCertificate;
    ///
    /// let req = IssueCertificate::new("profile-id").common_name("svc.internal.example").ttl("30d");
    /// let issued = client.certificates().issue(&req).await?;
    /// let cert = issued.certificate.expect("issued at once");
    /// assert_eq!(cert.serial_number, "25c2bddbf3935cfce23b57e88dc7e316ccec6e30");
    /// assert!(cert.private_key.is_some(), "the server made the key");
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] for an empty profile id, before any request; [`Error::Api`] when the
    /// server refuses: an unknown profile (404), attributes the profile's policy forbids or a bad
    /// TTL (400 or 422).
    pub async fn issue(&self, req: &IssueCertificate) -> Result<IssueResult> {
        require("profile_id", &req.profile_id)?;
        self.client.execute(&ApiRequest::post(CERTIFICATES).json(req)?).await?.json()
    }

    /// Revokes a certificate, by id, for `reason`.
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
    /// #     .and(body_json(serde_json::json!({"revocationReason": "KEY_COMPROMISE"})))
    /// #     .respond_with(ResponseTemplate::new(200).set_body_json(revoked)).expect(1).mount(&server).await;
    /// use infisical_config::resources::certificates::RevocationReason;
    ///
    /// let revoked = client.certificates().revoke("4e180fbb-78c2-40ba-b30c-a800bd66ca65", RevocationReason::KeyCompromise).await?;
    /// assert!(revoked.revoked_at.is_some());
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] for an empty id, before any request; [`Error::Api`] (404) when there
    /// is no such certificate.
    pub async fn revoke(&self, id: &str, reason: RevocationReason) -> Result<Revoked> {
        require("id", id)?;
        let req = ApiRequest::post(CERTIFICATES)
            .segment(id)
            .segment("revoke")
            .json(&RevokeBody { revocation_reason: reason })?;
        self.client.execute(&req).await?.json()
    }

    /// Deletes a certificate, by id, and answers its record. Deleting does not revoke: revoke first
    /// when it may still be in use.
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
    /// # Mock::given(method("DELETE")).and(path("/api/v1/cert-manager/certificates/4e180fbb-78c2-40ba-b30c-a800bd66ca65"))
    /// #     .respond_with(ResponseTemplate::new(200).set_body_json(recorded("114-pki-get-certificate"))).expect(1).mount(&server).await;
    /// let deleted = client.certificates().delete("4e180fbb-78c2-40ba-b30c-a800bd66ca65").await?;
    /// assert_eq!(deleted.id, "4e180fbb-78c2-40ba-b30c-a800bd66ca65");
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] for an empty id, before any request; [`Error::Api`] (404) when there
    /// is no such certificate.
    pub async fn delete(&self, id: &str) -> Result<CertificateInfo> {
        self.delete_at(CERTIFICATES, id).await
    }

    /// Deletes the certificate `id` below `base` (by id on current routes, by serial on PKI ones).
    pub(super) async fn delete_at(&self, base: &[&str], id: &str) -> Result<CertificateInfo> {
        require("id", id)?;
        Ok(self
            .client
            .execute(&ApiRequest::delete(base).segment(id))
            .await?
            .json::<Wrapped<CertificateInfo>>()?
            .certificate)
    }

    /// A page of a project's certificates (records, no key material). Servers of 2024 list by
    /// project slug: a project given by id is looked up there.
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
    /// assert_eq!(page.total_count, 1);
    /// assert_eq!(page.certificates[0].serial_number, "335c0308caf8f973c14899459d655d4542506426");
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] for a limit outside 1 to 100 or an empty project, before any
    /// request; [`Error::Api`] when the server refuses (an unknown project, or one the identity may
    /// not read).
    pub async fn list(&self, req: &ListCertificates) -> Result<CertificatePage> {
        if !(1..=100).contains(&req.limit) {
            return Err(Error::invalid("limit", format!("is {}; it must be between 1 and 100", req.limit)));
        }
        req.project.validate()?;
        // Current servers list by project id; servers of 2024 by slug. Resolve only what is needed.
        let by_slug = self.client.inner.routes.routes().certificates_by_slug;
        let mut slug = match &req.project {
            ProjectRef::Slug(s) => Some(s.clone()),
            ProjectRef::Id(id) if by_slug => Some(self.client.projects().get_by_id(id).await?.slug),
            ProjectRef::Id(_) => None,
        };
        let id = if by_slug { None } else { Some(self.client.project_id(&req.project).await?) };
        let send = |slug: Option<String>| {
            let id = id.clone();
            async move {
                self.client
                    .routed(|routes| {
                        let project = if routes.certificates_by_slug { &slug } else { &id };
                        // The detection just found an older server: the slug is needed after all.
                        let Some(project) = project else { return Err(Error::invalid("project", "slug unknown")) };
                        let route = if routes.certificates_by_slug { routes.project_by_slug } else { routes.projects };
                        Ok(ApiRequest::get(route)
                            .segment(project.as_str())
                            .segment("certificates")
                            .query("offset", req.offset.to_string())
                            .query("limit", req.limit.to_string()))
                    })
                    .await
            }
        };
        let resp = match send(slug.clone()).await {
            Err(Error::InvalidRequest { field: "project", .. }) if slug.is_none() => {
                let ProjectRef::Id(id) = &req.project else { unreachable!("a slug is always known") };
                slug = Some(self.client.projects().get_by_id(id).await?.slug);
                send(slug).await?
            }
            other => other?,
        };
        resp.json()
    }
}

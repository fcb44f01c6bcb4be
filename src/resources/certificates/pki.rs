//! The deprecated `/api/v1/pki` routes, by serial number and by CA, which servers of 2024 serve.

use secrecy::SecretString;

use crate::error::{Error, Result};
use crate::resources::require;
use crate::routes::{PKI_CA, PKI_CERTIFICATES};
use crate::transport::ApiRequest;

use super::{
    CertificateBody, CertificateBundle, CertificateInfo, Certificates, IssuedCertificate, LegacyIssue,
    RevocationReason, RevokeBody, Revoked, Wrapped, warn_deprecated,
};

impl Certificates<'_> {
    /// A certificate's record, by serial number (legacy route).
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # let server = wiremock::MockServer::start().await;
    /// # for name in ["114-pki-get-certificate"] {
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
    /// # #[allow(deprecated)]
    /// let cert = client.certificates().get_by_serial("25c2bddbf3935cfce23b57e88dc7e316ccec6e30").await?;
    /// assert_eq!(cert.common_name, "svc.internal.example");
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] for an empty serial, before any request; [`Error::Api`] when the
    /// server refuses: servers of 2024 answer an unknown serial with 500 (after the retries).
    #[deprecated(note = "legacy /api/v1/pki route; use `get` with the certificate id")]
    pub async fn get_by_serial(&self, serial: &str) -> Result<CertificateInfo> {
        warn_deprecated("GET /api/v1/pki/certificates/{serialNumber}");
        Ok(self.get_json::<Wrapped<CertificateInfo>>(PKI_CERTIFICATES, serial, None).await?.certificate)
    }

    /// A certificate's PEM and chain, by serial number (legacy route).
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # let server = wiremock::MockServer::start().await;
    /// # for name in ["115-pki-get-certificate-body"] {
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
    /// # #[allow(deprecated)]
    /// let body = client.certificates().body_by_serial("25c2bddbf3935cfce23b57e88dc7e316ccec6e30").await?;
    /// assert!(body.certificate.starts_with("-----BEGIN CERTIFICATE-----"));
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] for an empty serial, before any request; [`Error::Api`] when the
    /// server refuses (an unknown serial: 500 on servers of 2024).
    #[deprecated(note = "legacy /api/v1/pki route; use `body` with the certificate id")]
    pub async fn body_by_serial(&self, serial: &str) -> Result<CertificateBody> {
        warn_deprecated("GET /api/v1/pki/certificates/{serialNumber}/certificate");
        self.get_json(PKI_CERTIFICATES, serial, Some("certificate")).await
    }

    /// A certificate, chain and private key, by serial number (legacy route).
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
    /// #     .api_version(infisical_config::resources::ApiVersion::Legacy).build()?;
    /// # Mock::given(method("GET")).and(path("/api/v1/pki/certificates/25c2bddbf3935cfce23b57e88dc7e316ccec6e30/bundle"))
    /// #     .respond_with(ResponseTemplate::new(200).set_body_json(recorded("113-pki-issue-certificate"))).expect(1).mount(&server).await;
    /// # #[allow(deprecated)]
    /// let bundle = client.certificates().bundle_by_serial("25c2bddbf3935cfce23b57e88dc7e316ccec6e30").await?;
    /// assert!(bundle.private_key.is_some());
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] for an empty serial, before any request; [`Error::Api`] when the
    /// server refuses (an unknown serial: 500 on servers of 2024).
    #[deprecated(note = "legacy /api/v1/pki route; use `bundle` with the certificate id")]
    pub async fn bundle_by_serial(&self, serial: &str) -> Result<CertificateBundle> {
        warn_deprecated("GET /api/v1/pki/certificates/{serialNumber}/bundle");
        self.get_json(PKI_CERTIFICATES, serial, Some("bundle")).await
    }

    /// A certificate's private key (PEM), by serial number (legacy route).
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
    /// #     .api_version(infisical_config::resources::ApiVersion::Legacy).build()?;
    /// # let pem = recorded("113-pki-issue-certificate")["privateKey"].as_str().unwrap().to_owned();
    /// # Mock::given(method("GET")).and(path("/api/v1/pki/certificates/25c2bddbf3935cfce23b57e88dc7e316ccec6e30/private-key"))
    /// #     .respond_with(ResponseTemplate::new(200).set_body_string(pem)).expect(1).mount(&server).await;
    /// use infisical_config::ExposeSecret;
    ///
    /// # #[allow(deprecated)]
    /// let key = client.certificates().private_key_by_serial("25c2bddbf3935cfce23b57e88dc7e316ccec6e30").await?;
    /// assert!(key.expose_secret().starts_with("-----BEGIN PRIVATE KEY-----"));
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] for an empty serial, before any request; [`Error::Api`] when the
    /// server refuses (an unknown serial: 500 on servers of 2024); [`Error::Decode`] when the key is
    /// not UTF-8 text.
    #[deprecated(note = "legacy /api/v1/pki route; use `private_key` with the certificate id")]
    pub async fn private_key_by_serial(&self, serial: &str) -> Result<SecretString> {
        warn_deprecated("GET /api/v1/pki/certificates/{serialNumber}/private-key");
        self.get_text(PKI_CERTIFICATES, serial).await
    }

    /// Revokes a certificate, by serial number (legacy route).
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
    /// #     .api_version(infisical_config::resources::ApiVersion::Legacy).build()?;
    /// # let revoked = serde_json::json!({"message": "Successfully revoked certificate", "serialNumber": "25c2bddbf3935cfce23b57e88dc7e316ccec6e30", "revokedAt": "2026-11-22T11:07:01.000Z"});
    /// # Mock::given(method("POST")).and(path("/api/v1/pki/certificates/25c2bddbf3935cfce23b57e88dc7e316ccec6e30/revoke"))
    /// #     .and(body_json(serde_json::json!({"revocationReason": "SUPERSEDED"})))
    /// #     .respond_with(ResponseTemplate::new(200).set_body_json(revoked)).expect(1).mount(&server).await;
    /// use infisical_config::resources::certificates::RevocationReason;
    ///
    /// # #[allow(deprecated)]
    /// let revoked = client.certificates().revoke_by_serial("25c2bddbf3935cfce23b57e88dc7e316ccec6e30", RevocationReason::Superseded).await?;
    /// assert_eq!(revoked.serial_number, "25c2bddbf3935cfce23b57e88dc7e316ccec6e30");
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] for an empty serial, before any request; [`Error::Api`] when the
    /// server refuses (an unknown serial: 500 on servers of 2024).
    #[deprecated(note = "legacy /api/v1/pki route; use `revoke` with the certificate id")]
    pub async fn revoke_by_serial(&self, serial: &str, reason: RevocationReason) -> Result<Revoked> {
        warn_deprecated("POST /api/v1/pki/certificates/{serialNumber}/revoke");
        require("serial", serial)?;
        let req = ApiRequest::post(PKI_CERTIFICATES)
            .segment(serial)
            .segment("revoke")
            .json(&RevokeBody { revocation_reason: reason })?;
        self.client.execute(&req).await?.json()
    }

    /// Deletes a certificate, by serial number (legacy route), and answers its record.
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
    /// #     .api_version(infisical_config::resources::ApiVersion::Legacy).build()?;
    /// # Mock::given(method("DELETE")).and(path("/api/v1/pki/certificates/25c2bddbf3935cfce23b57e88dc7e316ccec6e30"))
    /// #     .respond_with(ResponseTemplate::new(200).set_body_json(recorded("114-pki-get-certificate"))).expect(1).mount(&server).await;
    /// # #[allow(deprecated)]
    /// let deleted = client.certificates().delete_by_serial("25c2bddbf3935cfce23b57e88dc7e316ccec6e30").await?;
    /// assert_eq!(deleted.serial_number, "25c2bddbf3935cfce23b57e88dc7e316ccec6e30");
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] for an empty serial, before any request; [`Error::Api`] when the
    /// server refuses (an unknown serial: 500 on servers of 2024).
    #[deprecated(note = "legacy /api/v1/pki route; use `delete` with the certificate id")]
    pub async fn delete_by_serial(&self, serial: &str) -> Result<CertificateInfo> {
        warn_deprecated("DELETE /api/v1/pki/certificates/{serialNumber}");
        self.delete_at(PKI_CERTIFICATES, serial).await
    }

    /// Issues a certificate on the legacy route (`/api/v1/pki/certificates/issue-certificate`), from the
    /// CA or template the request names.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # let server = wiremock::MockServer::start().await;
    /// # for name in ["106-pki-issue-certificate-via-certificates-route"] {
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
    /// use infisical_config::resources::certificates::LegacyIssue;
    ///
    /// let req = LegacyIssue::new("svc2.internal.example").ca("01e527f6-a7be-4348-a882-21f6529726cf").ttl("1d");
    /// # #[allow(deprecated)]
    /// let issued = client.certificates().issue_legacy(&req).await?;
    /// assert_eq!(issued.serial_number, "335c0308caf8f973c14899459d655d4542506426");
    /// assert!(issued.private_key.is_some());
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidRequest`], before any request, for an empty common name or when the request
    /// names no issuer or both a CA and a template; [`Error::Api`] when the server refuses
    /// (validation failures, such as a bad TTL or key usage, list each field).
    #[deprecated(note = "legacy /api/v1/pki route; use `issue` with a certificate profile")]
    pub async fn issue_legacy(&self, req: &LegacyIssue) -> Result<IssuedCertificate> {
        warn_deprecated("POST /api/v1/pki/certificates/issue-certificate");
        self.legacy_post(req, "issue-certificate").await
    }

    /// Signs a CSR on the legacy route (`/api/v1/pki/certificates/sign-certificate`): the key stays
    /// with the caller, so the answer has none.
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
    /// #     .api_version(infisical_config::resources::ApiVersion::Legacy).build()?;
    /// # let mut signed = recorded("106-pki-issue-certificate-via-certificates-route");
    /// # signed.as_object_mut().unwrap().remove("privateKey");
    /// # let sent = serde_json::json!({"caId": "01e527f6-a7be-4348-a882-21f6529726cf", "commonName": "svc2.internal.example", "csr": "-----BEGIN CERTIFICATE REQUEST-----\n...", "ttl": "1d"});
    /// # Mock::given(method("POST")).and(path("/api/v1/pki/certificates/sign-certificate")).and(body_json(sent))
    /// #     .respond_with(ResponseTemplate::new(200).set_body_json(signed)).expect(1).mount(&server).await;
    /// use infisical_config::resources::certificates::LegacyIssue;
    ///
    /// let csr = "-----BEGIN CERTIFICATE REQUEST-----\n..."; // made where the key lives
    /// let req = LegacyIssue::new("svc2.internal.example").ca("01e527f6-a7be-4348-a882-21f6529726cf").csr(csr).ttl("1d");
    /// # #[allow(deprecated)]
    /// let signed = client.certificates().sign_legacy(&req).await?;
    /// assert!(signed.certificate.starts_with("-----BEGIN CERTIFICATE-----"));
    /// assert!(signed.private_key.is_none());
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidRequest`], before any request, without a CSR, for an empty common name, or
    /// when the request names no issuer or both a CA and a template; [`Error::Api`] when the server
    /// refuses (an unparsable CSR, a bad TTL).
    #[deprecated(note = "legacy /api/v1/pki route; use `issue` with a CSR")]
    pub async fn sign_legacy(&self, req: &LegacyIssue) -> Result<IssuedCertificate> {
        warn_deprecated("POST /api/v1/pki/certificates/sign-certificate");
        if req.csr.as_deref().is_none_or(|c| c.trim().is_empty()) {
            return Err(Error::invalid("csr", "is missing; signing needs a CSR"));
        }
        self.legacy_post(req, "sign-certificate").await
    }

    /// Issues (or, with a CSR, signs) a certificate from CA `ca_id` on the CA's own legacy route
    /// (`/api/v1/pki/ca/{caId}/issue-certificate`), the one servers of 2024 document.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # let server = wiremock::MockServer::start().await;
    /// # for name in ["113-pki-issue-certificate"] {
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
    /// use infisical_config::resources::certificates::LegacyIssue;
    ///
    /// let req = LegacyIssue::new("svc.internal.example")
    ///     .friendly_name("svc cert")
    ///     .alt_names(["svc.internal.example", "localhost"])
    ///     .ttl("30d")
    ///     .key_usages(["digitalSignature", "keyEncipherment"])
    ///     .extended_key_usages(["serverAuth"]);
    /// # #[allow(deprecated)]
    /// let issued = client.certificates().issue_from_ca("01e527f6-a7be-4348-a882-21f6529726cf", &req).await?;
    /// assert_eq!(issued.serial_number, "25c2bddbf3935cfce23b57e88dc7e316ccec6e30");
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] for an empty CA id or common name, before any request;
    /// [`Error::Api`] when the server refuses: an unknown CA, or validation failures (key usages in
    /// the wrong spelling, a bad TTL), which list each field.
    #[deprecated(note = "legacy /api/v1/pki route; use `issue` with a certificate profile")]
    pub async fn issue_from_ca(&self, ca_id: &str, req: &LegacyIssue) -> Result<IssuedCertificate> {
        warn_deprecated("POST /api/v1/pki/ca/{caId}/issue-certificate");
        require("ca_id", ca_id)?;
        require("common_name", &req.common_name)?;
        let action = if req.csr.is_some() { "sign-certificate" } else { "issue-certificate" };
        let body = LegacyIssue { ca_id: None, certificate_template_id: None, ..req.clone() };
        let request = ApiRequest::post(PKI_CA).segment(ca_id).segment(action).json(&body)?;
        self.client.execute(&request).await?.json()
    }

    async fn legacy_post(&self, req: &LegacyIssue, action: &str) -> Result<IssuedCertificate> {
        require("common_name", &req.common_name)?;
        if req.ca_id.is_some() == req.certificate_template_id.is_some() {
            return Err(Error::invalid(
                "ca",
                "name exactly one issuer: a CA (`ca`) or a certificate template (`template`)",
            ));
        }
        self.client.execute(&ApiRequest::post(PKI_CERTIFICATES).segment(action).json(req)?).await?.json()
    }
}

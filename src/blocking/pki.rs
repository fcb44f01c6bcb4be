//! The blocking forms of the deprecated `/api/v1/pki` certificate routes, by serial number and by CA,
//! which servers of 2024 serve.

use secrecy::SecretString;

use super::Certificates;
use crate::resources::certificates::{
    CertificateBody, CertificateBundle, CertificateInfo, IssuedCertificate, LegacyIssue, RevocationReason, Revoked,
};

blocking_methods! {
    Certificates, certificates {
        /// A certificate's record, by serial number (legacy route). See
        /// [`crate::resources::Certificates::get_by_serial`].
        ///
        /// ```
        /// # #![allow(deprecated)]
        /// # let serial = "7f3a";
        /// # let rt = tokio::runtime::Runtime::new().unwrap();
        /// # let server = rt.block_on(wiremock::MockServer::start());
        /// # rt.block_on(wiremock::Mock::given(wiremock::matchers::method("GET")).and(wiremock::matchers::path("/api/v1/pki/certificates/7f3a"))
        /// #     .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(serde_json::json!({"certificate": {"id": "0b5e7c3a-1111-2222-3333-444455556666", "serialNumber": "7f3a", "commonName": "svc.internal", "status": "active"}}))).mount(&server));
        /// # let client = infisical_config::blocking::Client::builder().site(server.uri()).access_token("token")
        /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).build()?;
        /// let cert = client.certificates().get_by_serial(serial)?;
        /// assert_eq!(cert.common_name, "svc.internal");
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        ///
        /// # Errors
        /// [`Error::Api`](crate::Error::Api) when the server refuses; servers of 2024 answer 500 for an
        /// unknown serial.
        #[deprecated(note = "legacy /api/v1/pki route; use `get` with the certificate id")]
        fn get_by_serial(&self, serial: &str) -> CertificateInfo;

        /// A certificate's PEM and chain, by serial number (legacy route). See
        /// [`crate::resources::Certificates::body_by_serial`].
        ///
        /// ```
        /// # #![allow(deprecated)]
        /// # let serial = "7f3a";
        /// # let rt = tokio::runtime::Runtime::new().unwrap();
        /// # let server = rt.block_on(wiremock::MockServer::start());
        /// # rt.block_on(wiremock::Mock::given(wiremock::matchers::method("GET")).and(wiremock::matchers::path("/api/v1/pki/certificates/7f3a/certificate"))
        /// #     .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(serde_json::json!({"certificate": "-----BEGIN CERTIFICATE-----", "certificateChain": "-----BEGIN CERTIFICATE-----", "serialNumber": "7f3a"}))).mount(&server));
        /// # let client = infisical_config::blocking::Client::builder().site(server.uri()).access_token("token")
        /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).build()?;
        /// let body = client.certificates().body_by_serial(serial)?;
        /// assert!(body.certificate.starts_with("-----BEGIN CERTIFICATE-----"));
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        ///
        /// # Errors
        /// As [`get_by_serial`](Self::get_by_serial).
        #[deprecated(note = "legacy /api/v1/pki route; use `body` with the certificate id")]
        fn body_by_serial(&self, serial: &str) -> CertificateBody;

        /// A certificate, chain and private key, by serial number (legacy route). See
        /// [`crate::resources::Certificates::bundle_by_serial`].
        ///
        /// ```
        /// # #![allow(deprecated)]
        /// # let serial = "7f3a";
        /// # let rt = tokio::runtime::Runtime::new().unwrap();
        /// # let server = rt.block_on(wiremock::MockServer::start());
        /// # rt.block_on(wiremock::Mock::given(wiremock::matchers::method("GET")).and(wiremock::matchers::path("/api/v1/pki/certificates/7f3a/bundle"))
        /// #     .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(serde_json::json!({"certificate": "-----BEGIN CERTIFICATE-----", "privateKey": "-----BEGIN PRIVATE KEY-----", "serialNumber": "7f3a"}))).mount(&server));
        /// # let client = infisical_config::blocking::Client::builder().site(server.uri()).access_token("token")
        /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).build()?;
        /// let bundle = client.certificates().bundle_by_serial(serial)?;
        /// assert!(bundle.private_key.is_some());
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        ///
        /// # Errors
        /// As [`get_by_serial`](Self::get_by_serial).
        #[deprecated(note = "legacy /api/v1/pki route; use `bundle` with the certificate id")]
        fn bundle_by_serial(&self, serial: &str) -> CertificateBundle;

        /// A certificate's private key, by serial number (legacy route). See
        /// [`crate::resources::Certificates::private_key_by_serial`].
        ///
        /// ```
        /// # #![allow(deprecated)]
        /// # let serial = "7f3a";
        /// # let rt = tokio::runtime::Runtime::new().unwrap();
        /// # let server = rt.block_on(wiremock::MockServer::start());
        /// # rt.block_on(wiremock::Mock::given(wiremock::matchers::method("GET")).and(wiremock::matchers::path("/api/v1/pki/certificates/7f3a/private-key"))
        /// #     .respond_with(wiremock::ResponseTemplate::new(200).insert_header("content-type", "text/plain").set_body_string("-----BEGIN PRIVATE KEY-----\nabc\n")).mount(&server));
        /// # let client = infisical_config::blocking::Client::builder().site(server.uri()).access_token("token")
        /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).build()?;
        /// use infisical_config::ExposeSecret;
        ///
        /// let key = client.certificates().private_key_by_serial(serial)?;
        /// assert!(key.expose_secret().starts_with("-----BEGIN PRIVATE KEY-----"));
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        ///
        /// # Errors
        /// As [`get_by_serial`](Self::get_by_serial); [`Error::Decode`](crate::Error::Decode) when the
        /// answer is not UTF-8 text.
        #[deprecated(note = "legacy /api/v1/pki route; use `private_key` with the certificate id")]
        fn private_key_by_serial(&self, serial: &str) -> SecretString;

        /// Revokes a certificate, by serial number (legacy route). See
        /// [`crate::resources::Certificates::revoke_by_serial`].
        ///
        /// ```
        /// # #![allow(deprecated)]
        /// # let serial = "7f3a";
        /// # let rt = tokio::runtime::Runtime::new().unwrap();
        /// # let server = rt.block_on(wiremock::MockServer::start());
        /// # rt.block_on(wiremock::Mock::given(wiremock::matchers::method("POST")).and(wiremock::matchers::path("/api/v1/pki/certificates/7f3a/revoke"))
        /// #     .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(serde_json::json!({"message": "revoked", "serialNumber": "7f3a", "revokedAt": "2026-01-01T00:00:00Z"}))).mount(&server));
        /// # let client = infisical_config::blocking::Client::builder().site(server.uri()).access_token("token")
        /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).build()?;
        /// use infisical_config::resources::certificates::RevocationReason;
        ///
        /// let revoked = client.certificates().revoke_by_serial(serial, RevocationReason::Superseded)?;
        /// assert!(revoked.revoked_at.is_some());
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        ///
        /// # Errors
        /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) for an empty serial, before sending;
        /// [`Error::Api`](crate::Error::Api) when the server refuses.
        #[deprecated(note = "legacy /api/v1/pki route; use `revoke` with the certificate id")]
        fn revoke_by_serial(&self, serial: &str, reason: RevocationReason) -> Revoked;

        /// Deletes a certificate, by serial number (legacy route). See
        /// [`crate::resources::Certificates::delete_by_serial`].
        ///
        /// ```
        /// # #![allow(deprecated)]
        /// # let serial = "7f3a";
        /// # let rt = tokio::runtime::Runtime::new().unwrap();
        /// # let server = rt.block_on(wiremock::MockServer::start());
        /// # rt.block_on(wiremock::Mock::given(wiremock::matchers::method("DELETE")).and(wiremock::matchers::path("/api/v1/pki/certificates/7f3a"))
        /// #     .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(serde_json::json!({"certificate": {"id": "0b5e7c3a-1111-2222-3333-444455556666", "serialNumber": "7f3a", "commonName": "svc.internal", "status": "active"}}))).mount(&server));
        /// # let client = infisical_config::blocking::Client::builder().site(server.uri()).access_token("token")
        /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).build()?;
        /// let deleted = client.certificates().delete_by_serial(serial)?;
        /// assert_eq!(deleted.serial_number, serial);
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        ///
        /// # Errors
        /// As [`get_by_serial`](Self::get_by_serial).
        #[deprecated(note = "legacy /api/v1/pki route; use `delete` with the certificate id")]
        fn delete_by_serial(&self, serial: &str) -> CertificateInfo;

        /// Issues a certificate from the CA or template the request names (legacy route). See
        /// [`crate::resources::Certificates::issue_legacy`].
        ///
        /// ```
        /// # #![allow(deprecated)]
        /// # let rt = tokio::runtime::Runtime::new().unwrap();
        /// # let server = rt.block_on(wiremock::MockServer::start());
        /// # rt.block_on(wiremock::Mock::given(wiremock::matchers::method("POST")).and(wiremock::matchers::path("/api/v1/pki/certificates/issue-certificate"))
        /// #     .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(serde_json::json!({"certificate": "-----BEGIN CERTIFICATE-----", "serialNumber": "7f3a", "privateKey": "-----BEGIN PRIVATE KEY-----", "certificateId": "0b5e7c3a-1111-2222-3333-444455556666"}))).mount(&server));
        /// # let client = infisical_config::blocking::Client::builder().site(server.uri()).access_token("token")
        /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).build()?;
        /// use infisical_config::resources::certificates::LegacyIssue;
        ///
        /// let issued = client.certificates().issue_legacy(&LegacyIssue::new("svc.internal").ca("ca-id").ttl("30d"))?;
        /// assert_eq!(issued.serial_number, "7f3a");
        ///
        /// // Exactly one issuer: a CA or a template.
        /// let err = client.certificates().issue_legacy(&LegacyIssue::new("svc.internal")).unwrap_err();
        /// assert!(matches!(err, infisical_config::Error::InvalidRequest { .. }), "{err}");
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        ///
        /// # Errors
        /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) without a common name, or without exactly
        /// one issuer, before sending; [`Error::Api`](crate::Error::Api) when the server refuses (validation
        /// failures list each field).
        #[deprecated(note = "legacy /api/v1/pki route; use `issue` with a certificate profile")]
        fn issue_legacy(&self, req: &LegacyIssue) -> IssuedCertificate;

        /// Signs a CSR with the CA or template the request names (legacy route). See
        /// [`crate::resources::Certificates::sign_legacy`].
        ///
        /// ```
        /// # #![allow(deprecated)]
        /// # let rt = tokio::runtime::Runtime::new().unwrap();
        /// # let server = rt.block_on(wiremock::MockServer::start());
        /// # rt.block_on(wiremock::Mock::given(wiremock::matchers::method("POST")).and(wiremock::matchers::path("/api/v1/pki/certificates/sign-certificate"))
        /// #     .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(serde_json::json!({"certificate": "-----BEGIN CERTIFICATE-----", "serialNumber": "7f3a", "privateKey": "-----BEGIN PRIVATE KEY-----", "certificateId": "0b5e7c3a-1111-2222-3333-444455556666"}))).mount(&server));
        /// # let client = infisical_config::blocking::Client::builder().site(server.uri()).access_token("token")
        /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).build()?;
        /// use infisical_config::resources::certificates::LegacyIssue;
        /// # let csr_pem = "-----BEGIN CERTIFICATE REQUEST-----";
        ///
        /// let req = LegacyIssue::new("svc.internal").template("template-id").csr(csr_pem);
        /// let signed = client.certificates().sign_legacy(&req)?;
        /// assert_eq!(signed.serial_number, "7f3a");
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        ///
        /// # Errors
        /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) without a CSR, a common name or exactly one
        /// issuer, before sending; [`Error::Api`](crate::Error::Api) when the server refuses.
        #[deprecated(note = "legacy /api/v1/pki route; use `issue` with a CSR")]
        fn sign_legacy(&self, req: &LegacyIssue) -> IssuedCertificate;

        /// Issues (or, with a CSR, signs) a certificate from CA `ca_id` on the CA's own legacy route, the
        /// one servers of 2024 document. See [`crate::resources::Certificates::issue_from_ca`].
        ///
        /// ```
        /// # #![allow(deprecated)]
        /// # let rt = tokio::runtime::Runtime::new().unwrap();
        /// # let server = rt.block_on(wiremock::MockServer::start());
        /// # rt.block_on(wiremock::Mock::given(wiremock::matchers::method("POST")).and(wiremock::matchers::path("/api/v1/pki/ca/ca-id/issue-certificate"))
        /// #     .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(serde_json::json!({"certificate": "-----BEGIN CERTIFICATE-----", "serialNumber": "7f3a", "privateKey": "-----BEGIN PRIVATE KEY-----", "certificateId": "0b5e7c3a-1111-2222-3333-444455556666"}))).mount(&server));
        /// # let client = infisical_config::blocking::Client::builder().site(server.uri()).access_token("token")
        /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).build()?;
        /// use infisical_config::resources::certificates::LegacyIssue;
        ///
        /// let issued = client.certificates().issue_from_ca("ca-id", &LegacyIssue::new("svc.internal").ttl("30d"))?;
        /// assert_eq!(issued.certificate_id.as_deref(), Some("0b5e7c3a-1111-2222-3333-444455556666"));
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        ///
        /// # Errors
        /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) for an empty CA id or common name, before
        /// sending; [`Error::Api`](crate::Error::Api) when the server refuses.
        #[deprecated(note = "legacy /api/v1/pki route; use `issue` with a certificate profile")]
        fn issue_from_ca(&self, ca_id: &str, req: &LegacyIssue) -> IssuedCertificate;
    }
}

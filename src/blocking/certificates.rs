//! The blocking certificates handler (the `/api/v1/cert-manager` routes; the deprecated PKI ones are
//! in `pki.rs`).

use secrecy::SecretString;

use crate::resources::certificates::{
    CertificateBody, CertificateBundle, CertificateInfo, CertificatePage, IssueCertificate, IssueResult,
    ListCertificates, RevocationReason, Revoked,
};

handler! {
    /// The blocking certificates handler, `client.certificates()`: issues, reads, revokes and deletes
    /// certificates of Infisical's certificate manager. The blocking form of
    /// [`crate::resources::Certificates`].
    ///
    /// ```
    /// # let rt = tokio::runtime::Runtime::new().unwrap();
    /// # let server = rt.block_on(wiremock::MockServer::start());
    /// # rt.block_on(wiremock::Mock::given(wiremock::matchers::method("POST")).and(wiremock::matchers::path("/api/v1/cert-manager/certificates"))
    /// #     .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(serde_json::json!({"certificate": {"certificate": "-----BEGIN CERTIFICATE-----", "serialNumber": "7f3a", "privateKey": "-----BEGIN PRIVATE KEY-----", "certificateId": "0b5e7c3a-1111-2222-3333-444455556666"}, "certificateRequestId": "req-1"}))).mount(&server));
    /// # rt.block_on(wiremock::Mock::given(wiremock::matchers::method("GET")).and(wiremock::matchers::path("/api/v1/cert-manager/certificates/0b5e7c3a-1111-2222-3333-444455556666/bundle"))
    /// #     .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(serde_json::json!({"certificate": "-----BEGIN CERTIFICATE-----", "privateKey": "-----BEGIN PRIVATE KEY-----", "serialNumber": "7f3a"}))).mount(&server));
    /// # let client = infisical_config::blocking::Client::builder().site(server.uri()).access_token("token")
    /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).build()?;
    /// use infisical_config::resources::certificates::IssueCertificate;
    ///
    /// let issued = client.certificates().issue(&IssueCertificate::new("profile-id").common_name("svc.internal"))?;
    /// if let Some(id) = issued.certificate.and_then(|c| c.certificate_id) {
    ///     let bundle = client.certificates().bundle(&id)?;
    ///     assert!(bundle.certificate.starts_with("-----BEGIN CERTIFICATE-----"));
    /// }
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    struct Certificates;

    /// The certificates handler.
    ///
    /// ```
    /// # let id = "0b5e7c3a-1111-2222-3333-444455556666";
    /// # let rt = tokio::runtime::Runtime::new().unwrap();
    /// # let server = rt.block_on(wiremock::MockServer::start());
    /// # rt.block_on(wiremock::Mock::given(wiremock::matchers::method("GET")).and(wiremock::matchers::path("/api/v1/cert-manager/certificates/0b5e7c3a-1111-2222-3333-444455556666"))
    /// #     .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(serde_json::json!({"certificate": {"id": "0b5e7c3a-1111-2222-3333-444455556666", "serialNumber": "7f3a", "commonName": "svc.internal", "status": "active"}}))).mount(&server));
    /// # let client = infisical_config::blocking::Client::builder().site(server.uri()).access_token("token")
    /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).build()?;
    /// let cert = client.certificates().get(id)?;
    /// assert_eq!(cert.id, id);
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    fn certificates;
}

blocking_methods! {
    Certificates, certificates {
        /// A certificate's record, by id. See [`crate::resources::Certificates::get`].
        ///
        /// ```
        /// # let id = "0b5e7c3a-1111-2222-3333-444455556666";
        /// # let rt = tokio::runtime::Runtime::new().unwrap();
        /// # let server = rt.block_on(wiremock::MockServer::start());
        /// # rt.block_on(wiremock::Mock::given(wiremock::matchers::method("GET")).and(wiremock::matchers::path("/api/v1/cert-manager/certificates/0b5e7c3a-1111-2222-3333-444455556666"))
        /// #     .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(serde_json::json!({"certificate": {"id": "0b5e7c3a-1111-2222-3333-444455556666", "serialNumber": "7f3a", "commonName": "svc.internal", "status": "active"}}))).mount(&server));
        /// # let client = infisical_config::blocking::Client::builder().site(server.uri()).access_token("token")
        /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).build()?;
        /// let cert = client.certificates().get(id)?;
        /// assert_eq!((cert.common_name.as_str(), cert.status.as_str()), ("svc.internal", "active"));
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        ///
        /// # Errors
        /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) for an empty id, before sending;
        /// [`Error::Api`](crate::Error::Api) with status 404 when there is no such certificate.
        fn get(&self, id: &str) -> CertificateInfo;

        /// A certificate's PEM and chain, by id. See [`crate::resources::Certificates::body`].
        ///
        /// ```
        /// # let id = "0b5e7c3a-1111-2222-3333-444455556666";
        /// # let rt = tokio::runtime::Runtime::new().unwrap();
        /// # let server = rt.block_on(wiremock::MockServer::start());
        /// # rt.block_on(wiremock::Mock::given(wiremock::matchers::method("GET")).and(wiremock::matchers::path("/api/v1/cert-manager/certificates/0b5e7c3a-1111-2222-3333-444455556666/certificate"))
        /// #     .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(serde_json::json!({"certificate": "-----BEGIN CERTIFICATE-----", "certificateChain": "-----BEGIN CERTIFICATE-----", "serialNumber": "7f3a"}))).mount(&server));
        /// # let client = infisical_config::blocking::Client::builder().site(server.uri()).access_token("token")
        /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).build()?;
        /// let body = client.certificates().body(id)?;
        /// assert!(body.certificate.starts_with("-----BEGIN CERTIFICATE-----"));
        /// assert!(body.certificate_chain.is_some());
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        ///
        /// # Errors
        /// As [`get`](Self::get).
        fn body(&self, id: &str) -> CertificateBody;

        /// A certificate, its chain and its private key, by id. See [`crate::resources::Certificates::bundle`].
        ///
        /// ```
        /// # let id = "0b5e7c3a-1111-2222-3333-444455556666";
        /// # let rt = tokio::runtime::Runtime::new().unwrap();
        /// # let server = rt.block_on(wiremock::MockServer::start());
        /// # rt.block_on(wiremock::Mock::given(wiremock::matchers::method("GET")).and(wiremock::matchers::path("/api/v1/cert-manager/certificates/0b5e7c3a-1111-2222-3333-444455556666/bundle"))
        /// #     .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(serde_json::json!({"certificate": "-----BEGIN CERTIFICATE-----", "privateKey": "-----BEGIN PRIVATE KEY-----", "serialNumber": "7f3a"}))).mount(&server));
        /// # let client = infisical_config::blocking::Client::builder().site(server.uri()).access_token("token")
        /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).build()?;
        /// let bundle = client.certificates().bundle(id)?;
        /// assert!(bundle.private_key.is_some()); // a secret: never printed
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        ///
        /// # Errors
        /// As [`get`](Self::get).
        fn bundle(&self, id: &str) -> CertificateBundle;

        /// A certificate's private key (PEM), by id. See [`crate::resources::Certificates::private_key`].
        ///
        /// ```
        /// # let id = "0b5e7c3a-1111-2222-3333-444455556666";
        /// # let rt = tokio::runtime::Runtime::new().unwrap();
        /// # let server = rt.block_on(wiremock::MockServer::start());
        /// # rt.block_on(wiremock::Mock::given(wiremock::matchers::method("GET")).and(wiremock::matchers::path("/api/v1/cert-manager/certificates/0b5e7c3a-1111-2222-3333-444455556666/private-key"))
        /// #     .respond_with(wiremock::ResponseTemplate::new(200).insert_header("content-type", "text/plain").set_body_string("-----BEGIN PRIVATE KEY-----\nabc\n")).mount(&server));
        /// # let client = infisical_config::blocking::Client::builder().site(server.uri()).access_token("token")
        /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).build()?;
        /// use infisical_config::ExposeSecret;
        ///
        /// let key = client.certificates().private_key(id)?;
        /// assert!(key.expose_secret().starts_with("-----BEGIN PRIVATE KEY-----"));
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        ///
        /// # Errors
        /// As [`get`](Self::get), and 404 when the server does not hold the key;
        /// [`Error::Decode`](crate::Error::Decode) when the answer is not UTF-8 text.
        fn private_key(&self, id: &str) -> SecretString;

        /// Issues a certificate from a certificate profile, or signs a CSR. The answer holds the certificate,
        /// or only a request id while the issuance waits for approval. See
        /// [`crate::resources::Certificates::issue`].
        ///
        /// ```
        /// # let rt = tokio::runtime::Runtime::new().unwrap();
        /// # let server = rt.block_on(wiremock::MockServer::start());
        /// # rt.block_on(wiremock::Mock::given(wiremock::matchers::method("POST")).and(wiremock::matchers::path("/api/v1/cert-manager/certificates"))
        /// #     .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(serde_json::json!({"certificate": {"certificate": "-----BEGIN CERTIFICATE-----", "serialNumber": "7f3a", "privateKey": "-----BEGIN PRIVATE KEY-----", "certificateId": "0b5e7c3a-1111-2222-3333-444455556666"}, "certificateRequestId": "req-1", "status": "issued"}))).mount(&server));
        /// # let client = infisical_config::blocking::Client::builder().site(server.uri()).access_token("token")
        /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).build()?;
        /// use infisical_config::resources::certificates::IssueCertificate;
        ///
        /// let req = IssueCertificate::new("profile-id").common_name("svc.internal").alt_name("dns_name", "svc.internal").ttl("30d");
        /// let issued = client.certificates().issue(&req)?;
        /// let cert = issued.certificate.expect("issued at once, no approval");
        /// assert_eq!(cert.serial_number, "7f3a");
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        ///
        /// # Errors
        /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) for an empty profile id, before sending;
        /// [`Error::Api`](crate::Error::Api) when the server refuses (validation, the profile's policy).
        fn issue(&self, req: &IssueCertificate) -> IssueResult;

        /// Revokes a certificate, by id, for a reason that goes into the CA's revocation list. See
        /// [`crate::resources::Certificates::revoke`].
        ///
        /// ```
        /// # let id = "0b5e7c3a-1111-2222-3333-444455556666";
        /// # let rt = tokio::runtime::Runtime::new().unwrap();
        /// # let server = rt.block_on(wiremock::MockServer::start());
        /// # rt.block_on(wiremock::Mock::given(wiremock::matchers::method("POST")).and(wiremock::matchers::path("/api/v1/cert-manager/certificates/0b5e7c3a-1111-2222-3333-444455556666/revoke"))
        /// #     .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(serde_json::json!({"message": "revoked", "serialNumber": "7f3a", "revokedAt": "2026-01-01T00:00:00Z"}))).mount(&server));
        /// # let client = infisical_config::blocking::Client::builder().site(server.uri()).access_token("token")
        /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).build()?;
        /// use infisical_config::resources::certificates::RevocationReason;
        ///
        /// let revoked = client.certificates().revoke(id, RevocationReason::KeyCompromise)?;
        /// assert_eq!(revoked.serial_number, "7f3a");
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        ///
        /// # Errors
        /// As [`get`](Self::get).
        fn revoke(&self, id: &str, reason: RevocationReason) -> Revoked;

        /// Deletes a certificate, by id; the answer is its record as it was. See
        /// [`crate::resources::Certificates::delete`].
        ///
        /// ```
        /// # let id = "0b5e7c3a-1111-2222-3333-444455556666";
        /// # let rt = tokio::runtime::Runtime::new().unwrap();
        /// # let server = rt.block_on(wiremock::MockServer::start());
        /// # rt.block_on(wiremock::Mock::given(wiremock::matchers::method("DELETE")).and(wiremock::matchers::path("/api/v1/cert-manager/certificates/0b5e7c3a-1111-2222-3333-444455556666"))
        /// #     .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(serde_json::json!({"certificate": {"id": "0b5e7c3a-1111-2222-3333-444455556666", "serialNumber": "7f3a", "commonName": "svc.internal", "status": "active"}}))).mount(&server));
        /// # let client = infisical_config::blocking::Client::builder().site(server.uri()).access_token("token")
        /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).build()?;
        /// let deleted = client.certificates().delete(id)?;
        /// assert_eq!(deleted.serial_number, "7f3a");
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        ///
        /// # Errors
        /// As [`get`](Self::get).
        fn delete(&self, id: &str) -> CertificateInfo;

        /// A page of a project's certificates (25 unless told otherwise, at most 100). See
        /// [`crate::resources::Certificates::list`].
        ///
        /// ```
        /// # use infisical_config::testing::PROJECT_ID as project_id;
        /// # let rt = tokio::runtime::Runtime::new().unwrap();
        /// # let server = rt.block_on(wiremock::MockServer::start());
        /// # rt.block_on(wiremock::Mock::given(wiremock::matchers::method("GET")).and(wiremock::matchers::path("/api/v1/projects/6f1e0d3c-5b7a-4c2e-9d8f-0a1b2c3d4e5f/certificates"))
        /// #     .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(serde_json::json!({"certificates": [{"id": "0b5e7c3a-1111-2222-3333-444455556666", "serialNumber": "7f3a", "commonName": "svc.internal", "status": "active"}], "totalCount": 1}))).mount(&server));
        /// # let client = infisical_config::blocking::Client::builder().site(server.uri()).access_token("token")
        /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).build()?;
        /// use infisical_config::resources::certificates::ListCertificates;
        ///
        /// let page = client.certificates().list(&ListCertificates::new(project_id).limit(50))?;
        /// assert_eq!((page.certificates.len(), page.total_count), (1, 1));
        ///
        /// let err = client.certificates().list(&ListCertificates::new(project_id).limit(500)).unwrap_err();
        /// assert!(matches!(err, infisical_config::Error::InvalidRequest { .. }), "{err}");
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        ///
        /// # Errors
        /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) for a limit outside 1 to 100 or an empty
        /// project, before sending; [`Error::Api`](crate::Error::Api) when the server refuses (404 for an
        /// unknown project).
        fn list(&self, req: &ListCertificates) -> CertificatePage;
    }
}

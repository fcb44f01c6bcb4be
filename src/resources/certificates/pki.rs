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
    /// # Errors
    /// [`Error::Api`]; servers of 2024 answer 500 for an unknown serial.
    #[deprecated(note = "legacy /api/v1/pki route; use `get` with the certificate id")]
    pub async fn get_by_serial(&self, serial: &str) -> Result<CertificateInfo> {
        warn_deprecated("GET /api/v1/pki/certificates/{serialNumber}");
        Ok(self.get_json::<Wrapped<CertificateInfo>>(PKI_CERTIFICATES, serial, None).await?.certificate)
    }

    /// A certificate's PEM and chain, by serial number (legacy route).
    ///
    /// # Errors
    /// [`Error::Api`] when the server refuses.
    #[deprecated(note = "legacy /api/v1/pki route; use `body` with the certificate id")]
    pub async fn body_by_serial(&self, serial: &str) -> Result<CertificateBody> {
        warn_deprecated("GET /api/v1/pki/certificates/{serialNumber}/certificate");
        self.get_json(PKI_CERTIFICATES, serial, Some("certificate")).await
    }

    /// A certificate, chain and private key, by serial number (legacy route).
    ///
    /// # Errors
    /// [`Error::Api`] when the server refuses.
    #[deprecated(note = "legacy /api/v1/pki route; use `bundle` with the certificate id")]
    pub async fn bundle_by_serial(&self, serial: &str) -> Result<CertificateBundle> {
        warn_deprecated("GET /api/v1/pki/certificates/{serialNumber}/bundle");
        self.get_json(PKI_CERTIFICATES, serial, Some("bundle")).await
    }

    /// A certificate's private key, by serial number (legacy route).
    ///
    /// # Errors
    /// [`Error::Api`] when the server refuses.
    #[deprecated(note = "legacy /api/v1/pki route; use `private_key` with the certificate id")]
    pub async fn private_key_by_serial(&self, serial: &str) -> Result<SecretString> {
        warn_deprecated("GET /api/v1/pki/certificates/{serialNumber}/private-key");
        self.get_text(PKI_CERTIFICATES, serial).await
    }

    /// Revokes a certificate, by serial number (legacy route).
    ///
    /// # Errors
    /// [`Error::Api`] when the server refuses.
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

    /// Deletes a certificate, by serial number (legacy route).
    ///
    /// # Errors
    /// [`Error::Api`] when the server refuses.
    #[deprecated(note = "legacy /api/v1/pki route; use `delete` with the certificate id")]
    pub async fn delete_by_serial(&self, serial: &str) -> Result<CertificateInfo> {
        warn_deprecated("DELETE /api/v1/pki/certificates/{serialNumber}");
        self.delete_at(PKI_CERTIFICATES, serial).await
    }

    /// Issues a certificate on the legacy route (`/api/v1/pki/certificates/issue-certificate`), from the
    /// CA or template the request names.
    ///
    /// # Errors
    /// [`Error::Api`] when the server refuses (validation failures list each field).
    #[deprecated(note = "legacy /api/v1/pki route; use `issue` with a certificate profile")]
    pub async fn issue_legacy(&self, req: &LegacyIssue) -> Result<IssuedCertificate> {
        warn_deprecated("POST /api/v1/pki/certificates/issue-certificate");
        self.legacy_post(req, "issue-certificate").await
    }

    /// Signs a CSR on the legacy route (`/api/v1/pki/certificates/sign-certificate`).
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] without a CSR; [`Error::Api`] when the server refuses.
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
    /// # Errors
    /// [`Error::Api`] when the server refuses (validation failures list each field).
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

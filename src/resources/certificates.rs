//! Certificates (PKI): get, body and chain, bundle, private key, issue, sign, revoke, delete, list.
//!
//! Current servers keep certificates at `/api/v1/cert-manager/certificates/{id}` (by UUID). The legacy
//! routes `/api/v1/pki/certificates/{serialNumber}` (by serial number), which the Python SDK this crate
//! descends from used and servers of 2024 serve, are here too, marked `#[deprecated]`.

use std::collections::HashSet;
use std::sync::Mutex;

use secrecy::SecretString;
use serde::{Deserialize, Serialize};

use super::{ProjectRef, lenient_u64, null_default, require};
use crate::Client;
use crate::error::{Error, Result};
use crate::routes::{CERTIFICATES, PKI_CA, PKI_CERTIFICATES};
use crate::transport::ApiRequest;

/// A certificate's record (no key material).
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CertificateInfo {
    /// The id (UUID).
    pub id: String,
    /// The issuing CA's id.
    #[serde(default)]
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
    #[serde(default)]
    pub not_before: Option<String>,
    /// End of validity (ISO 8601).
    #[serde(default)]
    pub not_after: Option<String>,
    /// When it was revoked.
    #[serde(default)]
    pub revoked_at: Option<String>,
    /// Why it was revoked (the RFC 5280 code).
    #[serde(default)]
    pub revocation_reason: Option<f64>,
    /// Subject alternative names, comma-separated.
    #[serde(default)]
    pub alt_names: Option<String>,
    /// Key usages.
    #[serde(default, deserialize_with = "null_default")]
    pub key_usages: Vec<String>,
    /// Extended key usages.
    #[serde(default, deserialize_with = "null_default")]
    pub extended_key_usages: Vec<String>,
    /// Whether the server holds the private key (lists on current servers).
    #[serde(default)]
    pub has_private_key: Option<bool>,
    /// Creation time (ISO 8601).
    #[serde(default)]
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
    #[serde(default)]
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
    #[serde(default)]
    pub certificate_chain: Option<String>,
    /// The private key, PEM, when the server holds it.
    #[serde(default)]
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
    #[serde(default)]
    pub issuing_ca_certificate: Option<String>,
    /// The chain, PEM.
    #[serde(default)]
    pub certificate_chain: Option<String>,
    /// The private key, PEM (absent when a CSR was signed).
    #[serde(default)]
    pub private_key: Option<SecretString>,
    /// The serial number.
    #[serde(default, deserialize_with = "null_default")]
    pub serial_number: String,
    /// The certificate's id (current servers).
    #[serde(default)]
    pub certificate_id: Option<String>,
}

/// The answer to [`Certificates::issue`]: the certificate, or a request to poll when it waits for
/// approval or an external CA.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct IssueResult {
    /// The certificate, when issued at once.
    #[serde(default)]
    pub certificate: Option<IssuedCertificate>,
    /// The certificate request's id.
    #[serde(default, deserialize_with = "null_default")]
    pub certificate_request_id: String,
    /// The request's status.
    #[serde(default)]
    pub status: Option<String>,
    /// A message from the server.
    #[serde(default)]
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
    #[serde(default)]
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

/// Issues a certificate from a profile (or signs a CSR, with [`csr`](Self::csr)).
///
/// ```
/// use infisical_config::resources::certificates::IssueCertificate;
///
/// let req = IssueCertificate::new("profile-id")
///     .common_name("svc.internal.example")
///     .alt_name("dns_name", "svc.internal.example")
///     .ttl("30d")
///     .key_usages(["digital_signature"]);
/// # let _ = req;
/// ```
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[must_use]
pub struct IssueCertificate {
    profile_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    csr: Option<String>,
    attributes: Attributes,
    #[serde(skip_serializing_if = "Option::is_none")]
    remove_roots_from_chain: Option<bool>,
}

#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
struct Attributes {
    #[serde(skip_serializing_if = "Option::is_none")]
    common_name: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    alt_names: Vec<AltName>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ttl: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    key_algorithm: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    signature_algorithm: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    key_usages: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    extended_key_usages: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
struct AltName {
    #[serde(rename = "type")]
    kind: String,
    value: String,
}

impl IssueCertificate {
    /// Issues from certificate profile `profile_id`.
    pub fn new(profile_id: impl Into<String>) -> Self {
        IssueCertificate {
            profile_id: profile_id.into(),
            csr: None,
            attributes: Attributes::default(),
            remove_roots_from_chain: None,
        }
    }

    /// Signs this CSR (PEM) instead of generating a key.
    pub fn csr(mut self, pem: impl Into<String>) -> Self {
        self.csr = Some(pem.into());
        self
    }

    /// The common name.
    pub fn common_name(mut self, cn: impl Into<String>) -> Self {
        self.attributes.common_name = Some(cn.into());
        self
    }

    /// Adds a subject alternative name (`dns_name`, `ip_address`, `email`, `uri`).
    pub fn alt_name(mut self, kind: impl Into<String>, value: impl Into<String>) -> Self {
        self.attributes.alt_names.push(AltName { kind: kind.into(), value: value.into() });
        self
    }

    /// Validity, like `"90d"`.
    pub fn ttl(mut self, ttl: impl Into<String>) -> Self {
        self.attributes.ttl = Some(ttl.into());
        self
    }

    /// The key algorithm (`RSA_2048`, `EC_prime256v1`, ...).
    pub fn key_algorithm(mut self, alg: impl Into<String>) -> Self {
        self.attributes.key_algorithm = Some(alg.into());
        self
    }

    /// The signature algorithm.
    pub fn signature_algorithm(mut self, alg: impl Into<String>) -> Self {
        self.attributes.signature_algorithm = Some(alg.into());
        self
    }

    /// Key usages.
    pub fn key_usages<I: IntoIterator<Item = S>, S: Into<String>>(mut self, usages: I) -> Self {
        self.attributes.key_usages = usages.into_iter().map(Into::into).collect();
        self
    }

    /// Extended key usages.
    pub fn extended_key_usages<I: IntoIterator<Item = S>, S: Into<String>>(mut self, usages: I) -> Self {
        self.attributes.extended_key_usages = usages.into_iter().map(Into::into).collect();
        self
    }

    /// Leaves root certificates out of the chain.
    pub fn remove_roots_from_chain(mut self, yes: bool) -> Self {
        self.remove_roots_from_chain = Some(yes);
        self
    }
}

/// Issues or signs a certificate on the legacy routes, from a CA or a certificate template.
///
/// ```
/// use infisical_config::resources::certificates::LegacyIssue;
///
/// let req = LegacyIssue::new("svc.internal.example").ca("ca-id").alt_names(["svc.internal.example", "localhost"]).ttl("30d");
/// # let _ = req;
/// ```
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[must_use]
pub struct LegacyIssue {
    #[serde(skip_serializing_if = "Option::is_none")]
    ca_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    certificate_template_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pki_collection_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    friendly_name: Option<String>,
    common_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    alt_names: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ttl: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    csr: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    key_usages: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    extended_key_usages: Vec<String>,
}

impl LegacyIssue {
    /// A certificate for `common_name`; name the issuer with [`ca`](Self::ca) or
    /// [`template`](Self::template), or use [`Certificates::issue_from_ca`].
    pub fn new(common_name: impl Into<String>) -> Self {
        LegacyIssue {
            ca_id: None,
            certificate_template_id: None,
            pki_collection_id: None,
            friendly_name: None,
            common_name: common_name.into(),
            alt_names: None,
            ttl: None,
            csr: None,
            key_usages: Vec::new(),
            extended_key_usages: Vec::new(),
        }
    }

    /// Issues from this CA.
    pub fn ca(mut self, ca_id: impl Into<String>) -> Self {
        self.ca_id = Some(ca_id.into());
        self
    }

    /// Issues from this certificate template.
    pub fn template(mut self, template_id: impl Into<String>) -> Self {
        self.certificate_template_id = Some(template_id.into());
        self
    }

    /// Adds the certificate to this PKI collection.
    pub fn collection(mut self, collection_id: impl Into<String>) -> Self {
        self.pki_collection_id = Some(collection_id.into());
        self
    }

    /// A friendly name.
    pub fn friendly_name(mut self, name: impl Into<String>) -> Self {
        self.friendly_name = Some(name.into());
        self
    }

    /// Subject alternative names.
    pub fn alt_names<I: IntoIterator<Item = S>, S: Into<String>>(mut self, names: I) -> Self {
        self.alt_names = Some(names.into_iter().map(Into::into).collect::<Vec<_>>().join(","));
        self
    }

    /// Validity, like `"30d"`.
    pub fn ttl(mut self, ttl: impl Into<String>) -> Self {
        self.ttl = Some(ttl.into());
        self
    }

    /// The CSR to sign (for [`Certificates::sign_legacy`]).
    pub fn csr(mut self, pem: impl Into<String>) -> Self {
        self.csr = Some(pem.into());
        self
    }

    /// Key usages (`digitalSignature`, `keyEncipherment`, ...).
    pub fn key_usages<I: IntoIterator<Item = S>, S: Into<String>>(mut self, usages: I) -> Self {
        self.key_usages = usages.into_iter().map(Into::into).collect();
        self
    }

    /// Extended key usages (`serverAuth`, `clientAuth`, ...).
    pub fn extended_key_usages<I: IntoIterator<Item = S>, S: Into<String>>(mut self, usages: I) -> Self {
        self.extended_key_usages = usages.into_iter().map(Into::into).collect();
        self
    }
}

/// Lists a project's certificates, a page at a time.
///
/// ```
/// use infisical_config::resources::certificates::ListCertificates;
///
/// let req = ListCertificates::new("my-project").offset(25).limit(25);
/// # let _ = req;
/// ```
#[derive(Clone, Debug)]
#[must_use]
pub struct ListCertificates {
    project: ProjectRef,
    offset: u64,
    limit: u64,
}

impl ListCertificates {
    /// The first 25 certificates of `project`.
    pub fn new(project: impl Into<ProjectRef>) -> Self {
        ListCertificates { project: project.into(), offset: 0, limit: 25 }
    }

    /// How many to skip.
    pub fn offset(mut self, offset: u64) -> Self {
        self.offset = offset;
        self
    }

    /// How many to return, 1 to 100.
    pub fn limit(mut self, limit: u64) -> Self {
        self.limit = limit;
        self
    }
}

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
fn warn_deprecated(route: &'static str) {
    static WARNED: Mutex<Option<HashSet<&'static str>>> = Mutex::new(None);
    let mut warned = WARNED.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if warned.get_or_insert_with(HashSet::new).insert(route) {
        tracing::warn!(route, "deprecated Infisical route used; move to the /api/v1/cert-manager routes");
    }
}

/// The certificates handler: `client.certificates()`.
///
/// ```no_run
/// # async fn run(client: infisical_config::Client) -> infisical_config::Result<()> {
/// use infisical_config::resources::certificates::{IssueCertificate, RevocationReason};
///
/// let issued = client.certificates().issue(&IssueCertificate::new("profile-id").common_name("svc.example").ttl("30d")).await?;
/// if let Some(cert) = issued.certificate {
///     let id = cert.certificate_id.unwrap_or_default();
///     let bundle = client.certificates().bundle(&id).await?;
///     client.certificates().revoke(&id, RevocationReason::Superseded).await?;
///     # let _ = bundle;
/// }
/// # Ok(()) }
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Certificates<'c> {
    client: &'c Client,
}

impl Client {
    /// The certificates handler.
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

    /// A certificate's record, by id.
    ///
    /// # Errors
    /// [`Error::Api`] (404) when there is no such certificate.
    pub async fn get(&self, id: &str) -> Result<CertificateInfo> {
        Ok(self.get_json::<Wrapped<CertificateInfo>>(CERTIFICATES, id, None).await?.certificate)
    }

    /// A certificate's PEM and chain, by id.
    ///
    /// # Errors
    /// [`Error::Api`] (404) when there is no such certificate.
    pub async fn body(&self, id: &str) -> Result<CertificateBody> {
        self.get_json(CERTIFICATES, id, Some("certificate")).await
    }

    /// A certificate, chain and private key, by id.
    ///
    /// # Errors
    /// [`Error::Api`] (404) when there is no such certificate.
    pub async fn bundle(&self, id: &str) -> Result<CertificateBundle> {
        self.get_json(CERTIFICATES, id, Some("bundle")).await
    }

    /// A certificate's private key (PEM; the server answers plain text), by id.
    ///
    /// # Errors
    /// [`Error::Api`] (404) when there is no such certificate or key.
    pub async fn private_key(&self, id: &str) -> Result<SecretString> {
        self.get_text(CERTIFICATES, id).await
    }

    /// Issues a certificate from a profile, or signs a CSR.
    ///
    /// # Errors
    /// [`Error::Api`] when the server refuses (validation, policy).
    pub async fn issue(&self, req: &IssueCertificate) -> Result<IssueResult> {
        require("profile_id", &req.profile_id)?;
        self.client.execute(&ApiRequest::post(CERTIFICATES).json(req)?).await?.json()
    }

    /// Revokes a certificate, by id.
    ///
    /// # Errors
    /// [`Error::Api`] (404) when there is no such certificate.
    pub async fn revoke(&self, id: &str, reason: RevocationReason) -> Result<Revoked> {
        require("id", id)?;
        let req = ApiRequest::post(CERTIFICATES)
            .segment(id)
            .segment("revoke")
            .json(&RevokeBody { revocation_reason: reason })?;
        self.client.execute(&req).await?.json()
    }

    /// Deletes a certificate, by id.
    ///
    /// # Errors
    /// [`Error::Api`] (404) when there is no such certificate.
    pub async fn delete(&self, id: &str) -> Result<CertificateInfo> {
        require("id", id)?;
        Ok(self
            .client
            .execute(&ApiRequest::delete(CERTIFICATES).segment(id))
            .await?
            .json::<Wrapped<CertificateInfo>>()?
            .certificate)
    }

    /// A page of a project's certificates.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] for a limit outside 1 to 100.
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
        require("serial", serial)?;
        Ok(self
            .client
            .execute(&ApiRequest::delete(PKI_CERTIFICATES).segment(serial))
            .await?
            .json::<Wrapped<CertificateInfo>>()?
            .certificate)
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

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
}

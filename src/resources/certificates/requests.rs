//! Issuing, signing and listing certificates: what the caller sends.

use serde::Serialize;

use crate::resources::ProjectRef;

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
    pub(super) profile_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) csr: Option<String>,
    pub(super) attributes: Attributes,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) remove_roots_from_chain: Option<bool>,
}

#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Attributes {
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
pub(super) struct AltName {
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

    crate::setters::setters! {
        /// Signs this CSR (PEM) instead of generating a key.
        csr(pem: impl Into<String>) => csr = Some(pem.into());

        /// The common name.
        common_name(cn: impl Into<String>) => attributes.common_name = Some(cn.into());
    }

    /// Adds a subject alternative name (`dns_name`, `ip_address`, `email`, `uri`).
    pub fn alt_name(mut self, kind: impl Into<String>, value: impl Into<String>) -> Self {
        self.attributes.alt_names.push(AltName { kind: kind.into(), value: value.into() });
        self
    }

    crate::setters::setters! {
        /// Validity, like `"90d"`.
        ttl(ttl: impl Into<String>) => attributes.ttl = Some(ttl.into());

        /// The key algorithm (`RSA_2048`, `EC_prime256v1`, ...).
        key_algorithm(alg: impl Into<String>) => attributes.key_algorithm = Some(alg.into());

        /// The signature algorithm.
        signature_algorithm(alg: impl Into<String>) => attributes.signature_algorithm = Some(alg.into());
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
    pub(super) ca_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) certificate_template_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) pki_collection_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) friendly_name: Option<String>,
    pub(super) common_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) alt_names: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) ttl: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) csr: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) key_usages: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) extended_key_usages: Vec<String>,
}

impl LegacyIssue {
    /// A certificate for `common_name`; name the issuer with [`ca`](Self::ca) or
    /// [`template`](Self::template), or use [`Certificates::issue_from_ca`](super::Certificates::issue_from_ca).
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

    crate::setters::setters! {
        /// Issues from this CA.
        ca(ca_id: impl Into<String>) => ca_id = Some(ca_id.into());

        /// Issues from this certificate template.
        template(template_id: impl Into<String>) => certificate_template_id = Some(template_id.into());

        /// Adds the certificate to this PKI collection.
        collection(collection_id: impl Into<String>) => pki_collection_id = Some(collection_id.into());

        /// A friendly name.
        friendly_name(name: impl Into<String>) => friendly_name = Some(name.into());
    }

    /// Subject alternative names.
    pub fn alt_names<I: IntoIterator<Item = S>, S: Into<String>>(mut self, names: I) -> Self {
        self.alt_names = Some(names.into_iter().map(Into::into).collect::<Vec<_>>().join(","));
        self
    }

    crate::setters::setters! {
        /// Validity, like `"30d"`.
        ttl(ttl: impl Into<String>) => ttl = Some(ttl.into());

        /// The CSR to sign (for [`Certificates::sign_legacy`](super::Certificates::sign_legacy)).
        csr(pem: impl Into<String>) => csr = Some(pem.into());
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
    pub(super) project: ProjectRef,
    pub(super) offset: u64,
    pub(super) limit: u64,
}

impl ListCertificates {
    /// The first 25 certificates of `project`.
    pub fn new(project: impl Into<ProjectRef>) -> Self {
        ListCertificates { project: project.into(), offset: 0, limit: 25 }
    }

    crate::setters::setters! {
        /// How many to skip.
        offset(offset: u64) => offset = offset;

        /// How many to return, 1 to 100.
        limit(limit: u64) => limit = limit;
    }
}

//! Issuing, signing and listing certificates: what the caller sends.

use serde::Serialize;

use crate::resources::ProjectRef;

/// Issues a certificate from a profile (or signs a CSR, with [`csr`](Self::csr)), for
/// [`Certificates::issue`](super::Certificates::issue). The profile sets the CA and the policy; the
/// request asks for the subject, names, validity and usages within them.
///
/// ```
/// use infisical_config::resources::certificates::IssueCertificate;
///
/// let req = IssueCertificate::new("profile-id")
///     .common_name("svc.internal.example")
///     .alt_name("dns_name", "svc.internal.example")
///     .ttl("30d")
///     .key_usages(["digital_signature"]);
/// // What is sent:
/// assert_eq!(serde_json::to_value(&req).unwrap(), serde_json::json!({
///     "profileId": "profile-id",
///     "attributes": {
///         "commonName": "svc.internal.example",
///         "altNames": [{"type": "dns_name", "value": "svc.internal.example"}],
///         "ttl": "30d",
///         "keyUsages": ["digital_signature"],
///     },
/// }));
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
    /// Issues from certificate profile `profile_id`, with the profile's defaults for everything else.
    ///
    /// ```
    /// use infisical_config::resources::certificates::IssueCertificate;
    ///
    /// let req = IssueCertificate::new("profile-id");
    /// assert_eq!(serde_json::to_value(&req).unwrap(), serde_json::json!({"profileId": "profile-id", "attributes": {}}));
    /// ```
    pub fn new(profile_id: impl Into<String>) -> Self {
        IssueCertificate {
            profile_id: profile_id.into(),
            csr: None,
            attributes: Attributes::default(),
            remove_roots_from_chain: None,
        }
    }

    crate::setters::setters! {
        /// Signs this CSR (PEM) instead of generating a key: the key stays with the caller, and the
        /// answer carries none.
        ///
        /// ```
        /// use infisical_config::resources::certificates::IssueCertificate;
        ///
        /// let csr = "-----BEGIN CERTIFICATE REQUEST-----\n...";
        /// let req = IssueCertificate::new("profile-id").csr(csr);
        /// assert_eq!(serde_json::to_value(&req).unwrap()["csr"], csr);
        /// ```
        csr(pem: impl Into<String>) => csr = Some(pem.into());

        /// The subject's common name.
        ///
        /// ```
        /// use infisical_config::resources::certificates::IssueCertificate;
        ///
        /// let req = IssueCertificate::new("profile-id").common_name("svc.internal.example");
        /// assert_eq!(serde_json::to_value(&req).unwrap()["attributes"]["commonName"], "svc.internal.example");
        /// ```
        common_name(cn: impl Into<String>) => attributes.common_name = Some(cn.into());
    }

    /// Adds a subject alternative name of kind `kind` (`dns_name`, `ip_address`, `email`, `uri`).
    ///
    /// ```
    /// use infisical_config::resources::certificates::IssueCertificate;
    ///
    /// let req = IssueCertificate::new("profile-id").alt_name("dns_name", "svc.internal.example").alt_name("ip_address", "10.0.0.7");
    /// let names = &serde_json::to_value(&req).unwrap()["attributes"]["altNames"];
    /// assert_eq!(names[1], serde_json::json!({"type": "ip_address", "value": "10.0.0.7"}));
    /// ```
    pub fn alt_name(mut self, kind: impl Into<String>, value: impl Into<String>) -> Self {
        self.attributes.alt_names.push(AltName { kind: kind.into(), value: value.into() });
        self
    }

    crate::setters::setters! {
        /// Validity, like `"90d"` (within the profile's maximum).
        ///
        /// ```
        /// use infisical_config::resources::certificates::IssueCertificate;
        ///
        /// let req = IssueCertificate::new("profile-id").ttl("90d");
        /// assert_eq!(serde_json::to_value(&req).unwrap()["attributes"]["ttl"], "90d");
        /// ```
        ttl(ttl: impl Into<String>) => attributes.ttl = Some(ttl.into());

        /// The key algorithm (`RSA_2048`, `EC_prime256v1`, ...).
        ///
        /// ```
        /// use infisical_config::resources::certificates::IssueCertificate;
        ///
        /// let req = IssueCertificate::new("profile-id").key_algorithm("EC_prime256v1");
        /// assert_eq!(serde_json::to_value(&req).unwrap()["attributes"]["keyAlgorithm"], "EC_prime256v1");
        /// ```
        key_algorithm(alg: impl Into<String>) => attributes.key_algorithm = Some(alg.into());

        /// The signature algorithm (`RSA-SHA256`, `ECDSA-SHA256`, ...).
        ///
        /// ```
        /// use infisical_config::resources::certificates::IssueCertificate;
        ///
        /// let req = IssueCertificate::new("profile-id").signature_algorithm("ECDSA-SHA256");
        /// assert_eq!(serde_json::to_value(&req).unwrap()["attributes"]["signatureAlgorithm"], "ECDSA-SHA256");
        /// ```
        signature_algorithm(alg: impl Into<String>) => attributes.signature_algorithm = Some(alg.into());
    }

    /// Key usages (`digital_signature`, `key_encipherment`, ...), replacing any set before.
    ///
    /// ```
    /// use infisical_config::resources::certificates::IssueCertificate;
    ///
    /// let req = IssueCertificate::new("profile-id").key_usages(["digital_signature", "key_encipherment"]);
    /// assert_eq!(serde_json::to_value(&req).unwrap()["attributes"]["keyUsages"][1], "key_encipherment");
    /// ```
    pub fn key_usages<I: IntoIterator<Item = S>, S: Into<String>>(mut self, usages: I) -> Self {
        self.attributes.key_usages = usages.into_iter().map(Into::into).collect();
        self
    }

    /// Extended key usages (`server_auth`, `client_auth`, ...), replacing any set before.
    ///
    /// ```
    /// use infisical_config::resources::certificates::IssueCertificate;
    ///
    /// let req = IssueCertificate::new("profile-id").extended_key_usages(["server_auth"]);
    /// assert_eq!(serde_json::to_value(&req).unwrap()["attributes"]["extendedKeyUsages"], serde_json::json!(["server_auth"]));
    /// ```
    pub fn extended_key_usages<I: IntoIterator<Item = S>, S: Into<String>>(mut self, usages: I) -> Self {
        self.attributes.extended_key_usages = usages.into_iter().map(Into::into).collect();
        self
    }

    /// Leaves root certificates out of the chain (`true`), for servers that must not send the root.
    ///
    /// ```
    /// use infisical_config::resources::certificates::IssueCertificate;
    ///
    /// let req = IssueCertificate::new("profile-id").remove_roots_from_chain(true);
    /// assert_eq!(serde_json::to_value(&req).unwrap()["removeRootsFromChain"], true);
    /// ```
    pub fn remove_roots_from_chain(mut self, yes: bool) -> Self {
        self.remove_roots_from_chain = Some(yes);
        self
    }
}

/// Issues or signs a certificate on the legacy routes, from a CA or a certificate template, for
/// [`Certificates::issue_legacy`](super::Certificates::issue_legacy),
/// [`sign_legacy`](super::Certificates::sign_legacy) and
/// [`issue_from_ca`](super::Certificates::issue_from_ca). Key usages are spelt in camel case there
/// (`digitalSignature`).
///
/// ```
/// use infisical_config::resources::certificates::LegacyIssue;
///
/// let req = LegacyIssue::new("svc.internal.example").ca("ca-id").alt_names(["svc.internal.example", "localhost"]).ttl("30d");
/// assert_eq!(serde_json::to_value(&req).unwrap(), serde_json::json!({
///     "caId": "ca-id",
///     "commonName": "svc.internal.example",
///     "altNames": "svc.internal.example,localhost",
///     "ttl": "30d",
/// }));
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
    ///
    /// ```
    /// use infisical_config::resources::certificates::LegacyIssue;
    ///
    /// let req = LegacyIssue::new("svc.internal.example");
    /// assert_eq!(serde_json::to_value(&req).unwrap(), serde_json::json!({"commonName": "svc.internal.example"}));
    /// ```
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
        /// Issues from this CA (by id). Name a CA or a template, not both.
        ///
        /// ```
        /// use infisical_config::resources::certificates::LegacyIssue;
        ///
        /// let req = LegacyIssue::new("svc.internal.example").ca("01e527f6-a7be-4348-a882-21f6529726cf");
        /// assert_eq!(serde_json::to_value(&req).unwrap()["caId"], "01e527f6-a7be-4348-a882-21f6529726cf");
        /// ```
        ca(ca_id: impl Into<String>) => ca_id = Some(ca_id.into());

        /// Issues from this certificate template (by id), which names the CA and limits the request.
        ///
        /// ```
        /// use infisical_config::resources::certificates::LegacyIssue;
        ///
        /// let req = LegacyIssue::new("svc.internal.example").template("template-id");
        /// assert_eq!(serde_json::to_value(&req).unwrap()["certificateTemplateId"], "template-id");
        /// ```
        template(template_id: impl Into<String>) => certificate_template_id = Some(template_id.into());

        /// Adds the certificate to this PKI collection (by id).
        ///
        /// ```
        /// use infisical_config::resources::certificates::LegacyIssue;
        ///
        /// let req = LegacyIssue::new("svc.internal.example").ca("ca-id").collection("collection-id");
        /// assert_eq!(serde_json::to_value(&req).unwrap()["pkiCollectionId"], "collection-id");
        /// ```
        collection(collection_id: impl Into<String>) => pki_collection_id = Some(collection_id.into());

        /// A friendly name, shown in lists.
        ///
        /// ```
        /// use infisical_config::resources::certificates::LegacyIssue;
        ///
        /// let req = LegacyIssue::new("svc.internal.example").friendly_name("svc cert");
        /// assert_eq!(serde_json::to_value(&req).unwrap()["friendlyName"], "svc cert");
        /// ```
        friendly_name(name: impl Into<String>) => friendly_name = Some(name.into());
    }

    /// Subject alternative names (host names, addresses, e-mail addresses), replacing any set before.
    ///
    /// ```
    /// use infisical_config::resources::certificates::LegacyIssue;
    ///
    /// let req = LegacyIssue::new("svc.internal.example").alt_names(["svc.internal.example", "localhost"]);
    /// assert_eq!(serde_json::to_value(&req).unwrap()["altNames"], "svc.internal.example,localhost");
    /// ```
    pub fn alt_names<I: IntoIterator<Item = S>, S: Into<String>>(mut self, names: I) -> Self {
        self.alt_names = Some(names.into_iter().map(Into::into).collect::<Vec<_>>().join(","));
        self
    }

    crate::setters::setters! {
        /// Validity, like `"30d"`.
        ///
        /// ```
        /// use infisical_config::resources::certificates::LegacyIssue;
        ///
        /// let req = LegacyIssue::new("svc.internal.example").ttl("30d");
        /// assert_eq!(serde_json::to_value(&req).unwrap()["ttl"], "30d");
        /// ```
        ttl(ttl: impl Into<String>) => ttl = Some(ttl.into());

        /// The CSR to sign (PEM), for [`Certificates::sign_legacy`](super::Certificates::sign_legacy)
        /// or [`Certificates::issue_from_ca`](super::Certificates::issue_from_ca).
        ///
        /// ```
        /// use infisical_config::resources::certificates::LegacyIssue;
        ///
        /// let csr = "-----BEGIN CERTIFICATE REQUEST-----\n...";
        /// let req = LegacyIssue::new("svc.internal.example").ca("ca-id").csr(csr);
        /// assert_eq!(serde_json::to_value(&req).unwrap()["csr"], csr);
        /// ```
        csr(pem: impl Into<String>) => csr = Some(pem.into());
    }

    /// Key usages (`digitalSignature`, `keyEncipherment`, ...), replacing any set before.
    ///
    /// ```
    /// use infisical_config::resources::certificates::LegacyIssue;
    ///
    /// let req = LegacyIssue::new("svc.internal.example").key_usages(["digitalSignature", "keyEncipherment"]);
    /// assert_eq!(serde_json::to_value(&req).unwrap()["keyUsages"][0], "digitalSignature");
    /// ```
    pub fn key_usages<I: IntoIterator<Item = S>, S: Into<String>>(mut self, usages: I) -> Self {
        self.key_usages = usages.into_iter().map(Into::into).collect();
        self
    }

    /// Extended key usages (`serverAuth`, `clientAuth`, ...), replacing any set before.
    ///
    /// ```
    /// use infisical_config::resources::certificates::LegacyIssue;
    ///
    /// let req = LegacyIssue::new("svc.internal.example").extended_key_usages(["serverAuth", "clientAuth"]);
    /// assert_eq!(serde_json::to_value(&req).unwrap()["extendedKeyUsages"][1], "clientAuth");
    /// ```
    pub fn extended_key_usages<I: IntoIterator<Item = S>, S: Into<String>>(mut self, usages: I) -> Self {
        self.extended_key_usages = usages.into_iter().map(Into::into).collect();
        self
    }
}

/// Lists a project's certificates, a page at a time, for
/// [`Certificates::list`](super::Certificates::list).
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
/// # let page = recorded("110-pki-list-project-certificates");
/// # for offset in ["0", "1"] {
/// #     let answer = if offset == "0" { page.clone() } else { serde_json::json!({"certificates": [], "totalCount": 1}) };
/// #     Mock::given(method("GET")).and(path("/api/v2/workspace/rust-sdk-test/certificates"))
/// #         .and(wiremock::matchers::query_param("offset", offset)).and(wiremock::matchers::query_param("limit", "10"))
/// #         .respond_with(ResponseTemplate::new(200).set_body_json(answer)).expect(1).mount(&server).await;
/// # }
/// use infisical_config::resources::certificates::ListCertificates;
///
/// let mut all = Vec::new();
/// loop {
///     let req = ListCertificates::new("rust-sdk-test").offset(all.len() as u64).limit(10);
///     let page = client.certificates().list(&req).await?;
///     if page.certificates.is_empty() {
///         break;
///     }
///     all.extend(page.certificates);
/// }
/// assert_eq!(all.len(), 1);
/// # Ok::<(), infisical_config::Error>(()) }).unwrap();
/// ```
#[derive(Clone, Debug)]
#[must_use]
pub struct ListCertificates {
    pub(super) project: ProjectRef,
    pub(super) offset: u64,
    pub(super) limit: u64,
}

impl ListCertificates {
    /// The first 25 certificates of `project` (an id or a slug).
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
    /// assert_eq!(page.certificates.len(), 1);
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    pub fn new(project: impl Into<ProjectRef>) -> Self {
        ListCertificates { project: project.into(), offset: 0, limit: 25 }
    }

    crate::setters::setters! {
        /// How many to skip (default 0): the next page starts at the number already seen.
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
        /// # Mock::given(method("GET")).and(path("/api/v2/workspace/rust-sdk-test/certificates"))
        /// #     .and(wiremock::matchers::query_param("offset", "25"))
        /// #     .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"certificates": [], "totalCount": 1})))
        /// #     .expect(1).mount(&server).await;
        /// use infisical_config::resources::certificates::ListCertificates;
        ///
        /// let second = client.certificates().list(&ListCertificates::new("rust-sdk-test").offset(25)).await?;
        /// assert!(second.certificates.is_empty()); // one certificate in all: the first page had it
        /// assert_eq!(second.total_count, 1);
        /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
        /// ```
        offset(offset: u64) => offset = offset;

        /// How many to return, 1 to 100 (default 25).
        ///
        /// ```
        /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
        /// # let client = infisical_config::Client::builder().site("http://127.0.0.1:9").access_token("token")
        /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false).build()?;
        /// use infisical_config::Error;
        /// use infisical_config::resources::certificates::ListCertificates;
        ///
        /// // Refused before any request: the server takes at most 100.
        /// let err = client.certificates().list(&ListCertificates::new("rust-sdk-test").limit(500)).await.unwrap_err();
        /// assert!(matches!(err, Error::InvalidRequest { field: "limit", .. }), "{err}");
        /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
        /// ```
        limit(limit: u64) => limit = limit;
    }
}

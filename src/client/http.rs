//! The HTTP client under a [`Client`](super::Client): user agent, timeouts, default headers, TLS
//! trust, and redirects that never leave the origin.

use std::path::PathBuf;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use crate::error::{Error, Result};
use crate::transport::reqwest_builder;

use super::{ClientBuilder, USER_AGENT};

impl ClientBuilder {
    /// The HTTP client; `https` says whether the site needs TLS at all.
    pub(super) fn http_client(&self, https: bool) -> Result<reqwest::Client> {
        let ua = match &self.user_agent {
            Some(suffix) => format!("{USER_AGENT} {suffix}"),
            None => USER_AGENT.to_owned(),
        };
        let rb = reqwest_builder()
            .user_agent(ua)
            .connect_timeout(self.connect_timeout)
            .default_headers(self.default_headers()?)
            .redirect(if self.follow_redirects { same_origin_redirects() } else { reqwest::redirect::Policy::none() });
        self.tls(rb, https)?
            .build()
            .map_err(|e| Error::Local { what: "could not build the HTTP client", source: Box::new(e) })
    }

    fn default_headers(&self) -> Result<HeaderMap> {
        let mut pairs: Vec<(String, String, &str)> =
            self.headers.iter().map(|(k, v)| (k.clone(), v.clone(), "the client builder")).collect();
        if let Some(raw) = self.env.non_empty("INFISICAL_CUSTOM_HEADERS") {
            for (k, v) in parse_custom_headers(&raw)? {
                pairs.push((k, v, "INFISICAL_CUSTOM_HEADERS"));
            }
        }
        let mut map = HeaderMap::new();
        for (k, v, from) in pairs {
            let name = HeaderName::from_bytes(k.as_bytes())
                .map_err(|_| Error::Config(format!("{from}: `{k}` is not a valid header name")))?;
            let mut value = HeaderValue::from_str(&v).map_err(|_| Error::InvalidHeader { name: k.clone() })?;
            value.set_sensitive(true);
            map.append(name, value);
        }
        Ok(map)
    }

    /// Adds CA certificates and the verification switch. Every CA source is read and checked (a wrong
    /// one fails the build, named), but the platform's root store is loaded only for an https site:
    /// loading it is most of a client's start-up cost, and a plain-http site never shakes hands (a
    /// redirect, when followed, stays on the same scheme).
    #[cfg(any(feature = "rustls", feature = "rustls-ring", feature = "native-tls"))]
    fn tls(&self, mut rb: reqwest::ClientBuilder, https: bool) -> Result<reqwest::ClientBuilder> {
        let mut sources = Vec::new();
        for source in &self.ca_certificates {
            sources.push(match source {
                CaSource::Pem(pem) => ("the PEM given to the builder".to_owned(), pem.clone()),
                CaSource::File(path) => (format!("the file {}", path.display()), read_ca_file(path, "")?),
            });
        }
        if let Some(pem) = self.env.non_empty("INFISICAL_SSL_CERTIFICATE") {
            sources.push(("INFISICAL_SSL_CERTIFICATE".into(), pem.into_bytes()));
        }
        // SSL_CERT_FILE is every TLS program's, often the whole system bundle: read only when TLS is used.
        if let Some(path) = https.then(|| self.env.non_empty("SSL_CERT_FILE")).flatten() {
            let pem = read_ca_file(std::path::Path::new(&path), "SSL_CERT_FILE ")?;
            sources.push((format!("SSL_CERT_FILE {path}"), pem));
        }
        for (from, pem) in sources {
            let certs = reqwest::Certificate::from_pem_bundle(&pem)
                .map_err(|e| Error::Config(format!("CA certificate from {from} could not be read: {e}")))?;
            if certs.is_empty() {
                return Err(Error::Config(format!("CA certificate from {from} holds no PEM certificate")));
            }
            // reqwest parses PEM lazily and fails at build with no name attached: try each source alone,
            // as the only roots (so the platform's are not loaded for it).
            reqwest_builder().tls_certs_only(certs.clone()).build().map_err(|_| {
                Error::Config(format!("CA certificate from {from} could not be used: it is not a valid certificate"))
            })?;
            if https {
                rb = rb.tls_certs_merge(certs);
            }
        }
        if !https {
            return Ok(rb.tls_certs_only(Vec::new()));
        }
        let env_off = self
            .env
            .non_empty("INFISICAL_VERIFY_SSL")
            .is_some_and(|v| matches!(v.trim().to_ascii_lowercase().as_str(), "false" | "0" | "no"));
        if self.accept_invalid_certs.unwrap_or(env_off) {
            tracing::warn!(
                "TLS CERTIFICATE VERIFICATION IS OFF (INFISICAL_VERIFY_SSL=false or danger_accept_invalid_certs): \
                 anyone on the network path can read the secrets this client fetches"
            );
            rb = rb.tls_danger_accept_invalid_certs(true);
        }
        Ok(rb)
    }

    #[cfg(not(any(feature = "rustls", feature = "rustls-ring", feature = "native-tls")))]
    fn tls(&self, rb: reqwest::ClientBuilder, https: bool) -> Result<reqwest::ClientBuilder> {
        without_tls(https, !self.ca_certificates.is_empty()).map(|()| rb)
    }
}

/// What a build without TLS refuses, when the client is built: an https site (reqwest would fail every
/// request, after every retry, in words that do not say why), and custom CA certificates. Outside the
/// `cfg` so that the test build, which always has TLS, checks it.
#[cfg_attr(any(feature = "rustls", feature = "rustls-ring", feature = "native-tls"), allow(dead_code))]
fn without_tls(https: bool, ca_certificates: bool) -> Result<()> {
    if https {
        return Err(Error::Config(
            "the Infisical site is https, and infisical-config was built without TLS: enable its feature \
             `rustls` (or `rustls-ring` or `native-tls`)"
                .into(),
        ));
    }
    if ca_certificates {
        return Err(Error::Config(
            "custom CA certificates need a TLS feature: `rustls`, `rustls-ring` or `native-tls`".into(),
        ));
    }
    Ok(())
}

/// Where custom CA certificates come from; files are read by `build`, which reports their errors.
/// Without a TLS feature they are only counted, to refuse them.
#[derive(Clone, Debug)]
#[cfg_attr(not(any(feature = "rustls", feature = "rustls-ring", feature = "native-tls")), allow(dead_code))]
pub(super) enum CaSource {
    Pem(Vec<u8>),
    File(PathBuf),
}

#[cfg(any(feature = "rustls", feature = "rustls-ring", feature = "native-tls"))]
fn read_ca_file(path: &std::path::Path, var: &str) -> Result<Vec<u8>> {
    crate::local_file::read(path).map_err(|e| Error::File {
        what: if var.is_empty() { "CA certificate file" } else { "CA certificate file (SSL_CERT_FILE)" },
        path: path.display().to_string(),
        reason: e.to_string(),
        source: Some(Box::new(e)),
    })
}

/// Follows up to five redirects within the same origin (scheme, host and port). A redirect elsewhere
/// is not followed: it would carry the login body (a client secret) and the custom headers there.
fn same_origin_redirects() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let same = attempt.previous().first().is_some_and(|first| first.origin() == attempt.url().origin());
        if attempt.previous().len() > 5 {
            attempt.error("too many redirects")
        } else if same {
            attempt.follow()
        } else {
            tracing::warn!(to = %attempt.url().origin().ascii_serialization(), "not following a redirect to another origin");
            attempt.stop()
        }
    })
}

/// Parses `INFISICAL_CUSTOM_HEADERS`: `NAME=value` items separated by spaces; a value holding spaces is
/// double-quoted (`X-Note="two words"`, `\"` and `\\` inside). Errors name the item's position, never
/// its text: a header value is often a credential.
fn parse_custom_headers(raw: &str) -> Result<Vec<(String, String)>> {
    let bad = |n: usize, what: &str| Error::Config(format!("INFISICAL_CUSTOM_HEADERS: item {n} {what}"));
    let mut items = Vec::new();
    let mut chars = raw.chars().peekable();
    let mut n = 0;
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        if chars.peek().is_none() {
            return Ok(items);
        }
        n += 1;
        let name: String = std::iter::from_fn(|| chars.next_if(|c| *c != '=' && !c.is_whitespace())).collect();
        if chars.next() != Some('=') || name.is_empty() {
            return Err(bad(n, "is not NAME=value"));
        }
        let mut value = String::new();
        if chars.next_if_eq(&'"').is_some() {
            loop {
                match chars.next() {
                    Some('"') => break,
                    Some('\\') => value.extend(chars.next()),
                    Some(c) => value.push(c),
                    None => return Err(bad(n, "has an opening quote and no closing one")),
                }
            }
            if chars.peek().is_some_and(|c| !c.is_whitespace()) {
                return Err(bad(n, "has text right after its closing quote"));
            }
        } else {
            value.extend(std::iter::from_fn(|| chars.next_if(|c| !c.is_whitespace())));
        }
        items.push((name, value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn custom_headers_parse_with_quotes_and_never_echo_a_value() {
        let parsed = parse_custom_headers(r#" A=1  X-Note="two words" Q="say \"hi\"" E= "#).unwrap();
        assert_eq!(
            parsed,
            [("A", "1"), ("X-Note", "two words"), ("Q", "say \"hi\""), ("E", "")]
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
        );
        for raw in ["Authorization", "A=1 Bearer TOKEN-canary", "K=\"TOKEN-canary", "K=\"x\"TOKEN-canary"] {
            let err = parse_custom_headers(raw).unwrap_err().to_string();
            assert!(!err.contains("TOKEN") && err.contains("item"), "{err}");
        }
    }

    #[test]
    fn without_tls_an_https_site_is_refused_naming_the_features_and_plain_http_passes() {
        let err = without_tls(true, false).unwrap_err().to_string();
        assert!(err.contains("built without TLS") && err.contains("`rustls`"), "{err}");
        assert!(without_tls(false, false).is_ok(), "plain http needs no TLS");
        let err = without_tls(false, true).unwrap_err().to_string();
        assert!(err.contains("custom CA certificates need a TLS feature"), "{err}");
    }
}

//! What a failed exchange's error means: the innermost cause in words, whether trying again can help,
//! and what to do when it cannot.
//!
//! reqwest nests its causes, each level restating the one below in its own terms (`error sending
//! request: client error (Connect): tcp connect error: Connection refused (os error 111)`), and the
//! TLS libraries' errors sit inside `std::io::Error`s, where `source()` does not reach them. The chain is
//! walked through both. A TLS failure is told by the TLS library's own error type, not by text, which a
//! proxy's or a resolver's message could match: only then is a failure taken as deterministic.

use std::error::Error as StdError;
use std::io;

use crate::error::TransportErrorKind;

/// What an untrusted certificate needs.
#[cfg(any(feature = "rustls", feature = "rustls-ring", feature = "native-tls"))]
const TRUST_HINT: &str = "if the server's certificate comes from your own certificate authority, trust that \
    authority with INFISICAL_SSL_CERTIFICATE (its PEM), SSL_CERT_FILE (a PEM file) or \
    ClientBuilder::ca_certificate_pem";

/// The kind of a failed exchange and its innermost cause in words; `site` is `scheme://host:port`,
/// for the fix of a TLS handshake with a plain-http server.
pub(super) fn classify(err: &reqwest::Error, site: &str) -> (TransportErrorKind, Option<String>) {
    if err.is_timeout() {
        // The error's text says it timed out, and with which limit.
        return (TransportErrorKind::Timeout, None);
    }
    let chain = chain(err);
    if let Some(words) = tls_failure(&chain, site) {
        return (TransportErrorKind::Tls, Some(words));
    }
    let words = if err.is_dns() {
        format!("dns error: {}", innermost(&chain))
    } else {
        chain
            .iter()
            .rev()
            .filter_map(|e| e.downcast_ref::<io::Error>())
            .find_map(network_words)
            .map_or_else(|| innermost(&chain), str::to_owned)
    };
    let kind = if err.is_connect() { TransportErrorKind::Connect } else { TransportErrorKind::Other };
    (kind, Some(words))
}

/// `err` and every error under it, looking inside `io::Error`s too (whose `source()` skips what they wrap).
fn chain<'a>(err: &'a (dyn StdError + 'static)) -> Vec<&'a (dyn StdError + 'static)> {
    let mut all = Vec::new();
    let mut next = Some(err);
    while let Some(e) = next {
        all.push(e);
        next = match e.downcast_ref::<io::Error>() {
            Some(io) => io.get_ref().map(|inner| inner as &(dyn StdError + 'static)),
            None => e.source(),
        };
    }
    all
}

/// The text of the deepest error, which every level above restates.
fn innermost(chain: &[&(dyn StdError + 'static)]) -> String {
    chain.last().map(ToString::to_string).unwrap_or_default()
}

fn network_words(e: &io::Error) -> Option<&'static str> {
    use io::ErrorKind as K;
    Some(match e.kind() {
        K::ConnectionRefused => "connection refused",
        K::ConnectionReset => "connection reset by the server",
        K::ConnectionAborted => "connection aborted",
        K::BrokenPipe => "connection closed while sending",
        K::UnexpectedEof => "connection closed before the answer was complete",
        K::NotConnected => "not connected",
        K::HostUnreachable => "host unreachable",
        K::NetworkUnreachable => "network unreachable",
        K::NetworkDown => "network down",
        K::AddrNotAvailable => "address not available",
        _ => return None,
    })
}

#[cfg(any(feature = "rustls", feature = "rustls-ring", feature = "native-tls"))]
fn http_server_hint(site: &str) -> String {
    format!(
        "TLS handshake failed (is this an http server?); if it serves plain HTTP, use {}",
        site.replacen("https://", "http://", 1)
    )
}

#[cfg_attr(not(any(feature = "rustls", feature = "rustls-ring", feature = "native-tls")), allow(unused_variables))]
fn tls_failure(chain: &[&(dyn StdError + 'static)], site: &str) -> Option<String> {
    #[cfg(any(feature = "rustls", feature = "rustls-ring"))]
    if let Some(err) = chain.iter().find_map(|e| e.downcast_ref::<rustls::Error>()) {
        return Some(rustls_words(err, site));
    }
    #[cfg(feature = "native-tls")]
    if let Some(at) = chain.iter().position(|e| e.is::<native_tls::Error>()) {
        // An I/O error under the TLS library's (a reset during the handshake) is the network's.
        if !chain[at..].iter().any(|e| e.is::<io::Error>()) {
            return Some(native_tls_words(&chain[at].to_string(), site));
        }
    }
    None
}

#[cfg(any(feature = "rustls", feature = "rustls-ring"))]
fn rustls_words(err: &rustls::Error, site: &str) -> String {
    use rustls::{CertificateError, Error, InvalidMessage};
    match err {
        Error::InvalidCertificate(CertificateError::UnknownIssuer) => format!("{err}; {TRUST_HINT}"),
        Error::InvalidCertificate(_) => err.to_string(),
        // What an http server answers a ClientHello with ("HTTP/1.1 400 ...") is no TLS record.
        Error::InvalidMessage(InvalidMessage::InvalidContentType) => http_server_hint(site),
        _ => format!("TLS handshake failed: {err}"),
    }
}

/// native-tls's errors are opaque: the library's text (OpenSSL's on Linux) is all there is.
#[cfg(feature = "native-tls")]
fn native_tls_words(text: &str, site: &str) -> String {
    let lower = text.to_ascii_lowercase();
    // OpenSSL reading "HTTP/1.1 400" as a record header.
    if lower.contains("wrong version number") || lower.contains("packet length too long") {
        return http_server_hint(site);
    }
    let detail = openssl_reason(text);
    if !lower.contains("certificate") {
        return format!("TLS handshake failed: {detail}");
    }
    let untrusted =
        ["issuer", "self-signed", "self signed", "not trusted", "untrusted"].iter().any(|w| lower.contains(w));
    if untrusted {
        format!("invalid peer certificate: {detail}; {TRUST_HINT}")
    } else {
        format!("invalid peer certificate: {detail}")
    }
}

/// `error:0A000086:SSL routines:func:certificate verify failed:file.c:1889: (self-signed certificate)`
/// → `certificate verify failed (self-signed certificate)`; any other text as it is.
#[cfg(feature = "native-tls")]
fn openssl_reason(text: &str) -> String {
    let Some(reason) = text.strip_prefix("error:").and_then(|rest| rest.split(':').nth(3)) else {
        return text.to_owned();
    };
    let verify = text.rfind(" (").map(|at| &text[at..]).filter(|tail| tail.ends_with(')')).unwrap_or("");
    format!("{reason}{verify}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chain_goes_inside_io_errors() {
        let inner = io::Error::new(io::ErrorKind::InvalidData, "the TLS library's error");
        let outer = io::Error::other(inner);
        // `source()` of the outer error skips the one it wraps, straight to that one's source.
        assert!(StdError::source(&outer).is_none());
        let texts: Vec<String> = chain(&outer).iter().map(ToString::to_string).collect();
        assert_eq!(texts.len(), 3, "{texts:?}");
        assert_eq!(innermost(&chain(&outer)), "the TLS library's error");
    }

    #[cfg(feature = "native-tls")]
    #[test]
    fn openssl_text_is_cut_to_its_reason() {
        let text = "error:0A000086:SSL routines:tls_post_process_server_certificate:certificate verify failed:\
                    ../ssl/statem/statem_clnt.c:1889: (self-signed certificate)";
        assert_eq!(openssl_reason(text), "certificate verify failed (self-signed certificate)");
        assert_eq!(openssl_reason("The certificate was not trusted."), "The certificate was not trusted.");
        let words = native_tls_words(text, "https://h:1");
        assert!(
            words.starts_with("invalid peer certificate: certificate verify failed") && words.contains("SSL_CERT_FILE")
        );
    }
}

//! Transport failures in the one line people read: the server's host and port and the cause in words,
//! once; what may be an outage retried, what would fail the same way again (a refused certificate, a
//! TLS handshake with a plain-http server) tried once with its fix; a site without its scheme refused.

use std::sync::Arc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_rustls::rustls;

use super::*;

/// `Error::Transport`'s `attempts`, and its text.
fn transport(err: &Error) -> (TransportErrorKind, u32, String) {
    let Error::Transport { kind, attempts, .. } = err else { panic!("not a transport error: {err:?}") };
    (*kind, *attempts, err.to_string())
}

#[tokio::test]
async fn a_refused_connection_is_retried_and_names_host_port_and_cause_once() {
    // Bind and drop a listener: nothing answers on that port.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let client =
        builder(&format!("http://127.0.0.1:{port}")).access_token("t").api_version(ApiVersion::Legacy).build().unwrap();
    let err = client.secrets().list(&list_req()).await.unwrap_err();
    let (kind, attempts, text) = transport(&err);
    assert_eq!((kind, attempts), (TransportErrorKind::Connect, 4), "{text}");
    assert!(
        text.starts_with(&format!(
            "connection failed while calling GET http://127.0.0.1:{port}/api/v3/secrets/raw (4 attempts over "
        )),
        "{text}"
    );
    assert!(text.ends_with("): connection refused"), "{text}");
    assert_eq!(text.matches("efused").count(), 1, "{text}");
    assert!(!text.contains("workspaceId") && !text.contains('?'), "no query string: {text}");
    assert!(err.is_unavailable() && err.is_transient());
    // The underlying error stays the source, for code.
    let source = std::error::Error::source(&err).expect("a source");
    assert!(source.is::<reqwest::Error>(), "{source:?}");
}

#[tokio::test]
async fn a_name_that_does_not_resolve_is_a_dns_error() {
    // `.invalid` never resolves (RFC 6761), and a label over 63 bytes is refused by the resolver
    // library before it asks any server: no network is involved.
    let host = format!("{}.invalid", "a".repeat(64));
    let client = builder(&format!("http://{host}")).access_token("t").api_version(ApiVersion::Legacy).build().unwrap();
    let err = client.secrets().list(&list_req()).await.unwrap_err();
    let (kind, attempts, text) = transport(&err);
    assert_eq!((kind, attempts), (TransportErrorKind::Connect, 4), "retried: it can be an outage: {text}");
    assert!(text.contains(&format!("http://{host}:80/api/v3/secrets/raw")), "{text}");
    let cause = text.split_once("): ").expect("a cause").1;
    assert!(cause.starts_with("dns error: ") && cause.len() > "dns error: ".len(), "{text}");
    assert_eq!(text.matches("dns error").count(), 1, "{text}");
    assert!(err.is_unavailable());
}

/// A TLS server on 127.0.0.1 whose certificate a private authority signed; it answers any request with
/// the recorded list of secrets, and counts the connections it accepts.
struct TlsServer {
    site: String,
    authority_pem: String,
    accepted: Arc<AtomicUsize>,
}

async fn tls_server() -> TlsServer {
    // Distinct names: a leaf named as its issuer would look self-signed.
    let named = |sans: Vec<String>, name: &str| {
        let mut params = rcgen::CertificateParams::new(sans).unwrap();
        params.distinguished_name.push(rcgen::DnType::CommonName, name);
        params
    };
    let mut ca = named(Vec::new(), "test authority");
    ca.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let authority = rcgen::CertifiedIssuer::self_signed(ca, rcgen::KeyPair::generate().unwrap()).unwrap();
    let key = rcgen::KeyPair::generate().unwrap();
    let leaf = named(vec!["127.0.0.1".to_owned()], "127.0.0.1").signed_by(&key, &authority).unwrap();
    let key = rustls::pki_types::PrivateKeyDer::try_from(key.serialize_der()).unwrap();
    // Named, not the process default: the crate's features may enable both of rustls's providers.
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![leaf.der().clone()], key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let site = format!("https://127.0.0.1:{}", listener.local_addr().unwrap().port());
    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = accepted.clone();
    let body = serde_json::to_vec(&sample("028")["response"]).unwrap();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            let (acceptor, body) = (acceptor.clone(), body.clone());
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else { return };
                let mut request = Vec::new();
                let mut buf = [0u8; 1024];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match tls.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buf[..n]),
                    }
                }
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = tls.write_all(head.as_bytes()).await;
                let _ = tls.write_all(&body).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    TlsServer { site, authority_pem: authority.pem(), accepted }
}

#[tokio::test]
async fn an_untrusted_certificate_is_tried_once_and_says_how_to_trust_it() {
    let server = tls_server().await;
    let client = builder(&server.site).access_token("t").api_version(ApiVersion::Legacy).build().unwrap();
    let err = client.secrets().list(&list_req()).await.unwrap_err();
    let (kind, attempts, text) = transport(&err);
    assert_eq!((kind, attempts), (TransportErrorKind::Tls, 1), "{text}");
    assert_eq!(server.accepted.load(Ordering::SeqCst), 1, "one connection: {text}");
    assert!(text.starts_with(&format!("TLS failed while calling GET {}/api/v3/secrets/raw: ", server.site)), "{text}");
    assert!(text.contains("certificate"), "{text}");
    for fix in ["INFISICAL_SSL_CERTIFICATE", "SSL_CERT_FILE", "ca_certificate_pem"] {
        assert!(text.contains(fix), "{fix} in {text}");
    }
    assert!(!err.is_transient() && !err.is_unavailable(), "a certificate is a mistake to see, not an outage");

    // The fix the error names works.
    let trusting = builder(&server.site)
        .access_token("t")
        .api_version(ApiVersion::Legacy)
        .ca_certificate_pem(server.authority_pem.clone())
        .build()
        .unwrap();
    let listed = trusting.secrets().list(&list_req()).await.unwrap();
    assert!(!listed.secrets.is_empty());
}

#[tokio::test]
async fn https_to_a_plain_http_server_is_tried_once_and_suggests_http() {
    let server = MockServer::start().await;
    let plain = server.uri();
    let client = builder(&plain.replace("http://", "https://"))
        .access_token("t")
        .api_version(ApiVersion::Legacy)
        .build()
        .unwrap();
    let err = client.secrets().list(&list_req()).await.unwrap_err();
    let (kind, attempts, text) = transport(&err);
    assert_eq!((kind, attempts), (TransportErrorKind::Tls, 1), "{text}");
    assert!(
        text.ends_with(&format!(
            "/api/v3/secrets/raw: TLS handshake failed (is this an http server?); if it serves plain HTTP, use {plain}"
        )),
        "{text}"
    );
    assert!(!err.is_unavailable());
}

#[test]
fn a_site_without_its_scheme_is_refused_with_the_fix() {
    for site in ["127.0.0.1:8080", "localhost:8080", "infisical.example.com"] {
        let err = builder(site).build().unwrap_err();
        let Error::Config(text) = &err else { panic!("{site}: {err:?}") };
        assert!(text.contains(&format!("add the scheme: http://{site} or https://{site}")), "{text}");
    }
    let env = infisical_config::EnvSource::from_pairs([("INFISICAL_URL", "infisical.example.com")]);
    let err = infisical_config::Client::builder().env_source(env).cli_login(false).build().unwrap_err();
    assert_eq!(
        err.to_string(),
        "configuration error: the Infisical URL from environment variable INFISICAL_URL has no scheme; add the \
         scheme: http://infisical.example.com or https://infisical.example.com"
    );
}

#[cfg(feature = "figment")]
#[test]
fn figments_one_line_carries_the_cause_once() {
    use figment::Figment;
    use infisical_config::Infisical;

    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let client = blocking_builder(&format!("http://127.0.0.1:{port}"))
        .access_token("t")
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap();
    let err =
        Figment::new().merge(Infisical::new("p", "dev").client(client)).extract::<serde_json::Value>().unwrap_err();
    let text = err.to_string();
    assert!(text.contains(&format!("127.0.0.1:{port}")) && text.contains("connection refused"), "{text}");
    assert_eq!(text.to_ascii_lowercase().matches("refused").count(), 1, "{text}");
    assert!(!text.contains("error sending request"), "{text}");
}

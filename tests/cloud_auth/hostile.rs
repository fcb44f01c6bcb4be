//! Whatever answers in a cloud's place is held like a server: no request of a login follows a
//! redirect (each is an error naming the endpoint, and the redirect's target hears nothing), and an
//! answer larger than a token is refused at the cap, without reading the rest.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::*;

const MIB: usize = 1024 * 1024;

/// A server whose every answer is a redirect to `elsewhere`, which expects no request at all.
async fn redirecting(status: u16, elsewhere: &MockServer) -> MockServer {
    let cloud = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(status).insert_header("location", format!("{}/stolen", elsewhere.uri())))
        .mount(&cloud)
        .await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"access_token": "t", "signedJwt": "t"})))
        .expect(0)
        .named("the redirect's target")
        .mount(elsewhere)
        .await;
    cloud
}

/// A service-account key file (the test key) whose token endpoint is `token_uri`.
fn key_file(dir: &tempfile::TempDir, token_uri: &str) -> std::path::PathBuf {
    let private_key =
        std::fs::read_to_string(fixtures().join("gcp").join("test-only-service-account.key.pem")).unwrap();
    let path = dir.path().join("key.json");
    let body = json!({"client_email": "reader@project.iam.gserviceaccount.com", "private_key": private_key,
                      "token_uri": token_uri});
    std::fs::write(&path, body.to_string()).unwrap();
    path
}

async fn login_error(login: IdentityLogin) -> String {
    let client = builder("http://127.0.0.1:9").credentials(login).build().unwrap();
    client.authenticate().await.unwrap_err().to_string()
}

#[tokio::test]
async fn no_metadata_redirect_is_followed() {
    for status in [301, 302, 303, 307, 308] {
        let elsewhere = MockServer::start().await;
        let cloud = redirecting(status, &elsewhere).await;
        let cases = [
            (
                IdentityLogin::azure("id").platform_endpoint(format!("{}/metadata/identity/oauth2/token", cloud.uri())),
                "Azure managed identity endpoint",
                format!("{}/metadata/identity/oauth2/token", cloud.uri()),
            ),
            (
                IdentityLogin::gcp_id_token("id").platform_endpoint(cloud.uri()),
                "GCP metadata server",
                format!("{}/computeMetadata/v1/instance/service-accounts/default/identity", cloud.uri()),
            ),
        ];
        for (login, what, endpoint) in cases {
            let err = login_error(login).await;
            assert_eq!(elsewhere.received_requests().await.unwrap().len(), 0, "{what}: {status} followed");
            assert!(err.contains(&format!("the {what} at {endpoint} answered {status}")), "{err}");
            assert!(err.contains("a redirect, not followed"), "{err}");
        }
    }
}

/// The GCP IAM login's requests carry a signed assertion, then an OAuth token: neither follows a
/// redirect from the key file's token endpoint or the IAM credentials API.
#[tokio::test]
async fn no_google_api_redirect_is_followed() {
    for status in [301, 302, 303, 307, 308] {
        let elsewhere = MockServer::start().await;
        let cloud = redirecting(status, &elsewhere).await;
        let dir = tempfile::tempdir().unwrap();
        let login = IdentityLogin::gcp_iam("id", key_file(&dir, &format!("{}/token", cloud.uri())))
            .platform_endpoint(cloud.uri());
        let err = login_error(login).await;
        assert_eq!(elsewhere.received_requests().await.unwrap().len(), 0, "token endpoint: {status} followed");
        assert!(err.contains(&format!("the OAuth token endpoint at {}/token answered {status}", cloud.uri())), "{err}");
        assert!(err.contains("a redirect, not followed"), "{err}");

        let google = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/token"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"access_token": "oauth-token"})))
            .mount(&google)
            .await;
        let login = IdentityLogin::gcp_iam("id", key_file(&dir, &format!("{}/token", google.uri())))
            .platform_endpoint(cloud.uri());
        let err = login_error(login).await;
        assert_eq!(elsewhere.received_requests().await.unwrap().len(), 0, "signJwt: {status} followed");
        let at = format!("the IAM credentials API at {}/v1/projects/-/serviceAccounts/", cloud.uri());
        assert!(err.contains(&at) && err.contains(&format!("answered {status}")), "{err}");
        assert!(err.contains("a redirect, not followed"), "{err}");
    }
}

/// AWS's SDK makes its own requests (instance metadata, and STS for web identity): its HTTP client
/// has no redirect logic, so a redirect is an error there too.
#[tokio::test]
async fn aws_instance_metadata_redirects_are_not_followed_either() {
    let elsewhere = MockServer::start().await;
    let imds = redirecting(302, &elsewhere).await;
    let err = login_error(IdentityLogin::aws_iam("id").aws_region("us-east-1").platform_endpoint(imds.uri())).await;
    assert!(err.contains("AWS credentials"), "{err}");
    assert!(!imds.received_requests().await.unwrap().is_empty(), "the instance metadata was asked");
    elsewhere.verify().await;
}

/// Answers every request with `len` bytes of `x` (chunked, or with its length announced), and counts
/// what it managed to send before the client hung up.
async fn flooding(len: usize, chunked: bool) -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let uri = format!("http://{}", listener.local_addr().unwrap());
    let sent = Arc::new(AtomicUsize::new(0));
    let counter = sent.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let counter = counter.clone();
            tokio::spawn(async move {
                let mut request = [0u8; 4096];
                let _ = socket.read(&mut request).await;
                let head = if chunked {
                    "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n".to_owned()
                } else {
                    format!("HTTP/1.1 200 OK\r\ncontent-length: {len}\r\n\r\n")
                };
                if socket.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let block = vec![b'x'; 16 * 1024];
                let mut done = 0;
                while done < len {
                    let n = block.len().min(len - done);
                    let written = if chunked {
                        socket.write_all(&[format!("{n:x}\r\n").as_bytes(), &block[..n], b"\r\n"].concat()).await
                    } else {
                        socket.write_all(&block[..n]).await
                    };
                    if written.is_err() {
                        return;
                    }
                    done += n;
                    counter.fetch_add(n, Ordering::Relaxed);
                }
                let _ = socket.write_all(if chunked { &b"0\r\n\r\n"[..] } else { b"" }).await;
            });
        }
    });
    (uri, sent)
}

#[tokio::test]
async fn an_oversized_metadata_or_token_answer_is_refused_at_the_cap() {
    const LEN: usize = 64 * MIB;
    for chunked in [true, false] {
        for cloud in ["azure", "gcp", "gcp-iam"] {
            let (uri, sent) = flooding(LEN, chunked).await;
            let dir = tempfile::tempdir().unwrap();
            let (login, what) = match cloud {
                "azure" => {
                    (IdentityLogin::azure("id").platform_endpoint(uri.clone()), "Azure managed identity endpoint")
                }
                "gcp" => (IdentityLogin::gcp_id_token("id").platform_endpoint(uri.clone()), "GCP metadata server"),
                _ => (
                    IdentityLogin::gcp_iam("id", key_file(&dir, &format!("{uri}/token")))
                        .platform_endpoint(uri.clone()),
                    "OAuth token endpoint",
                ),
            };
            let started = Instant::now();
            let err = login_error(login).await;
            assert!(
                err.contains(&format!("the {what} at {uri}")) && err.contains("more than 64 KiB"),
                "{cloud}: {err}"
            );
            assert!(started.elapsed() < Duration::from_secs(10), "{cloud}: took {:?}", started.elapsed());
            // The client stopped reading at the cap: what the server could send is what the sockets'
            // buffers hold (a few MiB), not the answer.
            tokio::time::sleep(Duration::from_millis(100)).await;
            let sent = sent.load(Ordering::Relaxed);
            assert!(sent < LEN / 4, "{cloud} (chunked: {chunked}): the server sent {} MiB", sent / MIB);
        }
    }
}

#[tokio::test]
async fn an_empty_or_unreadable_answer_is_no_token() {
    let cloud = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/computeMetadata/v1/instance/service-accounts/default/identity"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(b" \n".to_vec()))
        .mount(&cloud)
        .await;
    Mock::given(method("GET"))
        .and(path("/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"access_token": ""})))
        .mount(&cloud)
        .await;
    let err = login_error(IdentityLogin::gcp_id_token("id").platform_endpoint(cloud.uri())).await;
    assert!(err.contains("GCP metadata server") && err.contains("answered no ID token"), "{err}");
    let err = login_error(IdentityLogin::azure("id").platform_endpoint(format!("{}/token", cloud.uri()))).await;
    assert!(err.contains("answered without an access_token"), "{err}");
}

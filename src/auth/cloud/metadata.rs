//! The HTTP client for a cloud's metadata endpoints, what their failures mean, and how much of an
//! answer any cloud login reads.
//!
//! A metadata endpoint is plain http on a link-local address or an internal host name. Outside that
//! cloud the address is unrouted or the name does not resolve, so the client gives up on a connection
//! after a second: start-up never waits on a cloud the service is not on. It never goes through a
//! proxy (the endpoint is only reachable from the machine itself) and it loads no TLS roots.
//!
//! Whatever answers in a cloud's place (anything on the link-local network of a machine outside that
//! cloud can) is held like a server: its answer is capped and must arrive in time, and no request of
//! a login follows a redirect.

use std::sync::OnceLock;
use std::time::Duration;

use zeroize::Zeroizing;

use crate::auth::CredentialsError;

/// How long to wait for a metadata endpoint to accept a connection.
pub(crate) const CONNECT_TIMEOUT: Duration = Duration::from_secs(1);
/// How long a whole metadata request may take (Azure's first token of a VM can take seconds).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// How long to wait before asking a busy or failing endpoint again.
const RETRY_AFTER: Duration = Duration::from_millis(200);
/// How much of an endpoint's error answer goes into an error message: enough for its reason.
const ERROR_BODY_CHARS: usize = 200;
/// The most a metadata or token endpoint may answer. Its answers are a token or a small JSON object:
/// a GCP ID token is about 1 KiB, an Azure access token 1 to 4 KiB (a few more with many claims),
/// Google's OAuth and `signJwt` answers under 2 KiB, an error page a few KiB. 64 KiB is ten times the
/// largest, and little enough to allocate at once, so the buffer never grows (no copies left behind).
pub(crate) const MAX_ANSWER_BYTES: usize = 64 * 1024;

fn client(method: &'static str) -> Result<&'static reqwest::Client, CredentialsError> {
    static CLIENT: OnceLock<reqwest::Client> = OnceLock::new();
    if let Some(client) = CLIENT.get() {
        return Ok(client);
    }
    let builder = crate::transport::reqwest_builder()
        .no_proxy()
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(REQUEST_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none());
    #[cfg(any(feature = "rustls", feature = "rustls-ring", feature = "native-tls"))]
    let builder = builder.tls_certs_only(Vec::new());
    let client = builder.build().map_err(|e| {
        CredentialsError::invalid_because(method, "could not build the HTTP client for metadata endpoints", e)
    })?;
    Ok(CLIENT.get_or_init(|| client))
}

/// A GET to a metadata endpoint with the headers it requires, answering its body (at most
/// [`MAX_ANSWER_BYTES`], wiped when dropped); a busy (429) or failing (5xx) endpoint is asked once more.
///
/// No answer at all (refused, unresolvable, timed out) means the service is not on that cloud:
/// [`CredentialsError::NotFound`], so a chain moves on. An answer with an error status means the
/// cloud is there but refused: [`CredentialsError::Invalid`], naming the endpoint and its reason.
pub(crate) async fn get(
    method: &'static str,
    what: &str,
    url: &str,
    headers: &[(&str, &str)],
) -> Result<Zeroizing<Vec<u8>>, CredentialsError> {
    let client = client(method)?;
    let mut retried = false;
    loop {
        let mut request = client.get(url);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.map_err(|e| absent(method, what, url, &e))?;
        let status = response.status();
        let body = read_capped(method, what, url, response).await?;
        if status.is_success() {
            return Ok(body);
        }
        // Azure's service asks clients to retry when busy (429) or failing (5xx); once is enough here.
        if !retried && (status.as_u16() == 429 || status.is_server_error()) {
            retried = true;
            tokio::time::sleep(RETRY_AFTER).await;
            continue;
        }
        return Err(refused(method, what, url, status, &body));
    }
}

/// An endpoint's answer, read under [`MAX_ANSWER_BYTES`] into one buffer allocated up front (a token
/// never sits in a buffer that was grown and left behind) and wiped when dropped. Its time is bounded
/// by the client's request timeout.
pub(crate) async fn read_capped(
    method: &'static str,
    what: &str,
    url: &str,
    mut response: reqwest::Response,
) -> Result<Zeroizing<Vec<u8>>, CredentialsError> {
    let too_large = || {
        CredentialsError::invalid(
            method,
            format!(
                "the {what} at {} answered more than {} KiB, far more than any token: refused",
                endpoint(url),
                MAX_ANSWER_BYTES / 1024
            ),
        )
    };
    // An announced length is what HTTP holds the answer to: the buffer is that, or the cap.
    let limit = match response.content_length() {
        Some(n) if n > MAX_ANSWER_BYTES as u64 => return Err(too_large()),
        Some(n) => n as usize,
        None => MAX_ANSWER_BYTES,
    };
    let mut body = Zeroizing::new(Vec::with_capacity(limit));
    while let Some(chunk) = response.chunk().await.map_err(|e| {
        CredentialsError::invalid_because(
            method,
            format!("the {what} at {} broke off its answer", endpoint(url)),
            e.without_url(),
        )
    })? {
        if body.len() + chunk.len() > limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// An endpoint's error answer, named with the start of its body (its reason; never a token: the
/// endpoint refused to give one).
pub(crate) fn refused(
    method: &'static str,
    what: &str,
    url: &str,
    status: reqwest::StatusCode,
    body: &[u8],
) -> CredentialsError {
    let reason: String = String::from_utf8_lossy(body).chars().take(ERROR_BODY_CHARS).collect();
    // A login never follows a redirect: it would carry the request (a signed assertion, a token, the
    // metadata headers) somewhere the operator did not name.
    let redirect = if status.is_redirection() { " (a redirect, not followed)" } else { "" };
    CredentialsError::invalid(
        method,
        format!("the {what} at {} answered {status}{redirect}: {}", endpoint(url), reason.trim()),
    )
}

/// The endpoint without its query, which may name the identity's audience or client id.
pub(crate) fn endpoint(url: &str) -> &str {
    url.split('?').next().unwrap_or(url)
}

fn absent(method: &'static str, what: &str, url: &str, err: &reqwest::Error) -> CredentialsError {
    let why = if err.is_timeout() { "did not answer in time" } else { "could not be reached" };
    CredentialsError::not_found(method, format!("no {what} at {}: it {why} (not running there?)", endpoint(url)))
}

//! The HTTP client for a cloud's metadata endpoints, and what their failures mean.
//!
//! A metadata endpoint is plain http on a link-local address or an internal host name. Outside that
//! cloud the address is unrouted or the name does not resolve, so the client gives up on a connection
//! after a second: start-up never waits on a cloud the service is not on. It never goes through a
//! proxy (the endpoint is only reachable from the machine itself) and it loads no TLS roots.

use std::sync::OnceLock;
use std::time::Duration;

use secrecy::SecretString;

use crate::auth::CredentialsError;

/// How long to wait for a metadata endpoint to accept a connection.
pub(crate) const CONNECT_TIMEOUT: Duration = Duration::from_secs(1);
/// How long a whole metadata request may take (Azure's first token of a VM can take seconds).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// How long to wait before asking a busy or failing endpoint again.
const RETRY_AFTER: Duration = Duration::from_millis(200);
/// How much of an endpoint's error answer goes into an error message: enough for its reason.
const ERROR_BODY_CHARS: usize = 200;

fn client(method: &'static str) -> Result<&'static reqwest::Client, CredentialsError> {
    static CLIENT: OnceLock<reqwest::Client> = OnceLock::new();
    if let Some(client) = CLIENT.get() {
        return Ok(client);
    }
    let builder = crate::client::reqwest_builder()
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

/// A GET to a metadata endpoint with the headers it requires, answering its body; a busy (429) or
/// failing (5xx) endpoint is asked once more.
///
/// No answer at all (refused, unresolvable, timed out) means the service is not on that cloud:
/// [`CredentialsError::NotFound`], so a chain moves on. An answer with an error status means the
/// cloud is there but refused: [`CredentialsError::Invalid`], naming the endpoint and its reason.
pub(crate) async fn get(
    method: &'static str,
    what: &str,
    url: &str,
    headers: &[(&str, &str)],
) -> Result<SecretString, CredentialsError> {
    let client = client(method)?;
    let mut retried = false;
    loop {
        let mut request = client.get(url);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.map_err(|e| absent(method, what, url, &e))?;
        let status = response.status();
        let body = response.text().await.map_err(|e| absent(method, what, url, &e))?;
        if status.is_success() {
            return Ok(SecretString::from(body));
        }
        // Azure's service asks clients to retry when busy (429) or failing (5xx); once is enough here.
        if !retried && (status.as_u16() == 429 || status.is_server_error()) {
            retried = true;
            tokio::time::sleep(RETRY_AFTER).await;
            continue;
        }
        return Err(refused(method, what, url, status, body.as_bytes()));
    }
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
    CredentialsError::invalid(method, format!("the {what} at {} answered {status}: {}", endpoint(url), reason.trim()))
}

/// The endpoint without its query, which may name the identity's audience or client id.
pub(crate) fn endpoint(url: &str) -> &str {
    url.split('?').next().unwrap_or(url)
}

fn absent(method: &'static str, what: &str, url: &str, err: &reqwest::Error) -> CredentialsError {
    let why = if err.is_timeout() { "did not answer in time" } else { "could not be reached" };
    CredentialsError::not_found(method, format!("no {what} at {}: it {why} (not running there?)", endpoint(url)))
}

//! What kind of transport failure happened, and the one line that tells it.

use std::fmt;
use std::time::Duration;

/// What kind of transport failure happened: the `kind` of [`Error::Transport`](crate::Error::Transport).
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// # use infisical_config::EnvSource;
/// use infisical_config::{Client, Error, RetryPolicy};
/// use infisical_config::error::TransportErrorKind;
///
/// // Nothing listens on port 9 here.
/// let client = Client::builder()
///     .site("http://127.0.0.1:9")
///     .access_token("a-token")
///     .retry(RetryPolicy::disabled())
/// # .env_source(EnvSource::from_pairs::<_, String, String>([]))
///     .build()?;
/// let err = client.secrets().list(&infisical_config::resources::ListSecrets::new("p", "dev")).await.unwrap_err();
/// assert!(matches!(err, Error::Transport { kind: TransportErrorKind::Connect, .. }));
/// assert!(err.is_unavailable());
/// println!("{err}"); // connection failed while calling GET http://127.0.0.1:9/api/v4/secrets: ...
/// # Ok::<(), infisical_config::Error>(()) }).unwrap();
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// The connection could not be made: a name that did not resolve, a connection refused or reset.
    Connect,
    /// The connect or request timeout elapsed.
    Timeout,
    /// The response was larger than the configured cap.
    ResponseTooLarge,
    /// The server answered with a redirect and following redirects is off.
    Redirect,
    /// Anything else: the connection broke mid-request, a body could not be read.
    Other,
    /// TLS failed: the server's certificate was refused (untrusted, expired, for another name) or the
    /// handshake failed (an `https` site served by a plain-http server). It would fail the same way
    /// again, so it is not retried, and it is neither [transient](crate::Error::is_transient) nor
    /// [unavailable](crate::Error::is_unavailable): the error says what to change.
    Tls,
}

impl fmt::Display for TransportErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TransportErrorKind::Connect => "connection failed",
            TransportErrorKind::Timeout => "timed out",
            TransportErrorKind::ResponseTooLarge => "response too large",
            TransportErrorKind::Redirect => "unexpected redirect",
            TransportErrorKind::Other => "request failed",
            TransportErrorKind::Tls => "TLS failed",
        })
    }
}

pub(super) fn transport_text(
    kind: TransportErrorKind,
    request: &str,
    attempts: u32,
    elapsed: Duration,
    limit: Option<Duration>,
    cause: Option<&str>,
) -> String {
    let mut text = match (kind, limit) {
        (TransportErrorKind::Timeout, Some(limit)) => {
            format!("timed out (limit {}) while calling {request}", seconds(limit))
        }
        _ => format!("{kind} while calling {request}"),
    };
    if attempts > 1 || kind == TransportErrorKind::Timeout {
        let s = if attempts == 1 { "" } else { "s" };
        text.push_str(&format!(" ({attempts} attempt{s} over {})", seconds(elapsed)));
    }
    if let Some(cause) = cause {
        text.push_str(": ");
        text.push_str(cause);
    }
    text
}

fn seconds(d: Duration) -> String {
    format!("{:.1} s", d.as_secs_f64())
}

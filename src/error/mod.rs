//! The crate's one error type.
//!
//! Every failure is an [`Error`]. Its variants say *what kind* of thing went wrong (the server answered
//! with an error, credentials are missing, the request was refused before sending, the network failed,
//! a response could not be decoded, the configuration is wrong), so callers can match on them.
//!
//! No error ever holds a secret value, an access token or a client secret: messages are built from
//! names, paths, status codes and the server's own error text.

use std::time::Duration;

mod api;
pub(crate) mod credentials;
mod lease;
mod transport;

pub(crate) use api::bounded;
pub use api::{ApiError, ApiMessage, ValidationIssue};
pub(crate) use credentials::CredentialsError;
pub use lease::LeaseError;
pub use transport::TransportErrorKind;
use transport::transport_text;

/// A `Result` whose error is this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in this crate.
///
/// Its one-line `Display` carries the cause: print it with `{}`. Match on the variants to act on a
/// kind of failure, and ask [`is_unavailable`](Self::is_unavailable) whether Infisical could not be
/// reached (the one case a cache or a default may stand in for it).
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// # use infisical_config::testing::FakeInfisical;
/// # let fake = FakeInfisical::builder().secret("dev", "/", "A", "1").start().await;
/// # let client = fake.client_builder().build()?;
/// use infisical_config::Error;
/// use infisical_config::resources::ListSecrets;
///
/// fn explain(err: &Error) -> &'static str {
///     match err.innermost() {
///         err if err.is_not_found() => "check the project, environment and folder",
///         err if err.is_unavailable() => "Infisical is unavailable: try again later",
///         Error::Credentials(_) => "check the credentials",
///         Error::InvalidRequest { .. } => "fix the input",
///         _ => "see the message",
///     }
/// }
///
/// let err = client.secrets().list(&ListSecrets::new(fake.project_id(), "stagin")).await.unwrap_err();
/// assert_eq!(explain(&err), "check the project, environment and folder");
/// println!("{err}"); // Client Error 404: Environment with slug 'stagin' in project not found
/// # Ok::<(), infisical_config::Error>(()) }).unwrap();
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The server answered with an error status: its status, name, message and request id are in the
    /// [`ApiError`].
    ///
    /// A `404` names something that does not exist (check the project, environment, folder or key); a
    /// `403`, a permission the identity lacks (grant it in the project's roles); a `422`, input the
    /// server refused (the message names the field). `408`, `429` and `5xx` answers come once the
    /// retries are spent: they are [unavailable](Self::is_unavailable), try again later.
    #[error(transparent)]
    Api(Box<ApiError>),

    /// No usable credentials, or credentials the server or a provider refused: see
    /// [`CredentialsError`], whose variants say what to do. Raised before the request it was for is
    /// sent; it is never [unavailable](Self::is_unavailable).
    #[error(transparent)]
    Credentials(#[from] CredentialsError),

    /// A dynamic-secret or lease call was refused in a way that asks for a decision (create a new
    /// lease, shorten a TTL, grant a permission, stop asking): see [`LeaseError`], whose variants say
    /// what to do. Its [`status`](Self::status) is the server's.
    #[error(transparent)]
    Lease(Box<LeaseError>),

    /// The request was refused before it was sent, because the server would refuse it too (an empty
    /// batch, a lease TTL under one minute, a page size over 100).
    ///
    /// Fix the argument it names; nothing was sent.
    #[error("invalid request: `{field}` {reason}")]
    InvalidRequest {
        /// The field or argument at fault.
        field: &'static str,
        /// What is wrong with it.
        reason: String,
    },

    /// The request did not complete: connection refused, timeout, TLS failure, response too large.
    ///
    /// Its text names the server (`scheme://host:port`), the request, how many attempts were made over
    /// how long, for a timeout the limit that was reached, and last what failed underneath, in words,
    /// with what to do when trying again cannot help:
    /// `connection failed while calling GET http://127.0.0.1:8080/api/v4/secrets (4 attempts over 1.9 s): connection refused`.
    /// The underlying error is its [`source`](std::error::Error::source).
    ///
    /// Connection failures and timeouts are [unavailable](Self::is_unavailable): check that the site
    /// is right and reachable, or try again later. A [TLS](TransportErrorKind::Tls) failure is not:
    /// trust the server's certificate authority ([`ClientBuilder::ca_certificate_pem`](crate::ClientBuilder::ca_certificate_pem))
    /// or fix the site's scheme. A [redirect](TransportErrorKind::Redirect) asks for the site's real
    /// address; a [response too large](TransportErrorKind::ResponseTooLarge), for a higher
    /// [`max_response_bytes`](crate::ClientBuilder::max_response_bytes).
    #[error("{}", transport_text(*kind, request, *attempts, *elapsed, *limit, cause.as_deref()))]
    Transport {
        /// What failed.
        kind: TransportErrorKind,
        /// The request: method, server (`scheme://host:port`) and API path, as
        /// `GET https://eu.infisical.com:443/api/v4/secrets` (no query string: it never carries
        /// secrets, but keeps messages short).
        request: String,
        /// How many attempts were made (0 when the deadline passed before the first one).
        attempts: u32,
        /// How long the call had run when it gave up.
        elapsed: Duration,
        /// For a timeout, the limit that was reached (the call's deadline or one attempt's).
        limit: Option<Duration>,
        /// What failed underneath, in words (`connection refused`, `dns error: ...`,
        /// `invalid peer certificate: UnknownIssuer; ...`), and the fix when there is one. `None` when
        /// the rest of the text says it all (a timeout, a redirect, a response too large).
        cause: Option<String>,
        /// The underlying error, with its URL removed.
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },

    /// A response arrived but did not have the expected shape: the site is not an Infisical server
    /// (a proxy's login page, say), or a server of a generation this crate does not know.
    ///
    /// Check the site; if it is Infisical, report the endpoint and detail (they hold no value).
    #[error("could not decode the response of {endpoint}: {detail}")]
    Decode {
        /// Method and path of the request whose response failed to decode.
        endpoint: String,
        /// Where in the document decoding failed and what was expected (never the value found).
        detail: String,
    },

    /// The client's configuration is wrong (a bad URL, an unreadable CA file, a bad header), found by
    /// [`ClientBuilder::build`](crate::ClientBuilder::build) or a loader before any request.
    ///
    /// Fix the setting or variable its text names.
    #[error("configuration error: {0}")]
    Config(String),

    /// Two secrets map to the same configuration key (or one to a key inside the other's), or to the same
    /// environment variable: the error names both, and never a value, and says what the loader offers.
    ///
    /// Rename one of the secrets, or change the key mapping or the layering as the text says.
    #[error("`{key}` would come from both {first} and {second}; {remedy}")]
    KeyConflict {
        /// The configuration key, or the environment variable.
        key: String,
        /// The first secret (name, folder, environment).
        first: String,
        /// The second secret.
        second: String,
        /// What can be done, with what the loader offers: ``rename one, or change the key mapping``.
        remedy: String,
    },

    /// A secret's name cannot be turned into a key under the chosen mapping (an empty segment, a
    /// character the mapping cannot carry).
    ///
    /// Rename the secret, or choose another key mapping.
    #[error("{secret} cannot be mapped to a key: {reason}")]
    KeyMapping {
        /// The secret (name, folder, environment).
        secret: String,
        /// Why.
        reason: String,
    },

    /// What a load names does not exist: an environment of the project, or a folder of an environment.
    ///
    /// Checked when a list comes back empty, since older servers answer a list of an unknown
    /// environment or folder with `200` and nothing.
    ///
    /// Fix the name: the text lists what exists there (a typo such as `stagin` shows `staging`).
    #[error("{target} does not exist in {within}; {}", existing_text(existing))]
    NotFound {
        /// What is missing: ``environment `stagin` `` or ``folder `/dbb` ``.
        target: String,
        /// Where it was looked for.
        within: String,
        /// What exists there instead (environment slugs, or folder names).
        existing: Vec<String>,
    },

    /// A load (the figment provider, the env loader, the `config` source, a watcher) failed: names what
    /// was being loaded (site, project, environments, folders) before the error itself.
    ///
    /// The error is the variant's `error` (or [`innermost`](Self::innermost)); the methods
    /// [`status`](Self::status), [`is_not_found`](Self::is_not_found),
    /// [`is_transient`](Self::is_transient) and [`is_unavailable`](Self::is_unavailable) answer for
    /// it. Its text, causes included, is already in this one's, so this variant has no
    /// [`source`](std::error::Error::source): a report that walks the chain does not print it twice.
    ///
    /// Act on the error inside it, as for that variant.
    #[error("loading secrets from {target} failed: {error}")]
    Load {
        /// What was loaded: `infisical://host:port/project/environments/folders`.
        target: String,
        /// What went wrong.
        error: Box<Error>,
    },

    /// A local file or keyring could not be read or is malformed (a project file, a CA file, a cache
    /// file): its text names the file and what is wrong.
    ///
    /// Fix or remove the file, or its permissions.
    #[error("{what} {path}: {reason}")]
    File {
        /// What the file is ("CLI config", "project file", ...).
        what: &'static str,
        /// Where it is.
        path: String,
        /// What is wrong with it.
        reason: String,
        /// The error behind it (the I/O error of a read), when there is one.
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },

    /// A header value that cannot be sent in HTTP (a control character, a non-visible byte): the access
    /// token a provider gave, or a custom header. Found before any request is sent; never retried.
    ///
    /// Fix the header's value (a token copied with its line break, say); the value is never shown.
    #[error(
        "the value of header `{name}` cannot be sent in HTTP (it holds a control character or a byte HTTP forbids)"
    )]
    InvalidHeader {
        /// The header's name (`Authorization` for the access token).
        name: String,
    },

    /// Something failed on this machine, with no server involved: a request body that cannot be
    /// encoded, a runtime or HTTP client that cannot start, a task that panicked. Never retried.
    ///
    /// Its source says what failed; it is a bug or a resource exhausted on this machine, not a
    /// problem with Infisical.
    #[error("{what}")]
    Local {
        /// What could not be done.
        what: &'static str,
        /// Why.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

impl Error {
    /// The error itself, without the context of a load ([`Error::Load`]) around it.
    ///
    /// ```
    /// use infisical_config::Error;
    ///
    /// let typo = Error::NotFound { target: "environment `stagin`".into(), within: "project `app`".into(), existing: vec!["staging".into()] };
    /// let loaded = Error::Load { target: "infisical://eu.infisical.com:443/app/stagin/".into(), error: Box::new(typo) };
    /// assert!(matches!(loaded.innermost(), Error::NotFound { .. }));
    /// println!("{loaded}"); // loading secrets from ... failed: environment `stagin` does not exist in ...
    /// ```
    #[must_use]
    pub fn innermost(&self) -> &Error {
        match self {
            Error::Load { error, .. } => error.innermost(),
            other => other,
        }
    }

    /// The HTTP status the server answered with, when this is an API error.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # use infisical_config::testing::FakeInfisical;
    /// # let fake = FakeInfisical::builder().start().await;
    /// # let client = fake.client_builder().build()?;
    /// use infisical_config::resources::ListSecrets;
    ///
    /// let err = client.secrets().list(&ListSecrets::new("no-such-project", "dev")).await.unwrap_err();
    /// assert_eq!(err.status(), Some(404));
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    #[must_use]
    pub fn status(&self) -> Option<u16> {
        match self.innermost() {
            Error::Api(api) => Some(api.status()),
            Error::Lease(lease) => lease.api().map(ApiError::status),
            _ => None,
        }
    }

    /// True when the server answered 404, or what was named does not exist (an environment, a folder,
    /// a dynamic secret, a lease).
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # use infisical_config::testing::FakeInfisical;
    /// # let fake = FakeInfisical::builder().secret("dev", "/", "A", "1").start().await;
    /// # let client = fake.client_builder().build()?;
    /// use infisical_config::resources::secrets::GetSecret;
    ///
    /// let err = client.secrets().get(&GetSecret::new(fake.project_id(), "dev", "B")).await.unwrap_err();
    /// assert!(err.is_not_found());
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    #[must_use]
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
            || match self.innermost() {
                Error::NotFound { .. } => true,
                Error::Lease(lease) => lease.is_not_found(),
                _ => false,
            }
    }

    /// True for errors that might succeed if tried again later (rate limits, 5xx, network failures).
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # use infisical_config::testing::FakeInfisical;
    /// use infisical_config::RetryPolicy;
    ///
    /// let fake = FakeInfisical::builder().start().await;
    /// fake.set_unavailable(true); // 503 to everything
    /// let client = fake.client_builder().retry(RetryPolicy::disabled()).build()?;
    /// let err = client.authenticate().await.unwrap_err();
    /// assert!(err.is_transient());
    /// println!("{err}");
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    #[must_use]
    pub fn is_transient(&self) -> bool {
        match self.innermost() {
            Error::Api(api) => matches!(api.status(), 429 | 500..=599),
            Error::Transport { kind, .. } => {
                matches!(kind, TransportErrorKind::Connect | TransportErrorKind::Timeout | TransportErrorKind::Other)
            }
            _ => false,
        }
    }

    /// True when Infisical could not be reached or was unavailable: a connection refused or reset, a
    /// name that did not resolve, a timeout, or a `408`, `429` or `5xx` answer once the retries were
    /// spent (a login answered so included).
    ///
    /// This is the one condition under which an [`optional`](crate::Infisical::optional) provider
    /// provides nothing and a cache may stand in for the server. Everything else is an answer or a
    /// mistake that must be seen: credentials refused at login (401, 403, 404), a project the identity
    /// may not read, an unknown project, environment or folder, invalid input, an untrusted
    /// certificate, missing credentials.
    ///
    /// ```
    /// use infisical_config::Error;
    ///
    /// let typo = Error::NotFound { target: "environment `prd`".into(), within: "project `app`".into(), existing: vec!["prod".into()] };
    /// assert!(!typo.is_unavailable());
    /// ```
    #[must_use]
    pub fn is_unavailable(&self) -> bool {
        match self.innermost() {
            Error::Api(api) => matches!(api.status(), 408 | 429 | 500..=599),
            Error::Transport { kind, .. } => {
                matches!(kind, TransportErrorKind::Connect | TransportErrorKind::Timeout | TransportErrorKind::Other)
            }
            _ => false,
        }
    }

    pub(crate) fn invalid(field: &'static str, reason: impl Into<String>) -> Self {
        Error::InvalidRequest { field, reason: reason.into() }
    }

    pub(crate) fn decode(endpoint: impl Into<String>, err: &serde_path_to_error::Error<serde_json::Error>) -> Self {
        Error::Decode { endpoint: endpoint.into(), detail: safe_decode_detail(err) }
    }
}

impl From<ApiError> for Error {
    fn from(e: ApiError) -> Self {
        Error::Api(Box::new(e))
    }
}

/// Describes a decoding failure without quoting the offending value.
///
/// serde's messages quote the value it found (`invalid type: string "s3cret", expected u32`), and that
/// value may be a secret. Keep the path and the expectation only.
pub(crate) fn safe_decode_detail(err: &serde_path_to_error::Error<serde_json::Error>) -> String {
    let inner = err.inner();
    let what = safe_expectation(inner);
    let syntax = matches!(inner.classify(), serde_json::error::Category::Syntax | serde_json::error::Category::Eof);
    let path = err.path().to_string();
    if syntax || matches!(path.as_str(), "." | "?" | "") {
        format!("{what} (line {}, column {})", inner.line(), inner.column())
    } else {
        format!("at `{path}`: {what}")
    }
}

/// What the decoder wanted, without what it found: the found part may quote the input (a secret
/// value, even one containing "expected"), while the last ", expected ..." is serde's own text about
/// the type.
pub(crate) fn safe_expectation(inner: &serde_json::Error) -> String {
    let msg = inner.to_string();
    match inner.classify() {
        serde_json::error::Category::Syntax | serde_json::error::Category::Eof => "not valid JSON".to_owned(),
        serde_json::error::Category::Io => "read error".to_owned(),
        serde_json::error::Category::Data => {
            if let Some(idx) = msg.rfind(", expected ") {
                msg[idx + 2..].split(" at line ").next().unwrap_or("").to_owned()
            } else if msg.starts_with("missing field") {
                msg.split(" at line ").next().unwrap_or("").to_owned()
            } else {
                "unexpected value".to_owned()
            }
        }
    }
}

fn existing_text(existing: &[String]) -> String {
    if existing.is_empty() { "there is none there".to_owned() } else { format!("there is: {}", existing.join(", ")) }
}

/// The error and its causes, one after the other: `top: cause: cause`.
///
/// For places that show one line of text where the chain would be lost (figment's error messages).
/// A transport error's text already holds its cause in words: the chain under it would only restate it.
pub(crate) fn with_causes(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = err.to_string();
    let mut current = err;
    while !matches!(current.downcast_ref::<Error>(), Some(Error::Transport { .. }))
        && let Some(cause) = current.source()
    {
        let shown = cause.to_string();
        // reqwest repeats its cause in its own text; skip what adds nothing.
        if !text.contains(&shown) {
            text.push_str(": ");
            text.push_str(&shown);
        }
        current = cause;
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(attempts: u32) -> Error {
        // As reqwest's: a text of its own that restates the cause in other words.
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "tcp connect error");
        Error::Transport {
            kind: TransportErrorKind::Connect,
            request: "GET http://127.0.0.1:9/api/v4/secrets".into(),
            attempts,
            elapsed: Duration::from_millis(1900),
            limit: None,
            cause: Some("connection refused".into()),
            source: Some(Box::new(io)),
        }
    }

    #[test]
    fn a_transport_error_ends_with_its_cause_once() {
        assert_eq!(
            refused(4).to_string(),
            "connection failed while calling GET http://127.0.0.1:9/api/v4/secrets (4 attempts over 1.9 s): \
             connection refused"
        );
        // The source stays for code, and figment's one line does not restate it.
        assert!(std::error::Error::source(&refused(1)).is_some_and(|e| e.is::<std::io::Error>()));
        assert_eq!(
            with_causes(&refused(1)),
            "connection failed while calling GET http://127.0.0.1:9/api/v4/secrets: connection refused"
        );
    }

    #[test]
    fn a_tls_failure_is_neither_transient_nor_unavailable() {
        let mut err = refused(1);
        if let Error::Transport { kind, .. } = &mut err {
            *kind = TransportErrorKind::Tls;
        }
        assert!(!err.is_transient() && !err.is_unavailable());
        let loaded = Error::Load { target: "infisical://h:443/p/dev/".into(), error: Box::new(err) };
        assert!(!loaded.is_unavailable());
        assert!(refused(1).is_unavailable() && refused(1).is_transient());
    }
}

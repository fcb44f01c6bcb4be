//! The server's error answers: status, name, message (or validation issues), request id.

use std::fmt;
use std::time::Duration;

use serde::Deserialize;

/// An error answer from the Infisical server.
///
/// Display reads like `Client Error 404: Secret with name 'X' not found` for 4xx answers and
/// `Server Error 500: Something went wrong` for 5xx ones.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// # use infisical_config::testing::FakeInfisical;
/// # let fake = FakeInfisical::builder().start().await;
/// # let client = fake.client_builder().build()?;
/// # let project = fake.project_id();
/// use infisical_config::Error;
/// use infisical_config::resources::secrets::GetSecret;
///
/// match client.secrets().get(&GetSecret::new(project, "dev", "X")).await {
///     Err(Error::Api(api)) if api.status() == 404 => {
///         assert_eq!(api.to_string(), "Client Error 404: Secret with name 'X' not found");
///         assert_eq!(api.error_name(), Some("NotFound"));
///     }
///     Err(other) => eprintln!("{other}"),
///     Ok(_) => unreachable!("the fake holds no X"),
/// }
/// # Ok::<(), infisical_config::Error>(()) }).unwrap();
/// ```
#[derive(Debug, Clone)]
pub struct ApiError {
    status: u16,
    error: Option<String>,
    message: ApiMessage,
    req_id: Option<String>,
    details: Option<serde_json::Value>,
    retry_after: Option<Duration>,
    /// What the crate knows that the server did not say (a likely cause).
    hint: Option<String>,
}

/// The `message` of an error answer: a sentence, or (for validation failures) a list of issues.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// # use infisical_config::{Client, EnvSource, Error};
/// use infisical_config::error::ApiMessage;
/// # use infisical_config::resources::ListSecrets;
/// # let server = wiremock::MockServer::start().await;
/// # // A real server's answer (tests/fixtures: server 2025-06, sample 008).
/// # wiremock::Mock::given(wiremock::matchers::any())
/// #     .respond_with(wiremock::ResponseTemplate::new(422).set_body_json(serde_json::json!({
/// #         "reqId": "req-TNpQd3qbfd8TjE", "statusCode": 422, "error": "ValidationFailure",
/// #         "message": [{"received": "yes", "code": "invalid_enum_value", "options": ["true", "false"],
/// #                      "path": ["recursive"], "message": "Invalid enum value. Expected 'true' | 'false', received 'yes'"}]})))
/// #     .mount(&server).await;
/// # let client = Client::builder().site(server.uri()).access_token("a-token")
/// #     .env_source(EnvSource::from_pairs::<_, String, String>([])).build()?;
/// let err = client.secrets().list(&ListSecrets::new("6adad00e", "dev")).await.unwrap_err();
/// let Error::Api(api) = &err else { unreachable!("{err}") };
/// match api.message() {
///     ApiMessage::Validation(issues) => assert_eq!(issues[0].field(), "recursive"),
///     ApiMessage::Text(text) => println!("{text}"),
///     _ => {}
/// }
/// # Ok::<(), infisical_config::Error>(()) }).unwrap();
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ApiMessage {
    /// A plain message.
    Text(String),
    /// Validation issues (zod's), each with the path of the field at fault.
    Validation(Vec<ValidationIssue>),
    /// The server sent no message, or one of an unknown shape.
    None,
}

/// One validation issue reported by the server: the field at fault and what is wrong with it.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// # use infisical_config::{Client, EnvSource, Error};
/// use infisical_config::error::ApiMessage;
/// # use infisical_config::resources::ListSecrets;
/// # let server = wiremock::MockServer::start().await;
/// # // A real server's answer (tests/fixtures: server 2025-06, sample 008).
/// # wiremock::Mock::given(wiremock::matchers::any())
/// #     .respond_with(wiremock::ResponseTemplate::new(422).set_body_json(serde_json::json!({
/// #         "reqId": "req-TNpQd3qbfd8TjE", "statusCode": 422, "error": "ValidationFailure",
/// #         "message": [{"received": "yes", "code": "invalid_enum_value", "options": ["true", "false"],
/// #                      "path": ["recursive"], "message": "Invalid enum value. Expected 'true' | 'false', received 'yes'"}]})))
/// #     .mount(&server).await;
/// # let client = Client::builder().site(server.uri()).access_token("a-token")
/// #     .env_source(EnvSource::from_pairs::<_, String, String>([])).build()?;
/// let err = client.secrets().list(&ListSecrets::new("6adad00e", "dev")).await.unwrap_err();
/// let Error::Api(api) = &err else { unreachable!("{err}") };
/// let ApiMessage::Validation(issues) = api.message() else { unreachable!() };
/// assert_eq!(issues[0].field(), "recursive");
/// assert_eq!(issues[0].code.as_deref(), Some("invalid_enum_value"));
/// println!("{}: {}", issues[0].field(), issues[0].message);
/// # Ok::<(), infisical_config::Error>(()) }).unwrap();
/// ```
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct ValidationIssue {
    /// The path of the field at fault, e.g. `["tagIds", 0]`.
    #[serde(default)]
    pub path: Vec<serde_json::Value>,
    /// What is wrong.
    #[serde(default)]
    pub message: String,
    /// zod's issue code (`invalid_type`, `invalid_enum_value`, `custom`, ...).
    pub code: Option<String>,
}

impl ValidationIssue {
    /// The field path as dotted text: `tagIds.0`.
    ///
    /// ```
    /// use infisical_config::error::ValidationIssue;
    ///
    /// // As a server sends it (zod's issue).
    /// let issue: ValidationIssue = serde_json::from_value(serde_json::json!({
    ///     "code": "invalid_type", "path": ["tagIds", 0], "message": "Expected string, received number"
    /// })).unwrap();
    /// assert_eq!(issue.field(), "tagIds.0");
    /// ```
    #[must_use]
    pub fn field(&self) -> String {
        self.path
            .iter()
            .map(|p| match p {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join(".")
    }
}

#[derive(Deserialize)]
struct RawApiError {
    error: Option<String>,
    #[serde(default)]
    message: serde_json::Value,
    #[serde(default, rename = "reqId")]
    req_id: Option<String>,
    details: Option<serde_json::Value>,
}

/// The longest server message kept (characters): a server that echoes input must not fill logs.
const MAX_MESSAGE: usize = 512;
/// The most validation issues kept.
const MAX_ISSUES: usize = 20;

pub(crate) fn bounded(text: String) -> String {
    match text.char_indices().nth(MAX_MESSAGE) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text,
    }
}

impl ApiError {
    /// Builds the error from a response status and body. Bodies of any shape are accepted: a body
    /// that is not Infisical's error JSON keeps the status and no message.
    #[must_use]
    pub(crate) fn from_response(status: u16, body: &[u8], retry_after: Option<Duration>) -> Self {
        let raw: Option<RawApiError> = serde_json::from_slice(body).ok();
        let (error, message, req_id, details) = match raw {
            Some(r) => {
                let message = match r.message {
                    serde_json::Value::String(s) => ApiMessage::Text(bounded(s)),
                    serde_json::Value::Array(items) => ApiMessage::Validation(
                        items
                            .into_iter()
                            .take(MAX_ISSUES)
                            .filter_map(|i| serde_json::from_value::<ValidationIssue>(i).ok())
                            .map(|mut i| {
                                i.message = bounded(i.message);
                                i
                            })
                            .collect(),
                    ),
                    _ => ApiMessage::None,
                };
                let details = r.details.filter(|d| d.to_string().len() <= MAX_MESSAGE * 4);
                (r.error.map(bounded), message, r.req_id.map(bounded), details)
            }
            None => (None, ApiMessage::None, None, None),
        };
        ApiError { status, error, message, req_id, details, retry_after, hint: None }
    }

    pub(crate) fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// The HTTP status.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # use infisical_config::testing::FakeInfisical;
    /// # use infisical_config::resources::secrets::GetSecret;
    /// # use infisical_config::Error;
    /// # let fake = FakeInfisical::builder().start().await;
    /// # let client = fake.client_builder().build()?;
    /// let err = client.secrets().get(&GetSecret::new(fake.project_id(), "dev", "NOT_THERE")).await.unwrap_err();
    /// let Error::Api(api) = &err else { unreachable!("{err}") };
    /// assert_eq!(api.status(), 404);
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    #[must_use]
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The server's error name (`NotFound`, `TokenError`, `ValidationFailure`, ...).
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # use infisical_config::testing::FakeInfisical;
    /// # use infisical_config::resources::secrets::GetSecret;
    /// # use infisical_config::Error;
    /// # let fake = FakeInfisical::builder().start().await;
    /// # let client = fake.client_builder().build()?;
    /// let err = client.secrets().get(&GetSecret::new(fake.project_id(), "dev", "NOT_THERE")).await.unwrap_err();
    /// let Error::Api(api) = &err else { unreachable!("{err}") };
    /// assert_eq!(api.error_name(), Some("NotFound"));
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    #[must_use]
    pub fn error_name(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// The server's message.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # use infisical_config::testing::FakeInfisical;
    /// # use infisical_config::resources::secrets::GetSecret;
    /// # use infisical_config::Error;
    /// use infisical_config::error::ApiMessage;
    /// # let fake = FakeInfisical::builder().start().await;
    /// # let client = fake.client_builder().build()?;
    /// let err = client.secrets().get(&GetSecret::new(fake.project_id(), "dev", "NOT_THERE")).await.unwrap_err();
    /// let Error::Api(api) = &err else { unreachable!("{err}") };
    /// assert_eq!(api.message(), &ApiMessage::Text("Secret with name 'NOT_THERE' not found".into()));
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    #[must_use]
    pub fn message(&self) -> &ApiMessage {
        &self.message
    }

    /// The server's request id (`req-...`), for support tickets. Older servers send none.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # use infisical_config::{Client, EnvSource, Error};
    /// # use infisical_config::resources::ListSecrets;
    /// # let server = wiremock::MockServer::start().await;
    /// # // A real server's answer (tests/fixtures: server 2025-06, sample 008).
    /// # wiremock::Mock::given(wiremock::matchers::any())
    /// #     .respond_with(wiremock::ResponseTemplate::new(422).set_body_json(serde_json::json!({
    /// #         "reqId": "req-TNpQd3qbfd8TjE", "statusCode": 422, "error": "ValidationFailure",
    /// #         "message": [{"received": "yes", "code": "invalid_enum_value", "options": ["true", "false"],
    /// #                      "path": ["recursive"], "message": "Invalid enum value. Expected 'true' | 'false', received 'yes'"}]})))
    /// #     .mount(&server).await;
    /// # let client = Client::builder().site(server.uri()).access_token("a-token")
    /// #     .env_source(EnvSource::from_pairs::<_, String, String>([])).build()?;
    /// let err = client.secrets().list(&ListSecrets::new("6adad00e", "dev")).await.unwrap_err();
    /// let Error::Api(api) = &err else { unreachable!("{err}") };
    /// assert_eq!(api.request_id(), Some("req-TNpQd3qbfd8TjE"));
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    #[must_use]
    pub fn request_id(&self) -> Option<&str> {
        self.req_id.as_deref()
    }

    /// Extra detail the server attached (permission rules, for instance).
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # use infisical_config::{Client, EnvSource, Error};
    /// # use infisical_config::resources::ListSecrets;
    /// # let server = wiremock::MockServer::start().await;
    /// # // A real server's answer (tests/fixtures: server 2025-06, sample 008).
    /// # wiremock::Mock::given(wiremock::matchers::any())
    /// #     .respond_with(wiremock::ResponseTemplate::new(422).set_body_json(serde_json::json!({
    /// #         "reqId": "req-TNpQd3qbfd8TjE", "statusCode": 422, "error": "ValidationFailure",
    /// #         "message": [{"received": "yes", "code": "invalid_enum_value", "options": ["true", "false"],
    /// #                      "path": ["recursive"], "message": "Invalid enum value. Expected 'true' | 'false', received 'yes'"}]})))
    /// #     .mount(&server).await;
    /// # let client = Client::builder().site(server.uri()).access_token("a-token")
    /// #     .env_source(EnvSource::from_pairs::<_, String, String>([])).build()?;
    /// let err = client.secrets().list(&ListSecrets::new("6adad00e", "dev")).await.unwrap_err();
    /// let Error::Api(api) = &err else { unreachable!("{err}") };
    /// if let Some(details) = api.details() {
    ///     println!("{details}");
    /// }
    /// assert_eq!(api.details(), None); // a validation failure has none
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    #[must_use]
    pub fn details(&self) -> Option<&serde_json::Value> {
        self.details.as_ref()
    }

    /// How long the server asked the client to wait (`Retry-After`), on 429 and 503 answers.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # use infisical_config::testing::FakeInfisical;
    /// # use infisical_config::resources::ListSecrets;
    /// use std::time::Duration;
    /// use infisical_config::{Error, RetryPolicy};
    ///
    /// let fake = FakeInfisical::builder().rate_limit(1, Duration::from_secs(60)).start().await;
    /// let client = fake.client_builder().retry(RetryPolicy::disabled()).build()?;
    /// client.authenticate().await?; // the window's one request
    /// let err = client.secrets().list(&ListSecrets::new(fake.project_id(), "dev")).await.unwrap_err();
    /// let Error::Api(api) = &err else { unreachable!("{err}") };
    /// assert_eq!(api.status(), 429);
    /// assert!(api.retry_after().is_some_and(|wait| wait <= Duration::from_secs(60)));
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    #[must_use]
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }

    /// True for a validation failure (422 on current servers, 401 on servers of 2024, 400 on the Go port).
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # use infisical_config::{Client, EnvSource, Error};
    /// # use infisical_config::resources::ListSecrets;
    /// # let server = wiremock::MockServer::start().await;
    /// # // A real server's answer (tests/fixtures: server 2025-06, sample 008).
    /// # wiremock::Mock::given(wiremock::matchers::any())
    /// #     .respond_with(wiremock::ResponseTemplate::new(422).set_body_json(serde_json::json!({
    /// #         "reqId": "req-TNpQd3qbfd8TjE", "statusCode": 422, "error": "ValidationFailure",
    /// #         "message": [{"received": "yes", "code": "invalid_enum_value", "options": ["true", "false"],
    /// #                      "path": ["recursive"], "message": "Invalid enum value. Expected 'true' | 'false', received 'yes'"}]})))
    /// #     .mount(&server).await;
    /// # let client = Client::builder().site(server.uri()).access_token("a-token")
    /// #     .env_source(EnvSource::from_pairs::<_, String, String>([])).build()?;
    /// let err = client.secrets().list(&ListSecrets::new("6adad00e", "dev")).await.unwrap_err();
    /// let Error::Api(api) = &err else { unreachable!("{err}") };
    /// assert!(api.is_validation());
    /// println!("{api}"); // Client Error 422: validation failed: `recursive`: Invalid enum value. ...
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    #[must_use]
    pub fn is_validation(&self) -> bool {
        matches!(self.message, ApiMessage::Validation(_))
            || matches!(self.error.as_deref(), Some("ValidationFailure" | "ValidationError"))
    }

    /// True when the server rejected the access token itself: 401, or 403 with `error: "TokenError"`
    /// (an expired, malformed or forged JWT). A validation failure answered as 401 is not one.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # use infisical_config::testing::FakeInfisical;
    /// # use infisical_config::resources::ListSecrets;
    /// # use infisical_config::EnvSource;
    /// use infisical_config::{Client, Error};
    ///
    /// let fake = FakeInfisical::builder().start().await;
    /// let client = Client::builder()
    ///     .site(fake.uri())
    ///     .access_token("a-token-it-never-issued")
    /// # .env_source(EnvSource::from_pairs::<_, String, String>([]))
    ///     .build()?;
    /// let err = client.secrets().list(&ListSecrets::new(fake.project_id(), "dev")).await.unwrap_err();
    /// let Error::Api(api) = &err else { unreachable!("{err}") };
    /// assert!(api.is_token_rejected());
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    #[must_use]
    pub fn is_token_rejected(&self) -> bool {
        (self.status == 401 && !self.is_validation())
            || (self.status == 403 && self.error.as_deref() == Some("TokenError"))
    }

    /// True for fastify's "Route GET:/api/v4/... not found", which servers that predate a route answer.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # use infisical_config::testing::FakeInfisical;
    /// use infisical_config::resources::{ApiVersion, ListSecrets};
    /// use infisical_config::Error;
    ///
    /// let old_server = FakeInfisical::builder().legacy_only(true).start().await; // no v4 routes
    /// let client = old_server.client_builder().api_version(ApiVersion::Current).build()?;
    /// let err = client.secrets().list(&ListSecrets::new(old_server.project_id(), "dev")).await.unwrap_err();
    /// let Error::Api(api) = &err else { unreachable!("{err}") };
    /// assert!(api.is_unknown_route());
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    #[must_use]
    pub fn is_unknown_route(&self) -> bool {
        self.status == 404
            && matches!(&self.message, ApiMessage::Text(m) if m.starts_with("Route ") && m.ends_with("not found"))
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let class = if self.status >= 500 { "Server Error" } else { "Client Error" };
        write!(f, "{class} {}: ", self.status)?;
        match &self.message {
            ApiMessage::Text(m) => f.write_str(m)?,
            ApiMessage::Validation(issues) => {
                f.write_str("validation failed: ")?;
                for (i, issue) in issues.iter().enumerate() {
                    if i > 0 {
                        f.write_str("; ")?;
                    }
                    let field = issue.field();
                    if field.is_empty() {
                        f.write_str(&issue.message)?;
                    } else {
                        write!(f, "`{field}`: {}", issue.message)?;
                    }
                }
            }
            ApiMessage::None => f.write_str(self.error.as_deref().unwrap_or("no message"))?,
        }
        if let Some(id) = &self.req_id {
            write!(f, " (request {id})")?;
        }
        if let Some(hint) = &self.hint {
            write!(f, "; {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

//! The fake's event stream (features `testing` and `push`).
//!
//! wiremock answers with whole bodies, and an event stream never ends. So a fake with events runs a
//! small HTTP/1.1 front of its own (hyper, on its own thread, as wiremock's server is): the front
//! answers the subscription route itself, as a current server does (checks, refusals, the `429` of the
//! per-project cap, then `text/event-stream` with `event: ping` frames and `secret:*` frames), and
//! forwards every other request to the wiremock server behind it, unchanged. Clients see one site.
//! The front logs every request it answers, so [`FakeInfisical::requests`] counts both kinds.

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime};

use hyper::body::{Body, Bytes, Frame, Incoming, SizeHint};
use hyper::{Method, Request, Response, StatusCode};
use serde::Deserialize;
use serde_json::json;
use tokio::sync::{mpsc, oneshot};

use super::server::{State, authorized};
use super::{FakeInfisical, FakeInfisicalBuilder, PROJECT_ID};

const ROUTE: &str = "/api/v1/events/subscribe/project-events";

/// How the fake refuses an event subscription, as real servers do (see [`FakeInfisicalBuilder::events_refusal`]).
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// use infisical_config::events::{PushNotice, PushState, PushUnavailable, Subscribe};
/// use infisical_config::testing::{FakeInfisical, Refusal};
///
/// let fake = FakeInfisical::builder().events_refusal(Refusal::Plan).start().await;
/// let client = fake.client_builder().build()?;
/// let mut subscriber = client.events().subscribe(&Subscribe::new(fake.project_id(), "prod")).await?;
/// let refused = loop {
///     match subscriber.next().await {
///         Some(PushNotice::State(PushState::Unavailable(reason))) => break reason,
///         Some(_) => continue,
///         None => panic!("the stream ended"),
///     }
/// };
/// assert_eq!(refused, PushUnavailable::NotLicensed);
/// # Ok::<(), infisical_config::Error>(()) }).unwrap();
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Refusal {
    /// 404 "Route POST:/api/v1/events/subscribe/project-events not found": a server before about July
    /// 2025 (the answer recorded from a 2025-06 server).
    NotFound,
    /// 400 "Event subscriptions are not available on your current plan…": a server without an
    /// Enterprise licence.
    Plan,
    /// 403 `PermissionDenied`: an identity without the "Secret Events" permission.
    Forbidden,
}

/// The builder's settings of the event stream.
#[derive(Clone, Debug)]
pub(super) struct Config {
    refusal: Option<Refusal>,
    cap: Option<usize>,
    ping: Duration,
}

impl Default for Config {
    fn default() -> Self {
        // The server's `PING_INTERVAL`.
        Config { refusal: None, cap: None, ping: Duration::from_secs(15) }
    }
}

impl FakeInfisicalBuilder {
    fn events_config(&mut self) -> &mut Config {
        self.events.get_or_insert_with(Config::default)
    }

    /// Serves the event stream (`POST /api/v1/events/subscribe/project-events`) as a current server
    /// with an Enterprise licence does. A change made with [`FakeInfisical::set_secret`] or
    /// [`FakeInfisical::remove_secret`] is sent at once to the open streams that registered it.
    /// Without it the route does not exist (404, as on servers before about July 2025).
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use infisical_config::events::{PushNotice, Subscribe};
    /// use infisical_config::testing::FakeInfisical;
    ///
    /// let fake = FakeInfisical::builder().secret("prod", "/", "API_KEY", "k1").events(true).start().await;
    /// let client = fake.client_builder().build()?;
    /// let mut subscriber = client.events().subscribe(&Subscribe::new(fake.project_id(), "prod")).await?;
    /// while !subscriber.state().is_connected() {
    ///     subscriber.next().await.expect("the stream runs");
    /// }
    /// fake.set_secret("prod", "/", "API_KEY", "k2");
    /// let event = loop {
    ///     match subscriber.next().await {
    ///         Some(PushNotice::Changed(event)) => break event,
    ///         Some(_) => continue,
    ///         None => panic!("the stream ended"),
    ///     }
    /// };
    /// assert_eq!(event.to_string(), "secret:update in prod:/ (API_KEY)");
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    pub fn events(mut self, yes: bool) -> Self {
        if yes {
            self.events_config();
        } else {
            self.events = None;
        }
        self
    }

    /// Serves the event route, and refuses every subscription as `refusal` says (implies
    /// [`events`](Self::events)). [`FakeInfisical::set_events_refusal`] changes it while it runs.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use infisical_config::events::{PushNotice, PushState, PushUnavailable, Subscribe};
    /// use infisical_config::testing::{FakeInfisical, Refusal};
    ///
    /// let fake = FakeInfisical::builder().events_refusal(Refusal::Forbidden).start().await;
    /// let client = fake.client_builder().build()?;
    /// let mut subscriber = client.events().subscribe(&Subscribe::new(fake.project_id(), "prod")).await?;
    /// let refused = loop {
    ///     match subscriber.next().await {
    ///         Some(PushNotice::State(PushState::Unavailable(reason))) => break reason,
    ///         Some(_) => continue,
    ///         None => panic!("the stream ended"),
    ///     }
    /// };
    /// assert_eq!(refused, PushUnavailable::Forbidden);
    /// assert_eq!(fake.open_event_streams(), 0);
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    pub fn events_refusal(mut self, refusal: Refusal) -> Self {
        self.events_config().refusal = Some(refusal);
        self
    }

    /// Allows `n` streams open at once for the project, as the server's cap does (100 today): the
    /// next one is refused with the server's `429` (implies [`events`](Self::events)).
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use infisical_config::events::{PushNotice, PushState, PushUnavailable, Subscribe};
    /// use infisical_config::testing::FakeInfisical;
    ///
    /// let fake = FakeInfisical::builder().event_stream_cap(0).start().await; // the project is full
    /// let client = fake.client_builder().build()?;
    /// let mut subscriber = client.events().subscribe(&Subscribe::new(fake.project_id(), "prod")).await?;
    /// let refused = loop {
    ///     match subscriber.next().await {
    ///         Some(PushNotice::State(PushState::Unavailable(reason))) => break reason,
    ///         Some(_) => continue,
    ///         None => panic!("the stream ended"),
    ///     }
    /// };
    /// assert_eq!(refused, PushUnavailable::StreamLimit);
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    pub fn event_stream_cap(mut self, n: usize) -> Self {
        self.events_config().cap = Some(n);
        self
    }

    /// How often open streams get `event: ping` (default 15 s, as the server; real time). Implies
    /// [`events`](Self::events).
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use std::time::Duration;
    /// use infisical_config::events::Subscribe;
    /// use infisical_config::testing::FakeInfisical;
    ///
    /// let fake = FakeInfisical::builder().event_ping_interval(Duration::from_millis(20)).start().await;
    /// let client = fake.client_builder().build()?;
    /// // A stream silent for a second is taken for dead; the pings keep this one alive.
    /// let subscription = Subscribe::new(fake.project_id(), "prod").silence_timeout(Duration::from_secs(1));
    /// let mut subscriber = client.events().subscribe(&subscription).await?;
    /// while !subscriber.state().is_connected() {
    ///     subscriber.next().await.expect("the stream runs");
    /// }
    /// tokio::time::sleep(Duration::from_millis(1500)).await;
    /// assert!(subscriber.state().is_connected());
    /// assert_eq!(fake.event_streams_opened(), 1);
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    pub fn event_ping_interval(mut self, every: Duration) -> Self {
        self.events_config().ping = every.max(Duration::from_millis(1));
        self
    }
}

impl FakeInfisical {
    /// How many event streams are open now.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use infisical_config::events::Subscribe;
    /// use infisical_config::testing::FakeInfisical;
    ///
    /// let fake = FakeInfisical::builder().events(true).start().await;
    /// assert_eq!(fake.open_event_streams(), 0);
    /// let client = fake.client_builder().build()?;
    /// let mut subscriber = client.events().subscribe(&Subscribe::new(fake.project_id(), "prod")).await?;
    /// while !subscriber.state().is_connected() {
    ///     subscriber.next().await.expect("the stream runs");
    /// }
    /// assert_eq!(fake.open_event_streams(), 1);
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    #[must_use]
    pub fn open_event_streams(&self) -> usize {
        self.front.as_ref().map_or(0, |front| front.hub.lock_streams().len())
    }

    /// How many event streams it has opened since it started (reconnections included).
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use infisical_config::events::Subscribe;
    /// use infisical_config::testing::FakeInfisical;
    ///
    /// let fake = FakeInfisical::builder().events(true).start().await;
    /// let client = fake.client_builder().build()?;
    /// let mut subscriber = client.events().subscribe(&Subscribe::new(fake.project_id(), "prod")).await?;
    /// while !subscriber.state().is_connected() {
    ///     subscriber.next().await.expect("the stream runs");
    /// }
    /// assert_eq!(fake.event_streams_opened(), 1);
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    #[must_use]
    pub fn event_streams_opened(&self) -> usize {
        self.front.as_ref().map_or(0, |front| front.hub.opened.load(Ordering::SeqCst))
    }

    /// Ends every open event stream, as a dropped connection (a restart, a proxy's idle timeout) does.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use infisical_config::events::{PushNotice, PushState, Subscribe};
    /// use infisical_config::testing::FakeInfisical;
    ///
    /// let fake = FakeInfisical::builder().events(true).start().await;
    /// let client = fake.client_builder().build()?;
    /// let mut subscriber = client.events().subscribe(&Subscribe::new(fake.project_id(), "prod")).await?;
    /// while !subscriber.state().is_connected() {
    ///     subscriber.next().await.expect("the stream runs");
    /// }
    /// fake.drop_event_streams();
    /// assert_eq!(fake.open_event_streams(), 0);
    /// loop {
    ///     match subscriber.next().await {
    ///         Some(PushNotice::State(PushState::Reconnecting)) => break, // it will connect again
    ///         Some(_) => continue,
    ///         None => panic!("the stream ended"),
    ///     }
    /// }
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    pub fn drop_event_streams(&self) {
        if let Some(front) = &self.front {
            front.hub.lock_streams().clear();
        }
    }

    /// Changes how subscriptions are refused while it runs (`None`: accepted). Open streams stay open.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use infisical_config::testing::{FakeInfisical, Refusal};
    ///
    /// let fake = FakeInfisical::builder().events_refusal(Refusal::Plan).start().await;
    /// fake.set_events_refusal(None); // the licence arrived
    /// assert_eq!(fake.open_event_streams(), 0); // until a subscriber tries again
    /// # });
    /// ```
    pub fn set_events_refusal(&self, refusal: Option<Refusal>) {
        if let Some(front) = &self.front {
            front.hub.config.lock().unwrap_or_else(PoisonError::into_inner).refusal = refusal;
        }
    }
}

/// The running front.
#[derive(Debug)]
pub(super) struct Front {
    uri: String,
    hub: Arc<Hub>,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

#[derive(Debug)]
struct Hub {
    config: Mutex<Config>,
    streams: Mutex<Vec<Open>>,
    opened: AtomicUsize,
    next_id: AtomicU64,
    log: Mutex<Vec<String>>,
    state: Arc<Mutex<State>>,
    issued: Arc<AtomicUsize>,
}

/// An open stream: where its frames go, and what it registered.
#[derive(Debug)]
struct Open {
    id: u64,
    frames: mpsc::Sender<Bytes>,
    register: Vec<Registered>,
}

#[derive(Debug, Deserialize)]
struct Subscription {
    #[serde(rename = "projectId")]
    project_id: String,
    register: Vec<Registered>,
}

#[derive(Debug, Deserialize)]
struct Registered {
    event: String,
    conditions: Option<Conditions>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Conditions {
    environment_slug: String,
    secret_path: Option<String>,
}

impl Registered {
    /// Whether this entry asks for `event` in `environment`:`folder`: `/**` for all folders, `/a/**`
    /// for a sub-tree, else the exact folder (the server matches a picomatch glob).
    fn wants(&self, event: &str, environment: &str, folder: &str) -> bool {
        let Some(conditions) = &self.conditions else { return self.event == event };
        let glob = conditions.secret_path.as_deref().unwrap_or("/");
        let in_path = match glob.strip_suffix("/**") {
            Some("") => true,
            Some(root) => folder == root || folder.strip_prefix(root).is_some_and(|rest| rest.starts_with('/')),
            None => crate::resources::normalize_path(glob) == folder,
        };
        self.event == event && conditions.environment_slug == environment && in_path
    }
}

impl Hub {
    fn lock_streams(&self) -> std::sync::MutexGuard<'_, Vec<Open>> {
        self.streams.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Sends `frame` to every open stream; a stream that cannot take it now loses it, as the server
    /// drops an event on backpressure.
    fn send(&self, frame: &Bytes, to: impl Fn(&Open) -> bool) {
        for open in self.lock_streams().iter().filter(|o| to(o)) {
            let _ = open.frames.try_send(frame.clone());
        }
    }
}

impl Front {
    pub(super) fn start(
        config: Config,
        backend: String,
        state: Arc<Mutex<State>>,
        issued: Arc<AtomicUsize>,
    ) -> std::io::Result<Front> {
        let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        listener.set_nonblocking(true)?;
        let uri = format!("http://{}", listener.local_addr()?);
        let hub = Arc::new(Hub {
            config: Mutex::new(config),
            streams: Mutex::new(Vec::new()),
            opened: AtomicUsize::new(0),
            next_id: AtomicU64::new(0),
            log: Mutex::new(Vec::new()),
            state,
            issued,
        });
        let (shutdown, stop) = oneshot::channel();
        let served = hub.clone();
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        let thread = std::thread::Builder::new()
            .name("fake-infisical-events".into())
            .spawn(move || runtime.block_on(serve(listener, served, backend, stop)))?;
        Ok(Front { uri, hub, shutdown: Some(shutdown), thread: Some(thread) })
    }

    pub(super) fn uri(&self) -> String {
        self.uri.clone()
    }

    /// Every request it answered (`METHOD /path`), in order.
    pub(super) fn request_log(&self) -> Vec<String> {
        self.hub.log.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Sends the event a change of `key` in `environment`:`folder` makes, and an import mutation to
    /// every folder importing that one, to the streams that registered them. Names only.
    pub(super) fn announce(&self, kind: &str, environment: &str, folder: &str, key: &str) {
        let item = json!({"environment": environment, "secretPath": folder, "secretKey": key});
        self.hub.send(&frame(kind, json!([item])), |o| o.register.iter().any(|r| r.wants(kind, environment, folder)));
        let importers: Vec<(String, String)> = {
            let state = self.hub.state.lock().unwrap_or_else(PoisonError::into_inner);
            let source = (environment.to_owned(), folder.to_owned());
            state.imports.iter().filter(|(_, from)| from.contains(&source)).map(|(to, _)| to.clone()).collect()
        };
        let kind = "secret:import-mutation";
        for (env, path) in importers {
            let payload = json!({"environment": env, "secretPath": path});
            self.hub.send(&frame(kind, payload), |o| o.register.iter().any(|r| r.wants(kind, &env, &path)));
        }
    }
}

impl Drop for Front {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        // Once joined, its runtime is gone with every connection: the address refuses connections.
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// A `secret:*` frame in the current format.
fn frame(kind: &str, payload: serde_json::Value) -> Bytes {
    let id = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_millis());
    let data = json!({"projectType": "secret-manager", "data": {"eventType": kind, "payload": payload}});
    Bytes::from(format!("id: {id}\nevent: {kind}\ndata: {data}\n\n"))
}

async fn serve(listener: std::net::TcpListener, hub: Arc<Hub>, backend: String, mut stop: oneshot::Receiver<()>) {
    let Ok(listener) = tokio::net::TcpListener::from_std(listener) else { return };
    let Ok(http) = crate::transport::reqwest_builder().no_proxy().build() else { return };
    tokio::spawn(pings(hub.clone()));
    loop {
        let (tcp, _) = tokio::select! {
            _ = &mut stop => return,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(_) => continue,
            },
        };
        let (hub, http, backend) = (hub.clone(), http.clone(), backend.clone());
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |req| {
                let (hub, http, backend) = (hub.clone(), http.clone(), backend.clone());
                async move { Ok::<_, Infallible>(answer(req, &hub, &http, &backend).await) }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(hyper_util::rt::TokioIo::new(tcp), service)
                .await;
        });
    }
}

async fn pings(hub: Arc<Hub>) {
    let every = hub.config.lock().unwrap_or_else(PoisonError::into_inner).ping;
    let ping = Bytes::from_static(b"event: ping\n\n");
    loop {
        tokio::time::sleep(every).await;
        hub.send(&ping, |_| true);
    }
}

async fn answer(req: Request<Incoming>, hub: &Arc<Hub>, http: &reqwest::Client, backend: &str) -> Response<FakeBody> {
    hub.log.lock().unwrap_or_else(PoisonError::into_inner).push(format!("{} {}", req.method(), req.uri().path()));
    let (parts, body) = req.into_parts();
    let body = collect(body).await;
    if parts.method == Method::POST && parts.uri.path().trim_end_matches('/') == ROUTE {
        return subscribe(&parts.headers, &body, hub);
    }
    let url = format!("{backend}{}", parts.uri.path_and_query().map_or("/", |p| p.as_str()));
    let mut forwarded = http.request(parts.method, url).body(body);
    for (name, value) in parts.headers.iter().filter(|(name, _)| !hop_by_hop(name.as_str())) {
        forwarded = forwarded.header(name, value);
    }
    let Ok(resp) = forwarded.send().await else {
        return whole(
            StatusCode::BAD_GATEWAY,
            json!({"statusCode": 502, "error": "Bad Gateway", "message": "the fake's wiremock server did not answer"}),
        );
    };
    let mut answer = Response::builder().status(resp.status());
    for (name, value) in resp.headers().iter().filter(|(name, _)| !hop_by_hop(name.as_str())) {
        answer = answer.header(name, value);
    }
    let bytes = resp.bytes().await.unwrap_or_default();
    answer.body(FakeBody::Whole(Some(bytes))).unwrap_or_else(|_| Response::new(FakeBody::Whole(None)))
}

fn hop_by_hop(name: &str) -> bool {
    matches!(
        name,
        "connection" | "keep-alive" | "transfer-encoding" | "te" | "trailer" | "upgrade" | "host" | "content-length"
    )
}

async fn collect(mut body: Incoming) -> Bytes {
    let mut bytes = Vec::new();
    while let Some(Ok(frame)) = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await {
        if let Ok(data) = frame.into_data() {
            bytes.extend_from_slice(&data);
        }
    }
    Bytes::from(bytes)
}

/// The subscription route, checked in the current server's order: route, auth, body, permission,
/// licence, the project's cap; then the stream.
fn subscribe(headers: &hyper::HeaderMap, body: &[u8], hub: &Arc<Hub>) -> Response<FakeBody> {
    let (refusal, cap) = {
        let config = hub.config.lock().unwrap_or_else(PoisonError::into_inner);
        (config.refusal, config.cap)
    };
    if refusal == Some(Refusal::NotFound) {
        // Recorded from a 2025-06 server (sample 061).
        let message = format!("Route POST:{ROUTE} not found");
        return whole(StatusCode::NOT_FOUND, json!({"message": message, "error": "Not Found", "statusCode": 404}));
    }
    if hub.state.lock().unwrap_or_else(PoisonError::into_inner).unavailable {
        return error(StatusCode::SERVICE_UNAVAILABLE, "ServiceUnavailable", "upstream connect error");
    }
    if !authorized(headers, &hub.issued) {
        return error(StatusCode::UNAUTHORIZED, "UnauthorizedError", "Token missing");
    }
    let subscription = match serde_json::from_slice::<Subscription>(body) {
        Ok(s) if (1..=10).contains(&s.register.len()) => s,
        Ok(_) => {
            return error(StatusCode::UNPROCESSABLE_ENTITY, "ValidationFailure", "register must hold 1 to 10 items");
        }
        Err(e) => return error(StatusCode::UNPROCESSABLE_ENTITY, "ValidationFailure", &e.to_string()),
    };
    if let Some(bad) = subscription.register.iter().find(|r| !r.event.starts_with("secret:")) {
        return error(StatusCode::UNPROCESSABLE_ENTITY, "ValidationFailure", &format!("invalid event {}", bad.event));
    }
    if subscription.project_id.trim() != PROJECT_ID {
        let message = format!("Project with ID '{}' not found", subscription.project_id);
        return error(StatusCode::NOT_FOUND, "NotFound", &message);
    }
    match refusal {
        Some(Refusal::Forbidden) => {
            return error(
                StatusCode::FORBIDDEN,
                "PermissionDenied",
                "You are not allowed to subscribe on Secret Events",
            );
        }
        Some(Refusal::Plan) => {
            let message =
                "Event subscriptions are not available on your current plan. Please upgrade to access this feature.";
            return error(StatusCode::BAD_REQUEST, "BadRequest", message);
        }
        _ => {}
    }
    let (frames, receiver) = mpsc::channel(64);
    let id = hub.next_id.fetch_add(1, Ordering::SeqCst);
    {
        let mut streams = hub.lock_streams();
        if let Some(cap) = cap.filter(|cap| streams.len() >= *cap) {
            let message = format!(
                "You have reached your maximum concurrent event subscriptions for this project. Your project supports {cap} concurrent event subscriptions."
            );
            return error(StatusCode::TOO_MANY_REQUESTS, "RateLimitExceeded", &message);
        }
        streams.push(Open { id, frames, register: subscription.register });
    }
    hub.opened.fetch_add(1, Ordering::SeqCst);
    let body = FakeBody::Stream { frames: receiver, _open: OpenGuard { hub: hub.clone(), id } };
    Response::builder()
        .header("content-type", "text/event-stream")
        .header("cache-control", "no-cache")
        .header("connection", "keep-alive")
        .header("x-accel-buffering", "no")
        .body(body)
        .unwrap_or_else(|_| Response::new(FakeBody::Whole(None)))
}

fn error(status: StatusCode, name: &str, message: &str) -> Response<FakeBody> {
    let req_id = format!("req-fake-{}", fastrand::u32(..));
    whole(status, json!({"reqId": req_id, "statusCode": status.as_u16(), "error": name, "message": message}))
}

fn whole(status: StatusCode, body: serde_json::Value) -> Response<FakeBody> {
    Response::builder()
        .status(status)
        .header("content-type", "application/json; charset=utf-8")
        .body(FakeBody::Whole(Some(Bytes::from(body.to_string()))))
        .unwrap_or_else(|_| Response::new(FakeBody::Whole(None)))
}

/// A whole answer, or an event stream that lasts until its sender or its client goes.
enum FakeBody {
    Whole(Option<Bytes>),
    Stream { frames: mpsc::Receiver<Bytes>, _open: OpenGuard },
}

impl Body for FakeBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        match self.get_mut() {
            FakeBody::Whole(bytes) => Poll::Ready(bytes.take().map(|b| Ok(Frame::data(b)))),
            FakeBody::Stream { frames, .. } => frames.poll_recv(cx).map(|b| b.map(|b| Ok(Frame::data(b)))),
        }
    }

    fn is_end_stream(&self) -> bool {
        matches!(self, FakeBody::Whole(None))
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            FakeBody::Whole(bytes) => SizeHint::with_exact(bytes.as_ref().map_or(0, |b| b.len() as u64)),
            FakeBody::Stream { .. } => SizeHint::default(),
        }
    }
}

/// Counts a stream as open until hyper drops its body (the client went, or the stream ended).
struct OpenGuard {
    hub: Arc<Hub>,
    id: u64,
}

impl Drop for OpenGuard {
    fn drop(&mut self) {
        self.hub.lock_streams().retain(|o| o.id != self.id);
    }
}

//! The front that serves the fake's event stream and forwards every other request to wiremock.
//!
//! wiremock answers with whole bodies, and an event stream never ends. So a fake with events runs a
//! small HTTP/1.1 front of its own (hyper, on its own thread, as wiremock's server is): the front
//! answers the subscription route itself, as a current server does (checks, refusals, the `429` of the
//! per-project cap, then `text/event-stream` with `event: ping` frames and `secret:*` frames), and
//! forwards every other request to the wiremock server behind it, unchanged. Clients see one site.
//! The front logs every request it answers, so
//! [`FakeInfisical::requests`](crate::testing::FakeInfisical::requests) counts both kinds.

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::SystemTime;

use hyper::body::{Body, Bytes, Frame, Incoming, SizeHint};
use hyper::{Method, Request, Response, StatusCode};
use serde::Deserialize;
use serde_json::json;
use tokio::sync::{mpsc, oneshot};

use super::{Config, Refusal};
use crate::testing::PROJECT_ID;
use crate::testing::server::{State, authorized};

const ROUTE: &str = "/api/v1/events/subscribe/project-events";

/// The running front.
#[derive(Debug)]
pub(in crate::testing) struct Front {
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
    pub(in crate::testing) fn start(
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

    pub(in crate::testing) fn uri(&self) -> String {
        self.uri.clone()
    }

    /// Every request it answered (`METHOD /path`), in order.
    pub(in crate::testing) fn request_log(&self) -> Vec<String> {
        self.hub.log.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// How many streams are open now.
    pub(super) fn open_streams(&self) -> usize {
        self.hub.lock_streams().len()
    }

    /// How many streams it opened since it started.
    pub(super) fn opened(&self) -> usize {
        self.hub.opened.load(Ordering::SeqCst)
    }

    /// Ends every open stream.
    pub(super) fn drop_streams(&self) {
        self.hub.lock_streams().clear();
    }

    /// How subscriptions are refused from now on.
    pub(super) fn set_refusal(&self, refusal: Option<Refusal>) {
        self.hub.config.lock().unwrap_or_else(PoisonError::into_inner).refusal = refusal;
    }

    /// Sends the event a change of `key` in `environment`:`folder` makes, and an import mutation to
    /// every folder importing that one, to the streams that registered them. Names only.
    pub(in crate::testing) fn announce(&self, kind: &str, environment: &str, folder: &str, key: &str) {
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

//! A relay in the role of Infisical's caching proxy (`infisical proxy start`, the CLI's
//! `packages/cmd/proxy.go` and `packages/proxy/`), in front of the fake server. What it copies:
//!
//! - `GET /api/v3/secrets*` and `/api/v4/secrets*` with a bearer token are cached per method, path,
//!   query and token. A hit is served as stored: status, headers (the `ETag` of when it was stored)
//!   and body, whatever `If-None-Match` says: never a `304`. A miss is forwarded with the client's
//!   headers; only a `200` is stored.
//! - Entries are refreshed in the background (`--static-secrets-refresh-interval`, 1 h by default):
//!   [`Relay::refresh`] replays each stored request, with its stored headers, and keeps the entry on
//!   anything but a `200`.
//! - With `--use-sse` the proxy holds a stream of its own per project and purges the entries of the
//!   environment and folder an event names (a recursive entry covers its sub-folders): the next list
//!   is a miss. [`Relay::start`] with `sse` does the same, through the crate's own subscription.
//! - `/api/v1/events/*` is passed through, flushed as it arrives, never cached or shared: each client
//!   stream is a stream upstream.
//! - Everything else is forwarded as it is.
//!
//! `strip_etag` plays a server (or a cache) that sends no `ETag` at all.

use std::collections::HashMap;
use std::convert::Infallible;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use hyper::body::{Body, Bytes, Frame, Incoming, SizeHint};
use hyper::{Request, Response};
use infisical_config::Client;
use infisical_config::events::{PushNotice, Subscribe};
use tokio::sync::mpsc;

/// A stored answer, with the request that made it (replayed by a refresh).
#[derive(Clone)]
struct Entry {
    request_uri: String,
    request_headers: reqwest::header::HeaderMap,
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: Bytes,
    environment: String,
    /// The folder listed; recursive lists end in `*`, as the proxy's index has them.
    path: String,
}

pub struct Relay {
    uri: String,
    upstream: String,
    http: reqwest::Client,
    strip_etag: bool,
    cache: Mutex<HashMap<String, Entry>>,
    /// Requests it answered, by path; and how many of them from the cache.
    pub requests: AtomicUsize,
    pub hits: AtomicUsize,
    pub streams: AtomicUsize,
}

impl Relay {
    /// Starts a relay to `upstream`. With `sse`, it subscribes to `project`'s events in `environment`
    /// through `client` (a client of the upstream) and purges what they name.
    pub async fn start(upstream: &str, strip_etag: bool, sse: Option<(&Client, &str, &str)>) -> Arc<Relay> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let relay = Arc::new(Relay {
            uri: format!("http://{}", listener.local_addr().unwrap()),
            upstream: upstream.trim_end_matches('/').to_owned(),
            http: reqwest::Client::builder().no_proxy().build().unwrap(),
            strip_etag,
            cache: Mutex::default(),
            requests: AtomicUsize::new(0),
            hits: AtomicUsize::new(0),
            streams: AtomicUsize::new(0),
        });
        if let Some((client, project, environment)) = sse {
            let mut subscriber =
                client.events().subscribe(&Subscribe::new(project, environment).recursive(true)).await.unwrap();
            let purging = relay.clone();
            tokio::spawn(async move {
                while let Some(notice) = subscriber.next().await {
                    match notice {
                        PushNotice::Changed(event) => purging.purge(&event.environment, &event.path),
                        // Missed events: the proxy refreshes everything before reconnecting.
                        PushNotice::Resync => purging.cache.lock().unwrap().clear(),
                        _ => {}
                    }
                }
            });
        }
        let serving = relay.clone();
        tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                let relay = serving.clone();
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |req| {
                        let relay = relay.clone();
                        async move { Ok::<_, Infallible>(relay.answer(req).await) }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(hyper_util::rt::TokioIo::new(tcp), service)
                        .await;
                });
            }
        });
        relay
    }

    pub fn uri(&self) -> String {
        self.uri.clone()
    }

    /// The proxy's `PurgeByMutation`: the entries of `environment` at `path`, and the recursive ones
    /// above it.
    pub fn purge(&self, environment: &str, path: &str) {
        self.cache.lock().unwrap().retain(|_, e| {
            let covers = match e.path.strip_suffix('*') {
                Some(base) => path.starts_with(base),
                None => e.path == path,
            };
            !(e.environment == environment && covers)
        });
    }

    /// The proxy's background refresh: every entry asked again with its stored request; a `200`
    /// replaces it, anything else keeps it.
    pub async fn refresh(&self) {
        let entries: Vec<(String, Entry)> =
            self.cache.lock().unwrap().iter().map(|(k, e)| (k.clone(), e.clone())).collect();
        for (key, entry) in entries {
            let url = format!("{}{}", self.upstream, entry.request_uri);
            let Ok(resp) = self.http.get(url).headers(entry.request_headers.clone()).send().await else { continue };
            if resp.status().as_u16() != 200 {
                continue;
            }
            let headers = self.kept(resp.headers());
            let body = resp.bytes().await.unwrap_or_default();
            if let Some(stored) = self.cache.lock().unwrap().get_mut(&key) {
                (stored.headers, stored.body) = (headers, body);
            }
        }
    }

    fn kept(&self, headers: &reqwest::header::HeaderMap) -> reqwest::header::HeaderMap {
        let mut headers: reqwest::header::HeaderMap =
            headers.iter().filter(|(n, _)| !hop_by_hop(n.as_str())).map(|(n, v)| (n.clone(), v.clone())).collect();
        if self.strip_etag {
            headers.remove(reqwest::header::ETAG);
        }
        headers
    }

    async fn answer(&self, req: Request<Incoming>) -> Response<RelayBody> {
        self.requests.fetch_add(1, Ordering::SeqCst);
        let (parts, body) = req.into_parts();
        let body = collect(body).await;
        let uri = parts.uri.path_and_query().map_or("/".to_owned(), |p| p.as_str().to_owned());
        let path = parts.uri.path();
        let token = parts
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::to_owned);
        let cacheable = parts.method == hyper::Method::GET
            && (path.starts_with("/api/v3/secrets") || path.starts_with("/api/v4/secrets"))
            && token.is_some();
        let key = format!("{} {uri} {}", parts.method, token.unwrap_or_default());
        if cacheable && let Some(hit) = self.cache.lock().unwrap().get(&key).cloned() {
            self.hits.fetch_add(1, Ordering::SeqCst);
            return whole(hit.status, &hit.headers, hit.body);
        }
        let mut headers = reqwest::header::HeaderMap::new();
        for (name, value) in parts.headers.iter().filter(|(n, _)| !hop_by_hop(n.as_str())) {
            headers.append(name.clone(), value.clone());
        }
        let forwarded = self
            .http
            .request(parts.method.clone(), format!("{}{uri}", self.upstream))
            .headers(headers.clone())
            .body(body)
            .send()
            .await;
        let Ok(mut resp) = forwarded else { return whole(502, &Default::default(), Bytes::new()) };
        let status = resp.status().as_u16();
        let answer_headers = self.kept(resp.headers());
        if path.starts_with("/api/v1/events/") {
            self.streams.fetch_add(1, Ordering::SeqCst);
            let (tx, rx) = mpsc::channel(64);
            tokio::spawn(async move {
                while let Ok(Some(chunk)) = resp.chunk().await {
                    if tx.send(chunk).await.is_err() {
                        break;
                    }
                }
            });
            let mut answer = Response::builder().status(status);
            for (name, value) in &answer_headers {
                answer = answer.header(name, value);
            }
            return answer.body(RelayBody::Stream(rx)).unwrap();
        }
        let bytes = resp.bytes().await.unwrap_or_default();
        if cacheable && status == 200 {
            let query: HashMap<String, String> =
                url::form_urlencoded::parse(parts.uri.query().unwrap_or("").as_bytes())
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect();
            let mut folder = query.get("secretPath").cloned().unwrap_or_else(|| "/".into());
            if query.get("recursive").is_some_and(|r| r == "true") {
                folder.push('*');
            }
            let entry = Entry {
                request_uri: uri,
                request_headers: headers,
                status,
                headers: answer_headers.clone(),
                body: bytes.clone(),
                environment: query.get("environment").cloned().unwrap_or_default(),
                path: folder,
            };
            self.cache.lock().unwrap().insert(key, entry);
        }
        whole(status, &answer_headers, bytes)
    }
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

fn whole(status: u16, headers: &reqwest::header::HeaderMap, body: Bytes) -> Response<RelayBody> {
    let mut answer = Response::builder().status(status);
    for (name, value) in headers {
        answer = answer.header(name, value);
    }
    answer.body(RelayBody::Whole(Some(body))).unwrap()
}

/// A whole answer, or a stream relayed as it arrives.
pub enum RelayBody {
    Whole(Option<Bytes>),
    Stream(mpsc::Receiver<Bytes>),
}

impl Body for RelayBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        match self.get_mut() {
            RelayBody::Whole(bytes) => Poll::Ready(bytes.take().map(|b| Ok(Frame::data(b)))),
            RelayBody::Stream(rx) => rx.poll_recv(cx).map(|b| b.map(|b| Ok(Frame::data(b)))),
        }
    }

    fn is_end_stream(&self) -> bool {
        matches!(self, RelayBody::Whole(None))
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            RelayBody::Whole(bytes) => SizeHint::with_exact(bytes.as_ref().map_or(0, |b| b.len() as u64)),
            RelayBody::Stream(_) => SizeHint::default(),
        }
    }
}

//! A project's stream: connect, read frames as they arrive, tell subscribers, reconnect.

use std::future::Future;
use std::pin::pin;
use std::task::Poll;
use std::time::Duration;

use tokio::sync::{broadcast, watch};

use super::decode::{Frame, decode};
use super::model::{PushNotice, PushState, PushUnavailable};
use super::reconnect::Backoff;
use super::registry::Registration;
use super::sse::SseParser;
use crate::clock::Clock;
use crate::error::{ApiMessage, Error};
use crate::transport::ApiRequest;
use crate::{Client, routes};

/// The most bytes one frame may have. Frames name changed secrets (about 80 bytes each): this allows
/// a change of some 50,000 secrets at once; a larger frame is skipped and subscribers resync.
const MAX_FRAME_BYTES: usize = 4 * 1024 * 1024;

/// How a stream behaves: taken from the subscription that started it.
#[derive(Clone, Debug)]
pub(crate) struct Options {
    pub(crate) clock: Clock,
    pub(crate) silence: Duration,
    pub(crate) retry_unavailable: Duration,
}

/// The task of one stream. It owns the senders its subscribers listen to.
pub(crate) struct Stream {
    client: Client,
    project_id: String,
    options: Options,
    notices: broadcast::Sender<PushNotice>,
    state: watch::Sender<PushState>,
    registration: watch::Receiver<Registration>,
}

/// Why a connection ended.
enum Ended {
    /// The server closed the stream.
    Closed,
    /// The connection broke.
    Broken(reqwest::Error),
    /// Nothing arrived for the silence timeout: the connection is taken for dead.
    Silent,
    /// The server sent an `error` frame (permission refresh failed) and closes.
    ServerError,
    /// A subscriber needs more registered: connect again with it, at once.
    Widened,
    /// Every subscriber has gone.
    Gone,
}

impl Stream {
    pub(crate) fn new(
        client: Client,
        project_id: String,
        options: Options,
        notices: broadcast::Sender<PushNotice>,
        state: watch::Sender<PushState>,
        registration: watch::Receiver<Registration>,
    ) -> Self {
        Stream { client, project_id, options, notices, state, registration }
    }

    pub(crate) async fn run(mut self) {
        let site = self.client.site().as_str().trim_end_matches('/').to_owned();
        let mut backoff = Backoff::default();
        let mut refused: Option<PushUnavailable> = None;
        loop {
            let req = {
                let registration = self.registration.borrow_and_update();
                ApiRequest::post(routes::EVENTS_SUBSCRIBE).json(&registration.body(&self.project_id))
            };
            let opened = match req {
                Ok(req) => self.client.open_stream(&req).await,
                Err(err) => Err(err),
            };
            let wait = match opened {
                Ok(resp) => {
                    refused = None;
                    backoff.connected(self.options.clock.now());
                    tracing::debug!(%site, project = %self.project_id, "Infisical event stream connected");
                    let connection = crate::metrics::PushConnection::up();
                    self.set_state(PushState::Connected);
                    // Nothing is kept for a client that was away: whatever changed meanwhile is missed.
                    let _ = self.notices.send(PushNotice::Resync);
                    let ended = self.read(resp).await;
                    drop(connection);
                    let (why, reason) = match ended {
                        Ended::Gone => return,
                        Ended::Widened => {
                            tracing::debug!(%site, project = %self.project_id, "subscribing to more of the project's events");
                            self.set_state(PushState::Reconnecting);
                            continue;
                        }
                        Ended::Closed => ("the server closed it".to_owned(), "closed"),
                        Ended::Broken(e) => (format!("the connection broke ({})", e.without_url()), "broken"),
                        Ended::Silent => {
                            (format!("nothing arrived for {} s", self.options.silence.as_secs()), "silent")
                        }
                        Ended::ServerError => {
                            ("the server ended it with an error (its permission check failed)".into(), "server_error")
                        }
                    };
                    crate::metrics::push_reconnect(reason);
                    self.set_state(PushState::Reconnecting);
                    let wait = backoff.failed(self.options.clock.now());
                    tracing::warn!(%site, project = %self.project_id, wait_ms = wait.as_millis() as u64, "Infisical event stream lost: {why}; reconnecting");
                    wait
                }
                Err(err) => match refusal(&err) {
                    Some(reason) => {
                        crate::metrics::push_unavailable(&reason);
                        let wait = self.options.retry_unavailable;
                        if refused.as_ref() != Some(&reason) {
                            tracing::warn!(%site, project = %self.project_id, retry_in_s = wait.as_secs(), "Infisical push unavailable: {reason}; changes are found by polling until push is tried again");
                        } else {
                            tracing::debug!(%site, project = %self.project_id, %reason, "Infisical push still unavailable");
                        }
                        tracing::debug!(%site, project = %self.project_id, error = %err, "the refusal");
                        refused = Some(reason.clone());
                        backoff.reset();
                        self.set_state(PushState::Unavailable(reason));
                        wait
                    }
                    None => {
                        crate::metrics::push_reconnect("connect_failed");
                        self.set_state(PushState::Reconnecting);
                        let wait = backoff.failed(self.options.clock.now());
                        let wait = match &err {
                            Error::Api(api) => wait.max(api.retry_after().unwrap_or_default()),
                            _ => wait,
                        };
                        if backoff.failures() == 1 {
                            tracing::warn!(%site, project = %self.project_id, status = err.status(), wait_ms = wait.as_millis() as u64, "Infisical event stream could not connect; trying again");
                        }
                        tracing::debug!(%site, project = %self.project_id, error = %err, failures = backoff.failures(), "the event stream's connection failed");
                        wait
                    }
                },
            };
            if !self.pause(wait).await {
                return;
            }
        }
    }

    /// Reads the stream until it ends, telling subscribers what changed.
    async fn read(&mut self, mut resp: reqwest::Response) -> Ended {
        let clock = self.options.clock.clone();
        let mut parser = SseParser::new(MAX_FRAME_BYTES);
        let mut frames = Vec::new();
        let mut last = clock.now();
        loop {
            let next = {
                let mut chunk = pin!(resp.chunk());
                let mut silent = pin!(clock.sleep_until(last + self.options.silence));
                let mut changed = pin!(self.registration.changed());
                std::future::poll_fn(|cx| {
                    if let Poll::Ready(changed) = changed.as_mut().poll(cx) {
                        return Poll::Ready(Err(if changed.is_ok() { Ended::Widened } else { Ended::Gone }));
                    }
                    if let Poll::Ready(chunk) = chunk.as_mut().poll(cx) {
                        return Poll::Ready(Ok(chunk));
                    }
                    silent.as_mut().poll(cx).map(|()| Err(Ended::Silent))
                })
                .await
            };
            let bytes = match next {
                Err(ended) => return ended,
                Ok(Ok(Some(bytes))) => bytes,
                Ok(Ok(None)) => return Ended::Closed,
                Ok(Err(e)) => return Ended::Broken(e),
            };
            last = clock.now();
            parser.feed(&bytes, &mut frames);
            for frame in frames.drain(..) {
                match decode(&frame) {
                    Frame::Changes(events) => {
                        for event in events {
                            crate::metrics::push_event(event.kind);
                            tracing::trace!(kind = %event.kind, environment = %event.environment, path = %event.path, keys = ?event.keys, "Infisical event");
                            let _ = self.notices.send(PushNotice::Changed(event));
                        }
                    }
                    Frame::Ping => tracing::trace!("Infisical event stream ping"),
                    Frame::Lost => {
                        tracing::debug!("an Infisical event could not be read; subscribers resync");
                        let _ = self.notices.send(PushNotice::Resync);
                    }
                    Frame::Error(message) => {
                        tracing::debug!(%message, "the Infisical event stream's error frame");
                        return Ended::ServerError;
                    }
                    Frame::Ignored => {}
                }
            }
        }
    }

    /// Waits `wait` on the stream's clock, or less when a subscriber needs more registered; `false`
    /// when every subscriber has gone.
    async fn pause(&mut self, wait: Duration) -> bool {
        let mut sleep = pin!(self.options.clock.sleep(wait));
        let mut changed = pin!(self.registration.changed());
        std::future::poll_fn(|cx| {
            if let Poll::Ready(changed) = changed.as_mut().poll(cx) {
                return Poll::Ready(changed.is_ok());
            }
            sleep.as_mut().poll(cx).map(|()| true)
        })
        .await
    }

    /// Sets the state, telling subscribers when it changed.
    fn set_state(&self, state: PushState) {
        let changed = self.state.send_if_modified(|current| {
            let changed = *current != state;
            *current = state.clone();
            changed
        });
        if changed {
            let _ = self.notices.send(PushNotice::State(state));
        }
    }
}

/// The refusals that end push for a while: each a typed reason, not an error.
fn refusal(err: &Error) -> Option<PushUnavailable> {
    let Error::Api(api) = err else { return None };
    let message = match api.message() {
        ApiMessage::Text(text) => text.to_ascii_lowercase(),
        _ => String::new(),
    };
    match api.status() {
        404 if api.is_unknown_route() => Some(PushUnavailable::RouteNotFound),
        // "Event subscriptions are not available on your current plan…", and the older "Failed to use
        // event subscriptions due to plan restriction…".
        400 if message.contains("event subscriptions") => Some(PushUnavailable::NotLicensed),
        403 if !api.is_token_rejected() => Some(PushUnavailable::Forbidden),
        // "…maximum concurrent event subscriptions for this project…", and the older "Too many active
        // connections for project…"; any other 429 is the rate limiter, waited out as a failure.
        429 if message.contains("concurrent") || message.contains("active connections") => {
            Some(PushUnavailable::StreamLimit)
        }
        401 | 403 | 408 | 429 => None,
        status @ 400..=499 => Some(PushUnavailable::Rejected { status }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ApiError;

    fn api(status: u16, body: &str) -> Error {
        ApiError::from_response(status, body.as_bytes(), None).into()
    }

    #[test]
    fn refusals_by_status_and_message() {
        let route = r#"{"message":"Route POST:/api/v1/events/subscribe/project-events not found","error":"Not Found","statusCode":404}"#;
        assert_eq!(refusal(&api(404, route)), Some(PushUnavailable::RouteNotFound));
        assert_eq!(
            refusal(&api(404, r#"{"message":"Project with ID 'x' not found","error":"NotFound"}"#)),
            Some(PushUnavailable::Rejected { status: 404 })
        );
        for plan in [
            "Event subscriptions are not available on your current plan. Please upgrade to access this feature.",
            "Failed to use event subscriptions due to plan restriction. Upgrade plan to access enterprise event subscriptions.",
        ] {
            let body = serde_json::json!({"statusCode": 400, "error": "BadRequest", "message": plan}).to_string();
            assert_eq!(refusal(&api(400, &body)), Some(PushUnavailable::NotLicensed), "{plan}");
        }
        assert_eq!(
            refusal(&api(400, r#"{"error":"BadRequest","message":"Invalid input"}"#)),
            Some(PushUnavailable::Rejected { status: 400 })
        );
        assert_eq!(
            refusal(&api(
                403,
                r#"{"error":"PermissionDenied","message":"You are not allowed to subscribe on Secret Events"}"#
            )),
            Some(PushUnavailable::Forbidden)
        );
        assert_eq!(refusal(&api(403, r#"{"error":"TokenError","message":"jwt expired"}"#)), None);
        for cap in [
            "You have reached your maximum concurrent event subscriptions for this project. Your project supports 100 concurrent event subscriptions.",
            "Too many active connections for project p. Please close some connections before opening a new one.",
        ] {
            let body = serde_json::json!({"statusCode": 429, "error": "RateLimitExceeded", "message": cap}).to_string();
            assert_eq!(refusal(&api(429, &body)), Some(PushUnavailable::StreamLimit), "{cap}");
        }
        let limited = r#"{"statusCode":429,"error":"RateLimitExceeded","message":"Rate limit exceeded. Please try again in 42 seconds"}"#;
        assert_eq!(refusal(&api(429, limited)), None);
        assert_eq!(refusal(&api(401, r#"{"message":"Token missing"}"#)), None);
        assert_eq!(refusal(&api(503, "")), None);
    }
}

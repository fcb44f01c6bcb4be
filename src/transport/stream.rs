//! An answer whose body is read as it arrives: the event stream (feature `push`).

use reqwest::header::ACCEPT;
use secrecy::SecretString;

use crate::error::{Result, TransportErrorKind};
use crate::metrics::Outcome;

use super::{ApiRequest, Budget, Failure, Transport, error_answer};

impl Transport {
    /// Opens an answer whose body the caller reads as it arrives (`Accept: text/event-stream`).
    ///
    /// One attempt and no retry: the caller's reconnect policy decides when to try again. The request
    /// is built as [`send`](Self::send) builds it; the attempt timeout (within the call's budget)
    /// bounds the wait for the answer's head only, never the body, which lasts as long as the stream.
    /// A non-2xx answer is read under the response cap and becomes the same [`crate::Error::Api`] as `send`'s.
    pub(crate) async fn open_stream(
        &self,
        req: &ApiRequest,
        bearer: Option<&SecretString>,
        budget: &Budget,
    ) -> Result<reqwest::Response> {
        // Through the gate as every request: a 429's hold, the request budget.
        self.gate.pass(req, &self.site, budget, false).await?;
        let Some(remaining) = budget.remaining() else {
            return Err(budget.timed_out(&req.method, &self.site, &req.path()));
        };
        budget.attempt();
        let _ = super::REQUESTS.try_with(|sent| sent.set(sent.get() + 1));
        let open = async {
            let rb = self.request_builder(req, bearer).map_err(Failure::Local)?.header(ACCEPT, "text/event-stream");
            let resp = rb.send().await.map_err(|e| self.transport_failure(req, e, budget))?;
            let status = resp.status().as_u16();
            tracing::debug!(endpoint = %req.describe(), status, "infisical response");
            if resp.status().is_success() {
                return Ok(resp);
            }
            if resp.status().is_redirection() {
                let kind = TransportErrorKind::Redirect;
                return Err(Failure::Transport(kind, self.transport_error(kind, req, budget, None, None)));
            }
            let headers = resp.headers().clone();
            let body = self.read_body(req, resp, budget).await?;
            let (api, hold) = error_answer(status, &headers, &body);
            Err(Failure::Status(api, hold))
        };
        let started = std::time::Instant::now();
        let opened = tokio::time::timeout(remaining.min(self.attempt_timeout), open).await;
        let outcome = match &opened {
            Ok(Ok(resp)) => Some(Outcome::of_status(resp.status().as_u16())),
            Ok(Err(Failure::Status(api, _))) => Some(Outcome::of_status(api.status())),
            Ok(Err(Failure::Transport(..))) | Err(_) => Some(Outcome::Transport),
            Ok(Err(Failure::Local(_))) => None,
        };
        if let Some(outcome) = outcome {
            crate::metrics::request(crate::metrics::endpoint(&req.segments), outcome, started.elapsed());
        }
        match opened {
            Ok(Ok(resp)) => Ok(resp),
            Ok(Err(Failure::Status(api, hold))) => {
                // A rate limiter's 429 holds the client as `send`'s does; the stream cap's does not.
                if let Some(hold) = hold {
                    self.gate.hold(hold, &api, &self.site);
                }
                Err(api.into())
            }
            Ok(Err(Failure::Transport(_, err) | Failure::Local(err))) => Err(err),
            Err(_) => Err(self.transport_error(TransportErrorKind::Timeout, req, budget, None, None)),
        }
    }
}

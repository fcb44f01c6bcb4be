//! A request to the API and the answer to it. Neither `Debug` shows a body: bodies hold client
//! secrets, tokens and secret values.

use std::borrow::Cow;

use reqwest::header::HeaderMap;
use reqwest::{Method, Url};
use serde::Serialize;
use serde::de::DeserializeOwned;
use zeroize::Zeroizing;

use crate::error::{Error, Result};

use super::body::Body;
use super::retry::Replay;

/// A request to the API, relative to `<site>/api/`.
#[derive(Clone)]
pub(crate) struct ApiRequest {
    pub(crate) method: Method,
    pub(super) segments: Vec<String>,
    /// Values are mostly `true` and `false`: those are not allocated.
    pub(super) query: Vec<(&'static str, Cow<'static, str>)>,
    pub(super) body: Option<Zeroizing<Vec<u8>>>,
    pub(crate) replay: Replay,
    pub(super) if_none_match: Option<String>,
    pub(crate) authenticated: bool,
}

impl std::fmt::Debug for ApiRequest {
    // The body holds client secrets, tokens and secret values: never shown.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiRequest")
            .field("endpoint", &self.describe())
            .field("query", &self.query.iter().map(|(k, _)| *k).collect::<Vec<_>>())
            .field("body_bytes", &self.body.as_ref().map(|b| b.len()))
            .finish_non_exhaustive()
    }
}

impl ApiRequest {
    pub(crate) fn new(method: Method, segments: &[&str]) -> Self {
        let replay = if method == Method::GET { Replay::Safe } else { Replay::Unsafe };
        ApiRequest {
            method,
            segments: segments.iter().map(|s| (*s).to_owned()).collect(),
            query: Vec::new(),
            body: None,
            replay,
            if_none_match: None,
            authenticated: true,
        }
    }

    pub(crate) fn get(segments: &[&str]) -> Self {
        Self::new(Method::GET, segments)
    }

    pub(crate) fn post(segments: &[&str]) -> Self {
        Self::new(Method::POST, segments)
    }

    pub(crate) fn patch(segments: &[&str]) -> Self {
        Self::new(Method::PATCH, segments)
    }

    pub(crate) fn delete(segments: &[&str]) -> Self {
        Self::new(Method::DELETE, segments)
    }

    /// Appends a path segment; it is percent-encoded, so names with spaces or `#` stay one segment.
    pub(crate) fn segment(mut self, s: impl Into<String>) -> Self {
        self.segments.push(s.into());
        self
    }

    pub(crate) fn query(mut self, key: &'static str, value: impl Into<String>) -> Self {
        self.query.push((key, Cow::Owned(value.into())));
        self
    }

    pub(crate) fn query_opt(self, key: &'static str, value: Option<impl Into<String>>) -> Self {
        match value {
            Some(v) => self.query(key, v),
            None => self,
        }
    }

    /// Booleans go as `true`/`false` always: server defaults changed between versions.
    pub(crate) fn query_bool(mut self, key: &'static str, value: bool) -> Self {
        self.query.push((key, Cow::Borrowed(if value { "true" } else { "false" })));
        self
    }

    pub(crate) fn json(mut self, body: &impl Serialize) -> Result<Self> {
        let bytes = serde_json::to_vec(body)
            .map_err(|e| Error::Local { what: "could not encode the request body", source: Box::new(e) })?;
        self.body = Some(Zeroizing::new(bytes));
        Ok(self)
    }

    pub(crate) fn if_none_match(mut self, etag: Option<String>) -> Self {
        self.if_none_match = etag;
        self
    }

    /// Marks a non-GET request as safe to replay (logins, renewals, KMS operations).
    pub(crate) fn replayable(mut self) -> Self {
        self.replay = Replay::Safe;
        self
    }

    pub(crate) fn anonymous(mut self) -> Self {
        self.authenticated = false;
        self
    }

    /// `GET /api/v4/secrets`, for logs and errors: method and path, no query. Made for every request
    /// (its answer carries it), so put together without the formatting machinery.
    pub(crate) fn describe(&self) -> String {
        let method = self.method.as_str();
        let mut out = String::with_capacity(method.len() + 1 + self.path_len());
        out.push_str(method);
        out.push(' ');
        self.push_path(&mut out);
        out
    }

    /// `/api/v4/secrets`: the path actually sent, no query.
    pub(crate) fn path(&self) -> String {
        let mut out = String::with_capacity(self.path_len());
        self.push_path(&mut out);
        out
    }

    fn path_len(&self) -> usize {
        "/api/".len() + self.segments.iter().map(|s| s.len() + 1).sum::<usize>()
    }

    fn push_path(&self, out: &mut String) {
        out.push_str("/api/");
        for (i, segment) in self.segments.iter().enumerate() {
            if i > 0 {
                out.push('/');
            }
            out.push_str(segment);
        }
    }

    pub(super) fn url(&self, api: &Url) -> Url {
        let mut url = api.clone();
        if let Ok(mut segs) = url.path_segments_mut() {
            segs.pop_if_empty().extend(&self.segments);
        }
        if !self.query.is_empty() {
            url.query_pairs_mut().extend_pairs(self.query.iter().map(|(k, v)| (*k, v.as_ref())));
        }
        url
    }
}

/// A successful (2xx or 304) answer.
pub(crate) struct ApiResponse {
    pub(crate) status: u16,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Body,
    pub(crate) endpoint: String,
}

impl std::fmt::Debug for ApiResponse {
    // The body holds secret values: never shown.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiResponse")
            .field("endpoint", &self.endpoint)
            .field("status", &self.status)
            .field("body_bytes", &self.body.len())
            .finish_non_exhaustive()
    }
}

impl ApiResponse {
    pub(crate) fn json<T: DeserializeOwned>(&self) -> Result<T> {
        // Tracking the path of every field costs time on large answers: decode plainly, and only on
        // failure decode again to find which field is at fault.
        self.body.decode::<T>().map_err(|_| match self.body.decode_tracking_path::<T>() {
            Err(e) => Error::decode(&self.endpoint, &e),
            Ok(_) => Error::Decode { endpoint: self.endpoint.clone(), detail: "unexpected value".into() },
        })
    }

    pub(crate) fn header(&self, name: &str) -> Option<String> {
        self.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_is_described_by_its_method_and_path() {
        let req = ApiRequest::get(&["v4", "secrets", "DB_URL"]);
        assert_eq!(req.describe(), "GET /api/v4/secrets/DB_URL");
        assert_eq!(req.path(), "/api/v4/secrets/DB_URL");
        assert_eq!(ApiRequest::post(&[]).describe(), "POST /api/");
    }
}

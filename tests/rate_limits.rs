//! Rate limits and herds: a 429 holds every request of the client until the server's time (from
//! `Retry-After`, `x-ratelimit-reset` or the message), a call that cannot wait that long fails at once
//! without sending, the request budget spaces every attempt (logins included) and can be shared, and the
//! fake server limits as Infisical Cloud does.
//!
//! Real time, lower bounds exact ("not before"), upper bounds generous.

mod common;

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::*;
use infisical_config::resources::{ApiVersion, ListSecrets};
use infisical_config::testing::FakeInfisical;
use infisical_config::{Client, Error, RequestBudget, RetryPolicy};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const LIST_V3: &str = "/api/v3/secrets/raw";

/// Answers the scripted templates in order, then `then`; records when each request arrived.
struct Script {
    answers: Mutex<VecDeque<ResponseTemplate>>,
    then: ResponseTemplate,
    arrivals: Arc<Mutex<Vec<Instant>>>,
}

impl Respond for Script {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        self.arrivals.lock().unwrap().push(Instant::now());
        self.answers.lock().unwrap().pop_front().unwrap_or_else(|| self.then.clone())
    }
}

/// A server whose list answers `first` once, then the recorded list; and when each list arrived.
async fn server_answering_first(first: ResponseTemplate) -> (MockServer, Arc<Mutex<Vec<Instant>>>) {
    let server = MockServer::start().await;
    let arrivals = Arc::new(Mutex::new(Vec::new()));
    let script = Script { answers: Mutex::new([first].into()), then: recorded("028"), arrivals: arrivals.clone() };
    Mock::given(method("GET")).and(path(LIST_V3)).respond_with(script).mount(&server).await;
    (server, arrivals)
}

fn client(server: &MockServer, retry: RetryPolicy, timeout: Duration) -> Client {
    builder(&server.uri())
        .access_token("t")
        .api_version(ApiVersion::Legacy)
        .retry(retry)
        .timeout(timeout)
        .build()
        .unwrap()
}

fn list() -> ListSecrets {
    ListSecrets::new(PROJECT, "dev")
}

/// A 429 in the real server's words, with `headers`.
fn limited(message: &str, headers: &[(&str, &str)]) -> ResponseTemplate {
    let body =
        json!({"reqId": "req-AbCdEfGhIjKlMn", "statusCode": 429, "message": message, "error": "RateLimitExceeded"});
    headers.iter().fold(ResponseTemplate::new(429).set_body_json(body), |t, (k, v)| t.insert_header(*k, *v))
}

/// Lists from `tasks` tasks at once; each returns when it finished.
async fn concurrent_lists(client: &Client, tasks: usize) -> Vec<Instant> {
    let calls: Vec<_> = (0..tasks)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move {
                client.secrets().list(&list()).await.unwrap();
                Instant::now()
            })
        })
        .collect();
    let mut done = Vec::new();
    for call in calls {
        done.push(call.await.unwrap());
    }
    done
}

/// After the 429 that arrived first, every later request of the client arrives `hold` later or more,
/// and every task ends after that.
async fn every_request_waits(hold: Duration, first: ResponseTemplate) {
    let (server, arrivals) = server_answering_first(first).await;
    // The call that got the 429 gives up (its wait is longer than its policy's cap), but the hold stays:
    // the server's rule is for the whole client.
    let client =
        client(&server, RetryPolicy::default().max_retry_after(Duration::from_millis(100)), Duration::from_secs(30));
    let err = client.secrets().list(&list()).await.unwrap_err();
    assert_eq!(err.status(), Some(429), "{err}");
    let refused_at = arrivals.lock().unwrap()[0];

    let done = concurrent_lists(&client, 6).await;
    let arrivals = arrivals.lock().unwrap().clone();
    assert_eq!(arrivals.len(), 7, "the 429, then each task's list once");
    for at in &arrivals[1..] {
        let after = at.duration_since(refused_at);
        assert!(after >= hold, "a request was sent {after:?} after the 429, during the {hold:?} hold");
    }
    for end in done {
        let after = end.duration_since(refused_at);
        assert!(after >= hold && after < hold + Duration::from_secs(10), "a task ended {after:?} after the 429");
    }
}

#[tokio::test]
async fn a_429_holds_every_request_of_the_client_for_its_retry_after() {
    every_request_waits(
        Duration::from_secs(5),
        limited("Rate limit exceeded. Please try again in 60 seconds", &[("retry-after", "5")]),
    )
    .await;
}

#[tokio::test]
async fn without_retry_after_the_reset_header_is_honoured() {
    every_request_waits(
        Duration::from_secs(3),
        limited("Rate limit exceeded. Please try again in 1 minute", &[("x-ratelimit-reset", "3")]),
    )
    .await;
}

#[tokio::test]
async fn without_headers_the_wait_in_the_message_is_honoured() {
    every_request_waits(Duration::from_secs(3), limited("Rate limit exceeded. Please try again in 3 seconds", &[]))
        .await;
}

#[tokio::test]
async fn the_call_that_got_the_429_retries_once_the_hold_ends() {
    let (server, arrivals) =
        server_answering_first(limited("Rate limit exceeded. Please try again in 2 seconds", &[("retry-after", "2")]))
            .await;
    let client = client(&server, RetryPolicy::default(), Duration::from_secs(30));
    let started = Instant::now();
    client.secrets().list(&list()).await.unwrap();
    let arrivals = arrivals.lock().unwrap().clone();
    assert_eq!(arrivals.len(), 2);
    let waited = arrivals[1].duration_since(arrivals[0]);
    assert!(waited >= Duration::from_secs(2), "retried after {waited:?}");
    assert!(started.elapsed() < Duration::from_secs(12), "{:?}", started.elapsed());
}

#[tokio::test]
async fn a_call_whose_deadline_comes_first_fails_at_once_unsent_and_says_until_when() {
    let (server, arrivals) = server_answering_first(limited(
        "Rate limit exceeded. Please try again in 30 seconds",
        &[("retry-after", "30")],
    ))
    .await;
    let client = client(&server, RetryPolicy::default(), Duration::from_secs(3));
    let started = Instant::now();
    let first = client.secrets().list(&list()).await.unwrap_err();
    assert_eq!(first.status(), Some(429), "{first}");

    let again = Instant::now();
    let err = client.secrets().list(&list()).await.unwrap_err();
    assert!(again.elapsed() < Duration::from_secs(2), "waited {:?} for nothing", again.elapsed());
    assert!(started.elapsed() < Duration::from_secs(3), "the first call slept into its deadline");
    assert_eq!(arrivals.lock().unwrap().len(), 1, "only the first request reached the server");
    let text = err.to_string();
    assert!(text.starts_with("Client Error 429: Rate limit exceeded. Please try again in 30 seconds"), "{text}");
    assert!(text.contains(&format!("every request of this client to {} waits until", server.uri())), "{text}");
    assert!(text.contains("UTC (") && text.contains("s from now), past this call's deadline"), "{text}");
    assert!(text.contains(&format!("GET {}{LIST_V3} was not sent", server.uri())), "{text}");
    assert!(err.is_unavailable(), "a cache may stand in: {text}");
    let Error::Api(api) = &err else { panic!("{err:?}") };
    assert_eq!(api.error_name(), Some("RateLimitExceeded"));
}

/// The arrivals, sorted, never exceed the bucket: the `k`-th (1-based) is not before
/// `start + (k - capacity) / rate`.
fn assert_within_budget(arrivals: &[Instant], start: Instant, per_minute: u32) {
    let mut arrivals = arrivals.to_vec();
    arrivals.sort();
    let per_request = Duration::from_secs(60) / per_minute;
    for (i, at) in arrivals.iter().enumerate() {
        let k = i as u32 + 1;
        if k > per_minute {
            let earliest = start + per_request * (k - per_minute);
            assert!(*at + Duration::from_millis(1) >= earliest, "request {k} came {:?} early", earliest - *at);
        }
    }
}

#[tokio::test]
async fn the_request_budget_spaces_every_request_logins_included() {
    let fake = FakeInfisical::builder().secret("dev", "/", "A", "1").start().await;
    let start = Instant::now();
    let client = fake.client_builder().request_budget(RequestBudget::per_minute(60)).build().unwrap();
    let calls: Vec<_> = (0..10)
        .map(|_| {
            let client = client.clone();
            let list = ListSecrets::new(fake.project_id(), "dev");
            tokio::spawn(async move {
                for _ in 0..7 {
                    client.secrets().list(&list).await.unwrap();
                }
            })
        })
        .collect();
    for call in calls {
        call.await.unwrap();
    }
    let log = fake.request_log().await;
    assert_eq!(log.len(), 71, "{log:?}");
    assert_eq!(log.iter().filter(|r| r.ends_with("/universal-auth/login")).count(), 1);
    let arrivals = fake.request_times();
    assert_eq!(arrivals.len(), 71);
    assert_within_budget(&arrivals, start, 60);
    // 60 at once, then one a second: the 71st not before 11 s.
    assert!(
        start.elapsed() >= Duration::from_secs(11) && start.elapsed() < Duration::from_secs(25),
        "{:?}",
        start.elapsed()
    );
}

#[tokio::test]
async fn two_clients_share_one_budget() {
    let fake = FakeInfisical::builder().secret("dev", "/", "A", "1").start().await;
    let start = Instant::now();
    let budget = RequestBudget::per_minute(120);
    let clients = [budget.clone(), budget].map(|b| fake.client_builder().request_budget(b).build().unwrap());
    let calls: Vec<_> = clients
        .iter()
        .map(|client| {
            let client = client.clone();
            let list = ListSecrets::new(fake.project_id(), "dev");
            tokio::spawn(async move {
                for _ in 0..64 {
                    client.secrets().list(&list).await.unwrap();
                }
            })
        })
        .collect();
    for call in calls {
        call.await.unwrap();
    }
    let arrivals = fake.request_times();
    assert_eq!(arrivals.len(), 130, "two logins and 128 lists");
    assert_within_budget(&arrivals, start, 120);
    assert!(start.elapsed() >= Duration::from_secs(5), "{:?}", start.elapsed());
}

#[tokio::test]
async fn a_call_the_budget_cannot_serve_in_time_fails_at_once_unsent() {
    let fake = FakeInfisical::builder().secret("dev", "/", "A", "1").start().await;
    let client = fake
        .client_builder()
        .request_budget(RequestBudget::per_minute(1))
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client.secrets().list(&ListSecrets::new(fake.project_id(), "dev")).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2), "waited {:?}", started.elapsed());
    assert_eq!(fake.request_log().await, ["POST /api/v1/auth/universal-auth/login"], "the login took the only token");
    let text = err.to_string();
    assert!(text.starts_with("Client Error 429: the request budget (1 a minute) has no request left until "), "{text}");
    assert!(text.contains("past this call's deadline") && text.contains("/api/v4/secrets was not sent"), "{text}");
    assert!(err.is_unavailable());
}

#[test]
fn a_budget_of_nothing_is_refused() {
    let err = infisical_config::Client::builder()
        .site("http://127.0.0.1:1")
        .env_source(empty_env())
        .request_budget(RequestBudget::per_minute(0))
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("0 requests a minute"), "{err}");
}

fn header(resp: &reqwest::Response, name: &str) -> String {
    resp.headers().get(name).map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default()
}

#[tokio::test]
async fn the_fake_limits_as_the_real_server_logins_and_304s_included() {
    let fake =
        FakeInfisical::builder().secret("dev", "/", "A", "1").rate_limit(3, Duration::from_secs(60)).start().await;
    let http = reqwest::Client::new();
    let login = http
        .post(format!("{}/api/v1/auth/universal-auth/login", fake.uri()))
        .json(&json!({"clientId": "fake-client-id", "clientSecret": "fake-client-secret"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        (header(&login, "x-ratelimit-limit"), header(&login, "x-ratelimit-remaining")),
        ("3".into(), "2".into())
    );
    let token = login.json::<Value>().await.unwrap()["accessToken"].as_str().unwrap().to_owned();
    let url = format!("{}/api/v4/secrets?projectId={}&environment=dev", fake.uri(), fake.project_id());
    let listed = http.get(&url).bearer_auth(&token).send().await.unwrap();
    assert_eq!((listed.status().as_u16(), header(&listed, "x-ratelimit-remaining")), (200, "1".into()));
    let etag = header(&listed, "etag");
    let reset: u64 = header(&listed, "x-ratelimit-reset").parse().unwrap();
    assert!((59..=60).contains(&reset), "{reset}");
    let body_bytes = fake.body_bytes();
    let same = http.get(&url).bearer_auth(&token).header("if-none-match", &etag).send().await.unwrap();
    assert_eq!((same.status().as_u16(), header(&same, "x-ratelimit-remaining")), (304, "0".into()));
    assert_eq!(fake.body_bytes(), body_bytes, "a 304 serves no body");

    let refused = http.get(&url).bearer_auth(&token).send().await.unwrap();
    assert_eq!(refused.status().as_u16(), 429);
    let wait = header(&refused, "retry-after");
    assert!(["59", "60"].contains(&wait.as_str()), "{wait}");
    assert_eq!(header(&refused, "x-ratelimit-limit"), "3");
    assert_eq!(header(&refused, "x-ratelimit-remaining"), "0");
    assert_eq!(header(&refused, "x-ratelimit-reset"), wait);
    assert!(header(&refused, "content-type").starts_with("application/json"));
    let body: Value = refused.json().await.unwrap();
    // The recorded answer's fields (sample 117), and the request id current servers add.
    let recorded = sample("117")["response"].clone();
    for field in ["statusCode", "error"] {
        assert_eq!(body[field], recorded[field], "{field}");
    }
    assert_eq!(body["message"], format!("Rate limit exceeded. Please try again in {wait} seconds"));
    let req_id = body["reqId"].as_str().unwrap();
    assert!(req_id.len() == 18 && req_id.starts_with("req-") && req_id[4..].chars().all(|c| c.is_ascii_alphanumeric()));
    assert_eq!(fake.rate_limited(), 1);
    assert_eq!(fake.request_times().len(), 4);
}

#[tokio::test]
async fn clients_behind_one_address_share_the_fake_s_window_and_wait_it_out() {
    let fake =
        FakeInfisical::builder().secret("dev", "/", "A", "1").rate_limit(4, Duration::from_secs(3)).start().await;
    let list = ListSecrets::new(fake.project_id(), "dev");
    let first = fake.client_builder().build().unwrap();
    let second = fake.client_builder().build().unwrap();
    first.secrets().list(&list).await.unwrap();
    second.secrets().list(&list).await.unwrap();
    // The window is spent: a third replica's login is refused, waits out the window, and goes through.
    let third = fake.client_builder().build().unwrap();
    let started = Instant::now();
    third.secrets().list(&list).await.unwrap();
    assert!(started.elapsed() >= Duration::from_secs(1), "{:?}", started.elapsed());
    assert_eq!(fake.rate_limited(), 1);
    let log = fake.request_log().await;
    assert_eq!(log.iter().filter(|r| r.ends_with("/login")).count(), 4, "the refused login and its retry: {log:?}");
}

//! Helpers shared by the integration tests: recorded server samples and a client that never touches
//! the real environment, home directory or network.
#![allow(dead_code)]

pub mod logins;

use std::path::PathBuf;
use std::time::Duration;

use infisical_config::{Client, ClientBuilder, EnvSource, RetryPolicy, blocking};
use serde_json::Value;
use wiremock::ResponseTemplate;

pub const PROJECT: &str = "22770578-ba92-407c-a19b-e79cd7aa39d9";

pub fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// A recorded exchange of the 2024 server, by file name prefix (`"008"` or `"008-universal-auth-login"`).
pub fn sample(prefix: &str) -> Value {
    let dir = fixtures().join("server-2024-10");
    let entry = std::fs::read_dir(&dir)
        .expect("fixtures dir")
        .filter_map(Result::ok)
        .find(|e| e.file_name().to_string_lossy().starts_with(prefix))
        .unwrap_or_else(|| panic!("no sample {prefix}"));
    serde_json::from_slice(&std::fs::read(entry.path()).unwrap()).unwrap()
}

/// The recorded answer of a sample, with its status and `retry-after`.
pub fn recorded(prefix: &str) -> ResponseTemplate {
    let s = sample(prefix);
    let mut t = ResponseTemplate::new(s["status"].as_u64().unwrap() as u16).set_body_json(s["response"].clone());
    if let Some(ra) = s["headers"]["retry-after"].as_str() {
        t = t.insert_header("retry-after", ra);
    }
    if let Some(etag) = s["headers"]["etag"].as_str() {
        t = t.insert_header("etag", etag);
    }
    t
}

/// The access token the recorded login returned.
pub fn recorded_token() -> String {
    sample("008")["response"]["accessToken"].as_str().unwrap().to_owned()
}

/// An empty environment: no variables, no home, no current directory.
pub fn empty_env() -> EnvSource {
    EnvSource::from_pairs::<_, String, String>([])
}

/// An async client builder aimed at `uri`, with no environment, fast retries, no CLI login.
pub fn builder(uri: &str) -> ClientBuilder {
    configure(ClientBuilder::default(), uri)
}

/// The same, for the blocking client.
pub fn blocking_builder(uri: &str) -> blocking::ClientBuilder {
    configure(ClientBuilder::default(), uri).into()
}

fn configure(b: ClientBuilder, uri: &str) -> ClientBuilder {
    b.site(uri)
        .env_source(empty_env())
        .cli_login(false)
        .retry(RetryPolicy::default().initial_backoff(Duration::from_millis(10)).max_backoff(Duration::from_millis(50)))
}

/// An async client logging in with Universal Auth against `uri`.
pub fn ua_client(uri: &str) -> Client {
    builder(uri).universal_auth("085dd008-ef6d-499a-8c72-0f00ff20c601", "0".repeat(64)).build().unwrap()
}

/// A JWT whose payload is `payload` (unsigned: the client never verifies).
pub fn jwt(payload: &str) -> String {
    use base64::Engine;
    let b = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    format!("{}.{}.sig", b.encode(r#"{"alg":"HS256","typ":"JWT"}"#), b.encode(payload))
}

/// Everything a global `tracing` subscriber writes, for tests that read their logs. Install it once
/// per test binary with [`capture_logs`].
#[derive(Clone, Default)]
pub struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    /// What has been logged so far.
    pub fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

/// Installs a global subscriber at `level` writing into the returned buffer (also capturing `log` records).
pub fn capture_logs(level: tracing::Level) -> Captured {
    let logs = Captured::default();
    let writer = logs.clone();
    tracing_subscriber::fmt()
        .with_max_level(level)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .try_init()
        .unwrap();
    logs
}

/// Waits (real time, up to 20 s: generous for a busy machine) until `done` holds, checking every 5 ms;
/// fails naming `what`.
pub async fn until(what: &str, mut done: impl FnMut() -> bool) {
    let limit = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !done() {
        assert!(std::time::Instant::now() < limit, "{what}: not within 20 s");
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
}

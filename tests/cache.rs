//! The last-known-good cache (feature `cache`): written after a load, encrypted, 0600; served through
//! an outage within its maximum age and not past it; never hiding a refusal; unusable files read as
//! absent with a warning saying why; atomic under concurrent writers; ETag revalidation; first by
//! choice (a freshness window, offline), without a request.

mod common;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use common::*;
use figment::Profile;
use infisical_config::cache::{Cache, CacheKey, OnFailure};
use infisical_config::report::{CacheReason, Origin};
use infisical_config::resources::ApiVersion;
use infisical_config::testing::FakeInfisical;
use infisical_config::{EnvLoader, EnvSource, Error, ExposeSecret, Infisical, SecretBox, blocking};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const VALUES: [&str; 3] = ["postgres://db.internal/app-7d1f", "hunter2-b81c", "api-key-55e0"];

fn logs() -> &'static Captured {
    static LOGS: OnceLock<Captured> = OnceLock::new();
    LOGS.get_or_init(|| capture_logs(tracing::Level::DEBUG))
}

fn fake() -> FakeInfisical {
    FakeInfisical::builder()
        .secret("prod", "/", "DATABASE_URL", VALUES[0])
        .secret("prod", "/db", "PASSWORD", VALUES[1])
        .secret("prod", "/api", "KEY", VALUES[2])
        .start_blocking()
}

/// A client of `fake` that does not retry: an outage shows at once.
fn no_retries(fake: &FakeInfisical) -> blocking::Client {
    fake.blocking_client_builder().retry(infisical_config::RetryPolicy::default().max_retries(0)).build().unwrap()
}

fn key(byte: u8) -> CacheKey {
    CacheKey::from_bytes(SecretBox::new(Box::new([byte; 32])))
}

fn cache(dir: &Path, byte: u8, policy: OnFailure) -> Cache {
    Cache::new(key(byte)).dir(dir).on_failure(policy)
}

fn serve_stale() -> OnFailure {
    OnFailure::UseCache { max_age: Duration::from_secs(3600) }
}

fn provider(client: &blocking::Client, cache: Cache) -> Infisical {
    Infisical::new(infisical_config::testing::PROJECT_ID, "prod").recursive(true).client(client.clone()).cache(cache)
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    found.sort();
    found
}

#[test]
fn a_load_is_kept_encrypted_and_private_and_serves_an_outage_within_its_age() {
    logs();
    let dir = tempfile::tempdir().unwrap();
    let fake = fake();
    let client = no_retries(&fake);
    let snapshot = provider(&client, cache(dir.path(), 1, serve_stale())).fetch().unwrap();
    assert_eq!(snapshot.get(&Profile::Default, "db.password"), Some(VALUES[1]));

    let written = files(dir.path());
    assert_eq!(written.len(), 1, "one file for the target: {written:?}");
    let bytes = std::fs::read(&written[0]).unwrap();
    for value in VALUES {
        assert!(!bytes.windows(value.len()).any(|w| w == value.as_bytes()), "{value} in clear");
    }
    for name in ["DATABASE_URL", "PASSWORD", infisical_config::testing::PROJECT_ID] {
        assert!(!bytes.windows(name.len()).any(|w| w == name.as_bytes()), "{name} in clear");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&written[0]).unwrap().permissions().mode() & 0o777, 0o600);
    }

    // The server goes away: connection refused. The cache serves, and says so.
    drop(fake);
    let snapshot = provider(&client, cache(dir.path(), 1, serve_stale())).fetch().unwrap();
    assert_eq!(snapshot.get(&Profile::Default, "database_url"), Some(VALUES[0]));
    assert_eq!(snapshot.get(&Profile::Default, "api.key"), Some(VALUES[2]));
    assert!(logs().text().contains("serving the last good load from the cache"));

    // Past its age it is not served; without the policy the outage fails as before.
    std::thread::sleep(Duration::from_millis(20));
    let too_old = OnFailure::UseCache { max_age: Duration::from_millis(10) };
    let err = provider(&client, cache(dir.path(), 1, too_old)).fetch().unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    let err = provider(&client, cache(dir.path(), 1, OnFailure::Fail)).fetch().unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    // Provide nothing: an empty snapshot.
    let nothing = provider(&client, cache(dir.path(), 1, OnFailure::ProvideNothing)).fetch().unwrap();
    assert!(nothing.is_empty());
}

#[test]
fn the_env_loader_uses_the_same_cache() {
    logs();
    let dir = tempfile::tempdir().unwrap();
    let fake = fake();
    let client = no_retries(&fake);
    let loader = || {
        EnvLoader::new(infisical_config::testing::PROJECT_ID, "prod").client(client.clone()).cache(cache(
            dir.path(),
            3,
            serve_stale(),
        ))
    };
    assert_eq!(loader().load().unwrap().get("DATABASE_URL").unwrap().expose_secret(), VALUES[0]);
    fake.set_unavailable(true);
    // A 503 from a proxy is an outage too.
    assert_eq!(loader().load().unwrap().get("DATABASE_URL").unwrap().expose_secret(), VALUES[0]);
}

/// A server that answers the first list and refuses the next ones with `status`.
async fn refusing_after_one(status: u16) -> MockServer {
    let server = MockServer::start().await;
    let list = json!({"secrets": [{"id": "1", "secretKey": "A", "secretValue": VALUES[0], "secretPath": "/", "type": "shared"}], "imports": []});
    Mock::given(method("GET"))
        .and(path("/api/v4/secrets"))
        .respond_with(ResponseTemplate::new(200).set_body_json(list))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v4/secrets"))
        .respond_with(
            ResponseTemplate::new(status)
                .set_body_json(json!({"statusCode": status, "message": "refused", "error": "Refused"})),
        )
        .mount(&server)
        .await;
    server
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refusal_is_never_hidden_by_the_cache() {
    logs();
    for status in [403, 404] {
        let dir = tempfile::tempdir().unwrap();
        let server = refusing_after_one(status).await;
        let client = builder(&server.uri()).access_token("t").api_version(ApiVersion::Current).build().unwrap();
        let provider = Infisical::new(PROJECT, "prod").client(client).cache(cache(dir.path(), 1, serve_stale()));
        assert_eq!(provider.fetch_async().await.unwrap().get(&Profile::Default, "a"), Some(VALUES[0]));
        let err = provider.fetch_async().await.unwrap_err();
        assert_eq!(err.status(), Some(status), "{err:?}");
    }
}

#[test]
fn missing_credentials_are_not_hidden_by_the_cache() {
    logs();
    let dir = tempfile::tempdir().unwrap();
    let fake = fake();
    provider(&no_retries(&fake), cache(dir.path(), 1, serve_stale())).fetch().unwrap();
    // The same site and target, but no credentials configured: a mistake here, not an outage.
    let unconfigured = blocking::Client::builder()
        .site(fake.uri())
        .env_source(EnvSource::from_pairs::<_, String, String>([]))
        .cli_login(false)
        .build()
        .unwrap();
    let err = provider(&unconfigured, cache(dir.path(), 1, serve_stale())).fetch().unwrap_err();
    assert!(matches!(err, Error::Credentials(_)), "{err:?}");
}

/// A login the server refuses (a revoked or wrong client secret, an identity removed) is an answer,
/// not an outage: the cache must not keep serving secrets to a caller whose access was withdrawn.
/// (Until issue 24 the cache stood in for a refused login; this test asserted it did.)
#[test]
fn a_refused_login_is_never_hidden_by_the_cache() {
    logs();
    let dir = tempfile::tempdir().unwrap();
    let fake = fake();
    provider(&no_retries(&fake), cache(dir.path(), 1, serve_stale())).fetch().unwrap();
    // The server is down for the good client (an outage the cache rides out)...
    fake.set_unavailable(true);
    assert_eq!(provider(&no_retries(&fake), cache(dir.path(), 1, serve_stale())).fetch().unwrap().len(), 3);
    // ...and refuses the revoked credential when it answers: under every policy, the load fails.
    fake.set_unavailable(false);
    for policy in [serve_stale(), OnFailure::ProvideNothing] {
        let revoked =
            fake.blocking_client_builder().universal_auth("fake-client-id", "revoked-secret").build().unwrap();
        let err = provider(&revoked, cache(dir.path(), 1, policy)).fetch().unwrap_err();
        assert!(
            matches!(err, Error::Credentials(infisical_config::auth::CredentialsError::Rejected { .. })),
            "{policy:?}: {err:?}"
        );
        assert!(!err.is_unavailable());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn provide_nothing_does_not_hide_a_refusal() {
    let dir = tempfile::tempdir().unwrap();
    let server = refusing_after_one(403).await;
    let client = builder(&server.uri()).access_token("t").api_version(ApiVersion::Current).build().unwrap();
    let provider =
        Infisical::new(PROJECT, "prod").client(client).cache(cache(dir.path(), 1, OnFailure::ProvideNothing));
    assert_eq!(provider.fetch_async().await.unwrap().len(), 1);
    let err = provider.fetch_async().await.unwrap_err();
    assert_eq!(err.status(), Some(403), "{err:?}");
}

#[test]
fn an_unusable_file_reads_as_absent_with_the_reason() {
    logs();
    let dir = tempfile::tempdir().unwrap();
    let fake = fake();
    let client = no_retries(&fake);
    let root = || provider(&client, cache(dir.path(), 1, serve_stale()));
    root().fetch().unwrap();
    let root_file = files(dir.path()).remove(0);
    root().path("/db").fetch().unwrap();
    let db_file = files(dir.path()).into_iter().find(|f| *f != root_file).unwrap();
    let good = std::fs::read(&root_file).unwrap();
    drop(fake);

    let fails_with = |reason: &str, prepare: &dyn Fn(), byte: u8| {
        prepare();
        let before = logs().text().len();
        let err = provider(&client, cache(dir.path(), byte, serve_stale())).fetch().unwrap_err();
        assert!(matches!(err, Error::Transport { .. }), "{reason}: the cache was absent, the outage shows: {err:?}");
        let said = logs().text()[before..].to_owned();
        assert!(said.contains("the Infisical cache is not used") && said.contains(reason), "{reason}: {said}");
        // Each names the file and says what to do.
        let file = format!("file={}", root_file.display());
        assert!(
            said.contains(&file)
                && said.contains("fix=")
                && said.contains("it will be replaced after the next successful load"),
            "{said}"
        );
    };
    let mut tampered = good.clone();
    *tampered.last_mut().unwrap() ^= 0x40;
    fails_with("tampered", &|| std::fs::write(&root_file, &tampered).unwrap(), 1);
    fails_with("truncated", &|| std::fs::write(&root_file, &good[..good.len() / 2]).unwrap(), 1);
    fails_with("truncated", &|| std::fs::write(&root_file, &good[..5]).unwrap(), 1);
    fails_with("another key", &|| std::fs::write(&root_file, &good).unwrap(), 2);
    fails_with("another target", &|| std::fs::copy(&db_file, &root_file).map(drop).unwrap(), 1);
    fails_with("not a cache file of this crate", &|| std::fs::write(&root_file, b"{\"secrets\": []}").unwrap(), 1);

    // And a key from the environment that is missing or malformed.
    for (env, reason) in [
        (EnvSource::from_pairs::<_, String, String>([]), "is not set"),
        (EnvSource::from_pairs([("K", "not base64!")]), "not base64"),
        (EnvSource::from_pairs([("K", "c2hvcnQ=")]), "not 32"),
    ] {
        std::fs::write(&root_file, &good).unwrap();
        let before = logs().text().len();
        let cache = Cache::new(CacheKey::from_env("K")).dir(dir.path()).on_failure(serve_stale());
        let p = Infisical::new(infisical_config::testing::PROJECT_ID, "prod")
            .recursive(true)
            .client(client.clone())
            .env_source(env)
            .cache(cache);
        assert!(p.fetch().is_err());
        let said = &logs().text()[before..];
        assert!(said.contains(reason) && said.contains("fix=set K to base64 of 32 bytes"), "{reason}: {said}");
    }
}

#[test]
fn a_key_from_the_environment_opens_what_it_wrote() {
    use base64::Engine;
    let dir = tempfile::tempdir().unwrap();
    let fake = fake();
    let client = no_retries(&fake);
    let env = EnvSource::from_pairs([("APP_CACHE_KEY", base64::engine::general_purpose::STANDARD.encode([9u8; 32]))]);
    let p = || {
        let cache = Cache::new(CacheKey::from_env("APP_CACHE_KEY")).dir(dir.path()).on_failure(serve_stale());
        Infisical::new(infisical_config::testing::PROJECT_ID, "prod")
            .client(client.clone())
            .env_source(env.clone())
            .cache(cache)
    };
    p().fetch().unwrap();
    drop(fake);
    assert_eq!(p().fetch().unwrap().get(&Profile::Default, "database_url"), Some(VALUES[0]));
}

#[test]
fn concurrent_writers_leave_a_whole_file() {
    logs();
    let dir = tempfile::tempdir().unwrap();
    let fake = fake();
    let client = no_retries(&fake);
    std::thread::scope(|s| {
        for _ in 0..8 {
            s.spawn(|| {
                for _ in 0..10 {
                    provider(&client, cache(dir.path(), 1, serve_stale())).fetch().unwrap();
                }
            });
        }
    });
    let left = files(dir.path());
    assert_eq!(left.len(), 1, "no temporary file left behind: {left:?}");
    drop(fake);
    let snapshot = provider(&client, cache(dir.path(), 1, serve_stale())).fetch().unwrap();
    assert_eq!(snapshot.len(), 3);
}

/// Two processes (this test binary, run again as writers) loading the same target at once: every
/// write is a rename of a whole file, so the file left opens, and no temporary file is left.
#[test]
fn two_processes_writing_at_once_leave_a_whole_file() {
    const ROLE: &str = "INFISICAL_CONFIG_TEST_CACHE_WRITER";
    if let (Some(dir), Some(site)) = (std::env::var_os(ROLE), std::env::var_os("INFISICAL_CONFIG_TEST_SITE")) {
        // The writer: many loads of one target into the parent's folder.
        let client = blocking::Client::builder()
            .site(site.to_str().unwrap())
            .env_source(EnvSource::from_pairs::<_, String, String>([]))
            .cli_login(false)
            .universal_auth(infisical_config::testing::CLIENT_ID, infisical_config::testing::CLIENT_SECRET)
            .build()
            .unwrap();
        for _ in 0..40 {
            provider(&client, cache(Path::new(&dir), 1, serve_stale())).fetch().unwrap();
        }
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let fake = fake();
    let writers: Vec<std::process::Child> = (0..2)
        .map(|_| {
            std::process::Command::new(std::env::current_exe().unwrap())
                .args(["--exact", "two_processes_writing_at_once_leave_a_whole_file", "--test-threads=1"])
                .env(ROLE, dir.path())
                .env("INFISICAL_CONFIG_TEST_SITE", fake.uri())
                .stdout(std::process::Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut writer in writers {
        assert!(writer.wait().unwrap().success(), "a writer failed");
    }
    let left = files(dir.path());
    assert_eq!(left.len(), 1, "one whole file, no temporary one: {left:?}");
    let client = no_retries(&fake);
    drop(fake);
    assert_eq!(provider(&client, cache(dir.path(), 1, serve_stale())).fetch().unwrap().len(), 3);
}

#[test]
fn an_unchanged_folder_is_revalidated_with_a_304_and_a_change_is_seen() {
    let dir = tempfile::tempdir().unwrap();
    let fake = fake();
    let client = no_retries(&fake);
    let load = || provider(&client, cache(dir.path(), 1, OnFailure::Fail)).fetch().unwrap();
    load();
    assert_eq!(fake.not_modified(), 0);
    let again = load();
    assert_eq!(fake.not_modified(), 1, "the second load was answered 304");
    assert_eq!(again.get(&Profile::Default, "db.password"), Some(VALUES[1]), "from the cached body");

    fake.set_secret("prod", "/db", "PASSWORD", "rotated-9a2e");
    let changed = load();
    assert_eq!(fake.not_modified(), 1, "a changed folder is sent whole");
    assert_eq!(changed.get(&Profile::Default, "db.password"), Some("rotated-9a2e"));
    load();
    assert_eq!(fake.not_modified(), 2);
}

/// A loader of `fake`'s target with `cache`, on an async client that does not retry.
fn async_provider(fake: &FakeInfisical, cache: Cache) -> Infisical {
    let client = fake.client_builder().retry(infisical_config::RetryPolicy::disabled()).build().unwrap();
    Infisical::new(fake.project_id(), "prod").recursive(true).client(client).cache(cache)
}

/// The cache's age and reason, from a report whose every layer came from the cache.
fn cache_origin(report: &infisical_config::report::LoadReport) -> (Duration, CacheReason) {
    let mut origins = report.layers.iter().map(|l| match &l.origin {
        Origin::Cache { age, reason } => (*age, reason.clone()),
        other => panic!("not from the cache: {other}: {report}"),
    });
    origins.next().expect("a layer")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_load_inside_the_freshness_window_asks_nothing_of_the_network() {
    let dir = tempfile::tempdir().unwrap();
    let fake = FakeInfisical::builder().secret("prod", "/", "DATABASE_URL", VALUES[0]).start().await;
    let with = |c: Cache| async_provider(&fake, c);
    with(cache(dir.path(), 1, OnFailure::Fail)).fetch_async().await.unwrap();
    let before = fake.requests().await;

    // A restart storm: every replica starts from the cache, not one request.
    for _ in 0..5 {
        let fresh = with(cache(dir.path(), 1, OnFailure::Fail).fresh_for(Duration::from_secs(600)));
        let snapshot = fresh.fetch_async().await.unwrap();
        assert_eq!(snapshot.get(&Profile::Default, "database_url"), Some(VALUES[0]));
        let report = snapshot.report().unwrap();
        assert_eq!(report.requests, 0);
        let (age, reason) = cache_origin(report);
        assert_eq!(reason, CacheReason::Fresh);
        assert!(age < Duration::from_secs(600), "{age:?}");
    }
    assert_eq!(fake.requests().await, before, "no request at all");

    // Older than the window (or than the policy's maximum age): Infisical is asked, a 304 confirms
    // (and rewrites the cache: each case waits for it to age again).
    let bounded = cache(dir.path(), 1, OnFailure::UseCache { max_age: Duration::from_millis(500) })
        .fresh_for(Duration::from_secs(600));
    for older in [cache(dir.path(), 1, OnFailure::Fail).fresh_for(Duration::from_millis(500)), bounded] {
        tokio::time::sleep(Duration::from_millis(1100)).await;
        let snapshot = with(older).fetch_async().await.unwrap();
        assert!(snapshot.report().unwrap().layers.iter().all(|l| l.origin == Origin::Revalidated));
    }
    assert!(fake.requests().await > before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_offline_load_never_asks_the_network_and_fails_naming_why() {
    let dir = tempfile::tempdir().unwrap();
    let fake = FakeInfisical::builder().secret("prod", "/", "DATABASE_URL", VALUES[0]).start().await;
    let with = |c: Cache| async_provider(&fake, c);
    let offline = |dir: &Path, byte: u8, max_age: Duration| cache(dir, byte, OnFailure::Fail).offline(max_age);
    let hour = Duration::from_secs(3600);

    // No cache yet: fails, naming the file and why, without a request.
    let err = with(offline(dir.path(), 1, hour)).fetch_async().await.unwrap_err();
    assert_eq!(fake.requests().await, 0, "offline: not even a login");
    let text = err.to_string();
    assert!(matches!(err.innermost(), Error::File { .. }), "{err:?}");
    assert!(text.starts_with("offline Infisical cache ") && text.contains(&dir.path().display().to_string()), "{text}");
    assert!(text.contains("there is no cache file yet"), "{text}");
    assert!(!err.is_unavailable(), "a mistake here, not an outage: optional does not hide it");

    with(cache(dir.path(), 1, OnFailure::Fail)).fetch_async().await.unwrap();
    let before = fake.requests().await;
    let snapshot = with(offline(dir.path(), 1, hour)).fetch_async().await.unwrap();
    assert_eq!(snapshot.get(&Profile::Default, "database_url"), Some(VALUES[0]));
    let (age, reason) = cache_origin(snapshot.report().unwrap());
    assert_eq!(reason, CacheReason::Offline);
    assert!(age < hour);
    // The server down or up, an offline load is the same.
    fake.set_unavailable(true);
    assert_eq!(with(offline(dir.path(), 1, hour)).fetch_async().await.unwrap().len(), 1);

    // Unusable: another key, too old (for it, or for the policy's maximum age).
    let text = with(offline(dir.path(), 2, hour)).fetch_async().await.unwrap_err().to_string();
    assert!(text.contains("it was written with another key"), "{text}");
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let text = with(offline(dir.path(), 1, Duration::from_millis(500))).fetch_async().await.unwrap_err().to_string();
    assert!(text.contains("ago, more than the 500 ms an offline load may serve"), "{text}");
    let bounded = cache(dir.path(), 1, OnFailure::UseCache { max_age: Duration::from_millis(500) }).offline(hour);
    assert!(with(bounded).fetch_async().await.is_err(), "the policy's maximum age still bounds it");
    assert_eq!(fake.requests().await, before, "no request at all");
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_offline_load_refuses_a_folder_others_can_write() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let fake = FakeInfisical::builder().secret("prod", "/", "DATABASE_URL", VALUES[0]).start().await;
    async_provider(&fake, cache(dir.path(), 1, OnFailure::Fail)).fetch_async().await.unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
    let offline = cache(dir.path(), 1, OnFailure::Fail).offline(Duration::from_secs(3600));
    let text = async_provider(&fake, offline).fetch_async().await.unwrap_err().to_string();
    assert!(text.contains("is not safe") && text.contains("chmod 700"), "{text}");
}

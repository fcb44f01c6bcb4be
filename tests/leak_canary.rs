//! A canary secret goes through every path (login, renewal, 401 retry, revoke, list, get, writes,
//! decoding failures, credential errors, KMS) with tracing at TRACE; it must never appear in the logs,
//! in `Debug`, in `Display` or in an error.
//!
//! Its own test binary: it installs a global subscriber.

mod common;

use std::time::Duration;

use common::*;
use infisical_config::auth::{Credentials, EnvCredentials, ProvideCredentials};
use infisical_config::resources::ApiVersion;
use infisical_config::resources::secrets::{Batch, BatchSecret, CreateSecret, GetSecret, ListSecrets, UpdateSecret};
use infisical_config::{EnvSource, ExposeSecret};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const CANARY: &str = "CANARY-7f3a9c";

fn canary_token() -> String {
    jwt(&format!(r#"{{"sub":"{CANARY}","exp":9999999999}}"#))
}

fn secret_json(key: &str) -> serde_json::Value {
    json!({"id": "1", "secretKey": key, "secretValue": format!("{CANARY}-value"), "secretPath": "/", "environment": "dev", "version": 1, "type": "shared"})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_canary_never_leaks() {
    let logs = capture_logs(tracing::Level::TRACE);

    let server = MockServer::start().await;
    let token = canary_token();
    let login = json!({"accessToken": token, "expiresIn": 3600, "accessTokenMaxTTL": 86_400, "tokenType": "Bearer"});
    Mock::given(method("POST"))
        .and(path("/api/v1/auth/universal-auth/login"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&login))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v1/auth/token/renew"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&login))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v1/auth/token/revoke"))
        .respond_with(recorded("099"))
        .mount(&server)
        .await;
    // First list answer: 401 (exercises invalidate + re-login); then the secrets.
    Mock::given(method("GET"))
        .and(path("/api/v3/secrets/raw"))
        .respond_with(recorded("100"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v3/secrets/raw"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"secrets": [secret_json("A")], "imports": [{"secretPath": "/x", "environment": "prod", "secrets": [secret_json("B")]}]})))
        .with_priority(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v3/secrets/raw/A"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"secret": secret_json("A")})))
        .mount(&server)
        .await;
    // A malformed answer whose bad field sits next to the value and holds the canary itself.
    let mut broken = secret_json("BROKEN");
    broken["version"] = json!(format!("{CANARY}-version"));
    Mock::given(method("GET"))
        .and(path("/api/v3/secrets/raw/BROKEN"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"secret": broken})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v3/secrets/raw/A"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"secret": secret_json("A")})))
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/api/v3/secrets/raw/A"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v3/secrets/batch/raw"))
        .respond_with(recorded("016"))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v1/kms/keys/k/decrypt"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"plaintext": base64_of(CANARY)})))
        .mount(&server)
        .await;

    let env = EnvSource::from_pairs([("INFISICAL_CUSTOM_HEADERS", format!("X-Canary={CANARY}-header").as_str())]);
    let builder = builder(&server.uri())
        .env_source(env)
        .universal_auth("client-id", format!("{CANARY}-client-secret"))
        .header("x-other", format!("{CANARY}-builder-header"))
        .refresh_ahead(Duration::from_secs(3600))
        .api_version(ApiVersion::Legacy);
    let mut shown: Vec<String> = vec![format!("{builder:?}")];
    let client = builder.build().unwrap();
    shown.push(format!("{client:?}"));

    let list = client.secrets().list(&ListSecrets::new(PROJECT, "dev")).await.unwrap();
    assert_eq!(
        list.secrets[0].value.expose_secret(),
        format!("{CANARY}-value"),
        "the value is there, just never shown"
    );
    shown.push(format!("{list:?}"));
    shown.push(format!("{:?}", list.clone().into_map()));
    let got = client.secrets().get(&GetSecret::new(PROJECT, "dev", "A")).await.unwrap();
    shown.push(format!("{got:?}"));
    let err = client.secrets().get(&GetSecret::new(PROJECT, "dev", "BROKEN")).await.unwrap_err();
    shown.push(format!("{err} {err:?}"));
    assert!(err.to_string().contains("version"), "the error still names the field: {err}");

    let created =
        client.secrets().create(&CreateSecret::new(PROJECT, "dev", "A", format!("{CANARY}-new"))).await.unwrap();
    shown.push(format!("{created:?}"));
    let err = client
        .secrets()
        .update(&UpdateSecret::new(PROJECT, "dev", "A").value(format!("{CANARY}-upd")))
        .await
        .unwrap_err();
    shown.push(format!("{err} {err:?}"));
    let batch = Batch::new(PROJECT, "dev").secret(BatchSecret::new("A").value(format!("{CANARY}-batch")));
    shown.push(format!("{batch:?}"));
    let err = client.secrets().create_many(&batch).await.unwrap_err();
    shown.push(format!("{err} {err:?}"));
    shown.push(format!("{:?}", UpdateSecret::new(PROJECT, "dev", "A").value(CANARY)));
    shown.push(format!("{:?}", CreateSecret::new(PROJECT, "dev", "A", CANARY)));

    let plain = client.kms().decrypt("k", "ciphertext").await.unwrap();
    assert_eq!(plain.expose_secret(), CANARY.as_bytes());
    shown.push(format!("{plain:?}"));

    shown.push(format!("{}", client.explain_credentials().await));
    assert!(client.revoke_token().await.unwrap());

    // Credentials in every form, and the errors they cause.
    shown.push(format!("{:?}", Credentials::universal_auth("id", CANARY)));
    shown.push(format!("{:?}", Credentials::access_token(canary_token())));
    let half = EnvCredentials::new(EnvSource::from_pairs([("INFISICAL_CLIENT_SECRET", CANARY)]))
        .provide_credentials()
        .await
        .unwrap_err();
    shown.push(format!("{half} {half:?}"));
    let env_debug = EnvSource::from_pairs([("INFISICAL_TOKEN", CANARY)]);
    shown.push(format!("{env_debug:?}"));

    // A CLI login holding a canary token, behind a canary passphrase; and the error of a wrong one.
    let home = tempfile::tempdir().unwrap();
    infisical_config::testing::FakeCliLogin::new("dev@example.org", canary_token())
        .passphrase(format!("{CANARY}-passphrase"))
        .write_file_vault(home.path())
        .unwrap();
    let cli_env = EnvSource::from_pairs::<_, String, String>([]).with_home(home.path());
    let session = infisical_config::auth::CliLogin::new(cli_env.clone()).load().unwrap();
    shown.push(format!("{session:?}"));
    let cli_client = infisical_config::Client::builder().env_source(cli_env).build().unwrap();
    shown.push(format!("{}", cli_client.explain_credentials().await));
    let wrong = EnvSource::from_pairs([("INFISICAL_VAULT_FILE_PASSPHRASE", CANARY)]).with_home(home.path());
    let err = infisical_config::auth::CliLogin::new(wrong).load().unwrap_err();
    shown.push(format!("{err} {err:?}"));

    // The figment provider and the env loader, with canary values and a canary-holding type error.
    let fake = infisical_config::testing::FakeInfisical::builder()
        .secret("dev", "/", "API_KEY", &format!("{CANARY}-api"))
        .secret("dev", "/", "DB", &format!("{CANARY}-db"))
        .secret("dev", "/", "DB__HOST", &format!("{CANARY}-host"))
        .start()
        .await;
    let fake_client = fake.blocking_client_builder().build().unwrap();
    let provider = infisical_config::Infisical::new(fake.project_id(), "dev").client(fake_client.clone());
    let snapshot = tokio::task::spawn_blocking({
        let p = provider.clone();
        move || p.fetch().unwrap()
    })
    .await
    .unwrap();
    shown.push(format!("{snapshot:?} {provider:?}"));
    let conflict = tokio::task::spawn_blocking({
        let p = provider.clone().split("__");
        move || p.fetch().unwrap_err()
    })
    .await
    .unwrap();
    shown.push(format!("{conflict} {conflict:?}"));
    #[derive(Debug, serde::Deserialize)]
    struct Typed {
        #[allow(dead_code)]
        api_key: u64,
    }
    let err = figment::Figment::new().merge(snapshot).extract::<Typed>().unwrap_err();
    shown.push(format!("{}", infisical_config::figment::redact(err)));
    {
        use infisical_config::figment::ExtractRedacted;
        let figment = figment::Figment::new().merge(provider.clone().fetch_async().await.unwrap());
        let err = figment.extract_redacted::<Typed>().unwrap_err();
        shown.push(format!("{err} {err:?}"));
        // Lossy extraction, and the check for secrets no field reads (it reads none here).
        let err = figment.extract_lossy_redacted::<Typed>().unwrap_err();
        shown.push(format!("{err} {err:?}"));
        #[derive(Debug, serde::Deserialize)]
        struct Nothing {}
        let err = figment.extract_checked::<Nothing>().unwrap_err();
        shown.push(format!("{err} {err:?}"));
        let unread = infisical_config::figment::unread_secrets::<Nothing>(&figment).unwrap();
        assert_eq!(unread.len(), 3, "{unread:?}");
        shown.push(format!("{unread:?} {}", unread.iter().map(|s| s.to_string()).collect::<String>()));
        // Values parsed the way `Env` does, and an import nested in its folder.
        let parsed = provider.clone().parse_values(true).fetch_async().await.unwrap();
        shown.push(format!("{parsed:?} {:?}", parsed.origins(&figment::Profile::Default).collect::<Vec<_>>()));
    }
    // A target that does not exist (on a server that answers 200 empty), a deadline, an optional
    // provider's report: names only.
    let old = infisical_config::testing::FakeInfisical::builder()
        .secret("dev", "/", "API_KEY", &format!("{CANARY}-api"))
        .import("dev", "/app", "dev", "/")
        .legacy_only(true)
        .start()
        .await;
    let old_provider =
        infisical_config::Infisical::new(old.project_id(), "dev").client(old.client_builder().build().unwrap());
    let missing = old_provider.clone().path("/nope").fetch_async().await.unwrap_err();
    shown.push(format!("{missing} {missing:?}"));
    let nested = old_provider.recursive(true).fetch_async().await.unwrap();
    shown.push(format!("{nested:?}"));
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let deadline = common::builder(&format!("http://{}", silent.local_addr().unwrap()))
        .universal_auth("id", CANARY)
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let timed_out = deadline.secrets().list(&ListSecrets::new(PROJECT, "dev")).await.unwrap_err();
    shown.push(format!("{timed_out} {timed_out:?}"));
    let reports = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = reports.clone();
    let optional = infisical_config::Infisical::new(PROJECT, "dev")
        .client(deadline)
        .optional()
        .on_unavailable(move |e| sink.lock().unwrap().push(format!("{e} {e:?}")));
    let _ = figment::Figment::from(optional).extract::<Typed>();
    shown.extend(reports.lock().unwrap().drain(..));

    // Issue 9's paths: a header that cannot be parsed, a site with a password, a value that cannot be
    // decoded, refused by the dotenv export, or unfit for an environment; a bad header value.
    let headers = EnvSource::from_pairs([("INFISICAL_CUSTOM_HEADERS", format!("X=1 Authorization=Bearer {CANARY}"))]);
    let err = infisical_config::Client::builder().site("https://x.example").env_source(headers).build().unwrap_err();
    shown.push(format!("{err} {err:?}"));
    let bad_value = infisical_config::Client::builder().site("https://x.example").header("x-a", format!("{CANARY}\n"));
    let err = bad_value.build().unwrap_err();
    shown.push(format!("{err} {err:?}"));
    let userinfo = EnvSource::from_pairs([("INFISICAL_URL", format!("https://u:{CANARY}@x.example"))]);
    let err = infisical_config::Client::builder().env_source(userinfo).cli_login(false).build().unwrap_err();
    shown.push(format!("{err} {err:?}"));
    let undecodable = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v3/secrets/raw"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"secrets": [{"secretKey": "A", "secretValue": format!("{CANARY}, expected x"), "version": format!("{CANARY} expected")}]}),
        ))
        .mount(&undecodable)
        .await;
    let client = common::builder(&undecodable.uri()).access_token("t").api_version(ApiVersion::Legacy).build().unwrap();
    let err = client.secrets().list(&ListSecrets::new(PROJECT, "dev")).await.unwrap_err();
    shown.push(format!("{err} {err:?}"));
    let err = infisical_config::env_loader::EnvMap::from_pairs([("A", format!("{CANARY}\0"))]).unwrap_err();
    shown.push(format!("{err} {err:?}"));
    let err = infisical_config::env_loader::EnvMap::from_pairs([("A", format!("{CANARY}'s"))])
        .unwrap()
        .to_dotenv()
        .unwrap_err();
    shown.push(format!("{err} {err:?}"));
    let vars = tokio::task::spawn_blocking({
        let c = fake_client.clone();
        let project = fake.project_id().to_owned();
        move || infisical_config::EnvLoader::new(project, "dev").client(c).load().unwrap()
    })
    .await
    .unwrap();
    shown.push(format!("{vars:?}"));

    // The environment check: canary values mistyped, unread and in an environment that does not load,
    // through the figment provider and the env loader; what its figment function is given, too.
    {
        use infisical_config::figment::EnvironmentCheck;
        #[derive(Debug, serde::Deserialize)]
        struct Checked {
            #[allow(dead_code)]
            api_key: u64,
            #[allow(dead_code)]
            missing: String,
        }
        let given = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let seen = given.clone();
        let check = EnvironmentCheck::new(provider.clone(), ["dev", "nope"]).figment(move |secrets| {
            seen.lock().unwrap().push(format!("{secrets:?}"));
            figment::Figment::new().merge(secrets)
        });
        shown.push(format!("{check:?}"));
        let report = tokio::task::spawn_blocking(move || check.run::<Checked>()).await.unwrap();
        assert_eq!(report.problems().count(), 4, "{report}"); // API_KEY mistyped, `missing`, DB and DB__HOST unread
        shown.push(format!("{report} {report:?}"));
        shown.extend(report.problems().map(|p| format!("{p} {p:?}")));
        let (project, loader_client) = (fake.project_id().to_owned(), fake_client.clone());
        let env_check = EnvironmentCheck::env_loader(["dev"], move |environment| {
            infisical_config::EnvLoader::new(project.as_str(), environment).client(loader_client.clone())
        });
        let report = env_check.run_async::<Checked>().await;
        assert!(report.problems().any(|p| p.key == "api_key"), "{report}");
        shown.push(format!("{report} {report:?}"));
        shown.extend(given.lock().unwrap().drain(..));
    }

    // The blocking client too.
    let blocking =
        blocking_builder(&server.uri()).access_token(canary_token()).api_version(ApiVersion::Legacy).build().unwrap();
    shown.push(format!("{blocking:?}"));
    let got =
        tokio::task::spawn_blocking(move || blocking.secrets().get(&GetSecret::new(PROJECT, "dev", "A")).unwrap())
            .await
            .unwrap();
    shown.push(format!("{got:?}"));

    // The cache (write, 304 revalidation, an outage served from it, unusable files), the watcher
    // (changes, failures, a refused change) and the config-rs source.
    #[cfg(all(feature = "cache", feature = "watch", feature = "config"))]
    shown.extend(cache_watch_and_config_paths().await);
    shown.extend(identity_logins(&server).await);
    shown.extend(dynamic_secret_paths().await);
    #[cfg(feature = "watch")]
    shown.extend(lease_manager_paths().await);
    #[cfg(all(feature = "aws", feature = "gcp"))]
    shown.extend(cloud_logins(&server).await);
    #[cfg(feature = "push")]
    shown.extend(push_paths().await);

    let logs = logs.text();
    assert!(logs.contains("infisical response"), "TRACE logs were captured");
    #[cfg(all(feature = "aws", feature = "gcp"))]
    {
        let key = gcp_key_marker();
        assert!(!logs.contains(&key), "the service account's key reached the logs:\n{logs}");
        assert!(!shown.iter().any(|text| text.contains(&key)), "the service account's key was shown");
    }
    #[cfg(all(feature = "cache", feature = "watch", feature = "config"))]
    assert!(logs.contains("Infisical cache written"), "the cache path was logged");
    #[cfg(all(feature = "cache", feature = "watch", feature = "config"))]
    assert!(logs.contains("serving the last good load from the cache"), "the outage path was logged");
    #[cfg(feature = "watch")]
    assert!(
        logs.contains("lease replaced by a new one") && logs.contains("a lease could not be renewed or replaced"),
        "the lease manager's paths were logged"
    );
    assert!(logs.contains("logging in with universal auth"), "the login was logged");
    #[cfg(all(feature = "aws", feature = "gcp"))]
    assert!(logs.contains("aws-iam") && logs.contains("signing request"), "the AWS login and its signer were logged");
    #[cfg(feature = "push")]
    assert!(logs.contains("Infisical event") && logs.contains("API_KEY"), "the pushed events were logged, by name");
    assert!(!logs.contains(CANARY), "a secret reached the logs:\n{logs}");
    for text in shown {
        assert!(!text.contains(CANARY), "a secret was shown: {text}");
    }
}

fn base64_of(s: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(s)
}

#[cfg(all(feature = "cache", feature = "watch", feature = "config"))]
async fn cache_watch_and_config_paths() -> Vec<String> {
    use infisical_config::cache::{Cache, CacheKey, OnFailure};
    use infisical_config::testing::FakeInfisical;
    let mut shown = Vec::new();
    let dir = tempfile::tempdir().unwrap();
    let key = CacheKey::from_bytes(infisical_config::SecretBox::new(Box::new([0x5a; 32])));
    let cache =
        Cache::new(key.clone()).dir(dir.path()).on_failure(OnFailure::UseCache { max_age: Duration::from_secs(60) });
    shown.push(format!("{cache:?} {key:?}"));
    // A key refused for its text or its length: the error shows neither.
    for text in [CANARY.to_owned(), base64_of(CANARY)] {
        let err = CacheKey::from_base64(&text).unwrap_err();
        shown.push(format!("{err} {err:?}"));
    }
    let fake = FakeInfisical::builder()
        .secret("dev", "/", "API_KEY", &format!("{CANARY}-api"))
        .secret("dev", "/", "PORT", &format!("{CANARY}-port"))
        .start()
        .await;
    let client = fake.client_builder().retry(infisical_config::RetryPolicy::default().max_retries(0)).build().unwrap();
    let provider =
        infisical_config::Infisical::new(fake.project_id(), "dev").client(client.clone()).cache(cache.clone());
    for _ in 0..2 {
        // The write, then a 304 revalidation.
        shown.push(format!("{:?}", provider.fetch_async().await.unwrap()));
    }
    assert_eq!(fake.not_modified(), 1);
    for file in std::fs::read_dir(dir.path()).unwrap() {
        let bytes = std::fs::read(file.unwrap().path()).unwrap();
        assert!(!bytes.windows(CANARY.len()).any(|w| w == CANARY.as_bytes()), "the cache file holds the canary");
    }

    // The watcher: a change, a change that no longer extracts, a failed poll.
    #[derive(Debug, serde::Deserialize)]
    struct Watched {
        #[allow(dead_code)]
        api_key: infisical_config::SecretString,
    }
    let events = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = events.clone();
    let watcher = infisical_config::Infisical::new(fake.project_id(), "dev")
        .client(client.clone())
        .watch(Duration::from_millis(100))
        .debounce(Duration::from_millis(10))
        .on_event(move |e| seen.lock().unwrap().push(format!("{e} {e:?} {}", e.report())))
        .start::<Watched, _>(figment::Figment::from)
        .await
        .unwrap();
    shown.push(format!("{:?}", watcher.current()));
    fake.set_secret("dev", "/", "API_KEY", &format!("{CANARY}-rotated"));
    wait_for(&events, 1).await;
    fake.set_unavailable(true);
    wait_for(&events, 2).await;
    shown.push(format!("{:?}", watcher.health()));
    fake.set_unavailable(false);
    drop(watcher);
    shown.extend(events.lock().unwrap().iter().cloned());

    // config-rs, with a type error on a canary value.
    let source = infisical_config::config_source::InfisicalSource::new(
        infisical_config::Infisical::new(fake.project_id(), "dev").client(client.clone()),
    );
    let config = config::Config::builder().add_async_source(source.clone()).build().await.unwrap();
    let err = infisical_config::config_source::redact(config.get::<u16>("port").unwrap_err());
    shown.push(format!("{err} {err:?} {source:?}"));

    // The outage, served from the cache; then an unusable file.
    drop(fake);
    shown.push(format!("{:?}", provider.fetch_async().await.unwrap()));
    shown.push(provider.last_report().unwrap().to_string());
    for file in std::fs::read_dir(dir.path()).unwrap() {
        std::fs::write(file.unwrap().path(), b"ICFGLKG1 truncated").unwrap();
    }
    let err = provider.fetch_async().await.unwrap_err();
    shown.push(format!("{err} {err:?}"));
    shown
}

#[cfg(all(feature = "cache", feature = "watch", feature = "config"))]
async fn wait_for(events: &std::sync::Mutex<Vec<String>>, count: usize) {
    let until = std::time::Instant::now() + Duration::from_secs(5);
    while events.lock().unwrap().len() < count {
        assert!(std::time::Instant::now() < until, "watch events: {:?}", events.lock().unwrap().len());
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Push: changes of canary values on the fake's stream, and a server whose frames carry a value (no
/// server does today: the client must keep none of it), behind a canary token.
#[cfg(feature = "push")]
async fn push_paths() -> Vec<String> {
    use infisical_config::events::{PushNotice, Subscribe, Subscriber};
    async fn notices(subscriber: &mut Subscriber, changes: usize, shown: &mut Vec<String>) {
        let mut seen = 0;
        while seen < changes {
            let notice = tokio::time::timeout(Duration::from_secs(10), subscriber.next()).await.unwrap().unwrap();
            if let PushNotice::Changed(event) = &notice {
                seen += 1;
                shown.push(event.to_string());
            }
            shown.push(format!("{notice:?}"));
        }
        shown.push(format!("{subscriber:?}"));
    }
    let mut shown = Vec::new();
    let fake = infisical_config::testing::FakeInfisical::builder()
        .secret("dev", "/", "API_KEY", &format!("{CANARY}-api"))
        .events(true)
        .start()
        .await;
    let client = fake.client_builder().build().unwrap();
    let mut subscriber = client.events().subscribe(&Subscribe::new(fake.project_id(), "dev")).await.unwrap();
    while !subscriber.state().is_connected() {
        shown.push(format!("{:?}", subscriber.next().await));
    }
    fake.set_secret("dev", "/", "API_KEY", &format!("{CANARY}-rotated"));
    fake.set_secret("dev", "/", "NEW_KEY", &format!("{CANARY}-new"));
    fake.remove_secret("dev", "/", "NEW_KEY");
    notices(&mut subscriber, 3, &mut shown).await;

    // A watcher following the stream: its pushed reload, events and health (the request and load
    // spans at TRACE with it).
    #[cfg(feature = "watch")]
    {
        let events = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let seen = events.clone();
        let watcher = infisical_config::Infisical::new(fake.project_id(), "dev")
            .client(fake.client_builder().build().unwrap())
            .watch(Duration::from_secs(3600))
            .push(true)
            .debounce(Duration::from_millis(10))
            .on_event(move |e| seen.lock().unwrap().push(format!("{e} {e:?}")))
            .start::<serde_json::Value, _>(figment::Figment::from)
            .await
            .unwrap();
        while !watcher.health().push.as_ref().is_some_and(|p| p.is_connected()) {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let mut config = watcher.subscribe();
        fake.set_secret("dev", "/", "API_KEY", &format!("{CANARY}-pushed-to-a-watcher"));
        tokio::time::timeout(Duration::from_secs(10), config.changed()).await.unwrap().unwrap();
        shown.push(format!("{:?}", watcher.health()));
        shown.extend(events.lock().unwrap().iter().cloned());
    }

    let server = MockServer::start().await;
    let current = json!({"projectType": "secret-manager", "data": {"eventType": "secret:update", "payload": [
        {"environment": "dev", "secretPath": "/", "secretKey": "API_KEY", "secretValue": format!("{CANARY}-pushed")}]}});
    let bus = json!({"type": "secret-manager", "data": {"event": "secret:create", "payload":
        {"environment": "dev", "secretPath": "/", "secretKey": "B", "secret": {"value": format!("{CANARY}-bus")}}}});
    let frames = format!("event: secret:update\ndata: {current}\n\ndata: {bus}\n\n");
    Mock::given(method("POST"))
        .and(path("/api/v1/events/subscribe/project-events"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(frames, "text/event-stream"))
        .mount(&server)
        .await;
    let client = common::builder(&server.uri()).access_token(canary_token()).build().unwrap();
    let manual = infisical_config::testing::ManualClock::new();
    let mut subscriber =
        client.events().subscribe(&Subscribe::new(PROJECT, "dev").clock(manual.clock())).await.unwrap();
    notices(&mut subscriber, 2, &mut shown).await;
    shown
}

/// LDAP and JWT logins with canary secrets: their Debug, the login itself, a refused login.
async fn identity_logins(server: &MockServer) -> Vec<String> {
    use infisical_config::auth::{IdentityLogin, JwtSource};
    let mut shown = Vec::new();
    let ldap = IdentityLogin::ldap("id-ldap", "svc", format!("{CANARY}-ldap-password"));
    let jwt = IdentityLogin::jwt("id-jwt", JwtSource::Given(format!("{CANARY}-jwt").into()));
    shown.push(format!("{ldap:?} {jwt:?}"));
    Mock::given(method("POST"))
        .and(path("/api/v1/auth/ldap-auth/login"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"accessToken": canary_token(), "expiresIn": 3600, "accessTokenMaxTTL": 86_400, "tokenType": "Bearer"}),
        ))
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v1/auth/jwt-auth/login"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(json!({"statusCode": 401, "error": "Unauthorized", "message": "bad jwt"})),
        )
        .mount(server)
        .await;
    let client = common::builder(&server.uri()).credentials(ldap).build().unwrap();
    client.authenticate().await.unwrap();
    shown.push(format!("{client:?} {}", client.explain_credentials().await));
    let client = common::builder(&server.uri()).credentials(jwt).build().unwrap();
    let err = client.authenticate().await.unwrap_err();
    shown.push(format!("{err} {err:?}"));
    let env = EnvSource::from_pairs([
        ("INFISICAL_AUTH_METHOD", "ldap-auth".to_owned()),
        ("INFISICAL_MACHINE_IDENTITY_ID", "id".to_owned()),
        ("INFISICAL_LDAP_USERNAME", "svc".to_owned()),
        ("INFISICAL_LDAP_PASSWORD", format!("{CANARY}-env-password")),
    ]);
    shown.push(format!("{:?}", EnvCredentials::new(env).provide_credentials().await));
    shown
}

/// Leases whose credentials hold the canary: created, renewed, read, listed, revoked (and refused), an
/// answer that cannot be decoded, and the fake server's own leases.
async fn dynamic_secret_paths() -> Vec<String> {
    use infisical_config::resources::dynamic_secrets::{CreateLease, DynamicSecretFolder, RenewLease, RevokeLease};
    use infisical_config::testing::{DynamicSecretSpec, FakeInfisical};
    let mut shown = Vec::new();
    let server = MockServer::start().await;
    let lease = json!({"id": "l-1", "version": 1, "externalEntityId": "user-1", "expireAt": "2025-06-18T13:00:00.000Z",
        "createdAt": "2025-06-18T12:00:00.000Z", "dynamicSecretId": "d-1"});
    let secret = json!({"id": "d-1", "name": "db", "type": "sql-database", "defaultTTL": "1h", "maxTTL": null});
    let data = json!({"DB_USERNAME": "user-1", "DB_PASSWORD": format!("{CANARY}-password"), "LIST": [format!("{CANARY}-in-a-list")]});
    Mock::given(method("POST"))
        .and(path("/api/v1/dynamic-secrets/leases"))
        .and(wiremock::matchers::body_partial_json(json!({"dynamicSecretName": "db"})))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"lease": lease, "dynamicSecret": secret, "data": data})),
        )
        .mount(&server)
        .await;
    // A create answer whose bad field sits next to the credentials and holds the canary itself.
    let mut broken = lease.clone();
    broken["expireAt"] = json!(format!("{CANARY}-expiry"));
    Mock::given(method("POST"))
        .and(path("/api/v1/dynamic-secrets/leases"))
        .and(wiremock::matchers::body_partial_json(json!({"dynamicSecretName": "broken"})))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"lease": broken, "dynamicSecret": secret, "data": data})),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v1/dynamic-secrets/leases/l-1/renew"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"lease": lease})))
        .mount(&server)
        .await;
    let mut failed = lease.clone();
    failed["status"] = json!("Failed to delete");
    failed["statusDetails"] = json!("permission denied for role");
    Mock::given(method("DELETE"))
        .and(path("/api/v1/dynamic-secrets/leases/l-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"lease": failed})))
        .mount(&server)
        .await;
    let client = common::builder(&server.uri()).access_token(canary_token()).build().unwrap();
    let folder = DynamicSecretFolder::new("p", "dev");
    let handler = client.dynamic_secrets();
    let created = handler.create_lease(&CreateLease::new(folder.clone(), "db")).await.unwrap();
    assert_eq!(created.data.get("DB_PASSWORD").unwrap().expose_secret(), format!("{CANARY}-password"));
    shown.push(format!("{created:?} {:?}", created.data));
    let err = handler.create_lease(&CreateLease::new(folder.clone(), "broken")).await.unwrap_err();
    assert!(err.to_string().contains("expireAt"), "the error still names the field: {err}");
    shown.push(format!("{err} {err:?}"));
    shown.push(format!("{:?}", handler.renew_lease(&RenewLease::new(folder.clone(), "l-1")).await.unwrap()));
    let err = handler.revoke_lease(&RevokeLease::new(folder, "l-1")).await.unwrap_err();
    shown.push(format!("{err} {err:?}"));

    let spec = DynamicSecretSpec::new(Duration::from_secs(3600)).data("DB_PASSWORD", format!("{CANARY}-{{random}}"));
    let builder = FakeInfisical::builder().dynamic_secret("dev", "/", "db", spec).revoke_fails(true);
    shown.push(format!("{builder:?}"));
    let fake = builder.start().await;
    let client = fake.client_builder().build().unwrap();
    let folder = DynamicSecretFolder::new(fake.project_id(), "dev");
    let created = client.dynamic_secrets().create_lease(&CreateLease::new(folder.clone(), "db")).await.unwrap();
    assert!(created.data.get("DB_PASSWORD").unwrap().expose_secret().starts_with(CANARY));
    shown.push(format!("{created:?} {:?} {fake:?}", fake.leases()));
    let err = client.dynamic_secrets().revoke_lease(&RevokeLease::new(folder, &created.lease.id)).await.unwrap_err();
    shown.push(format!("{err} {err:?}"));
    shown
}

/// Leases whose credentials hold the canary, in typed configuration: one-shot loads (the figment
/// provider, the env loader, a key conflict), and a watcher's lease manager replacing a lease, failing
/// through an outage, reporting, shutting down.
#[cfg(feature = "watch")]
async fn lease_manager_paths() -> Vec<String> {
    use infisical_config::testing::{DynamicSecretSpec, FakeInfisical, ManualClock};
    use infisical_config::{DynamicLease, Infisical};
    let mut shown = Vec::new();
    let hour = Duration::from_secs(3600);
    let spec = DynamicSecretSpec::new(hour)
        .max_ttl(hour)
        .data("DB_USERNAME", format!("{CANARY}-user-{{n}}"))
        .data("DB_PASSWORD", format!("{CANARY}-{{random}}"));
    let manual = ManualClock::new();
    let fake = FakeInfisical::builder()
        .clock(&manual)
        .secret("dev", "/", "DB_PASSWORD", &format!("{CANARY}-static"))
        .dynamic_secret("dev", "/", "db", spec)
        .start()
        .await;
    let client = fake.client_builder().retry(infisical_config::RetryPolicy::disabled()).build().unwrap();
    let lease = || DynamicLease::new("db").at("database").key("DB_PASSWORD", "password").jitter(0.0);
    let provider = Infisical::new(fake.project_id(), "dev").client(client.clone()).lease(lease());
    let snapshot = provider.fetch_async().await.unwrap();
    let password = snapshot.get(&figment::Profile::Default, "database.password").unwrap();
    assert!(password.starts_with(CANARY), "the lease's credentials carry the canary");
    shown.push(format!("{snapshot:?} {provider:?} {}", provider.last_report().unwrap()));
    // A credential where a secret is: the error names both, shows neither.
    let conflict = Infisical::new(fake.project_id(), "dev").client(client.clone()).lease(DynamicLease::new("db"));
    let err = conflict.fetch_async().await.unwrap_err();
    shown.push(format!("{err} {err:?}"));
    let loader = infisical_config::EnvLoader::new(fake.project_id(), "dev").lease(lease().at("PG"));
    let vars = tokio::task::spawn_blocking({
        let loader = loader.client(fake.blocking_client_builder().build().unwrap());
        move || loader.load().unwrap()
    })
    .await
    .unwrap();
    shown.push(format!("{vars:?} {}", vars.report().unwrap()));

    #[derive(Debug, serde::Deserialize)]
    struct Leased {
        #[allow(dead_code)]
        database: std::collections::BTreeMap<String, infisical_config::SecretString>,
    }
    let events = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = events.clone();
    let watcher = provider
        .watch(Duration::from_secs(30 * 24 * 3600))
        .clock(&manual)
        .on_event(move |e| seen.lock().unwrap().push(format!("{e} {e:?} {}", e.report())))
        .start::<Leased, _>(figment::Figment::from)
        .await
        .unwrap();
    shown.push(format!("{:?} {watcher:?}", watcher.current()));
    let scheduled = || {
        let pending = manual.pending();
        pending.len() >= 2 && pending.iter().all(|due| *due > manual.now())
    };
    let until = std::time::Instant::now() + Duration::from_secs(10);
    // At 40 min no renewal fits under the max TTL: a new lease, with new credentials.
    while !scheduled() {
        assert!(std::time::Instant::now() < until, "the lease manager waits");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    manual.advance(Duration::from_secs(40 * 60));
    wait_for_text(&events, "configuration changed").await;
    // An outage: revoking the replaced lease fails, then replacing the new one.
    fake.set_unavailable(true);
    let failed = |events: &std::sync::Mutex<Vec<String>>| {
        events.lock().unwrap().iter().any(|e| e.contains("a new lease to replace") || e.contains("renewing lease"))
    };
    while !failed(&events) {
        assert!(std::time::Instant::now() < until, "a renewal failed");
        while !scheduled() {
            assert!(std::time::Instant::now() < until, "the lease manager waits");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let next = manual.pending().into_iter().min().unwrap();
        manual.advance(next.duration_since(manual.now()).unwrap_or_default());
    }
    shown.push(format!("{:?}", watcher.health()));
    fake.set_unavailable(false);
    let reports = watcher.shutdown().await;
    shown.push(format!("{reports:?}"));
    shown.extend(events.lock().unwrap().iter().cloned());
    shown
}

#[cfg(feature = "watch")]
async fn wait_for_text(events: &std::sync::Mutex<Vec<String>>, text: &str) {
    let until = std::time::Instant::now() + Duration::from_secs(10);
    while !events.lock().unwrap().iter().any(|e| e.contains(text)) {
        assert!(std::time::Instant::now() < until, "no watch event with {text:?}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// The cloud logins with canary secrets: the metadata tokens, the AWS keys and session token (and so
/// the signed headers), a GCP key file; their Debug, their logins, an absent cloud and a refused one.
#[cfg(all(feature = "aws", feature = "gcp"))]
async fn cloud_logins(server: &MockServer) -> Vec<String> {
    use infisical_config::auth::IdentityLogin;
    let mut shown = Vec::new();
    let cloud = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/metadata/identity/oauth2/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"access_token": format!("{CANARY}-azure")})))
        .mount(&cloud)
        .await;
    Mock::given(method("GET"))
        .and(path("/computeMetadata/v1/instance/service-accounts/default/identity"))
        .respond_with(ResponseTemplate::new(200).set_body_string(format!("{CANARY}-gcp")))
        .mount(&cloud)
        .await;
    Mock::given(method("GET"))
        .and(path("/refusing/token"))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({"error": "forbidden"})))
        .mount(&cloud)
        .await;
    for route in ["azure-auth", "gcp-auth", "aws-auth"] {
        Mock::given(method("POST"))
            .and(path(format!("/api/v1/auth/{route}/login")))
            .respond_with(ResponseTemplate::new(200).set_body_json(
                json!({"accessToken": canary_token(), "expiresIn": 3600, "accessTokenMaxTTL": 86_400, "tokenType": "Bearer"}),
            ))
            .mount(server)
            .await;
    }
    let keys = aws_credential_types::Credentials::new(
        "AKIDCANARY",
        format!("{CANARY}-aws-secret"),
        Some(format!("{CANARY}-aws-session")),
        None,
        "test",
    );
    let logins = [
        IdentityLogin::azure("id-azure").platform_endpoint(format!("{}/metadata/identity/oauth2/token", cloud.uri())),
        IdentityLogin::gcp_id_token("id-gcp").platform_endpoint(cloud.uri()),
        IdentityLogin::aws_iam("id-aws").aws_region("us-east-1").aws_credentials(keys),
    ];
    for login in logins {
        shown.push(format!("{login:?}"));
        let client = common::builder(&server.uri()).credentials(login).build().unwrap();
        client.authenticate().await.unwrap();
        shown.push(format!("{client:?} {}", client.explain_credentials().await));
    }
    shown.extend(cloud_exchanges(server, &cloud).await);
    // From the environment: AWS keys there, a refusing Azure endpoint, an unreadable GCP key.
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("key.json");
    std::fs::write(&key_file, json!({"client_email": "a@b", "private_key": format!("{CANARY}-not-a-key")}).to_string())
        .unwrap();
    let envs = [
        vec![
            ("INFISICAL_AWS_IAM_AUTH_IDENTITY_ID", "id".to_owned()),
            ("AWS_REGION", "us-east-1".to_owned()),
            ("AWS_ACCESS_KEY_ID", "AKIDCANARY".to_owned()),
            ("AWS_SECRET_ACCESS_KEY", format!("{CANARY}-env-aws-secret")),
            ("AWS_SESSION_TOKEN", format!("{CANARY}-env-aws-session")),
        ],
        vec![
            ("INFISICAL_AZURE_AUTH_IDENTITY_ID", "id".to_owned()),
            ("IDENTITY_ENDPOINT", format!("{}/refusing/token", cloud.uri())),
            ("IDENTITY_HEADER", format!("{CANARY}-identity-header")),
        ],
        vec![
            ("INFISICAL_GCP_AUTH_IDENTITY_ID", "id".to_owned()),
            ("INFISICAL_GCP_IAM_SERVICE_ACCOUNT_KEY_FILE_PATH", key_file.display().to_string()),
        ],
    ];
    for vars in envs {
        let env = EnvSource::from_pairs(vars);
        shown.push(format!("{:?}", EnvCredentials::new(env.clone()).provide_credentials().await));
        let client = common::builder(&server.uri()).env_source(env).build().unwrap();
        let outcome = client.authenticate().await.map(|_| ());
        shown.push(format!("{outcome:?} {}", client.explain_credentials().await));
        if let Err(err) = outcome {
            shown.push(err.to_string());
        }
    }
    shown
}

/// A line from the middle of the test service account's private key: it must never be shown or logged.
#[cfg(all(feature = "aws", feature = "gcp"))]
fn gcp_key_marker() -> String {
    let pem = std::fs::read_to_string(fixtures().join("gcp").join("test-only-service-account.key.pem")).unwrap();
    let lines: Vec<&str> = pem.lines().collect();
    lines[lines.len() / 2].to_owned()
}

/// Every step of the cloud logins with the canary in what each answers: the instance metadata's
/// session token and the AWS keys it hands over (signed into the login), the OAuth token and the JWT
/// the IAM API signs with a service account's key, App Service's header and token; then the answers
/// a login refuses: a redirect whose target holds the canary, and an oversized answer made of it.
#[cfg(all(feature = "aws", feature = "gcp"))]
async fn cloud_exchanges(server: &MockServer, cloud: &MockServer) -> Vec<String> {
    use infisical_config::auth::IdentityLogin;
    use wiremock::matchers::header;
    let mut shown = Vec::new();
    Mock::given(method("PUT"))
        .and(path("/latest/api/token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(format!("{CANARY}-imds-session"))
                .insert_header("x-aws-ec2-metadata-token-ttl-seconds", "21600"),
        )
        .mount(cloud)
        .await;
    let imds = |route: &str, body: String| {
        Mock::given(method("GET"))
            .and(path(route))
            .and(header("x-aws-ec2-metadata-token", format!("{CANARY}-imds-session").as_str()))
            .respond_with(ResponseTemplate::new(200).set_body_string(body))
    };
    imds("/latest/meta-data/placement/region", "us-east-1".into()).mount(cloud).await;
    imds("/latest/meta-data/iam/security-credentials/", "instance-role".into()).mount(cloud).await;
    imds(
        "/latest/meta-data/iam/security-credentials/instance-role",
        json!({"Code": "Success", "Type": "AWS-HMAC", "AccessKeyId": "ASIACANARY",
               "SecretAccessKey": format!("{CANARY}-imds-secret"), "Token": format!("{CANARY}-imds-token"),
               "Expiration": "2099-01-01T00:00:00Z", "LastUpdated": "2026-01-01T00:00:00Z"})
        .to_string(),
    )
    .expect(1..)
    .mount(cloud)
    .await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"access_token": format!("{CANARY}-oauth"), "expires_in": 3599, "token_type": "Bearer"}),
        ))
        .expect(1)
        .mount(cloud)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/projects/-/serviceAccounts/reader@project.iam.gserviceaccount.com:signJwt"))
        .and(header("authorization", format!("Bearer {CANARY}-oauth").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"signedJwt": format!("{CANARY}-signed-jwt")})))
        .expect(1)
        .mount(cloud)
        .await;
    Mock::given(method("GET"))
        .and(path("/msi/token"))
        .and(header("x-identity-header", format!("{CANARY}-app-header").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"access_token": format!("{CANARY}-app-token")})))
        .expect(1..)
        .mount(cloud)
        .await;
    Mock::given(method("GET"))
        .and(path("/redirecting/token"))
        .respond_with(
            ResponseTemplate::new(302).insert_header("location", format!("{}/stolen?token={CANARY}", cloud.uri())),
        )
        .mount(cloud)
        .await;
    Mock::given(method("GET"))
        .and(path("/oversized/token"))
        .respond_with(ResponseTemplate::new(200).set_body_string(CANARY.repeat(10_000)))
        .mount(cloud)
        .await;

    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("key.json");
    let private_key =
        std::fs::read_to_string(fixtures().join("gcp").join("test-only-service-account.key.pem")).unwrap();
    std::fs::write(
        &key_file,
        json!({"client_email": "reader@project.iam.gserviceaccount.com", "private_key": private_key,
               "token_uri": format!("{}/token", cloud.uri())})
        .to_string(),
    )
    .unwrap();
    let logins = [
        IdentityLogin::aws_iam("id-aws").platform_endpoint(cloud.uri()),
        IdentityLogin::gcp_iam("id-gcp-iam", &key_file).platform_endpoint(cloud.uri()),
    ];
    for login in logins {
        shown.push(format!("{login:?}"));
        let client = common::builder(&server.uri()).credentials(login).build().unwrap();
        client.authenticate().await.unwrap();
        shown.push(format!("{client:?} {}", client.explain_credentials().await));
    }
    let app_service = EnvSource::from_pairs([
        ("INFISICAL_AZURE_AUTH_IDENTITY_ID", "id".to_owned()),
        ("IDENTITY_ENDPOINT", format!("{}/msi/token", cloud.uri())),
        ("IDENTITY_HEADER", format!("{CANARY}-app-header")),
    ]);
    shown.push(format!("{:?}", EnvCredentials::new(app_service.clone()).provide_credentials().await));
    let client = common::builder(&server.uri()).env_source(app_service).build().unwrap();
    client.authenticate().await.unwrap();
    shown.push(format!("{client:?} {}", client.explain_credentials().await));
    for route in ["redirecting", "oversized"] {
        let login = IdentityLogin::azure("id").platform_endpoint(format!("{}/{route}/token", cloud.uri()));
        let client = common::builder(&server.uri()).credentials(login).build().unwrap();
        let err = client.authenticate().await.unwrap_err();
        shown.push(format!("{err} {err:?}"));
    }
    shown
}

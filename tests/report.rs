//! Every load says where its values came from (issue 27): a network load, a 304 revalidation, the
//! cache during an outage, nothing from an optional source or a cache that provides nothing; the
//! requests it took (counted per load, apart from concurrent loads on the same client), how long, each
//! `ETag`; names only, never a value. From every loader: the figment provider (`last_report`, the
//! snapshot and its metadata), the env loader, the `config` source.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use figment::{Figment, Provider};
use infisical_config::cache::{Cache, CacheKey, OnFailure};
use infisical_config::config_source::InfisicalSource;
use infisical_config::report::LoadReport;
use infisical_config::report::{CacheReason, Origin};
use infisical_config::testing::FakeInfisical;
use infisical_config::{EnvLoader, Infisical, RetryPolicy, blocking};

const VALUES: [&str; 2] = ["postgres://db.internal/app-3c9a", "hunter2-77d1"];

fn fake() -> FakeInfisical {
    FakeInfisical::builder()
        .secret("prod", "/", "DATABASE_URL", VALUES[0])
        .secret("prod", "/db", "PASSWORD", VALUES[1])
        .start_blocking()
}

/// A client of `fake` that does not retry: an outage shows at once.
fn no_retries(fake: &FakeInfisical) -> blocking::Client {
    fake.blocking_client_builder().retry(RetryPolicy::disabled()).build().unwrap()
}

fn cache(dir: &std::path::Path, policy: OnFailure) -> Cache {
    Cache::new(CacheKey::from([7; 32])).dir(dir).on_failure(policy)
}

fn provider(fake: &FakeInfisical, client: &blocking::Client) -> Infisical {
    Infisical::new(fake.project_id(), "prod").paths(["/", "/db"]).client(client.clone())
}

/// Names only: no value in the report's text or `Debug`.
fn assert_no_value(report: &LoadReport) {
    for text in [report.to_string(), format!("{report:?}")] {
        for value in VALUES {
            assert!(!text.contains(value), "a value in the report: {text}");
        }
    }
}

#[test]
fn a_network_load_reports_its_origin_requests_etags_and_time() {
    let fake = fake();
    let client = no_retries(&fake);
    let provider = provider(&fake, &client);
    // The lazy provider, through figment: the report is read from a clone kept before the merge.
    let _: serde_json::Value = Figment::from(provider.clone()).extract().unwrap();
    let report = provider.last_report().expect("extract loaded");
    assert_eq!(report.requests, 3, "cold: a login and a list per folder");
    assert!(report.target.ends_with(&format!("/{}/prod/,/db", fake.project_id())), "{}", report.target);
    assert!(report.duration > Duration::ZERO && report.duration < Duration::from_secs(30));
    let layers: Vec<(&str, &str, &Origin, usize)> =
        report.layers.iter().map(|l| (&*l.environment, &*l.folder, &l.origin, l.secrets)).collect();
    assert_eq!(layers, [("prod", "/", &Origin::Network, 1), ("prod", "/db", &Origin::Network, 1)]);
    for layer in &report.layers {
        let etag = layer.etag.as_deref().expect("each answer's ETag");
        assert!(etag.starts_with('"') && etag.len() > 2, "{etag}");
    }
    assert!(report.is_fresh() && report.served_age().is_zero());
    assert_no_value(&report);

    // Warm: the token is kept, one list per folder.
    let snapshot = provider.fetch().unwrap();
    assert_eq!(snapshot.report().unwrap().requests, 2);
    assert_eq!(provider.last_report().unwrap().requests, 2);
    let one_folder = Infisical::new(fake.project_id(), "prod").client(client).fetch().unwrap();
    assert_eq!(one_folder.report().unwrap().requests, 1, "warm, one folder: one request");
    let source = one_folder.metadata().source.unwrap().to_string();
    assert!(source.ends_with("/prod/ (from Infisical)"), "the snapshot's metadata names the origin: {source}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_loads_on_one_client_count_their_own_requests() {
    let fake = FakeInfisical::builder().secret("prod", "/", "A", "1").start().await;
    let client = fake.client_builder().build().unwrap();
    let cold = Infisical::new(fake.project_id(), "prod").client(client.clone()).fetch_async().await.unwrap();
    assert_eq!(cold.report().unwrap().requests, 2);
    let loads: Vec<_> = (0..16)
        .map(|_| {
            let provider = Infisical::new(fake.project_id(), "prod").client(client.clone());
            tokio::spawn(async move { provider.fetch_async().await.unwrap() })
        })
        .collect();
    for load in loads {
        assert_eq!(load.await.unwrap().report().unwrap().requests, 1, "its own list, not the others'");
    }
    assert_eq!(fake.requests().await, 18);
}

#[test]
fn a_304_revalidation_and_a_cache_during_an_outage_report_so() {
    let dir = tempfile::tempdir().unwrap();
    let fake = fake();
    let client = no_retries(&fake);
    let serve_stale = OnFailure::UseCache { max_age: Duration::from_secs(3600) };
    let cached = || provider(&fake, &client).cache(cache(dir.path(), serve_stale));
    let first = cached().fetch().unwrap();
    let etags: Vec<_> = first.report().unwrap().layers.iter().map(|l| l.etag.clone()).collect();

    let again = cached().fetch().unwrap();
    let report = again.report().unwrap();
    assert_eq!(fake.not_modified(), 2);
    assert!(report.layers.iter().all(|l| l.origin == Origin::Revalidated), "{report}");
    assert_eq!(report.layers.iter().map(|l| l.etag.clone()).collect::<Vec<_>>(), etags, "the cached tags, confirmed");
    assert_eq!((report.requests, report.layers[1].secrets), (2, 1));
    assert!(report.is_fresh());

    fake.set_unavailable(true);
    std::thread::sleep(Duration::from_millis(1100));
    let stale = cached().fetch().unwrap();
    let report = stale.report().unwrap();
    assert_eq!(stale.len(), 2, "the cache's values");
    assert_eq!(report.requests, 1, "the list that failed (the token is kept)");
    for layer in &report.layers {
        let Origin::Cache { age, reason: CacheReason::Unavailable { error } } = &layer.origin else {
            panic!("from the cache: {report}")
        };
        assert!(*age >= Duration::from_secs(1) && *age < Duration::from_secs(60), "{age:?}");
        assert!(error.contains("503"), "the outage, in words: {error}");
    }
    assert_eq!(report.layers.iter().map(|l| l.etag.clone()).collect::<Vec<_>>(), etags);
    assert!(!report.is_fresh() && report.served_age() >= Duration::from_secs(1));
    assert!(
        report.to_string().contains("from the cache, saved 1 s ago (Infisical unavailable: ")
            || report.to_string().contains("from the cache, saved 2 s ago (Infisical unavailable: "),
        "{report}"
    );
    let source = stale.metadata().source.unwrap().to_string();
    assert!(source.contains("(from the cache, saved ") && source.contains("(Infisical unavailable: "), "{source}");
    assert_no_value(report);
}

/// What `on_unavailable` was called with.
fn told(provider: Infisical) -> (Infisical, Arc<Mutex<Vec<String>>>) {
    let told = Arc::new(Mutex::new(Vec::new()));
    let sink = told.clone();
    (provider.on_unavailable(move |err| sink.lock().unwrap().push(err.to_string())), told)
}

#[test]
fn an_optional_load_that_gave_nothing_says_why() {
    let fake = fake();
    let client = no_retries(&fake);
    fake.set_unavailable(true);
    let (optional, told) = told(provider(&fake, &client).optional());
    let config: serde_json::Value = Figment::from(optional.clone()).extract().unwrap();
    assert_eq!(config, serde_json::json!({}));
    let report = optional.last_report().expect("a load that provided nothing is reported");
    assert_eq!(report.layers.len(), 2, "one per folder: {report}");
    for layer in &report.layers {
        let Origin::Nothing { reason } = &layer.origin else { panic!("nothing: {report}") };
        assert!(reason.contains("503"), "{reason}");
        assert_eq!((layer.secrets, layer.etag.as_deref()), (0, None));
    }
    assert_eq!(report.requests, 1, "the login that failed");
    assert_eq!(told.lock().unwrap().len(), 1);
}

/// The cache's `ProvideNothing` is the optional provider's counterpart: the report says nothing was
/// provided, and `on_unavailable` is told (it was not, before issue 27).
#[test]
fn a_cache_that_provides_nothing_reports_it_and_tells_on_unavailable() {
    let dir = tempfile::tempdir().unwrap();
    let fake = fake();
    let client = no_retries(&fake);
    fake.set_unavailable(true);
    let (provider, told) = told(provider(&fake, &client).cache(cache(dir.path(), OnFailure::ProvideNothing)));
    let snapshot = provider.fetch().unwrap();
    assert!(snapshot.is_empty());
    let report = snapshot.report().unwrap();
    assert!(report.layers.iter().all(|l| matches!(l.origin, Origin::Nothing { .. })), "{report}");
    assert_eq!(provider.last_report().as_ref(), Some(report));
    assert_eq!(told.lock().unwrap().len(), 1, "on_unavailable told once");
    assert!(told.lock().unwrap()[0].contains("503"));

    // The env loader too.
    let vars = EnvLoader::new(fake.project_id(), "prod")
        .client(client.clone())
        .cache(cache(dir.path(), OnFailure::ProvideNothing))
        .load()
        .unwrap();
    assert!(vars.is_empty());
    assert!(matches!(vars.report().unwrap().layers[0].origin, Origin::Nothing { .. }));
}

#[test]
fn the_env_loader_reports_its_load() {
    let dir = tempfile::tempdir().unwrap();
    let fake = fake();
    let client = no_retries(&fake);
    let loader = || {
        EnvLoader::new(fake.project_id(), "prod")
            .paths(["/", "/db"])
            .client(client.clone())
            .cache(cache(dir.path(), OnFailure::Fail))
    };
    let report = loader().load().unwrap().report().cloned().unwrap();
    assert_eq!(report.requests, 3);
    assert!(report.layers.iter().all(|l| l.origin == Origin::Network));
    let report = loader().load().unwrap().report().cloned().unwrap();
    assert_eq!(report.requests, 2);
    assert!(report.layers.iter().all(|l| l.origin == Origin::Revalidated), "{report}");
    assert_no_value(&report);
    assert!(infisical_config::env_loader::EnvMap::from_pairs([("A", "1")]).unwrap().report().is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_config_source_reports_its_load() {
    let fake = FakeInfisical::builder().secret("prod", "/", "PORT", "8080").start().await;
    let client = fake.client_builder().build().unwrap();
    let source = InfisicalSource::new(Infisical::new(fake.project_id(), "prod").client(client));
    assert!(source.last_report().is_none());
    let config = config::Config::builder().add_async_source(source.clone()).build().await.unwrap();
    assert_eq!(config.get_string("port").unwrap(), "8080");
    let report = source.last_report().unwrap();
    assert_eq!((report.requests, report.layers[0].secrets), (2, 1));
    assert_eq!(report.layers[0].origin, Origin::Network);
}

/// Each load and each request is a `tracing` span (DEBUG) naming what it is about, never a value:
/// `infisical.load` with the site, project, environment and folders; `infisical.request` with the
/// method and path.
#[test]
fn loads_and_requests_are_spans_naming_their_target() {
    use std::sync::{Arc, Mutex};
    use tracing::field::Field;
    use tracing_subscriber::layer::{Context, SubscriberExt};

    /// Every span opened: its name and fields.
    struct Spans(Arc<Mutex<Vec<String>>>);
    impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Spans {
        fn on_new_span(&self, attrs: &tracing::span::Attributes<'_>, _: &tracing::span::Id, _: Context<'_, S>) {
            let mut text = attrs.metadata().name().to_owned();
            attrs.record(&mut |field: &Field, value: &dyn std::fmt::Debug| {
                text.push_str(&format!(" {field}={value:?}"))
            });
            self.0.lock().unwrap().push(text);
        }
    }

    let spans = Arc::new(Mutex::new(Vec::new()));
    let subscriber =
        tracing_subscriber::registry().with(tracing_subscriber::filter::LevelFilter::DEBUG).with(Spans(spans.clone()));
    // A current-thread runtime under a thread-local subscriber: every task of the load records here.
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    tracing::subscriber::with_default(subscriber, || {
        runtime.block_on(async {
            let fake = FakeInfisical::builder().secret("prod", "/app", "API_KEY", "span-canary-value").start().await;
            let client = fake.client_builder().build().unwrap();
            let provider = infisical_config::Infisical::new(fake.project_id(), "prod").path("/app").client(client);
            provider.fetch_async().await.unwrap();
        });
    });
    let spans = spans.lock().unwrap().clone();
    let load: Vec<&String> = spans.iter().filter(|s| s.starts_with("infisical.load ")).collect();
    assert_eq!(load.len(), 1, "one load, one span: {spans:#?}");
    let project = format!("project={}", infisical_config::testing::PROJECT_ID);
    for field in ["site=http://127.0.0.1:", &project, "environment=\"prod\"", "paths=[\"/app\"]"] {
        assert!(load[0].contains(field), "the load's span names {field}: {}", load[0]);
    }
    let requests: Vec<&String> = spans.iter().filter(|s| s.starts_with("infisical.request ")).collect();
    assert!(requests.len() >= 2, "the login and the list each have a span: {spans:#?}");
    assert!(requests.iter().any(|s| s.contains("login")), "{requests:#?}");
    assert!(requests.iter().any(|s| s.contains("secrets")), "{requests:#?}");
    assert!(!spans.iter().any(|s| s.contains("span-canary-value")), "no value in a span: {spans:#?}");
}

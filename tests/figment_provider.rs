//! The `Infisical` figment provider against the crate's fake server: typed extraction, every mapping
//! option, collisions, profiles, strings that stay strings, error messages, `.optional()`, several
//! folders, and the number of requests per load.

mod common;

use common::empty_env;
use figment::providers::{Format, Serialized, Toml};
use figment::{Figment, Profile};
use infisical_config::testing::FakeInfisical;
use infisical_config::{Error, ExposeSecret, Infisical, SecretString, blocking};
use serde::Deserialize;

fn fake() -> FakeInfisical {
    FakeInfisical::builder()
        .secret("dev", "/", "APP_NAME", "demo")
        .secret("dev", "/", "PIN", "0123")
        .secret("dev", "/", "API_KEY", "sk-12345")
        .secret("dev", "/", "PORT", "8080")
        .secret("dev", "/", "DEBUG", "true")
        .secret("dev", "/db", "HOST", "db.internal")
        .secret("dev", "/db", "PASSWORD", "s3cr3t")
        .secret("dev", "/db/replica", "HOST", "replica.internal")
        .secret("prod", "/", "APP_NAME", "demo-prod")
        .start_blocking()
}

fn client(fake: &FakeInfisical) -> blocking::Client {
    fake.blocking_client_builder().build().unwrap()
}

fn provider(fake: &FakeInfisical, env: &str) -> Infisical {
    Infisical::new(fake.project_id(), env).client(client(fake))
}

#[derive(Deserialize)]
struct App {
    app_name: String,
    pin: String,
    api_key: SecretString,
    db: Db,
}

#[derive(Deserialize)]
struct Db {
    host: String,
    password: SecretString,
}

#[test]
fn secrets_extract_into_a_typed_struct_with_files_underneath() {
    let fake = fake();
    let app: App = Figment::new()
        .merge(Toml::string("app_name = \"from-file\"\nextra = 1"))
        .merge(provider(&fake, "dev").recursive(true))
        .extract()
        .unwrap();
    assert_eq!(app.app_name, "demo", "secrets override the file merged before them");
    assert_eq!(app.pin, "0123", "strings stay strings");
    assert_eq!(app.api_key.expose_secret(), "sk-12345");
    assert_eq!(app.db.host, "db.internal");
    assert_eq!(app.db.password.expose_secret(), "s3cr3t");
}

#[test]
fn numeric_looking_values_stay_strings_and_lossy_extraction_parses_them() {
    #[derive(Deserialize)]
    struct Strings {
        pin: SecretString,
        port: String,
    }
    #[derive(Deserialize)]
    struct Typed {
        port: u16,
        debug: bool,
    }
    let fake = fake();
    let figment = Figment::new().merge(provider(&fake, "dev"));
    let s: Strings = figment.extract().unwrap();
    assert_eq!((s.pin.expose_secret(), s.port.as_str()), ("0123", "8080"));
    assert!(figment.extract::<Typed>().is_err(), "strict extraction does not parse strings");
    let t: Typed = figment.extract_lossy().unwrap();
    assert_eq!((t.port, t.debug), (8080, true));
}

#[test]
fn key_mapping_options() {
    let fake = FakeInfisical::builder()
        .secret("dev", "/", "APP_DB__HOST", "h")
        .secret("dev", "/", "APP_DB__PORT", "5432")
        .secret("dev", "/", "OTHER", "x")
        .secret("dev", "/svc", "Token", "t")
        .start_blocking();
    let p = || provider(&fake, "dev");

    // As stored.
    let snap = p().lowercase(false).fetch().unwrap();
    assert_eq!(snap.get(&Profile::Default, "APP_DB__HOST"), Some("h"));
    // Lowercased (the default).
    let snap = p().fetch().unwrap();
    assert_eq!(snap.get(&Profile::Default, "app_db__host"), Some("h"));
    // Split nests.
    let snap = p().split("__").fetch().unwrap();
    assert_eq!(snap.get(&Profile::Default, "app_db.host"), Some("h"));
    // Prefix filters (any case) and is stripped.
    let snap = p().prefixed("app_").split("__").fetch().unwrap();
    assert_eq!(snap.keys(&Profile::Default).collect::<Vec<_>>(), ["db.host", "db.port"]);
    // Folders nest when recursive, relative to the folder listed.
    let snap = p().recursive(true).fetch().unwrap();
    assert_eq!(snap.get(&Profile::Default, "svc.token"), Some("t"));
    let snap = p().path("/svc").recursive(true).fetch().unwrap();
    assert_eq!(snap.get(&Profile::Default, "token"), Some("t"));
    // And can be turned off, or on without recursion.
    let snap = p().recursive(true).nest_folders(false).fetch().unwrap();
    assert_eq!(snap.get(&Profile::Default, "token"), Some("t"));
    let snap = p().path("/svc").nest_folders(true).fetch().unwrap();
    assert_eq!(snap.get(&Profile::Default, "token"), Some("t"));
}

#[test]
fn two_secrets_at_one_key_are_an_error_naming_both() {
    let fake = fake();
    // Flattening folders: /db/HOST and /db/replica/HOST collide.
    let err = provider(&fake, "dev").recursive(true).nest_folders(false).fetch().unwrap_err();
    let Error::KeyConflict { key, first, second, .. } = &err else { panic!("{err:?}") };
    assert_eq!(key, "host");
    assert!(first.contains("`HOST` in /db (dev)") && second.contains("`HOST` in /db/replica (dev)"), "{err}");
    assert!(!err.to_string().contains("db.internal"), "never a value: {err}");

    // A leaf and a table at one key: DB and DB__HOST.
    let fake =
        FakeInfisical::builder().secret("dev", "/", "DB", "x").secret("dev", "/", "DB__HOST", "y").start_blocking();
    let err = provider(&fake, "dev").split("__").fetch().unwrap_err();
    assert!(err.to_string().contains("`DB` in /") && err.to_string().contains("`DB__HOST` in /"), "{err}");

    // Case folding can collide too.
    let fake = FakeInfisical::builder().secret("dev", "/", "Key", "1").secret("dev", "/", "KEY", "2").start_blocking();
    assert!(matches!(provider(&fake, "dev").fetch().unwrap_err(), Error::KeyConflict { .. }));
    provider(&fake, "dev").lowercase(false).fetch().unwrap();

    // Through the lazy provider, the extraction fails with the same message.
    let err = Figment::new().merge(provider(&fake, "dev")).extract::<serde_json::Value>().unwrap_err();
    assert!(err.to_string().contains("would come from both"), "{err}");
}

#[test]
fn an_empty_key_part_is_a_clear_error() {
    let fake = FakeInfisical::builder().secret("dev", "/", "DB__", "x").start_blocking();
    let err = provider(&fake, "dev").split("__").fetch().unwrap_err();
    assert!(matches!(err, Error::KeyMapping { .. }) && err.to_string().contains("`DB__`"), "{err}");
}

#[test]
fn later_folders_win() {
    let fake = FakeInfisical::builder()
        .secret("dev", "/", "URL", "root")
        .secret("dev", "/", "ONLY_ROOT", "r")
        .secret("dev", "/api", "URL", "api")
        .start_blocking();
    let snap = provider(&fake, "dev").paths(["/", "/api"]).fetch().unwrap();
    assert_eq!(snap.get(&Profile::Default, "url"), Some("api"));
    assert_eq!(snap.get(&Profile::Default, "only_root"), Some("r"));
    let snap = provider(&fake, "dev").paths(["/api", "/"]).fetch().unwrap();
    assert_eq!(snap.get(&Profile::Default, "url"), Some("root"));
}

#[test]
fn imports_and_references() {
    let fake = FakeInfisical::builder()
        .secret("dev", "/", "USER", "app")
        .secret("dev", "/", "URL", "postgres://${USER}@${prod.shared.HOST}")
        .secret("dev", "/", "SHARED", "own")
        .secret("prod", "/shared", "HOST", "db.prod")
        .secret("prod", "/shared", "SHARED", "imported")
        .secret("prod", "/shared", "ONLY_IMPORTED", "yes")
        .import("dev", "/", "prod", "/shared")
        .start_blocking();
    let snap = provider(&fake, "dev").fetch().unwrap();
    assert_eq!(snap.get(&Profile::Default, "url"), Some("postgres://app@db.prod"));
    assert_eq!(snap.get(&Profile::Default, "shared"), Some("own"), "own secrets win over imports");
    assert_eq!(snap.get(&Profile::Default, "only_imported"), Some("yes"));
    let snap = provider(&fake, "dev").include_imports(false).expand_references(false).fetch().unwrap();
    assert_eq!(snap.get(&Profile::Default, "url"), Some("postgres://${USER}@${prod.shared.HOST}"));
    assert_eq!(snap.get(&Profile::Default, "only_imported"), None);
}

#[test]
fn tags_filter() {
    let fake = FakeInfisical::builder()
        .tagged_secret("dev", "/", "A", "1", &["backend"])
        .tagged_secret("dev", "/", "B", "2", &["frontend"])
        .start_blocking();
    let snap = provider(&fake, "dev").tags(["backend"]).fetch().unwrap();
    assert_eq!(snap.keys(&Profile::Default).collect::<Vec<_>>(), ["a"]);
}

#[test]
fn profiles() {
    #[derive(Deserialize)]
    struct Named {
        app_name: String,
    }
    let fake = fake();
    let files = || Toml::string("[default]\napp_name = \"file-default\"\n[prod]\napp_name = \"file-prod\"").nested();

    // Default profile: a file's [prod] table still wins when prod is selected.
    let f = Figment::new().merge(files()).merge(provider(&fake, "dev"));
    assert_eq!(f.extract::<Named>().unwrap().app_name, "demo");
    assert_eq!(f.select("prod").extract::<Named>().unwrap().app_name, "file-prod");

    // Global: overrides every profile.
    let f = Figment::new().merge(files()).merge(provider(&fake, "dev").global());
    assert_eq!(f.clone().select("prod").extract::<Named>().unwrap().app_name, "demo");

    // A named profile.
    let f = Figment::new().merge(files()).merge(provider(&fake, "prod").profile("prod"));
    assert_eq!(f.clone().select("prod").extract::<Named>().unwrap().app_name, "demo-prod");
    assert_eq!(f.extract::<Named>().unwrap().app_name, "file-default");

    // Several environments, one provider, one profile each.
    let both = provider(&fake, "dev").profile("development").and_environment("prod", "production");
    let f = Figment::new().merge(both);
    assert_eq!(f.clone().select("development").extract::<Named>().unwrap().app_name, "demo");
    assert_eq!(f.select("production").extract::<Named>().unwrap().app_name, "demo-prod");
}

#[test]
fn metadata_names_the_source_and_errors_name_the_secret_never_its_value() {
    #[derive(Debug, Deserialize)]
    struct Bad {
        #[allow(dead_code)]
        api_key: u32,
    }
    let fake = fake();
    let figment = Figment::new().merge(provider(&fake, "dev").recursive(true));
    let meta = figment.find_metadata("db.host").unwrap();
    assert_eq!(meta.name, "Infisical");
    let host = url_host(&fake.uri());
    assert_eq!(meta.source.as_ref().unwrap().to_string(), format!("infisical://{host}/{}/dev/", fake.project_id()));

    let err = figment.extract::<Bad>().unwrap_err();
    let text = err.to_string();
    assert!(text.contains("secret `API_KEY` in / (dev)"), "names the secret: {text}");
    // figment itself quotes the value it found; `redact` removes it.
    assert!(text.contains("sk-12345"), "figment quotes values: {text}");
    let redacted = infisical_config::figment::redact(err).to_string();
    assert!(!redacted.contains("sk-12345") && redacted.contains("secret `API_KEY` in / (dev)"), "{redacted}");
}

/// `host:port` of the fake server: what the metadata names.
fn url_host(uri: &str) -> String {
    uri.trim_start_matches("http://").trim_end_matches('/').to_owned()
}

#[test]
fn failures_are_fatal_unless_optional() {
    #[derive(Clone, Debug, Deserialize, serde::Serialize)]
    struct Cfg {
        app_name: String,
    }
    // Nothing listens on this port.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let client = blocking::Client::builder()
        .site(format!("http://127.0.0.1:{port}"))
        .env_source(empty_env())
        .cli_login(false)
        .access_token("t")
        .retry(infisical_config::RetryPolicy::disabled())
        .build()
        .unwrap();
    let unreachable = Infisical::new("p", "dev").client(client);
    let defaults = Serialized::defaults(Cfg { app_name: "default".into() });

    let err = Figment::new().merge(defaults.clone()).merge(unreachable.clone()).extract::<Cfg>().unwrap_err();
    assert!(err.to_string().contains("loading secrets from Infisical failed: connection failed"), "{err}");
    let cfg: Cfg = Figment::new().merge(defaults).merge(unreachable.optional()).extract().unwrap();
    assert_eq!(cfg.app_name, "default");

    // Missing credentials: the typed error from fetch, the crate's message inside figment's.
    let no_creds = Infisical::new("p", "dev").env_source(empty_env().with_home("/nonexistent-home"));
    let err = no_creds.fetch().unwrap_err();
    assert!(matches!(err, Error::Credentials(_)), "{err:?}");
    let err = Figment::new().merge(no_creds).extract::<serde_json::Value>().unwrap_err();
    assert!(err.to_string().contains("no Infisical credentials found"), "{err}");
}

#[test]
fn a_cold_load_is_one_login_and_one_list_and_a_warm_one_just_a_list() {
    let fake = fake();
    let client = client(&fake);
    let p = Infisical::new(fake.project_id(), "dev").recursive(true).client(client.clone());
    let before = block(fake.requests());
    let _: App = Figment::new().merge(p.clone()).extract().unwrap();
    assert_eq!(block(fake.requests()) - before, 2, "{:?}", block(fake.request_log()));
    let _: App = Figment::new().merge(p).extract().unwrap();
    assert_eq!(block(fake.requests()) - before, 3, "warm: one more list");
    let log = block(fake.request_log());
    assert_eq!(log, ["POST /api/v1/auth/universal-auth/login", "GET /api/v4/secrets", "GET /api/v4/secrets"]);
}

#[test]
fn legacy_servers_work_through_detection() {
    let fake = FakeInfisical::builder().secret("dev", "/", "APP_NAME", "old").legacy_only(true).start_blocking();
    let snap = provider(&fake, "dev").fetch().unwrap();
    assert_eq!(snap.get(&Profile::Default, "app_name"), Some("old"));
    let log = block(fake.request_log());
    assert_eq!(log, ["POST /api/v1/auth/universal-auth/login", "GET /api/v4/secrets", "GET /api/v3/secrets/raw"]);
}

#[test]
fn from_env_reads_project_environment_and_path() {
    let fake = fake();
    let env = infisical_config::EnvSource::from_pairs([
        ("INFISICAL_PROJECT_ID", fake.project_id()),
        ("INFISICAL_ENVIRONMENT", "dev"),
        ("INFISICAL_SECRET_PATH", "/db"),
    ]);
    let snap = Infisical::from_env_source(env).client(client(&fake)).fetch().unwrap();
    assert_eq!(snap.get(&Profile::Default, "host"), Some("db.internal"));
    let err = Infisical::from_env_source(empty_env()).client(client(&fake)).fetch().unwrap_err();
    assert!(matches!(err, Error::InvalidRequest { field: "project", .. }), "{err:?}");
}

#[test]
fn snapshot_debug_shows_keys_not_values() {
    let fake = fake();
    let snap = provider(&fake, "dev").recursive(true).fetch().unwrap();
    let debug = format!("{snap:?}");
    assert!(debug.contains("db.password <- secret `PASSWORD` in /db (dev)"), "{debug}");
    assert!(!debug.contains("s3cr3t"), "{debug}");
    assert_eq!(snap.len(), 8);
}

#[tokio::test(flavor = "current_thread")]
async fn inside_an_async_runtime() {
    let fake = FakeInfisical::builder().secret("dev", "/", "APP_NAME", "demo").start().await;
    // The lazy provider with a blocking client works inside the runtime.
    let figment = Figment::new().merge(provider(&fake, "dev"));
    assert_eq!(figment.extract_inner::<String>("app_name").unwrap(), "demo");
    // An async client: fetch_async, and a clear error from the lazy provider.
    let async_client = fake.client_builder().build().unwrap();
    let p = Infisical::new(fake.project_id(), "dev").client(async_client);
    let snap = p.fetch_async().await.unwrap();
    assert_eq!(snap.get(&Profile::Default, "app_name"), Some("demo"));
    let figment = Figment::new().merge(snap);
    assert_eq!(figment.extract_inner::<String>("app_name").unwrap(), "demo");
    let err = Figment::new().merge(p).extract_inner::<String>("app_name").unwrap_err();
    assert!(err.to_string().contains("fetch_async"), "{err}");
}

fn block<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(f)
}

#[test]
fn credentials_can_be_given_without_a_client() {
    use infisical_config::auth::Credentials;
    use infisical_config::testing::{CLIENT_ID, CLIENT_SECRET};
    let fake = fake();
    let env = infisical_config::EnvSource::from_pairs([("INFISICAL_URL", fake.uri())]);
    let snap = Infisical::new(fake.project_id(), "dev")
        .env_source(env.clone())
        .credentials(Credentials::universal_auth(CLIENT_ID, CLIENT_SECRET))
        .fetch()
        .unwrap();
    assert_eq!(snap.get(&Profile::Default, "app_name"), Some("demo"));
    let vars = infisical_config::EnvLoader::new(fake.project_id(), "dev")
        .env_source(env)
        .credentials(Credentials::universal_auth(CLIENT_ID, CLIENT_SECRET))
        .load()
        .unwrap();
    assert_eq!(vars.get("APP_NAME").unwrap().expose_secret(), "demo");
}

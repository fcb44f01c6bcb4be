//! The environment check (issue 29): a configuration type against the secrets of several environments,
//! every problem at once, names only.

use figment::Figment;
use figment::providers::{Format, Serialized, Toml};
use infisical_config::figment::{CheckReport, EnvironmentCheck, NameDifference, ProblemKind};
use infisical_config::testing::{FakeInfisical, FakeInfisicalBuilder};
use infisical_config::{EnvLoader, Infisical, SecretString};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct AppConfig {
    database_url: SecretString,
    port: u16,
    api_key: SecretString,
    log_level: String,
}

/// Every value, to find none of them in what the check shows.
const VALUES: [&str; 7] = [
    "postgres://dev-secret",
    "postgres://old-secret",
    "dev-key-secret",
    "postgres://stg-secret",
    "80a",
    "prod-key-secret",
    "postgres://prod-secret",
];

/// dev has a stray `DATABSE_URL` beside `DATABASE_URL`, staging lacks `API_KEY`, prod's `PORT` is "80a".
fn seeded() -> FakeInfisicalBuilder {
    FakeInfisical::builder()
        .secret("dev", "/", "DATABASE_URL", VALUES[0])
        .secret("dev", "/", "DATABSE_URL", VALUES[1])
        .secret("dev", "/", "PORT", "8080")
        .secret("dev", "/", "API_KEY", VALUES[2])
        .secret("staging", "/", "DATABASE_URL", VALUES[3])
        .secret("staging", "/", "PORT", "8443")
        .secret("prod", "/", "DATABASE_URL", VALUES[6])
        .secret("prod", "/", "PORT", VALUES[4])
        .secret("prod", "/", "API_KEY", VALUES[5])
}

/// (environment, kind, key, secrets, expected, closest) of every problem.
type Row = (String, ProblemKind, String, Vec<String>, Option<String>, Option<String>);

fn rows(report: &CheckReport) -> Vec<Row> {
    report
        .problems()
        .map(|p| {
            (
                p.environment.clone(),
                p.kind,
                p.key.clone(),
                p.secrets.clone(),
                p.expected.clone(),
                p.closest_field.clone(),
            )
        })
        .collect()
}

fn row(
    env: &str,
    kind: ProblemKind,
    key: &str,
    secrets: &[&str],
    expected: Option<&str>,
    closest: Option<&str>,
) -> Row {
    let secrets = secrets.iter().map(|s| s.to_string()).collect();
    (env.into(), kind, key.into(), secrets, expected.map(Into::into), closest.map(Into::into))
}

/// Exactly the three problems, each in its environment, and the environments whose names differ.
fn assert_scenario(report: &CheckReport) {
    assert_scenario_with(report, &["API_KEY"]);
}

/// As [`assert_scenario`], with the names that would provide staging's missing `API_KEY`.
fn assert_scenario_with(report: &CheckReport, api_key: &[&str]) {
    assert_eq!(
        rows(report),
        [
            row("dev", ProblemKind::Unread, "databse_url", &["DATABSE_URL"], None, Some("database_url")),
            row("staging", ProblemKind::Missing, "api_key", api_key, Some("a string"), None),
            row("prod", ProblemKind::Mistyped, "port", &["PORT"], Some("u16"), None),
        ],
        "{report}"
    );
    assert!(!report.is_ok());
    let differences: Vec<(&str, &str, &[String], &[String])> = report
        .name_differences()
        .iter()
        .map(|NameDifference { key, secret, present_in, absent_from, .. }| {
            (key.as_str(), secret.as_str(), present_in.as_slice(), absent_from.as_slice())
        })
        .collect();
    let envs = |names: &[&str]| names.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        differences,
        [
            ("api_key", "API_KEY", &envs(&["dev", "prod"])[..], &envs(&["staging"])[..]),
            ("databse_url", "DATABSE_URL", &envs(&["dev"])[..], &envs(&["staging", "prod"])[..]),
        ]
    );
    assert_eq!(report.differing_environments(), ["dev", "staging"]);
    let shown = format!("{report}\n{report:?}");
    for value in VALUES {
        assert!(!shown.contains(value), "the value {value:?} was shown:\n{shown}");
    }
}

#[test]
fn every_problem_of_every_environment_at_once_and_a_file_default_is_no_problem() {
    let fake = seeded().start_blocking();
    let dir = tempfile::tempdir().unwrap();
    let app_toml = dir.path().join("App.toml");
    std::fs::write(&app_toml, "log_level = \"info\"\n").unwrap();
    let template = Infisical::new(fake.project_id(), "dev").client(fake.blocking_client_builder().build().unwrap());

    let report = EnvironmentCheck::new(template, ["dev", "staging", "prod"])
        .figment(move |secrets| Figment::new().merge(Toml::file(&app_toml)).merge(secrets))
        .run::<AppConfig>();

    assert_scenario(&report);
    assert_eq!(report.environment("prod").unwrap().secrets(), 3);
    let text = report.to_string();
    assert!(text.contains("staging: 2 secrets, 1 problem"), "{text}");
    assert!(text.contains("(dev, staging differ from the others)"), "{text}");
    // Without the file, `log_level` is missing everywhere, with the secret that would provide it.
    let bare = EnvironmentCheck::new(
        Infisical::new(fake.project_id(), "dev").client(fake.blocking_client_builder().build().unwrap()),
        ["dev", "staging", "prod"],
    )
    .run::<AppConfig>();
    let log_level: Vec<_> = bare.problems().filter(|p| p.key == "log_level").collect();
    assert_eq!(log_level.len(), 3, "{bare}");
    assert!(log_level.iter().all(|p| p.kind == ProblemKind::Missing && p.secrets == ["LOG_LEVEL"]), "{bare}");
}

#[test]
fn the_env_loader_is_checked_with_envy_style_names() {
    let fake = seeded().start_blocking();
    let (project, client) = (fake.project_id(), fake.blocking_client_builder().build().unwrap());
    let report = EnvironmentCheck::env_loader(["dev", "staging", "prod"], move |environment| {
        EnvLoader::new(project, environment).client(client.clone())
    })
    .figment(|vars| Figment::from(Serialized::defaults(serde_json::json!({"log_level": "info"}))).merge(vars))
    .run::<AppConfig>();
    assert_scenario(&report);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_list_per_environment_and_folder_on_a_warm_client() {
    let mut builder = seeded();
    for env in ["dev", "staging", "prod"] {
        builder = builder.secret(env, "/app", "LOG_LEVEL", "info");
    }
    let fake = builder.start().await;
    let client = fake.client_builder().build().unwrap();
    let template = Infisical::new(fake.project_id(), "dev").paths(["/", "/app"]).client(client);
    template.fetch_async().await.unwrap(); // warm: logged in, the server's generation known
    let before = fake.request_log().await.len();

    let report = EnvironmentCheck::new(template, ["dev", "staging", "prod"]).run_async::<AppConfig>().await;

    // Either folder would do for staging's missing key (`LOG_LEVEL` comes from `/app`).
    assert_scenario_with(&report, &["API_KEY", "/app/API_KEY"]);
    let log = fake.request_log().await;
    let lists = &log[before..];
    assert_eq!(lists.len(), 6, "one list per environment and folder: {lists:?}");
    let list = |r: &String| r == "GET /api/v4/secrets" || r == "GET /api/v3/secrets/raw";
    assert!(lists.iter().all(list), "only lists: {lists:?}");
}

#[test]
fn an_environment_that_does_not_load_is_reported_and_the_others_still_checked() {
    let fake = seeded().start_blocking();
    let template = Infisical::new(fake.project_id(), "dev").client(fake.blocking_client_builder().build().unwrap());
    let report = EnvironmentCheck::new(template, ["staging", "prdo"])
        .figment(|secrets| Figment::from(Serialized::defaults(serde_json::json!({"log_level": "info"}))).merge(secrets))
        .run::<AppConfig>();
    let failed = report.environment("prdo").unwrap();
    assert!(failed.load_error().is_some_and(|e| e.is_not_found()), "{report}");
    assert_eq!(
        report.problems().map(|p| (p.environment.as_str(), p.key.as_str())).collect::<Vec<_>>(),
        [("staging", "api_key")]
    );
    assert!(report.name_differences().is_empty(), "one environment loaded: nothing to compare");
    assert!(report.to_string().contains("prdo: not loaded: environment `prdo` does not exist"), "{report}");

    // No environment at all is a mistake, not a pass.
    let none = EnvironmentCheck::new(Infisical::new(fake.project_id(), "dev"), Vec::<String>::new()).run::<AppConfig>();
    assert!(!none.is_ok());
    assert!(none.to_string().contains("no environment given"), "{none}");
}

#[test]
fn folders_and_split_names_are_the_expected_secrets_of_a_missing_table() {
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Nested {
        database: Database,
        cache: Option<Cache>,
    }
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Database {
        url: SecretString,
        pool: u32,
    }
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Cache {
        ttl: u32,
    }
    let fake = FakeInfisical::builder()
        .secret("dev", "/database", "URL", "postgres://dev-secret")
        .secret("dev", "/database", "POOL", "ten")
        .secret("prod", "/", "CACHE__TTL", "60")
        .start_blocking();
    let template = Infisical::new(fake.project_id(), "dev")
        .recursive(true)
        .split("__")
        .client(fake.blocking_client_builder().build().unwrap());
    let report = EnvironmentCheck::new(template, ["dev", "prod"]).run::<Nested>();
    let found: Vec<(&str, ProblemKind, &str, Vec<String>)> =
        report.problems().map(|p| (p.environment.as_str(), p.kind, p.key.as_str(), p.secrets.clone())).collect();
    let names = |n: &[&str]| n.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        found,
        [
            ("dev", ProblemKind::Mistyped, "database.pool", names(&["/database/POOL"])),
            ("prod", ProblemKind::Missing, "database.pool", names(&["DATABASE__POOL", "/database/POOL"])),
            ("prod", ProblemKind::Missing, "database.url", names(&["DATABASE__URL", "/database/URL"])),
        ],
        "{report}"
    );
    assert!(!report.to_string().contains("dev-secret"));
}

#[test]
fn figments_own_types_take_part_as_in_the_real_extraction() {
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct WithPath {
        certs: figment::value::magic::RelativePathBuf,
        extra: figment::value::Value,
        port: u16,
    }
    let fake = FakeInfisical::builder().secret("prod", "/", "PORT", "8080").start_blocking();
    let template = Infisical::new(fake.project_id(), "prod").client(fake.blocking_client_builder().build().unwrap());
    let report = EnvironmentCheck::new(template, ["prod"])
        .figment(|secrets| Figment::new().merge(Toml::string("certs = 'certs/'\nextra = { a = 1 }")).merge(secrets))
        .run::<WithPath>();
    assert!(report.is_ok(), "{report}");
}

/// `examples/check_environments.rs`, whose check and demo this test runs.
#[allow(dead_code)] // its `main` and `run` are the example's own
#[path = "../examples/check_environments.rs"]
mod example;

/// The README's "Before you deploy" shows the example's output: the example's own check, on its own
/// demo, prints exactly that.
#[test]
fn the_example_prints_what_the_readme_shows() {
    let demo = example::demo();
    let template = Infisical::new(demo.project_id(), "dev").client(demo.blocking_client_builder().build().unwrap());
    let printed = example::check(template, vec!["dev".into(), "staging".into(), "prod".into()]).to_string();

    let readme = include_str!("../README.md");
    let section = &readme[readme.find("## Before you deploy").expect("the README's section")..];
    let block = &section[section.find("```text\n").expect("the output block") + "```text\n".len()..];
    let shown = &block[..block.find("```").unwrap()];
    assert_eq!(printed.trim_end(), shown.trim_end(), "the README's copy of the example's output is current");
}

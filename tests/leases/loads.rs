//! Leases asked for by a one-shot load: the figment provider, the env loader, the `config` source.

use super::*;
use infisical_config::error::LeaseError;
use infisical_config::report::LeaseStatus;
use infisical_config::testing::FakeLeaseState;
use infisical_config::{EnvLoader, Error, ExposeSecret};

fn blocking_fake(spec: DynamicSecretSpec, secrets: &[(&str, &str)]) -> (FakeInfisical, ManualClock) {
    let manual = clock();
    let mut builder = FakeInfisical::builder().clock(&manual).dynamic_secret("prod", "/", "postgres", spec);
    for (key, value) in secrets {
        builder = builder.secret("prod", "/", key, value);
    }
    (builder.start_blocking(), manual)
}

fn blocking_provider(fake: &FakeInfisical) -> Infisical {
    let client = fake.blocking_client_builder().retry(RetryPolicy::disabled()).build().unwrap();
    Infisical::new(fake.project_id(), "prod").client(client)
}

#[test]
fn one_extract_yields_secrets_and_credentials_and_each_load_leases_anew() {
    let (fake, manual) = blocking_fake(DynamicSecretSpec::new(HOUR), &[("GREETING", "hello")]);
    let provider = blocking_provider(&fake).lease(postgres().ttl(2 * HOUR));
    let config: Config = Figment::from(provider.clone()).extract().unwrap();
    assert_eq!((config.greeting.as_str(), config.database.username.as_str()), ("hello", "user-1"));
    assert_eq!(config.database.password.expose_secret().len(), 32);

    let report = provider.last_report().unwrap();
    let created = lease(&fake, 0);
    let leased = &report.leases[0];
    assert_eq!((leased.lease_id.as_str(), leased.expire_at), (created.id.as_str(), manual.now() + 2 * HOUR));
    assert_eq!((leased.name.as_str(), leased.status), ("postgres", LeaseStatus::Active));
    assert_eq!(
        report.requests, 4,
        "a login, a list, the project's slug (lease routes name it) and the lease: {report}"
    );
    let shown = report.to_string();
    assert!(shown.contains(&format!("lease `{}` of dynamic secret `postgres`", created.id)), "{shown}");
    assert!(!shown.contains(config.database.password.expose_secret()), "never a credential: {shown}");

    // A one-shot load is not renewed: the next load makes a new lease, the first lives out its TTL.
    let again: Config = Figment::from(provider).extract().unwrap();
    assert_eq!(again.database.username, "user-2");
    assert_eq!(fake.lease_counts().renews, 0);
    manual.advance(2 * HOUR);
    assert_eq!(lease(&fake, 0).state, FakeLeaseState::Expired);
}

#[test]
fn credentials_not_mapped_go_under_the_prefix_lowercased_from_their_own_folder() {
    let manual = clock();
    let fake = FakeInfisical::builder()
        .clock(&manual)
        .secret("prod", "/", "GREETING", "hello")
        .dynamic_secret("prod", "/db", "postgres", DynamicSecretSpec::new(HOUR))
        .start_blocking();
    let provider = blocking_provider(&fake).lease(DynamicLease::new("Postgres").path("/db").at("services.main"));
    let snapshot = provider.fetch().unwrap();
    let profile = figment::Profile::Default;
    assert_eq!(snapshot.get(&profile, "services.main.db_username"), Some("user-1"));
    let origins: Vec<(String, String)> = snapshot.origins(&profile).collect();
    assert_eq!(
        origins[1],
        (
            "services.main.db_password".to_owned(),
            "credential `DB_PASSWORD` of a lease of dynamic secret `postgres` in /db (prod)".to_owned()
        )
    );
    assert_eq!(lease(&fake, 0).path, "/db");
}

#[test]
fn the_plan_restriction_fails_the_load_with_the_typed_error() {
    let manual = clock();
    let fake = FakeInfisical::builder()
        .clock(&manual)
        .secret("prod", "/", "GREETING", "hello")
        .dynamic_secret("prod", "/", "postgres", DynamicSecretSpec::new(HOUR))
        .dynamic_secrets_licensed(false)
        .start_blocking();
    let err = blocking_provider(&fake).lease(postgres()).fetch().unwrap_err();
    assert!(
        matches!(err.innermost(), Error::Lease(lease) if matches!(**lease, LeaseError::NotLicensed { .. })),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "dynamic secrets are not licensed on this Infisical server (Client Error 400: Failed to create lease due to \
         plan restriction. Upgrade plan to create dynamic secret.): they need an Enterprise licence \
         (self-hosted) or Infisical Cloud's Enterprise tier; asking again will not help, revoking leases still works"
    );
    // Through figment, the same words; through the env loader, named by what was loaded.
    let figment_err = Figment::from(blocking_provider(&fake).lease(postgres())).extract::<Config>().unwrap_err();
    assert!(figment_err.to_string().contains("dynamic secrets are not licensed"), "{figment_err}");
    let client = fake.blocking_client_builder().build().unwrap();
    let err = EnvLoader::new(fake.project_id(), "prod").client(client).lease(postgres()).load().unwrap_err();
    assert!(matches!(&err, Error::Load { .. }) && err.to_string().contains("not licensed"), "{err}");
    assert!(fake.leases().is_empty());
}

#[test]
fn a_credential_at_a_secrets_key_is_a_conflict_naming_both_and_the_lease_is_revoked() {
    let (fake, _manual) = blocking_fake(DynamicSecretSpec::new(HOUR), &[("DB_PASSWORD", "static")]);
    let err = blocking_provider(&fake).lease(DynamicLease::new("postgres")).fetch().unwrap_err();
    let Error::KeyConflict { key, first, second, remedy } = &err else { panic!("{err:?}") };
    assert_eq!(key, "db_password");
    assert_eq!(first, "secret `DB_PASSWORD` in / (prod)");
    assert_eq!(second, "credential `DB_PASSWORD` of a lease of dynamic secret `postgres` in / (prod)");
    assert!(remedy.contains("DynamicLease::at"), "{remedy}");
    assert_eq!(lease(&fake, 0).state, FakeLeaseState::Revoked, "a lease the load cannot use is not left behind");

    // A credential inside a secret's key conflicts too.
    let (fake, _manual) = blocking_fake(DynamicSecretSpec::new(HOUR), &[("DATABASE", "postgres://x")]);
    let err = blocking_provider(&fake).lease(postgres()).fetch().unwrap_err();
    assert!(matches!(&err, Error::KeyConflict { key, .. } if key == "database.password"), "{err}");
}

#[test]
fn a_credential_the_lease_does_not_have_fails_naming_what_it_has() {
    let (fake, _manual) = blocking_fake(DynamicSecretSpec::new(HOUR), &[]);
    let lease_of = DynamicLease::new("postgres").at("database").key("DB_PASWORD", "password");
    let err = blocking_provider(&fake).lease(lease_of).fetch().unwrap_err();
    assert_eq!(
        err.to_string(),
        "the lease of dynamic secret `postgres` cannot be mapped to a key: it has no credential `DB_PASWORD` (it \
         has DB_PASSWORD, DB_USERNAME)"
    );
    assert_eq!(lease(&fake, 0).state, FakeLeaseState::Revoked);
}

#[test]
fn the_env_loader_names_credentials_as_variables_under_the_same_rules() {
    let (fake, _manual) = blocking_fake(DynamicSecretSpec::new(HOUR), &[("PGHOST", "db.internal")]);
    let loader = || {
        let client = fake.blocking_client_builder().build().unwrap();
        EnvLoader::new(fake.project_id(), "prod").client(client)
    };
    let vars = loader().lease(DynamicLease::new("postgres").at("PG")).load().unwrap();
    let names: Vec<&str> = vars.iter().map(|(name, _)| name).collect();
    assert_eq!(names, ["PGHOST", "PG_DB_PASSWORD", "PG_DB_USERNAME"]);
    assert_eq!(vars.report().unwrap().leases[0].keys, ["PG_DB_PASSWORD", "PG_DB_USERNAME"]);

    // A reserved name is not set from a lease either.
    let vars = loader().lease(DynamicLease::new("postgres").key("DB_PASSWORD", "LD_PRELOAD")).load().unwrap();
    assert!(vars.get("LD_PRELOAD").is_some());
    let exported: serde_json::Value = serde_json::from_str(&vars.to_json()).unwrap();
    assert!(exported.get("LD_PRELOAD").is_none() && exported.get("DB_USERNAME").is_some(), "{exported}");

    // A name a secret has is a conflict naming both; the lease is revoked.
    let err = loader().lease(DynamicLease::new("postgres").key("DB_USERNAME", "PGHOST")).load().unwrap_err();
    let Error::KeyConflict { first, second, .. } = err.innermost() else { panic!("{err:?}") };
    assert_eq!(first, "secret `PGHOST` in / (prod)");
    assert_eq!(second, "credential `DB_USERNAME` of a lease of dynamic secret `postgres` in / (prod)");
    assert_eq!(lease(&fake, 2).state, FakeLeaseState::Revoked);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_watcher_with_leases_does_not_start_without_them() {
    let manual = clock();
    let fake = fake(&manual, DynamicSecretSpec::new(HOUR)).await;
    fake.set_unavailable(true);
    let err = provider(&fake).optional().watch(INTERVAL).clock(&manual).start::<Config, _>(Figment::from).await;
    let err = err.map(|_| ()).unwrap_err();
    assert!(err.is_unavailable(), "{err}");
}

#[cfg(feature = "config")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_config_source_gets_the_credentials_too() {
    let manual = clock();
    let fake = fake(&manual, DynamicSecretSpec::new(HOUR)).await;
    let source = infisical_config::config_source::InfisicalSource::new(provider(&fake));
    let config = config::Config::builder().add_async_source(source.clone()).build().await.unwrap();
    assert_eq!(config.get_string("database.username").unwrap(), "user-1");
    assert_eq!(config.get_string("greeting").unwrap(), "hello");
    assert_eq!(source.last_report().unwrap().leases[0].lease_id, lease(&fake, 0).id);
}

//! A watcher's lease manager: renewals, replacements, revocations, an outage, shutdown.

use super::*;
use infisical_config::ExposeSecret;
use infisical_config::report::LeaseStatus;
use infisical_config::resources::dynamic_secrets::{DynamicSecretFolder, RevokeLease};
use infisical_config::testing::FakeLeaseState;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lease_is_renewed_before_it_expires_and_its_credentials_stay() {
    let manual = clock();
    let fake = fake(&manual, DynamicSecretSpec::new(HOUR)).await;
    let events = Events::default();
    let watcher = start(provider(&fake), &manual, &events).await;
    let t0 = manual.now();
    let first = watcher.current();
    assert_eq!((first.greeting.as_str(), first.database.username.as_str()), ("hello", "user-1"));
    let created = lease(&fake, 0);
    assert_eq!(created.expire_at, t0 + HOUR);

    // At 2/3 of its life it is renewed by what keeps it an hour ahead (40 min), not by an hour more.
    advance_to(&manual, t0 + 40 * MINUTE).await;
    let (said, report, _) = events.containing("renewed").await;
    assert!(said.starts_with("dynamic secret `postgres`: lease `"), "{said}");
    let renewed = lease(&fake, 0);
    assert_eq!((renewed.renewals, renewed.expire_at), (1, t0 + 100 * MINUTE));
    assert_eq!(report.leases[0].expire_at, t0 + 100 * MINUTE, "the event's report has the new expiry: {report}");
    assert_eq!((report.leases[0].renewals, report.leases[0].status), (1, LeaseStatus::Active));

    // Again at 2/3 of what is left: the lease stays an hour ahead.
    advance_to(&manual, t0 + 80 * MINUTE).await;
    until("the second renewal", || events.count("renewed") == 2).await;
    assert_eq!(lease(&fake, 0).expire_at, manual.now() + HOUR);

    // The same credentials all along: no change reached the application.
    assert_eq!(fake.leases().len(), 1, "no new lease");
    assert!(std::ptr::eq(Arc::as_ptr(&first), Arc::as_ptr(&watcher.current())), "the configuration was not rebuilt");
    assert_eq!(events.count("configuration changed"), 0, "{:?}", events.texts());
    let health = watcher.health();
    assert_eq!((health.leases[0].renewals, health.leases[0].status), (2, LeaseStatus::Active));
    assert!(health.check(INTERVAL).is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn near_its_max_ttl_a_lease_is_replaced_the_change_arrives_and_the_old_one_is_revoked_after_the_grace() {
    let manual = clock();
    let fake = fake(&manual, DynamicSecretSpec::new(HOUR).max_ttl(3 * HOUR)).await;
    let events = Events::default();
    let watcher = start(provider(&fake), &manual, &events).await;
    let mut config = watcher.subscribe();
    config.borrow_and_update();
    let t0 = manual.now();

    // Three renewals take it to its max TTL exactly (3 h); then less than a renewal is left.
    for (n, at) in [40, 80, 120].into_iter().enumerate() {
        advance_to(&manual, t0 + at * MINUTE).await;
        until("a renewal", || lease(&fake, 0).renewals == n as u32 + 1).await;
    }
    assert_eq!(lease(&fake, 0).expire_at, t0 + 3 * HOUR);
    advance_to(&manual, t0 + 160 * MINUTE).await;

    // A new lease, its credentials published while the old one still has 20 min.
    let (said, report, leased) = events.containing("configuration changed").await;
    assert_eq!(leased, ["database.password", "database.username"], "{said}");
    assert!(said.contains("credential `DB_PASSWORD` of a lease of dynamic secret `postgres` in / (prod)"), "{said}");
    assert_eq!((report.leases[0].rotations, report.leases[0].lease_id.as_str()), (1, lease(&fake, 1).id.as_str()));
    tokio::time::timeout(Duration::from_secs(10), config.changed()).await.unwrap().unwrap();
    assert_eq!(watcher.current().database.username, "user-2");
    assert_eq!(fake.leases().len(), 2);
    assert_eq!(lease(&fake, 0).state, FakeLeaseState::Active, "the old lease stays for its grace period");

    // After the grace period, the old lease is revoked: well before it would have expired.
    advance_to(&manual, t0 + 160 * MINUTE + GRACE - Duration::from_secs(1)).await;
    scheduled(&manual).await;
    assert_eq!(lease(&fake, 0).state, FakeLeaseState::Active, "not before the grace period ends");
    advance_to(&manual, t0 + 160 * MINUTE + GRACE).await;
    let (said, _, _) = events.containing("revoked").await;
    assert!(said.contains(&format!("replaced lease `{}` revoked", lease(&fake, 0).id)), "{said}");
    assert_eq!(lease(&fake, 0).state, FakeLeaseState::Revoked);
    assert!(manual.now() < t0 + 3 * HOUR);
    assert_eq!(lease(&fake, 1).state, FakeLeaseState::Active);
    assert!(watcher.health().check(INTERVAL).is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_renewal_gets_a_new_lease_at_once() {
    let manual = clock();
    let fake = fake(&manual, DynamicSecretSpec::new(HOUR)).await;
    let events = Events::default();
    let watcher = start(provider(&fake), &manual, &events).await;
    let t0 = manual.now();
    // An administrator lowers the max TTL to 90 min: the next renewal (to 100 min) is refused.
    fake.set_dynamic_secret("prod", "/", "postgres", DynamicSecretSpec::new(HOUR).max_ttl(90 * MINUTE));
    advance_to(&manual, t0 + 40 * MINUTE).await;
    let (_, report, leased) = events.containing("configuration changed").await;
    assert_eq!(leased.len(), 2);
    assert_eq!(fake.lease_counts().renews, 1, "refused once, not asked again");
    assert_eq!(lease(&fake, 0).renewals, 0);
    assert_eq!(report.leases[0].rotations, 1);
    assert_eq!(watcher.current().database.username, "user-2");
    // The old lease, still valid until 60 min, is revoked after its grace period.
    advance_to(&manual, t0 + 40 * MINUTE + GRACE).await;
    until("the old lease revoked", || lease(&fake, 0).state == FakeLeaseState::Revoked).await;
    assert_eq!(events.count("failed"), 0, "a refusal is no failure: {:?}", events.texts());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lease_revoked_behind_the_watchers_back_is_replaced_at_its_renewal() {
    let manual = clock();
    let fake = fake(&manual, DynamicSecretSpec::new(HOUR)).await;
    let events = Events::default();
    let watcher = start(provider(&fake), &manual, &events).await;
    let t0 = manual.now();
    let folder = DynamicSecretFolder::new(fake.project_id(), "prod");
    client(&fake).dynamic_secrets().revoke_lease(&RevokeLease::new(folder, lease(&fake, 0).id)).await.unwrap();
    advance_to(&manual, t0 + 40 * MINUTE).await;
    events.containing("configuration changed").await;
    assert_eq!(watcher.current().database.username, "user-2");
    // The gone lease is not revoked again.
    advance_to(&manual, t0 + 40 * MINUTE + GRACE).await;
    scheduled(&manual).await;
    assert_eq!(fake.lease_counts().revokes, 1, "only the revocation behind its back");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_outage_during_renewal_is_retried_and_warned_of_before_the_lease_lapses() {
    let manual = clock();
    let fake = fake(&manual, DynamicSecretSpec::new(HOUR)).await;
    let events = Events::default();
    let watcher = start(provider(&fake), &manual, &events).await;
    let t0 = manual.now();
    fake.set_unavailable(true);
    advance_to(&manual, t0 + 40 * MINUTE).await;
    let (said, report, _) = events.containing("renewing lease").await;
    assert!(said.contains("failed, retrying at") && said.contains("503"), "{said}");
    assert_eq!(report.leases[0].status, LeaseStatus::Failing);
    let health = watcher.health();
    assert_eq!(health.leases[0].status, LeaseStatus::Failing);
    assert!(health.check(INTERVAL).is_ok(), "20 min left: not yet at risk");

    // Retried with backoff; once half of the 20 min left is gone, a warning, and health not ready.
    while events.count("about to lapse") == 0 {
        assert!(manual.now() < t0 + HOUR, "warned before the lease lapses: {:#?}", events.texts());
        advance_to_next(&manual).await;
        scheduled(&manual).await;
    }
    let retries = events.count("renewing lease");
    assert!(retries >= 5, "retried: {:#?}", events.texts());
    assert!(manual.now() >= t0 + 50 * MINUTE && manual.now() < t0 + HOUR);
    let (said, _, _) = events.containing("about to lapse").await;
    assert!(said.contains("stop working at") && said.contains("503"), "{said}");
    let not_ready = watcher.health().check(INTERVAL).unwrap_err().to_string();
    assert!(
        not_ready.starts_with("not ready: the credentials of dynamic secret `postgres` stop working at"),
        "{not_ready}"
    );
    assert_eq!(lease(&fake, 0).state, FakeLeaseState::Active, "warned while the lease still works");

    // Infisical back: the next retry renews, health is ready again.
    fake.set_unavailable(false);
    advance_to_next(&manual).await;
    events.containing("renewed").await;
    assert_eq!(lease(&fake, 0).renewals, 1);
    let health = watcher.health();
    assert_eq!((health.leases[0].status, health.leases[0].last_error.as_deref()), (LeaseStatus::Active, None));
    assert!(health.check(INTERVAL).is_ok());
    assert_eq!(fake.leases().len(), 1, "renewed, not replaced");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lease_that_lapses_during_an_outage_is_replaced_when_infisical_answers() {
    let manual = clock();
    let fake = fake(&manual, DynamicSecretSpec::new(HOUR)).await;
    let events = Events::default();
    let watcher = start(provider(&fake), &manual, &events).await;
    let t0 = manual.now();
    fake.set_unavailable(true);
    while events.count("lapsed") == 0 {
        assert!(manual.now() <= t0 + HOUR, "{:#?}", events.texts());
        advance_to_next(&manual).await;
        scheduled(&manual).await;
    }
    assert_eq!(manual.now(), t0 + HOUR);
    assert!(watcher.health().check(INTERVAL).unwrap_err().to_string().contains("no longer work"));
    fake.set_unavailable(false);
    advance_to_next(&manual).await;
    events.containing("configuration changed").await;
    assert_eq!(watcher.current().database.username, "user-2");
    assert!(watcher.health().check(INTERVAL).is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_revokes_the_leases_in_use_and_those_in_their_grace_period() {
    let manual = clock();
    let fake = fake(&manual, DynamicSecretSpec::new(HOUR).max_ttl(HOUR)).await;
    let events = Events::default();
    let watcher = start(provider(&fake), &manual, &events).await;
    // At 40 min no renewal fits under the max TTL: replaced, the old one in its grace period.
    advance_to(&manual, manual.now() + 40 * MINUTE).await;
    events.containing("configuration changed").await;
    let reports = watcher.shutdown().await;
    assert_eq!(reports.len(), 1);
    assert_eq!((reports[0].status, reports[0].lease_id.as_str()), (LeaseStatus::Revoked, lease(&fake, 1).id.as_str()));
    let states: Vec<FakeLeaseState> = fake.leases().iter().map(|l| l.state).collect();
    assert_eq!(states, [FakeLeaseState::Revoked, FakeLeaseState::Revoked]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_the_watcher_revokes_its_lease() {
    let manual = clock();
    let fake = fake(&manual, DynamicSecretSpec::new(HOUR)).await;
    let watcher = start(provider(&fake), &manual, &Events::default()).await;
    drop(watcher);
    until("the lease revoked after the drop", || lease(&fake, 0).state == FakeLeaseState::Revoked).await;
}

#[test]
fn the_blocking_watcher_renews_and_revokes_when_dropped() {
    let manual = clock();
    let fake = FakeInfisical::builder()
        .clock(&manual)
        .secret("prod", "/", "GREETING", "hello")
        .dynamic_secret("prod", "/", "postgres", DynamicSecretSpec::new(HOUR))
        .start_blocking();
    let client = fake.blocking_client_builder().retry(RetryPolicy::disabled()).build().unwrap();
    let watcher = Infisical::new(fake.project_id(), "prod")
        .client(client)
        .lease(postgres())
        .watch(INTERVAL)
        .clock(&manual)
        .start_blocking::<Config, _>(Figment::from)
        .unwrap();
    assert_eq!(watcher.current().database.password.expose_secret().len(), 32);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(advance_to(&manual, manual.now() + 40 * MINUTE));
    runtime.block_on(until("the renewal", || lease(&fake, 0).renewals == 1));
    drop(watcher);
    assert_eq!(lease(&fake, 0).state, FakeLeaseState::Revoked, "revoked before the drop returned");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_during_an_outage_ends_within_its_bound_and_leaves_the_lease_to_its_ttl() {
    let manual = clock();
    let fake = fake(&manual, DynamicSecretSpec::new(HOUR)).await;
    // A client that would retry a 503 for minutes: only the shutdown's bound ends the revocation.
    let patient = RetryPolicy::default()
        .max_retries(50)
        .initial_backoff(Duration::from_secs(5))
        .max_backoff(Duration::from_secs(5));
    let client = fake.client_builder().retry(patient).build().unwrap();
    let watcher = Infisical::new(fake.project_id(), "prod")
        .client(client)
        .lease(postgres())
        .watch(INTERVAL)
        .clock(&manual)
        .shutdown_timeout(Duration::from_millis(300))
        .start::<Config, _>(Figment::from)
        .await
        .unwrap();
    fake.set_unavailable(true);
    let began = Instant::now();
    let reports = watcher.shutdown().await;
    let took = began.elapsed();
    assert!(took < Duration::from_secs(5), "bounded by shutdown_timeout (300 ms), not the retries: {took:?}");
    assert_eq!(reports.len(), 1);
    assert_ne!(reports[0].status, LeaseStatus::Revoked, "not revoked: it expires at its TTL");
    assert_eq!(lease(&fake, 0).state, FakeLeaseState::Active);
}

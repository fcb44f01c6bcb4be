//! Dynamic secrets and leases (issue 30): the resource against the fake server (whose lease expiry
//! follows a manual clock) and against `wiremock` with the recorded server's bodies; the typed errors
//! and what they say; the blocking form.

mod common;

use std::time::{Duration, SystemTime};

use common::*;
use infisical_config::error::LeaseError;
use infisical_config::resources::dynamic_secrets::{
    CreateLease, DynamicSecretFolder, Lease, NewLease, RenewLease, RevokeLease,
};
use infisical_config::testing::{DynamicSecretSpec, FakeInfisical, FakeLeaseState, LeaseCounts, ManualClock};
use infisical_config::{Error, ExposeSecret};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const HOUR: Duration = Duration::from_secs(3600);
const MINUTE: Duration = Duration::from_secs(60);

/// A recorded exchange of the 2025-06 server.
fn sample_2025(prefix: &str) -> Value {
    let dir = fixtures().join("server-2025-06");
    let entry = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .find(|e| e.file_name().to_string_lossy().starts_with(prefix))
        .unwrap_or_else(|| panic!("no sample {prefix}"));
    serde_json::from_slice(&std::fs::read(entry.path()).unwrap()).unwrap()
}

fn lease_error(err: &Error) -> &LeaseError {
    match err {
        Error::Lease(lease) => lease,
        other => panic!("not a lease error: {other:?}"),
    }
}

/// A fake with dynamic secret `postgres` in `dev` `/db` (1 h default, 3 h max) on a manual clock.
async fn fake_with_clock(clock: &ManualClock) -> FakeInfisical {
    FakeInfisical::builder()
        .clock(clock)
        .dynamic_secret("dev", "/db", "postgres", DynamicSecretSpec::new(HOUR).max_ttl(3 * HOUR))
        .start()
        .await
}

fn db(fake: &FakeInfisical) -> DynamicSecretFolder {
    DynamicSecretFolder::new(fake.project_id(), "dev").path("/db")
}

#[tokio::test]
async fn list_and_get_answer_the_dynamic_secrets_of_a_folder() {
    let clock = ManualClock::new();
    let fake = fake_with_clock(&clock).await;
    let client = fake.client_builder().build().unwrap();
    let found = client.dynamic_secrets().list(&db(&fake)).await.unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!((found[0].name.as_str(), found[0].kind.as_str()), ("postgres", "sql-database"));
    assert_eq!(found[0].default_ttl.duration(), Some(HOUR));
    assert_eq!(found[0].max_ttl.as_ref().and_then(|t| t.duration()), Some(3 * HOUR));

    // Names are lower case on the server: sent so.
    let one = client.dynamic_secrets().get(&db(&fake), "Postgres").await.unwrap();
    assert_eq!(one.id, found[0].id);
    assert!(!format!("{one:?}").contains("fake-root-password"), "the provider's root credentials are not kept");

    let err = client.dynamic_secrets().get(&db(&fake), "mysql").await.unwrap_err();
    assert!(matches!(lease_error(&err), LeaseError::UnknownDynamicSecret { name, .. } if name == "mysql"), "{err:?}");
    assert!(err.is_not_found() && err.status() == Some(404));
    let text = err.to_string();
    assert!(text.contains("no dynamic secret `mysql`") && text.contains("folder `/db`"), "{text}");
    assert!(text.contains("Dynamic secret with name 'mysql'"), "the server's words are kept: {text}");

    // An unknown folder is named, with what exists beside it.
    let err = client.dynamic_secrets().list(&db(&fake).path("/dbb")).await.unwrap_err();
    assert!(
        matches!(&err, Error::NotFound { target, existing, .. } if target == "folder `/dbb`" && existing == &["db"]),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_list_sends_the_scope_and_reads_the_recorded_answer() {
    let recorded = sample_2025("058");
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/dynamic-secrets"))
        .and(query_param("projectSlug", "rust-sdk-test"))
        .and(query_param("environmentSlug", "dev"))
        .and(query_param("path", "/"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&recorded["response"]))
        .expect(1)
        .mount(&server)
        .await;
    let client = builder(&server.uri()).access_token("t").build().unwrap();
    let found = client.dynamic_secrets().list(&DynamicSecretFolder::new("rust-sdk-test", "dev")).await.unwrap();
    assert!(found.is_empty());
}

#[tokio::test]
async fn a_new_lease_carries_its_credentials_once_and_never_shows_them() {
    let clock = ManualClock::new();
    let fake = fake_with_clock(&clock).await;
    let client = fake.client_builder().build().unwrap();
    let created = client.dynamic_secrets().create_lease(&CreateLease::new(db(&fake), "postgres")).await.unwrap();
    assert_eq!(created.data.get("DB_USERNAME").unwrap().expose_secret(), "user-1");
    let password = created.data.get("DB_PASSWORD").unwrap().expose_secret().to_owned();
    assert_eq!(password.len(), 32);
    // Times come back as the server writes them (milliseconds, `Z`), as the clock's.
    let start = clock.now();
    let millis = |t: SystemTime| t.duration_since(SystemTime::UNIX_EPOCH).unwrap().as_millis();
    assert_eq!(millis(created.lease.created_at), millis(start));
    assert_eq!(millis(created.lease.expire_at), millis(start + HOUR), "the default TTL");
    assert_eq!(created.lease.remaining(created.lease.created_at + 10 * MINUTE), 50 * MINUTE);
    assert_eq!(created.lease.remaining(created.lease.created_at + 2 * HOUR), Duration::ZERO);

    let second = client.dynamic_secrets().create_lease(&CreateLease::new(db(&fake), "postgres")).await.unwrap();
    assert_ne!(second.data.get("DB_PASSWORD").unwrap().expose_secret(), password, "fresh credentials per lease");

    // Nothing else carries them: the lease, the leases listed, and every Debug.
    let got = client.dynamic_secrets().get_lease(&db(&fake), &created.lease.id).await.unwrap();
    let listed = client.dynamic_secrets().leases(&db(&fake), "postgres").await.unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(got.dynamic_secret.as_ref().map(|d| d.name.as_str()), Some("postgres"));
    for shown in [format!("{created:?}"), format!("{got:?}"), format!("{listed:?}"), format!("{:?}", fake.leases())] {
        assert!(!shown.contains(&password), "{shown}");
    }
    assert!(format!("{:?}", created.data).contains("DB_PASSWORD"), "the names are shown");
}

#[tokio::test]
async fn a_renewal_adds_to_the_current_expiry_up_to_the_max_ttl_and_a_refused_one_changes_nothing() {
    let clock = ManualClock::new();
    let fake = fake_with_clock(&clock).await;
    let client = fake.client_builder().build().unwrap();
    let handler = client.dynamic_secrets();
    let lease = handler.create_lease(&CreateLease::new(db(&fake), "postgres")).await.unwrap().lease;
    let created = lease.created_at;

    clock.advance(5 * MINUTE);
    // Added to the expiry (created + 1 h), not to now: created + 2 h, not created + 1 h 05.
    let renewed = handler.renew_lease(&RenewLease::new(db(&fake), &lease.id)).await.unwrap();
    assert_eq!(renewed.expire_at, created + 2 * HOUR);
    let renewed = handler.renew_lease(&RenewLease::new(db(&fake), &lease.id).ttl(30 * MINUTE)).await.unwrap();
    assert_eq!(renewed.expire_at, created + 2 * HOUR + 30 * MINUTE);
    assert_eq!(renewed.version, 3);

    // One more hour would pass created + 3 h: refused, the lease as it was.
    let err = handler.renew_lease(&RenewLease::new(db(&fake), &lease.id)).await.unwrap_err();
    assert!(
        matches!(lease_error(&err), LeaseError::RenewalPastMaxTtl { lease_id, .. } if *lease_id == lease.id),
        "{err:?}"
    );
    assert!(!err.is_transient() && !err.is_unavailable() && err.status() == Some(400));
    let text = err.to_string();
    assert!(text.contains("the lease is unchanged") && text.contains("create a new lease"), "{text}");
    assert!(text.contains("maximum allowed lease duration"), "the server's words: {text}");
    let after = handler.get_lease(&db(&fake), &lease.id).await.unwrap();
    assert_eq!(after.expire_at, created + 2 * HOUR + 30 * MINUTE, "unchanged");
    assert_eq!(fake.leases()[0].renewals, 2);

    // What still fits does: up to exactly created + 3 h.
    let last = handler.renew_lease(&RenewLease::new(db(&fake), &lease.id).ttl(30 * MINUTE)).await.unwrap();
    assert_eq!(last.expire_at, created + 3 * HOUR);
    let LeaseCounts { creates, renews, revokes, .. } = fake.lease_counts();
    assert_eq!((creates, renews, revokes), (1, 4, 0), "the refused renewal counted, once");
}

#[tokio::test]
async fn a_lease_past_its_expiry_is_gone() {
    let clock = ManualClock::new();
    let fake = fake_with_clock(&clock).await;
    let client = fake.client_builder().build().unwrap();
    let handler = client.dynamic_secrets();
    let lease = handler.create_lease(&CreateLease::new(db(&fake), "postgres").ttl(10 * MINUTE)).await.unwrap().lease;
    clock.advance(9 * MINUTE);
    handler.get_lease(&db(&fake), &lease.id).await.unwrap();
    clock.advance(MINUTE);
    assert_eq!(fake.leases()[0].state, FakeLeaseState::Expired);
    let gets = handler.get_lease(&db(&fake), &lease.id).await.unwrap_err();
    let renews = handler.renew_lease(&RenewLease::new(db(&fake), &lease.id)).await.unwrap_err();
    let revokes = handler.revoke_lease(&RevokeLease::new(db(&fake), &lease.id)).await.unwrap_err();
    for err in [&gets, &renews, &revokes] {
        assert!(matches!(lease_error(err), LeaseError::Gone { lease_id, .. } if *lease_id == lease.id), "{err:?}");
        assert!(err.is_not_found() && !err.is_unavailable());
    }
    let text = renews.to_string();
    assert!(text.contains("is gone") && text.contains("create a new lease"), "{text}");
    assert!(handler.leases(&db(&fake), "postgres").await.unwrap().is_empty());
}

#[tokio::test]
async fn a_revoked_lease_is_forgotten_and_a_revocation_the_provider_refused_is_an_error() {
    let fake =
        FakeInfisical::builder().dynamic_secret("dev", "/db", "postgres", DynamicSecretSpec::new(HOUR)).start().await;
    let client = fake.client_builder().build().unwrap();
    let handler = client.dynamic_secrets();
    let first = handler.create_lease(&CreateLease::new(db(&fake), "postgres")).await.unwrap().lease;
    let revoked = handler.revoke_lease(&RevokeLease::new(db(&fake), &first.id)).await.unwrap();
    assert_eq!(revoked.id, first.id);
    assert_eq!(fake.leases()[0].state, FakeLeaseState::Revoked);
    let again = handler.revoke_lease(&RevokeLease::new(db(&fake), &first.id)).await.unwrap_err();
    assert!(matches!(lease_error(&again), LeaseError::Gone { .. }), "{again:?}");

    fake.set_revoke_fails(true);
    let second = handler.create_lease(&CreateLease::new(db(&fake), "postgres")).await.unwrap().lease;
    let err = handler.revoke_lease(&RevokeLease::new(db(&fake), &second.id)).await.unwrap_err();
    let LeaseError::RevokeFailed { lease_id, details, lease } = lease_error(&err) else { panic!("{err:?}") };
    assert_eq!(lease_id, &second.id);
    assert!(lease.is_revoke_failed());
    assert_eq!(details.as_deref(), Some("fake provider: could not drop the database user"));
    let text = err.to_string();
    assert!(text.contains("failed at the provider: fake provider") && text.contains("force(true)"), "{text}");
    assert!(std::error::Error::source(&err).is_none() && err.status().is_none(), "answered 200: no API error");
    // The server still lists it, marked; a forced revocation removes it.
    let listed = handler.leases(&db(&fake), "postgres").await.unwrap();
    assert!(listed.iter().any(|l| l.id == second.id && l.is_revoke_failed()), "{listed:?}");
    handler.revoke_lease(&RevokeLease::new(db(&fake), &second.id).force(true)).await.unwrap();
    assert_eq!(fake.leases()[1].state, FakeLeaseState::Revoked);
    assert_eq!(fake.lease_counts().revokes, 4);
}

#[tokio::test]
async fn a_revocation_sends_a_json_body() {
    let server = MockServer::start().await;
    let lease = json!({"id": "l-1", "version": 1, "externalEntityId": "user-1", "expireAt": "2025-06-18T13:00:00.000Z",
        "createdAt": "2025-06-18T12:00:00.000Z", "updatedAt": "2025-06-18T12:00:00.000Z", "status": null, "statusDetails": null,
        "dynamicSecretId": "d-1"});
    Mock::given(method("DELETE"))
        .and(path("/api/v1/dynamic-secrets/leases/l-1"))
        .and(body_json(json!({"projectSlug": "p", "environmentSlug": "dev", "path": "/db", "isForced": false})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"lease": lease})))
        .expect(1)
        .mount(&server)
        .await;
    let client = builder(&server.uri()).access_token("t").build().unwrap();
    let folder = DynamicSecretFolder::new("p", "dev").path("db/");
    let revoked = client.dynamic_secrets().revoke_lease(&RevokeLease::new(folder, "l-1")).await.unwrap();
    assert_eq!(revoked.expire_at, SystemTime::UNIX_EPOCH + Duration::from_secs(1_750_251_600));
}

#[tokio::test]
async fn the_plan_restriction_is_its_own_error_and_never_retried() {
    let fake =
        FakeInfisical::builder().dynamic_secret("dev", "/db", "postgres", DynamicSecretSpec::new(HOUR)).start().await;
    let client = fake.client_builder().build().unwrap();
    let handler = client.dynamic_secrets();
    let lease = handler.create_lease(&CreateLease::new(db(&fake), "postgres")).await.unwrap().lease;
    fake.set_dynamic_secrets_licensed(false);

    let created = handler.create_lease(&CreateLease::new(db(&fake), "no-such-name")).await.unwrap_err();
    let renewed = handler.renew_lease(&RenewLease::new(db(&fake), &lease.id)).await.unwrap_err();
    for err in [&created, &renewed] {
        assert!(matches!(lease_error(err), LeaseError::NotLicensed { .. }), "{err:?}");
        assert!(!err.is_transient() && !err.is_unavailable() && err.status() == Some(400), "{err:?}");
        let text = err.to_string();
        assert!(text.contains("Enterprise licence") && text.contains("Enterprise tier"), "{text}");
        assert!(text.contains("plan restriction"), "the server's words: {text}");
        let source = std::error::Error::source(err).unwrap();
        assert!(source.downcast_ref::<infisical_config::error::ApiError>().is_some_and(|api| api.status() == 400));
    }
    assert_eq!((fake.lease_counts().creates, fake.lease_counts().renews), (2, 1), "each asked once");
    // Listing and revoking need no licence.
    assert_eq!(handler.leases(&db(&fake), "postgres").await.unwrap().len(), 1);
    handler.revoke_lease(&RevokeLease::new(db(&fake), &lease.id)).await.unwrap();

    // The recorded answer of the 2025-06 server, on wiremock: one request, the same error.
    let recorded = sample_2025("060");
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/dynamic-secrets/leases"))
        .and(body_json(&recorded["body"]))
        .respond_with(ResponseTemplate::new(400).set_body_json(&recorded["response"]))
        .expect(1)
        .mount(&server)
        .await;
    let client = builder(&server.uri()).access_token("t").build().unwrap();
    let req = CreateLease::new(DynamicSecretFolder::new("rust-sdk-test", "dev"), "db").ttl(HOUR);
    let err = client.dynamic_secrets().create_lease(&req).await.unwrap_err();
    assert!(matches!(lease_error(&err), LeaseError::NotLicensed { .. }), "{err:?}");
    assert!(err.to_string().contains("req-1yKyq0d8KqWl0o"), "the request id is kept: {err}");
}

#[tokio::test]
async fn a_missing_permission_says_which() {
    let fake = FakeInfisical::builder()
        .dynamic_secret("dev", "/db", "postgres", DynamicSecretSpec::new(HOUR))
        .lease_permission(false)
        .start()
        .await;
    let client = fake.client_builder().build().unwrap();
    let err = client.dynamic_secrets().create_lease(&CreateLease::new(db(&fake), "postgres")).await.unwrap_err();
    let LeaseError::PermissionDenied { action, permission, .. } = lease_error(&err) else { panic!("{err:?}") };
    assert!(action.contains("lease dynamic secret `postgres`") && permission.contains("`Lease`"), "{err}");
    assert_eq!(err.status(), Some(403));
    // Not taken for a rejected token: no second login, no second try.
    let log = fake.request_log().await;
    let expected = [
        "POST /api/v1/auth/universal-auth/login".to_owned(),
        format!("GET /api/v1/projects/{}", fake.project_id()),
        "POST /api/v1/dynamic-secrets/leases".to_owned(),
    ];
    assert_eq!(log, expected);
    // Listing needs no `Lease`.
    assert_eq!(client.dynamic_secrets().list(&db(&fake)).await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_ttl_over_the_max_is_refused_by_the_server_and_one_under_a_minute_before_sending() {
    let clock = ManualClock::new();
    let fake = fake_with_clock(&clock).await;
    let client = fake.client_builder().build().unwrap();
    let handler = client.dynamic_secrets();
    let err = handler.create_lease(&CreateLease::new(db(&fake), "postgres").ttl(4 * HOUR)).await.unwrap_err();
    assert!(matches!(lease_error(&err), LeaseError::TtlOverMax { ttl: Some(ttl), .. } if ttl == "4h"), "{err:?}");
    assert!(err.to_string().contains("TTL 4h") && err.to_string().contains("max TTL"), "{err}");
    let requests = fake.requests().await;

    let err =
        handler.create_lease(&CreateLease::new(db(&fake), "postgres").ttl(Duration::from_secs(59))).await.unwrap_err();
    assert!(matches!(err, Error::InvalidRequest { field: "ttl", .. }), "{err:?}");
    let err = handler.renew_lease(&RenewLease::new(db(&fake), "any").ttl(Duration::from_secs(30))).await.unwrap_err();
    assert!(matches!(err, Error::InvalidRequest { field: "ttl", .. }), "{err:?}");
    assert_eq!(fake.requests().await, requests, "nothing sent");
}

#[tokio::test]
async fn ttls_are_sent_with_their_unit() {
    let server = MockServer::start().await;
    let created = json!({
        "lease": {"id": "l-1", "version": 1, "externalEntityId": "user-1", "expireAt": "2025-06-18T13:30:00.000Z",
                  "createdAt": "2025-06-18T12:00:00.000Z", "updatedAt": "2025-06-18T12:00:00.000Z", "dynamicSecretId": "d-1"},
        "dynamicSecret": {"id": "d-1", "name": "db", "version": 1, "type": "sql-database", "defaultTTL": "1h", "maxTTL": null,
                          "folderId": "f", "createdAt": "2025-06-18T12:00:00.000Z", "updatedAt": "2025-06-18T12:00:00.000Z"},
        "data": {"DB_USERNAME": "user-1", "DB_PASSWORD": "pw"}
    });
    Mock::given(method("POST"))
        .and(path("/api/v1/dynamic-secrets/leases"))
        .and(body_json(
            json!({"dynamicSecretName": "db", "projectSlug": "p", "environmentSlug": "dev", "path": "/", "ttl": "90m"}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(&created))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v1/dynamic-secrets/leases/l-1/renew"))
        .and(body_json(json!({"projectSlug": "p", "environmentSlug": "dev", "path": "/", "ttl": "90s"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"lease": created["lease"]})))
        .expect(1)
        .mount(&server)
        .await;
    let client = builder(&server.uri()).access_token("t").build().unwrap();
    let folder = DynamicSecretFolder::new("p", "dev");
    let new: NewLease =
        client.dynamic_secrets().create_lease(&CreateLease::new(folder.clone(), "DB").ttl(90 * MINUTE)).await.unwrap();
    assert!(new.dynamic_secret.max_ttl.is_none());
    let renewed: Lease = client
        .dynamic_secrets()
        .renew_lease(&RenewLease::new(folder, "l-1").ttl(Duration::from_secs(90)))
        .await
        .unwrap();
    assert_eq!(renewed.id, "l-1");
}

#[tokio::test]
async fn a_kubernetes_lease_sends_its_namespace() {
    let fake = FakeInfisical::builder()
        .dynamic_secret(
            "dev",
            "/",
            "cluster",
            DynamicSecretSpec::new(HOUR).kind("kubernetes").data("TOKEN", "token-{random}"),
        )
        .start()
        .await;
    let client = fake.client_builder().build().unwrap();
    let folder = DynamicSecretFolder::new(fake.project_id(), "dev");
    let created = client
        .dynamic_secrets()
        .create_lease(&CreateLease::new(folder, "cluster").kubernetes_namespace("payments"))
        .await
        .unwrap();
    assert!(created.data.get("TOKEN").unwrap().expose_secret().starts_with("token-"));
    assert_eq!(created.lease.config, Some(json!({"namespace": "payments"})));
    assert_eq!(fake.leases()[0].config, Some(json!({"namespace": "payments"})));
    assert!(fake.request_log().await.contains(&"POST /api/v1/dynamic-secrets/leases/kubernetes".to_owned()));

    // A server of 2024 has no such route: its answer stands, with why.
    let old = FakeInfisical::builder()
        .dynamic_secret("dev", "/", "cluster", DynamicSecretSpec::new(HOUR).kind("kubernetes"))
        .legacy_only(true)
        .start()
        .await;
    let client = old.client_builder().build().unwrap();
    let folder = DynamicSecretFolder::new(infisical_config::testing::PROJECT_SLUG, "dev");
    let req = CreateLease::new(folder, "cluster").kubernetes_namespace("p");
    let err = client.dynamic_secrets().create_lease(&req).await.unwrap_err();
    assert!(matches!(err, Error::Api(_)) && err.to_string().contains("no kubernetes lease route"), "{err:?}");
}

#[tokio::test]
async fn a_project_given_by_id_is_sent_as_its_slug_looked_up_once() {
    let fake =
        FakeInfisical::builder().dynamic_secret("dev", "/db", "postgres", DynamicSecretSpec::new(HOUR)).start().await;
    let client = fake.client_builder().build().unwrap();
    let folder = db(&fake);
    let calls = (0..8).map(|_| {
        let (client, folder) = (client.clone(), folder.clone());
        tokio::spawn(async move { client.dynamic_secrets().list(&folder).await.map(|found| found.len()) })
    });
    for call in calls {
        assert_eq!(call.await.unwrap().unwrap(), 1);
    }
    client.dynamic_secrets().create_lease(&CreateLease::new(folder, "postgres")).await.unwrap();
    let log = fake.request_log().await;
    let lookups = log.iter().filter(|r| r.starts_with("GET /api/v1/projects/")).count();
    assert_eq!(lookups, 1, "{log:?}");
    assert_eq!(fake.lease_counts().creates, 1, "the fake only knows the slug: the create named it");
}

#[tokio::test]
async fn refusals_of_servers_of_2024_are_the_same_errors() {
    let server = MockServer::start().await;
    let refuse = |message: &str| {
        ResponseTemplate::new(400).set_body_json(json!({"statusCode": 400, "message": message, "error": "BadRequest"}))
    };
    Mock::given(method("POST"))
        .and(path("/api/v1/dynamic-secrets/leases/old/renew"))
        .respond_with(refuse("TTL cannot be larger than max ttl"))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v1/dynamic-secrets/leases/gone/renew"))
        .respond_with(refuse("Dynamic secret lease not found"))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v1/dynamic-secrets/leases"))
        .respond_with(refuse("Dynamic secret not found"))
        .mount(&server)
        .await;
    let client = builder(&server.uri()).access_token("t").build().unwrap();
    let folder = DynamicSecretFolder::new("p", "dev");
    let handler = client.dynamic_secrets();
    let err = handler.renew_lease(&RenewLease::new(folder.clone(), "old")).await.unwrap_err();
    assert!(matches!(lease_error(&err), LeaseError::RenewalPastMaxTtl { .. }), "{err:?}");
    let err = handler.renew_lease(&RenewLease::new(folder.clone(), "gone")).await.unwrap_err();
    assert!(matches!(lease_error(&err), LeaseError::Gone { .. }) && err.is_not_found(), "{err:?}");
    let err = handler.create_lease(&CreateLease::new(folder, "db")).await.unwrap_err();
    assert!(matches!(lease_error(&err), LeaseError::UnknownDynamicSecret { .. }) && err.is_not_found(), "{err:?}");
}

#[test]
fn the_blocking_form_works() {
    let fake = FakeInfisical::builder()
        .dynamic_secret("dev", "/db", "postgres", DynamicSecretSpec::new(HOUR))
        .start_blocking();
    let client = fake.blocking_client_builder().build().unwrap();
    let handler = client.dynamic_secrets();
    assert_eq!(handler.list(&db(&fake)).unwrap().len(), 1);
    assert_eq!(handler.get(&db(&fake), "postgres").unwrap().name, "postgres");
    let created = handler.create_lease(&CreateLease::new(db(&fake), "postgres")).unwrap();
    let renewed = handler.renew_lease(&RenewLease::new(db(&fake), &created.lease.id).ttl(MINUTE)).unwrap();
    assert_eq!(renewed.expire_at, created.lease.expire_at + MINUTE);
    assert_eq!(handler.leases(&db(&fake), "postgres").unwrap().len(), 1);
    assert_eq!(handler.get_lease(&db(&fake), &created.lease.id).unwrap().id, created.lease.id);
    handler.revoke_lease(&RevokeLease::new(db(&fake), &created.lease.id)).unwrap();
    assert!(handler.get_lease(&db(&fake), &created.lease.id).unwrap_err().is_not_found());
}

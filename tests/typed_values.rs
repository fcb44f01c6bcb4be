//! Typed values the way figment users expect: lossy extraction with redacted errors, a strict
//! extraction's type error that names the secret and the fix (never the value), `parse_values` and
//! `"0123"`, and the check for secrets no field reads.

use std::collections::HashMap;

use figment::providers::{Format, Toml};
use figment::{Figment, Profile};
use infisical_config::figment::{ExtractRedacted, UnreadSecret, redact, unread_secrets};
use infisical_config::testing::FakeInfisical;
use infisical_config::{ExposeSecret, Infisical, SecretString};
use serde::Deserialize;

fn provider(fake: &FakeInfisical) -> Infisical {
    Infisical::new(fake.project_id(), "dev").client(fake.blocking_client_builder().build().unwrap())
}

#[derive(Debug, Deserialize)]
struct Typed {
    port: u16,
    debug: bool,
    pin: String,
    token: SecretString,
    retries: Option<u8>,
}

#[test]
fn lossy_redacted_extraction_reads_numbers_and_booleans_and_keeps_strings_as_stored() {
    let fake = FakeInfisical::builder()
        .secret("dev", "/", "PORT", "8080")
        .secret("dev", "/", "DEBUG", "true")
        .secret("dev", "/", "PIN", "0123")
        .secret("dev", "/", "TOKEN", "0123")
        .secret("dev", "/", "RETRIES", "3")
        .secret("dev", "/db", "PORT", "5432")
        .start_blocking();
    let figment = Figment::new().merge(provider(&fake).recursive(true).nest_folders(true));
    let typed: Typed = figment.extract_lossy_redacted().unwrap();
    assert_eq!((typed.port, typed.debug, typed.retries), (8080, true, Some(3)));
    // figment's lossy extraction converts only for the number and bool fields that ask for one.
    assert_eq!(typed.pin, "0123", "a String field keeps the value as stored");
    assert_eq!(typed.token.expose_secret(), "0123", "so does a SecretString field");
    let port: u16 = figment.extract_inner_lossy_redacted("db.port").unwrap();
    assert_eq!(port, 5432);
}

#[test]
fn a_lossy_extraction_that_fails_names_the_secret_never_the_value() {
    let fake = FakeInfisical::builder().secret("dev", "/", "PORT", "not-a-port-xyzzy").start_blocking();
    #[derive(Debug, Deserialize)]
    struct Port {
        #[allow(dead_code)]
        port: u16,
    }
    let err = Figment::new().merge(provider(&fake)).extract_lossy_redacted::<Port>().unwrap_err();
    let shown = format!("{err} {err:?}");
    assert!(shown.contains("secret `PORT` in / (dev)"), "{shown}");
    assert!(!shown.contains("xyzzy"), "{shown}");
    // Lossy already: pointing to the lossy extraction would not help.
    assert!(!shown.contains("extract_lossy_redacted"), "{shown}");
}

#[test]
fn a_strict_extraction_of_a_string_into_a_number_or_bool_names_the_secret_and_the_fix_not_the_value() {
    let fake = FakeInfisical::builder()
        .secret("dev", "/", "PORT", "3141592653")
        .secret("dev", "/", "DEBUG", "yes")
        .start_blocking();
    let figment = Figment::new().merge(provider(&fake));
    #[derive(Debug, Deserialize)]
    struct Port {
        port: u32,
    }
    #[derive(Debug, Deserialize)]
    struct Flag {
        #[allow(dead_code)]
        debug: bool,
    }
    let redacted = figment.extract_redacted::<Port>().unwrap_err();
    let via_redact = redact(figment.extract::<Port>().unwrap_err());
    let flag = figment.extract_redacted::<Flag>().unwrap_err();
    for (shown, secret) in [
        (format!("{redacted}"), "PORT"),
        (format!("{redacted:?}"), "PORT"),
        (via_redact.to_string(), "PORT"),
        (format!("{flag} {flag:?}"), "DEBUG"),
    ] {
        assert!(shown.contains(&format!("secret `{secret}` in / (dev)")), "{shown}");
        assert!(shown.contains("extract_lossy_redacted()"), "{shown}");
        assert!(shown.contains("figment's lossy extraction"), "{shown}");
        assert!(shown.contains(".parse_values(true)"), "{shown}");
        assert!(shown.contains(r#"turns "0123" into 123 for string fields"#), "{shown}");
        assert!(!shown.contains("3141592653") && !shown.contains("yes"), "{shown}");
    }
    // The fix works.
    assert_eq!(figment.extract_lossy_redacted::<Port>().unwrap().port, 3_141_592_653);
    assert!(figment.extract_lossy_redacted::<Flag>().unwrap().debug);
}

#[test]
fn parse_values_turns_a_numeric_string_into_a_number_and_the_error_says_so() {
    let fake = FakeInfisical::builder().secret("dev", "/", "PIN", "0123456789").start_blocking();
    #[derive(Debug, Deserialize)]
    struct Pin {
        #[allow(dead_code)]
        pin: String,
    }
    let parsed = Figment::new().merge(provider(&fake).parse_values(true));
    assert_eq!(parsed.find_value("pin").unwrap().to_u128(), Some(123_456_789), "it became a number");
    for err in [parsed.extract_redacted::<Pin>().unwrap_err(), parsed.extract_lossy_redacted::<Pin>().unwrap_err()] {
        let shown = format!("{err} {err:?}");
        assert!(shown.contains("secret `PIN` in / (dev)"), "{shown}");
        assert!(shown.contains("`.parse_values(true)` made this secret a number"), "{shown}");
        assert!(!shown.contains("123456789"), "{shown}");
    }
    let stored: Pin = Figment::new().merge(provider(&fake)).extract_lossy_redacted().unwrap();
    assert_eq!(stored.pin, "0123456789", "without parse_values, lossy extraction keeps it");
}

#[derive(Debug, Deserialize)]
struct Service {
    database_url: SecretString,
    port: u16,
    db: Db,
    #[serde(default)]
    timeout: Option<u32>,
}

#[derive(Debug, Deserialize)]
struct Db {
    host: String,
}

/// Secrets with canary values: none of them may show up in any output.
fn typo_fake() -> FakeInfisical {
    FakeInfisical::builder()
        .secret("dev", "/", "DATABASE_URL", "canary-value-url")
        .secret("dev", "/", "DATABSE_URL", "canary-value-typo")
        .secret("dev", "/", "PORT", "8080")
        .secret("dev", "/", "TIMOUT", "canary-value-30")
        .secret("dev", "/db", "HOST", "canary-value-host")
        .secret("dev", "/db", "HOTS", "canary-value-hots")
        .secret("dev", "/cache", "TTL", "canary-value-ttl")
        .start_blocking()
}

fn assert_no_value(shown: &str) {
    assert!(!shown.contains("canary-value"), "{shown}");
}

#[test]
fn unread_secrets_lists_exactly_the_secrets_no_field_reads_names_only() {
    let fake = typo_fake();
    let figment = Figment::new()
        // A TOML key no field reads is not a secret: not reported.
        .merge(Toml::string("port = 1\nunused_file_key = \"canary-value-file\"\n[db]\nextra = 2"))
        .merge(provider(&fake).recursive(true));
    let unread = unread_secrets::<Service>(&figment).unwrap();
    let found: Vec<(&str, &str, &str, &str)> =
        unread.iter().map(|s| (s.key.as_str(), s.name.as_str(), s.folder.as_str(), s.environment.as_str())).collect();
    assert_eq!(
        found,
        [
            ("cache.ttl", "TTL", "/cache", "dev"),
            ("databse_url", "DATABSE_URL", "/", "dev"),
            ("db.hots", "HOTS", "/db", "dev"),
            ("timout", "TIMOUT", "/", "dev"),
        ],
        "a whole unread folder, a typo beside the right name, a typo in a folder, a typo of an optional field"
    );
    assert!(unread.iter().all(|s| s.profile == Profile::Default));
    assert_eq!(unread[1].to_string(), "secret `DATABSE_URL` in / (dev) at key `databse_url`");
    assert_no_value(&format!("{unread:?} {}", unread.iter().map(UnreadSecret::to_string).collect::<String>()));

    // The same secrets, read: nothing unread.
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Everything {
        database_url: SecretString,
        databse_url: SecretString,
        port: u16,
        timout: String,
        db: HashMap<String, SecretString>,
        cache: Cache,
    }
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Cache {
        ttl: String,
    }
    let secrets_only = Figment::new().merge(provider(&fake).recursive(true));
    assert_eq!(unread_secrets::<Everything>(&secrets_only).unwrap(), []);
}

#[test]
fn unread_secrets_names_the_profile_a_secret_was_provided_in() {
    let fake = typo_fake();
    let figment = Figment::new().merge(provider(&fake).recursive(true).global());
    let unread = unread_secrets::<Service>(&figment).unwrap();
    assert_eq!(unread.len(), 4);
    assert!(unread.iter().all(|s| s.profile == Profile::Global), "{unread:?}");
}

#[test]
fn a_map_or_flattened_field_reads_every_secret_under_it() {
    let fake = typo_fake();
    let figment = Figment::new().merge(provider(&fake).recursive(true));
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Flattened {
        port: u16,
        #[serde(flatten)]
        rest: HashMap<String, figment::value::Value>,
    }
    assert_eq!(unread_secrets::<Flattened>(&figment).unwrap(), [], "the documented limitation");
}

#[test]
fn unread_secrets_of_a_type_that_does_not_extract_is_the_redacted_error() {
    let fake = typo_fake();
    let figment = Figment::new().merge(provider(&fake).recursive(true));
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Wrong {
        database_url: u16,
    }
    let err = unread_secrets::<Wrong>(&figment).unwrap_err();
    let shown = format!("{err} {err:?}");
    assert!(shown.contains("secret `DATABASE_URL` in / (dev)"), "{shown}");
    assert_no_value(&shown);
}

#[test]
fn extract_checked_fails_naming_every_unread_secret_and_passes_when_all_are_read() {
    let fake = typo_fake();
    let figment = Figment::new().merge(provider(&fake).recursive(true));
    let err = figment.extract_checked::<Service>().unwrap_err();
    let shown = err.to_string();
    assert!(!shown.contains('\n'), "one line: {shown}");
    assert!(shown.contains("reads 4 secrets from Infisical"), "{shown}");
    for named in [
        "secret `DATABSE_URL` in / (dev) at key `databse_url`",
        "secret `HOTS` in /db (dev) at key `db.hots`",
        "secret `TIMOUT` in / (dev) at key `timout`",
        "secret `TTL` in /cache (dev) at key `cache.ttl`",
    ] {
        assert!(shown.contains(named), "{shown}");
    }
    assert!(!shown.contains("`DATABASE_URL`") && !shown.contains("`PORT`"), "read secrets are not listed: {shown}");
    assert_no_value(&format!("{err} {err:?}"));

    let clean = FakeInfisical::builder()
        .secret("dev", "/", "DATABASE_URL", "canary-value-url")
        .secret("dev", "/", "PORT", "8080")
        .secret("dev", "/db", "HOST", "canary-value-host")
        .start_blocking();
    let service: Service =
        Figment::new().merge(provider(&clean).recursive(true)).extract_checked().expect("every secret is read");
    assert_eq!((service.port, service.db.host.as_str(), service.timeout), (8080, "canary-value-host", None));
    assert_eq!(service.database_url.expose_secret(), "canary-value-url");
}

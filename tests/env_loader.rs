//! The env loader without touching this process's environment: the map it returns, child processes,
//! keep-existing and override rules, reserved names, and dotenv / JSON export (the dotenv file is
//! sourced by a real POSIX shell).

mod common;

use std::collections::BTreeMap;
use std::process::Command;

use infisical_config::env_loader::EnvMap;
use infisical_config::testing::FakeInfisical;
use infisical_config::{EnvLoader, Error, ExposeSecret};

fn fake() -> FakeInfisical {
    FakeInfisical::builder()
        .secret("dev", "/", "DATABASE_URL", "postgres://db")
        .secret("dev", "/", "PATH", "/evil/bin")
        .secret("dev", "/", "LD_PRELOAD", "/evil.so")
        .secret("dev", "/", "XDG_CONFIG_HOME", "/evil")
        .secret("dev", "/", "APP_TEST_EXISTING", "from-infisical")
        .secret("dev", "/api", "DATABASE_URL", "postgres://api-db")
        .secret("dev", "/api", "API_ONLY", "yes")
        .secret("dev", "/worker", "DATABASE_URL", "postgres://worker-db")
        .start_blocking()
}

fn loader(fake: &FakeInfisical) -> EnvLoader {
    EnvLoader::new(fake.project_id(), "dev").client(fake.blocking_client_builder().build().unwrap())
}

/// Runs `env -0` under the command and returns what the child saw.
fn child_env(mut command: Command) -> BTreeMap<String, String> {
    let out = command.arg("-0").output().unwrap();
    assert!(out.status.success());
    out.stdout
        .split(|b| *b == 0)
        .filter(|e| !e.is_empty())
        .filter_map(|e| String::from_utf8_lossy(e).split_once('=').map(|(k, v)| (k.to_owned(), v.to_owned())))
        .collect()
}

#[test]
fn load_returns_a_map_and_sets_nothing() {
    let fake = fake();
    let vars = loader(&fake).load().unwrap();
    assert_eq!(vars.get("DATABASE_URL").unwrap().expose_secret(), "postgres://db");
    assert_eq!(vars.len(), 5);
    assert!(std::env::var_os("DATABASE_URL").is_none(), "no side effect on this process");
    assert!(!format!("{vars:?}").contains("postgres"), "Debug shows names only");
}

#[test]
fn later_folders_win_and_a_recursive_clash_names_both() {
    let fake = fake();
    let vars = loader(&fake).paths(["/", "/api"]).load().unwrap();
    assert_eq!(vars.get("DATABASE_URL").unwrap().expose_secret(), "postgres://api-db");
    assert_eq!(vars.get("API_ONLY").unwrap().expose_secret(), "yes");

    let err = loader(&fake).recursive(true).load().unwrap_err();
    let Error::KeyConflict { key, first, second, .. } = err.innermost() else { panic!("{err:?}") };
    assert_eq!(key, "DATABASE_URL");
    assert!(first.contains("in /") && second.contains("in /api"), "{err}");
    assert!(!err.to_string().contains("postgres"), "{err}");
}

#[test]
fn a_clash_offers_the_remedies_the_env_loader_has() {
    let fake = fake();
    let err = loader(&fake).recursive(true).load().unwrap_err().to_string();
    assert!(err.contains("rename one"), "{err}");
    assert!(err.contains(".recursive(false)") && err.contains(r#".paths(["/", "/api"])"#), "{err}");
    assert!(err.contains("a later folder wins"), "{err}");
    assert!(!err.contains("key mapping"), "the env loader has none: {err}");
}

#[test]
fn a_failed_load_names_the_site_project_environment_and_folders() {
    let fake = fake();
    let site = fake.uri().trim_start_matches("http://").to_owned();
    let client = fake.blocking_client_builder().build().unwrap();
    let err = EnvLoader::new(fake.project_id(), "qa").client(client).paths(["/", "/api"]).load().unwrap_err();
    let Error::Load { target, error } = &err else { panic!("{err:?}") };
    assert_eq!(target, &format!("infisical://{site}/{}/qa/,/api", fake.project_id()));
    assert!(error.is_not_found() && err.is_not_found(), "{err}");
    assert!(err.to_string().starts_with(&format!("loading secrets from {target} failed: ")), "{err}");
}

#[test]
fn apply_to_command_keeps_what_the_caller_set_on_the_command() {
    let fake = fake();
    let vars = loader(&fake).load().unwrap();
    let mut cmd = Command::new("env");
    cmd.env("APP_TEST_EXISTING", "set-by-caller");
    let applied = vars.apply_to_command(&mut cmd);
    let seen = child_env(cmd);
    assert_eq!(seen["DATABASE_URL"], "postgres://db");
    assert_eq!(seen["APP_TEST_EXISTING"], "set-by-caller", "existing wins");
    assert!(applied.kept.contains(&"APP_TEST_EXISTING".to_owned()));
    // Reserved names: never set, not even where unset (LD_PRELOAD, XDG_*).
    assert_ne!(seen.get("PATH").map(String::as_str), Some("/evil/bin"));
    assert!(!seen.contains_key("LD_PRELOAD") && seen.get("XDG_CONFIG_HOME").map(String::as_str) != Some("/evil"));
    assert_eq!(applied.reserved, ["LD_PRELOAD", "PATH", "XDG_CONFIG_HOME"]);
    assert!(std::env::var_os("DATABASE_URL").is_none(), "the parent is untouched");
}

#[test]
fn override_mode_replaces_existing_variables_but_never_reserved_ones() {
    let fake = fake();
    let vars = loader(&fake).override_existing(true).load().unwrap();
    let mut cmd = Command::new("env");
    cmd.env("APP_TEST_EXISTING", "set-by-caller");
    let applied = vars.apply_to_command(&mut cmd);
    let seen = child_env(cmd);
    assert_eq!(seen["APP_TEST_EXISTING"], "from-infisical");
    assert_ne!(seen.get("PATH").map(String::as_str), Some("/evil/bin"));
    assert!(applied.kept.is_empty());
}

#[test]
fn reserved_names_can_be_allowed_by_name() {
    let fake = fake();
    let vars = loader(&fake).override_existing(true).allow_reserved(["XDG_CONFIG_HOME"]).load().unwrap();
    let mut cmd = Command::new("env");
    let applied = vars.apply_to_command(&mut cmd);
    assert_eq!(child_env(cmd)["XDG_CONFIG_HOME"], "/evil");
    assert_eq!(applied.reserved, ["LD_PRELOAD", "PATH"]);
}

#[test]
fn the_shell_export_survives_a_posix_shell() {
    let tricky = [
        ("SINGLE", "it's"),
        ("DOUBLE", r#"say "hi""#),
        ("DOLLAR", "$HOME and ${PATH} and $(whoami) and `id`"),
        ("NEWLINES", "line one\nline two\n\nlast\n"),
        ("BACKSLASH", r"C:\path\n\t\\"),
        ("SPACES", "  padded  "),
        ("EMPTY", ""),
        ("MIXED", "a'b\"c$d\\e\nf'"),
    ];
    let vars = EnvMap::from_pairs(tricky).unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("secrets.env"), vars.to_shell().unwrap().as_bytes()).unwrap();
    let out = Command::new("sh")
        .arg("-c")
        .arg("set -a; . ./secrets.env; env -0")
        .current_dir(dir.path())
        .env_clear()
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let seen: BTreeMap<String, String> = out
        .stdout
        .split(|b| *b == 0)
        .filter_map(|e| String::from_utf8_lossy(e).split_once('=').map(|(k, v)| (k.to_owned(), v.to_owned())))
        .collect();
    for (k, v) in tricky {
        assert_eq!(seen.get(k).map(String::as_str), Some(v), "{k}");
    }
}

#[test]
fn dotenv_refuses_names_a_shell_cannot_hold() {
    let err = EnvMap::from_pairs([("my-key", "v")]).unwrap().to_dotenv().unwrap_err();
    assert!(matches!(err, Error::KeyMapping { .. }) && err.to_string().contains("`my-key`"), "{err}");
    assert!(EnvMap::from_pairs([("1X", "v")]).unwrap().to_dotenv().is_err());
}

#[test]
fn json_export() {
    let vars = EnvMap::from_pairs([("A", "1"), ("B", "line\n\"quoted\"")]).unwrap();
    let back: BTreeMap<String, String> = serde_json::from_str(&vars.to_json()).unwrap();
    assert_eq!(back["B"], "line\n\"quoted\"");
}

#[test]
fn names_an_environment_cannot_hold_are_refused_before_anything_is_set() {
    let fake = FakeInfisical::builder().secret("dev", "/", "A=B", "x").start_blocking();
    let err = loader(&fake).load().unwrap_err();
    assert!(matches!(err.innermost(), Error::KeyMapping { .. }) && err.to_string().contains("`A=B`"), "{err}");
}

#[test]
fn from_env_needs_a_project() {
    let err = EnvLoader::from_env_source(common::empty_env()).load().unwrap_err();
    assert!(matches!(err.innermost(), Error::InvalidRequest { field: "project", .. }), "{err:?}");
    assert!(err.to_string().contains("infisical://default/(no project)/dev/"), "{err}");
}

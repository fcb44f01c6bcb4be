//! A secret's name must not run code: the reserved classes and the strict list hold alike for a child
//! process, the dotenv export and the shell export; the dotenv export reads back exactly in shells and
//! in `dotenvy`, or refuses naming the secret; bad names are errors, never panics.

use std::collections::BTreeMap;
use std::process::Command;

use infisical_config::env_loader::EnvMap;
use infisical_config::env_loader::{Reserved, reserved};
use infisical_config::{Error, ExposeSecret};

#[path = "common/cloud_login_names.rs"]
mod cloud_login_names;
use cloud_login_names::{CREDENTIALS as CLOUD_CREDENTIALS, STEERING as CLOUD_LOGIN};

/// Every name the security review ran a command with, or that redirects trust.
const HOSTILE: &[(&str, &str)] = &[
    ("BASH_FUNC_ls%%", "() { echo PWNED; }"),
    ("SHELLOPTS", "xtrace"),
    ("PS4", "$(echo PWNED)"),
    ("NODE_OPTIONS", "--import=data:text/javascript,console.log(1)"),
    ("PERL5OPT", "-d"),
    ("PERL5DB", "system('echo PWNED')"),
    ("GIT_CONFIG_COUNT", "1"),
    ("GIT_CONFIG_KEY_0", "core.fsmonitor"),
    ("GIT_CONFIG_VALUE_0", "echo PWNED"),
    ("GIT_SSH_COMMAND", "echo PWNED"),
    ("PYTHONPATH", "/tmp/evil"),
    ("PYTHONSTARTUP", "/tmp/evil.py"),
    ("RUBYOPT", "-r/tmp/evil"),
    ("JAVA_TOOL_OPTIONS", "-javaagent:/tmp/evil.jar"),
    ("_JAVA_OPTIONS", "-javaagent:/tmp/evil.jar"),
    ("GCONV_PATH", "/tmp/evil"),
    ("GLIBC_TUNABLES", "glibc.malloc.check=3"),
    ("PROMPT_COMMAND", "echo PWNED"),
    ("BASHOPTS", "extdebug"),
    ("ZDOTDIR", "/tmp/evil"),
    ("EDITOR", "/tmp/evil"),
    ("PAGER", "/tmp/evil"),
    ("LESSOPEN", "|/tmp/evil %s"),
    ("HTTPS_PROXY", "http://attacker:3128"),
    ("http_proxy", "http://attacker:3128"),
    ("NO_PROXY", "*"),
    ("SSL_CERT_FILE", "/tmp/evil.pem"),
    ("NODE_EXTRA_CA_CERTS", "/tmp/evil.pem"),
    ("REQUESTS_CA_BUNDLE", "/tmp/evil.pem"),
    ("NODE_TLS_REJECT_UNAUTHORIZED", "0"),
    ("INFISICAL_URL", "http://attacker"),
    ("LD_PRELOAD", "/tmp/evil.so"),
    ("OPTIND", "x"),
    ("status", "1"),
];

fn hostile() -> EnvMap {
    EnvMap::from_pairs(HOSTILE.iter().copied().chain([("APP_PORT", "8080")])).unwrap()
}

fn child_env(mut cmd: Command) -> BTreeMap<String, String> {
    let out = cmd.arg("-0").output().unwrap();
    out.stdout
        .split(|b| *b == 0)
        .filter_map(|e| String::from_utf8_lossy(e).split_once('=').map(|(k, v)| (k.to_owned(), v.to_owned())))
        .collect()
}

#[test]
fn no_hostile_name_reaches_a_child_process() {
    let mut cmd = Command::new("env");
    cmd.env_clear();
    let applied = hostile().override_existing(true).apply_to_command(&mut cmd);
    let seen = child_env(cmd);
    for (name, _) in HOSTILE {
        assert!(!seen.contains_key(*name), "{name} reached the child");
        assert!(applied.reserved.iter().any(|r| r == name), "{name} is reported as reserved");
    }
    assert_eq!(seen["APP_PORT"], "8080");
    assert_eq!(applied.set, ["APP_PORT"]);
}

#[test]
fn a_bash_function_in_a_secret_does_not_run() {
    let mut cmd = Command::new("bash");
    cmd.args(["-c", "ls /"]).env_clear();
    let _ = hostile().apply_to_command(&mut cmd);
    let out = cmd.output().unwrap();
    assert!(!String::from_utf8_lossy(&out.stdout).contains("PWNED"));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("PWNED"));
}

#[test]
fn a_name_can_be_allowed_by_name_and_the_classes_are_documented() {
    let mut cmd = Command::new("env");
    cmd.env_clear();
    let applied = hostile().override_existing(true).allow_reserved(["HTTPS_PROXY"]).apply_to_command(&mut cmd);
    assert_eq!(child_env(cmd)["HTTPS_PROXY"], "http://attacker:3128");
    assert!(applied.set.contains(&"HTTPS_PROXY".to_owned()));
    assert_eq!(reserved("BASH_FUNC_ls%%"), Some(Reserved::Shell));
    assert_eq!(reserved("GIT_SSH_COMMAND"), Some(Reserved::Commands));
    assert_eq!(reserved("INFISICAL_TOKEN"), Some(Reserved::ThisCrate));
}

#[test]
fn strict_mode_admits_only_the_listed_names() {
    let vars = EnvMap::from_pairs([("APP_PORT", "1"), ("APP_HOST", "h"), ("DATABASE_URL", "u"), ("OTHER", "o")])
        .unwrap()
        .only(["APP_*", "DATABASE_URL"]);
    let mut cmd = Command::new("env");
    cmd.env_clear();
    let applied = vars.apply_to_command(&mut cmd);
    let seen = child_env(cmd);
    assert_eq!(applied.set, ["APP_HOST", "APP_PORT", "DATABASE_URL"]);
    assert_eq!(applied.not_listed, ["OTHER"]);
    assert!(!seen.contains_key("OTHER"));
    let dotenv = vars.to_dotenv().unwrap();
    assert!(!dotenv.contains("OTHER"), "the export applies the strict list too");
}

#[test]
fn the_exports_leave_reserved_names_out() {
    for text in [hostile().to_shell().unwrap(), hostile().to_dotenv().unwrap()] {
        for (name, _) in HOSTILE.iter().filter(|(n, _)| !n.contains('%')) {
            assert!(!text.lines().any(|l| l.starts_with(&format!("{name}="))), "{name} in {}", text.as_str());
        }
        assert!(text.contains("APP_PORT='8080'"));
    }
}

fn cloud() -> EnvMap {
    EnvMap::from_pairs(CLOUD_LOGIN.iter().chain(CLOUD_CREDENTIALS).copied()).unwrap().override_existing(true)
}

fn json_names(vars: &EnvMap) -> Vec<String> {
    let json: BTreeMap<String, String> = serde_json::from_str(&vars.to_json()).unwrap();
    json.into_keys().collect()
}

#[test]
fn names_that_steer_a_cloud_login_stay_out_of_children_and_exports_and_the_credentials_pass() {
    let mut cmd = Command::new("env");
    cmd.env_clear();
    let applied = cloud().apply_to_command(&mut cmd);
    let seen = child_env(cmd);
    for (name, _) in CLOUD_LOGIN {
        assert_eq!(reserved(name), Some(Reserved::CloudLogin), "{name}");
        assert!(!seen.contains_key(*name), "{name} reached the child");
        assert!(applied.reserved.iter().any(|r| r == name), "{name} is reported as reserved");
    }
    for (name, value) in CLOUD_CREDENTIALS {
        assert_eq!(seen.get(*name).map(String::as_str), Some(*value), "{name} is an ordinary secret");
    }
    let mut passed: Vec<&str> = CLOUD_CREDENTIALS.iter().map(|(name, _)| *name).collect();
    passed.sort_unstable();
    assert_eq!(applied.set, passed);

    for text in [cloud().to_dotenv().unwrap(), cloud().to_shell().unwrap()] {
        let names: Vec<&str> = text.lines().filter_map(|l| l.split_once('=')).map(|(name, _)| name).collect();
        assert_eq!(names, passed, "{}", text.as_str());
    }
    assert_eq!(json_names(&cloud()), passed, "the JSON export leaves them out too");
}

#[test]
fn a_cloud_login_name_can_be_allowed_by_name() {
    let vars = cloud().allow_reserved(["GCE_METADATA_HOST"]);
    let mut cmd = Command::new("env");
    cmd.env_clear();
    let applied = vars.apply_to_command(&mut cmd);
    assert_eq!(child_env(cmd).get("GCE_METADATA_HOST").map(String::as_str), Some("attacker:80"));
    assert!(applied.set.iter().any(|n| n == "GCE_METADATA_HOST"));
    assert!(!applied.set.iter().any(|n| n == "GCE_METADATA_ROOT"), "only that name");
    assert!(vars.to_dotenv().unwrap().contains("GCE_METADATA_HOST='attacker:80'"));
    assert!(vars.to_shell().unwrap().contains("GCE_METADATA_HOST='attacker:80'"));
    assert!(json_names(&vars).iter().any(|n| n == "GCE_METADATA_HOST"));
}

/// Values every reader must read back byte for byte.
const PORTABLE: &[(&str, &str)] = &[
    ("DOUBLE", r#"say "hi""#),
    ("DOLLAR", "$HOME and ${HOME} and $(whoami) and `id`"),
    ("NEWLINES", "line one\nline two\n\nlast"),
    ("HASH", "value # not a comment"),
    ("EVIL_LOOKING", "x\nEVIL=pwned #"),
    ("SPACES", "  padded  "),
    ("EMPTY", ""),
    ("UNICODE", "žluťoučký kůň 🐎"),
];

fn write(text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("secrets.env"), text.as_bytes()).unwrap();
    dir
}

fn shell_reads(shell: &str, dir: &std::path::Path) -> BTreeMap<String, String> {
    let out = Command::new(shell)
        .arg("-c")
        .arg("set -a; . ./secrets.env; env -0")
        .current_dir(dir)
        .env_clear()
        .output()
        .unwrap();
    assert!(out.status.success(), "{shell}: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout
        .split(|b| *b == 0)
        .filter_map(|e| String::from_utf8_lossy(e).split_once('=').map(|(k, v)| (k.to_owned(), v.to_owned())))
        .collect()
}

#[test]
fn the_dotenv_export_reads_back_exactly_in_shells_and_dotenvy() {
    let vars = EnvMap::from_pairs(PORTABLE.iter().copied()).unwrap();
    let dir = write(&vars.to_dotenv().unwrap());
    for shell in ["sh", "dash", "bash"] {
        if Command::new(shell).arg("-c").arg("true").status().is_err() {
            continue;
        }
        let seen = shell_reads(shell, dir.path());
        for (k, v) in PORTABLE {
            assert_eq!(seen.get(*k).map(String::as_str), Some(*v), "{shell}: {k}");
        }
        assert!(!seen.contains_key("EVIL"), "{shell}");
    }
    let read: BTreeMap<String, String> =
        dotenvy::from_path_iter(dir.path().join("secrets.env")).unwrap().map(Result::unwrap).collect();
    for (k, v) in PORTABLE {
        assert_eq!(read.get(*k).map(String::as_str), Some(*v), "dotenvy: {k}");
    }
    assert!(!read.contains_key("EVIL"), "dotenvy");
}

#[test]
fn the_dotenv_export_refuses_what_readers_disagree_on_naming_the_secret_not_the_value() {
    for value in ["it's", r"C:\dir\", "a\\'b", "line\r\n"] {
        let err = EnvMap::from_pairs([("TRICKY", value)]).unwrap().to_dotenv().unwrap_err();
        let text = format!("{err} {err:?}");
        assert!(matches!(err, Error::KeyMapping { .. }) && text.contains("`TRICKY`"), "{text}");
        assert!(!text.contains(value), "{text}");
        // The shell export writes it, and shells read it back.
        let vars = EnvMap::from_pairs([("TRICKY", value)]).unwrap();
        let dir = write(&vars.to_shell().unwrap());
        assert_eq!(shell_reads("sh", dir.path())["TRICKY"], value);
    }
}

#[test]
fn names_and_values_no_environment_can_hold_are_errors_not_panics() {
    for (name, value) in [("", "v"), ("A=B", "v"), ("A\0B", "v"), ("A", "v\0w")] {
        let err = EnvMap::from_pairs([(name, value)]).unwrap_err();
        assert!(matches!(err, Error::KeyMapping { .. }), "{err:?}");
        assert!(!err.to_string().contains("v\0w"));
    }
    let ok = EnvMap::from_pairs([("A", "v")]).unwrap();
    assert_eq!(ok.get("A").unwrap().expose_secret(), "v");
}

//! A child's inherited variables meet the secrets: this test sets variables in this process, so it is
//! alone in its own test binary (one `#[test]`), and no other thread reads the environment meanwhile.

use std::process::Command;

use infisical_config::env_loader::EnvMap;
use infisical_config::env_loader::Overwrite;

/// What a child given `vars` sees, one line a variable (empty when unset), after the caller set
/// `ENV_CHILD_EXPLICIT` on its `Command`.
fn child_sees(vars: &EnvMap) -> (Vec<String>, infisical_config::env_loader::Applied) {
    let mut cmd = Command::new("sh");
    let script =
        r#"printf '%s\n' "$ENV_CHILD_EXPLICIT" "$ENV_CHILD_INHERITED" "$ENV_CHILD_NEW" "$INFISICAL_TOKEN" "$PATH""#;
    cmd.args(["-c", script]);
    cmd.env("ENV_CHILD_EXPLICIT", "from-caller");
    let applied = vars.apply_to_command(&mut cmd);
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    (String::from_utf8(out.stdout).unwrap().lines().map(str::to_owned).collect(), applied)
}

#[test]
#[allow(unsafe_code)]
fn a_child_gets_what_infisical_run_gives_it_and_this_process_keeps_its_own() {
    // SAFETY: the only test of this binary, before it starts any thread.
    unsafe {
        std::env::set_var("ENV_CHILD_INHERITED", "from-parent");
        std::env::set_var("ENV_CHILD_EXPLICIT", "from-parent");
        std::env::set_var("INFISICAL_TOKEN", "parent-token");
    }
    let path = std::env::var("PATH").unwrap();
    let vars = EnvMap::from_pairs([
        ("ENV_CHILD_EXPLICIT", "from-infisical"),
        ("ENV_CHILD_INHERITED", "from-infisical"),
        ("ENV_CHILD_NEW", "from-infisical"),
        ("INFISICAL_TOKEN", "secret-token"),
        ("PATH", "/evil/bin"),
    ])
    .unwrap();
    let names = |names: &[&str]| names.iter().map(|n| (*n).to_owned()).collect::<Vec<_>>();

    // The default, `infisical run`'s: the secret over what the child inherits, the caller's `env` over
    // the secret, reserved names never set.
    let (seen, applied) = child_sees(&vars);
    assert_eq!(seen, ["from-caller", "from-infisical", "from-infisical", "parent-token", path.as_str()]);
    assert_eq!(applied.set, names(&["ENV_CHILD_INHERITED", "ENV_CHILD_NEW"]));
    assert_eq!(applied.kept, names(&["ENV_CHILD_EXPLICIT"]));
    assert_eq!(applied.reserved, names(&["INFISICAL_TOKEN", "PATH"]));

    // One call away: every variable already there wins.
    let (seen, applied) = child_sees(&vars.clone().overwrite(Overwrite::Never));
    assert_eq!(seen, ["from-caller", "from-parent", "from-infisical", "parent-token", path.as_str()]);
    assert_eq!(applied.kept, names(&["ENV_CHILD_EXPLICIT", "ENV_CHILD_INHERITED"]));

    // Or every secret wins, reserved names still aside.
    let (seen, applied) = child_sees(&vars.clone().overwrite(Overwrite::Always));
    assert_eq!(seen, ["from-infisical", "from-infisical", "from-infisical", "parent-token", path.as_str()]);
    assert!(applied.kept.is_empty());
    assert_eq!(std::env::var("ENV_CHILD_INHERITED").unwrap(), "from-parent", "this process is untouched");

    // In this process, dotenv's rule stays the default: what is set here wins.
    // SAFETY: as above; the children have exited.
    let applied = unsafe { vars.apply_to_process() };
    assert_eq!(std::env::var("ENV_CHILD_INHERITED").unwrap(), "from-parent");
    assert_eq!(std::env::var("ENV_CHILD_NEW").unwrap(), "from-infisical");
    assert_eq!(std::env::var("INFISICAL_TOKEN").unwrap(), "parent-token");
    assert_eq!(applied.kept, names(&["ENV_CHILD_EXPLICIT", "ENV_CHILD_INHERITED"]));
}

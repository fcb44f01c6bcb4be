//! Start a child process with the secrets in its environment, as `infisical run` does, without
//! changing this process's environment: a secret wins over what the child would inherit from this
//! process, what the caller sets on the `Command` wins over a secret, reserved names are never set.
//!
//! ```sh
//! GREETING="inherited, replaced" cargo run --example run_child
//! ```

mod common;

use std::process::Command;

use infisical_config::EnvLoader;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let target = common::Target::pick()?;
    let vars = EnvLoader::new(target.project.as_str(), target.environment.as_str())
        .client(target.blocking_client()?)
        .load()?;

    let mut child = Command::new("sh");
    child.args([
        "-c",
        r#"echo "the child sees GREETING=$GREETING, APP_NAME=$APP_NAME and ${#API_KEY} characters of API_KEY""#,
    ]);
    // The caller's choice wins over the secret (`.overwrite(Overwrite::Always)` would not keep it).
    child.env("APP_NAME", "set-by-the-caller");
    let applied = vars.apply_to_command(&mut child);
    eprintln!("giving the child {:?}; kept what the command sets: {:?}", applied.set, applied.kept);
    let status = child.status()?;
    assert!(std::env::var_os("API_KEY").is_none(), "this process is untouched");
    std::process::exit(status.code().unwrap_or(1));
}

//! Start a child process with the secrets in its environment, as `infisical run` does, without
//! changing this process's environment.
//!
//! ```sh
//! cargo run --example run_child
//! ```

mod common;

use std::process::Command;

use infisical_config::EnvLoader;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let target = common::Target::pick();
    let vars = EnvLoader::new(target.project.as_str(), target.environment.as_str())
        .client(target.blocking_client()?)
        .load()?;

    let mut child = Command::new("sh");
    child.args(["-c", r#"echo "the child sees GREETING=$GREETING and ${#API_KEY} characters of API_KEY""#]);
    let applied = vars.apply_to_command(&mut child);
    eprintln!("giving the child {} variable(s); {} already set were kept", applied.set.len(), applied.kept.len());
    let status = child.status()?;
    assert!(std::env::var_os("API_KEY").is_none(), "this process is untouched");
    std::process::exit(status.code().unwrap_or(1));
}

//! Secrets into the process environment at start-up, dotenv-style, before any thread starts; then the
//! async runtime, built by hand instead of `#[tokio::main]`.
//!
//! ```sh
//! cargo run --example env_loader
//! ```

mod common;

use infisical_config::EnvLoader;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let target = common::Target::pick()?;
    let loader = EnvLoader::new(target.project.as_str(), target.environment.as_str())
        .path(target.path.as_str())
        .recursive(false);
    let loader = match &target.demo {
        Some(demo) => loader.client(demo.blocking_client_builder().build()?),
        None => loader,
    };
    // The demo server runs on a thread of its own, which never reads the environment. In your program
    // there is no such thread: this is the first thing main does.
    // SAFETY: no other thread reads or writes the environment while this runs.
    let applied = unsafe { loader.load_and_set()? };
    eprintln!("set {:?}; kept existing {:?}; left reserved {:?}", applied.set, applied.kept, applied.reserved);

    // Only now start the runtime.
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    runtime.block_on(async {
        let greeting = std::env::var("GREETING").unwrap_or_else(|_| "(no GREETING secret)".into());
        println!("GREETING = {greeting}");
    });
    Ok(())
}

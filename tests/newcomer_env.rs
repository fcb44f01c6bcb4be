//! A newcomer's walk, the third use: the README's "Secrets in the environment", copied as written
//! with only the project changed to the fake's. It sets process variables, so it is the one test of
//! its own binary, and no other thread reads the environment meanwhile (the fake server's do not).
//!
//! The site and credentials come the way a deployment gives them, from the environment
//! (`INFISICAL_URL`, `INFISICAL_CLIENT_ID`, `INFISICAL_CLIENT_SECRET`), so the loader builds and drops
//! its own client as the README's `unsafe` block requires: a given client's runtime thread would
//! still be running while the variables are set.
#![allow(unsafe_code)]

use infisical_config::testing::{CLIENT_ID, CLIENT_SECRET, FakeInfisical};

/// The README's `main`, with the fake's project.
fn main_of_the_readme(project: &str) -> Result<Option<String>, Box<dyn std::error::Error>> {
    // SAFETY: first thing in main, before any thread or runtime exists.
    let applied = unsafe { infisical_config::EnvLoader::new(project, "prod").load_and_set()? };
    let _ = applied;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?; // not #[tokio::main]
    let url = runtime.block_on(async { std::env::var("DATABASE_URL").ok() });
    Ok(url)
}

#[test]
fn the_readme_env_loader_sets_the_secrets_before_the_runtime_starts() {
    let fake = FakeInfisical::builder()
        .secret("prod", "/", "DATABASE_URL", "postgres://db/shop")
        .secret("prod", "/", "LD_PRELOAD", "/tmp/evil.so")
        .start_blocking();
    let preload_before = std::env::var_os("LD_PRELOAD");
    // What a deployment sets; any other login a developer's shell holds would compete with it.
    let others: Vec<_> =
        std::env::vars_os().map(|(k, _)| k).filter(|k| k.to_string_lossy().starts_with("INFISICAL_")).collect();
    // SAFETY: the only test of this binary; the fake server's threads do not read the environment.
    unsafe {
        for name in others {
            std::env::remove_var(name);
        }
        std::env::set_var("INFISICAL_URL", fake.uri());
        std::env::set_var("INFISICAL_CLIENT_ID", CLIENT_ID);
        std::env::set_var("INFISICAL_CLIENT_SECRET", CLIENT_SECRET);
        std::env::remove_var("DATABASE_URL");
    }

    let url = main_of_the_readme(fake.project_id()).unwrap();
    assert_eq!(url.as_deref(), Some("postgres://db/shop"), "the runtime's tasks read the secret");
    assert_eq!(std::env::var_os("LD_PRELOAD"), preload_before, "a name that loads code is never set");
}

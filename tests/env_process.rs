//! A test that changes this process's environment: alone in its own test binary, one `#[test]`,
//! so no other thread reads the environment meanwhile.

use infisical_config::EnvLoader;
use infisical_config::testing::FakeInfisical;

#[test]
#[allow(unsafe_code)]
fn load_and_set_keeps_existing_variables_unless_told_and_never_touches_reserved_ones() {
    let fake = FakeInfisical::builder()
        .secret("dev", "/", "ENV_PROCESS_NEW", "from-infisical")
        .secret("dev", "/", "ENV_PROCESS_EXISTING", "from-infisical")
        .secret("dev", "/", "PATH", "/evil/bin")
        .start_blocking();
    let path_before = std::env::var("PATH").ok();
    // SAFETY: the only test of this binary; the fake server's thread does not read the environment.
    unsafe { std::env::set_var("ENV_PROCESS_EXISTING", "mine") };
    let loader = || {
        EnvLoader::new(fake.project_id(), "dev")
            .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([]))
    };
    let client = || fake.blocking_client_builder().build().unwrap();

    // SAFETY: as above.
    let applied = unsafe { loader().client(client()).load_and_set() }.unwrap();
    assert_eq!(std::env::var("ENV_PROCESS_NEW").unwrap(), "from-infisical");
    assert_eq!(std::env::var("ENV_PROCESS_EXISTING").unwrap(), "mine", "existing variables win by default");
    assert_eq!(std::env::var("PATH").ok(), path_before);
    assert_eq!(
        (applied.set, applied.kept, applied.reserved),
        (vec!["ENV_PROCESS_NEW".to_owned()], vec!["ENV_PROCESS_EXISTING".to_owned()], vec!["PATH".to_owned()])
    );

    // SAFETY: as above.
    let applied = unsafe { loader().client(client()).override_existing(true).load_and_set() }.unwrap();
    assert_eq!(std::env::var("ENV_PROCESS_EXISTING").unwrap(), "from-infisical", "override is explicit");
    assert_eq!(std::env::var("PATH").ok(), path_before, "reserved names stay, even when overriding");
    assert!(applied.kept.is_empty());
}

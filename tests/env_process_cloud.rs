//! Names that steer a cloud login are never set in this process from Infisical, while the AWS keys
//! and region are; one allowed by name is. It changes this process's environment: alone in its own
//! test binary, one `#[test]`.

#[path = "common/cloud_login_names.rs"]
mod cloud_login_names;

use cloud_login_names::{CREDENTIALS, STEERING};
use infisical_config::env_loader::{Reserved, reserved};
use infisical_config::testing::FakeInfisical;
use infisical_config::{EnvLoader, EnvSource};

#[test]
#[allow(unsafe_code)]
fn load_and_set_keeps_cloud_login_names_out_of_the_process() {
    let mut fake = FakeInfisical::builder();
    for (name, value) in STEERING.iter().chain(CREDENTIALS) {
        fake = fake.secret("dev", "/", name, value);
    }
    let fake = fake.start_blocking();
    let before: Vec<_> = STEERING.iter().map(|(name, _)| std::env::var_os(name)).collect();
    let loader = || {
        EnvLoader::new(fake.project_id(), "dev")
            .env_source(EnvSource::from_pairs::<_, String, String>([]))
            .client(fake.blocking_client_builder().build().unwrap())
            // Whatever the machine running the test has set, the secrets may replace it.
            .override_existing(true)
    };

    // SAFETY: the only test of this binary; the fake server's thread does not read the environment.
    let applied = unsafe { loader().load_and_set() }.unwrap();
    for ((name, _), before) in STEERING.iter().zip(&before) {
        assert_eq!(&std::env::var_os(name), before, "{name} was set from Infisical");
        assert_eq!(reserved(name), Some(Reserved::CloudLogin), "{name}");
        assert!(applied.reserved.iter().any(|n| n == name), "{name} is reported as reserved");
    }
    for (name, value) in CREDENTIALS {
        assert_eq!(std::env::var(name).unwrap(), *value, "{name} is an ordinary secret");
    }
    let mut set: Vec<&str> = CREDENTIALS.iter().map(|(name, _)| *name).collect();
    set.sort_unstable();
    assert_eq!(applied.set, set);

    // SAFETY: as above.
    let applied = unsafe { loader().allow_reserved(["GCE_METADATA_HOST"]).load_and_set() }.unwrap();
    assert_eq!(std::env::var("GCE_METADATA_HOST").unwrap(), "attacker:80");
    assert!(applied.set.iter().any(|n| n == "GCE_METADATA_HOST"));
    let at = STEERING.iter().position(|(name, _)| *name == "IDENTITY_ENDPOINT").unwrap();
    assert_eq!(std::env::var_os("IDENTITY_ENDPOINT"), before[at], "only the name allowed");
}

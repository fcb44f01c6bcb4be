//! A credential provider of your own, placed in the default chain, and the chain explaining itself.
//!
//! ```sh
//! cargo run --example custom_provider
//! ```

mod common;

use infisical_config::auth::{BoxFuture, ChainPosition, Credentials, CredentialsError, ProvideCredentials};
use infisical_config::resources::ListSecrets;
use infisical_config::{EnvSource, blocking, testing};

/// Reads a Universal Auth pair from a file, as a secrets-mounting sidecar would leave it.
#[derive(Debug)]
struct MountedFile(std::path::PathBuf);

impl ProvideCredentials for MountedFile {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(async move {
            let text = match std::fs::read_to_string(&self.0) {
                Ok(t) => t,
                // Nothing mounted: let the next provider answer.
                Err(_) => {
                    return Err(CredentialsError::not_found(
                        "mounted-file",
                        format!("no file at {}", self.0.display()),
                    ));
                }
            };
            match text.trim().split_once(':') {
                Some((id, secret)) => Ok(Credentials::universal_auth(id, secret.to_owned())),
                // Something is mounted but broken: stop the chain and say so.
                None => Err(CredentialsError::invalid(
                    "mounted-file",
                    format!("{} is not `client-id:client-secret`", self.0.display()),
                )),
            }
        })
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let target = common::Target::pick()?;
    let dir = tempfile::tempdir()?;
    let mounted = dir.path().join("infisical-credentials");
    std::fs::write(&mounted, format!("{}:{}", testing::CLIENT_ID, testing::CLIENT_SECRET))?;

    let mut builder = blocking::Client::builder().credentials_provider(
        ChainPosition::AfterEnvironment,
        "mounted-file",
        MountedFile(mounted),
    );
    if let Some(demo) = &target.demo {
        // The demo keeps the real environment and your CLI login out of the way.
        builder = builder.site(demo.uri()).env_source(EnvSource::from_pairs::<_, String, String>([])).cli_login(false);
    }
    let client = builder.build()?;
    println!("{}", client.explain_credentials());
    let list = client.secrets().list(&ListSecrets::new(target.project.as_str(), target.environment.as_str()))?;
    println!("listed {} secret(s) with the mounted credentials", list.secrets.len());
    Ok(())
}

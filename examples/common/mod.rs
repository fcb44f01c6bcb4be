//! What every example shares: talk to your Infisical when one is configured, else to a local demo
//! server, and say which.
#![allow(dead_code)]

use infisical_config::testing::FakeInfisical;
use infisical_config::{EnvSource, blocking};

/// Where an example loads from.
pub struct Target {
    pub project: String,
    pub environment: String,
    /// The demo server, when no Infisical is configured; it stops when dropped.
    pub demo: Option<FakeInfisical>,
}

impl Target {
    /// `INFISICAL_PROJECT_ID` (and credentials through the usual chain) selects your Infisical;
    /// otherwise a demo server starts, seeded with a few secrets.
    pub fn pick() -> Target {
        let env = EnvSource::process();
        if let Some(project) = env.non_empty("INFISICAL_PROJECT_ID") {
            let environment = env.non_empty("INFISICAL_ENVIRONMENT").unwrap_or_else(|| "dev".into());
            eprintln!("Using your Infisical: project {project}, environment {environment}.");
            return Target { project, environment, demo: None };
        }
        let demo = FakeInfisical::builder()
            .secret("dev", "/", "APP_NAME", "demo-app")
            .secret("dev", "/", "API_KEY", "sk-demo-1234")
            .secret("dev", "/", "GREETING", "hello from ${APP_NAME}")
            .secret("dev", "/database", "URL", "postgres://app:s3cr3t@db.internal:5432/app")
            .secret("dev", "/database", "PASSWORD", "s3cr3t")
            .start_blocking();
        eprintln!(
            "No Infisical configured (INFISICAL_PROJECT_ID is unset): using a local demo server at {}.\n\
             Set INFISICAL_PROJECT_ID and credentials (INFISICAL_CLIENT_ID/INFISICAL_CLIENT_SECRET, \
             INFISICAL_TOKEN, or `infisical login`) to use yours.\n",
            demo.uri()
        );
        Target { project: demo.project_id().to_owned(), environment: "dev".into(), demo: Some(demo) }
    }

    /// A blocking client: the demo's, or one from the environment and the default credential chain.
    pub fn blocking_client(&self) -> infisical_config::Result<blocking::Client> {
        match &self.demo {
            Some(demo) => demo.blocking_client_builder().build(),
            None => blocking::Client::from_env(),
        }
    }

    /// An async client, likewise.
    pub fn client(&self) -> infisical_config::Result<infisical_config::Client> {
        match &self.demo {
            Some(demo) => demo.client_builder().build(),
            None => infisical_config::Client::from_env(),
        }
    }
}

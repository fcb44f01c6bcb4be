//! What every example shares: talk to your Infisical when one is configured, else to a local demo
//! server, and say which.
#![allow(dead_code)]

use infisical_config::project_file::ProjectDefaults;
use infisical_config::testing::FakeInfisical;
use infisical_config::{EnvSource, blocking};

/// Where an example loads from.
pub struct Target {
    pub project: String,
    pub environment: String,
    /// The folder (`INFISICAL_SECRET_PATH`, else the project file's `defaultSecretPath`, else `/`).
    pub path: String,
    /// The demo server, when no Infisical is configured; it stops when dropped.
    pub demo: Option<FakeInfisical>,
    /// The environment the project, site and credentials come from.
    pub env: EnvSource,
}

impl Target {
    /// A project named as the CLI finds it selects your Infisical (with credentials through the usual
    /// chain): `INFISICAL_PROJECT_ID`, else the `workspaceId` of the `.infisical.json` that `infisical
    /// init` wrote in this directory or a parent (with its default environment, its branch mapping and
    /// its folder). Otherwise a demo server starts, seeded with a few secrets. A project file that
    /// cannot be read is an error, not a reason to use the demo.
    pub fn pick() -> infisical_config::Result<Target> {
        Target::pick_in(EnvSource::process())
    }

    /// As [`pick`](Self::pick), in this environment (and its current directory).
    pub fn pick_in(env: EnvSource) -> infisical_config::Result<Target> {
        let defaults = ProjectDefaults::resolve(&env)?;
        if let Some(project) = defaults.project {
            let from = match &defaults.file {
                Some(file) if env.non_empty("INFISICAL_PROJECT_ID").is_none() => file.display().to_string(),
                _ => "INFISICAL_PROJECT_ID".to_owned(),
            };
            eprintln!(
                "Using your Infisical: project {project} (from {from}), environment {}, folder {}.",
                defaults.environment, defaults.path
            );
            return Ok(Target { project, environment: defaults.environment, path: defaults.path, demo: None, env });
        }
        let demo = FakeInfisical::builder()
            .secret("dev", "/", "APP_NAME", "demo-app")
            .secret("dev", "/", "API_KEY", "sk-demo-1234")
            .secret("dev", "/", "GREETING", "hello from ${APP_NAME}")
            .secret("dev", "/database", "URL", "postgres://app:s3cr3t@db.internal:5432/app")
            .secret("dev", "/database", "PASSWORD", "s3cr3t")
            .start_blocking();
        eprintln!(
            "No Infisical configured (no INFISICAL_PROJECT_ID, no .infisical.json here or above): using a \
             local demo server at {}.\n\
             Set INFISICAL_PROJECT_ID (or run `infisical init`) and credentials (INFISICAL_CLIENT_ID/INFISICAL_CLIENT_SECRET, \
             INFISICAL_TOKEN, or `infisical login`) to use yours.\n",
            demo.uri()
        );
        Ok(Target {
            project: demo.project_id().to_owned(),
            environment: "dev".into(),
            path: "/".into(),
            demo: Some(demo),
            env,
        })
    }

    /// A blocking client: the demo's, or one from the environment and the default credential chain.
    pub fn blocking_client(&self) -> infisical_config::Result<blocking::Client> {
        match &self.demo {
            Some(demo) => demo.blocking_client_builder().build(),
            None => blocking::Client::builder().env_source(self.env.clone()).build(),
        }
    }

    /// An async client, likewise.
    pub fn client(&self) -> infisical_config::Result<infisical_config::Client> {
        match &self.demo {
            Some(demo) => demo.client_builder().build(),
            None => infisical_config::Client::builder().env_source(self.env.clone()).build(),
        }
    }
}

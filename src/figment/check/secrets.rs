//! [`EnvironmentSecrets`]: what the check gives the caller's figment function.

use std::collections::BTreeMap;
use std::sync::Arc;

use ::figment::value::{Dict, Map, Value};
use ::figment::{Metadata, Profile, Provider, Source};
use secrecy::ExposeSecret;

use crate::env_loader::EnvMap;
use crate::figment::keys::{ORIGIN_QUERY, Origin, PROVIDER_NAME};
use crate::figment::{Infisical, Snapshot};

/// One environment's secrets, as the check gives them to its [`figment`](super::EnvironmentCheck::figment)
/// function: a figment provider, merged as the application merges `Infisical` (or, for the env
/// loader, its variables under envy's lowercase names). Its `Debug` shows keys, never values.
///
/// ```
/// use figment::{Figment, providers::Serialized};
/// # use infisical_config::{Infisical, testing::FakeInfisical};
/// use infisical_config::figment::{EnvironmentCheck, EnvironmentSecrets};
///
/// fn app_figment(secrets: EnvironmentSecrets) -> Figment {
///     Figment::from(Serialized::defaults(serde_json::json!({"port": 8080}))).merge(secrets)
/// }
///
/// #[derive(serde::Deserialize)]
/// struct Config { port: u16 }
///
/// # let fake = FakeInfisical::builder().secret("prod", "/", "OTHER", "x").start_blocking();
/// # let template = Infisical::new(fake.project_id(), "prod").client(fake.blocking_client_builder().build()?);
/// let report = EnvironmentCheck::new(template, ["prod"]).figment(app_figment).run::<Config>();
/// assert_eq!(report.problems().map(|p| p.key.as_str()).collect::<Vec<_>>(), ["other"]); // unread
/// # Ok::<(), infisical_config::Error>(())
/// ```
#[derive(Clone)]
pub struct EnvironmentSecrets {
    pub(super) profile: Profile,
    inner: Secrets,
}

#[derive(Clone)]
enum Secrets {
    Snapshot(Snapshot),
    /// The env loader's variables: lowercased name → value, and the names.
    Variables {
        data: Dict,
        names: Arc<BTreeMap<String, String>>,
        environment: String,
    },
}

impl std::fmt::Debug for EnvironmentSecrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.inner {
            Secrets::Snapshot(snapshot) => std::fmt::Debug::fmt(snapshot, f),
            Secrets::Variables { names, environment, .. } => f
                .debug_struct("EnvironmentSecrets")
                .field("environment", environment)
                .field("variables", &names.values().collect::<Vec<_>>())
                .finish(),
        }
    }
}

impl EnvironmentSecrets {
    pub(super) fn snapshot(provider: &Infisical, snapshot: Snapshot) -> Self {
        let profile = provider.targets.first().map_or(Profile::Default, |(_, p)| p.clone());
        EnvironmentSecrets { profile, inner: Secrets::Snapshot(snapshot) }
    }

    pub(super) fn variables(environment: &str, vars: &EnvMap) -> Self {
        let mut data = Dict::new();
        let mut names = BTreeMap::new();
        for (name, value) in vars.iter() {
            let key = name.to_lowercase();
            data.insert(key.clone(), Value::from(value.expose_secret().to_owned()));
            names.insert(key, name.to_owned());
        }
        let inner = Secrets::Variables { data, names: Arc::new(names), environment: environment.to_owned() };
        EnvironmentSecrets { profile: Profile::Default, inner }
    }
}

impl Provider for EnvironmentSecrets {
    fn metadata(&self) -> Metadata {
        match &self.inner {
            Secrets::Snapshot(snapshot) => snapshot.metadata(),
            Secrets::Variables { names, environment, .. } => {
                let (names, environment) = (names.clone(), environment.clone());
                let source = Source::Custom(format!("the env loader's variables ({environment})"));
                Metadata::from(PROVIDER_NAME, source).interpolater(move |_: &Profile, parts: &[&str]| {
                    // The origin of a key, as `unread_secrets` asks for it; else the key's variable.
                    let (query, parts) = match parts.split_first() {
                        Some((&first, rest)) if first == ORIGIN_QUERY => (true, rest),
                        _ => (false, parts),
                    };
                    let key = parts.join(".");
                    match names.get(&key) {
                        Some(name) if query => {
                            Origin { key: name.clone(), folder: Arc::from(""), lease: None }.encode(&environment)
                        }
                        Some(name) => format!("variable `{name}` ({environment})"),
                        None if query => String::new(),
                        None => key,
                    }
                })
            }
        }
    }

    fn data(&self) -> std::result::Result<Map<Profile, Dict>, ::figment::Error> {
        match &self.inner {
            Secrets::Snapshot(snapshot) => snapshot.data(),
            Secrets::Variables { data, .. } => Ok(Map::from([(Profile::Default, data.clone())])),
        }
    }
}

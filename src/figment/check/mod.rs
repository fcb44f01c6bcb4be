//! [`EnvironmentCheck`]: a configuration type against the secrets of several environments, before
//! the deploy that would find out.

use std::sync::Arc;

use ::figment::{Figment, Profile};
use serde::de::DeserializeOwned;

use super::unread::{UnreadSecret, secrets_under};
use super::{Infisical, ProviderClient};
use crate::EnvLoader;
use crate::error::{Error, Result};

mod names;
mod probe;
mod problems;
mod report;
mod secrets;
mod survey;

use names::Naming;
use problems::{check, differences};
pub use report::{CheckReport, EnvironmentReport, NameDifference, Problem, ProblemKind};
pub use secrets::EnvironmentSecrets;

/// What the caller's figment function is.
type Layers = Arc<dyn Fn(EnvironmentSecrets) -> Figment + Send + Sync>;
/// The env loader of one environment.
type LoaderFor = Arc<dyn Fn(&str) -> EnvLoader + Send + Sync>;

#[derive(Clone)]
enum Front {
    Provider(Box<Infisical>),
    EnvLoader(LoaderFor),
}

/// Checks that a configuration type reads from the secrets of each of several environments, before
/// the deploy that would find out: one call for a CI job or a `#[test]`.
///
/// For each environment it reports, all at once (see below for how, and the limits):
/// - the fields no source provides, with the secret names the key mapping would read them from
///   (`database.url` → `DATABASE__URL` with `split("__")`, `/database/URL` with folders);
/// - the values a field's type does not read (`"80a"` for a `u16`): key, secret and expected type;
/// - the secrets no field reads, with the closest field (`DATABSE_URL` → `database_url`);
///
/// and which environments differ from the others in their secret names
/// ([`CheckReport::name_differences`]). Files and defaults take part as in the real extraction,
/// through [`figment`](Self::figment): a field with a default in `App.toml` is not missing.
///
/// ```
/// use figment::{Figment, providers::{Format, Toml}};
/// use infisical_config::figment::EnvironmentCheck;
/// use infisical_config::{Infisical, SecretString, testing::FakeInfisical};
///
/// #[derive(serde::Deserialize)]
/// struct AppConfig { database_url: SecretString, port: u16, log_level: String }
///
/// let fake = FakeInfisical::builder()
///     .secret("staging", "/", "DATABASE_URL", "postgres://staging")
///     .secret("staging", "/", "PORT", "8080")
///     .secret("prod", "/", "DATABASE_URL", "postgres://prod")
///     .start_blocking();
/// let template = Infisical::new(fake.project_id(), "dev").client(fake.blocking_client_builder().build()?);
///
/// let report = EnvironmentCheck::new(template, ["staging", "prod"])
///     .figment(|secrets| Figment::new().merge(Toml::string("log_level = 'info'")).merge(secrets))
///     .run::<AppConfig>();
/// assert!(!report.is_ok());
/// let problems: Vec<String> = report.problems().map(|p| p.to_string()).collect();
/// assert_eq!(problems, ["prod: missing `port` (expected secret PORT): no source provides it; expected u16"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// In a test, `assert!(report.is_ok(), "{report}")` prints a table per environment when it fails.
///
/// # How every problem is found at once
///
/// serde stops at the first missing field or type error. For each environment the check reads the
/// merged configuration (the caller's figment: files, defaults and the secrets) as the type, with a
/// deserializer of its own that reads values as figment's lossy extraction does. When serde fails,
/// the error names the place (figment keeps its path) and what went wrong; the check writes it down,
/// puts a stand-in at that place, and reads again. A missing field first gets an empty value, whose
/// refusal says what the field expects (`u16`, `struct Database`); then stand-ins in the order that
/// text suggests (a string such as `"1"`, a table, a list, an enum's first variant) until one is
/// taken. A missing table so gets its own missing fields reported, by their full keys. When the type
/// reads, the keys it ignored are the unread secrets ([`serde_ignored`](https://docs.rs/serde_ignored),
/// as [`unread_secrets`](super::unread_secrets) finds them), and the struct fields the deserializer saw
/// give each one its closest field. figment's own lossy extraction then has the last word: what it
/// takes has no missing or mistyped field, and what it refuses is a problem even if the check's
/// reading found none.
///
/// Each problem costs one more reading of a small tree in memory; no request.
///
/// # Limits
/// - A type that takes none of the stand-ins (a custom `Deserialize` that refuses every string, table
///   and list) stops the check at its field: it is reported, and the fields read after it are not
///   checked, nor are unread secrets looked for there.
/// - `#[serde(flatten)]`: a flattened struct reads its fields after its table, so serde's error no
///   longer says where: the check reports the first problem inside one and stops there. A flattened
///   field, a map (`HashMap<String, _>`) or a `figment::value::Value` reads every key under it, so no
///   secret under one is unread, and their fields are no candidates for the closest-field hint.
/// - Untagged enums buffer their value and say only that no variant matched: reported as
///   [`Invalid`](ProblemKind::Invalid), with no stand-in to go on unless a string, table or list fits.
/// - The closest field is found among the fields of the structs that were read: the fields of an
///   absent `Option<Struct>` are not among them.
/// - A custom error message is never shown (it may quote the value): the detail says only that the
///   field's type refused the value.
///
/// # The env loader
/// [`EnvironmentCheck::env_loader`] checks the same type against the variables an [`EnvLoader`] would
/// set, each under its name lowercased, as [`envy`](https://docs.rs/envy) reads a struct from the
/// environment: `DATABASE_URL` is the field `database_url`. Everything above applies; a missing field's
/// variable is its name upper-cased. Out of scope: nested structs (an environment is flat), the name
/// policy (a reserved name such as `PATH` counts as provided though the loader would not set it), and
/// variables the process gets from elsewhere (add them in [`figment`](EnvironmentCheck::figment)).
///
/// # Cost
/// One load per environment, run concurrently on the template's client: one list request per folder
/// and environment on a warm client (plus the login on a cold one), all within the client's
/// [`RequestBudget`](crate::RequestBudget) when it has one. Nothing is written, and no value is shown.
#[derive(Clone)]
#[must_use]
pub struct EnvironmentCheck {
    front: Front,
    environments: Vec<String>,
    layers: Layers,
}

impl std::fmt::Debug for EnvironmentCheck {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut out = f.debug_struct("EnvironmentCheck");
        match &self.front {
            Front::Provider(template) => out.field("template", template),
            Front::EnvLoader(_) => out.field("template", &"env loader"),
        };
        out.field("environments", &self.environments).finish_non_exhaustive()
    }
}

impl EnvironmentCheck {
    /// Checks these environments (slugs), each loaded as `template` loads its own: the same project,
    /// folders, recursion, imports, tags, key mapping, profile and client (share a client, so its token
    /// and connections serve every environment). The template's own environment is not checked unless
    /// listed.
    ///
    /// ```
    /// # use infisical_config::{Infisical, testing::FakeInfisical};
    /// use infisical_config::figment::EnvironmentCheck;
    ///
    /// #[derive(serde::Deserialize)]
    /// struct Config { database: Database }
    /// #[derive(serde::Deserialize)]
    /// struct Database { url: String }
    ///
    /// # let fake = FakeInfisical::builder()
    /// #     .secret("dev", "/", "DATABASE__URL", "postgres://dev")
    /// #     .secret("prod", "/", "OTHER", "x")
    /// #     .start_blocking();
    /// let template = Infisical::new(fake.project_id(), "dev")
    ///     .split("__")
    ///     .client(fake.blocking_client_builder().build()?);
    /// let report = EnvironmentCheck::new(template, ["dev", "prod"]).run::<Config>();
    /// let missing = report.environment("prod").unwrap().problems().iter().find(|p| p.key == "database.url");
    /// assert_eq!(missing.unwrap().secrets, ["DATABASE__URL"]);
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    pub fn new<I, S>(template: Infisical, environments: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self::with_front(Front::Provider(Box::new(template)), environments)
    }

    /// Checks the variables the env loader `loader(environment)` would set in each environment, read
    /// as [envy](https://docs.rs/envy) reads a struct: `DATABASE_URL` is the field `database_url`.
    /// Give every loader the same client, so its token and connections serve them all.
    ///
    /// ```
    /// # use infisical_config::testing::FakeInfisical;
    /// use infisical_config::EnvLoader;
    /// use infisical_config::figment::EnvironmentCheck;
    ///
    /// #[derive(serde::Deserialize)]
    /// struct Env { database_url: String, workers: Option<u8> }
    ///
    /// # let fake = FakeInfisical::builder()
    /// #     .secret("dev", "/", "DATABASE_URL", "postgres://dev")
    /// #     .secret("prod", "/", "DATABASE_URL", "postgres://prod")
    /// #     .secret("prod", "/", "WORKERS", "many")
    /// #     .start_blocking();
    /// let (project, client) = (fake.project_id(), fake.blocking_client_builder().build()?);
    /// let report = EnvironmentCheck::env_loader(["dev", "prod"], move |environment| {
    ///     EnvLoader::new(project, environment).client(client.clone())
    /// })
    /// .run::<Env>();
    /// let problems: Vec<String> = report.problems().map(|p| p.to_string()).collect();
    /// assert_eq!(problems, ["prod: mistyped `workers` (secret WORKERS): expected u8"]);
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    pub fn env_loader<I, S>(environments: I, loader: impl Fn(&str) -> EnvLoader + Send + Sync + 'static) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self::with_front(Front::EnvLoader(Arc::new(loader)), environments)
    }

    fn with_front<I, S>(front: Front, environments: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        EnvironmentCheck {
            front,
            environments: environments.into_iter().map(Into::into).collect(),
            layers: Arc::new(Figment::from),
        }
    }

    crate::setters::setters! {
        /// The figment the application extracts from, around one environment's secrets: the same
        /// function the application uses, so files, defaults and profiles take part as they will in
        /// production (default: the secrets alone).
        ///
        /// ```
        /// use figment::{Figment, providers::{Format, Serialized, Toml}};
        /// # use infisical_config::{Infisical, testing::FakeInfisical};
        /// use infisical_config::figment::EnvironmentCheck;
        ///
        /// #[derive(serde::Deserialize)]
        /// struct Config { port: u16, workers: u8 }
        ///
        /// # let fake = FakeInfisical::builder().secret("prod", "/", "PORT", "80").start_blocking();
        /// # let template = Infisical::new(fake.project_id(), "prod").client(fake.blocking_client_builder().build()?);
        /// let report = EnvironmentCheck::new(template, ["prod"])
        ///     .figment(|secrets| {
        ///         Figment::from(Serialized::defaults(serde_json::json!({"workers": 4})))
        ///             .merge(Toml::file("App.toml")) // a file that is not there provides nothing
        ///             .merge(secrets)
        ///     })
        ///     .run::<Config>();
        /// assert!(report.is_ok(), "{report}");
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        figment(layers: impl Fn(EnvironmentSecrets) -> Figment + Send + Sync + 'static) => layers = Arc::new(layers);
    }

    /// Loads every environment, concurrently (one thread each, on the template's client), and checks
    /// `T` against each. From async code, use [`run_async`](Self::run_async).
    ///
    /// A load that fails is that environment's [`load_error`](EnvironmentReport::load_error); the
    /// others are checked all the same.
    ///
    /// ```
    /// # use infisical_config::{Infisical, testing::FakeInfisical};
    /// use infisical_config::figment::EnvironmentCheck;
    ///
    /// #[derive(serde::Deserialize)]
    /// struct Config { api_key: String }
    ///
    /// # let fake = FakeInfisical::builder()
    /// #     .secret("staging", "/", "API_KEY", "k1").secret("prod", "/", "API_KEY", "k2")
    /// #     .start_blocking();
    /// # let template = Infisical::new(fake.project_id(), "dev").client(fake.blocking_client_builder().build()?);
    /// let report = EnvironmentCheck::new(template, ["staging", "prod"]).run::<Config>();
    /// assert!(report.is_ok(), "{report}");
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    pub fn run<T: DeserializeOwned>(&self) -> CheckReport {
        let loaded: Vec<Result<EnvironmentSecrets>> = std::thread::scope(|scope| {
            let loads: Vec<_> =
                self.environments.iter().map(|environment| scope.spawn(|| self.load(environment))).collect();
            loads.into_iter().map(|load| load.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))).collect()
        });
        self.report::<T>(loaded)
    }

    /// As [`run`](Self::run), from async code: the loads run as tasks of the current runtime.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), infisical_config::Error> {
    /// # use infisical_config::{Infisical, testing::FakeInfisical};
    /// use infisical_config::figment::EnvironmentCheck;
    ///
    /// #[derive(serde::Deserialize)]
    /// struct Config { api_key: String }
    ///
    /// # let fake = FakeInfisical::builder().secret("prod", "/", "API_KEY", "k2").start().await;
    /// let template = Infisical::new(fake.project_id(), "prod").client(fake.client_builder().build()?);
    /// let report = EnvironmentCheck::new(template, ["prod"]).run_async::<Config>().await;
    /// assert!(report.is_ok(), "{report}");
    /// # Ok(()) }
    /// ```
    pub async fn run_async<T: DeserializeOwned>(&self) -> CheckReport {
        let loads: Vec<_> =
            self.environments.iter().map(|environment| tokio::spawn(self.load_async(environment))).collect();
        let mut loaded = Vec::with_capacity(loads.len());
        for load in loads {
            loaded.push(load.await.unwrap_or_else(|e| Err(joined(e))));
        }
        self.report::<T>(loaded)
    }

    /// The template, for one environment.
    fn provider_for(template: &Infisical, environment: &str) -> Infisical {
        let mut provider = template.clone();
        let profile = provider.targets.first().map_or(Profile::Default, |(_, p)| p.clone());
        provider.targets = vec![(environment.to_owned(), profile)];
        provider
    }

    fn load(&self, environment: &str) -> Result<EnvironmentSecrets> {
        match &self.front {
            Front::Provider(template) => {
                let provider = Self::provider_for(template, environment);
                Ok(EnvironmentSecrets::snapshot(&provider, provider.fetch()?))
            }
            Front::EnvLoader(loader) => Ok(EnvironmentSecrets::variables(environment, &loader(environment).load()?)),
        }
    }

    fn load_async(&self, environment: &str) -> impl Future<Output = Result<EnvironmentSecrets>> + Send + 'static {
        let front = self.front.clone();
        let environment = environment.to_owned();
        async move {
            match front {
                Front::Provider(template) => {
                    let provider = Self::provider_for(&template, &environment);
                    let snapshot = match &provider.client {
                        Some(ProviderClient::Async(_)) => provider.fetch_async().await?,
                        // A blocking client runs on its own runtime; none given, the template's own
                        // client (built once, shared by its clones) does.
                        _ => {
                            let blocking = provider.clone();
                            tokio::task::spawn_blocking(move || blocking.fetch()).await.map_err(joined)??
                        }
                    };
                    Ok(EnvironmentSecrets::snapshot(&provider, snapshot))
                }
                Front::EnvLoader(loader) => {
                    let env_loader = loader(&environment);
                    let vars = tokio::task::spawn_blocking(move || env_loader.load()).await.map_err(joined)??;
                    Ok(EnvironmentSecrets::variables(&environment, &vars))
                }
            }
        }
    }

    fn naming(&self) -> Naming {
        match &self.front {
            Front::Provider(template) => Naming::Provider {
                mapping: template.mapping.clone(),
                listed: template.query.paths.clone(),
                recursive: template.query.recursive,
            },
            Front::EnvLoader(_) => Naming::Flat,
        }
    }

    fn report<T: DeserializeOwned>(&self, loaded: Vec<Result<EnvironmentSecrets>>) -> CheckReport {
        let naming = self.naming();
        let mut environments = Vec::with_capacity(loaded.len());
        let mut held: Vec<(usize, Vec<UnreadSecret>)> = Vec::new();
        for (environment, secrets) in self.environments.iter().zip(loaded) {
            let mut report = EnvironmentReport {
                environment: environment.clone(),
                load_error: None,
                secrets: 0,
                problems: Vec::new(),
            };
            match secrets {
                Err(error) => report.load_error = Some(error),
                Ok(secrets) => {
                    let alone = Figment::from(secrets.clone()).select(secrets.profile.clone());
                    let names = alone.find_value("").map(|all| secrets_under(&alone, &all)).unwrap_or_default();
                    report.secrets = names.len();
                    held.push((environments.len(), names));
                    match check::<T>(environment, (self.layers)(secrets), &naming) {
                        Ok(problems) => report.problems = problems,
                        Err(error) => report.load_error = Some(error),
                    }
                }
            }
            environments.push(report);
        }
        let differences = differences(&environments, &held);
        CheckReport { type_name: short_type_name::<T>(), environments, differences }
    }
}

/// `T`'s name without its module path: `AppConfig`, `Vec<app::Server>`.
fn short_type_name<T>() -> &'static str {
    let full = std::any::type_name::<T>();
    let head = full.find('<').map_or(full, |at| &full[..at]);
    head.rfind("::").map_or(full, |at| &full[at + 2..])
}

fn joined(error: tokio::task::JoinError) -> Error {
    Error::Local { what: "a load of the environment check panicked or was cancelled", source: Box::new(error) }
}

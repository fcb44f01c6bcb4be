//! Load secrets from [Infisical](https://infisical.com) into application configuration.
//!
//! Three ways in, over one complete client:
//!
//! - [`Infisical`], a [figment](https://docs.rs/figment) provider: secrets merged with your files and
//!   environment into a typed configuration (feature `figment`, on by default);
//! - [`EnvLoader`], dotenv-style: secrets into the process environment, a child process, or a dotenv or
//!   JSON file;
//! - [`Client`] (async) and [`blocking::Client`]: every resource (`secrets()`, `folders()`,
//!   `imports()`, `projects()`, `certificates()`, `kms()`, `dynamic_secrets()`) on current servers and on
//!   servers of 2024.
//!
//! Credentials come from a chain ([`auth`]): what you give the builder, the environment
//! (`INFISICAL_CLIENT_ID` + `INFISICAL_CLIENT_SECRET`, `INFISICAL_TOKEN`, a machine identity's
//! variables), then the Infisical CLI's login. Tokens are renewed ahead of expiry by themselves. The
//! site is `INFISICAL_URL`, else the project file's, else the CLI login's, else [`DEFAULT_SITE`]; the
//! project, environment and folder of [`Infisical::from_env`] and [`EnvLoader::from_env`] come from
//! `INFISICAL_PROJECT_ID` and friends, else `.infisical.json`, as the CLI finds them.
//!
//! Secrets are [`SecretString`]s: redacted in `Debug`, zeroized on drop, and never written to logs,
//! `Display` or errors. Each example below runs against the test kit's fake server
//! ([`testing::FakeInfisical`], feature `testing`) started in hidden lines; in a service, the same
//! code reaches your Infisical.
//!
//! # 1. Secrets into a typed configuration (figment)
//!
//! Your file for what is not secret, Infisical for what is; a folder becomes a table (`/database/URL`
//! is `database.url`). [`ExtractRedacted::extract_redacted`](figment::ExtractRedacted) is figment's
//! `extract` whose error never quotes a value.
//!
//! ```
//! use figment::{Figment, providers::{Format, Toml}};
//! use infisical_config::figment::ExtractRedacted;
//! use infisical_config::{ExposeSecret, Infisical, SecretString};
//!
//! #[derive(serde::Deserialize)]
//! struct Config {
//!     port: u16,                // from App.toml
//!     database: Database,       // from the folder /database in Infisical
//! }
//! #[derive(serde::Deserialize)]
//! struct Database {
//!     url: SecretString,        // Debug prints [REDACTED]
//! }
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let fake = infisical_config::testing::FakeInfisical::builder()
//! #     .secret("prod", "/database", "URL", "postgres://app@db/shop").start_blocking();
//! let secrets = Infisical::new("my-project", "prod").recursive(true);
//! # let secrets = Infisical::new(fake.project_id(), "prod").recursive(true)
//! #     .client(fake.blocking_client_builder().build()?);
//! let config: Config = Figment::new()
//!     .merge(Toml::string("port = 8080")) // Toml::file("App.toml") in a service
//!     .merge(secrets)
//!     .extract_redacted()?;
//! assert_eq!(config.port, 8080);
//! assert_eq!(config.database.url.expose_secret(), "postgres://app@db/shop");
//! # Ok(()) }
//! ```
//!
//! A [watcher](Infisical::watch) (feature `watch`) keeps such a configuration current; a
//! [`DynamicLease`] adds a dynamic secret's credentials and keeps them valid ([`leases`]); the
//! [`cache`] (feature `cache`) serves the last good secrets through an outage; [`report`] says where
//! each value came from.
//!
//! # 2. Secrets into the environment at start-up, or a child's
//!
//! [`EnvLoader::load`] gives an [`EnvMap`](env_loader::EnvMap) without touching the process. Set it on a child process
//! (what `infisical run` does), write a dotenv file, or set this process's own environment with
//! [`EnvLoader::load_and_set`] first thing in `main`, before any thread starts. A variable already set
//! is kept unless you ask otherwise ([`env_loader::Overwrite`]).
//!
//! ```
//! use infisical_config::EnvLoader;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let fake = infisical_config::testing::FakeInfisical::builder()
//! #     .secret("prod", "/", "API_KEY", "sk-live-1").secret("prod", "/", "LOG_LEVEL", "info").start_blocking();
//! let loader = EnvLoader::new("my-project", "prod");
//! # let loader = EnvLoader::new(fake.project_id(), "prod").client(fake.blocking_client_builder().build()?);
//! let vars = loader.load()?;
//!
//! let mut child = std::process::Command::new("sh");
//! child.args(["-c", r#"test "$LOG_LEVEL" = debug && test -n "$API_KEY""#]);
//! child.env("LOG_LEVEL", "debug"); // what the command sets wins
//! let applied = vars.apply_to_command(&mut child);
//! assert_eq!((applied.set, applied.kept), (vec!["API_KEY".to_owned()], vec!["LOG_LEVEL".to_owned()]));
//! # #[cfg(unix)]
//! assert!(child.status()?.success());
//! assert!(std::env::var_os("API_KEY").is_none(), "this process is untouched");
//! # Ok(()) }
//! ```
//!
//! # 3. Typed configuration in tests
//!
//! The test kit (feature `testing`, a dev-dependency) is a fake Infisical on a local port: seed it,
//! point the provider at it, and check that your type reads every secret.
//! [`extract_checked`](figment::ExtractRedacted::extract_checked) also fails on a secret no field
//! reads (a typo in a name, a renamed field), where `extract` would ignore it.
//!
//! ```
//! use figment::Figment;
//! use infisical_config::figment::ExtractRedacted;
//! use infisical_config::testing::FakeInfisical;
//! use infisical_config::{Infisical, SecretString};
//!
//! #[derive(serde::Deserialize)]
//! struct Config { api_key: SecretString, port: u16 }
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let fake = FakeInfisical::builder()
//!     .secret("dev", "/", "API_KEY", "test-key")
//!     .secret("dev", "/", "PORT", "8080")
//!     .secret("dev", "/", "API_KYE", "typo")
//!     .start_blocking(); // or `.start().await` in a #[tokio::test]
//! let secrets = Infisical::new(fake.project_id(), "dev").client(fake.blocking_client_builder().build()?);
//! let err = Figment::new().merge(secrets).extract_checked::<Config>().err().expect("API_KYE is read by no field");
//! assert!(err.to_string().contains("API_KYE"), "{err}");
//! # Ok(()) }
//! ```
//!
//! Before a deploy, [`figment::EnvironmentCheck`] runs the same check against every environment at once.
//!
//! # Feature flags
//!
//! | feature | default | adds | build cost (crates beyond the default's 142, by `cargo tree`) |
//! |---|---|---|---|
//! | `rustls` | yes | TLS through rustls (aws-lc-rs, post-quantum key exchange) and the platform verifier | aws-lc's C code: the default's slowest crate |
//! | `rustls-ring` | no | rustls with *ring* instead (with `default-features = false`): a smaller binary, a quicker build, no post-quantum key exchange | none; 29 s less of a 177 s cold release build, 2.1 MB less binary |
//! | `native-tls` | no | TLS through the platform's library | 8 (and the system's OpenSSL) |
//! | `figment` | yes | the [`Infisical`] provider | figment itself (in the 142) |
//! | `keyring` | no | an `infisical login` kept in the OS keyring | 71 (a D-Bus stack on Linux), 161 s more of a cold build |
//! | `aws` | no | AWS IAM login, with AWS's own credential chain and signer | 45 |
//! | `gcp` | no | GCP ID-token and IAM logins | 15 |
//! | `cache` | no | the encrypted last-known-good cache ([`cache`]) | 0 |
//! | `watch` | no | live reload of a typed configuration ([`watch`]) | 0 |
//! | `config` | no | a config-rs source ([`config_source`]) | 4 |
//! | `push` | no | Infisical's event stream ([`events`]), and a watcher that follows it | 0 |
//! | `metrics` | no | metrics over the `metrics` facade (the exporter is yours) | 3 |
//! | `testing` | no | the fake server and CLI login for your tests ([`testing`]) | 16 (wiremock, hyper's server) |
//!
//! Without default features and with none added the crate speaks plain http only (an https site is
//! refused when the client is built) and depends on 122 crates. The README's "Performance" section
//! has the start-up, instruction and memory figures.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![deny(unsafe_code)]
#![warn(missing_docs)]

pub mod auth;
pub mod blocking;
#[cfg(feature = "cache")]
#[cfg_attr(docsrs, doc(cfg(feature = "cache")))]
pub mod cache;
mod client;
pub mod clock;
pub mod env_loader;
mod env_source;
pub mod error;
#[cfg(feature = "push")]
#[cfg_attr(docsrs, doc(cfg(feature = "push")))]
pub mod events;
#[cfg(feature = "figment")]
#[cfg_attr(docsrs, doc(cfg(feature = "figment")))]
pub mod figment;
mod folder_path;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
pub mod leases;
mod local_file;
mod metrics;
mod pipeline;
pub mod project_file;
pub mod report;
pub mod resources;
mod routes;
mod setters;
mod site;
#[cfg(feature = "testing")]
#[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
pub mod testing;
mod transport;

/// The README's code, compiled as doctests so it cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

pub use client::{Client, ClientBuilder, USER_AGENT};
pub use env_loader::EnvLoader;
pub use env_source::EnvSource;
pub use error::{Error, Result};
#[cfg(feature = "figment")]
pub use figment::Infisical;
#[cfg(feature = "config")]
#[cfg_attr(docsrs, doc(cfg(feature = "config")))]
pub use figment::config_source;
#[cfg(feature = "watch")]
#[cfg_attr(docsrs, doc(cfg(feature = "watch")))]
pub use figment::watch;
pub use leases::DynamicLease;
pub use secrecy::{ExposeSecret, SecretBox, SecretString};
pub use site::DEFAULT_SITE;
pub use transport::{RequestBudget, RetryPolicy};

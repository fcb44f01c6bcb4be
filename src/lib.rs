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
//! Dynamic secrets (a database user and password, cloud keys) join the same typed configuration with
//! [`DynamicLease`]; a watcher keeps them valid, renewing and replacing their leases ([`leases`]).
//!
//! Credentials come from a chain ([`auth`]): what you give the builder, the environment
//! (`INFISICAL_CLIENT_ID` + `INFISICAL_CLIENT_SECRET`, `INFISICAL_TOKEN`), then the Infisical CLI's
//! login. Tokens are renewed ahead of expiry by themselves.
//!
//! ```no_run
//! use figment::{Figment, providers::{Format, Toml}};
//! use infisical_config::figment::ExtractRedacted;
//! use infisical_config::{Infisical, SecretString};
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
//! fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     let config: Config = Figment::new()
//!         .merge(Toml::file("App.toml"))
//!         .merge(Infisical::new("my-project", "prod").recursive(true))
//!         .extract_redacted()?; // an error names the key and the secret, never a value
//!     # let _ = config;
//!     Ok(())
//! }
//! ```
//!
//! Secrets are [`secrecy::SecretString`]s: redacted in `Debug`, zeroized on drop, and never written to
//! logs, `Display` or errors. [`testing::FakeInfisical`] (feature `testing`) is a fake server for your
//! own tests.
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
mod error;
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

pub use auth::CredentialsError;
pub use client::{Client, ClientBuilder, USER_AGENT};
pub use env_loader::{Applied, EnvLoader, EnvMap};
pub use env_source::EnvSource;
pub use error::{ApiError, ApiMessage, Error, LeaseError, Result, TransportErrorKind, ValidationIssue};
#[cfg(feature = "config")]
#[cfg_attr(docsrs, doc(cfg(feature = "config")))]
pub use figment::config_source;
#[cfg(feature = "watch")]
#[cfg_attr(docsrs, doc(cfg(feature = "watch")))]
pub use figment::watch;
#[cfg(feature = "figment")]
pub use figment::{Infisical, ProviderClient, Snapshot};
pub use leases::DynamicLease;
pub use report::{LeaseReport, LoadReport};
pub use secrecy::{ExposeSecret, SecretBox, SecretString};
pub use site::DEFAULT_SITE;
pub use transport::{RequestBudget, RetryPolicy};

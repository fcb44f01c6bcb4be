//! Load secrets from [Infisical](https://infisical.com) into application configuration.
//!
//! The crate is a complete Infisical client (async [`Client`] and [`blocking::Client`]) with a
//! credential chain that keeps its tokens fresh by itself.
//!
//! Secrets are [`secrecy::SecretString`]s: redacted in `Debug`, zeroized on drop, and never written to
//! logs, `Display` or errors.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![deny(unsafe_code)]
#![warn(missing_docs)]

pub mod auth;
pub mod blocking;
mod client;
mod config;
pub mod env_loader;
mod env_source;
mod error;
#[cfg(feature = "figment")]
#[cfg_attr(docsrs, doc(cfg(feature = "figment")))]
pub mod figment;
mod load;
pub mod project;
pub mod resources;
#[cfg(feature = "testing")]
#[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
pub mod testing;
mod transport;

pub use auth::CredentialsError;
pub use client::{Async, Blocking, Client, ClientBuilder, USER_AGENT};
pub use config::{DEFAULT_SITE, SITE_VARS};
pub use env_loader::{Applied, EnvLoader, EnvMap};
pub use env_source::EnvSource;
pub use error::{ApiError, ApiMessage, Error, Result, TransportErrorKind, ValidationIssue};
#[cfg(feature = "figment")]
pub use figment::{Infisical, Snapshot};
pub use secrecy::{ExposeSecret, SecretString};
pub use transport::RetryPolicy;

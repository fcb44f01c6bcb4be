//! A `config` (config-rs) source (feature `config`): the same load, keys and errors as the figment
//! provider, for services that build their configuration with `config::Config::builder()`.
//!
//! Each value's origin is the secret it came from, so config-rs's errors name it
//! (``secret `PORT` in / (prod)``). Its errors also quote the value they found: pass them through
//! [`redact`] before printing them. A failed load is a `ConfigError::Foreign` holding an
//! [`Error::Load`](crate::Error::Load) that names what was loaded
//! (`infisical://host:port/project/environments/folders`), as the figment provider and the env
//! loader name it.
//!
//! ```
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! use infisical_config::{ExposeSecret, Infisical};
//! use infisical_config::config_source::{InfisicalSource, redact};
//! # let fake = infisical_config::testing::FakeInfisical::builder()
//! #     .secret("prod", "/", "DATABASE_URL", "postgres://db/app")
//! #     .start().await;
//! # let client = fake.client_builder().build().unwrap(); // by default: the credential chain
//!
//! #[derive(serde::Deserialize)]
//! struct AppConfig {
//!     port: u16,
//!     database_url: infisical_config::SecretString,
//! }
//!
//! let config = config::Config::builder()
//!     .set_default("port", 8080)?
//!     .add_async_source(InfisicalSource::new(Infisical::new(fake.project_id(), "prod").client(client)))
//!     .build()
//!     .await
//!     .map_err(redact)?;
//! let app: AppConfig = config.try_deserialize().map_err(redact)?;
//! assert_eq!((app.port, app.database_url.expose_secret()), (8080, "postgres://db/app"));
//! # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
//! ```

use ::figment::value::Value as FigmentValue;
use config::{ConfigError, Map, Value, ValueKind};

use super::Infisical;
use super::keys::SEP;

/// Infisical secrets as a `config` async source: what an [`Infisical`] provider loads, with the
/// same keys and errors. See the [module docs](self).
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// use infisical_config::Infisical;
/// use infisical_config::config_source::{InfisicalSource, redact};
/// # let fake = infisical_config::testing::FakeInfisical::builder()
/// #     .secret("prod", "/", "DATABASE_URL", "postgres://db/app")
/// #     .start().await;
/// # let client = fake.client_builder().build().unwrap();
///
/// #[derive(serde::Deserialize)]
/// struct AppConfig { port: u16, database_url: infisical_config::SecretString }
///
/// let config = config::Config::builder()
///     .set_default("port", 8080)?
///     .add_async_source(InfisicalSource::new(Infisical::new(fake.project_id(), "prod").client(client)))
///     .build()
///     .await
///     .map_err(redact)?;
/// let app: AppConfig = config.try_deserialize().map_err(redact)?;
/// assert_eq!(app.port, 8080);
/// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
/// ```
#[derive(Clone, Debug)]
pub struct InfisicalSource(Infisical);

impl InfisicalSource {
    /// A source loading what `provider` loads (project, environments, folders, key mapping,
    /// client, cache). Several environments are merged in the order given, a later one winning;
    /// config-rs has no profiles.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use infisical_config::Infisical;
    /// use infisical_config::config_source::InfisicalSource;
    /// # let fake = infisical_config::testing::FakeInfisical::builder()
    /// #     .secret("prod", "/", "DB__HOST", "db.internal")
    /// #     .secret("staging", "/", "DB__HOST", "staging-db.internal")
    /// #     .secret("staging", "/", "DEBUG", "true")
    /// #     .start().await;
    /// # let client = fake.client_builder().build().unwrap();
    ///
    /// let provider = Infisical::new(fake.project_id(), "staging").client(client).split("__").and_environment("prod", "prod");
    /// let config = config::Config::builder().add_async_source(InfisicalSource::new(provider)).build().await.unwrap();
    /// assert_eq!(config.get_string("db.host").unwrap(), "db.internal"); // prod came later, and wins
    /// assert!(config.get_bool("debug").unwrap()); // config-rs converts on read
    /// # });
    /// ```
    #[must_use]
    pub fn new(provider: Infisical) -> Self {
        InfisicalSource(provider)
    }

    /// The report of the last load of this source (or of its clones, or of the provider it was made
    /// from): where each folder came from, the requests and time it took. `None` before any load.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use infisical_config::Infisical;
    /// use infisical_config::config_source::InfisicalSource;
    /// # let fake = infisical_config::testing::FakeInfisical::builder().secret("prod", "/", "PORT", "8080").start().await;
    /// # let client = fake.client_builder().build().unwrap();
    ///
    /// let source = InfisicalSource::new(Infisical::new(fake.project_id(), "prod").client(client));
    /// let config = config::Config::builder().add_async_source(source.clone()).build().await.unwrap();
    /// assert_eq!(config.get_string("port").unwrap(), "8080");
    /// assert_eq!(source.last_report().unwrap().layers.len(), 1);
    /// # });
    /// ```
    #[must_use]
    pub fn last_report(&self) -> Option<crate::report::LoadReport> {
        self.0.last_report()
    }
}

impl From<Infisical> for InfisicalSource {
    fn from(provider: Infisical) -> Self {
        InfisicalSource(provider)
    }
}

#[async_trait::async_trait]
impl config::AsyncSource for InfisicalSource {
    async fn collect(&self) -> Result<Map<String, Value>, ConfigError> {
        let snapshot = (self.0.fetch_async().await)
            .map_err(|e| ConfigError::Foreign(Box::new(crate::pipeline::in_load(e, || self.0.source()))))?;
        let mut table = Map::new();
        for (_, profile) in &self.0.targets {
            let Some(keys) = snapshot.index.get(profile) else { continue };
            for (key, origin) in keys.iter() {
                if let Some(value) = snapshot.value_at(profile, key) {
                    insert(&mut table, key, Value::new(Some(&keys.describe(origin)), kind_of(value)));
                }
            }
        }
        Ok(table)
    }
}

/// Puts `value` at `key` (parts joined by the key separator), making the tables on its way.
fn insert(table: &mut Map<String, Value>, key: &str, value: Value) {
    match key.split_once(SEP) {
        None => {
            table.insert(key.to_owned(), value);
        }
        Some((head, rest)) => {
            let inner = table.entry(head.to_owned()).or_insert_with(|| Value::new(None, ValueKind::Table(Map::new())));
            if !matches!(inner.kind, ValueKind::Table(_)) {
                // A later environment's table replaces an earlier one's leaf, as figment merges.
                *inner = Value::new(None, ValueKind::Table(Map::new()));
            }
            if let ValueKind::Table(inner) = &mut inner.kind {
                insert(inner, rest, value);
            }
        }
    }
}

fn kind_of(value: &FigmentValue) -> ValueKind {
    use ::figment::value::Num;
    match value {
        FigmentValue::String(_, s) => ValueKind::String(s.clone()),
        FigmentValue::Char(_, c) => ValueKind::String(c.to_string()),
        FigmentValue::Bool(_, b) => ValueKind::Boolean(*b),
        FigmentValue::Num(_, n) => match *n {
            Num::U8(v) => ValueKind::U64(v.into()),
            Num::U16(v) => ValueKind::U64(v.into()),
            Num::U32(v) => ValueKind::U64(v.into()),
            Num::U64(v) => ValueKind::U64(v),
            Num::U128(v) => ValueKind::U128(v),
            Num::USize(v) => ValueKind::U64(v as u64),
            Num::I8(v) => ValueKind::I64(v.into()),
            Num::I16(v) => ValueKind::I64(v.into()),
            Num::I32(v) => ValueKind::I64(v.into()),
            Num::I64(v) => ValueKind::I64(v),
            Num::I128(v) => ValueKind::I128(v),
            Num::ISize(v) => ValueKind::I64(v as i64),
            Num::F32(v) => ValueKind::Float(v.into()),
            Num::F64(v) => ValueKind::Float(v),
        },
        FigmentValue::Empty(..) => ValueKind::Nil,
        // A secret is one string (or, with `parse_values`, a number or boolean): nothing nests.
        FigmentValue::Dict(..) | FigmentValue::Array(..) => ValueKind::Nil,
    }
}

/// Removes the values config-rs's errors may quote, keeping the key, what was expected and, for a
/// value from Infisical, the secret it came from; the error can then be printed.
///
/// - A type error whose origin is a secret, or unknown (config-rs leaves it out of some, such as a
///   number out of range, and of values given with `set_default` or `set_override`): its value is
///   removed. One from another named source is left as it is.
/// - A message (what serde's and config-rs's own errors become: an unknown enum variant, an invalid
///   value, a failed parse) says nothing of where its value came from: every one is replaced, keeping
///   serde's ``expected ...`` and an enum's name.
/// - Other errors (a missing key, a file that does not parse, a failed load) hold no value from
///   Infisical and are returned as they are.
///
/// ```
/// use infisical_config::config_source::redact;
///
/// let vars = config::Map::from([("PORT".to_owned(), "hunter2".to_owned())]);
/// let config = config::Config::builder()
///     .add_source(config::Environment::default().source(Some(vars)))
///     .build().unwrap();
/// // A type error from another source (here "the environment"): left as it is.
/// assert!(redact(config.get::<u16>("port").unwrap_err()).to_string().contains("hunter2"));
/// // A message may quote any value: removed, the key and the expectation kept.
/// let err = redact(config.get::<char>("port").unwrap_err()).to_string();
/// assert_eq!(err, "invalid value (not shown), expected a character for key `port`");
/// ```
#[must_use]
pub fn redact(error: ConfigError) -> ConfigError {
    match error {
        ConfigError::Type { origin, expected, key, .. } if origin.as_deref().is_none_or(is_secret) => {
            let key = key.map(|k| format!(" for key `{k}`")).unwrap_or_default();
            let origin = origin.map(|o| format!(" in {o}")).unwrap_or_default();
            ConfigError::Message(format!("invalid type: expected {expected}{key}{origin} (value not shown)"))
        }
        ConfigError::Message(message) => ConfigError::Message(redact_message(&message)),
        ConfigError::At { error, origin, key } => ConfigError::At { error: Box::new(redact(*error)), origin, key },
        other => other,
    }
}

/// The origin of a value from Infisical, as `keys::Origin::describe` writes it.
fn is_secret(origin: &str) -> bool {
    origin.starts_with("secret `")
}

/// A message without the value it may quote. Kept: what serde's own messages say went wrong and was
/// expected (the text after their last `, expected `, which serde writes from the type after the
/// value found, so a value holding `, expected ` comes before it), and the enum config-rs names.
fn redact_message(message: &str) -> String {
    const SERDE: [(&str, &str); 5] = [
        ("invalid type: ", "invalid type"),
        ("invalid value: ", "invalid value"),
        ("unknown variant `", "unknown variant"),
        ("unknown field `", "unknown field"),
        ("invalid length ", "invalid length"),
    ];
    if let Some((_, what)) = SERDE.iter().find(|(prefix, _)| message.starts_with(prefix))
        && let Some(at) = message.rfind(", expected ")
    {
        return format!("{what} (not shown){}", &message[at..]);
    }
    // config-rs's own: "enum {name} does not have variant constructor {value}".
    if let Some((name, _)) =
        message.strip_prefix("enum ").and_then(|m| m.split_once(" does not have variant constructor "))
    {
        return format!("unknown variant (not shown), expected a variant of enum {name}");
    }
    "invalid value (message not shown)".to_owned()
}

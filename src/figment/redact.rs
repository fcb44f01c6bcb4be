//! Keeping secret values out of figment's errors.
//!
//! figment's type errors quote the value they found (`invalid type: found string "s3cret", expected
//! u16`), and its `Debug` does too. A `main` returning `Box<dyn Error>` prints that `Debug` when
//! `extract()?` fails, so the obvious code would print a secret. [`ExtractRedacted::extract_redacted`]
//! is the same extraction with an error that cannot show a value.

use ::figment::error::{Actual, Kind};
use ::figment::{Error, Figment};

use super::keys::PROVIDER_NAME;
use super::unread::{UnreadSecret, extract_tracked};

/// Removes secret values from figment errors raised on values this crate provided.
///
/// figment's type errors quote the value they found (`found string "s3cret", expected u16`). This
/// replaces that value with a placeholder, keeping the rest (which key, which secret, which source).
///
/// ```
/// use figment::Figment;
/// use infisical_config::Infisical;
/// # let fake = infisical_config::testing::FakeInfisical::builder().secret("prod", "/", "PORT", "s3cret").start_blocking();
/// # let client = fake.blocking_client_builder().build()?;
///
/// #[derive(Debug, serde::Deserialize)]
/// struct Config { port: u16 }
///
/// let figment = Figment::from(Infisical::new(fake.project_id(), "prod").client(client));
/// match figment.extract::<Config>() {
///     Ok(config) => { /* ... */ }
///     Err(e) => {
///         let said = infisical_config::figment::redact(e).to_string();
///         eprintln!("bad configuration: {said}");
///         assert!(said.contains("secret `PORT`") && !said.contains("s3cret"), "{said}");
///     }
/// }
/// # Ok::<(), infisical_config::Error>(())
/// ```
///
/// A secret is a string, so a strict `extract` into a number or a `bool` fails; the error then says
/// how to read it as one (see [`ExtractRedacted::extract_lossy_redacted`]).
#[must_use]
pub fn redact(error: Error) -> Error {
    redact_where(error, from_infisical, Extraction::Strict)
}

fn from_infisical(error: &Error) -> bool {
    error.metadata.as_ref().is_some_and(|m| m.name == PROVIDER_NAME)
}

/// How the value was extracted, which decides the hint a type error carries.
#[derive(Clone, Copy, PartialEq)]
enum Extraction {
    Strict,
    Lossy,
}

/// What an Infisical secret that a strict extraction refused as a number or a boolean should try.
const HINT_LOSSY: &str = " [Infisical values are strings: extract with `extract_lossy_redacted()`, figment's lossy \
    extraction, or set `.parse_values(true)`, which also turns \"0123\" into 123 for string fields]";

/// What a secret that `parse_values` made a number or a boolean, refused by a string field, should try.
const HINT_PARSED: &str = " [`.parse_values(true)` made this secret a number or a boolean, as it turns \"0123\" into \
    123: leave it off and extract with `extract_lossy_redacted()`, which reads numbers only into number fields]";

/// Replaces the values quoted by the errors of the chain that `pick` selects, and tells an Infisical
/// secret refused for its type how to be read.
fn redact_where(error: Error, pick: impl Fn(&Error) -> bool, extraction: Extraction) -> Error {
    let mut errors: Vec<Error> = error.into_iter().collect();
    for e in errors.iter_mut().filter(|e| pick(e)) {
        let infisical = from_infisical(e);
        match &mut e.kind {
            Kind::InvalidType(actual, expected) | Kind::InvalidValue(actual, expected) => {
                if infisical {
                    let hint = match actual {
                        Actual::Str(_) if extraction == Extraction::Strict && wants_number_or_bool(expected) => {
                            HINT_LOSSY
                        }
                        Actual::Signed(_) | Actual::Unsigned(_) | Actual::Float(_) | Actual::Bool(_)
                            if expected == "a string" =>
                        {
                            HINT_PARSED
                        }
                        _ => "",
                    };
                    expected.push_str(hint);
                }
                // Numbers and booleans too: with `parse_values` a PIN arrives as a number.
                let hidden = match actual {
                    Actual::Str(_) | Actual::Char(_) | Actual::Bytes(_) => Some("a string (value redacted)"),
                    Actual::Signed(_) | Actual::Unsigned(_) | Actual::Float(_) => Some("a number (value redacted)"),
                    Actual::Bool(_) => Some("a boolean (value redacted)"),
                    _ => None,
                };
                if let Some(hidden) = hidden {
                    *actual = Actual::Other(hidden.into());
                }
            }
            Kind::UnknownVariant(found, _) => *found = "(value redacted)".into(),
            _ => {}
        }
    }
    let mut rebuilt = errors.pop().unwrap_or_else(|| Error::from("configuration error".to_owned()));
    while let Some(next) = errors.pop() {
        rebuilt = rebuilt.chain(next);
    }
    rebuilt
}

/// Whether serde's text for what it expected names a number or a boolean (`u16`, `a nonzero u32`,
/// `a boolean`): the types figment's lossy extraction reads from a string.
fn wants_number_or_bool(expected: &str) -> bool {
    let expected = expected.strip_prefix("a nonzero ").unwrap_or(expected);
    matches!(
        expected,
        "a boolean"
            | "u8"
            | "u16"
            | "u32"
            | "u64"
            | "u128"
            | "usize"
            | "i8"
            | "i16"
            | "i32"
            | "i64"
            | "i128"
            | "isize"
            | "f32"
            | "f64"
    )
}

/// A figment extraction error that never shows a value: its `Debug` is its `Display`, and both name
/// the key, the secret and the source, with every quoted value replaced by a placeholder.
///
/// ```
/// use figment::{Figment, providers::Serialized};
/// use infisical_config::figment::ExtractRedacted;
///
/// #[derive(Debug, serde::Deserialize)]
/// struct Config { port: u16 }
///
/// let figment = Figment::from(Serialized::defaults(serde_json::json!({"port": "hunter2"})));
/// let err = figment.extract_redacted::<Config>().unwrap_err();
/// assert!(!format!("{err:?} {err}").contains("hunter2"));
/// ```
pub struct RedactedError(Box<Error>);

impl RedactedError {
    /// The redacted figment error, to match on its kind or walk its chain.
    ///
    /// ```
    /// use figment::{Figment, error::Kind, providers::Serialized};
    /// use infisical_config::figment::ExtractRedacted;
    ///
    /// #[derive(Debug, serde::Deserialize)]
    /// struct Config { port: u16 }
    ///
    /// let figment = Figment::from(Serialized::defaults(serde_json::json!({"port": "hunter2"})));
    /// let err = figment.extract_redacted::<Config>().unwrap_err().into_inner();
    /// assert!(matches!(err.kind, Kind::InvalidType(..)));
    /// assert_eq!(err.path, ["port"]);
    /// assert!(!err.to_string().contains("hunter2"));
    /// ```
    #[must_use]
    pub fn into_inner(self) -> Error {
        *self.0
    }
}

impl std::fmt::Display for RedactedError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(&self.0, f)
    }
}

impl std::fmt::Debug for RedactedError {
    // `main` returning `Result<_, Box<dyn Error>>` prints the `Debug` of its error: make it the text.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(&self.0, f)
    }
}

impl std::error::Error for RedactedError {}

impl From<Error> for RedactedError {
    /// Redacts every provider's values (an `Env` or a TOML file may hold secrets too); an Infisical
    /// string refused as a number or a boolean gets the hint of a strict extraction.
    fn from(error: Error) -> Self {
        RedactedError(Box::new(redact_where(error, |_| true, Extraction::Strict)))
    }
}

impl RedactedError {
    /// The error of a lossy extraction: a string refused as a number did not read as one, so the hint
    /// to extract lossily would not help.
    pub(super) fn lossy(error: Error) -> Self {
        RedactedError(Box::new(redact_where(error, |_| true, Extraction::Lossy)))
    }

    /// The error of [`ExtractRedacted::extract_checked`] when secrets are unread: one line naming them.
    fn unread<T>(unread: &[UnreadSecret]) -> Self {
        let names: Vec<String> = unread.iter().map(UnreadSecret::to_string).collect();
        let (count, ty) = (unread.len(), std::any::type_name::<T>());
        let plural = if count == 1 { "" } else { "s" };
        RedactedError(Box::new(Error::from(format!(
            "no field of `{ty}` reads {count} secret{plural} from Infisical (a typo in a secret's name or a \
             field's?): {}",
            names.join("; ")
        ))))
    }
}

/// `extract` with an error that never shows a value. Use it wherever the error may be printed.
///
/// ```
/// use figment::{Figment, providers::{Format, Toml}};
/// use infisical_config::{ExposeSecret, Infisical, SecretString};
/// use infisical_config::figment::ExtractRedacted;
///
/// #[derive(serde::Deserialize)]
/// struct Config { name: String, api_key: SecretString }
///
/// fn main() -> Result<(), Box<dyn std::error::Error>> {
///     # let fake = infisical_config::testing::FakeInfisical::builder().secret("prod", "/", "API_KEY", "k-1").start_blocking();
///     # let client = fake.blocking_client_builder().build()?;
///     let config: Config = Figment::new()
///         .merge(Toml::string(r#"name = "shop""#))
///         .merge(Infisical::new(fake.project_id(), "prod").client(client))
///         .extract_redacted()?; // a failure prints the key and the secret's name, never its value
///     assert_eq!((config.name.as_str(), config.api_key.expose_secret()), ("shop", "k-1"));
///     Ok(())
/// }
/// ```
pub trait ExtractRedacted {
    /// Extracts `T` as [`Figment::extract`] does; the error is a
    /// [`RedactedError`].
    ///
    /// ```
    /// use figment::Figment;
    /// use infisical_config::{Infisical, figment::ExtractRedacted};
    /// # let fake = infisical_config::testing::FakeInfisical::builder().secret("prod", "/", "PORT", "80a").start_blocking();
    /// # let client = fake.blocking_client_builder().build()?;
    ///
    /// #[derive(Debug, serde::Deserialize)]
    /// struct Config { port: u16 }
    ///
    /// let err = Figment::from(Infisical::new(fake.project_id(), "prod").client(client))
    ///     .extract_redacted::<Config>()
    ///     .unwrap_err();
    /// assert!(err.to_string().contains("secret `PORT` in / (prod)"), "{err}"); // the secret...
    /// assert!(!err.to_string().contains("80a")); // ...never the value
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    ///
    /// # Errors
    /// Whatever figment's extraction reports, with every value replaced by a placeholder.
    ///
    /// [`Figment::extract`]: https://docs.rs/figment/0.10/figment/struct.Figment.html#method.extract
    fn extract_redacted<'a, T: serde::Deserialize<'a>>(&self) -> Result<T, RedactedError>;

    /// Extracts `T` at `key`, as [`Figment::extract_inner`] does;
    /// the error is a [`RedactedError`].
    ///
    /// ```
    /// use figment::Figment;
    /// use infisical_config::{ExposeSecret, Infisical, SecretString, figment::ExtractRedacted};
    /// # let fake = infisical_config::testing::FakeInfisical::builder()
    /// #     .secret("prod", "/db", "URL", "postgres://db/app")
    /// #     .start_blocking();
    /// # let client = fake.blocking_client_builder().build()?;
    ///
    /// #[derive(serde::Deserialize)]
    /// struct Database { url: SecretString }
    ///
    /// let figment = Figment::from(Infisical::new(fake.project_id(), "prod").client(client).recursive(true));
    /// let database: Database = figment.extract_inner_redacted("db").unwrap();
    /// assert_eq!(database.url.expose_secret(), "postgres://db/app");
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`extract_redacted`](Self::extract_redacted).
    ///
    /// [`Figment::extract_inner`]: https://docs.rs/figment/0.10/figment/struct.Figment.html#method.extract_inner
    fn extract_inner_redacted<'a, T: serde::Deserialize<'a>>(&self, key: &str) -> Result<T, RedactedError>;

    /// Extracts `T` as [`Figment::extract_lossy`] does: a number or `bool` field reads a string that
    /// holds one (`"8080"`, `"true"`, `"yes"`), and a `String` or `SecretString` field keeps its value
    /// as stored (`"0123"` stays `"0123"`). The way to read Infisical's values, which are all strings,
    /// into typed fields.
    ///
    /// ```
    /// use figment::Figment;
    /// use infisical_config::{Infisical, figment::ExtractRedacted, testing::FakeInfisical};
    ///
    /// #[derive(serde::Deserialize)]
    /// struct Config { port: u16, debug: bool, pin: String }
    ///
    /// let fake = FakeInfisical::builder()
    ///     .secret("dev", "/", "PORT", "8080")
    ///     .secret("dev", "/", "DEBUG", "true")
    ///     .secret("dev", "/", "PIN", "0123")
    ///     .start_blocking();
    /// let config: Config = Figment::new()
    ///     .merge(Infisical::new(fake.project_id(), "dev").client(fake.blocking_client_builder().build()?))
    ///     .extract_lossy_redacted()?;
    /// assert_eq!((config.port, config.debug, config.pin.as_str()), (8080, true, "0123"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// As [`extract_redacted`](Self::extract_redacted), and a string that does not read as the number
    /// or boolean a field asks for.
    ///
    /// [`Figment::extract_lossy`]: https://docs.rs/figment/0.10/figment/struct.Figment.html#method.extract_lossy
    fn extract_lossy_redacted<'a, T: serde::Deserialize<'a>>(&self) -> Result<T, RedactedError>;

    /// Extracts `T` at `key` as [`Figment::extract_inner_lossy`] does; the error is a [`RedactedError`].
    ///
    /// ```
    /// use figment::Figment;
    /// use infisical_config::{Infisical, figment::ExtractRedacted, testing::FakeInfisical};
    ///
    /// let fake = FakeInfisical::builder().secret("dev", "/db", "PORT", "5432").start_blocking();
    /// let figment = Figment::new().merge(
    ///     Infisical::new(fake.project_id(), "dev").recursive(true).client(fake.blocking_client_builder().build()?),
    /// );
    /// let port: u16 = figment.extract_inner_lossy_redacted("db.port")?;
    /// assert_eq!(port, 5432);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// As [`extract_lossy_redacted`](Self::extract_lossy_redacted).
    ///
    /// [`Figment::extract_inner_lossy`]: https://docs.rs/figment/0.10/figment/struct.Figment.html#method.extract_inner_lossy
    fn extract_inner_lossy_redacted<'a, T: serde::Deserialize<'a>>(&self, key: &str) -> Result<T, RedactedError>;

    /// Extracts `T` as [`extract_lossy_redacted`](Self::extract_lossy_redacted) does, and fails when a
    /// secret from Infisical is read by no field of `T`: usually a typo on one side (`DATABSE_URL` in
    /// Infisical, `database_url` in the struct), which would otherwise pass unnoticed whenever the
    /// field has a default or is an `Option`. The error names every such secret (name, folder,
    /// environment and key), never a value. To list them rather than fail, see
    /// [`unread_secrets`](super::unread_secrets), whose docs say what it cannot see.
    ///
    /// ```
    /// use figment::Figment;
    /// use infisical_config::{Infisical, figment::ExtractRedacted, testing::FakeInfisical};
    ///
    /// #[derive(Debug, serde::Deserialize)]
    /// struct Config { database_url: Option<String> }
    ///
    /// let fake = FakeInfisical::builder().secret("dev", "/", "DATABSE_URL", "postgres://db/app").start_blocking();
    /// let figment = Figment::new()
    ///     .merge(Infisical::new(fake.project_id(), "dev").client(fake.blocking_client_builder().build()?));
    /// let err = figment.extract_checked::<Config>().unwrap_err();
    /// assert!(err.to_string().contains("secret `DATABSE_URL` in / (dev) at key `databse_url`"));
    /// assert!(!err.to_string().contains("postgres"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// As [`extract_lossy_redacted`](Self::extract_lossy_redacted), and one error naming the unread
    /// secrets.
    fn extract_checked<'a, T: serde::Deserialize<'a>>(&self) -> Result<T, RedactedError>;
}

impl ExtractRedacted for Figment {
    fn extract_redacted<'a, T: serde::Deserialize<'a>>(&self) -> Result<T, RedactedError> {
        self.extract().map_err(RedactedError::from)
    }

    fn extract_inner_redacted<'a, T: serde::Deserialize<'a>>(&self, key: &str) -> Result<T, RedactedError> {
        self.extract_inner(key).map_err(RedactedError::from)
    }

    fn extract_lossy_redacted<'a, T: serde::Deserialize<'a>>(&self) -> Result<T, RedactedError> {
        self.extract_lossy().map_err(RedactedError::lossy)
    }

    fn extract_inner_lossy_redacted<'a, T: serde::Deserialize<'a>>(&self, key: &str) -> Result<T, RedactedError> {
        self.extract_inner_lossy(key).map_err(RedactedError::lossy)
    }

    fn extract_checked<'a, T: serde::Deserialize<'a>>(&self) -> Result<T, RedactedError> {
        match extract_tracked::<T>(self)? {
            (value, unread) if unread.is_empty() => Ok(value),
            (_, unread) => Err(RedactedError::unread::<T>(&unread)),
        }
    }
}

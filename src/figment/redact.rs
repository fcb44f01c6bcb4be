//! Keeping secret values out of figment's errors.
//!
//! figment's type errors quote the value they found (`invalid type: found string "s3cret", expected
//! u16`), and its `Debug` does too. A `main` returning `Box<dyn Error>` prints that `Debug` when
//! `extract()?` fails, so the obvious code would print a secret. [`ExtractRedacted::extract_redacted`]
//! is the same extraction with an error that cannot show a value.

use ::figment::error::{Actual, Kind};
use ::figment::{Error, Figment};

/// Removes secret values from figment errors raised on values this crate provided.
///
/// figment's type errors quote the value they found (`found string "s3cret", expected u16`). This
/// replaces that value with a placeholder, keeping the rest (which key, which secret, which source).
///
/// ```no_run
/// # use figment::Figment;
/// # #[derive(serde::Deserialize)] struct Config { port: u16 }
/// # let figment = Figment::new();
/// match figment.extract::<Config>() {
///     Ok(config) => { /* ... */ }
///     Err(e) => eprintln!("bad configuration: {}", infisical_config::figment::redact(e)),
/// }
/// ```
#[must_use]
pub fn redact(error: Error) -> Error {
    redact_where(error, |e| e.metadata.as_ref().is_some_and(|m| m.name == "Infisical"))
}

/// Replaces the values quoted by the errors of the chain that `pick` selects.
fn redact_where(error: Error, pick: impl Fn(&Error) -> bool) -> Error {
    let mut errors: Vec<Error> = error.into_iter().collect();
    for e in errors.iter_mut().filter(|e| pick(e)) {
        match &mut e.kind {
            Kind::InvalidType(actual, _) | Kind::InvalidValue(actual, _) => {
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
    fn from(error: Error) -> Self {
        // Every provider's values: an `Env` or a TOML file may hold secrets too.
        RedactedError(Box::new(redact_where(error, |_| true)))
    }
}

/// `extract` with an error that never shows a value. Use it wherever the error may be printed.
///
/// ```no_run
/// use figment::{Figment, providers::{Format, Toml}};
/// use infisical_config::{Infisical, SecretString};
/// use infisical_config::figment::ExtractRedacted;
///
/// #[derive(serde::Deserialize)]
/// struct Config { api_key: SecretString }
///
/// fn main() -> Result<(), Box<dyn std::error::Error>> {
///     let config: Config = Figment::new()
///         .merge(Toml::file("App.toml"))
///         .merge(Infisical::new("my-project", "prod"))
///         .extract_redacted()?; // a failure prints the key and the secret's name, never its value
///     # let _ = config;
///     Ok(())
/// }
/// ```
pub trait ExtractRedacted {
    /// Extracts `T` as [`Figment::extract`] does; the error is a [`RedactedError`].
    ///
    /// # Errors
    /// Whatever figment's extraction reports, with every value replaced by a placeholder.
    fn extract_redacted<'a, T: serde::Deserialize<'a>>(&self) -> Result<T, RedactedError>;

    /// Extracts `T` at `key`, as [`Figment::extract_inner`] does; the error is a [`RedactedError`].
    ///
    /// # Errors
    /// As [`extract_redacted`](Self::extract_redacted).
    fn extract_inner_redacted<'a, T: serde::Deserialize<'a>>(&self, key: &str) -> Result<T, RedactedError>;
}

impl ExtractRedacted for Figment {
    fn extract_redacted<'a, T: serde::Deserialize<'a>>(&self) -> Result<T, RedactedError> {
        self.extract().map_err(RedactedError::from)
    }

    fn extract_inner_redacted<'a, T: serde::Deserialize<'a>>(&self, key: &str) -> Result<T, RedactedError> {
        self.extract_inner(key).map_err(RedactedError::from)
    }
}

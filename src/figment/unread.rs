//! Secrets no field reads: usually a typo on one side (`DATABSE_URL` in Infisical, `database_url` in
//! the struct), found by the check rather than by the service that starts without its value.

use ::figment::value::Value;
use ::figment::{Figment, Profile};
use serde::{Deserialize, Deserializer};

use super::keys::{ORIGIN_QUERY, PROVIDER_NAME};
use super::redact::RedactedError;

/// A secret from Infisical that the extracted type never read. Names only, never a value: safe to
/// print. Made by [`unread_secrets`] and [`extract_checked`](super::ExtractRedacted::extract_checked).
///
/// ```
/// # use figment::Figment;
/// # use infisical_config::{Infisical, testing::FakeInfisical};
/// # let fake = FakeInfisical::builder().secret("dev", "/", "DATABSE_URL", "postgres://db/app").start_blocking();
/// # let figment = Figment::new()
/// #     .merge(Infisical::new(fake.project_id(), "dev").client(fake.blocking_client_builder().build()?));
/// #[derive(serde::Deserialize)]
/// struct Config { database_url: Option<String> }
///
/// let unread = infisical_config::figment::unread_secrets::<Config>(&figment)?;
/// assert_eq!(unread[0].name, "DATABSE_URL");
/// assert_eq!(unread[0].to_string(), "secret `DATABSE_URL` in / (dev) at key `databse_url`");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct UnreadSecret {
    /// The configuration key it was mapped to, dotted: `databse_url`, `db.hots`.
    pub key: String,
    /// The secret's name as stored in Infisical: `DATABSE_URL`.
    pub name: String,
    /// The folder it was read from: `/`, `/db`.
    pub folder: String,
    /// The Infisical environment (slug) it was read from.
    pub environment: String,
    /// The figment profile it was provided in.
    pub profile: Profile,
}

impl std::fmt::Display for UnreadSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "secret `{}` in {} ({}) at key `{}`", self.name, self.folder, self.environment, self.key)
    }
}

/// The secrets from Infisical that no field of `T` reads, sorted by key: a test or a start-up can fail
/// on them, since an unread secret is usually a typo on one side.
///
/// It extracts `T` as [`extract_lossy_redacted`](super::ExtractRedacted::extract_lossy_redacted) does
/// (so a `u16` field reads `"8080"`), follows the keys `T` ignores
/// ([`serde_ignored`](https://docs.rs/serde_ignored)) and names the Infisical secrets among them.
/// Values from other providers (a TOML key no field reads) are not its business.
///
/// A field that takes every key it is given reads every secret under it: a map
/// (`HashMap<String, String>`), a `#[serde(flatten)]` field, a `figment::value::Value`. So does an
/// untagged enum, which serde buffers before choosing a variant. Inside such fields nothing is reported.
///
/// ```
/// use figment::Figment;
/// use infisical_config::{Infisical, SecretString, figment::unread_secrets, testing::FakeInfisical};
///
/// #[derive(serde::Deserialize)]
/// struct Config { database_url: SecretString, port: u16 }
///
/// let fake = FakeInfisical::builder()
///     .secret("dev", "/", "DATABASE_URL", "postgres://db/app")
///     .secret("dev", "/", "DATABSE_URL", "postgres://db/old")
///     .secret("dev", "/", "PORT", "8080")
///     .start_blocking();
/// let figment = Figment::new()
///     .merge(Infisical::new(fake.project_id(), "dev").client(fake.blocking_client_builder().build()?));
///
/// let unread = unread_secrets::<Config>(&figment)?;
/// let names: Vec<&str> = unread.iter().map(|s| s.name.as_str()).collect();
/// assert_eq!(names, ["DATABSE_URL"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// When `T` does not extract: a [`RedactedError`] naming the key and the secret, never a value.
pub fn unread_secrets<'a, T: Deserialize<'a>>(figment: &Figment) -> Result<Vec<UnreadSecret>, RedactedError> {
    extract_tracked::<T>(figment).map(|(_, unread)| unread)
}

/// `T`, extracted lossily, and the secrets it did not read.
pub(super) fn extract_tracked<'a, T: Deserialize<'a>>(
    figment: &Figment,
) -> Result<(T, Vec<UnreadSecret>), RedactedError> {
    let tracked = figment.extract_lossy::<Tracked<T>>().map_err(RedactedError::lossy)?;
    let merged = figment.find_value("").map_err(RedactedError::lossy)?;
    Ok((tracked.value, secrets_at(figment, &merged, tracked.ignored)))
}

/// The Infisical secrets at or under the `ignored` paths of `merged` (the figment's merged value),
/// sorted by key.
pub(super) fn secrets_at(figment: &Figment, merged: &Value, ignored: Vec<Vec<String>>) -> Vec<UnreadSecret> {
    let mut unread = Vec::new();
    for mut parts in ignored {
        if let Some(value) = find(merged, &parts) {
            collect(figment, value, &mut parts, &mut unread);
        }
    }
    unread.sort_by(|a, b| a.key.cmp(&b.key));
    unread
}

/// Every Infisical secret in `merged` (the figment's merged value), sorted by key.
pub(super) fn secrets_under(figment: &Figment, merged: &Value) -> Vec<UnreadSecret> {
    secrets_at(figment, merged, vec![Vec::new()])
}

/// `T` and the paths (key parts) of what its deserialization ignored.
pub(super) struct Tracked<T> {
    pub(super) value: T,
    pub(super) ignored: Vec<Vec<String>>,
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Tracked<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut ignored = Vec::new();
        let value = serde_ignored::deserialize(deserializer, |path| {
            let mut parts = Vec::new();
            push_parts(&path, &mut parts);
            ignored.push(parts);
        })?;
        Ok(Tracked { value, ignored })
    }
}

fn push_parts(path: &serde_ignored::Path<'_>, parts: &mut Vec<String>) {
    use serde_ignored::Path;
    match path {
        Path::Root => {}
        Path::Seq { parent, index } => {
            push_parts(parent, parts);
            parts.push(index.to_string());
        }
        Path::Map { parent, key } => {
            push_parts(parent, parts);
            parts.push(key.clone());
        }
        Path::Some { parent } | Path::NewtypeStruct { parent } | Path::NewtypeVariant { parent } => {
            push_parts(parent, parts);
        }
    }
}

/// The value at `parts`, walked part by part (a key may hold a `.`, which `Value::find` would split).
pub(super) fn find<'v>(value: &'v Value, parts: &[String]) -> Option<&'v Value> {
    parts.iter().try_fold(value, |value, part| match value {
        Value::Dict(_, dict) => dict.get(part),
        Value::Array(_, items) => items.get(part.parse::<usize>().ok()?),
        _ => None,
    })
}

/// The Infisical secrets in `value` (at `parts`): itself, or the ones under it.
fn collect(figment: &Figment, value: &Value, parts: &mut Vec<String>, unread: &mut Vec<UnreadSecret>) {
    if let Some(secret) = origin(figment, value, parts) {
        unread.push(secret);
        return;
    }
    match value {
        Value::Dict(_, dict) => {
            for (key, inner) in dict {
                parts.push(key.clone());
                collect(figment, inner, parts, unread);
                parts.pop();
            }
        }
        Value::Array(_, items) => {
            for (index, inner) in items.iter().enumerate() {
                parts.push(index.to_string());
                collect(figment, inner, parts, unread);
                parts.pop();
            }
        }
        _ => {}
    }
}

/// The secret `value` (at `parts`) is, when it is one of this crate's providers' (a table of them is
/// not one).
pub(super) fn origin(figment: &Figment, value: &Value, parts: &[String]) -> Option<UnreadSecret> {
    let tag = value.tag();
    let metadata = figment.get_metadata(tag).filter(|m| m.name == PROVIDER_NAME)?;
    let profile = tag.profile().unwrap_or_else(|| figment.profile().clone());
    let query: Vec<&str> = std::iter::once(ORIGIN_QUERY).chain(parts.iter().map(String::as_str)).collect();
    let [name, folder, environment] =
        serde_json::from_str::<[String; 3]>(&metadata.interpolate(&profile, &query)).ok()?;
    Some(UnreadSecret { key: parts.join("."), name, folder, environment, profile })
}

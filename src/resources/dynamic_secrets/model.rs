//! What the dynamic-secret routes answer: dynamic secrets, leases, and the credentials a lease issues.

use std::collections::BTreeMap;
use std::fmt;
use std::time::{Duration, SystemTime};

use secrecy::SecretString;
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};

use super::Ttl;
use crate::resources::{lenient_u64, null_default};

/// The `status` the server gives a lease whose revocation failed at the provider.
pub(crate) const REVOKE_FAILED: &str = "Failed to delete";

/// A dynamic secret: what issues short-lived credentials (a database user, cloud keys, ...) on demand.
///
/// Fields absent from older servers are `Option`s; the provider's configuration (`inputs`, which holds
/// its root credentials) is never kept.
///
/// ```
/// use infisical_config::resources::dynamic_secrets::DynamicSecret;
/// use std::time::Duration;
///
/// let found: DynamicSecret = serde_json::from_value(serde_json::json!({
///     "id": "0b0c4f4e-7f4a-4d43-9a53-1b5a8c2f0e11", "name": "postgres", "version": 1, "type": "sql-database",
///     "defaultTTL": "1h", "maxTTL": "1d", "folderId": "c2b7b51e-6a43-4bbf-8d1c-8a1f7d3d3c39",
///     "createdAt": "2025-06-18T12:00:00.000Z", "updatedAt": "2025-06-18T12:00:00.000Z"
/// }))?;
/// assert_eq!(found.kind, "sql-database");
/// assert_eq!(found.max_ttl.and_then(|t| t.duration()), Some(Duration::from_secs(86_400)));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct DynamicSecret {
    /// The id (UUID).
    pub id: String,
    /// The name (lower case).
    #[serde(default, deserialize_with = "null_default")]
    pub name: String,
    /// The version.
    #[serde(default, deserialize_with = "lenient_u64")]
    pub version: u64,
    /// The provider (`sql-database`, `aws-iam`, `kubernetes`, ...): an open set, which grows with the
    /// server.
    #[serde(rename = "type", default, deserialize_with = "null_default")]
    pub kind: String,
    /// The TTL of a lease created without one, and what a renewal without one adds.
    #[serde(rename = "defaultTTL", default, deserialize_with = "null_default")]
    pub default_ttl: Ttl,
    /// The longest a lease may live, counted from its creation, renewals included; `None`: no limit.
    #[serde(rename = "maxTTL", default)]
    pub max_ttl: Option<Ttl>,
    /// The folder's id.
    pub folder_id: Option<String>,
    /// `Revocation in process` while it is being deleted, `Failed to delete` when that failed; else `None`.
    pub status: Option<String>,
    /// What went wrong, with `status`.
    pub status_details: Option<String>,
    /// When it was created.
    #[serde(default, deserialize_with = "optional_time")]
    pub created_at: Option<SystemTime>,
    /// When it was last changed.
    #[serde(default, deserialize_with = "optional_time")]
    pub updated_at: Option<SystemTime>,
}

/// A lease: one set of credentials issued by a dynamic secret, valid until
/// [`expire_at`](Self::expire_at).
///
/// It carries no credentials: those come once, with [`NewLease`]. Renewing moves `expire_at`; the
/// dynamic secret's max TTL is counted from [`created_at`](Self::created_at).
///
/// ```
/// use infisical_config::resources::dynamic_secrets::Lease;
/// use std::time::{Duration, UNIX_EPOCH};
///
/// let lease: Lease = serde_json::from_value(serde_json::json!({
///     "id": "5b1f0e2a-3c4d-4e5f-8a9b-0c1d2e3f4a5b", "version": 1, "externalEntityId": "user-1",
///     "expireAt": "2025-06-18T13:00:00.000Z", "createdAt": "2025-06-18T12:00:00.000Z",
///     "updatedAt": "2025-06-18T12:00:00.000Z", "status": null, "statusDetails": null,
///     "dynamicSecretId": "0b0c4f4e-7f4a-4d43-9a53-1b5a8c2f0e11"
/// }))?;
/// let noon = UNIX_EPOCH + Duration::from_secs(1_750_248_000); // 2025-06-18T12:00:00Z
/// assert_eq!(lease.created_at, noon);
/// assert_eq!(lease.remaining(noon + Duration::from_secs(600)), Duration::from_secs(3000));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Lease {
    /// The id (UUID), which renewals and revocations name.
    pub id: String,
    /// The version (1 when created).
    #[serde(default, deserialize_with = "lenient_u64")]
    pub version: u64,
    /// What the provider created (the database user's name, the IAM user, ...). Not a credential;
    /// the credentials are in [`NewLease::data`].
    #[serde(default, deserialize_with = "null_default")]
    pub external_entity_id: String,
    /// When the lease ends: the server then revokes the credentials and forgets the lease.
    #[serde(deserialize_with = "time")]
    pub expire_at: SystemTime,
    /// When it was created; the max TTL is counted from here.
    #[serde(deserialize_with = "time")]
    pub created_at: SystemTime,
    /// When it was last changed (renewed).
    #[serde(default, deserialize_with = "optional_time")]
    pub updated_at: Option<SystemTime>,
    /// `None` when fine; `Failed to delete` when a revocation failed at the provider.
    pub status: Option<String>,
    /// The provider's error, with `status`.
    pub status_details: Option<String>,
    /// The dynamic secret's id.
    #[serde(default, deserialize_with = "null_default")]
    pub dynamic_secret_id: String,
    /// The lease's own configuration (a kubernetes lease's `namespace`); absent on servers of 2024.
    #[serde(default)]
    pub config: Option<serde_json::Value>,
    /// The dynamic secret, when the route gives it (a get of one lease does).
    #[serde(default)]
    pub dynamic_secret: Option<Box<DynamicSecret>>,
}

impl Lease {
    /// How long the lease has left at `now` (zero once expired). Take `now` from the same clock as the
    /// server's: wall time, or a test's [`Clock`](crate::clock::Clock).
    ///
    /// ```
    /// # use infisical_config::resources::dynamic_secrets::Lease;
    /// # fn show(lease: &Lease) {
    /// let left = lease.remaining(std::time::SystemTime::now());
    /// println!("lease {} has {} s left", lease.id, left.as_secs());
    /// # }
    /// ```
    #[must_use]
    pub fn remaining(&self, now: SystemTime) -> Duration {
        self.expire_at.duration_since(now).unwrap_or_default()
    }

    /// True when a revocation failed at the provider (`status` is `Failed to delete`): the credentials
    /// may still work.
    ///
    /// ```
    /// # use infisical_config::resources::dynamic_secrets::Lease;
    /// # fn show(lease: &Lease) {
    /// if lease.is_revoke_failed() {
    ///     eprintln!("lease {}: {}", lease.id, lease.status_details.as_deref().unwrap_or("no details"));
    /// }
    /// # }
    /// ```
    #[must_use]
    pub fn is_revoke_failed(&self) -> bool {
        self.status.as_deref().is_some_and(|s| s.eq_ignore_ascii_case(REVOKE_FAILED))
    }
}

/// A lease just created, with its credentials: the only answer that carries them.
///
/// Keep [`data`](Self::data): no route returns it again. Renewing does not change it.
///
/// ```
/// use infisical_config::ExposeSecret;
/// use infisical_config::resources::dynamic_secrets::NewLease;
///
/// let created: NewLease = serde_json::from_value(serde_json::json!({
///     "lease": {"id": "5b1f0e2a-3c4d-4e5f-8a9b-0c1d2e3f4a5b", "version": 1, "externalEntityId": "user-1",
///               "expireAt": "2025-06-18T13:00:00.000Z", "createdAt": "2025-06-18T12:00:00.000Z",
///               "dynamicSecretId": "0b0c4f4e-7f4a-4d43-9a53-1b5a8c2f0e11"},
///     "dynamicSecret": {"id": "0b0c4f4e-7f4a-4d43-9a53-1b5a8c2f0e11", "name": "postgres", "type": "sql-database",
///                       "defaultTTL": "1h", "maxTTL": null},
///     "data": {"DB_USERNAME": "user-1", "DB_PASSWORD": "s3cret"}
/// }))?;
/// assert_eq!(created.data.get("DB_PASSWORD").map(|p| p.expose_secret()), Some("s3cret"));
/// assert!(!format!("{created:?}").contains("s3cret"));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct NewLease {
    /// The lease.
    pub lease: Lease,
    /// The dynamic secret that issued it.
    pub dynamic_secret: DynamicSecret,
    /// The credentials.
    #[serde(default)]
    pub data: LeaseData,
}

/// The credentials a lease issued, under the provider's names for them: `DB_USERNAME` and `DB_PASSWORD`
/// for databases, `ACCESS_KEY`, `SECRET_ACCESS_KEY` and `SESSION_TOKEN` for AWS, `TOKEN` for
/// Kubernetes, and so on.
///
/// Every value is a [`SecretString`]: `Debug` shows the names only. A value the server sends as
/// something other than a string (a number, a list, an object) is kept as its JSON text.
///
/// ```
/// use infisical_config::ExposeSecret;
/// use infisical_config::resources::dynamic_secrets::LeaseData;
///
/// let data: LeaseData = serde_json::from_str(r#"{"DB_USERNAME": "user-1", "DB_PASSWORD": "s3cret", "PORT": 5432}"#)?;
/// assert_eq!(data.keys().collect::<Vec<_>>(), ["DB_PASSWORD", "DB_USERNAME", "PORT"]);
/// assert_eq!(data.get("PORT").unwrap().expose_secret(), "5432");
/// assert_eq!(format!("{data:?}"), r#"{"DB_PASSWORD": [REDACTED], "DB_USERNAME": [REDACTED], "PORT": [REDACTED]}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Default)]
pub struct LeaseData(BTreeMap<String, SecretString>);

impl LeaseData {
    /// The value of `key`, as the provider names it.
    ///
    /// ```
    /// # let data = infisical_config::resources::dynamic_secrets::LeaseData::default();
    /// assert!(data.get("DB_PASSWORD").is_none());
    /// ```
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&SecretString> {
        self.0.get(key)
    }

    /// The names, in order.
    ///
    /// ```
    /// # let data = infisical_config::resources::dynamic_secrets::LeaseData::default();
    /// assert_eq!(data.keys().count(), 0);
    /// ```
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }

    /// Names and values, in order of name.
    ///
    /// ```
    /// use infisical_config::ExposeSecret;
    /// # let data = infisical_config::resources::dynamic_secrets::LeaseData::default();
    /// for (name, value) in data.iter() {
    ///     std::hint::black_box((name, value.expose_secret()));
    /// }
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = (&str, &SecretString)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// How many values it holds.
    ///
    /// ```
    /// assert_eq!(infisical_config::resources::dynamic_secrets::LeaseData::default().len(), 0);
    /// ```
    #[must_use]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when it holds nothing.
    ///
    /// ```
    /// assert!(infisical_config::resources::dynamic_secrets::LeaseData::default().is_empty());
    /// ```
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl IntoIterator for LeaseData {
    type Item = (String, SecretString);
    type IntoIter = std::collections::btree_map::IntoIter<String, SecretString>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl fmt::Debug for LeaseData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Redacted;
        impl fmt::Debug for Redacted {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("[REDACTED]")
            }
        }
        f.debug_map().entries(self.0.keys().map(|k| (k, Redacted))).finish()
    }
}

impl<'de> Deserialize<'de> for LeaseData {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Entries;
        impl<'de> Visitor<'de> for Entries {
            type Value = LeaseData;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of credentials")
            }
            fn visit_unit<E>(self) -> Result<LeaseData, E> {
                Ok(LeaseData::default())
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<LeaseData, A::Error> {
                let mut data = BTreeMap::new();
                while let Some((key, DataValue(value))) = map.next_entry::<String, DataValue>()? {
                    data.insert(key, value);
                }
                Ok(LeaseData(data))
            }
        }
        d.deserialize_any(Entries)
    }
}

/// One credential: a string as it is, anything else as its JSON text.
struct DataValue(SecretString);

impl<'de> Deserialize<'de> for DataValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Text;
        fn json<E>(value: serde_json::Value) -> Result<DataValue, E> {
            Ok(DataValue(SecretString::from(value.to_string())))
        }
        impl<'de> Visitor<'de> for Text {
            type Value = DataValue;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a credential")
            }
            fn visit_str<E>(self, v: &str) -> Result<DataValue, E> {
                Ok(DataValue(SecretString::from(v)))
            }
            fn visit_string<E>(self, v: String) -> Result<DataValue, E> {
                Ok(DataValue(SecretString::from(v)))
            }
            fn visit_bool<E>(self, v: bool) -> Result<DataValue, E> {
                json(v.into())
            }
            fn visit_i64<E>(self, v: i64) -> Result<DataValue, E> {
                json(v.into())
            }
            fn visit_u64<E>(self, v: u64) -> Result<DataValue, E> {
                json(v.into())
            }
            fn visit_f64<E>(self, v: f64) -> Result<DataValue, E> {
                json(v.into())
            }
            fn visit_unit<E>(self) -> Result<DataValue, E> {
                json(serde_json::Value::Null)
            }
            // Lists and objects (GitHub's PERMISSIONS, LDAP's DN_ARRAY: provider metadata rather than
            // credentials) pass through a `Value`, whose buffers are not wiped.
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<DataValue, A::Error> {
                json(serde_json::Value::deserialize(de::value::SeqAccessDeserializer::new(seq))?)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<DataValue, A::Error> {
                json(serde_json::Value::deserialize(de::value::MapAccessDeserializer::new(map))?)
            }
        }
        d.deserialize_any(Text)
    }
}

/// What the server writes (JavaScript's `toISOString`: `2025-06-18T12:00:00.000Z`), as a time.
fn parse_time<E: de::Error>(text: &str) -> Result<SystemTime, E> {
    humantime::parse_rfc3339(text)
        .map_err(|_| E::custom("invalid time, expected an ISO 8601 UTC time like 2025-06-18T12:00:00.000Z"))
}

fn time<'de, D: Deserializer<'de>>(d: D) -> Result<SystemTime, D::Error> {
    parse_time(&String::deserialize(d)?)
}

fn optional_time<'de, D: Deserializer<'de>>(d: D) -> Result<Option<SystemTime>, D::Error> {
    Option::<String>::deserialize(d)?.map(|text| parse_time(&text)).transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_parse_as_the_server_writes_them() {
        let t: SystemTime = parse_time::<serde_json::Error>("2025-06-18T12:00:00.123Z").unwrap();
        assert_eq!(t, SystemTime::UNIX_EPOCH + Duration::from_millis(1_750_248_000_123));
        assert!(parse_time::<serde_json::Error>("2025-06-18").is_err());
        assert!(parse_time::<serde_json::Error>("yesterday, I think").is_err());
        assert!(parse_time::<serde_json::Error>("2025-06-18T12:00:00.000+02:00").is_err(), "only UTC");
    }

    #[test]
    fn data_keeps_strings_and_the_json_text_of_the_rest() {
        use secrecy::ExposeSecret;
        let data: LeaseData = serde_json::from_value(serde_json::json!({
            "A": "x", "N": 5, "F": 1.5, "B": true, "Z": null, "L": ["cn=a", "cn=b"], "O": {"contents": "read"}
        }))
        .unwrap();
        let shown: Vec<(&str, &str)> = data.iter().map(|(k, v)| (k, v.expose_secret())).collect();
        assert_eq!(
            shown,
            [
                ("A", "x"),
                ("B", "true"),
                ("F", "1.5"),
                ("L", r#"["cn=a","cn=b"]"#),
                ("N", "5"),
                ("O", r#"{"contents":"read"}"#),
                ("Z", "null")
            ]
        );
        assert!(serde_json::from_value::<LeaseData>(serde_json::Value::Null).unwrap().is_empty());
        assert!(serde_json::from_value::<LeaseData>(serde_json::json!("x")).is_err());
    }
}

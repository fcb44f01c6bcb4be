//! The lean model the loaders and [`Secrets::list_values`](super::Secrets::list_values) decode a list answer into: name, value, folder and type of each secret,
//! and the imports with their source, and nothing else to allocate.

use secrecy::SecretString;
use serde::Deserialize;

use crate::resources::secrets::SecretPath;
use crate::resources::secrets::precedence::{Merge, merge};
use crate::resources::{bounded_list, normalize_path, null_default};

/// The lean secret the loaders decode: name, value, folder and type, and nothing else to allocate.
#[derive(Debug, Deserialize)]
pub(crate) struct ValueSecret {
    #[serde(rename = "secretKey")]
    key: String,
    #[serde(rename = "secretValue", default, deserialize_with = "null_default")]
    value: SecretString,
    #[serde(rename = "secretPath", default)]
    path: Option<String>,
    #[serde(rename = "type", default, deserialize_with = "personal")]
    personal: bool,
}

/// Whether a secret's `type` is `personal`: read as raw bytes in place, where decoding `SecretType`
/// goes through serde's enum machinery, and a string its UTF-8 check, for every secret of a large
/// answer. The same two names, and the same error for any other.
pub(in crate::resources::secrets) fn personal<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    struct Kind;
    impl serde::de::Visitor<'_> for Kind {
        type Value = bool;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("`shared` or `personal`")
        }
        fn visit_bytes<E: serde::de::Error>(self, kind: &[u8]) -> Result<bool, E> {
            match kind {
                b"shared" => Ok(false),
                b"personal" => Ok(true),
                other => Err(E::unknown_variant(&String::from_utf8_lossy(other), &["shared", "personal"])),
            }
        }
        fn visit_str<E: serde::de::Error>(self, kind: &str) -> Result<bool, E> {
            self.visit_bytes(kind.as_bytes())
        }
    }
    d.deserialize_bytes(Kind)
}

impl Merge for ValueSecret {
    // The merge keeps name and folder in the secret's place, and the value beside it.
    type Kept = SecretString;
    fn take_name(&mut self) -> String {
        std::mem::take(&mut self.key)
    }
    fn take_folder(&mut self) -> Option<String> {
        self.path.take()
    }
    fn personal(&self) -> bool {
        self.personal
    }
    fn kept(self) -> SecretString {
        self.value
    }
}

#[derive(Deserialize)]
struct ValueImport {
    #[serde(rename = "secretPath", default, deserialize_with = "null_default")]
    path: String,
    #[serde(default, deserialize_with = "null_default")]
    environment: String,
    #[serde(default, deserialize_with = "bounded_list")]
    secrets: Vec<ValueSecret>,
}

/// A list answer decoded into [`ValueSecret`]s.
#[derive(Deserialize)]
pub(crate) struct ValueList {
    #[serde(default, deserialize_with = "bounded_list")]
    secrets: Vec<ValueSecret>,
    #[serde(default, deserialize_with = "bounded_list")]
    imports: Vec<ValueImport>,
}

/// Which folder imports which source, as `(importing folder, source environment, source folder)`, in
/// the order the server applies them.
pub(crate) type Importers = Vec<(String, String, String)>;

impl ValueList {
    /// True when the answer holds no secret and no import at all.
    pub(crate) fn is_empty(&self) -> bool {
        self.secrets.is_empty() && self.imports.iter().all(|i| i.secrets.is_empty())
    }

    pub(crate) fn has_imports(&self) -> bool {
        !self.imports.is_empty()
    }

    /// Merges with the precedence of [`merge`]; each import lands in the folder that imports it, as
    /// `importers` says (a source imported by several folders is matched to them in order), else in the
    /// listed folder.
    pub(crate) fn into_map(self, listed: &str, importers: &Importers) -> Vec<(SecretPath, SecretString)> {
        let mut used = vec![false; importers.len()];
        let imports: Vec<(Option<String>, Vec<ValueSecret>)> = self
            .imports
            .into_iter()
            .map(|i| {
                let source_path = normalize_path(&i.path);
                let found = importers.iter().enumerate().position(|(n, (_, env, path))| {
                    !used[n] && *env == i.environment && normalize_path(path) == source_path
                });
                let folder = found.map(|n| {
                    used[n] = true;
                    importers[n].0.clone()
                });
                (folder, i.secrets)
            })
            .collect();
        merge(listed, self.secrets, imports.into_iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(body: &str) -> Result<Vec<bool>, serde_json::Error> {
        let list: ValueList = serde_json::from_str(body)?;
        Ok(list.secrets.iter().map(Merge::personal).collect())
    }

    #[test]
    fn the_type_reads_as_personal_or_shared_and_nothing_else() {
        let body = r#"{"secrets":[{"secretKey":"A","type":"personal"},{"secretKey":"B","type":"shar\u0065d"},{"secretKey":"C"}]}"#;
        assert_eq!(kinds(body).unwrap(), [true, false, false], "an escaped name and a missing type read too");
        let err = kinds(r#"{"secrets":[{"secretKey":"A","type":"team"}]}"#).unwrap_err().to_string();
        assert!(err.contains("unknown variant `team`") && err.contains("personal"), "{err}");
        for other in [r#"["shared"]"#, "7", r#""Shared""#] {
            let body = format!(r#"{{"secrets":[{{"secretKey":"A","type":{other}}}]}}"#);
            assert!(kinds(&body).is_err(), "{other} is no type");
        }
        // Through a decoded value, which hands the visitor a string rather than bytes.
        let value: serde_json::Value =
            serde_json::from_str(r#"{"secrets":[{"secretKey":"A","type":"personal"}]}"#).unwrap();
        let list = ValueList::deserialize(value).unwrap();
        assert!(list.secrets[0].personal);
    }
}

//! From a configuration key back to the secret names that would provide it, and from an unread key to
//! the field it most likely meant.

use std::collections::BTreeSet;

use crate::figment::keys::{Keyer, Mapping, SEP};
use crate::resources::secrets::SecretPath;

/// How the secrets of one front become keys: what the names of a missing key are found from.
#[derive(Clone, Debug)]
pub(super) enum Naming {
    /// The figment provider's mapping, over the folders it lists.
    Provider { mapping: Mapping, listed: Vec<String>, recursive: bool },
    /// The env loader's variables, read under envy's flat names: `DATABASE_URL` is `database_url`.
    Flat,
}

impl Naming {
    /// The secrets that would provide `key` (its parts): a name, or a folder path and a name
    /// (`DATABASE__URL`, `/database/URL`). A table's get `*` for what goes under it. Each is checked
    /// against the mapping itself, so only names that really map to `key` are offered.
    pub(super) fn expected(&self, key: &[String], table: bool) -> Vec<String> {
        let mut parts: Vec<String> = key.to_vec();
        if table {
            parts.push("*".into());
        }
        match self {
            Naming::Flat => {
                let name = upper(&parts.concat());
                let fits = parts.len() == 1 && name.to_lowercase() == parts[0];
                if fits { vec![name] } else { Vec::new() }
            }
            Naming::Provider { mapping, listed, recursive } => {
                let wanted = parts.join(&SEP.to_string());
                let nest = mapping.nest_folders.unwrap_or(*recursive);
                let mut names = Vec::new();
                for listed in listed {
                    let listed = listed.trim_end_matches('/');
                    // Folders can hold the first parts only when sub-folders are listed and nest.
                    let deepest = if nest && *recursive { parts.len() - 1 } else { 0 };
                    for in_folders in 0..=deepest {
                        let (folders, rest) = parts.split_at(in_folders);
                        let mut folder = listed.to_owned();
                        for part in folders {
                            folder.push('/');
                            folder.push_str(part);
                        }
                        if folder.is_empty() {
                            folder.push('/');
                        }
                        let Some(name) = secret_name(mapping, rest) else { continue };
                        let at = SecretPath { folder, key: name };
                        let mut keyer = Keyer::new(mapping, if listed.is_empty() { "/" } else { listed }, *recursive);
                        if keyer.key_of(&at).ok().flatten().as_deref() == Some(wanted.as_str()) {
                            names.push(shown(&at.folder, &at.key));
                        }
                    }
                }
                let mut seen = BTreeSet::new();
                names.retain(|n| seen.insert(n.clone()));
                names
            }
        }
    }
}

/// The name a secret needs for the key parts `rest` within its folder, conventionally upper-case when
/// the mapping lowercases; `None` when several parts would need a separator the mapping has not.
fn secret_name(mapping: &Mapping, rest: &[String]) -> Option<String> {
    let joined = match (&mapping.separator, rest.len()) {
        (_, 0) => return None,
        (_, 1) => rest[0].clone(),
        (Some(sep), _) => rest.join(sep),
        (None, _) => return None,
    };
    let cased = if mapping.lowercase { upper(&joined) } else { joined };
    Some(match &mapping.prefix {
        Some(prefix) => format!("{prefix}{cased}"),
        None => cased,
    })
}

fn upper(name: &str) -> String {
    name.chars().flat_map(char::to_uppercase).collect()
}

/// A secret as the report shows it: its name alone in the root folder, else `/folder/NAME`.
pub(super) fn shown(folder: &str, name: &str) -> String {
    match folder {
        "" | "/" => name.to_owned(),
        folder => format!("{}/{name}", folder.trim_end_matches('/')),
    }
}

/// The field `key` most likely meant: the nearest by edit distance (a transposition counts one), when
/// near enough to be a typo: at most one edit in three characters.
pub(super) fn closest<'f>(key: &str, fields: impl IntoIterator<Item = &'f String>) -> Option<String> {
    let key = key.to_lowercase();
    fields
        .into_iter()
        .filter(|f| f.to_lowercase() != key)
        .map(|f| (strsim::damerau_levenshtein(&key, &f.to_lowercase()), f))
        .filter(|(distance, f)| *distance <= (key.chars().count().max(f.chars().count()) / 3).max(1))
        .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)))
        .map(|(_, f)| f.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn provider(separator: Option<&str>, prefix: Option<&str>, listed: &[&str], recursive: bool) -> Naming {
        Naming::Provider {
            mapping: Mapping {
                lowercase: true,
                separator: separator.map(str::to_owned),
                prefix: prefix.map(str::to_owned),
                nest_folders: None,
                parse_values: false,
            },
            listed: listed.iter().map(|s| s.to_string()).collect(),
            recursive,
        }
    }

    fn key(dotted: &str) -> Vec<String> {
        dotted.split('.').map(str::to_owned).collect()
    }

    #[test]
    fn a_key_maps_back_to_every_name_that_would_provide_it() {
        let both = provider(Some("__"), None, &["/"], true);
        assert_eq!(both.expected(&key("database.url"), false), ["DATABASE__URL", "/database/URL"]);
        assert_eq!(both.expected(&key("port"), false), ["PORT"]);
        assert_eq!(both.expected(&key("database"), true), ["DATABASE__*", "/database/*"]);
        let split = provider(Some("__"), Some("APP_"), &["/app"], false);
        assert_eq!(split.expected(&key("database.url"), false), ["/app/APP_DATABASE__URL"]);
        let folders = provider(None, None, &["/"], true);
        assert_eq!(folders.expected(&key("db.main.host"), false), ["/db/main/HOST"]);
        let flat = provider(None, None, &["/"], false);
        assert!(flat.expected(&key("database.url"), false).is_empty(), "no name nests without split or folders");
        assert_eq!(Naming::Flat.expected(&key("database_url"), false), ["DATABASE_URL"]);
        assert!(Naming::Flat.expected(&key("db.url"), false).is_empty());
        assert!(Naming::Flat.expected(&key("ApiKey"), false).is_empty(), "envy's names are lowercased");
    }

    #[test]
    fn the_closest_field_is_a_near_typo_or_none() {
        let fields: Vec<String> = ["database_url", "port", "api_key"].map(String::from).to_vec();
        assert_eq!(closest("databse_url", &fields).as_deref(), Some("database_url"));
        assert_eq!(closest("prot", &fields).as_deref(), Some("port"));
        assert_eq!(closest("unrelated_thing", &fields), None);
    }
}

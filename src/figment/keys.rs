//! How secret names become configuration keys, and where each key came from.

use std::collections::BTreeMap;
use std::sync::Arc;

use ::figment::Profile;
use ::figment::value::{Dict, Tag, Value};

use crate::resources::secrets::SecretPath;

/// Where a configuration key came from. The folder is shared by all the secrets of a folder.
#[derive(Clone, Debug)]
pub(super) struct Origin {
    pub(super) key: String,
    pub(super) folder: Arc<str>,
    /// For a lease's credential (`key` is its name): the lease.
    pub(super) lease: Option<Arc<LeaseOrigin>>,
}

/// The lease a credential came from: its dynamic secret, and the lease as error messages name it.
#[derive(Debug)]
pub(super) struct LeaseOrigin {
    /// What a watcher's changes name (`ChangedKey::lease`).
    #[cfg_attr(not(feature = "watch"), allow(dead_code))]
    pub(super) name: String,
    pub(super) described: String,
}

impl Origin {
    /// The secret as error messages name it: name, folder and environment.
    pub(super) fn describe(&self, environment: &str) -> String {
        match &self.lease {
            Some(lease) => format!("credential `{}` of {}", self.key, lease.described),
            None => format!("secret `{}` in {} ({environment})", self.key, self.folder),
        }
    }

    /// Name, folder and environment as the interpolater answers an [`ORIGIN_QUERY`]: a JSON array,
    /// so that any character in them survives the trip through figment's `String`.
    pub(super) fn encode(&self, environment: &str) -> String {
        serde_json::to_string(&[self.key.as_str(), &self.folder, environment]).unwrap_or_default()
    }
}

/// The name of this crate's providers in figment's metadata.
pub(super) const PROVIDER_NAME: &str = "Infisical";

/// A first key part that asks a provider's interpolater for [`Origin::encode`] of the key in the parts
/// after it, rather than the text of error messages. figment keeps nothing of a provider but its
/// metadata, whose interpolater is the one way back to the secret behind a value. No key part holds
/// U+001F (the key mapping refuses it), so no real key starts with this.
pub(super) const ORIGIN_QUERY: &str = "\u{1f}origin";

pub(super) use crate::resources::secrets::precedence::KEY_SEP as SEP;

/// One environment's keys (parts joined by [`SEP`]) and where each came from.
#[derive(Debug, Default)]
pub(super) struct Keys {
    pub(super) environment: String,
    /// Sorted by key, each key once: the merge returns them so, and a vector costs nothing more to
    /// build or to drop, where a map would be built and freed node by node for every load.
    origins: Vec<(String, Origin)>,
}

impl Keys {
    /// `origins` must be sorted by key, each key once.
    pub(super) fn new(environment: String, origins: Vec<(String, Origin)>) -> Self {
        debug_assert!(origins.windows(2).all(|w| w[0].0 < w[1].0), "keys sorted, each once");
        Keys { environment, origins }
    }

    /// Where `key` came from.
    pub(super) fn origin(&self, key: &str) -> Option<&Origin> {
        let at = self.origins.binary_search_by(|(k, _)| k.as_str().cmp(key)).ok()?;
        Some(&self.origins[at].1)
    }

    /// The keys and their origins, in key order.
    pub(super) fn iter(&self) -> impl Iterator<Item = (&String, &Origin)> {
        self.origins.iter().map(|(k, o)| (k, o))
    }

    pub(super) fn len(&self) -> usize {
        self.origins.len()
    }

    /// A key's origin as error messages name it, in this environment.
    pub(super) fn describe(&self, origin: &Origin) -> String {
        origin.describe(&self.environment)
    }
}

/// Every profile's keys: what error messages name.
pub(super) type Index = BTreeMap<Profile, Keys>;

/// How secret names become configuration keys. See the module docs.
#[derive(Clone, Debug)]
pub(super) struct Mapping {
    pub(super) lowercase: bool,
    pub(super) separator: Option<String>,
    pub(super) prefix: Option<String>,
    pub(super) nest_folders: Option<bool>,
    pub(super) parse_values: bool,
}

impl Mapping {
    /// The key of a secret (parts joined by [`SEP`]), or `None` when the prefix filter leaves it out.
    #[cfg(test)]
    pub(super) fn key_of(
        &self,
        listed: &str,
        at: &SecretPath,
        recursive: bool,
    ) -> std::result::Result<Option<String>, &'static str> {
        Keyer::new(self, listed, recursive).key_of(at)
    }

    /// A folder's part of the key: its parts under `listed`, or nothing unless folders `nest`.
    fn folder_part(&self, listed: &str, nest: bool, folder: &str) -> std::result::Result<String, &'static str> {
        let mut part = String::new();
        if nest {
            let relative = folder.strip_prefix(listed).unwrap_or(folder);
            for name in relative.split('/').filter(|s| !s.is_empty()) {
                self.push(&mut part, name)?;
            }
        }
        Ok(part)
    }

    /// Appends `part` to `key` (after a [`SEP`] unless `key` is empty), as this mapping writes it.
    pub(super) fn push(&self, key: &mut String, part: &str) -> std::result::Result<(), &'static str> {
        // SEP is ASCII: a byte search, quicker than a char search on short names.
        if part.as_bytes().contains(&(SEP as u8)) {
            // The separator of key parts here: a name holding it would nest as if split.
            return Err("the name holds the control character U+001F, which no configuration key can hold");
        }
        if part.is_empty() {
            return Err("a part of the key is empty (a prefix, separator or folder leaves nothing)");
        }
        if !key.is_empty() {
            key.push(SEP);
        }
        if self.lowercase && part.is_ascii() {
            let from = key.len();
            key.push_str(part);
            key[from..].make_ascii_lowercase();
        } else if self.lowercase {
            key.extend(part.chars().flat_map(char::to_lowercase));
        } else {
            key.push_str(part);
        }
        Ok(())
    }
}

/// The keys of one listed folder's secrets. The secrets of a folder are neighbours (a layer is
/// sorted by place), so the folder's part of the key is mapped once for them all.
pub(super) struct Keyer<'a> {
    mapping: &'a Mapping,
    listed: &'a str,
    nest: bool,
    /// The last folder seen, shared by the origins of its secrets.
    folder: Arc<str>,
    /// That folder's part of the key (or why it has none), once a secret of it needed it.
    part: Option<std::result::Result<String, &'static str>>,
}

impl<'a> Keyer<'a> {
    pub(super) fn new(mapping: &'a Mapping, listed: &'a str, recursive: bool) -> Self {
        Keyer { mapping, listed, nest: mapping.nest_folders.unwrap_or(recursive), folder: Arc::from(""), part: None }
    }

    /// The folder of the last secret given to [`key_of`](Self::key_of).
    pub(super) fn folder(&self) -> &Arc<str> {
        &self.folder
    }

    /// The key of a secret (parts joined by [`SEP`]), or `None` when the prefix filter leaves it out.
    pub(super) fn key_of(&mut self, at: &SecretPath) -> std::result::Result<Option<String>, &'static str> {
        if *self.folder != *at.folder {
            self.folder = Arc::from(at.folder.as_str());
            self.part = None;
        }
        let mut name = at.key.as_str();
        if let Some(prefix) = &self.mapping.prefix {
            match name.get(..prefix.len()) {
                Some(head) if head.eq_ignore_ascii_case(prefix) => name = &name[prefix.len()..],
                _ => return Ok(None),
            }
        }
        let (mapping, listed, nest) = (self.mapping, self.listed, self.nest);
        let folder_part = self.part.get_or_insert_with(|| mapping.folder_part(listed, nest, &at.folder));
        let folder_part = folder_part.as_deref().map_err(|reason| *reason)?;
        let mut key = String::with_capacity(folder_part.len() + 1 + name.len());
        key.push_str(folder_part);
        match &self.mapping.separator {
            Some(sep) => name.split(sep.as_str()).try_for_each(|part| self.mapping.push(&mut key, part))?,
            None => self.mapping.push(&mut key, name)?,
        }
        Ok(Some(key))
    }
}

/// The configuration tree of `(key, value)` entries sorted by key with no key inside another (as
/// `layered` returns them), built in one pass: the entries of one table are neighbours, and each
/// table's map is built from its sorted entries at once rather than by one insert per key.
pub(super) fn tree<'a>(entries: impl Iterator<Item = (&'a str, Value)>) -> Dict {
    table(&mut entries.peekable(), 0)
}

/// The table of the entries next in `entries` whose keys share their first `depth` bytes (a prefix
/// ending with [`SEP`], or none), consumed: keys are cut where they are, never copied but for the
/// table's own key.
fn table<'a, I: Iterator<Item = (&'a str, Value)>>(entries: &mut std::iter::Peekable<I>, depth: usize) -> Dict {
    let mut table = Table::default();
    let Some(&(first, _)) = entries.peek() else { return Dict::new() };
    let prefix = &first[..depth];
    while let Some(&(key, _)) = entries.peek() {
        if !key.starts_with(prefix) {
            break;
        }
        let rest = &key[depth..];
        // SEP is ASCII: a byte search, quicker than a char search on short keys.
        match rest.bytes().position(|b| b == SEP as u8) {
            None => table.push(rest.to_owned(), entries.next().expect("peeked").1),
            // Not `Value::from`: figment's conversion of a map copies every key into a new map.
            Some(at) => {
                table.push(rest[..at].to_owned(), Value::Dict(Tag::Default, self::table(entries, depth + at + 1)))
            }
        }
    }
    table.into_dict()
}

/// A table's entries, given in key order: a few are inserted as they come, more are built into a map
/// at once (an insert searches from the root, a build from sorted entries does not).
#[derive(Default)]
struct Table {
    few: Dict,
    many: Vec<(String, Value)>,
}

impl Table {
    /// Up to this many, entries are inserted one by one.
    const FEW: usize = 8;

    fn push(&mut self, key: String, value: Value) {
        if self.many.is_empty() && self.few.len() < Self::FEW {
            self.few.insert(key, value);
        } else {
            if self.many.is_empty() {
                self.many.extend(std::mem::take(&mut self.few));
            }
            self.many.push((key, value));
        }
    }

    fn into_dict(self) -> Dict {
        if self.many.is_empty() { self.few } else { self.many.into_iter().collect() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mapping(lowercase: bool, separator: Option<&str>) -> Mapping {
        Mapping {
            lowercase,
            separator: separator.map(str::to_owned),
            prefix: None,
            nest_folders: None,
            parse_values: false,
        }
    }

    fn key(mapping: &Mapping, folder: &str, name: &str) -> std::result::Result<Option<String>, &'static str> {
        let at = SecretPath { folder: folder.to_owned(), key: name.to_owned() };
        mapping.key_of("/", &at, true).map(|k| k.map(|k| k.replace(SEP, ".")))
    }

    /// One keyer maps a run of secrets: each folder's part is mapped once, and again when the folder
    /// changes, back to an earlier one too; a folder no key can hold fails only secrets the prefix
    /// filter keeps.
    #[test]
    fn a_keyer_maps_each_folder_as_a_fresh_mapping_would() {
        let mut prefixed = mapping(true, Some("__"));
        prefixed.prefix = Some("APP_".into());
        let at = |folder: &str, name: &str| SecretPath { folder: folder.to_owned(), key: name.to_owned() };
        let mut keyer = Keyer::new(&prefixed, "/", true);
        let run = [at("/db", "APP_HOST"), at("/db", "APP_PORT"), at("/Cache", "APP_A__B"), at("/db", "APP_USER")];
        for secret in &run {
            let fresh = prefixed.key_of("/", secret, true);
            assert_eq!(keyer.key_of(secret), fresh, "{secret:?}");
        }
        let keys: Vec<String> = run.iter().map(|s| keyer.key_of(s).unwrap().unwrap().replace(SEP, ".")).collect();
        assert_eq!(keys, ["db.host", "db.port", "cache.a.b", "db.user"]);
        let bad = format!("/x{SEP}y");
        assert_eq!(keyer.key_of(&at(&bad, "OTHER")), Ok(None), "left out by the prefix before the folder is read");
        assert!(keyer.key_of(&at(&bad, "APP_KEY")).unwrap_err().contains("U+001F"));
        assert_eq!(keyer.key_of(&at("/db", "APP_HOST")).unwrap().unwrap().replace(SEP, "."), "db.host");
    }

    /// The tree is the one inserting each key by its parts gives: tables of a few entries (inserted)
    /// and of many (built at once), nested at any depth, neighbours that share a head but not a table.
    #[test]
    fn the_tree_holds_every_key_at_its_parts() {
        let mut keys: Vec<String> = (0..20).map(|n| format!("big{SEP}k{n:02}")).collect();
        keys.extend(
            ["a", "b{SEP}c", "b{SEP}d{SEP}e", "b{SEP}d{SEP}f", "bb{SEP}g", "z"]
                .map(|k| k.replace("{SEP}", &SEP.to_string())),
        );
        keys.sort();
        let built = tree(keys.iter().map(|k| (k.as_str(), Value::from(k.clone()))));
        let mut expected = Dict::new();
        for key in &keys {
            let parts: Vec<&str> = key.split(SEP).collect();
            let mut table = &mut expected;
            for part in &parts[..parts.len() - 1] {
                let entry = table.entry((*part).to_owned()).or_insert_with(|| Value::Dict(Tag::Default, Dict::new()));
                let Value::Dict(_, inner) = entry else { unreachable!() };
                table = inner;
            }
            table.insert(parts[parts.len() - 1].to_owned(), Value::from(key.clone()));
        }
        assert_eq!(built, expected);
        assert_eq!(built["big"].as_dict().unwrap().len(), 20);
        assert_eq!(tree(std::iter::empty()), Dict::new());
    }

    #[test]
    fn names_become_keys_lowercased_nested_and_split() {
        let lower = mapping(true, Some("__"));
        assert_eq!(key(&lower, "/db/Main", "HOST__Port"), Ok(Some("db.main.host.port".into())));
        assert_eq!(key(&lower, "/", "ÄPFEL_Œ"), Ok(Some("äpfel_œ".into())), "non-ASCII names lowercase too");
        assert_eq!(key(&mapping(false, None), "/Db", "HOST__Port"), Ok(Some("Db.HOST__Port".into())));
        assert!(key(&lower, "/", "DB\u{1f}HOST").unwrap_err().contains("U+001F"));
        assert!(key(&lower, "/", "A____B").unwrap_err().contains("empty"));
    }
}

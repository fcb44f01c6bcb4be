//! The precedence of secrets, written once for the public merge and for every loader:
//!
//! 1. within a listed folder, a personal override wins over the shared secret of the same name, the
//!    folder's own secrets win over its imports, and a later import over an earlier one ([`merge`]);
//! 2. over several listed folders, a later folder wins over an earlier one, as with
//!    `infisical run --path a --path b`; within one folder's answer, two secrets that land on the same
//!    key (or one on a key inside the other's) are a [`Conflict`], never a silent winner ([`layered`]).

use std::collections::BTreeMap;

use super::{Secret, SecretPath};
use crate::folder_path::normalize_path;

/// What the precedence merge needs to know of a secret.
pub(crate) trait Merge {
    fn name(&self) -> &str;
    fn folder(&self) -> Option<&str>;
    fn personal(&self) -> bool;
}

/// Implements [`Merge`] for a secret model with `key`, `path` and `kind` fields (the public model and
/// the loaders' lean one name them alike).
macro_rules! impl_merge {
    ($model:ty) => {
        impl $crate::resources::secrets::precedence::Merge for $model {
            fn name(&self) -> &str {
                &self.key
            }
            fn folder(&self) -> Option<&str> {
                self.path.as_deref()
            }
            fn personal(&self) -> bool {
                self.kind == $crate::resources::secrets::SecretType::Personal
            }
        }
    };
}
pub(crate) use impl_merge;

impl_merge!(Secret);

/// The precedence of [`SecretList::into_map`], for any secret model.
///
/// Each import comes with the folder that imports it when known (`None`: the listed folder). Own
/// secrets go in first, so in any folder they win over that folder's imports; imports go in from the
/// last to the first, so a later import wins over an earlier one.
pub(crate) fn merge<S: Merge>(
    listed: &str,
    own: Vec<S>,
    imports: impl DoubleEndedIterator<Item = (Option<String>, Vec<S>)>,
) -> BTreeMap<SecretPath, S> {
    let listed = normalize_path(listed);
    let mut map: BTreeMap<SecretPath, S> = BTreeMap::new();
    for secret in own {
        let folder = secret.folder().map_or_else(|| listed.clone(), normalize_path);
        let at = SecretPath { folder, key: secret.name().to_owned() };
        let personal_exists = map.get(&at).is_some_and(Merge::personal);
        if !personal_exists {
            map.insert(at, secret);
        }
    }
    for (importer, import) in imports.rev() {
        let folder = importer.unwrap_or_else(|| listed.clone());
        for secret in import {
            let at = SecretPath { folder: folder.clone(), key: secret.name().to_owned() };
            map.entry(at).or_insert(secret);
        }
    }
    map
}

/// Separates the parts of a key: a control character that names holding it are refused for, so a
/// name with a `.` stays one part.
pub(crate) const KEY_SEP: char = '\u{1f}';

/// Two entries of one layer that land on the same key, or one on a key inside the other's.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Conflict<O> {
    /// The key of the second entry (parts joined by [`KEY_SEP`]).
    pub(crate) key: String,
    pub(crate) first: O,
    pub(crate) second: O,
}

/// Merges layers of `(key, value, origin)`, one layer per listed folder, in order. Within a layer,
/// overlapping keys are a [`Conflict`]; a later layer replaces whatever of the earlier ones it
/// overlaps (a later `db` replaces an earlier `db.host`, and the other way round).
pub(crate) fn layered<V, O>(
    layers: impl IntoIterator<Item = Vec<(String, V, O)>>,
) -> Result<BTreeMap<String, (V, O)>, Conflict<O>> {
    let mut values: BTreeMap<String, (V, O)> = BTreeMap::new();
    for layer in layers {
        let mut this: BTreeMap<String, (V, O)> = BTreeMap::new();
        for (key, value, origin) in layer {
            if let Some(other) = overlapping(&this, &key) {
                let first = this.remove(&other).map(|(_, o)| o).expect("an overlapping key is in the map");
                return Err(Conflict { key, first, second: origin });
            }
            this.insert(key, (value, origin));
        }
        if values.is_empty() {
            values = this;
            continue;
        }
        for (key, entry) in this {
            while let Some(other) = overlapping(&values, &key) {
                values.remove(&other);
            }
            values.insert(key, entry);
        }
    }
    Ok(values)
}

/// A key of `map` equal to `key`, inside it, or containing it.
fn overlapping<V>(map: &BTreeMap<String, V>, key: &str) -> Option<String> {
    if map.contains_key(key) {
        return Some(key.to_owned());
    }
    if let Some((at, _)) = key.match_indices(KEY_SEP).find(|(at, _)| map.contains_key(&key[..*at])) {
        return Some(key[..at].to_owned());
    }
    // Keys inside `key` start with `key` and KEY_SEP, which sorts before any other character they hold.
    map.range::<str, _>((std::ops::Bound::Excluded(key), std::ops::Bound::Unbounded))
        .next()
        .filter(|(k, _)| k.strip_prefix(key).is_some_and(|rest| rest.starts_with(KEY_SEP)))
        .map(|(k, _)| k.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn k(dotted: &str) -> String {
        dotted.replace('.', &KEY_SEP.to_string())
    }

    #[test]
    fn a_later_layer_wins_and_replaces_what_it_overlaps() {
        let merged = layered([
            vec![(k("db.host"), 1, "a"), (k("db.port"), 2, "a"), (k("name"), 3, "a")],
            vec![(k("db"), 4, "b"), (k("name"), 5, "b")],
        ])
        .unwrap();
        let keys: Vec<_> = merged.iter().map(|(k, (v, o))| (k.replace(KEY_SEP, "."), *v, *o)).collect();
        assert_eq!(keys, [("db".to_owned(), 4, "b"), ("name".to_owned(), 5, "b")]);
    }

    #[test]
    fn overlapping_keys_in_one_layer_conflict() {
        let err = layered([vec![(k("db"), 1, "first"), (k("db.host"), 2, "second")]]).unwrap_err();
        assert_eq!((err.first, err.second), ("first", "second"));
        let err = layered([vec![(k("db.host"), 1, "first"), (k("db"), 2, "second")]]).unwrap_err();
        assert_eq!((err.first, err.second), ("first", "second"));
        let err = layered([vec![(k("a"), 1, "first"), (k("a"), 2, "second")]]).unwrap_err();
        assert_eq!(err.key, "a");
        // A prefix that is not a whole part is no overlap.
        assert!(layered([vec![(k("db"), 1, "x"), (k("dbx"), 2, "y")]]).is_ok());
    }

    proptest! {
        /// Whatever the layers, the result holds no two overlapping keys, and each key's value comes
        /// from the last layer that holds it.
        #[test]
        fn the_result_never_overlaps_and_the_last_layer_wins(
            layers in proptest::collection::vec(
                proptest::collection::btree_set("[ab](\\.[ab]){0,2}", 0..5), 1..4)
        ) {
            let layers: Vec<Vec<(String, usize, usize)>> = layers
                .iter()
                .enumerate()
                .map(|(n, keys)| keys.iter().map(|key| (k(key), n, n)).collect())
                .collect();
            let Ok(merged) = layered(layers.clone()) else { return Ok(()) };
            let keys: Vec<&String> = merged.keys().collect();
            for (i, a) in keys.iter().enumerate() {
                let inside = format!("{a}{KEY_SEP}");
                for b in &keys[i + 1..] {
                    let overlaps = b.starts_with(&inside) || a == b;
                    prop_assert!(!overlaps);
                }
            }
            for (key, (value, _)) in &merged {
                let last = layers.iter().rposition(|l| l.iter().any(|(lk, _, _)| lk == key)).unwrap();
                prop_assert_eq!(*value, last);
            }
        }
    }
}

//! The precedence of secrets, written once for the public merge and for every loader:
//!
//! 1. within a listed folder, a personal override wins over the shared secret of the same name, the
//!    folder's own secrets win over its imports, and a later import over an earlier one ([`merge`]);
//! 2. over several listed folders, a later folder wins over an earlier one, as with
//!    `infisical run --path a --path b`; within one folder's answer, two secrets that land on the same
//!    key (or one on a key inside the other's) are a [`Conflict`], never a silent winner ([`layered`]).

use std::collections::BTreeMap;

use super::{Secret, SecretPath};
use crate::folder_path::{into_normal_path, normalize_path};

/// What the precedence merge needs of a secret: its name and folder (a model the merge consumes
/// hands them over; the public one keeps its copy), and whether it is a personal override.
pub(crate) trait Merge {
    fn take_name(&mut self) -> String;
    fn take_folder(&mut self) -> Option<String>;
    fn personal(&self) -> bool;
}

impl Merge for Secret {
    fn take_name(&mut self) -> String {
        self.key.clone()
    }
    fn take_folder(&mut self) -> Option<String> {
        self.path.clone()
    }
    fn personal(&self) -> bool {
        self.kind == super::SecretType::Personal
    }
}

/// The precedence of [`SecretList::into_map`], for any secret model: each place once, sorted by
/// place (folder, then name).
///
/// Each import comes with the folder that imports it when known (`None`: the listed folder). At one
/// place, the first personal override wins, else the last of the folder's own secrets, else the
/// last import's (its first entry of that name). The entries are laid out in rising precedence, so
/// that at each place the last one wins; one sort of all of them by place then decides it, with no
/// map: every later step (keys, conflicts, the configuration tree) then reads sorted entries.
pub(crate) fn merge<S: Merge>(
    listed: &str,
    own: Vec<S>,
    imports: impl Iterator<Item = (Option<String>, Vec<S>)>,
) -> Vec<(SecretPath, S)> {
    let listed = normalize_path(listed);
    let mut entries: Vec<(SecretPath, S)> = Vec::with_capacity(own.len());
    for (importer, import) in imports {
        let folder = importer.unwrap_or_else(|| listed.clone());
        // Within one import its first entry of a name wins: the last in rising precedence.
        for mut secret in import.into_iter().rev() {
            entries.push((SecretPath { folder: folder.clone(), key: secret.take_name() }, secret));
        }
    }
    let mut personal = Vec::new();
    for mut secret in own {
        let folder = secret.take_folder().map_or_else(|| listed.clone(), into_normal_path);
        let at = SecretPath { folder, key: secret.take_name() };
        if secret.personal() { personal.push((at, secret)) } else { entries.push((at, secret)) }
    }
    // Personal overrides over everything, the first of them last.
    entries.extend(personal.into_iter().rev());
    // Sort positions, not the entries (each is a hundred bytes and more to move); entries of one place
    // end up together, in rising precedence, and the last is kept. A position is three integers: its
    // folder's rank among the answer's few folders, the first bytes of its name, and its index. Sorted
    // as plain integers, only names that share those first bytes are then put in order by their whole
    // name.
    let folders = folder_ranks(&entries);
    let mut order: Vec<(u32, u128, u32)> =
        folders.into_iter().zip(&entries).zip(0..).map(|((folder, (at, _)), n)| (folder, head(&at.key), n)).collect();
    let name = |n: u32| entries[n as usize].0.key.as_str();
    sort_by_name(&mut order, name);
    let mut winners: Vec<u32> = Vec::with_capacity(order.len());
    let mut last: Option<(u32, u128)> = None;
    for (folder, head, at) in order {
        match winners.last_mut() {
            Some(kept) if last == Some((folder, head)) && name(*kept) == name(at) => *kept = at,
            _ => winners.push(at),
        }
        last = Some((folder, head));
    }
    let mut slots: Vec<Option<(SecretPath, S)>> = entries.into_iter().map(Some).collect();
    let mut merged = Vec::with_capacity(winners.len());
    merged.extend(winners.into_iter().filter_map(|at| slots[at as usize].take()));
    merged
}

/// Sorts positions `(group, head(name), index)` by group, then name, then index. Most comparisons are
/// of integers; only names whose first 16 bytes tie are compared in full.
fn sort_by_name<'a>(order: &mut [(u32, u128, u32)], name: impl Fn(u32) -> &'a str) {
    // The stable sort finds runs already in order (a layer arrives as one sorted run per folder).
    order.sort();
    for run in order.chunk_by_mut(|a, b| (a.0, a.1) == (b.0, b.1)).filter(|run| run.len() > 1) {
        // Stable: equal names stay in index order.
        run.sort_by(|a, b| name(a.2).cmp(name(b.2)));
    }
}

/// The first 16 bytes of a name as a big-endian integer, zero-padded: names in this order are in
/// byte order, up to a tie between names that share those bytes (or differ only by trailing NULs).
fn head(name: &str) -> u128 {
    let mut bytes = [0u8; 16];
    let n = name.len().min(16);
    bytes[..n].copy_from_slice(&name.as_bytes()[..n]);
    u128::from_be_bytes(bytes)
}

/// Each entry's folder as its rank among the entries' distinct folders, in folder order.
///
/// Answers interleave their folders but hold few: each folder is looked up among those seen so far
/// (the previous entry's first), and only past [`FEW_FOLDERS`] through a hash map.
fn folder_ranks<S>(entries: &[(SecretPath, S)]) -> Vec<u32> {
    const FEW_FOLDERS: usize = 32;
    // Each folder with its last bytes and length as one integer: sibling folders differ there, so a
    // lookup compares integers and whole paths only once they match.
    let tail = |folder: &str| {
        let at = folder.len().saturating_sub(14);
        let mut bytes = [0u8; 16];
        bytes[..folder.len() - at].copy_from_slice(&folder.as_bytes()[at..]);
        bytes[14..].copy_from_slice(&(folder.len() as u16).to_le_bytes());
        u128::from_le_bytes(bytes)
    };
    let mut distinct: Vec<(u128, &str)> = Vec::new();
    let mut many: Option<std::collections::HashMap<&str, u32>> = None;
    let mut ids: Vec<u32> = Vec::with_capacity(entries.len());
    let mut last = 0u32;
    for (at, _) in entries {
        let folder = (tail(&at.folder), at.folder.as_str());
        let id = if distinct.get(last as usize) == Some(&folder) {
            last
        } else if let Some(index) = &mut many {
            let next = distinct.len() as u32;
            let id = *index.entry(folder.1).or_insert(next);
            if id == next {
                distinct.push(folder);
            }
            id
        } else if let Some(found) = distinct.iter().position(|d| *d == folder) {
            found as u32
        } else {
            distinct.push(folder);
            if distinct.len() > FEW_FOLDERS {
                many = Some(distinct.iter().map(|(_, d)| *d).zip(0..).collect());
            }
            (distinct.len() - 1) as u32
        };
        last = id;
        ids.push(id);
    }
    let mut by_name: Vec<u32> = (0..distinct.len() as u32).collect();
    by_name.sort_unstable_by(|&a, &b| distinct[a as usize].1.cmp(distinct[b as usize].1));
    let mut rank = vec![0u32; distinct.len()];
    for (r, id) in (0..).zip(by_name) {
        rank[id as usize] = r;
    }
    ids.into_iter().map(|id| rank[id as usize]).collect()
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

/// Merges layers of `(key, value, origin)`, one layer per listed folder, in order, into entries
/// sorted by key. Within a layer, overlapping keys are a [`Conflict`] (of the earliest pair, in the
/// layer's order); a later layer replaces whatever of the earlier ones it overlaps (a later `db`
/// replaces an earlier `db.host`, and the other way round).
///
/// Sorted output lets a caller build its tree (figment's `Dict`, the env loader's map) in one pass.
pub(crate) fn layered<V, O>(
    layers: impl IntoIterator<Item = Vec<(String, V, O)>>,
) -> Result<Vec<(String, V, O)>, Conflict<O>> {
    let mut layers = layers.into_iter();
    let Some(first) = layers.next() else { return Ok(Vec::new()) };
    let mut merged = sorted_without_overlap(first)?;
    for layer in layers {
        let layer = sorted_without_overlap(layer)?;
        let mut values: BTreeMap<String, (V, O)> = merged.into_iter().map(|(k, v, o)| (k, (v, o))).collect();
        for (key, value, origin) in layer {
            while let Some(other) = overlapping(&values, &key) {
                values.remove(&other);
            }
            values.insert(key, (value, origin));
        }
        merged = values.into_iter().map(|(k, (v, o))| (k, v, o)).collect();
    }
    Ok(merged)
}

/// One layer sorted by key, or the conflict of its earliest overlapping pair.
///
/// In sorted order, every key that is a prefix of another comes before it, and so does every key in
/// between: a stack of the keys that are prefixes of the current one finds each overlapping pair.
fn sorted_without_overlap<V, O>(layer: Vec<(String, V, O)>) -> Result<Vec<(String, V, O)>, Conflict<O>> {
    let mut positions: Vec<(u32, u128, u32)> =
        layer.iter().zip(0..).map(|((key, _, _), n)| (0, head(key), n)).collect();
    // Equal keys keep the layer's order.
    sort_by_name(&mut positions, |n| layer[n as usize].0.as_str());
    let order: Vec<usize> = positions.into_iter().map(|(_, _, n)| n as usize).collect();
    let mut conflict: Option<(usize, usize)> = None;
    let mut prefixes: Vec<usize> = Vec::new();
    for &at in &order {
        let key = layer[at].0.as_str();
        while prefixes.last().is_some_and(|&p| !key.starts_with(layer[p].0.as_str())) {
            prefixes.pop();
        }
        for &p in &prefixes {
            let rest = &key[layer[p].0.len()..];
            if rest.is_empty() || rest.starts_with(KEY_SEP) {
                // The pair the layer's order meets first: the smallest later index, then earlier one.
                let pair = (p.min(at), p.max(at));
                if conflict.is_none_or(|(a, b)| (pair.1, pair.0) < (b, a)) {
                    conflict = Some(pair);
                }
            }
        }
        prefixes.push(at);
    }
    let mut slots: Vec<Option<(String, V, O)>> = layer.into_iter().map(Some).collect();
    if let Some((first, second)) = conflict {
        let first = slots[first].take().map(|(_, _, o)| o);
        let (key, _, second) = slots[second].take().expect("an index of the layer");
        return Err(Conflict { key, first: first.expect("an index of the layer"), second });
    }
    Ok(order.into_iter().filter_map(|at| slots[at].take()).collect())
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
        let keys: Vec<_> = merged.iter().map(|(k, v, o)| (k.replace(KEY_SEP, "."), *v, *o)).collect();
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

    #[derive(Clone, Debug, PartialEq)]
    struct S {
        name: String,
        folder: Option<String>,
        personal: bool,
        tag: usize,
    }

    impl Merge for S {
        fn take_name(&mut self) -> String {
            self.name.clone()
        }
        fn take_folder(&mut self) -> Option<String> {
            self.folder.clone()
        }
        fn personal(&self) -> bool {
            self.personal
        }
    }

    /// The rules, one insert at a time: own secrets in order (a personal override is never replaced),
    /// then imports from the last to the first, each only where nothing is yet.
    fn reference(own: &[S], imports: &[(Option<String>, Vec<S>)]) -> BTreeMap<SecretPath, usize> {
        let mut map: BTreeMap<SecretPath, &S> = BTreeMap::new();
        for s in own {
            let at = SecretPath { folder: normalize_path(s.folder.as_deref().unwrap_or("/")), key: s.name.clone() };
            if !map.get(&at).is_some_and(|kept| kept.personal) {
                map.insert(at, s);
            }
        }
        for (importer, import) in imports.iter().rev() {
            for s in import {
                let at = SecretPath { folder: importer.clone().unwrap_or_else(|| "/".into()), key: s.name.clone() };
                map.entry(at).or_insert(s);
            }
        }
        map.into_iter().map(|(at, s)| (at, s.tag)).collect()
    }

    /// Past the few folders looked up one by one, folders are numbered through a map; the order and
    /// the winners stay those of the rules.
    #[test]
    fn many_interleaved_folders_sort_as_few_do() {
        let own: Vec<S> = (0..600)
            .map(|n| S {
                name: format!("K{}", n % 7),
                folder: Some(format!("/f{}", (n * 37) % 100)),
                personal: n % 11 == 0,
                tag: n,
            })
            .collect();
        let merged = merge("/", own.clone(), std::iter::empty());
        assert!(merged.windows(2).all(|w| w[0].0 < w[1].0), "sorted, each place once");
        let got: BTreeMap<SecretPath, usize> = merged.into_iter().map(|(at, s)| (at, s.tag)).collect();
        assert_eq!(got, reference(&own, &[]));
    }

    /// Short names, and names that share their first 16 bytes or differ only by trailing NULs: the
    /// merge sorts by those bytes first, then by whole names.
    const NAMES: &str = "[ab]|LONG_SHARED_HEAD_[ab]{0,2}|a\\x00{0,17}";

    proptest! {
        /// The sorted merge keeps, at every place, the secret the one-insert-at-a-time rules keep.
        #[test]
        fn merge_agrees_with_the_rules_one_insert_at_a_time(
            own in proptest::collection::vec((NAMES, proptest::option::of("/|/x|/x/"), any::<bool>()), 0..8),
            imports in proptest::collection::vec(
                (proptest::option::of("/|/x"), proptest::collection::vec(NAMES, 0..4)), 0..4),
        ) {
            let mut tag = 0;
            let mut next = || { tag += 1; tag };
            let own: Vec<S> = own.into_iter()
                .map(|(name, folder, personal)| S { name, folder, personal, tag: next() })
                .collect();
            let imports: Vec<(Option<String>, Vec<S>)> = imports.into_iter()
                .map(|(f, names)| (f, names.into_iter().map(|name| S { name, folder: None, personal: false, tag: next() }).collect()))
                .collect();
            let merged = merge("/", own.clone(), imports.clone().into_iter());
            prop_assert!(merged.windows(2).all(|w| w[0].0 < w[1].0), "sorted, each place once");
            let got: BTreeMap<SecretPath, usize> = merged.into_iter().map(|(at, s)| (at, s.tag)).collect();
            prop_assert_eq!(got, reference(&own, &imports));
        }

        /// One layer conflicts exactly when two of its keys overlap (checked pair by pair), and what it
        /// returns is sorted and whole.
        #[test]
        fn a_layer_conflicts_exactly_when_two_keys_overlap(
            keys in proptest::collection::vec("(LONG_SHARED_HEAD_)?[ab]{1,2}(\\.[ab]{1,2}){0,2}", 0..8)
        ) {
            let layer: Vec<(String, usize, usize)> = keys.iter().enumerate().map(|(n, key)| (k(key), n, n)).collect();
            let overlap = |a: &str, b: &str| {
                let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
                long.strip_prefix(short).is_some_and(|rest| rest.is_empty() || rest.starts_with(KEY_SEP))
            };
            let mut pairs = Vec::new();
            for i in 0..layer.len() {
                for j in i + 1..layer.len() {
                    if overlap(&layer[i].0, &layer[j].0) {
                        pairs.push((i, j));
                    }
                }
            }
            match layered([layer.clone()]) {
                Ok(merged) => {
                    prop_assert!(pairs.is_empty());
                    prop_assert_eq!(merged.len(), layer.len());
                    prop_assert!(merged.windows(2).all(|w| w[0].0 < w[1].0));
                }
                Err(c) => {
                    // The pair met first in the layer's order.
                    let first = pairs.iter().min_by_key(|(i, j)| (*j, *i)).copied();
                    prop_assert_eq!(Some((c.first, c.second)), first);
                    prop_assert_eq!(&c.key, &layer[c.second].0);
                }
            }
        }

        /// Whatever the layers, the result holds no two overlapping keys, and each key's value comes
        /// from the last layer that holds it.
        #[test]
        fn the_result_never_overlaps_and_the_last_layer_wins(
            layers in proptest::collection::vec(
                proptest::collection::btree_set("(LONG_SHARED_HEAD_)?[ab](\\.[ab]){0,2}", 0..5), 1..4)
        ) {
            let layers: Vec<Vec<(String, usize, usize)>> = layers
                .iter()
                .enumerate()
                .map(|(n, keys)| keys.iter().map(|key| (k(key), n, n)).collect())
                .collect();
            let Ok(merged) = layered(layers.clone()) else { return Ok(()) };
            let keys: Vec<&String> = merged.iter().map(|(k, _, _)| k).collect();
            for (i, a) in keys.iter().enumerate() {
                let inside = format!("{a}{KEY_SEP}");
                for b in &keys[i + 1..] {
                    let overlaps = b.starts_with(&inside) || a == b;
                    prop_assert!(!overlaps);
                }
            }
            for (key, value, _) in &merged {
                let last = layers.iter().rposition(|l| l.iter().any(|(lk, _, _)| lk == key)).unwrap();
                prop_assert_eq!(*value, last);
            }
        }
    }
}

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
/// hands them over; the public one keeps its copy), whether it is a personal override, and what is
/// kept of it once it has its place.
pub(crate) trait Merge {
    /// What the merge returns at each place: the loaders keep only the value, so that the entries it
    /// sorts and moves are small.
    type Kept;
    fn take_name(&mut self) -> String;
    fn take_folder(&mut self) -> Option<String>;
    fn personal(&self) -> bool;
    fn kept(self) -> Self::Kept;
}

impl Merge for Secret {
    type Kept = Secret;
    fn take_name(&mut self) -> String {
        self.key.clone()
    }
    fn take_folder(&mut self) -> Option<String> {
        self.path().map(str::to_owned)
    }
    fn personal(&self) -> bool {
        self.kind == super::SecretType::Personal
    }
    fn kept(self) -> Secret {
        self
    }
}

/// The precedence of [`SecretList::into_map`], for any secret model: each place once, sorted by
/// place (folder, then name).
///
/// Each import comes with the folder that imports it when known (`None`: the listed folder). At one
/// place, the first personal override wins, else the last of the folder's own secrets, else the
/// last import's (its first entry of that name). The entries are laid out in rising precedence, so
/// that at each place the last one wins; sorting them by place then decides it, with no
/// map: every later step (keys, conflicts, the configuration tree) then reads sorted entries.
pub(crate) fn merge<S: Merge>(
    listed: &str,
    own: Vec<S>,
    imports: impl Iterator<Item = (Option<String>, Vec<S>)>,
) -> Vec<(SecretPath, S::Kept)> {
    let listed = normalize_path(listed);
    let mut entries: Vec<(SecretPath, S::Kept)> = Vec::with_capacity(own.len());
    for (importer, import) in imports {
        let folder = importer.unwrap_or_else(|| listed.clone());
        // Within one import its first entry of a name wins: the last in rising precedence.
        for mut secret in import.into_iter().rev() {
            entries.push((SecretPath { folder: folder.clone(), key: secret.take_name() }, secret.kept()));
        }
    }
    let mut personal = Vec::new();
    for mut secret in own {
        let folder = secret.take_folder().map_or_else(|| listed.clone(), into_normal_path);
        let at = SecretPath { folder, key: secret.take_name() };
        if secret.personal() { personal.push((at, secret.kept())) } else { entries.push((at, secret.kept())) }
    }
    // Personal overrides over everything, the first of them last.
    entries.extend(personal.into_iter().rev());
    // Sort positions, not the entries (each four times a position's size, a whole model for the public
    // merge): grouped by folder with one counting pass (answers hold few folders), then each folder's
    // sorted by name. Entries of one place end up together, in rising precedence, and the last is kept.
    let (folders, count) = folder_ranks(&entries);
    let mut starts = vec![0usize; count + 1];
    for &folder in &folders {
        starts[folder as usize + 1] += 1;
    }
    for n in 1..starts.len() {
        starts[n] += starts[n - 1];
    }
    let mut order = vec![0u128; entries.len()];
    let mut next = starts.clone();
    // In index order, so each folder's positions are too.
    for ((&folder, (at, _)), n) in folders.iter().zip(&entries).zip(0..) {
        let slot = &mut next[folder as usize];
        order[*slot] = position(&at.key, n);
        *slot += 1;
    }
    let name = |n: u32| entries[n as usize].0.key.as_str();
    let mut winners: Vec<u32> = Vec::with_capacity(order.len());
    for folder in starts.windows(2) {
        let places = &mut order[folder[0]..folder[1]];
        sort_by_name(places, name);
        let mut previous: Option<u128> = None;
        for &at in places.iter() {
            match (previous, winners.last_mut()) {
                (Some(before), Some(kept)) if same_head(at, before) && name(*kept) == name(index(at)) => {
                    *kept = index(at);
                }
                _ => winners.push(index(at)),
            }
            previous = Some(at);
        }
    }
    keep_in_order(&mut entries, &winners);
    entries
}

/// Moves the items at `order` (indices, each once) to the front in that order, in place, and drops
/// the others: a copy of a large answer would touch as many fresh pages again, each a page fault.
fn keep_in_order<T>(items: &mut Vec<T>, order: &[u32]) {
    // Where each item goes: its place in `order`, else one after those kept.
    let mut to = vec![u32::MAX; items.len()];
    for (n, &at) in (0..).zip(order) {
        to[at as usize] = n;
    }
    for (next, place) in (order.len() as u32..).zip(to.iter_mut().filter(|place| **place == u32::MAX)) {
        *place = next;
    }
    // Each swap puts one item where it goes: at most one swap an item.
    for n in 0..items.len() {
        while to[n] as usize != n {
            let other = to[n] as usize;
            items.swap(n, other);
            to.swap(n, other);
        }
    }
    items.truncate(order.len());
}

/// An entry's position to sort: the first [`HEAD_BYTES`] bytes of its name as a big-endian integer,
/// zero-padded, over its index. Plain integer order is then name order, up to a tie between names
/// that share those bytes (or differ only by trailing NULs), and index order within a tie.
fn position(name: &str, index: u32) -> u128 {
    let mut bytes = [0u8; 16];
    // A fixed-size copy for the usual name: no call to `memcpy` for a few bytes.
    match name.as_bytes().first_chunk::<HEAD_BYTES>() {
        Some(head) => bytes[..HEAD_BYTES].copy_from_slice(head),
        None => bytes[..name.len()].copy_from_slice(name.as_bytes()),
    }
    bytes[HEAD_BYTES..].copy_from_slice(&index.to_be_bytes());
    u128::from_be_bytes(bytes)
}

/// How much of a name a position holds: the rest of its 16 bytes is the index.
const HEAD_BYTES: usize = 12;

fn index(position: u128) -> u32 {
    position as u32
}

fn same_head(a: u128, b: u128) -> bool {
    (a ^ b) >> 32 == 0
}

/// Sorts positions by name, then index. Most comparisons are of integers; only names whose heads tie
/// are compared in full.
fn sort_by_name<'a>(positions: &mut [u128], name: impl Fn(u32) -> &'a str) {
    // The stable sort finds runs already in order (names often arrive partly sorted).
    positions.sort();
    for run in positions.chunk_by_mut(|a, b| same_head(*a, *b)).filter(|run| run.len() > 1) {
        // Stable: equal names stay in index order.
        run.sort_by(|a, b| name(index(*a)).cmp(name(index(*b))));
    }
}

/// Each entry's folder as its rank among the entries' distinct folders, in folder order, and how many
/// there are.
///
/// Answers interleave their folders but hold few: each folder is looked up among those seen so far
/// (the previous entry's first), and only past [`FEW_FOLDERS`] through a hash map.
fn folder_ranks<S>(entries: &[(SecretPath, S)]) -> (Vec<u32>, usize) {
    const FEW_FOLDERS: usize = 32;
    const TAIL: usize = 14;
    // Each folder with its last bytes and length as one integer: sibling folders differ there, so a
    // lookup compares integers, and whole paths only once they match and are longer than that.
    let tail = |folder: &str| {
        let mut bytes = [0u8; 16];
        match folder.as_bytes().last_chunk::<TAIL>() {
            Some(last) => bytes[..TAIL].copy_from_slice(last),
            None => bytes[..folder.len()].copy_from_slice(folder.as_bytes()),
        }
        bytes[TAIL..].copy_from_slice(&(folder.len() as u16).to_le_bytes());
        u128::from_le_bytes(bytes)
    };
    let same = |a: &(u128, &str), b: &(u128, &str)| a.0 == b.0 && (a.1.len() <= TAIL || a.1 == b.1);
    let mut distinct: Vec<(u128, &str)> = Vec::new();
    let mut many: Option<std::collections::HashMap<&str, u32>> = None;
    let mut ids: Vec<u32> = Vec::with_capacity(entries.len());
    let mut last = 0u32;
    for (at, _) in entries {
        let folder = (tail(&at.folder), at.folder.as_str());
        let id = if distinct.get(last as usize).is_some_and(|d| same(d, &folder)) {
            last
        } else if let Some(index) = &mut many {
            let next = distinct.len() as u32;
            let id = *index.entry(folder.1).or_insert(next);
            if id == next {
                distinct.push(folder);
            }
            id
        } else if let Some(found) = distinct.iter().position(|d| same(d, &folder)) {
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
    (ids.into_iter().map(|id| rank[id as usize]).collect(), distinct.len())
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
fn sorted_without_overlap<V, O>(mut layer: Vec<(String, V, O)>) -> Result<Vec<(String, V, O)>, Conflict<O>> {
    let mut positions: Vec<u128> = layer.iter().zip(0..).map(|((key, _, _), n)| position(key, n)).collect();
    // Equal keys keep the layer's order.
    sort_by_name(&mut positions, |n| layer[n as usize].0.as_str());
    let order: Vec<u32> = positions.into_iter().map(index).collect();
    let key = |at: u32| layer[at as usize].0.as_str();
    let mut conflict: Option<(u32, u32)> = None;
    let mut prefixes: Vec<u32> = Vec::new();
    for &at in &order {
        while prefixes.last().is_some_and(|&p| !key(at).starts_with(key(p))) {
            prefixes.pop();
        }
        for &p in &prefixes {
            let rest = &key(at)[key(p).len()..];
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
    if let Some((first, second)) = conflict {
        // `first` is the smaller index: removing `second` first leaves it in place.
        let (key, _, second) = layer.swap_remove(second as usize);
        let (_, _, first) = layer.swap_remove(first as usize);
        return Err(Conflict { key, first, second });
    }
    keep_in_order(&mut layer, &order);
    Ok(layer)
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

    #[test]
    fn keeping_in_order_moves_the_kept_and_drops_the_rest() {
        for order in [vec![], vec![4, 0, 2], vec![5, 4, 3, 2, 1, 0], vec![1, 2, 3, 4, 5, 0], vec![3]] {
            let mut items: Vec<String> = (0..6).map(|n| n.to_string()).collect();
            keep_in_order(&mut items, &order);
            let expected: Vec<String> = order.iter().map(|n| n.to_string()).collect();
            assert_eq!(items, expected);
        }
    }

    #[derive(Clone, Debug, PartialEq)]
    struct S {
        name: String,
        folder: Option<String>,
        personal: bool,
        tag: usize,
    }

    impl Merge for S {
        type Kept = S;
        fn take_name(&mut self) -> String {
            self.name.clone()
        }
        fn take_folder(&mut self) -> Option<String> {
            self.folder.clone()
        }
        fn personal(&self) -> bool {
            self.personal
        }
        fn kept(self) -> S {
            self
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

    /// Short names, and names that share their first 12 bytes or differ only by trailing NULs: the
    /// merge sorts by those bytes first, then by whole names.
    const NAMES: &str = "[ab]|LONG_SHARED_HEAD_[ab]{0,2}|a\\x00{0,17}";

    /// Short folders, and long ones that differ only before their last 14 bytes: the merge tells
    /// folders apart by those bytes and the length first, then by whole paths.
    const FOLDERS: &str = "/|/x|/x/|/[ab]/folders_sharing_their_tail";

    proptest! {
        /// The sorted merge keeps, at every place, the secret the one-insert-at-a-time rules keep.
        #[test]
        fn merge_agrees_with_the_rules_one_insert_at_a_time(
            own in proptest::collection::vec((NAMES, proptest::option::of(FOLDERS), any::<bool>()), 0..8),
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

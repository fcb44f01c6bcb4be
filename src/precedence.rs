//! The precedence of secrets: own over imported, a later import over an earlier one, a personal
//! override over the shared secret. Written once, for the public merge and for the loaders.

use std::collections::BTreeMap;

use crate::resources::normalize_path;
use crate::resources::secrets::{Secret, SecretPath, SecretType};

/// What the precedence merge needs to know of a secret.
pub(crate) trait Merge {
    fn name(&self) -> &str;
    fn folder(&self) -> Option<&str>;
    fn personal(&self) -> bool;
}

impl Merge for Secret {
    fn name(&self) -> &str {
        &self.key
    }
    fn folder(&self) -> Option<&str> {
        self.path.as_deref()
    }
    fn personal(&self) -> bool {
        self.kind == SecretType::Personal
    }
}

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

//! Folder paths as the server writes them.

/// Normalises a folder path as the server does: leading `/`, no trailing `/`, `/` for the root.
pub(crate) fn normalize_path(path: &str) -> String {
    let trimmed = path.trim().trim_matches('/');
    if trimmed.is_empty() { "/".to_owned() } else { format!("/{trimmed}") }
}

/// [`normalize_path`] of an owned path, kept as it is (no copy) when it is normal already, as the
/// paths in a server's answer are.
pub(crate) fn into_normal_path(path: String) -> String {
    let normal = path == "/"
        || (path.starts_with('/')
            && !path.starts_with("//")
            && !path.ends_with(|c: char| c == '/' || c.is_whitespace()));
    if normal { path } else { normalize_path(&path) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The shortcut for paths already normal agrees with the normalisation for any path.
        #[test]
        fn an_owned_path_normalises_as_a_borrowed_one(path in "[ /a\t\u{a0}]{0,6}") {
            prop_assert_eq!(into_normal_path(path.clone()), normalize_path(&path));
        }
    }
}

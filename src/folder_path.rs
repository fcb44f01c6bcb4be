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
        || (path.starts_with('/') && !path.ends_with('/') && !path.starts_with("//") && path.trim() == path);
    if normal { path } else { normalize_path(&path) }
}

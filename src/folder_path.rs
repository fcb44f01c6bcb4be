//! Folder paths as the server writes them.

/// Normalises a folder path as the server does: leading `/`, no trailing `/`, `/` for the root.
pub(crate) fn normalize_path(path: &str) -> String {
    let trimmed = path.trim().trim_matches('/');
    if trimmed.is_empty() { "/".to_owned() } else { format!("/{trimmed}") }
}

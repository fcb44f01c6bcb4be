//! The layers of ARCHITECTURE.md, checked in the source: the lower layers import nothing from the
//! layers above them (the cloud logins once imported `client/` to build their HTTP client while
//! `client/` imported `auth/`).

use std::path::{Path, PathBuf};

/// `crate::` paths of a layer's files, outside comments (doc links may point anywhere).
fn imports(path: &Path, found: &mut Vec<(PathBuf, String)>) {
    if path.is_dir() {
        for entry in std::fs::read_dir(path).unwrap() {
            imports(&entry.unwrap().path(), found);
        }
        return;
    }
    let text = std::fs::read_to_string(path).unwrap();
    for line in text.lines().filter(|l| !l.trim_start().starts_with("//")) {
        let line = line.split(" //").next().unwrap_or(line);
        for (at, _) in line.match_indices("crate::") {
            let name: String =
                line[at + "crate::".len()..].chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            found.push((path.to_owned(), name));
        }
    }
}

/// Fails naming every import of `forbidden` from the files of `layer`.
fn assert_imports_none(layer: &[&str], forbidden: &[&str]) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = Vec::new();
    for part in layer {
        imports(&src.join(part), &mut found);
    }
    let wrong: Vec<String> = found
        .iter()
        .filter(|(_, name)| forbidden.contains(&name.as_str()))
        .map(|(path, name)| format!("{} imports crate::{name}", path.display()))
        .collect();
    assert!(wrong.is_empty(), "imports from a layer above:\n{}", wrong.join("\n"));
}

/// What sits above `auth/`: the client and everything built on it.
const ABOVE_AUTH: &[&str] = &[
    "client",
    "blocking",
    "Client",
    "ClientBuilder",
    "resources",
    "pipeline",
    "cache",
    "figment",
    "Infisical",
    "env_loader",
    "EnvLoader",
    "testing",
];

#[test]
fn auth_imports_nothing_from_the_client_or_above() {
    assert_imports_none(&["auth"], ABOVE_AUTH);
}

#[test]
fn transport_imports_nothing_from_auth_or_above() {
    let mut above = ABOVE_AUTH.to_vec();
    above.push("auth");
    assert_imports_none(&["transport"], &above);
}

#[test]
fn the_leaves_import_no_layer() {
    let mut above = ABOVE_AUTH.to_vec();
    above.extend(["auth", "transport"]);
    assert_imports_none(
        &["site.rs", "env_source.rs", "routes", "project_file.rs", "local_file.rs", "folder_path.rs"],
        &above,
    );
}

/// The cache keeps sealed bytes and knows nothing of what a load is: the pipeline owns `Stored` and
/// its encoding, and depends on the cache, never the other way (issue 28's second circle).
#[test]
fn the_cache_imports_nothing_from_the_pipeline_or_the_loaders() {
    assert_imports_none(
        &["cache"],
        &["pipeline", "figment", "Infisical", "env_loader", "EnvLoader", "resources", "client", "Client", "blocking"],
    );
}

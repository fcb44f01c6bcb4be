//! The load pipeline every loader goes through (the figment provider, the env loader, the `config`
//! source, the watcher): one list request per folder (recursive ones included), each answer merged
//! with the precedence `infisical run` uses ([`SecretList::into_map`]); revalidation against the
//! previous load; the cache; and the report of where each layer came from.
//!
//! The pipeline owns what a load is ([`Stored`]) and its encoding; the cache (`crate::cache`) keeps
//! sealed bytes per target and knows nothing of it. So the two depend one way: the pipeline on the cache.

use secrecy::SecretString;

use crate::auth::Credentials;
use crate::error::{Error, Result};
use crate::report::Origin;
use crate::resources::folders::ListFolders;
use crate::resources::imports::ImportTarget;
use crate::resources::secrets::values::{Importers, ValueList};
use crate::resources::secrets::{ListSecrets, SecretPath};

use crate::resources::{Conditional, ProjectRef, normalize_path};

#[cfg(feature = "cache")]
mod cached;
mod loaded;
mod stored;
use crate::{Client, ClientBuilder, EnvSource};
#[cfg(feature = "figment")]
pub(crate) use loaded::Measure;
pub(crate) use loaded::{Loaded, counted};
pub(crate) use stored::Stored;
use stored::StoredLayer;
#[cfg(feature = "fuzzing")]
pub(crate) use stored::fuzz as fuzz_stored;

/// What to load: the options shared by the figment provider and the env loader.
#[derive(Clone, Debug)]
pub(crate) struct Query {
    pub(crate) paths: Vec<String>,
    pub(crate) recursive: bool,
    pub(crate) include_imports: bool,
    pub(crate) expand_references: bool,
    pub(crate) tags: Vec<String>,
    /// The last-known-good cache, when the loader has one.
    #[cfg(feature = "cache")]
    pub(crate) cache: Option<crate::cache::Cache>,
}

impl Default for Query {
    fn default() -> Self {
        Query {
            paths: vec!["/".into()],
            recursive: false,
            include_imports: true,
            expand_references: true,
            tags: Vec::new(),
            #[cfg(feature = "cache")]
            cache: None,
        }
    }
}

/// The secrets of one listed folder, merged (own over imported, later import over earlier).
#[derive(Clone, Debug)]
pub(crate) struct Layer {
    /// The folder listed (the figment provider nests keys relative to it).
    pub(crate) path: String,
    /// Sorted by place, each place once.
    pub(crate) secrets: Vec<(SecretPath, SecretString)>,
}

impl Query {
    /// The layers of `environment`, one per folder in the order given (a later layer takes precedence,
    /// as a later `--path` does for `infisical run`), with where each came from: the one entry of every
    /// loader.
    ///
    /// `previous` is the last load of this target a caller holds (a watcher's last poll): each list
    /// sends the folder's `ETag` as `If-None-Match`, and a `304` reuses that folder. Without it, the
    /// cache (when the loader has one) is the reference, may answer first by choice, and stands in for
    /// an unreachable server as its policy says (see [`crate::cache`]); with it, a failure is the
    /// caller's to handle (a watcher keeps what it has). `env` is where the cache's key and folder
    /// are read from.
    pub(crate) async fn load(
        &self,
        client: &Client,
        project: &ProjectRef,
        environment: &str,
        env: &EnvSource,
        previous: Option<&Stored>,
    ) -> Result<Loaded> {
        use tracing::Instrument;
        // What is loaded, never a value: the target's names, as a report has them.
        let span = tracing::debug_span!(
            "infisical.load",
            site = %client.site().as_str().trim_end_matches('/'),
            project = %project,
            environment,
            paths = ?self.paths,
            recursive = self.recursive,
        );
        async {
            #[cfg(feature = "cache")]
            if let Some(cache) = &self.cache {
                return cached::load(self, cache, client, project, environment, env, previous).await;
            }
            let _ = env;
            self.fetch(client, project, environment, previous).await
        }
        .instrument(span)
        .await
    }

    /// Every folder asked of Infisical, revalidated against `previous` when given.
    async fn fetch(
        &self,
        client: &Client,
        project: &ProjectRef,
        environment: &str,
        previous: Option<&Stored>,
    ) -> Result<Loaded> {
        let mut loaded = Loaded::default();
        for (n, path) in self.paths.iter().enumerate() {
            let path = normalize_path(path);
            let req = ListSecrets::new(project.clone(), environment)
                .path(path.as_str())
                .recursive(self.recursive)
                .include_imports(self.include_imports)
                .expand_references(self.expand_references)
                .tags(self.tags.iter().cloned());
            let kept = previous.and_then(|p| p.layers.get(n)).filter(|l| l.layer.path == path && l.etag.is_some());
            let etag = kept.and_then(|l| l.etag.as_deref());
            let answer = client.secrets().list_as_if_modified::<ValueList>(&req, etag).await?;
            let (layer, origin) = match (answer, kept) {
                (Conditional::Modified((list, etag)), _) => {
                    // The answer does not say which sub-folder imports what: ask, only when it matters.
                    let importers = if self.recursive && list.has_imports() {
                        // Boxed: its requests would make every load's future larger, and it is moved.
                        Box::pin(importers(client, project, environment, &path)).await?
                    } else {
                        Importers::new()
                    };
                    let layer = Layer { secrets: list.into_map(&path, &importers), path };
                    (StoredLayer { layer, etag }, Origin::Network)
                }
                (Conditional::NotModified, Some(kept)) => (kept.clone(), Origin::Revalidated),
                // A 304 without a tag sent is an error before this.
                (Conditional::NotModified, None) => {
                    return Err(Error::invalid("etag", "a 304 answered a list that sent no tag"));
                }
            };
            loaded.push(environment, layer, origin);
        }
        Ok(loaded)
    }

    #[cfg(feature = "cache")]
    /// The text that names what this query loads of `project`/`environment` on `site`: what a cache
    /// file is bound to.
    pub(crate) fn target(&self, site: &str, project: &ProjectRef, environment: &str) -> String {
        let paths: Vec<String> = self.paths.iter().map(|p| normalize_path(p)).collect();
        format!(
            "infisical-config cache v1\nsite={site}\nproject={project}\nenvironment={environment}\npaths={}\n\
             recursive={}\nimports={}\nexpand={}\ntags={}",
            paths.join(","),
            self.recursive,
            self.include_imports,
            self.expand_references,
            self.tags.join(",")
        )
    }

    /// One report of nothing per folder of `environment`, for a load that provided nothing.
    #[cfg(any(feature = "cache", feature = "figment"))]
    pub(crate) fn nothing(&self, environment: &str, reason: &str) -> Vec<crate::report::LayerReport> {
        let nothing = || Origin::Nothing { reason: reason.to_owned() };
        self.paths
            .iter()
            .map(|p| crate::report::LayerReport::new(environment, &normalize_path(p), nothing(), None, 0))
            .collect()
    }
}

/// Which folder under `listed` (itself included) imports what, in walk order: one folder listing and
/// one import listing per folder, made only for recursive answers that hold imports.
async fn importers(client: &Client, project: &ProjectRef, environment: &str, listed: &str) -> Result<Importers> {
    let nested = ListFolders::new(project.clone(), environment).path(listed).recursive(true);
    let mut folders = vec![listed.to_owned()];
    for f in client.folders().list(&nested).await? {
        let relative = f.relative_path.unwrap_or_else(|| format!("/{}", f.name));
        folders.push(normalize_path(&format!("{listed}/{relative}")));
    }
    let mut found = Importers::new();
    for folder in folders {
        let target = ImportTarget::new(project.clone(), environment).path(folder.as_str());
        for import in client.imports().list(&target).await? {
            let source_env = import.import_env.map(|e| e.slug).unwrap_or_default();
            found.push((folder.clone(), source_env, normalize_path(&import.import_path)));
        }
    }
    Ok(found)
}

/// The project, environment and folder the loaders use when the caller names none
/// ([`ProjectDefaults`](crate::project_file::ProjectDefaults)); a missing project or a broken
/// `.infisical.json` is kept as the reason, reported when loading.
pub(crate) fn target_from_env(env: &EnvSource) -> (std::result::Result<ProjectRef, String>, String, String) {
    match crate::project_file::ProjectDefaults::resolve(env) {
        Ok(d) => (
            d.project
                .map(ProjectRef::from)
                .ok_or_else(|| "no project: set INFISICAL_PROJECT_ID, or run `infisical init`".to_owned()),
            d.environment,
            d.path,
        ),
        Err(e) => (Err(e.to_string()), "dev".into(), "/".into()),
    }
}

/// What a load names, written alike by every loader (figment's metadata, [`Error::Load`]):
/// `infisical://host:port/project/environments/folders`, e.g. `infisical://eu.infisical.com:443/app/prod/,/api`.
/// It builds no client and reads no file: the site is `site` (a given client's), else one the
/// environment names, else `default` (the one the default chain will choose).
pub(crate) fn describe_target(
    site: Option<&reqwest::Url>,
    env: &EnvSource,
    project: Option<&ProjectRef>,
    environments: &[&str],
    paths: &[String],
) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(64);
    out.push_str("infisical://");
    match site {
        Some(site) => push_host(&mut out, site),
        None => {
            match crate::site::site_from(None, env).and_then(|(raw, from)| crate::site::parse_site(&raw, &from).ok()) {
                Some((site, _)) => push_host(&mut out, &site),
                None => out.push_str("default"),
            }
        }
    }
    let _ = match project {
        Some(project) => write!(out, "/{project}/"),
        None => write!(out, "/(no project)/"),
    };
    for (n, environment) in environments.iter().enumerate() {
        if n > 0 {
            out.push(',');
        }
        out.push_str(environment);
    }
    for (n, path) in paths.iter().enumerate() {
        if n > 0 {
            out.push(',');
        }
        out.push_str(&normalize_path(path));
    }
    out
}

/// `host:port` of `site`.
fn push_host(out: &mut String, site: &reqwest::Url) {
    use std::fmt::Write;
    let _ = write!(out, "{}:{}", site.host_str().unwrap_or("?"), site.port_or_known_default().unwrap_or(0));
}

/// `error` within the load of `target` ([`Error::Load`]); an error that already names its load is
/// returned as it is.
pub(crate) fn in_load(error: Error, target: impl FnOnce() -> String) -> Error {
    match error {
        Error::Load { .. } => error,
        error => Error::Load { target: target(), error: Box::new(error) },
    }
}

/// The client builder the loaders use when not given a client: their environment, and their explicit
/// credentials first in the chain.
pub(crate) fn own_client(env: &EnvSource, credentials: Option<&Credentials>) -> ClientBuilder {
    let builder = ClientBuilder::default().env_source(env.clone());
    match credentials {
        Some(c) => builder.credentials(c.clone()),
        None => builder,
    }
}

/// The setters every loader shares (the figment provider, the env loader): what to load ([`Query`]),
/// and the credentials and environment its own client is built from. Each loader may add docs (its
/// examples) to each setter: `loader_setters! { credentials: /// ... env_source: ... tags: ... }`.
macro_rules! loader_setters {
    () => {
        crate::pipeline::loader_setters! {
            credentials: env_source: cache: path: paths: recursive: include_imports: expand_references: tags:
        }
    };
    (
        credentials: $(#[$credentials:meta])*
        env_source: $(#[$env_source:meta])*
        cache: $(#[$cache:meta])*
        path: $(#[$path:meta])*
        paths: $(#[$paths:meta])*
        recursive: $(#[$recursive:meta])*
        include_imports: $(#[$include_imports:meta])*
        expand_references: $(#[$expand_references:meta])*
        tags: $(#[$tags:meta])*
    ) => {
        /// Authenticates with these credentials (first in the default chain) when building its own
        /// client.
        $(#[$credentials])*
        pub fn credentials(mut self, credentials: crate::auth::Credentials) -> Self {
            self.credentials = Some(credentials);
            self
        }

        /// Reads credentials and the site from this environment when building its own client (tests
        /// use it to stay away from the process's).
        $(#[$env_source])*
        pub fn env_source(mut self, env: crate::EnvSource) -> Self {
            self.env = env;
            self
        }

        /// Keeps the last good load in this encrypted cache, revalidates with it, and serves it as its
        /// [`OnFailure`](crate::cache::OnFailure) says when Infisical cannot be reached (feature `cache`).
        #[cfg(feature = "cache")]
        #[cfg_attr(docsrs, doc(cfg(feature = "cache")))]
        $(#[$cache])*
        pub fn cache(mut self, cache: crate::cache::Cache) -> Self {
            self.query.cache = Some(cache);
            self
        }

        /// Loads this folder (default `/`). Replaces the folders given so far.
        $(#[$path])*
        pub fn path(mut self, path: impl Into<String>) -> Self {
            self.query.paths = vec![path.into()];
            self
        }

        /// Loads these folders, in order; a secret in a later folder wins over one of the same name in
        /// an earlier folder, as with `infisical run --path a --path b`.
        $(#[$paths])*
        pub fn paths<I, S>(mut self, paths: I) -> Self
        where
            I: IntoIterator<Item = S>,
            S: Into<String>,
        {
            self.query.paths = paths.into_iter().map(Into::into).collect();
            self
        }

        /// Includes sub-folders (default false). Still one request per folder given.
        $(#[$recursive])*
        pub fn recursive(mut self, yes: bool) -> Self {
            self.query.recursive = yes;
            self
        }

        /// Includes imported secrets (default true); the folder's own secrets win over them.
        $(#[$include_imports])*
        pub fn include_imports(mut self, yes: bool) -> Self {
            self.query.include_imports = yes;
            self
        }

        /// Expands `${...}` references server-side (default true).
        $(#[$expand_references])*
        pub fn expand_references(mut self, yes: bool) -> Self {
            self.query.expand_references = yes;
            self
        }

        /// Only secrets carrying all these tags (slugs).
        $(#[$tags])*
        pub fn tags<I, S>(mut self, slugs: I) -> Self
        where
            I: IntoIterator<Item = S>,
            S: Into<String>,
        {
            self.query.tags = slugs.into_iter().map(Into::into).collect();
            self
        }
    };
}
pub(crate) use loader_setters;

#[cfg(all(test, feature = "cache"))]
mod tests {
    use super::*;

    /// The cache's warnings read this text back (`cache::not_used::describe`, whose test holds it too).
    #[test]
    fn a_target_names_all_a_load_depends_on() {
        let query = Query { paths: vec!["/".into(), "db/".into()], ..Query::default() };
        assert_eq!(
            query.target("https://app.infisical.com", &ProjectRef::from("my-app"), "prod"),
            "infisical-config cache v1\nsite=https://app.infisical.com\nproject=my-app\nenvironment=prod\n\
             paths=/,/db\nrecursive=false\nimports=true\nexpand=true\ntags="
        );
    }
}

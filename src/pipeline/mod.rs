//! Fetching one environment's secrets over one or several folders: what the figment provider and the
//! env loader both do. One list request per folder (recursive ones included); each answer is merged
//! with the precedence `infisical run` uses ([`SecretList::into_map`]).

use secrecy::SecretString;

use crate::auth::Credentials;
use crate::error::{Error, Result};
use crate::resources::folders::ListFolders;
use crate::resources::imports::ImportTarget;
use crate::resources::secrets::values::{Importers, ValueList};
use crate::resources::secrets::{ListSecrets, SecretPath};

use crate::resources::{Conditional, ProjectRef, normalize_path};

#[cfg(feature = "cache")]
mod cached;
mod stored;
use crate::{Client, ClientBuilder, EnvSource};
pub(crate) use stored::Stored;
#[cfg(any(feature = "cache", feature = "watch"))]
pub(crate) use stored::StoredLayer;

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

/// What a fetch brought: one layer per folder and each list answer's `ETag`, and whether every folder
/// was answered `304` (nothing changed since the previous load given).
#[derive(Debug)]
pub(crate) struct Fetched {
    pub(crate) layers: Vec<Layer>,
    pub(crate) etags: Vec<Option<String>>,
    pub(crate) unchanged: bool,
}

impl Query {
    /// One layer per folder, in the order given: a later layer takes precedence, as a later `--path`
    /// does for `infisical run`.
    ///
    /// With `previous` (the last load of this target, from a cache or a watcher), each list sends the
    /// folder's `ETag` as `If-None-Match`, and a `304` reuses that folder as it was: no body, and no
    /// further request for it.
    pub(crate) async fn fetch(
        &self,
        client: &Client,
        project: &ProjectRef,
        environment: &str,
        previous: Option<&Stored>,
    ) -> Result<Fetched> {
        let mut fetched = Fetched { layers: Vec::new(), etags: Vec::new(), unchanged: true };
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
            let (list, etag) = match (answer, kept) {
                (Conditional::Modified(answer), _) => answer,
                (Conditional::NotModified, Some(kept)) => {
                    fetched.layers.push(kept.layer.clone());
                    fetched.etags.push(kept.etag.clone());
                    continue;
                }
                // A 304 without a tag sent is an error before this.
                (Conditional::NotModified, None) => {
                    return Err(Error::invalid("etag", "a 304 answered a list that sent no tag"));
                }
            };
            fetched.unchanged = false;
            // The answer does not say which sub-folder imports what: ask, only when it matters.
            let importers = if self.recursive && list.has_imports() {
                importers(client, project, environment, &path).await?
            } else {
                Importers::new()
            };
            fetched.layers.push(Layer { secrets: list.into_map(&path, &importers), path });
            fetched.etags.push(etag);
        }
        Ok(fetched)
    }

    /// The layers of `environment`: fetched, or through the cache when the loader has one (see
    /// [`crate::cache`]). `env` is where the cache's key and folder are read from.
    pub(crate) async fn load(
        &self,
        client: &Client,
        project: &ProjectRef,
        environment: &str,
        env: &EnvSource,
    ) -> Result<Vec<Layer>> {
        #[cfg(feature = "cache")]
        if let Some(cache) = &self.cache {
            return cached::load(self, cache, client, project, environment, env).await;
        }
        let _ = env;
        Ok(self.fetch(client, project, environment, None).await?.layers)
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
    let site = site.cloned().or_else(|| {
        let (raw, from) = crate::site::site_from(None, env)?;
        crate::site::parse_site(&raw, &from).ok().map(|(site, _)| site)
    });
    let host = site.map_or_else(
        || "default".to_owned(),
        |s| format!("{}:{}", s.host_str().unwrap_or("?"), s.port_or_known_default().unwrap_or(0)),
    );
    let project = project.map_or_else(|| "(no project)".to_owned(), ToString::to_string);
    let paths = paths.iter().map(|p| normalize_path(p)).collect::<Vec<_>>().join(",");
    format!("infisical://{host}/{project}/{}{paths}", environments.join(","))
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
/// and the credentials and environment its own client is built from.
macro_rules! loader_setters {
    () => {
        /// Authenticates with these credentials (first in the default chain) when building its own
        /// client.
        pub fn credentials(mut self, credentials: crate::auth::Credentials) -> Self {
            self.credentials = Some(credentials);
            self
        }

        /// Reads credentials and the site from this environment when building its own client (tests
        /// use it to stay away from the process's).
        pub fn env_source(mut self, env: crate::EnvSource) -> Self {
            self.env = env;
            self
        }

        /// Keeps the last good load in this encrypted cache, revalidates with it, and serves it as its
        /// [`OnFailure`](crate::cache::OnFailure) says when Infisical cannot be reached (feature `cache`).
        #[cfg(feature = "cache")]
        #[cfg_attr(docsrs, doc(cfg(feature = "cache")))]
        pub fn cache(mut self, cache: crate::cache::Cache) -> Self {
            self.query.cache = Some(cache);
            self
        }

        /// Loads this folder (default `/`). Replaces the folders given so far.
        pub fn path(mut self, path: impl Into<String>) -> Self {
            self.query.paths = vec![path.into()];
            self
        }

        /// Loads these folders, in order; a secret in a later folder wins over one of the same name in
        /// an earlier folder, as with `infisical run --path a --path b`.
        pub fn paths<I, S>(mut self, paths: I) -> Self
        where
            I: IntoIterator<Item = S>,
            S: Into<String>,
        {
            self.query.paths = paths.into_iter().map(Into::into).collect();
            self
        }

        /// Includes sub-folders (default false). Still one request per folder given.
        pub fn recursive(mut self, yes: bool) -> Self {
            self.query.recursive = yes;
            self
        }

        /// Includes imported secrets (default true); the folder's own secrets win over them.
        pub fn include_imports(mut self, yes: bool) -> Self {
            self.query.include_imports = yes;
            self
        }

        /// Expands `${...}` references server-side (default true).
        pub fn expand_references(mut self, yes: bool) -> Self {
            self.query.expand_references = yes;
            self
        }

        /// Only secrets carrying all these tags (slugs).
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

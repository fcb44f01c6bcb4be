//! The project file the Infisical CLI writes (`.infisical.json`), and the defaults it gives: which
//! project, environment, folder and site to use when the caller names none.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::EnvSource;
use crate::error::{Error, Result};
use crate::folder_path::normalize_path;

/// The file's name.
pub const PROJECT_FILE: &str = ".infisical.json";

/// `.infisical.json`, as `infisical init` writes it.
///
/// ```
/// use infisical_config::project_file::ProjectFile;
///
/// let file = ProjectFile::parse(
///     r#"{"workspaceId": "p-1", "defaultEnvironment": "", "gitBranchToEnvironmentMapping": {"main": "prod"}}"#,
///     ".infisical.json",
/// )?;
/// assert_eq!(file.environment_for(Some("main")).as_deref(), Some("prod"));
/// assert_eq!(file.environment_for(Some("feature")), None); // no default: the caller falls back to `dev`
/// # Ok::<(), infisical_config::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ProjectFile {
    /// Where the file is.
    pub path: PathBuf,
    /// The project id (`workspaceId`).
    pub project_id: Option<String>,
    /// The default environment (`defaultEnvironment`; empty when `infisical init` wrote it).
    pub default_environment: Option<String>,
    /// Git branch → environment (`gitBranchToEnvironmentMapping`).
    pub branch_environments: BTreeMap<String, String>,
    /// The default folder (`defaultSecretPath`).
    pub default_secret_path: Option<String>,
    /// A self-hosted site (`domain`), when it is an http(s) URL.
    pub domain: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Raw {
    workspace_id: Option<String>,
    default_environment: Option<String>,
    git_branch_to_environment_mapping: Option<BTreeMap<String, String>>,
    default_secret_path: Option<String>,
    domain: Option<String>,
}

fn non_empty(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

impl ProjectFile {
    /// Parses the file's text; `path` names it in errors.
    ///
    /// ```
    /// use infisical_config::project_file::ProjectFile;
    ///
    /// let file = ProjectFile::parse(r#"{"workspaceId": "p-1", "defaultSecretPath": "/api"}"#, ".infisical.json")?;
    /// assert_eq!((file.project_id.as_deref(), file.default_secret_path.as_deref()), (Some("p-1"), Some("/api")));
    ///
    /// let err = ProjectFile::parse(r#"{"workspaceId": 5}"#, "/app/.infisical.json").unwrap_err();
    /// assert!(err.to_string().contains("/app/.infisical.json") && err.to_string().contains("workspaceId"), "{err}");
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::File`] naming the file and the field at fault.
    pub fn parse(text: &str, path: impl Into<PathBuf>) -> Result<Self> {
        let path = path.into();
        let de = &mut serde_json::Deserializer::from_str(text);
        let raw: Raw = serde_path_to_error::deserialize(de).map_err(|e| Error::File {
            what: "project file",
            path: path.display().to_string(),
            reason: crate::error::safe_decode_detail(&e),
            source: None,
        })?;
        let domain = non_empty(raw.domain).and_then(|d| {
            if d.starts_with("http://") || d.starts_with("https://") {
                Some(d)
            } else {
                tracing::warn!(file = %path.display(), "ignoring `domain`: it must start with http:// or https://");
                None
            }
        });
        Ok(ProjectFile {
            project_id: non_empty(raw.workspace_id),
            default_environment: non_empty(raw.default_environment),
            branch_environments: raw.git_branch_to_environment_mapping.unwrap_or_default(),
            default_secret_path: non_empty(raw.default_secret_path),
            domain,
            path,
        })
    }

    /// Reads and parses a file.
    ///
    /// ```
    /// use infisical_config::project_file::ProjectFile;
    /// # let dir = tempfile::tempdir().unwrap();
    ///
    /// let path = dir.path().join(".infisical.json");
    /// std::fs::write(&path, r#"{"workspaceId": "p-1", "defaultEnvironment": "staging"}"#).unwrap();
    /// let file = ProjectFile::load(&path)?;
    /// assert_eq!((file.project_id.as_deref(), file.path.as_path()), (Some("p-1"), path.as_path()));
    ///
    /// let err = ProjectFile::load(&dir.path().join("missing.json")).unwrap_err();
    /// assert!(err.to_string().contains("missing.json"), "{err}");
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::File`] when it cannot be read or parsed.
    pub fn load(path: &Path) -> Result<Self> {
        let file_error = |reason: String, source: Option<Box<dyn std::error::Error + Send + Sync>>| Error::File {
            what: "project file",
            path: path.display().to_string(),
            reason,
            source,
        };
        let bytes = crate::local_file::read(path).map_err(|e| file_error(e.to_string(), Some(Box::new(e))))?;
        let text = String::from_utf8(bytes).map_err(|_| file_error("is not UTF-8".into(), None))?;
        Self::parse(&text, path)
    }

    /// Finds `.infisical.json` in the environment's current directory or the nearest parent holding one.
    ///
    /// ```
    /// use infisical_config::EnvSource;
    /// use infisical_config::project_file::ProjectFile;
    /// # let dir = tempfile::tempdir().unwrap();
    ///
    /// std::fs::write(dir.path().join(".infisical.json"), r#"{"workspaceId": "p-1"}"#).unwrap();
    /// let service = dir.path().join("services/api");
    /// std::fs::create_dir_all(&service).unwrap();
    ///
    /// let env = EnvSource::from_pairs([("HOME", "/nowhere")]).with_current_dir(&service);
    /// let file = ProjectFile::discover(&env)?.expect("found in a parent");
    /// assert_eq!(file.project_id.as_deref(), Some("p-1"));
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::File`] when the file found cannot be read or parsed.
    pub fn discover(env: &EnvSource) -> Result<Option<Self>> {
        let Some(start) = env.current_dir() else { return Ok(None) };
        match start.ancestors().map(|d| d.join(PROJECT_FILE)).find(|p| p.exists()) {
            Some(path) => {
                // A project file may choose where credentials are sent: one another user could have
                // planted (in /tmp, a shared parent, ...) is refused, as ssh refuses such a config.
                if let Some(reason) = crate::local_file::untrusted(&path) {
                    return Err(Error::File {
                        what: "project file",
                        path: path.display().to_string(),
                        reason: format!("refused: {reason}"),
                        source: None,
                    });
                }
                Self::load(&path).map(Some)
            }
            None => Ok(None),
        }
    }

    /// The environment for a git branch: the branch's mapping, else the default environment.
    ///
    /// ```
    /// use infisical_config::project_file::ProjectFile;
    ///
    /// let file = ProjectFile::parse(
    ///     r#"{"defaultEnvironment": "dev", "gitBranchToEnvironmentMapping": {"main": "prod"}}"#,
    ///     ".infisical.json",
    /// )?;
    /// assert_eq!(file.environment_for(Some("main")).as_deref(), Some("prod"));
    /// assert_eq!(file.environment_for(Some("feature/x")).as_deref(), Some("dev"));
    /// assert_eq!(file.environment_for(None).as_deref(), Some("dev")); // no branch: a detached head
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    #[must_use]
    pub fn environment_for(&self, branch: Option<&str>) -> Option<String> {
        branch.and_then(|b| self.branch_environments.get(b)).cloned().or_else(|| self.default_environment.clone())
    }
}

/// The git branch checked out in `dir` or its nearest parent repository, read from `.git/HEAD` (no
/// `git` process). `None` for a detached head or no repository.
#[must_use]
pub(crate) fn git_branch(dir: &Path) -> Option<String> {
    let dot_git = dir.ancestors().map(|d| d.join(".git")).find(|p| p.exists())?;
    let git_dir = if dot_git.is_file() {
        // A worktree or submodule: `.git` is a file saying `gitdir: <path>`.
        let text = std::fs::read_to_string(&dot_git).ok()?;
        let target = PathBuf::from(text.strip_prefix("gitdir:")?.trim());
        if target.is_absolute() { target } else { dot_git.parent()?.join(target) }
    } else {
        dot_git
    };
    let head = std::fs::read_to_string(git_dir.join("HEAD")).ok()?;
    head.trim().strip_prefix("ref: refs/heads/").map(str::to_owned)
}

/// Which project, environment, folder and site to use when the caller names none, and where each came
/// from: `INFISICAL_PROJECT_ID`, `INFISICAL_ENVIRONMENT` and `INFISICAL_SECRET_PATH` first, then
/// `.infisical.json` (its branch mapping, then its default environment), then `dev` and `/`.
///
/// ```
/// use infisical_config::project_file::ProjectDefaults;
/// use infisical_config::EnvSource;
///
/// let env = EnvSource::from_pairs([("INFISICAL_PROJECT_ID", "p-1"), ("INFISICAL_SECRET_PATH", "/app")]);
/// let defaults = ProjectDefaults::resolve(&env)?;
/// assert_eq!(defaults.project.as_deref(), Some("p-1"));
/// assert_eq!((defaults.environment.as_str(), defaults.path.as_str()), ("dev", "/app"));
/// # Ok::<(), infisical_config::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ProjectDefaults {
    /// The project id, if anything names one.
    pub project: Option<String>,
    /// The environment slug.
    pub environment: String,
    /// The folder.
    pub path: String,
    /// The site from `.infisical.json`, if it names one.
    pub site: Option<String>,
    /// The project file used, if any.
    pub file: Option<PathBuf>,
}

impl ProjectDefaults {
    /// Resolves the defaults from this environment (and its current directory).
    ///
    /// ```
    /// use infisical_config::EnvSource;
    /// use infisical_config::project_file::ProjectDefaults;
    /// # let dir = tempfile::tempdir().unwrap();
    ///
    /// std::fs::write(dir.path().join(".infisical.json"), r#"{"workspaceId": "p-1", "defaultEnvironment": "staging"}"#)
    ///     .unwrap();
    /// // The variables win over the file; the file over the defaults (`dev`, `/`).
    /// let env = EnvSource::from_pairs([("INFISICAL_ENVIRONMENT", "prod")]).with_current_dir(dir.path());
    /// let defaults = ProjectDefaults::resolve(&env)?;
    /// assert_eq!(defaults.project.as_deref(), Some("p-1"));
    /// assert_eq!((defaults.environment.as_str(), defaults.path.as_str()), ("prod", "/"));
    /// assert_eq!(defaults.file, Some(dir.path().join(".infisical.json")));
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::File`] when a `.infisical.json` is found but cannot be parsed.
    pub fn resolve(env: &EnvSource) -> Result<Self> {
        let file = ProjectFile::discover(env)?;
        let branch = file.as_ref().and_then(|f| f.path.parent().and_then(git_branch));
        let environment = env
            .non_empty("INFISICAL_ENVIRONMENT")
            .or_else(|| file.as_ref().and_then(|f| f.environment_for(branch.as_deref())))
            .unwrap_or_else(|| "dev".to_owned());
        let path = env
            .non_empty("INFISICAL_SECRET_PATH")
            .or_else(|| file.as_ref().and_then(|f| f.default_secret_path.clone()))
            .map_or_else(|| "/".to_owned(), |p| normalize_path(&p));
        Ok(ProjectDefaults {
            project: env.non_empty("INFISICAL_PROJECT_ID").or_else(|| file.as_ref().and_then(|f| f.project_id.clone())),
            environment,
            path,
            site: file.as_ref().and_then(|f| f.domain.clone()),
            file: file.map(|f| f.path),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn parser_never_panics(text in "\\PC{0,300}") {
            let _ = ProjectFile::parse(&text, "x");
        }

        #[test]
        fn parser_survives_json_shapes(s in r#"\{("(workspaceId|defaultEnvironment|gitBranchToEnvironmentMapping|defaultSecretPath|domain)":("[^"]{0,10}"|[0-9]{1,3}|null|\{("[a-z]{1,5}":"[a-z]{0,5}",?){0,3}\}|\[\]),?){0,6}\}"#) {
            let _ = ProjectFile::parse(&s, "x");
        }
    }

    #[test]
    fn errors_name_the_file_and_field() {
        let err = ProjectFile::parse(r#"{"workspaceId": 5}"#, "/work/.infisical.json").unwrap_err().to_string();
        assert!(err.contains("/work/.infisical.json") && err.contains("`workspaceId`"), "{err}");
        let err = ProjectFile::parse("{", "/w/.infisical.json").unwrap_err().to_string();
        assert!(err.contains("not valid JSON"), "{err}");
    }

    #[test]
    fn domain_must_be_a_url() {
        assert_eq!(ProjectFile::parse(r#"{"domain": "infisical.local"}"#, "x").unwrap().domain, None);
        assert_eq!(
            ProjectFile::parse(r#"{"domain": "https://i.local"}"#, "x").unwrap().domain.as_deref(),
            Some("https://i.local")
        );
    }
}

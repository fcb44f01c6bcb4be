//! Why the cache is not read or written, and what to do about it: the two halves of every warning.

use std::path::Path;

use super::CacheKey;
use super::file::Unusable;
use crate::local_file::LocalFileError;

/// Why the cache is not read or written, and what to do about it.
#[derive(Debug)]
pub(crate) struct NotUsed {
    pub(super) reason: String,
    pub(super) fix: String,
}

/// What follows every cache file's reason: the next load replaces the file.
const REPLACED: &str = "it will be replaced after the next successful load";

impl NotUsed {
    pub(super) fn file(err: LocalFileError) -> Self {
        use LocalFileError as E;
        let fix = match &err {
            E::TooLarge(_) => format!("{REPLACED}; a client with a larger max_response_bytes may have written it"),
            E::NotRegular => "remove it: a cache file is written there after the next successful load".into(),
            E::Io(_) => format!("check its permissions; {REPLACED}"),
            E::Symlink | E::Untrusted(_) => format!("{REPLACED}; if you did not put it there, find out who did"),
        };
        let reason = match err {
            E::Io(e) => format!("it cannot be read: {e}"),
            E::TooLarge(bound) => format!(
                "it is larger than {bound} bytes, the most a load of this target can take (the client's response \
                 cap times the target's folders, and 1 MiB)"
            ),
            E::NotRegular => "it is not a regular file".into(),
            E::Symlink => "it is a symbolic link".into(),
            E::Untrusted(why) => why,
        };
        NotUsed { reason, fix }
    }

    pub(super) fn content(why: Unusable, key: &CacheKey) -> Self {
        use Unusable as U;
        let fix = match why {
            U::OtherKey => format!("the key changed (is {} the key that wrote it?); {REPLACED}", key.source()),
            U::OtherTarget => format!("{REPLACED}; if you did not copy it there, find out who did"),
            U::Truncated | U::Tampered => {
                format!("{REPLACED}; if nothing but this crate writes there, find out what changed it")
            }
            U::Foreign => format!("{REPLACED}; if it is not the cache's, choose another folder with Cache::dir"),
            U::Content => format!("{REPLACED} (was it written by another version of infisical-config?)"),
        };
        NotUsed { reason: why.to_string(), fix }
    }
}

/// The folder, if no one else can change what is in it (see the module's documentation).
pub(super) fn checked_folder(dir: &Path) -> Result<(), NotUsed> {
    match crate::local_file::untrusted_dir(dir) {
        None => Ok(()),
        Some(why) => Err(NotUsed {
            reason: format!("the cache folder {} is not safe: {why}", dir.display()),
            fix: "make it the current user's and writable by them only (chmod 700), in folders only root or \
                  they can write (or sticky ones, as /tmp), or choose another with Cache::dir"
                .into(),
        }),
    }
}

/// What `target` loads, for a warning: its environment, project and folders, from the text
/// [`Query::target`](crate::pipeline::Query::target) makes.
pub(super) fn describe(target: &str) -> String {
    let field = |name: &str| target.lines().find_map(|l| l.strip_prefix(name)?.strip_prefix('=')).unwrap_or("?");
    format!("environment `{}` of project `{}`, folders `{}`", field("environment"), field("project"), field("paths"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text is the one `pipeline::Query::target` makes (its test holds the same text).
    #[test]
    fn a_load_is_described_from_its_target() {
        let target = "infisical-config cache v1\nsite=https://app.infisical.com\nproject=my-app\nenvironment=prod\n\
                      paths=/,/db\nrecursive=false\nimports=true\nexpand=true\ntags=";
        assert_eq!(describe(target), "environment `prod` of project `my-app`, folders `/,/db`");
    }
}

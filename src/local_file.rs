//! Reading the small local files the crate trusts (the project file, the CLI's config and file vault,
//! CA bundles, the cache's files): regular files only, with a size limit, so a FIFO cannot hang a build,
//! a link to `/dev/zero` cannot grow without bound, and a planted giant file cannot cost its size in
//! memory; and the trust checks, in the manner of ssh, for files and folders others could have planted.

use std::io::Read;
use std::path::Path;

/// The largest local file read: these are a few KiB; a CA bundle is well under a MiB.
pub(crate) const MAX_BYTES: u64 = 4 * 1024 * 1024;

/// Why a local file was not read.
#[derive(Debug, thiserror::Error)]
pub(crate) enum LocalFileError {
    #[error("cannot be read")]
    Io(#[from] std::io::Error),
    #[error("is not a regular file")]
    NotRegular,
    #[error("is a symbolic link")]
    Symlink,
    #[error("is larger than {0} bytes")]
    TooLarge(u64),
    /// Owned by another user, or writable by others: the reason.
    #[error("{0}")]
    Untrusted(String),
}

impl LocalFileError {
    pub(crate) fn is_not_found(&self) -> bool {
        matches!(self, LocalFileError::Io(e) if e.kind() == std::io::ErrorKind::NotFound)
    }
}

/// Reads `path` if it is a regular file of at most [`MAX_BYTES`].
pub(crate) fn read(path: &Path) -> Result<Vec<u8>, LocalFileError> {
    // Look before opening, so a device is not even opened (opening one may act on it).
    if !std::fs::metadata(path)?.is_file() {
        return Err(LocalFileError::NotRegular);
    }
    read_opened(open(path, false)?, MAX_BYTES, false)
}

/// Reads `path` if it is a regular file of the effective user that no one else can write, of at most
/// `max_bytes`; a symbolic link is refused, not followed. Opened once, without blocking, and checked on
/// what was opened: nothing can be swapped in between the check and the read. For files the crate
/// wrote itself, in a folder it checked ([`untrusted_dir`]).
#[cfg(feature = "cache")]
pub(crate) fn read_own(path: &Path, max_bytes: u64) -> Result<Vec<u8>, LocalFileError> {
    read_opened(open(path, true)?, max_bytes, true)
}

fn read_opened(file: std::fs::File, max_bytes: u64, own: bool) -> Result<Vec<u8>, LocalFileError> {
    // Checked on what was opened, in case the path was swapped since it was looked at.
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(LocalFileError::NotRegular);
    }
    #[cfg(unix)]
    if own && let Some(reason) = unix::untrusted_meta(&meta, unix::Owner::Me, false) {
        return Err(LocalFileError::Untrusted(reason));
    }
    #[cfg(not(unix))]
    let _ = own;
    if meta.len() > max_bytes {
        return Err(LocalFileError::TooLarge(max_bytes));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // At most one byte more than allowed, in case it grows while read.
    file.take(max_bytes.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max_bytes {
        return Err(LocalFileError::TooLarge(max_bytes));
    }
    Ok(bytes)
}

#[cfg(unix)]
fn open(path: &Path, no_links: bool) -> Result<std::fs::File, LocalFileError> {
    use rustix::fs::OFlags;
    use std::os::unix::fs::OpenOptionsExt;
    // Non-blocking, so a FIFO (or a path swapped for one after a look) cannot hang us: opening one for
    // reading would wait for a writer.
    let flags = if no_links { OFlags::NONBLOCK | OFlags::NOFOLLOW } else { OFlags::NONBLOCK };
    std::fs::OpenOptions::new().read(true).custom_flags(flags.bits() as i32).open(path).map_err(|e| {
        if no_links && e.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error()) {
            LocalFileError::Symlink
        } else {
            LocalFileError::Io(e)
        }
    })
}

/// Elsewhere a link is refused by a look before the open (racy: there is no `O_NOFOLLOW` in std).
#[cfg(not(unix))]
fn open(path: &Path, no_links: bool) -> Result<std::fs::File, LocalFileError> {
    if no_links && std::fs::symlink_metadata(path)?.file_type().is_symlink() {
        return Err(LocalFileError::Symlink);
    }
    Ok(std::fs::File::open(path)?)
}

/// Why a file that chooses where credentials go is not trusted: owned by another user (root aside), or
/// writable by others (as ssh refuses such a config). `None` when it may be trusted.
#[cfg(unix)]
pub(crate) fn untrusted(path: &Path) -> Option<String> {
    let meta = std::fs::metadata(path).ok()?;
    unix::untrusted_meta(&meta, unix::Owner::MeOrRoot, false)
}

#[cfg(not(unix))]
pub(crate) fn untrusted(_path: &Path) -> Option<String> {
    None
}

/// Why the folder `dir` may not hold files the crate trusts (the cache's), or `None` when it may. Checked
/// as the kernel walks the path, so that no one but the effective user (and root) can replace, add or
/// remove what is read there:
/// - every folder the walk passes through, from `/` (the current folder's own path first, for a relative
///   one) and through the targets of links, belongs to root or the effective user and is writable by no
///   one else, unless it has the sticky bit (as `/tmp`: others may add files there, not replace ours);
/// - every symbolic link on the way belongs to root or the effective user (in a sticky folder, a link
///   of another user would choose our folder for us);
/// - the folder itself (links resolved) belongs to the effective user and is writable by no one else.
///
/// ssh checks the same of the path to its files (`safe_path`), without the sticky exception and stopping
/// at the home folder; this goes up to `/`. A link to a good folder is accepted, as ssh accepts it.
/// Elsewhere than on unix nothing is checked (Windows ACLs are not read).
#[cfg(feature = "cache")]
#[cfg(unix)]
pub(crate) fn untrusted_dir(dir: &Path) -> Option<String> {
    unix::untrusted_dir(dir).err()
}

#[cfg(feature = "cache")]
#[cfg(not(unix))]
pub(crate) fn untrusted_dir(_dir: &Path) -> Option<String> {
    None
}

#[cfg(unix)]
mod unix {
    use std::fs::Metadata;
    use std::os::unix::fs::MetadataExt;
    #[cfg(feature = "cache")]
    use {
        std::ffi::OsString,
        std::path::{Component, Path, PathBuf},
    };

    /// Who may own what is trusted.
    #[derive(Clone, Copy)]
    pub(super) enum Owner {
        Me,
        MeOrRoot,
    }

    /// Why a file or folder with `meta` is not trusted: its owner, or others can write to it (a sticky
    /// folder aside when `sticky` allows it).
    pub(super) fn untrusted_meta(meta: &Metadata, owner: Owner, sticky: bool) -> Option<String> {
        if let Some(why) = foreign(meta, owner) {
            return Some(why);
        }
        let sticky_folder = sticky && meta.is_dir() && meta.mode() & 0o1000 != 0;
        if meta.mode() & 0o022 != 0 && !sticky_folder {
            return Some(format!("others can write to it (mode {:o})", meta.mode() & 0o7777));
        }
        None
    }

    /// Why what has `meta` is not trusted for its owner.
    fn foreign(meta: &Metadata, owner: Owner) -> Option<String> {
        let me = rustix::process::geteuid().as_raw();
        if meta.uid() == me || (matches!(owner, Owner::MeOrRoot) && meta.uid() == 0) {
            return None;
        }
        let expected = match owner {
            Owner::Me => format!("the current user ({me})"),
            Owner::MeOrRoot => format!("root or the current user ({me})"),
        };
        Some(format!("it is owned by user {}, not by {expected}", meta.uid()))
    }

    /// One step of a walk: the root, a parent, or a name.
    #[cfg(feature = "cache")]
    enum Step {
        Root,
        Parent,
        Name(OsString),
    }

    #[cfg(feature = "cache")]
    fn steps(path: &Path) -> impl DoubleEndedIterator<Item = Step> + '_ {
        path.components().filter_map(|c| match c {
            Component::RootDir => Some(Step::Root),
            Component::ParentDir => Some(Step::Parent),
            Component::Normal(name) => Some(Step::Name(name.to_owned())),
            Component::CurDir | Component::Prefix(_) => None,
        })
    }

    /// The most links followed, as Linux's limit.
    #[cfg(feature = "cache")]
    const MAX_LINKS: usize = 40;

    #[cfg(feature = "cache")]
    pub(super) fn untrusted_dir(dir: &Path) -> Result<(), String> {
        let failed = |at: &Path, e: std::io::Error| format!("{} cannot be checked: {e}", at.display());
        let absolute = std::path::absolute(dir).map_err(|e| failed(dir, e))?;
        // What is left to walk, the next step last; `real` is where the walk is, links resolved.
        let mut pending: Vec<Step> = steps(&absolute).rev().collect();
        let mut real = PathBuf::from("/");
        let mut links = 0;
        while let Some(step) = pending.pop() {
            let name = match step {
                Step::Root => {
                    real = PathBuf::from("/");
                    continue;
                }
                Step::Parent => {
                    real.pop();
                    continue;
                }
                Step::Name(name) => name,
            };
            // Whoever can write the folder `real` can replace what `name` is.
            let meta = std::fs::metadata(&real).map_err(|e| failed(&real, e))?;
            if let Some(why) = untrusted_meta(&meta, Owner::MeOrRoot, true) {
                return Err(format!("{}, on the way to it: {why}", real.display()));
            }
            let next = real.join(&name);
            let meta = std::fs::symlink_metadata(&next).map_err(|e| failed(&next, e))?;
            if !meta.file_type().is_symlink() {
                real = next;
                continue;
            }
            links += 1;
            if links > MAX_LINKS {
                return Err(format!("{} leads through more than {MAX_LINKS} links", dir.display()));
            }
            // A link's own mode means nothing: only who owns it (and the folder holding it) can change it.
            if let Some(why) = foreign(&meta, Owner::MeOrRoot) {
                return Err(format!("{}, a link on the way to it: {why}", next.display()));
            }
            let target = std::fs::read_link(&next).map_err(|e| failed(&next, e))?;
            pending.extend(steps(&target).rev());
        }
        let meta = std::fs::metadata(&real).map_err(|e| failed(&real, e))?;
        if !meta.is_dir() {
            return Err(format!("{} is not a folder", real.display()));
        }
        match untrusted_meta(&meta, Owner::Me, false) {
            Some(why) if links == 0 => Err(why),
            Some(why) => Err(format!("{}, where it leads: {why}", real.display())),
            None => Ok(()),
        }
    }
}

/// Warns when a file holding credentials can be read by others.
#[cfg(unix)]
pub(crate) fn warn_if_readable_by_others(path: &Path, what: &str) {
    use std::os::unix::fs::MetadataExt;
    if let Ok(meta) = std::fs::metadata(path)
        && meta.mode() & 0o044 != 0
    {
        tracing::warn!(file = %path.display(), mode = format!("{:o}", meta.mode() & 0o777), "the {what} can be read by other users; it should be mode 600");
    }
}

#[cfg(not(unix))]
pub(crate) fn warn_if_readable_by_others(_path: &Path, _what: &str) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_small_regular_files_are_read() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(read(dir.path()), Err(LocalFileError::NotRegular | LocalFileError::Io(_))));
        let big = dir.path().join("big");
        std::fs::File::create(&big).unwrap().set_len(MAX_BYTES + 1).unwrap();
        assert!(matches!(read(&big), Err(LocalFileError::TooLarge(MAX_BYTES))));
        let small = dir.path().join("small");
        std::fs::write(&small, b"{}").unwrap();
        assert_eq!(read(&small).unwrap(), b"{}");
        assert!(read(&dir.path().join("missing")).unwrap_err().is_not_found());
        #[cfg(unix)]
        assert!(matches!(read(Path::new("/dev/zero")), Err(LocalFileError::NotRegular)));
    }

    #[cfg(all(unix, feature = "cache"))]
    fn chmod(path: &Path, mode: u32) {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    }

    #[cfg(all(unix, feature = "cache"))]
    fn mkfifo(path: &Path) {
        rustix::fs::mknodat(rustix::fs::CWD, path, rustix::fs::FileType::Fifo, rustix::fs::Mode::RWXU, 0).unwrap();
    }

    #[cfg(all(unix, feature = "cache"))]
    #[test]
    fn an_own_file_is_read_only_when_regular_ours_and_within_its_size() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("good");
        std::fs::write(&good, b"0123456789").unwrap();
        chmod(&good, 0o600);
        assert_eq!(read_own(&good, 10).unwrap(), b"0123456789");
        assert!(matches!(read_own(&good, 9), Err(LocalFileError::TooLarge(9))));

        let link = dir.path().join("link");
        symlink(&good, &link).unwrap();
        assert!(matches!(read_own(&link, 100), Err(LocalFileError::Symlink)), "a link is not followed");
        let zero = dir.path().join("zero");
        symlink("/dev/zero", &zero).unwrap();
        assert!(matches!(read_own(&zero, 100), Err(LocalFileError::Symlink)));
        let fifo = dir.path().join("fifo");
        mkfifo(&fifo);
        assert!(matches!(read_own(&fifo, 100), Err(LocalFileError::NotRegular)), "opened without waiting");

        chmod(&good, 0o620);
        let Err(LocalFileError::Untrusted(why)) = read_own(&good, 100) else { panic!("a file others can write") };
        assert!(why.contains("others can write to it (mode 620)"), "{why}");
        assert!(read_own(&dir.path().join("missing"), 100).unwrap_err().is_not_found());
    }

    /// A path swapped between a FIFO and a regular file as fast as it can be: each read still ends at
    /// once, as it opens without blocking and checks what it opened. (Looking first and then opening by
    /// path, as the cache did, a read that sees the file and opens the FIFO waits for a writer forever:
    /// that hung within these 50,000 reads in each of four runs.)
    #[cfg(all(unix, feature = "cache"))]
    #[test]
    fn a_path_swapped_for_a_fifo_never_hangs_a_read() {
        use std::sync::atomic::{AtomicBool, Ordering};
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("swapped");
        let (file, fifo) = (dir.path().join("file"), dir.path().join("fifo"));
        let done = std::sync::Arc::new(AtomicBool::new(false));
        let swapper = {
            let (done, path, file, fifo) = (done.clone(), path.clone(), file.clone(), fifo.clone());
            std::thread::spawn(move || {
                while !done.load(Ordering::Relaxed) {
                    std::fs::write(&file, b"data").unwrap();
                    std::fs::rename(&file, &path).unwrap();
                    mkfifo(&fifo);
                    std::fs::rename(&fifo, &path).unwrap();
                }
            })
        };
        let (tx, rx) = std::sync::mpsc::channel();
        let reader = {
            let path = path.clone();
            std::thread::spawn(move || {
                let mut seen = [0usize; 2];
                for _ in 0..50_000 {
                    match read_own(&path, 100) {
                        Ok(bytes) => {
                            assert_eq!(bytes, b"data");
                            seen[0] += 1;
                        }
                        Err(LocalFileError::NotRegular) => seen[1] += 1,
                        Err(e) if e.is_not_found() => {}
                        Err(e) => panic!("{e:?}"),
                    }
                }
                tx.send(seen).unwrap();
            })
        };
        let seen = rx.recv_timeout(std::time::Duration::from_secs(30));
        done.store(true, Ordering::Relaxed);
        let seen = seen.expect("a read hung on the FIFO");
        reader.join().unwrap();
        swapper.join().unwrap();
        assert!(seen[1] > 0, "the FIFO was met: {seen:?}");
    }

    #[cfg(all(unix, feature = "cache"))]
    #[test]
    fn a_folder_is_trusted_only_when_no_one_else_can_change_it() {
        use std::os::unix::fs::symlink;
        let top = tempfile::tempdir().unwrap();
        let good = top.path().join("good");
        std::fs::create_dir(&good).unwrap();
        chmod(&good, 0o700);
        assert_eq!(untrusted_dir(&good), None);

        let open = top.path().join("open");
        std::fs::create_dir(&open).unwrap();
        chmod(&open, 0o777);
        let why = untrusted_dir(&open).unwrap();
        assert!(why.contains("others can write to it (mode 777)"), "{why}");
        chmod(&open, 0o1777);
        assert!(untrusted_dir(&open).unwrap().contains("mode 1777"), "the folder itself: no sticky exception");

        // A good folder in a folder others can write: they could swap it.
        let inner = open.join("inner");
        std::fs::create_dir(&inner).unwrap();
        chmod(&inner, 0o700);
        assert_eq!(untrusted_dir(&inner), None, "within a sticky folder (as /tmp)");
        chmod(&open, 0o777);
        let why = untrusted_dir(&inner).unwrap();
        assert!(why.contains(&format!("{}, on the way to it: others can write", open.display())), "{why}");
        // A relative path, up to `/` and down again, walks the current folder's path too.
        let up = std::iter::repeat_n("..", std::env::current_dir().unwrap().components().count());
        let relative = up.collect::<std::path::PathBuf>().join(inner.strip_prefix("/").unwrap());
        let why = untrusted_dir(&relative).unwrap();
        if untrusted_dir(Path::new(".")).is_none() {
            assert!(why.contains(&format!("{}, on the way to it", open.display())), "{why}");
        }

        // A link to a good folder is accepted (as ssh accepts it); a link to a bad one is not.
        let to_good = top.path().join("to-good");
        symlink(&good, &to_good).unwrap();
        assert_eq!(untrusted_dir(&to_good), None);
        let to_open = top.path().join("to-open");
        symlink("open", &to_open).unwrap();
        let why = untrusted_dir(&to_open).unwrap();
        assert!(why.contains(&format!("{}, where it leads: others can write", open.display())), "{why}");
        let through = top.path().join("through");
        symlink(&open, &through).unwrap();
        assert!(untrusted_dir(&through.join("inner")).unwrap().contains("on the way to it"));

        let file = top.path().join("file");
        std::fs::write(&file, b"").unwrap();
        assert!(untrusted_dir(&file).unwrap().contains("is not a folder"));
        let looped = top.path().join("loop");
        symlink("loop", &looped).unwrap();
        assert!(untrusted_dir(&looped).unwrap().contains("more than 40 links"));
        assert!(untrusted_dir(&top.path().join("missing")).unwrap().contains("cannot be checked"));
    }
}

//! Reading the small local files the crate trusts (the project file, the CLI's config and file vault,
//! CA bundles): regular files only, with a size limit, so a FIFO cannot hang a build, a link to
//! `/dev/zero` cannot grow without bound, and a planted giant file cannot cost its size in memory.

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
    #[error("is larger than {MAX_BYTES} bytes")]
    TooLarge,
}

impl LocalFileError {
    pub(crate) fn is_not_found(&self) -> bool {
        matches!(self, LocalFileError::Io(e) if e.kind() == std::io::ErrorKind::NotFound)
    }
}

/// Reads `path` if it is a regular file of at most [`MAX_BYTES`].
pub(crate) fn read(path: &Path) -> Result<Vec<u8>, LocalFileError> {
    // Look before opening: opening a FIFO for reading waits for a writer.
    if !std::fs::metadata(path)?.is_file() {
        return Err(LocalFileError::NotRegular);
    }
    let file = open(path)?;
    // And again on what was opened, in case the path was swapped meanwhile.
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(LocalFileError::NotRegular);
    }
    if meta.len() > MAX_BYTES {
        return Err(LocalFileError::TooLarge);
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(MAX_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_BYTES {
        return Err(LocalFileError::TooLarge);
    }
    Ok(bytes)
}

#[cfg(unix)]
fn open(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    // Non-blocking, so a path swapped for a FIFO between the look and the open cannot hang us either.
    let nonblocking = rustix::fs::OFlags::NONBLOCK.bits() as i32;
    std::fs::OpenOptions::new().read(true).custom_flags(nonblocking).open(path)
}

#[cfg(not(unix))]
fn open(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

/// Why a file that chooses where credentials go is not trusted: owned by another user, or writable by
/// others (as ssh refuses such a config). `None` when it may be trusted.
#[cfg(unix)]
pub(crate) fn untrusted(path: &Path) -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::metadata(path).ok()?;
    let me = rustix::process::geteuid().as_raw();
    if meta.uid() != me && meta.uid() != 0 {
        return Some(format!("it is owned by user {} and not by the current user ({me})", meta.uid()));
    }
    if meta.mode() & 0o022 != 0 {
        return Some(format!("others can write to it (mode {:o})", meta.mode() & 0o777));
    }
    None
}

#[cfg(not(unix))]
pub(crate) fn untrusted(_path: &Path) -> Option<String> {
    None
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
        assert!(matches!(read(&big), Err(LocalFileError::TooLarge)));
        let small = dir.path().join("small");
        std::fs::write(&small, b"{}").unwrap();
        assert_eq!(read(&small).unwrap(), b"{}");
        assert!(read(&dir.path().join("missing")).unwrap_err().is_not_found());
        #[cfg(unix)]
        assert!(matches!(read(Path::new("/dev/zero")), Err(LocalFileError::NotRegular)));
    }
}

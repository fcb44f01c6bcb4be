//! The cache file: its format, its encryption, its size bound, and how it is read and written.
//!
//! ```text
//! magic "ICFGLKG1" | SHA-256 of the target (32) | key id (8) | saved at, Unix seconds, BE (8) | nonce (12)
//! | AES-256-GCM ciphertext and tag of the plaintext
//! ```
//!
//! The plaintext is the pipeline's encoding of a load (`pipeline::Stored`); this file knows only bytes.
//!
//! The header and the target's text are the associated data: a file renamed onto another target's
//! name, or with its time or key id changed, does not open. The key id (a hash of the key) tells a
//! wrong key apart from a tampered file in the warning; it reveals nothing of the key.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aes_gcm::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use secrecy::{ExposeSecret, SecretBox};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::local_file::LocalFileError;

const MAGIC: &[u8; 8] = b"ICFGLKG1";
const HEADER: usize = 8 + 32 + 8 + 8 + 12;
const TAG: usize = 16;
/// What a load's plaintext adds to the answers it came from, for all its folders together: the JSON
/// around them, each folder's path and its answer's `ETag` (see [`max_file_bytes`]).
const FRAMING: u64 = 1024 * 1024;

/// The largest cache file of a target whose answers total at most `answers_cap` bytes (the client's
/// response cap times the target's folders): the header, the tag, and a plaintext no larger than the
/// answers plus [`FRAMING`].
///
/// The plaintext keeps three of the many fields of each secret the answers held (its folder, name and
/// value, escaped as JSON escapes them in the answer), so a load is smaller than its answers: a
/// secret's answer carries its id, version, type, comment, tags and dates besides. Only folder paths
/// far longer than the secrets in them could make it larger; such a load is not written (see
/// [`write`]), so every file this crate writes is read back, and nothing larger is ever read.
pub(super) fn max_file_bytes(answers_cap: u64) -> u64 {
    answers_cap.saturating_add(FRAMING).saturating_add((HEADER + TAG) as u64)
}

fn target_hash(target: &str) -> [u8; 32] {
    Sha256::digest(target.as_bytes()).into()
}

fn key_id(key: &SecretBox<[u8; 32]>) -> [u8; 8] {
    let digest =
        Sha256::new().chain_update(b"infisical-config cache key id\0").chain_update(key.expose_secret()).finalize();
    digest[..8].try_into().expect("a SHA-256 digest holds 8 bytes")
}

/// The file of `target` in `dir`: named by its hash, so the name says nothing of the project.
pub(super) fn path_of(dir: &Path, target: &str) -> PathBuf {
    let hash = target_hash(target);
    let name: String = hash[..16].iter().map(|b| format!("{b:02x}")).collect();
    dir.join(format!("{name}.cache"))
}

/// Encrypts `plain`, saved at `saved_at`, for `target` under `key`.
pub(super) fn seal(
    plain: &[u8],
    saved_at: SystemTime,
    key: &SecretBox<[u8; 32]>,
    target: &str,
) -> Result<Vec<u8>, String> {
    seal_at(plain, saved_at.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs()), key, target)
}

fn seal_at(plain: &[u8], saved_at: u64, key: &SecretBox<[u8; 32]>, target: &str) -> Result<Vec<u8>, String> {
    let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
    let mut out = Vec::with_capacity(HEADER + plain.len() + TAG);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&target_hash(target));
    out.extend_from_slice(&key_id(key));
    out.extend_from_slice(&saved_at.to_be_bytes());
    out.extend_from_slice(&nonce);
    let aad = [&out[..HEADER], target.as_bytes()].concat();
    let cipher = Aes256Gcm::new_from_slice(key.expose_secret()).expect("a 32-byte key");
    let sealed = cipher
        .encrypt(&nonce, Payload { msg: plain, aad: &aad })
        .map_err(|_| "could not encrypt the load".to_owned())?;
    out.extend_from_slice(&sealed);
    Ok(out)
}

/// Why a cache file that was read cannot be used.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Unusable {
    /// Not a cache file of this crate.
    Foreign,
    Truncated,
    /// Written for another target: copied or renamed onto this one's name.
    OtherTarget,
    OtherKey,
    /// It does not authenticate.
    Tampered,
    /// It authenticates, but its content is not a load this version reads.
    Content,
}

impl std::fmt::Display for Unusable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Unusable::Foreign => "it is not a cache file of this crate",
            Unusable::Truncated => "it is truncated",
            Unusable::OtherTarget => {
                "it was written for another target (project, environment, folders or options): copied or renamed there"
            }
            Unusable::OtherKey => "it was written with another key",
            Unusable::Tampered => "it is truncated or was tampered with (it does not authenticate)",
            Unusable::Content => "its content is not a load this version of the crate reads",
        })
    }
}

/// Decrypts a file read for `target`: its plaintext and when it was saved, or why it cannot be used.
pub(super) fn open(
    bytes: &[u8],
    key: &SecretBox<[u8; 32]>,
    target: &str,
) -> Result<(Zeroizing<Vec<u8>>, SystemTime), Unusable> {
    if bytes.len() < MAGIC.len() || &bytes[..MAGIC.len()] != MAGIC {
        return Err(if MAGIC.starts_with(bytes) { Unusable::Truncated } else { Unusable::Foreign });
    }
    if bytes.len() < HEADER + TAG {
        return Err(Unusable::Truncated);
    }
    if bytes[8..40] != target_hash(target) {
        return Err(Unusable::OtherTarget);
    }
    if bytes[40..48] != key_id(key) {
        return Err(Unusable::OtherKey);
    }
    let saved = u64::from_be_bytes(bytes[48..56].try_into().expect("8 bytes"));
    let nonce = Nonce::from_slice(&bytes[56..HEADER]);
    let aad = [&bytes[..HEADER], target.as_bytes()].concat();
    let cipher = Aes256Gcm::new_from_slice(key.expose_secret()).expect("a 32-byte key");
    let plain = Zeroizing::new(
        cipher.decrypt(nonce, Payload { msg: &bytes[HEADER..], aad: &aad }).map_err(|_| Unusable::Tampered)?,
    );
    // A time past what `SystemTime` holds (only a holder of the key can write one) reads as the epoch:
    // too old to serve.
    let saved_at = UNIX_EPOCH.checked_add(Duration::from_secs(saved)).unwrap_or(UNIX_EPOCH);
    Ok((plain, saved_at))
}

/// The bytes of `target`'s file in `dir`, `None` when there is none: a regular file of the effective
/// user that no one else can write, of at most `max_bytes`, opened once without following a link or
/// blocking on a FIFO, and read no further than its size. `dir` is checked by the caller.
pub(super) fn read(path: &Path, max_bytes: u64) -> Result<Option<Vec<u8>>, LocalFileError> {
    match crate::local_file::read_own(path, max_bytes) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

/// Writes `path` atomically: a temporary file beside it, written, synced, renamed over it. Two
/// processes writing at once each rename a whole file; the last one wins. Its folder is made and
/// checked by the caller.
pub(super) fn write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let file_name = path.file_name().and_then(|n| n.to_str()).unwrap_or("cache");
    let temp = dir.join(format!(".{file_name}.{}.{:016x}.tmp", std::process::id(), fastrand::u64(..)));
    let written = (|| {
        let mut file = private_file(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()
    })();
    if let Err(e) = written.and_then(|()| std::fs::rename(&temp, path)) {
        let _ = std::fs::remove_file(&temp);
        return Err(e);
    }
    // The rename is durable once the folder is synced; where a folder cannot be opened, skip it.
    if let Ok(folder) = std::fs::File::open(dir) {
        let _ = folder.sync_all();
    }
    Ok(())
}

/// Makes `dir` and the folders above it that are missing, each 0700 on unix.
#[cfg(unix)]
pub(super) fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir)
}

#[cfg(not(unix))]
pub(super) fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)
}

#[cfg(unix)]
fn private_file(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)
}

#[cfg(not(unix))]
fn private_file(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::OpenOptions::new().write(true).create_new(true).open(path)
}

/// The key kept in the OS keyring under `service`/`account`, made and stored on first use.
#[cfg(feature = "keyring")]
pub(super) fn keyring_key(service: &str, account: &str) -> Result<SecretBox<[u8; 32]>, String> {
    use keyring_core::Error as K;
    if keyring_core::get_default_store().is_none()
        && let Err(e) = keyring::Entry::store_status()
    {
        return Err(format!("no OS keyring for the cache key ({e})"));
    }
    let entry =
        keyring_core::Entry::new(service, account).map_err(|e| format!("the cache key's keyring entry: {e}"))?;
    match entry.get_secret() {
        Ok(bytes) => super::key::key_from_slice(&zeroize::Zeroizing::new(bytes))
            .map_err(|len| format!("the keyring's cache key holds {len} bytes, not 32")),
        Err(K::NoEntry) => {
            let mut made = Aes256Gcm::generate_key(&mut OsRng);
            let kept = entry
                .set_secret(&made)
                .map_err(|e| format!("could not keep a new cache key in the keyring: {e}"))
                .map(|()| super::key::key_from_slice(&made).expect("a 32-byte key"));
            zeroize::Zeroize::zeroize(made.as_mut_slice());
            kept
        }
        Err(e) => Err(format!("the keyring's cache key cannot be read: {e}")),
    }
}

/// The fuzz target's entry (`fuzzing::cache_file`): `bytes` as a cache file, and as a plaintext
/// sealed under the same key and opened again, which must give it back.
#[cfg(feature = "fuzzing")]
pub(crate) fn fuzz(bytes: &[u8]) {
    const TARGET: &str = "infisical-config cache v1\nsite=https://fuzz\nproject=p\nenvironment=dev\npaths=/";
    let key = SecretBox::new(Box::new([0x42; 32]));
    let _ = open(bytes, &key, TARGET);
    let saved = bytes.get(..8).map_or(0, |b| u64::from_be_bytes(b.try_into().expect("8 bytes")));
    let sealed = seal_at(bytes, saved, &key, TARGET).expect("sealing never fails");
    let (plain, _) = open(&sealed, &key, TARGET).expect("what was sealed opens");
    assert_eq!(&plain[..], bytes);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: u8) -> SecretBox<[u8; 32]> {
        SecretBox::new(Box::new([byte; 32]))
    }

    const PLAIN: &[u8] = br#"{"layers":[{"path":"/","etag":"\"e1\"","secrets":[["/","A","value-a"]]}]}"#;

    #[test]
    fn a_sealed_load_opens_only_with_its_key_and_target() {
        let saved_at = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let sealed = seal(PLAIN, saved_at, &key(1), "t1").unwrap();
        let (plain, at) = open(&sealed, &key(1), "t1").unwrap();
        assert_eq!((&plain[..], at), (PLAIN, saved_at));
        assert!(!sealed.windows(7).any(|w| w == b"value-a"), "no value in clear");
        assert_eq!(open(&sealed, &key(2), "t1").unwrap_err(), Unusable::OtherKey);
        assert_eq!(open(&sealed, &key(1), "t2").unwrap_err(), Unusable::OtherTarget);
        assert_eq!(open(&sealed[..sealed.len() - 1], &key(1), "t1").unwrap_err(), Unusable::Tampered);
        assert_eq!(open(&sealed[..20], &key(1), "t1").unwrap_err(), Unusable::Truncated);
        assert_eq!(open(b"ICF", &key(1), "t1").unwrap_err(), Unusable::Truncated);
        assert_eq!(open(b"{\"json\": 1}", &key(1), "t1").unwrap_err(), Unusable::Foreign);
        let mut flipped = sealed.clone();
        *flipped.last_mut().unwrap() ^= 1;
        assert_eq!(open(&flipped, &key(1), "t1").unwrap_err(), Unusable::Tampered);
        // The time is authenticated too.
        let mut older = sealed;
        older[55] ^= 1;
        assert_eq!(open(&older, &key(1), "t1").unwrap_err(), Unusable::Tampered);
    }

    #[test]
    fn any_time_opens() {
        let far = seal_at(b"{}", u64::MAX, &key(1), "t").unwrap();
        assert_eq!(open(&far, &key(1), "t").unwrap().1, UNIX_EPOCH, "past SystemTime: the epoch");
    }

    /// A file is its plaintext and a fixed overhead: a plaintext no larger than the answers (see
    /// `pipeline::stored`'s test) makes a file within the bound.
    #[test]
    fn a_file_adds_only_its_header_and_tag_to_the_plaintext() {
        let sealed = seal(PLAIN, SystemTime::now(), &key(1), "t").unwrap();
        assert_eq!(sealed.len(), PLAIN.len() + HEADER + TAG);
        assert!(sealed.len() as u64 <= max_file_bytes(PLAIN.len() as u64));
        assert_eq!(max_file_bytes(0), FRAMING + (HEADER + TAG) as u64);
        assert_eq!(max_file_bytes(u64::MAX), u64::MAX, "saturates");
    }

    /// The writer keeps the reader's bound: a load that would not fit is not written, so that every file
    /// written is read back.
    #[test]
    fn a_load_larger_than_its_bound_is_not_written() {
        let dir = tempfile::tempdir().unwrap();
        let cache = crate::cache::Cache::new(crate::cache::CacheKey::from([1; 32])).dir(dir.path());
        let env = crate::EnvSource::from_pairs::<_, String, String>([]);
        let big = || Ok(Zeroizing::new(vec![b'v'; FRAMING as usize + 10]));
        let read = |cap| cache.read(&env, "t", cap, |plain, _| Ok(plain.len()));
        cache.write(&env, "t", SystemTime::now(), 0, big);
        assert!(!path_of(dir.path(), "t").exists(), "more than the framing alone allows");
        cache.write(&env, "t", SystemTime::now(), 100, big);
        assert!(path_of(dir.path(), "t").exists(), "within an answer's 100 bytes and the framing");
        assert_eq!(read(100).unwrap(), FRAMING as usize + 10);
        assert!(read(0).is_err(), "and the reader keeps it too");
    }

    #[test]
    fn each_write_uses_a_fresh_nonce() {
        let a = seal(PLAIN, SystemTime::now(), &key(1), "t").unwrap();
        let b = seal(PLAIN, SystemTime::now(), &key(1), "t").unwrap();
        assert_ne!(a[56..HEADER], b[56..HEADER]);
    }
}

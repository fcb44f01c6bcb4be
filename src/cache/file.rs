//! The cache file: its format, its encryption and its atomic write.
//!
//! ```text
//! magic "ICFGLKG1" | SHA-256 of the target (32) | key id (8) | saved at, Unix seconds, BE (8) | nonce (12)
//! | AES-256-GCM ciphertext and tag of the load (JSON)
//! ```
//!
//! The header and the target's text are the associated data: a file renamed onto another target's
//! name, or with its time or key id changed, does not open. The key id (a hash of the key) tells a
//! wrong key apart from a tampered file in the warning; it reveals nothing of the key.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, UNIX_EPOCH};

use aes_gcm::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use secrecy::{ExposeSecret, SecretBox};
use sha2::{Digest, Sha256};

use crate::pipeline::Stored;

const MAGIC: &[u8; 8] = b"ICFGLKG1";
const HEADER: usize = 8 + 32 + 8 + 8 + 12;
/// A cache file larger than this is not read (a load of 100,000 secrets is far smaller).
const MAX_BYTES: u64 = 512 * 1024 * 1024;

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

/// Encrypts `stored` for `target` under `key`.
pub(super) fn seal(stored: &Stored, key: &SecretBox<[u8; 32]>, target: &str) -> Result<Vec<u8>, String> {
    let plain = stored.to_bytes()?;
    let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
    let mut out = Vec::with_capacity(HEADER + plain.len() + 16);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&target_hash(target));
    out.extend_from_slice(&key_id(key));
    out.extend_from_slice(&Stored::seconds(stored.saved_at).to_be_bytes());
    out.extend_from_slice(&nonce);
    let aad = [&out[..HEADER], target.as_bytes()].concat();
    let cipher = Aes256Gcm::new_from_slice(key.expose_secret()).expect("a 32-byte key");
    let sealed = cipher
        .encrypt(&nonce, Payload { msg: &plain, aad: &aad })
        .map_err(|_| "could not encrypt the load".to_owned())?;
    out.extend_from_slice(&sealed);
    Ok(out)
}

/// Decrypts a file read for `target`, or says why it cannot be used.
pub(super) fn open(bytes: &[u8], key: &SecretBox<[u8; 32]>, target: &str) -> Result<Stored, String> {
    if bytes.len() < MAGIC.len() || &bytes[..MAGIC.len()] != MAGIC {
        return Err(if MAGIC.starts_with(bytes) {
            "the cache file is truncated".to_owned()
        } else {
            "the cache file is not one of this crate".to_owned()
        });
    }
    if bytes.len() < HEADER + 16 {
        return Err("the cache file is truncated".into());
    }
    if bytes[8..40] != target_hash(target) {
        return Err("the cache file was written for another target (project, environment, folders or options)".into());
    }
    if bytes[40..48] != key_id(key) {
        return Err("the cache file was written with another key".into());
    }
    let saved = u64::from_be_bytes(bytes[48..56].try_into().expect("8 bytes"));
    let nonce = Nonce::from_slice(&bytes[56..HEADER]);
    let aad = [&bytes[..HEADER], target.as_bytes()].concat();
    let cipher = Aes256Gcm::new_from_slice(key.expose_secret()).expect("a 32-byte key");
    let plain = zeroize::Zeroizing::new(
        cipher
            .decrypt(nonce, Payload { msg: &bytes[HEADER..], aad: &aad })
            .map_err(|_| "the cache file is truncated or was tampered with (it does not authenticate)".to_owned())?,
    );
    Stored::from_bytes(&plain, UNIX_EPOCH + Duration::from_secs(saved))
}

/// The bytes of `target`'s file, `None` when there is none.
pub(super) fn read(dir: &Path, target: &str) -> Result<Option<Vec<u8>>, String> {
    let path = path_of(dir, target);
    let meta = match std::fs::symlink_metadata(&path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            tracing::debug!(file = %path.display(), "no Infisical cache yet");
            return Ok(None);
        }
        Err(e) => return Err(format!("the cache file {} cannot be read: {e}", path.display())),
    };
    if !meta.is_file() || meta.len() > MAX_BYTES {
        return Err(format!("the cache file {} is not a regular file of a sane size", path.display()));
    }
    std::fs::read(&path).map(Some).map_err(|e| format!("the cache file {} cannot be read: {e}", path.display()))
}

/// Writes `target`'s file atomically: a temporary file beside it, written, synced, renamed over it.
/// Two processes writing at once each rename a whole file; the last one wins.
pub(super) fn write(dir: &Path, target: &str, bytes: &[u8]) -> Result<PathBuf, String> {
    let path = path_of(dir, target);
    let fail = |what: &str, e: std::io::Error| format!("{what} {}: {e}", path.display());
    create_private_dir(dir).map_err(|e| format!("could not create the cache folder {}: {e}", dir.display()))?;
    let file_name = path.file_name().and_then(|n| n.to_str()).unwrap_or("cache");
    let temp = dir.join(format!(".{file_name}.{}.{:016x}.tmp", std::process::id(), fastrand::u64(..)));
    let written = (|| {
        let mut file = private_file(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()
    })();
    if let Err(e) = written.and_then(|()| std::fs::rename(&temp, &path)) {
        let _ = std::fs::remove_file(&temp);
        return Err(fail("could not write the cache file", e));
    }
    // The rename is durable once the folder is synced; where a folder cannot be opened, skip it.
    if let Ok(folder) = std::fs::File::open(dir) {
        let _ = folder.sync_all();
    }
    Ok(path)
}

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir)
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
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
        Ok(bytes) => {
            let bytes = zeroize::Zeroizing::new(bytes);
            let key: [u8; 32] =
                bytes.as_slice().try_into().map_err(|_| "the keyring's cache key is not 32 bytes".to_owned())?;
            Ok(SecretBox::new(Box::new(key)))
        }
        Err(K::NoEntry) => {
            let key = Aes256Gcm::generate_key(&mut OsRng);
            entry.set_secret(&key).map_err(|e| format!("could not keep a new cache key in the keyring: {e}"))?;
            let key: [u8; 32] = key.into();
            Ok(SecretBox::new(Box::new(key)))
        }
        Err(e) => Err(format!("the keyring's cache key cannot be read: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::SystemTime;

    fn key(byte: u8) -> SecretBox<[u8; 32]> {
        SecretBox::new(Box::new([byte; 32]))
    }

    fn stored() -> Stored {
        Stored::from_bytes(
            br#"{"layers":[{"path":"/","etag":"\"e1\"","secrets":[["/","A","value-a"]]}]}"#,
            SystemTime::now(),
        )
        .unwrap()
    }

    #[test]
    fn a_sealed_load_opens_only_with_its_key_and_target() {
        let sealed = seal(&stored(), &key(1), "t1").unwrap();
        let opened = open(&sealed, &key(1), "t1").unwrap();
        assert_eq!(opened.layers[0].etag.as_deref(), Some("\"e1\""));
        assert!(!sealed.windows(7).any(|w| w == b"value-a"), "no value in clear");
        assert!(open(&sealed, &key(2), "t1").unwrap_err().contains("another key"));
        assert!(open(&sealed, &key(1), "t2").unwrap_err().contains("another target"));
        assert!(open(&sealed[..sealed.len() - 1], &key(1), "t1").unwrap_err().contains("tampered"));
        assert!(open(&sealed[..20], &key(1), "t1").unwrap_err().contains("truncated"));
        assert!(open(b"ICF", &key(1), "t1").unwrap_err().contains("truncated"));
        assert!(open(b"{\"json\": 1}", &key(1), "t1").unwrap_err().contains("not one of this crate"));
        let mut flipped = sealed.clone();
        *flipped.last_mut().unwrap() ^= 1;
        assert!(open(&flipped, &key(1), "t1").unwrap_err().contains("tampered"));
        // The time is authenticated too.
        let mut older = sealed;
        older[55] ^= 1;
        assert!(open(&older, &key(1), "t1").unwrap_err().contains("tampered"));
    }

    #[test]
    fn each_write_uses_a_fresh_nonce() {
        let a = seal(&stored(), &key(1), "t").unwrap();
        let b = seal(&stored(), &key(1), "t").unwrap();
        assert_ne!(a[56..HEADER], b[56..HEADER]);
    }
}

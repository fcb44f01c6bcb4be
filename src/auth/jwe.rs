//! Decrypting the Infisical CLI's file vault: a JWE in compact form, PBES2-HS256+A128KW key wrapping
//! with A256GCM content encryption (RFC 7516 / 7518), as `jose2go` writes it.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use aes_kw::KekAes128;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;
use sha2::Sha256;
use zeroize::Zeroizing;

const ALG: &str = "PBES2-HS256+A128KW";
const ENC: &str = "A256GCM";

/// The most PBKDF2 iterations accepted: what the CLI's JOSE library accepts. A hostile file with a
/// larger count could stall the process for minutes.
pub(crate) const MAX_P2C: u64 = 1_300_000;

/// Why a vault file could not be decrypted. Carries no secret material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum JweError {
    #[error("not a JWE in compact form ({0})")]
    Malformed(&'static str),
    #[error("unsupported JWE: {0}")]
    Unsupported(String),
    #[error("the PBKDF2 iteration count {0} is outside 1..={MAX_P2C}; refusing to process it")]
    IterationCount(u64),
    #[error("wrong passphrase, or the file was tampered with")]
    Decryption,
}

#[derive(Deserialize)]
struct Header {
    alg: String,
    enc: String,
    p2c: Option<u64>,
    p2s: Option<String>,
    zip: Option<String>,
}

fn b64(part: &str, what: &'static str) -> Result<Vec<u8>, JweError> {
    URL_SAFE_NO_PAD.decode(part.trim_end_matches('=')).map_err(|_| JweError::Malformed(what))
}

/// Decrypts a compact JWE with a passphrase and returns the plaintext.
pub(crate) fn decrypt(compact: &str, passphrase: &[u8]) -> Result<Zeroizing<Vec<u8>>, JweError> {
    let parts: Vec<&str> = compact.trim().split('.').collect();
    let [header_b64, wrapped_b64, iv_b64, ciphertext_b64, tag_b64] = parts.as_slice() else {
        return Err(JweError::Malformed("expected 5 dot-separated parts"));
    };
    let header: Header = serde_json::from_slice(&b64(header_b64, "header is not base64url")?)
        .map_err(|_| JweError::Malformed("header is not JSON"))?;
    if header.alg != ALG || header.enc != ENC {
        return Err(JweError::Unsupported(format!("alg {} / enc {} (expected {ALG} / {ENC})", header.alg, header.enc)));
    }
    if header.zip.is_some() {
        return Err(JweError::Unsupported("compressed payloads".into()));
    }
    let p2c = header.p2c.ok_or(JweError::Malformed("header has no p2c"))?;
    if p2c == 0 || p2c > MAX_P2C {
        return Err(JweError::IterationCount(p2c));
    }
    let p2s = b64(header.p2s.as_deref().ok_or(JweError::Malformed("header has no p2s"))?, "p2s is not base64url")?;
    let wrapped = b64(wrapped_b64, "encrypted key is not base64url")?;
    let iv = b64(iv_b64, "iv is not base64url")?;
    let ciphertext = b64(ciphertext_b64, "ciphertext is not base64url")?;
    let tag = b64(tag_b64, "tag is not base64url")?;
    if iv.len() != 12 || tag.len() != 16 || wrapped.len() != 40 {
        return Err(JweError::Malformed("iv, tag or encrypted key has the wrong length"));
    }

    // RFC 7518 4.8.1.1: salt = alg || 0x00 || p2s.
    let mut salt = Vec::with_capacity(ALG.len() + 1 + p2s.len());
    salt.extend_from_slice(ALG.as_bytes());
    salt.push(0);
    salt.extend_from_slice(&p2s);
    let mut kek = Zeroizing::new([0u8; 16]);
    pbkdf2::pbkdf2_hmac::<Sha256>(
        passphrase,
        &salt,
        u32::try_from(p2c).map_err(|_| JweError::IterationCount(p2c))?,
        &mut *kek,
    );

    let mut cek = Zeroizing::new([0u8; 32]);
    KekAes128::new(&(*kek).into()).unwrap(&wrapped, &mut *cek).map_err(|_| JweError::Decryption)?;

    let cipher = Aes256Gcm::new_from_slice(&*cek).map_err(|_| JweError::Decryption)?;
    let mut sealed = ciphertext;
    sealed.extend_from_slice(&tag);
    // The additional data is the header segment exactly as it appears in the file.
    let plaintext = cipher
        .decrypt(Nonce::from_slice(&iv), Payload { msg: &sealed, aad: header_b64.as_bytes() })
        .map_err(|_| JweError::Decryption)?;
    Ok(Zeroizing::new(plaintext))
}

/// Encrypts as the CLI's JOSE library does (random salt, key and IV); the test kit writes CLI logins
/// with it.
#[cfg(any(test, feature = "testing"))]
pub(crate) fn encrypt(plaintext: &[u8], passphrase: &[u8], p2c: u32) -> String {
    use aes_gcm::aead::OsRng;
    use aes_gcm::aead::rand_core::RngCore;
    let mut p2s = [0u8; 12];
    OsRng.fill_bytes(&mut p2s);
    let header = format!(r#"{{"alg":"{ALG}","enc":"{ENC}","p2c":{p2c},"p2s":"{}"}}"#, URL_SAFE_NO_PAD.encode(p2s));
    let header_b64 = URL_SAFE_NO_PAD.encode(header);
    let mut salt = ALG.as_bytes().to_vec();
    salt.push(0);
    salt.extend_from_slice(&p2s);
    let mut kek = Zeroizing::new([0u8; 16]);
    pbkdf2::pbkdf2_hmac::<Sha256>(passphrase, &salt, p2c, &mut *kek);
    let mut cek = Zeroizing::new([0u8; 32]);
    OsRng.fill_bytes(&mut *cek);
    let mut wrapped = [0u8; 40];
    KekAes128::new(&(*kek).into()).wrap(&*cek, &mut wrapped).expect("a 32-byte key wraps into 40 bytes");
    let mut iv = [0u8; 12];
    OsRng.fill_bytes(&mut iv);
    let sealed = Aes256Gcm::new_from_slice(&*cek)
        .expect("a 32-byte key")
        .encrypt(Nonce::from_slice(&iv), Payload { msg: plaintext, aad: header_b64.as_bytes() })
        .expect("AES-GCM encryption does not fail on a slice");
    let (ct, tag) = sealed.split_at(sealed.len() - 16);
    [
        header_b64,
        URL_SAFE_NO_PAD.encode(wrapped),
        URL_SAFE_NO_PAD.encode(iv),
        URL_SAFE_NO_PAD.encode(ct),
        URL_SAFE_NO_PAD.encode(tag),
    ]
    .join(".")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_the_cli_wrote() {
        // Written by an independent implementation (Python jwcrypto), passphrase as the CLI stores it.
        let compact = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/cli-login-example/home/infisical-keyring/someone@example.org"
        ))
        .unwrap();
        let plain = decrypt(&compact, b"c2VjcmV0LXBhc3M=").unwrap();
        assert!(String::from_utf8_lossy(&plain).starts_with('"'), "a JSON string");
    }

    #[test]
    fn round_trip() {
        let jwe = encrypt(b"hello", b"pass", 1000);
        assert_eq!(&*decrypt(&jwe, b"pass").unwrap(), b"hello");
    }

    #[test]
    fn wrong_passphrase_and_tampering_fail_cleanly() {
        let jwe = encrypt(b"hello", b"pass", 1000);
        assert_eq!(decrypt(&jwe, b"other"), Err(JweError::Decryption));
        let mut parts: Vec<String> = jwe.split('.').map(str::to_owned).collect();
        let mut ct = URL_SAFE_NO_PAD.decode(&parts[3]).unwrap();
        ct[0] ^= 1;
        parts[3] = URL_SAFE_NO_PAD.encode(ct);
        assert_eq!(decrypt(&parts.join("."), b"pass"), Err(JweError::Decryption));
        // Changing the header changes the additional data, so it fails too.
        let header = String::from_utf8(URL_SAFE_NO_PAD.decode(&parts[0]).unwrap()).unwrap().replace("1000", "1001");
        let mut parts: Vec<String> = jwe.split('.').map(str::to_owned).collect();
        parts[0] = URL_SAFE_NO_PAD.encode(header);
        assert_eq!(decrypt(&parts.join("."), b"pass"), Err(JweError::Decryption));
    }

    #[test]
    fn truncated_and_hostile_inputs_are_errors() {
        let jwe = encrypt(b"hello", b"pass", 1000);
        for cut in [0, 10, jwe.len() / 2, jwe.len() - 3] {
            assert!(decrypt(&jwe[..cut], b"pass").is_err(), "cut at {cut}");
        }
        // A hostile iteration count is refused before any key derivation, so it costs nothing.
        let started = std::time::Instant::now();
        for p2c in [MAX_P2C + 1, 1_000_000_000_000, u64::MAX, 0] {
            let big = format!(
                "{}.a.b.c.d",
                URL_SAFE_NO_PAD.encode(format!(r#"{{"alg":"{ALG}","enc":"{ENC}","p2c":{p2c},"p2s":"AAAA"}}"#))
            );
            assert_eq!(decrypt(&big, b"p"), Err(JweError::IterationCount(p2c)));
        }
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
        let other = format!("{}.a.b.c.d", URL_SAFE_NO_PAD.encode(r#"{"alg":"dir","enc":"A256GCM"}"#));
        assert!(matches!(decrypt(&other, b"p"), Err(JweError::Unsupported(_))));
    }

    proptest::proptest! {
        #[test]
        fn random_bytes_never_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..600)) {
            let text = String::from_utf8_lossy(&bytes);
            let _ = decrypt(&text, b"pass");
        }

        #[test]
        fn random_parts_never_panic(parts in proptest::collection::vec("[A-Za-z0-9_=-]{0,60}", 0..8), p2c in 0u64..3_000_000) {
            let header = URL_SAFE_NO_PAD.encode(format!(r#"{{"alg":"{ALG}","enc":"{ENC}","p2c":{},"p2s":"{}"}}"#, p2c.min(2000), parts.first().cloned().unwrap_or_default()));
            let mut all = vec![header];
            all.extend(parts);
            let _ = decrypt(&all.join("."), b"pass");
        }
    }
}

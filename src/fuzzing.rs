//! Entry points for the fuzz targets in `fuzz/` (feature `fuzzing`): every parser of untrusted bytes,
//! reachable without a server. Not part of the API: hidden, unstable, for fuzzers only.

/// The Infisical CLI's file vault: a JWE decrypted with `passphrase`, then read as a stored login.
pub fn jwe_and_vault(compact: &str, passphrase: &[u8]) {
    if let Ok(plain) = crate::auth::jwe::decrypt(compact, passphrase)
        && let Ok(inner) = serde_json::from_slice::<String>(&plain)
    {
        let _ = serde_json::from_str::<crate::auth::cli::StoredLogin>(&inner);
    }
}

/// A JWT's `exp`, read without verification.
pub fn jwt(token: &str) {
    let _ = crate::auth::jwt::expiry(token);
}

/// The Infisical CLI's config file.
pub fn cli_config(bytes: &[u8]) {
    let _ = crate::auth::cli::parse_config(bytes);
}

/// A login as the OS keyring stores it (raw, `go-keyring-base64:`, `go-keyring-encoded:`).
pub fn keyring_forms(bytes: &[u8]) {
    let _ = crate::auth::cli::decode_keyring_value(bytes);
}

/// `.infisical.json`.
pub fn project_file(text: &str) {
    let _ = crate::project_file::ProjectFile::parse(text, "fuzz/.infisical.json");
}

/// An error answer of the API, and its text.
pub fn api_error(status: u16, body: &[u8]) {
    let err = crate::ApiError::from_response(status, body, None);
    let _ = (err.to_string(), err.is_token_rejected(), err.is_unknown_route());
}

/// A list answer decoded as the loaders decode it, then merged with the import precedence.
pub fn list_and_precedence(body: &[u8]) {
    if let Ok(list) = serde_json::from_slice::<crate::resources::secrets::values::ValueList>(body) {
        let importers = vec![("/app".to_owned(), "staging".to_owned(), "/shared".to_owned())];
        let _ = list.into_map("/", &importers);
    }
    if let Ok(list) = serde_json::from_slice::<crate::resources::SecretList>(body) {
        let _ = list.into_map();
    }
}

/// A cache file opened under a fixed key and target, and the same bytes as a load's plaintext (decoded
/// as they are, and sealed then opened again).
#[cfg(feature = "cache")]
pub fn cache_file(bytes: &[u8]) {
    crate::cache::fuzz_file(bytes);
}

/// The event stream: the same bytes fed whole and in pieces (the first byte is the piece length) give
/// the same frames, and every frame is decoded.
#[cfg(feature = "push")]
pub fn event_stream(bytes: &[u8]) {
    use crate::events::{SseParser, decode};
    let Some((&piece, stream)) = bytes.split_first() else { return };
    // A small bound, so that frames over it are reached too.
    const MAX: usize = 1024;
    let mut whole = Vec::new();
    SseParser::new(MAX).feed(stream, &mut whole);
    let mut pieces = Vec::new();
    let mut parser = SseParser::new(MAX);
    for chunk in stream.chunks(usize::from(piece).max(1)) {
        parser.feed(chunk, &mut pieces);
    }
    assert_eq!(whole, pieces, "the frames depend on where the chunks end");
    for frame in &whole {
        let _ = decode(frame);
    }
}

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
    let err = crate::error::ApiError::from_response(status, body, None);
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

/// What the clouds answer a login, as its parsers read it: a managed identity's token (Azure), the
/// metadata server's ID token and Google's OAuth and `signJwt` answers (GCP), an endpoint's error
/// answer, and a region and keys as an instance's metadata hands them to the SigV4 signer (AWS).
pub fn cloud_answers(status: u16, body: &[u8]) {
    use crate::auth::cloud::{azure, metadata};
    let status = reqwest::StatusCode::from_u16(status).unwrap_or(reqwest::StatusCode::OK);
    let _ = azure::access_token_in(body);
    let url = "http://169.254.169.254/metadata/identity/oauth2/token?resource=x";
    let _ = metadata::refused("fuzz", "metadata endpoint", url, status, body).to_string();
    #[cfg(feature = "gcp")]
    {
        use crate::auth::cloud::gcp;
        let _ = gcp::id_token_in(body);
        let url = "https://oauth2.googleapis.com/token";
        let _ = gcp::decode::<gcp::OAuthToken>("OAuth token endpoint", url, status, body).map_err(|e| e.to_string());
        let _ = gcp::decode::<gcp::SignedJwt>("IAM credentials API", url, status, body).map_err(|e| e.to_string());
    }
    #[cfg(feature = "aws")]
    {
        let text = String::from_utf8_lossy(body);
        let mut lines = text.splitn(3, '\n');
        let (region, id, secret) = (lines.next().unwrap_or(""), lines.next().unwrap_or(""), lines.next().unwrap_or(""));
        let keys = aws_credential_types::Credentials::new(id, secret, None, None, "fuzz");
        let _ = crate::auth::cloud::aws::sign_get_caller_identity(&keys, region, std::time::UNIX_EPOCH);
    }
}

/// A cache file opened under a fixed key and target, and the same bytes as a load's plaintext (decoded
/// as they are, and sealed then opened again).
#[cfg(feature = "cache")]
pub fn cache_file(bytes: &[u8]) {
    crate::cache::fuzz_file(bytes);
    crate::pipeline::fuzz_stored(bytes);
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

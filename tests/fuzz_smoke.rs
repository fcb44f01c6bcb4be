//! A short smoke run of every fuzz target's entry point on stable (the real fuzzing is `fuzz/`, with
//! cargo-fuzz): random bytes and hostile shapes must never panic, hang or blow up.
#![cfg(feature = "fuzzing")]

use infisical_config::fuzzing;
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..600)) {
        fuzzing::cli_config(&data);
        fuzzing::keyring_forms(&data);
        fuzzing::list_and_precedence(&data);
        #[cfg(feature = "cache")]
        fuzzing::cache_file(&data);
        #[cfg(feature = "push")]
        fuzzing::event_stream(&data);
        if let [a, b, body @ ..] = data.as_slice() {
            fuzzing::api_error(u16::from_be_bytes([*a, *b]), body);
            fuzzing::cloud_answers(u16::from_be_bytes([*a, *b]), body);
        }
        let text = String::from_utf8_lossy(&data);
        fuzzing::jwt(&text);
        fuzzing::project_file(&text);
        fuzzing::jwe_and_vault(&text, b"pass");
    }

    #[test]
    fn json_shaped_input_never_panics(s in r#"\{("[a-zA-Z_]{0,16}":("[^"]{0,12}"|-?[0-9]{1,6}(\.[0-9])?|null|true|\[\{"secretKey":"[A-Z]{0,3}","secretValue":"[a-z]{0,3}","secretPath":"[/a-z]{0,6}"\}\]|\{\}),?){0,8}\}"#) {
        fuzzing::cli_config(s.as_bytes());
        fuzzing::list_and_precedence(s.as_bytes());
        #[cfg(feature = "cache")]
        fuzzing::cache_file(s.as_bytes());
        fuzzing::project_file(&s);
        fuzzing::api_error(400, s.as_bytes());
        fuzzing::cloud_answers(200, s.as_bytes());
        fuzzing::cloud_answers(403, s.as_bytes());
    }

    #[cfg(feature = "push")]
    #[test]
    fn event_stream_shaped_input_never_panics(
        piece in any::<u8>(),
        lines in proptest::collection::vec(r#"(event: ?(ping|error|secret:(create|update|delete|import-mutation))|data: ?\{"(data|payload)":\{"(event|eventType)":"secret:update","payload":\[?\{"environment":"[a-z]{0,3}","secretPath":"[/a-z]{0,4}","secretKeys?":"[A-Z]{0,3}"\}\]?\}\}|: ?[a-z]{0,5}|id: [0-9]{0,4}|)(\r\n|\n|\r)"#, 0..24),
    ) {
        let mut bytes = vec![piece];
        bytes.extend(lines.concat().bytes());
        fuzzing::event_stream(&bytes);
    }

    #[test]
    fn jwe_shaped_input_never_panics(parts in proptest::collection::vec("[A-Za-z0-9_-]{0,40}", 0..7)) {
        fuzzing::jwe_and_vault(&parts.join("."), b"pass");
        fuzzing::jwt(&parts.join("."));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    /// Token answers of every shape, and a region and keys as an instance's metadata could hand them
    /// to the signer (a line each).
    #[test]
    fn cloud_answers_never_panic(
        token in r#"\{("(access_token|signedJwt|expires_in)":("[^"]{0,24}"|[0-9]{0,4}|null|\{\}|\[\]),?){0,4}\}"#,
        region in r"[a-z0-9./:\-\x00-\x1f\u{80}-\u{10ffff}]{0,24}",
        key in r"[ -~\u{80}-\u{2fff}]{0,40}",
        status in 100u16..600,
    ) {
        fuzzing::cloud_answers(status, token.as_bytes());
        fuzzing::cloud_answers(status, format!("{region}\n{key}\n{key}").as_bytes());
    }
}

#[test]
fn hostile_jwe_headers_are_refused_quickly() {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    for header in [
        r#"{"alg":"PBES2-HS256+A128KW","enc":"A256GCM","p2c":4294967295,"p2s":"AAAA"}"#,
        r#"{"alg":"PBES2-HS256+A128KW","enc":"A256GCM","p2c":-1,"p2s":""}"#,
        r#"{"alg":"none"}"#,
    ] {
        let started = std::time::Instant::now();
        fuzzing::jwe_and_vault(&format!("{}.AAAA.AAAA.AAAA.AAAA", b64.encode(header)), b"pass");
        assert!(started.elapsed() < std::time::Duration::from_secs(5), "{header}");
    }
}

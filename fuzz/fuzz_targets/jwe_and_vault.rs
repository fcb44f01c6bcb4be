#![no_main]
// The CLI's file vault: a compact JWE and its passphrase, split at the first NUL byte.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let (compact, passphrase) = match data.iter().position(|b| *b == 0) {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (data, &b"passphrase"[..]),
    };
    if let Ok(compact) = std::str::from_utf8(compact) {
        infisical_config::fuzzing::jwe_and_vault(compact, passphrase);
    }
});

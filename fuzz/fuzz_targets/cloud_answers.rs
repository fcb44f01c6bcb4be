#![no_main]
// The first two bytes are the status, the rest the body (for AWS: region, key id and secret, a line each).
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let [a, b, body @ ..] = data {
        infisical_config::fuzzing::cloud_answers(u16::from_be_bytes([*a, *b]), body);
    }
});

#![no_main]
// The first two bytes are the status, the rest the body.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let [a, b, body @ ..] = data {
        infisical_config::fuzzing::api_error(u16::from_be_bytes([*a, *b]), body);
    }
});

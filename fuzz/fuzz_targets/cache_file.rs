#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| infisical_config::fuzzing::cache_file(data));

#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| infisical_config::fuzzing::cli_config(data));

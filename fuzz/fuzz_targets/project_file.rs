#![no_main]
libfuzzer_sys::fuzz_target!(|text: &str| infisical_config::fuzzing::project_file(text));

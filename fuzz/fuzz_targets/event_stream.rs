#![no_main]
// The first byte is the length of the pieces the stream is also fed in; the rest is the stream.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    infisical_config::fuzzing::event_stream(data);
});

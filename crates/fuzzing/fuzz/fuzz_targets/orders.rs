#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| alsobought_fuzzing::orders(data));

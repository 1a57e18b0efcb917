//! The stricter property behind the `markdown` target: once Markdown has been written and read
//! back, one more round trip changes nothing. Holds on every fixture and demo page (tests); on
//! arbitrary input it still finds emphasis-delimiter edge cases (see README.md).
#![no_main]

use content::{Options, WriteOptions, markdown_to_storage, storage_to_markdown};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let md = String::from_utf8_lossy(data);
    let Ok(storage) = markdown_to_storage(&md, &WriteOptions::default()) else {
        return;
    };
    let read = match storage_to_markdown(&storage, &Options::default()) {
        Ok(read) => read,
        Err(e) => panic!("writer produced storage the reader rejects: {e}"),
    };
    let Ok(again) = markdown_to_storage(&read, &WriteOptions::default()) else {
        return;
    };
    match storage_to_markdown(&again, &Options::default()) {
        Ok(reread) => assert_eq!(reread, read, "read(write(read(write(md)))) drifted"),
        Err(e) => panic!("second write produced storage the reader rejects: {e}"),
    }
});

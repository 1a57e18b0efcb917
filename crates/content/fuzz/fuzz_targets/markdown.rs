//! Markdown → storage on arbitrary text: never panics, and always yields storage our reader
//! parses (well-formed XHTML) and converts back without error.
#![no_main]

use content::{Options, WriteOptions, markdown_to_storage, storage_to_markdown};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let md = String::from_utf8_lossy(data);
    let Ok(storage) = markdown_to_storage(&md, &WriteOptions::default()) else {
        return;
    };
    if let Err(e) = storage_to_markdown(&storage, &Options::default()) {
        panic!("writer produced storage the reader rejects: {e}");
    }
});

//! Storage XHTML → Markdown and plain text on arbitrary bytes (decoded lossily, so both valid
//! UTF-8 and replacement characters reach the parser); converted Markdown goes through the
//! views too.
#![no_main]

use content::{Options, plain_text, storage_to_markdown};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let storage = String::from_utf8_lossy(data);
    let seed = data.first().copied().unwrap_or(0);
    let _ = plain_text(&storage);
    if let Ok(md) = storage_to_markdown(&storage, &Options::default()) {
        content_fuzz::check_views(&md, seed);
    }
});

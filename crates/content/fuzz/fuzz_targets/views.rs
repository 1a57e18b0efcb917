//! Windows, sections and the outline on arbitrary Markdown. The first byte picks the window
//! budgets; the rest is the document.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&seed, rest)) = data.split_first() else {
        return;
    };
    content_fuzz::check_views(&String::from_utf8_lossy(rest), seed);
});

//! Conversion throughput (MB/s = 10^6 bytes of storage XHTML per second) of
//! `storage_to_markdown` and `plain_text` over the emulator's demo wiki: (a) every page, one
//! call each, per iteration; (b) one large page made of all of them back to back.
//!
//! `cargo bench -p content --bench convert` (criterion prints `thrpt: [low mid high]` in MB/s).
//! The side-by-side comparison with mcp-atlassian is the `compare_mcp_atlassian` example.

#[allow(dead_code)] // the fixtures and document names serve the comparison, not this bench
#[path = "../support/corpus.rs"]
mod corpus;

use std::hint::black_box;
use std::time::Duration;

use content::{Options, plain_text, storage_to_markdown};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn convert(c: &mut Criterion) {
    let docs = corpus::demo_pages();
    let corpus_bytes = corpus::total_bytes(&docs);
    let large_page: String = docs.iter().map(|d| d.storage.as_str()).collect();
    let options = Options::default();
    println!(
        "demo corpus: {} pages, {:.3} MB; large page: {:.3} MB",
        docs.len(),
        corpus_bytes as f64 / 1e6,
        large_page.len() as f64 / 1e6
    );

    let mut group = c.benchmark_group("demo corpus, page by page");
    group.throughput(Throughput::BytesDecimal(corpus_bytes as u64));
    group.bench_function("storage_to_markdown", |b| {
        b.iter(|| {
            for doc in &docs {
                let _ = black_box(storage_to_markdown(black_box(&doc.storage), &options));
            }
        });
    });
    group.bench_function("plain_text", |b| {
        b.iter(|| {
            for doc in &docs {
                black_box(plain_text(black_box(&doc.storage)));
            }
        });
    });
    group.finish();

    let mut group = c.benchmark_group("one large page");
    group.throughput(Throughput::BytesDecimal(large_page.len() as u64));
    group.bench_function("storage_to_markdown", |b| {
        b.iter(|| black_box(storage_to_markdown(black_box(&large_page), &options)));
    });
    group.bench_function("plain_text", |b| {
        b.iter(|| black_box(plain_text(black_box(&large_page))));
    });
    group.finish();
}

criterion_group! {
    name = benches;
    // Modest: about 20 s for all four after the build; stable enough on a quiet machine.
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = convert
}
criterion_main!(benches);

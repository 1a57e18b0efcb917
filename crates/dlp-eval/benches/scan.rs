//! Criterion benchmark of our engine alone (default configuration, all detectors), on the
//! reproducible corpora of `examples/support/corpus.rs`: page by page, as the gateway scans
//! tool results. `cargo bench -p dlp-eval --bench scan`. The comparison with other tools is
//! `bash scripts/bench-dlp.sh`.
#![allow(clippy::expect_used)] // a benchmark of a default engine that fails to build is moot

#[path = "../examples/support/corpus.rs"]
mod corpus;

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use dlp::{DlpConfig, Engine};

const CORPUS_BYTES: usize = 512 << 10;

fn scan_corpora(c: &mut Criterion) {
    let engine = Engine::new(&DlpConfig::default()).expect("default configuration compiles");
    let corpora = [
        corpus::wiki_prose(CORPUS_BYTES),
        corpus::config_runbooks(CORPUS_BYTES, 0x5EED),
    ];
    let mut group = c.benchmark_group("scan");
    for corpus in &corpora {
        group.throughput(Throughput::Bytes(corpus.bytes() as u64));
        group.bench_function(corpus.name, |b| {
            b.iter(|| {
                corpus
                    .documents
                    .iter()
                    .map(|d| engine.scan(black_box(d)).findings.len())
                    .sum::<usize>()
            })
        });
    }
    group.finish();
}

fn engine_build(c: &mut Criterion) {
    c.bench_function("engine_new_default", |b| {
        b.iter(|| Engine::new(black_box(&DlpConfig::default())))
    });
}

criterion_group!(benches, scan_corpora, engine_build);
criterion_main!(benches);

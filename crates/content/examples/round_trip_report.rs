//! Round-trip report over the emulator's demo corpus: how many pages read back exactly after a
//! write (read(write(read(s))) == read(s)), and read/write throughput. Run:
//! `cargo run --release -p content --example round_trip_report`

use std::collections::HashMap;
use std::time::{Duration, Instant};

use confluence_emulator::SeedKind;
use content::{Options, WriteOptions, markdown_to_storage, storage_to_markdown};

fn main() {
    let store = confluence_emulator::seed::build(SeedKind::Demo, 42, 0);
    let names: HashMap<String, String> = store
        .users
        .iter()
        .map(|u| (u.account_id.clone(), u.display_name.clone()))
        .collect();
    let ids: HashMap<String, String> = names.iter().map(|(i, n)| (n.clone(), i.clone())).collect();
    let show = |id: &str| names.get(id).cloned();
    let resolve = |name: &str| ids.get(name).cloned();
    let read = Options {
        users: Some(&show),
        ..Options::default()
    };
    let write = WriteOptions {
        users: Some(&resolve),
        ..WriteOptions::default()
    };
    let (mut pages, mut exact, mut failures) = (0usize, 0usize, 0usize);
    let (mut storage_bytes, mut md_bytes) = (0usize, 0usize);
    let (mut read_time, mut write_time) = (Duration::ZERO, Duration::ZERO);
    for c in store.contents.values() {
        for v in &c.versions {
            pages += 1;
            let t = Instant::now();
            let Ok(md1) = storage_to_markdown(&v.body, &read) else {
                failures += 1;
                continue;
            };
            read_time += t.elapsed();
            let t = Instant::now();
            let Ok(s2) = markdown_to_storage(&md1, &write) else {
                failures += 1;
                continue;
            };
            write_time += t.elapsed();
            storage_bytes += v.body.len();
            md_bytes += md1.len();
            match storage_to_markdown(&s2, &read) {
                Ok(md2) if md2 == md1 => exact += 1,
                Ok(_) => println!("differs: {}", v.title),
                Err(e) => {
                    failures += 1;
                    println!("ERROR {}: {e}", v.title);
                }
            }
        }
    }
    let rate = |bytes: usize, d: Duration| bytes as f64 / 1e6 / d.as_secs_f64().max(1e-9);
    println!(
        "{pages} page versions: {exact} round-trip exactly, {failures} failures\n\
         read:  {:.1} MB storage in {:?} ({:.1} MB/s)\n\
         write: {:.1} MB Markdown in {:?} ({:.1} MB/s)",
        storage_bytes as f64 / 1e6,
        read_time,
        rate(storage_bytes, read_time),
        md_bytes as f64 / 1e6,
        write_time,
        rate(md_bytes, write_time),
    );
}

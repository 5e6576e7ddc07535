#![allow(missing_docs)] // criterion_group! generates an undocumented pub fn
//! The in-process stages on a generated schedule of 10,000 sessions:
//! parsing alone (the floor), parsing with validation, feed and page
//! rendering. `benches/compare.sh` times the whole binary against other tools.

use std::hint::black_box;
use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

fn stages(c: &mut Criterion) {
    let n = 10_000;
    let yaml = coursefeed::synthetic::schedule_yaml(n);
    // The compiled-in rules: the same on every machine.
    let tz = coursefeed::TzDatabase::bundled();
    let loaded = coursefeed::load_str(&yaml, Path::new("bench.yaml"), &tz).expect("valid");
    let stamp = coursefeed::feed::build_time(Some("1600000000")).expect("stamp");

    let mut g = c.benchmark_group("10k sessions");
    g.throughput(Throughput::Elements(n as u64));
    g.sample_size(20);
    g.bench_function("yaml_serde parse only (floor)", |b| {
        b.iter(|| {
            yaml_serde::from_str::<coursefeed::load::RawSchedule>(black_box(&yaml)).expect("parses")
        })
    });
    g.bench_function("load and validate", |b| {
        b.iter(|| {
            coursefeed::load_str(black_box(&yaml), Path::new("bench.yaml"), &tz).expect("valid")
        })
    });
    g.bench_function("render feed", |b| {
        b.iter(|| coursefeed::feed::render(black_box(&loaded.schedule), stamp))
    });
    g.bench_function("render page", |b| {
        b.iter(|| coursefeed::page::render(black_box(&loaded.schedule), true))
    });
    g.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);

//! The stream log on its own (no network): append, range reads forward and
//! backward, lookups, and trimming, with Redis's default node bounds.

use criterion::{black_box, criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use sluice_server::stream::{AddId, NodeLimits, Stream, StreamId, Trim};

fn entry(i: u64) -> [Vec<u8>; 4] {
    [
        b"field1".to_vec(),
        format!("{:016x}", i.wrapping_mul(0x9E37_79B9_7F4A_7C15)).into_bytes(),
        b"field2".to_vec(),
        (10_000_000 + (i * 7919) % 90_000_000)
            .to_string()
            .into_bytes(),
    ]
}

fn filled(n: u64) -> Stream {
    let mut s = Stream::new();
    for i in 0..n {
        s.add(
            AddId::Auto,
            1_700_000_000_000 + i / 10,
            &entry(i),
            NodeLimits::default(),
        )
        .expect("add");
    }
    s
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("stream_log");

    let entries: Vec<[Vec<u8>; 4]> = (0..10_000).map(entry).collect();
    g.throughput(Throughput::Elements(entries.len() as u64));
    g.bench_function("append 10k", |b| {
        b.iter_batched(
            Stream::new,
            |mut s| {
                for (i, e) in entries.iter().enumerate() {
                    s.add(
                        AddId::Auto,
                        1_700_000_000_000 + i as u64 / 10,
                        e,
                        NodeLimits::default(),
                    )
                    .expect("add");
                }
                s
            },
            BatchSize::SmallInput,
        )
    });

    let s = filled(100_000);
    let mid = s
        .range(StreamId::MIN, StreamId::MAX)
        .nth(50_000)
        .unwrap()
        .id;
    g.throughput(Throughput::Elements(100));
    g.bench_function("range 100 forward", |b| {
        b.iter(|| {
            let mut out = Vec::with_capacity(8192);
            for e in s.range(black_box(mid), StreamId::MAX).take(100) {
                e.write_resp(&mut out);
            }
            out
        })
    });
    g.bench_function("range 100 backward", |b| {
        b.iter(|| {
            let mut out = Vec::with_capacity(8192);
            for e in s.rev_range(StreamId::MIN, black_box(mid)).take(100) {
                e.write_resp(&mut out);
            }
            out
        })
    });
    g.throughput(Throughput::Elements(1));
    g.bench_function("get by id", |b| {
        b.iter(|| s.get(black_box(mid)).map(|e| e.id))
    });

    g.throughput(Throughput::Elements(90_000));
    g.bench_function("trim maxlen = 10k of 100k", |b| {
        b.iter_batched(
            || s.clone(),
            |mut t| t.trim(Trim::MaxLen(10_000), false, 0),
            BatchSize::LargeInput,
        )
    });
    g.bench_function("trim maxlen ~ 10k of 100k", |b| {
        b.iter_batched(
            || s.clone(),
            |mut t| t.trim(Trim::MaxLen(10_000), true, 0),
            BatchSize::LargeInput,
        )
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

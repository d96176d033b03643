//! In-process costs of the consumer group structures (no network): recording
//! deliveries, acknowledging, an XAUTOCLAIM sweep of a 100,000-entry PEL, and
//! XPENDING IDLE over a PEL where few entries are idle (chunks skipped by
//! their minimum delivery time). The side-by-side comparison with Redis is
//! the `groups_compare` binary.
//!
//! ```sh
//! cargo bench -p sluice-benches --bench groups
//! ```

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use sluice_server::stream::group::{AutoClaimOpts, Group};
use sluice_server::stream::StreamId;
use std::hint::black_box;

const PEL: u64 = 100_000;

fn id(i: u64) -> StreamId {
    StreamId::new(i, 0)
}

/// A group whose consumer `dead` holds entries 1..=n, delivered at time `i`.
fn stalled(n: u64) -> (Group, u32) {
    let mut g = Group::new(StreamId::MIN, 0);
    let (dead, _) = g.get_or_create_consumer(b"dead", 0);
    for i in 1..=n {
        g.deliver(id(i), dead, i);
    }
    (g, dead)
}

fn bench(c: &mut Criterion) {
    let mut grp = c.benchmark_group("groups");
    grp.throughput(Throughput::Elements(PEL));
    grp.sample_size(20);

    grp.bench_function("deliver 100k", |b| {
        b.iter(|| black_box(stalled(PEL)));
    });

    grp.bench_function("ack 100k in order", |b| {
        b.iter_batched(
            || stalled(PEL).0,
            |mut g| {
                for i in 1..=PEL {
                    black_box(g.ack(id(i)));
                }
                g
            },
            BatchSize::LargeInput,
        );
    });

    grp.bench_function("xautoclaim sweep 100k (count 100)", |b| {
        b.iter_batched(
            || {
                let (mut g, _) = stalled(PEL);
                let (alive, _) = g.get_or_create_consumer(b"alive", 0);
                (g, alive)
            },
            |(mut g, alive)| {
                let mut cursor = StreamId::MIN;
                let o = AutoClaimOpts {
                    min_idle: 10,
                    count: 100,
                    justid: true,
                };
                loop {
                    let r = g.autoclaim(cursor, alive, o, PEL + 1_000, |_| true);
                    if r.next.is_zero() {
                        break;
                    }
                    cursor = r.next;
                }
                g
            },
            BatchSize::LargeInput,
        );
    });

    let (g, _) = stalled(PEL);
    grp.bench_function("xpending idle, 1% idle", |b| {
        // Entries delivered at time i; at now = PEL + 10, idle >= PEL - 990
        // holds for the first 1,000 entries only.
        b.iter(|| {
            black_box(g.pending_range(
                StreamId::MIN,
                StreamId::MAX,
                usize::MAX,
                (PEL - 990) as i64,
                None,
                PEL + 10,
            ))
        });
    });
    grp.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

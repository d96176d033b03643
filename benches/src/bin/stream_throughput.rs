//! Stream command throughput, Sluice against Redis, side by side.
//!
//! Starts `redis-server` and the release `sluice-server` on free loopback
//! ports and times the same pipelined workloads on each (one connection,
//! batches of 100 commands): XADD, XRANGE / XREVRANGE / XREAD of 100 entries
//! from varying positions, XLEN. Prints commands per second and the
//! Sluice/Redis ratio (above 1: Sluice faster).
//!
//! ```sh
//! cargo build --release -p sluice-server
//! cargo run --release -p sluice-benches --bin stream_throughput -- [entries]
//! ```

use sluice_benches::{Client, Proc};
use std::time::{Duration, Instant};

const BATCH: usize = 100;
const LIMIT: Duration = Duration::from_secs(300);

/// Runs `n` commands built by `make(i)` in pipelined batches; returns commands per second.
fn timed(c: &mut Client, n: usize, make: &dyn Fn(usize) -> Vec<Vec<u8>>) -> f64 {
    let start = Instant::now();
    let mut buf = Vec::new();
    let mut i = 0;
    while i < n {
        buf.clear();
        let k = BATCH.min(n - i);
        for j in i..i + k {
            let args = make(j);
            let refs: Vec<&[u8]> = args.iter().map(|a| a.as_slice()).collect();
            Client::encode(&mut buf, &refs);
        }
        assert_eq!(c.pipeline(&buf, k), 0, "error replies");
        i += k;
        assert!(start.elapsed() < LIMIT, "workload took too long");
    }
    n as f64 / start.elapsed().as_secs_f64()
}

fn id(i: usize) -> Vec<u8> {
    format!("{}-{}", 1_000_000 + i / 10, i % 10).into_bytes()
}

fn workloads(p: &Proc, n: usize) -> Vec<(&'static str, f64)> {
    let mut c = Client::connect(p.port).expect("connect");
    let mut out = Vec::new();
    out.push((
        "XADD",
        timed(&mut c, n, &|i| {
            vec![
                b"XADD".to_vec(),
                b"s".to_vec(),
                id(i),
                b"field1".to_vec(),
                format!("{:016x}", (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)).into_bytes(),
                b"field2".to_vec(),
                (10_000_000 + (i * 7919) % 90_000_000)
                    .to_string()
                    .into_bytes(),
            ]
        }),
    ));
    let reads = 20_000;
    let pos = move |i: usize| (i * 7919) % (n - 200);
    out.push((
        "XRANGE COUNT 100",
        timed(&mut c, reads, &|i| {
            vec![
                b"XRANGE".to_vec(),
                b"s".to_vec(),
                id(pos(i)),
                b"+".to_vec(),
                b"COUNT".to_vec(),
                b"100".to_vec(),
            ]
        }),
    ));
    out.push((
        "XREVRANGE COUNT 100",
        timed(&mut c, reads, &|i| {
            vec![
                b"XREVRANGE".to_vec(),
                b"s".to_vec(),
                id(pos(i) + 150),
                b"-".to_vec(),
                b"COUNT".to_vec(),
                b"100".to_vec(),
            ]
        }),
    ));
    out.push((
        "XREAD COUNT 100",
        timed(&mut c, reads, &|i| {
            vec![
                b"XREAD".to_vec(),
                b"COUNT".to_vec(),
                b"100".to_vec(),
                b"STREAMS".to_vec(),
                b"s".to_vec(),
                id(pos(i)),
            ]
        }),
    ));
    out.push((
        "XLEN",
        timed(&mut c, 100_000, &|_| vec![b"XLEN".to_vec(), b"s".to_vec()]),
    ));
    out
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .map(|a| a.parse().expect("entries must be a number"))
        .unwrap_or(200_000);
    assert!(n >= 1000, "use at least 1000 entries");
    let (redis, sluice) = sluice_benches::start_both();
    let r = workloads(&redis, n);
    let s = workloads(&sluice, n);
    println!("stream throughput, one connection, pipelines of {BATCH}; {n} entries");
    println!(
        "{:<22} {:>14} {:>14} {:>8}",
        "command", "redis/s", "sluice/s", "ratio"
    );
    for ((name, rv), (_, sv)) in r.iter().zip(&s) {
        println!("{name:<22} {rv:>14.0} {sv:>14.0} {:>8.2}", sv / rv);
    }
}

//! XINFO STREAM's cost on a long stream, Sluice against Redis: the command
//! must not grow with the stream's length (Redis keeps `radix-tree-nodes`
//! as a counter; so does Sluice since issue 11, instead of walking every
//! node).
//!
//! Fills one stream per server with `entries` entries (default 1,000,000;
//! pipelined `XADD s * f v`), then times `calls` XINFO STREAM calls, one
//! round trip each, and prints the µs per call of both servers and the
//! Sluice/Redis ratio (above 1: Sluice is slower).
//!
//! ```sh
//! cargo build --release -p sluice-server
//! cargo run --release -p sluice-benches --bin xinfo_stream -- [entries] [calls]
//! ```

use sluice_benches::{start_both, Client};
use std::time::Instant;

fn fill(c: &mut Client, entries: usize) {
    let batch = 10_000;
    let mut left = entries;
    while left > 0 {
        let n = left.min(batch);
        let mut out = Vec::new();
        for _ in 0..n {
            Client::encode(&mut out, &[b"XADD", b"s", b"*", b"f", b"v"]);
        }
        assert_eq!(c.pipeline(&out, n), 0, "XADD errors");
        left -= n;
    }
}

/// Mean µs per XINFO STREAM over `calls` round trips (after a warm-up).
fn time_xinfo(c: &mut Client, calls: usize) -> f64 {
    for _ in 0..calls / 10 + 1 {
        c.cmd(&[b"XINFO", b"STREAM", b"s"]);
    }
    let start = Instant::now();
    for _ in 0..calls {
        let r = c.cmd(&[b"XINFO", b"STREAM", b"s"]);
        assert!(
            r.starts_with(b"*"),
            "XINFO STREAM: {}",
            String::from_utf8_lossy(&r)
        );
    }
    start.elapsed().as_secs_f64() * 1e6 / calls as f64
}

fn main() {
    let mut args = std::env::args().skip(1);
    let entries: usize = args
        .next()
        .map_or(1_000_000, |a| a.parse().expect("entries"));
    let calls: usize = args.next().map_or(2_000, |a| a.parse().expect("calls"));
    let (redis, sluice) = start_both();
    let mut r = Client::connect(redis.port).expect("connect to redis");
    let mut s = Client::connect(sluice.port).expect("connect to sluice");
    fill(&mut r, entries);
    fill(&mut s, entries);
    for (name, c) in [("redis", &mut r), ("sluice", &mut s)] {
        let len = c.cmd(&[b"XLEN", b"s"]);
        println!("{name}: XLEN {}", String::from_utf8_lossy(&len).trim());
    }
    // Alternate the servers over a few rounds so neither gets a quieter machine.
    let (mut tr, mut ts) = (Vec::new(), Vec::new());
    for _ in 0..3 {
        tr.push(time_xinfo(&mut r, calls));
        ts.push(time_xinfo(&mut s, calls));
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (mr, ms) = (median(&mut tr), median(&mut ts));
    println!("XINFO STREAM on {entries} entries, {calls} calls x 3 rounds (median):");
    println!("  redis  {mr:8.1} µs/call");
    println!("  sluice {ms:8.1} µs/call");
    println!("  ratio sluice/redis {:.2}", ms / mr);
}

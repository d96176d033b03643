//! Memory per stream entry, Sluice against Redis, side by side.
//!
//! Starts `redis-server` and the release `sluice-server` on free loopback
//! ports, loads the same N entries (`XADD s * field1 <16-byte value> field2
//! <8-digit number>`, pipelined) into each, and reports, per entry, the growth
//! of `INFO memory` `used_memory` and of the process RSS (VmRSS), and the
//! Sluice/Redis ratios.
//!
//! ```sh
//! cargo build --release -p sluice-server
//! cargo run --release -p sluice-benches --bin stream_memory -- [entries]
//! ```
//! `SLUICE_REDIS_SERVER` and `SLUICE_SERVER` override the binaries.

use sluice_benches::{Client, Proc};
use std::time::{Duration, Instant};

/// Commands sent per pipelined batch.
const BATCH: usize = 1000;
/// Load time limit per server.
const LOAD_LIMIT: Duration = Duration::from_secs(600);

struct Figures {
    used_memory: Result<(u64, u64), String>,
    rss: (u64, u64),
    nodes: String,
    secs: f64,
}

fn load(p: &Proc, n: usize) -> Figures {
    let mut c = Client::connect(p.port).expect("connect");
    let used_before = c.info_field("memory", "used_memory");
    let rss_before = p.rss();
    let start = Instant::now();
    let mut buf = Vec::with_capacity(BATCH * 80);
    let mut i = 0usize;
    while i < n {
        buf.clear();
        let k = BATCH.min(n - i);
        for j in i..i + k {
            // A 16-byte value that varies per entry, and an 8-digit number.
            let v1 = format!("{:016x}", (j as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
            let v2 = (10_000_000 + (j * 7919) % 90_000_000).to_string();
            Client::encode(
                &mut buf,
                &[
                    b"XADD",
                    b"s",
                    b"*",
                    b"field1",
                    v1.as_bytes(),
                    b"field2",
                    v2.as_bytes(),
                ],
            );
        }
        let errors = c.pipeline(&buf, k);
        assert_eq!(errors, 0, "{}: XADD failed", p.name);
        i += k;
        assert!(
            start.elapsed() < LOAD_LIMIT,
            "{}: load took too long",
            p.name
        );
    }
    let secs = start.elapsed().as_secs_f64();
    let len = c.cmd(&[b"XLEN", b"s"]);
    assert_eq!(len, format!(":{n}\r\n").into_bytes(), "{}: XLEN", p.name);
    // Let allocator background work settle before reading RSS.
    std::thread::sleep(Duration::from_millis(500));
    let used_after = c.info_field("memory", "used_memory");
    let rss_after = p.rss();
    let info = c.cmd(&[b"XINFO", b"STREAM", b"s"]);
    let text = String::from_utf8_lossy(&info);
    let nodes = text
        .split("\r\n")
        .skip_while(|l| *l != "radix-tree-keys")
        .nth(1)
        .unwrap_or("?")
        .trim_start_matches(':')
        .to_string();
    Figures {
        used_memory: match (used_before, used_after) {
            (Ok(a), Ok(b)) => Ok((a, b)),
            (Err(e), _) | (_, Err(e)) => Err(e),
        },
        rss: (rss_before, rss_after),
        nodes,
        secs,
    }
}

fn per_entry(before: u64, after: u64, n: usize) -> f64 {
    (after as f64 - before as f64) / n as f64
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .map(|a| a.parse().expect("entries must be a number"))
        .unwrap_or(1_000_000);
    let (redis, sluice) = sluice_benches::start_both();

    println!("stream memory: {n} entries of `field1 <16-byte value> field2 <8-digit number>`");
    let r = load(&redis, n);
    let s = load(&sluice, n);
    let row = |name: &str, f: &Figures| {
        let um = match &f.used_memory {
            Ok((a, b)) => format!("{:8.2} B/entry", per_entry(*a, *b, n)),
            Err(e) => format!("unavailable ({e})"),
        };
        println!(
            "{name:>7}: used_memory {um} | RSS {:8.2} B/entry | nodes {} | load {:.2} s ({:.0} XADD/s)",
            per_entry(f.rss.0, f.rss.1, n),
            f.nodes,
            f.secs,
            n as f64 / f.secs
        );
    };
    row("redis", &r);
    row("sluice", &s);
    if let (Ok((ra, rb)), Ok((sa, sb))) = (&r.used_memory, &s.used_memory) {
        println!(
            "  ratio sluice/redis used_memory: {:.3}",
            per_entry(*sa, *sb, n) / per_entry(*ra, *rb, n)
        );
    }
    println!(
        "  ratio sluice/redis RSS:         {:.3}",
        per_entry(s.rss.0, s.rss.1, n) / per_entry(r.rss.0, r.rss.1, n)
    );
    println!("  load throughput sluice/redis:   {:.3}", r.secs / s.secs);
}

//! Consumer groups, Sluice against Redis, side by side in one run.
//!
//! Starts `redis-server` and the release `sluice-server` on free loopback
//! ports and measures, on each:
//!
//! 1. **bytes per pending entry**: a stream of N entries (default 1,000,000)
//!    is read by one consumer without acknowledging (XREADGROUP COUNT 1000);
//!    the growth of `INFO memory` `used_memory` (and of the process RSS)
//!    divided by N. Redis 7.0.15 measured 148 B here; Sluice's target is ≤ 60 B.
//! 2. **XAUTOCLAIM throughput** on a 100,000-entry PEL: pipelined
//!    `XAUTOCLAIM s g <consumer> 0 <cursor> COUNT 100` sweeps that move every
//!    entry to another consumer (entries returned in full), in entries/s.
//!    Target: ≥ 2x Redis.
//! 3. **consumer throughput**: pipelined `XREADGROUP ... COUNT 100` followed
//!    by `XACK` of the 100 IDs read, over 200,000 entries, in entries/s.
//!    Target: ≥ Redis.
//!
//! ```sh
//! cargo build --release -p sluice-server
//! cargo run --release -p sluice-benches --bin groups_compare -- [pending-entries]
//! ```
//! `SLUICE_REDIS_SERVER` and `SLUICE_SERVER` override the binaries.

use sluice_benches::{Client, Proc};
use std::time::{Duration, Instant};

/// Commands per pipelined batch when loading.
const BATCH: usize = 1000;
/// Entries in the XAUTOCLAIM test's PEL.
const CLAIM_PEL: usize = 100_000;
/// Entries consumed in the XREADGROUP + XACK test.
const CONSUME: usize = 200_000;
/// Bound on any single phase.
const PHASE_LIMIT: Duration = Duration::from_secs(600);

/// Adds entries `1..=n` (explicit IDs `<i>-0`) to `key`.
fn load(c: &mut Client, name: &str, key: &str, n: usize) {
    let start = Instant::now();
    let mut buf = Vec::with_capacity(BATCH * 64);
    let mut i = 1usize;
    while i <= n {
        buf.clear();
        let k = BATCH.min(n + 1 - i);
        for j in i..i + k {
            let id = format!("{j}-0");
            let v = format!("{:08x}", (j as u64).wrapping_mul(0x9E37_79B9));
            Client::encode(
                &mut buf,
                &[b"XADD", key.as_bytes(), id.as_bytes(), b"job", v.as_bytes()],
            );
        }
        assert_eq!(c.pipeline(&buf, k), 0, "{name}: XADD failed");
        i += k;
        assert!(start.elapsed() < PHASE_LIMIT, "{name}: load too slow");
    }
}

fn ok(r: &[u8], what: &str) {
    assert!(
        !r.starts_with(b"-"),
        "{what}: {}",
        String::from_utf8_lossy(r)
    );
}

/// Reads every entry of `key` into the PEL of `consumer` (no ACK).
fn read_all(c: &mut Client, key: &str, consumer: &str, n: usize) {
    let mut got = 0;
    let start = Instant::now();
    while got < n {
        let r = c.cmd(&[
            b"XREADGROUP",
            b"GROUP",
            b"g",
            consumer.as_bytes(),
            b"COUNT",
            b"1000",
            b"STREAMS",
            key.as_bytes(),
            b">",
        ]);
        ok(&r, "XREADGROUP");
        got += 1000;
        assert!(start.elapsed() < PHASE_LIMIT, "read too slow");
    }
}

struct Figures {
    used_per_entry: Result<f64, String>,
    rss_per_entry: f64,
    autoclaim_eps: f64,
    consume_eps: f64,
}

fn measure(p: &Proc, pending: usize) -> Figures {
    let mut c = Client::connect(p.port).expect("connect");
    let name = p.name;

    // 1. Bytes per pending entry.
    load(&mut c, name, "mem", pending);
    ok(
        &c.cmd(&[b"XGROUP", b"CREATE", b"mem", b"g", b"0"]),
        "XGROUP",
    );
    // Warm the connection's buffers so the delta is the PEL's.
    ok(
        &c.cmd(&[b"XRANGE", b"mem", b"-", b"+", b"COUNT", b"1000"]),
        "XRANGE",
    );
    let used0 = c.info_field("memory", "used_memory");
    let rss0 = p.rss();
    read_all(&mut c, "mem", "stalled", pending);
    let used1 = c.info_field("memory", "used_memory");
    let rss1 = p.rss();
    let used_per_entry = match (used0, used1) {
        (Ok(a), Ok(b)) => Ok((b as f64 - a as f64) / pending as f64),
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    let rss_per_entry = (rss1 as f64 - rss0 as f64) / pending as f64;
    ok(&c.cmd(&[b"DEL", b"mem"]), "DEL");

    // 2. XAUTOCLAIM over a 100,000-entry PEL: pipelined sweeps with cursors
    // at every 100th ID, alternating the claiming consumer each round.
    load(&mut c, name, "claim", CLAIM_PEL);
    ok(
        &c.cmd(&[b"XGROUP", b"CREATE", b"claim", b"g", b"0"]),
        "XGROUP",
    );
    read_all(&mut c, "claim", "dead", CLAIM_PEL);
    let rounds = 4;
    let mut claimed = 0usize;
    let mut elapsed = Duration::ZERO;
    for round in 0..rounds {
        let who: &[u8] = if round % 2 == 0 { b"alive" } else { b"dead" };
        let mut buf = Vec::new();
        let calls = CLAIM_PEL / 100;
        for k in 0..calls {
            let cursor = format!("{}-0", k * 100 + 1);
            Client::encode(
                &mut buf,
                &[
                    b"XAUTOCLAIM",
                    b"claim",
                    b"g",
                    who,
                    b"0",
                    cursor.as_bytes(),
                    b"COUNT",
                    b"100",
                ],
            );
        }
        let t = Instant::now();
        assert_eq!(c.pipeline(&buf, calls), 0, "{name}: XAUTOCLAIM failed");
        elapsed += t.elapsed();
        claimed += calls * 100;
    }
    let pending_after = c.cmd(&[b"XPENDING", b"claim", b"g"]);
    assert!(
        pending_after.starts_with(format!("*4\r\n:{CLAIM_PEL}\r\n").as_bytes()),
        "{name}: the PEL kept its size"
    );
    let autoclaim_eps = claimed as f64 / elapsed.as_secs_f64();
    ok(&c.cmd(&[b"DEL", b"claim"]), "DEL");

    // 3. Consumer loop: XREADGROUP COUNT 100 then XACK of those 100 IDs,
    // pipelined 50 batches at a time (IDs are known: 1-0, 2-0, ...).
    load(&mut c, name, "work", CONSUME);
    ok(
        &c.cmd(&[b"XGROUP", b"CREATE", b"work", b"g", b"0"]),
        "XGROUP",
    );
    let t = Instant::now();
    let batches = CONSUME / 100;
    let mut b = 0;
    while b < batches {
        let k = 50.min(batches - b);
        let mut buf = Vec::new();
        for j in b..b + k {
            Client::encode(
                &mut buf,
                &[
                    b"XREADGROUP",
                    b"GROUP",
                    b"g",
                    b"worker",
                    b"COUNT",
                    b"100",
                    b"STREAMS",
                    b"work",
                    b">",
                ],
            );
            let ids: Vec<String> = (j * 100 + 1..=j * 100 + 100)
                .map(|i| format!("{i}-0"))
                .collect();
            let mut args: Vec<&[u8]> = vec![b"XACK", b"work", b"g"];
            args.extend(ids.iter().map(|s| s.as_bytes()));
            Client::encode(&mut buf, &args);
        }
        assert_eq!(c.pipeline(&buf, 2 * k), 0, "{name}: consume failed");
        b += k;
        assert!(t.elapsed() < PHASE_LIMIT, "{name}: consume too slow");
    }
    let consume_eps = CONSUME as f64 / t.elapsed().as_secs_f64();
    let pel = c.cmd(&[b"XPENDING", b"work", b"g"]);
    assert!(pel.starts_with(b"*4\r\n:0\r\n"), "{name}: everything acked");
    ok(&c.cmd(&[b"DEL", b"work"]), "DEL");

    Figures {
        used_per_entry,
        rss_per_entry,
        autoclaim_eps,
        consume_eps,
    }
}

fn main() {
    let pending: usize = std::env::args()
        .nth(1)
        .map(|a| a.parse().expect("pending-entries is a number"))
        .unwrap_or(1_000_000);
    let (redis, sluice) = sluice_benches::start_both();

    println!("consumer groups: {pending} pending entries; XAUTOCLAIM over {CLAIM_PEL}; consume {CONSUME}");
    let r = measure(&redis, pending);
    let s = measure(&sluice, pending);
    let fmt = |v: &Result<f64, String>| match v {
        Ok(x) => format!("{x:.1}"),
        Err(e) => format!("n/a ({e})"),
    };
    println!("| measure | Redis | Sluice | Sluice/Redis |");
    println!("|---|---|---|---|");
    let used_ratio = match (&s.used_per_entry, &r.used_per_entry) {
        (Ok(a), Ok(b)) => format!("{:.2}", a / b),
        _ => "n/a".into(),
    };
    println!(
        "| used_memory per pending entry (B) | {} | {} | {used_ratio} |",
        fmt(&r.used_per_entry),
        fmt(&s.used_per_entry)
    );
    println!(
        "| RSS per pending entry (B) | {:.1} | {:.1} | {:.2} |",
        r.rss_per_entry,
        s.rss_per_entry,
        s.rss_per_entry / r.rss_per_entry
    );
    println!(
        "| XAUTOCLAIM COUNT 100 (entries/s) | {:.0} | {:.0} | {:.2} |",
        r.autoclaim_eps,
        s.autoclaim_eps,
        s.autoclaim_eps / r.autoclaim_eps
    );
    println!(
        "| XREADGROUP COUNT 100 + XACK (entries/s) | {:.0} | {:.0} | {:.2} |",
        r.consume_eps,
        s.consume_eps,
        s.consume_eps / r.consume_eps
    );
}

//! The Redis 8.x stream surface over real connections, where a reply depends
//! on time (IDMP expiry, CLAIM idle times) or on sizes a case file cannot
//! hold (CVE-2025-62507: 100,000 IDs). The clock is injected, so no test
//! waits on wall time. Specification: docs/redis8.md.

use sluice_server::clock::Clock;
use std::time::Duration;
use tokio::time::timeout;

mod support;
use support::{bulk, claim_entry, start_on, three_entries_and_group, Conn, LONG, T0};

/// The value after `field` in a flat RESP2 XINFO reply.
fn info_int(reply: &str, field: &str) -> i64 {
    let key = bulk(field);
    let at = reply
        .find(&key)
        .unwrap_or_else(|| panic!("{field} in {reply}"))
        + key.len();
    let rest = &reply[at..];
    assert!(rest.starts_with(':'), "{field} is an integer: {rest}");
    rest[1..rest.find("\r\n").unwrap()].parse().unwrap()
}

#[tokio::test]
async fn idmp_on_a_new_key_deduplicates() {
    let clock = Clock::fixed(T0);
    let h = start_on(&clock).await;
    let mut c = Conn::open(h.local_addr()).await;
    let first = bulk(&format!("{T0}-0"));
    assert_eq!(
        c.cmd(&["XADD", "s", "IDMP", "p", "r1", "*", "f", "v"])
            .await,
        first
    );
    assert_eq!(
        c.cmd(&["XADD", "s", "IDMP", "p", "r1", "*", "x", "y"])
            .await,
        first
    );
    assert_eq!(
        c.cmd(&["XADD", "a", "IDMPAUTO", "p", "*", "f", "v", "g", "w"])
            .await,
        first
    );
    assert_eq!(
        c.cmd(&["XADD", "a", "IDMPAUTO", "p", "*", "g", "w", "f", "v"])
            .await,
        first
    );
    assert_eq!(c.cmd(&["XLEN", "a"]).await, ":1\r\n");
    h.shutdown().await;
}

#[tokio::test]
async fn idmp_iids_expire_after_the_duration() {
    let clock = Clock::fixed(T0);
    let h = start_on(&clock).await;
    let mut c = Conn::open(h.local_addr()).await;
    let first = bulk(&format!("{T0}-0"));
    assert_eq!(
        c.cmd(&["XADD", "s", "IDMP", "p", "r1", "*", "f", "v"])
            .await,
        first
    );
    assert_eq!(
        c.cmd(&["XCFGSET", "s", "IDMP-DURATION", "2"]).await,
        "+OK\r\n"
    );
    // The change cleared the table: r1 is new again.
    let second = bulk(&format!("{T0}-1"));
    assert_eq!(
        c.cmd(&["XADD", "s", "IDMP", "p", "r1", "*", "f", "v"])
            .await,
        second
    );
    // Remembered until `duration` seconds after the entry's time...
    clock.advance(1999);
    assert_eq!(
        c.cmd(&["XADD", "s", "IDMP", "p", "r1", "*", "f", "v"])
            .await,
        second
    );
    let info = c.cmd(&["XINFO", "STREAM", "s"]).await;
    assert_eq!(info_int(&info, "iids-tracked"), 1);
    assert_eq!(info_int(&info, "pids-tracked"), 1);
    // ... and forgotten from then on.
    clock.advance(1);
    let info = c.cmd(&["XINFO", "STREAM", "s"]).await;
    assert_eq!(info_int(&info, "iids-tracked"), 0);
    assert_eq!(info_int(&info, "pids-tracked"), 0);
    assert_eq!(info_int(&info, "iids-added"), 2);
    assert_eq!(info_int(&info, "iids-duplicates"), 1);
    let third = bulk(&format!("{}-0", T0 + 2000));
    assert_eq!(
        c.cmd(&["XADD", "s", "IDMP", "p", "r1", "*", "f", "v"])
            .await,
        third
    );
    assert_eq!(c.cmd(&["XLEN", "s"]).await, ":3\r\n");
    h.shutdown().await;
}

#[tokio::test]
async fn idmp_duplicate_does_not_wake_readers_nor_touch_watch() {
    let clock = Clock::fixed(T0);
    let h = start_on(&clock).await;
    let mut c = Conn::open(h.local_addr()).await;
    let mut w = Conn::open(h.local_addr()).await;
    c.cmd(&["XADD", "s", "IDMP", "p", "r1", "*", "f", "v"])
        .await;
    assert_eq!(w.cmd(&["WATCH", "s"]).await, "+OK\r\n");
    c.cmd(&["XADD", "s", "IDMP", "p", "r1", "*", "f", "v"])
        .await;
    assert_eq!(w.cmd(&["MULTI"]).await, "+OK\r\n");
    assert_eq!(w.cmd(&["XLEN", "s"]).await, "+QUEUED\r\n");
    assert_eq!(
        w.cmd(&["EXEC"]).await,
        "*1\r\n:1\r\n",
        "a duplicate is not a write"
    );
    h.shutdown().await;
}

/// CVE-2025-62507: Redis 8.2.0-8.2.2 crashed on XACKDEL with more than 8 IDs.
/// 100,000 IDs must give the normal reply, and the server keeps serving.
#[tokio::test]
async fn xackdel_with_100000_ids() {
    let clock = Clock::fixed(T0);
    let h = start_on(&clock).await;
    let mut c = Conn::open(h.local_addr()).await;
    c.cmd(&["XADD", "s", "1-1", "f", "v"]).await;
    c.cmd(&["XADD", "s", "99999-1", "f", "v"]).await;
    assert_eq!(c.cmd(&["XGROUP", "CREATE", "s", "g", "0"]).await, "+OK\r\n");
    c.cmd(&["XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">"])
        .await;
    let n = 100_000;
    let mut args: Vec<String> = ["XACKDEL", "s", "g", "IDS"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    args.push(n.to_string());
    args.extend((0..n).map(|i| format!("{i}-1")));
    let got = c.cmd(&args).await;
    let mut want = format!("*{n}\r\n");
    for i in 0..n {
        want.push_str(if i == 1 || i == 99999 {
            ":1\r\n"
        } else {
            ":-1\r\n"
        });
    }
    assert_eq!(got, want);
    assert_eq!(c.cmd(&["XLEN", "s"]).await, ":0\r\n");
    // The same for XDELEX, and for a missing group.
    args[0] = "XDELEX".into();
    args.remove(2);
    let got = c.cmd(&args).await;
    assert!(
        got.starts_with(&format!("*{n}\r\n:-1\r\n")),
        "{}",
        &got[..40]
    );
    args[0] = "XACKDEL".into();
    args.insert(2, "nogroup".into());
    let got = c.cmd(&args).await;
    assert_eq!(got.matches(":-1\r\n").count(), n);
    assert_eq!(c.cmd(&["PING"]).await, "+PONG\r\n");
    h.shutdown().await;
}

/// `XREADGROUP ... CLAIM` reports each claimed entry's idle time and its
/// delivery count before this delivery, oldest delivery first, then new
/// entries with 0 0 (stream-cgroups.tcl "XREADGROUP CLAIM ..." tests).
#[tokio::test]
async fn claim_reports_idle_time_and_count() {
    let clock = Clock::fixed(T0);
    let h = start_on(&clock).await;
    let mut c = Conn::open(h.local_addr()).await;
    three_entries_and_group(&mut c).await;
    c.cmd(&[
        "XREADGROUP",
        "GROUP",
        "g",
        "c1",
        "COUNT",
        "1",
        "STREAMS",
        "s",
        ">",
    ])
    .await;
    clock.advance(100);
    c.cmd(&[
        "XREADGROUP",
        "GROUP",
        "g",
        "c1",
        "COUNT",
        "1",
        "STREAMS",
        "s",
        ">",
    ])
    .await;
    clock.advance(60);
    // 1-0 is 160 ms idle, 2-0 60 ms: only 1-0 passes CLAIM 100; 3-0 is new.
    let got = c
        .cmd(&[
            "XREADGROUP",
            "GROUP",
            "g",
            "c2",
            "CLAIM",
            "100",
            "STREAMS",
            "s",
            ">",
        ])
        .await;
    let entry = claim_entry;
    assert_eq!(
        got,
        format!(
            "*1\r\n*2\r\n$1\r\ns\r\n*2\r\n{}{}",
            entry("1-0", 160, 1),
            entry("3-0", 0, 0)
        )
    );
    // 1-0 now belongs to c2 with two deliveries, delivered now.
    let p = c.cmd(&["XPENDING", "s", "g", "1-0", "1-0", "1"]).await;
    assert_eq!(
        p,
        format!("*1\r\n*4\r\n{}{}:0\r\n:2\r\n", bulk("1-0"), bulk("c2"))
    );
    // CLAIM 0 takes everything pending, oldest delivery first: 2-0 (t0+100),
    // then 1-0 and 3-0 (both delivered at t0+160, in ID order).
    clock.advance(5);
    let got = c
        .cmd(&[
            "XREADGROUP",
            "GROUP",
            "g",
            "c3",
            "CLAIM",
            "0",
            "STREAMS",
            "s",
            ">",
        ])
        .await;
    assert_eq!(
        got,
        format!(
            "*1\r\n*2\r\n$1\r\ns\r\n*3\r\n{}{}{}",
            entry("2-0", 65, 1),
            entry("1-0", 5, 2),
            entry("3-0", 5, 1)
        )
    );
    h.shutdown().await;
}

/// A blocked `XREADGROUP ... CLAIM` wakes when a pending entry becomes idle
/// enough (stream-cgroups.tcl "XREADGROUP CLAIM messages become claimable
/// during block"), and XNACK wakes it at once.
#[tokio::test]
async fn blocked_claim_wakes_on_idle_time_and_on_xnack() {
    let h = support::start().await;
    let mut c = Conn::open(h.local_addr()).await;
    let mut r = Conn::open(h.local_addr()).await;
    c.cmd(&["XADD", "s", "1-0", "f", "v"]).await;
    c.cmd(&["XGROUP", "CREATE", "s", "g", "0"]).await;
    c.cmd(&["XREADGROUP", "GROUP", "g", "c1", "STREAMS", "s", ">"])
        .await;
    let started = std::time::Instant::now();
    r.send(&[
        "XREADGROUP",
        "GROUP",
        "g",
        "c2",
        "BLOCK",
        "10000",
        "CLAIM",
        "300",
        "STREAMS",
        "s",
        ">",
    ])
    .await;
    let got = timeout(LONG, r.read()).await.expect("woken");
    let waited = started.elapsed();
    assert!(got.contains("1-0"), "{got}");
    assert!(
        waited >= Duration::from_millis(290),
        "claimed too early: {waited:?}"
    );
    assert!(waited < Duration::from_secs(5), "woke late: {waited:?}");
    // XNACK releases 1-0 (now c2's): a reader waiting with a long CLAIM gets it.
    r.send(&[
        "XREADGROUP",
        "GROUP",
        "g",
        "c3",
        "BLOCK",
        "10000",
        "CLAIM",
        "100000",
        "STREAMS",
        "s",
        ">",
    ])
    .await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(
        c.cmd(&["XNACK", "s", "g", "FAIL", "IDS", "1", "1-0"]).await,
        ":1\r\n"
    );
    let got = timeout(LONG, r.read()).await.expect("woken by XNACK");
    assert!(got.contains("1-0"), "{got}");
    let p = c.cmd(&["XPENDING", "s", "g"]).await;
    assert!(p.contains(&bulk("c3")), "{p}");
    h.shutdown().await;
}

/// XINFO STREAM FULL shows NACKed entries with consumer "" and delivery time
/// 0, and `nacked-count` once XNACK was used on the group.
#[tokio::test]
async fn xinfo_full_shows_nacked_entries() {
    let clock = Clock::fixed(T0);
    let h = start_on(&clock).await;
    let mut c = Conn::open(h.local_addr()).await;
    for id in ["1-0", "2-0"] {
        c.cmd(&["XADD", "s", id, "f", "v"]).await;
    }
    c.cmd(&["XGROUP", "CREATE", "s", "g", "0"]).await;
    c.cmd(&["XREADGROUP", "GROUP", "g", "c1", "STREAMS", "s", ">"])
        .await;
    let info = c.cmd(&["XINFO", "STREAM", "s", "FULL"]).await;
    assert!(
        !info.contains("nacked-count"),
        "7.x shape before XNACK: {info}"
    );
    c.cmd(&["XNACK", "s", "g", "FATAL", "IDS", "1", "2-0"])
        .await;
    let info = c.cmd(&["XINFO", "STREAM", "s", "FULL"]).await;
    assert!(
        info.contains(&format!(
            "{}:2\r\n{}:1\r\n",
            bulk("pel-count"),
            bulk("nacked-count")
        )),
        "{info}"
    );
    assert!(
        info.contains(&format!(
            "{}$0\r\n\r\n:0\r\n:9223372036854775807\r\n",
            bulk("2-0")
        )),
        "{info}"
    );
    assert!(
        info.contains(&format!("{}{}:{T0}\r\n:1\r\n", bulk("1-0"), bulk("c1"))),
        "{info}"
    );
    c.cmd(&["XACK", "s", "g", "2-0"]).await;
    let info = c.cmd(&["XINFO", "STREAM", "s", "FULL"]).await;
    assert!(
        info.contains(&format!("{}:0\r\n", bulk("nacked-count"))),
        "{info}"
    );
    h.shutdown().await;
}

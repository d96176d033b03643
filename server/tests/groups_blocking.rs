//! Consumer groups over real connections where replies depend on waiting or
//! on time: XREADGROUP BLOCK woken by XADD, distinct entries for several
//! blocked consumers, the errors a waiting client gets when its stream or
//! group goes away (Redis 7.4: the command runs again and answers as a fresh
//! call), deadlines kept across re-runs, and idle times read from the
//! injected clock.

use sluice_server::clock::Clock;
use sluice_server::Server;
use std::collections::HashSet;
use std::time::{Duration, Instant};
use tokio::time::sleep;

mod support;
use support::Conn;
/// Time given to a client to reach its blocked state.
const SETTLE: Duration = Duration::from_millis(100);

const T0: u64 = 1_700_000_000_000;

async fn start(clock: Option<&Clock>) -> sluice_server::ServerHandle {
    let mut b = Server::builder().port(0);
    if let Some(c) = clock {
        b = b.clock(c.clone());
    }
    b.bind().await.expect("bind").spawn()
}

fn entry_reply(key: &str, id: &str, f: &str, v: &str) -> String {
    format!(
        "*1\r\n*2\r\n${}\r\n{key}\r\n*1\r\n*2\r\n${}\r\n{id}\r\n*2\r\n${}\r\n{f}\r\n${}\r\n{v}\r\n",
        key.len(),
        id.len(),
        f.len(),
        v.len()
    )
}

const NOGROUP_S_G: &str =
    "-NOGROUP No such key 's' or consumer group 'g' in XREADGROUP with GROUP option\r\n";

#[tokio::test]
async fn xadd_wakes_a_blocked_reader_and_records_the_delivery() {
    let h = start(None).await;
    let mut c = Conn::open(h.local_addr()).await;
    let mut r = Conn::open(h.local_addr()).await;
    assert_eq!(
        c.cmd(&["XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"])
            .await,
        "+OK\r\n"
    );
    r.send(&[
        "XREADGROUP",
        "GROUP",
        "g",
        "alice",
        "BLOCK",
        "0",
        "STREAMS",
        "s",
        ">",
    ])
    .await;
    assert!(
        r.silent_for(SETTLE).await,
        "blocks while there is nothing new"
    );
    assert_eq!(
        c.cmd(&["XADD", "s", "1-1", "f", "v"]).await,
        "$3\r\n1-1\r\n"
    );
    assert_eq!(r.read_in_time().await, entry_reply("s", "1-1", "f", "v"));
    assert_eq!(
        c.cmd(&["XPENDING", "s", "g"]).await,
        "*4\r\n:1\r\n$3\r\n1-1\r\n$3\r\n1-1\r\n*1\r\n*2\r\n$5\r\nalice\r\n$1\r\n1\r\n"
    );
    h.shutdown().await;
}

#[tokio::test]
async fn several_blocked_consumers_get_distinct_entries() {
    let h = start(None).await;
    let mut c = Conn::open(h.local_addr()).await;
    assert_eq!(
        c.cmd(&["XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"])
            .await,
        "+OK\r\n"
    );
    let mut readers = Vec::new();
    for i in 0..4 {
        let mut r = Conn::open(h.local_addr()).await;
        let name = format!("c{i}");
        r.send(&[
            "XREADGROUP",
            "GROUP",
            "g",
            &name,
            "COUNT",
            "1",
            "BLOCK",
            "0",
            "STREAMS",
            "s",
            ">",
        ])
        .await;
        readers.push(r);
    }
    sleep(SETTLE).await;
    for i in 1..=4 {
        let id = format!("{i}-0");
        c.cmd(&["XADD", "s", &id, "f", "v"]).await;
    }
    let mut seen = HashSet::new();
    for r in readers.iter_mut() {
        let reply = r.read_in_time().await;
        let id = ["1-0", "2-0", "3-0", "4-0"]
            .into_iter()
            .find(|id| reply.contains(&format!("$3\r\n{id}\r\n")))
            .unwrap_or_else(|| panic!("one entry in {reply:?}"));
        assert!(seen.insert(id), "entry {id} delivered twice");
    }
    assert_eq!(seen.len(), 4);
    // Each entry is pending for exactly one consumer.
    assert!(c
        .cmd(&["XPENDING", "s", "g"])
        .await
        .starts_with("*4\r\n:4\r\n"));
    h.shutdown().await;
}

#[tokio::test]
async fn destroying_the_group_answers_nogroup() {
    let h = start(None).await;
    let mut c = Conn::open(h.local_addr()).await;
    let mut r = Conn::open(h.local_addr()).await;
    c.cmd(&["XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"])
        .await;
    r.send(&[
        "XREADGROUP",
        "GROUP",
        "g",
        "Alice",
        "BLOCK",
        "0",
        "STREAMS",
        "s",
        ">",
    ])
    .await;
    assert!(r.silent_for(SETTLE).await);
    assert_eq!(c.cmd(&["XGROUP", "DESTROY", "s", "g"]).await, ":1\r\n");
    assert_eq!(r.read_in_time().await, NOGROUP_S_G);
    h.shutdown().await;
}

#[tokio::test]
async fn deleting_or_replacing_the_stream_answers_as_a_fresh_call() {
    let h = start(None).await;
    let mut c = Conn::open(h.local_addr()).await;
    let mut r = Conn::open(h.local_addr()).await;

    c.cmd(&["XADD", "s", "666", "f", "v"]).await;
    c.cmd(&["XGROUP", "CREATE", "s", "g", "$"]).await;
    r.send(&[
        "XREADGROUP",
        "GROUP",
        "g",
        "Alice",
        "BLOCK",
        "0",
        "STREAMS",
        "s",
        ">",
    ])
    .await;
    assert!(r.silent_for(SETTLE).await);
    assert_eq!(c.cmd(&["DEL", "s"]).await, ":1\r\n");
    assert_eq!(r.read_in_time().await, NOGROUP_S_G);

    c.cmd(&["XADD", "s", "666", "f", "v"]).await;
    c.cmd(&["XGROUP", "CREATE", "s", "g", "$"]).await;
    r.send(&[
        "XREADGROUP",
        "GROUP",
        "g",
        "Alice",
        "BLOCK",
        "0",
        "STREAMS",
        "s",
        ">",
    ])
    .await;
    assert!(r.silent_for(SETTLE).await);
    assert_eq!(c.cmd(&["SET", "s", "val1"]).await, "+OK\r\n");
    assert_eq!(
        r.read_in_time().await,
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
    );
    h.shutdown().await;
}

#[tokio::test]
async fn flushall_answers_nogroup() {
    let h = start(None).await;
    let mut c = Conn::open(h.local_addr()).await;
    let mut r = Conn::open(h.local_addr()).await;
    c.cmd(&["XADD", "s", "666", "f", "v"]).await;
    c.cmd(&["XGROUP", "CREATE", "s", "g", "$"]).await;
    r.send(&[
        "XREADGROUP",
        "GROUP",
        "g",
        "Alice",
        "BLOCK",
        "0",
        "STREAMS",
        "s",
        ">",
    ])
    .await;
    assert!(r.silent_for(SETTLE).await);
    assert_eq!(c.cmd(&["FLUSHALL"]).await, "+OK\r\n");
    assert_eq!(r.read_in_time().await, NOGROUP_S_G);
    h.shutdown().await;
}

#[tokio::test]
async fn rename_brings_entries_or_nogroup() {
    let h = start(None).await;
    let mut c = Conn::open(h.local_addr()).await;
    let mut r = Conn::open(h.local_addr()).await;
    // The renamed stream has the group: its entries are served.
    c.cmd(&["XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"])
        .await;
    r.send(&[
        "XREADGROUP",
        "GROUP",
        "g",
        "Alice",
        "BLOCK",
        "0",
        "STREAMS",
        "s",
        ">",
    ])
    .await;
    assert!(r.silent_for(SETTLE).await);
    c.cmd(&["XGROUP", "CREATE", "s2", "g", "$", "MKSTREAM"])
        .await;
    c.cmd(&["XADD", "s2", "100", "f1", "v1"]).await;
    assert_eq!(c.cmd(&["RENAME", "s2", "s"]).await, "+OK\r\n");
    assert_eq!(
        r.read_in_time().await,
        entry_reply("s", "100-0", "f1", "v1")
    );
    // The renamed stream lacks the group: NOGROUP.
    r.send(&[
        "XREADGROUP",
        "GROUP",
        "g",
        "Alice",
        "BLOCK",
        "0",
        "STREAMS",
        "s",
        ">",
    ])
    .await;
    assert!(r.silent_for(SETTLE).await);
    c.cmd(&["XADD", "s3", "100", "f1", "v1"]).await;
    assert_eq!(c.cmd(&["RENAME", "s3", "s"]).await, "+OK\r\n");
    assert_eq!(r.read_in_time().await, NOGROUP_S_G);
    h.shutdown().await;
}

#[tokio::test]
async fn a_reader_that_loses_the_race_keeps_its_original_deadline() {
    let h = start(None).await;
    let mut c = Conn::open(h.local_addr()).await;
    c.cmd(&["XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"])
        .await;
    let mut first = Conn::open(h.local_addr()).await;
    first
        .send(&[
            "XREADGROUP",
            "GROUP",
            "g",
            "a",
            "BLOCK",
            "0",
            "STREAMS",
            "s",
            ">",
        ])
        .await;
    sleep(SETTLE).await;
    let mut second = Conn::open(h.local_addr()).await;
    let started = Instant::now();
    second
        .send(&[
            "XREADGROUP",
            "GROUP",
            "g",
            "b",
            "BLOCK",
            "1000",
            "STREAMS",
            "s",
            ">",
        ])
        .await;
    sleep(Duration::from_millis(500)).await;
    // One entry: one reader gets it, the other runs again, finds nothing and
    // must still time out 1000 ms after it first blocked, not 1000 ms after now.
    c.cmd(&["XADD", "s", "1-1", "f", "v"]).await;
    let (winner_first, other) = tokio::select! {
        r = first.read() => (true, r),
        r = second.read() => (false, r),
    };
    assert_eq!(other, entry_reply("s", "1-1", "f", "v"));
    if winner_first {
        assert_eq!(second.read_in_time().await, "*-1\r\n");
        let waited = started.elapsed();
        assert!(
            waited >= Duration::from_millis(1000),
            "timed out early: {waited:?}"
        );
        // A reset deadline would end at 500 + 1000 = 1500 ms.
        assert!(
            waited < Duration::from_millis(1400),
            "deadline was reset: {waited:?}"
        );
    } else {
        // The second reader won; the first waits on (BLOCK 0).
        assert!(first.silent_for(SETTLE).await);
    }
    h.shutdown().await;
}

#[tokio::test]
async fn block_inside_multi_does_not_block() {
    let h = start(None).await;
    let mut c = Conn::open(h.local_addr()).await;
    c.cmd(&["XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"])
        .await;
    assert_eq!(c.cmd(&["MULTI"]).await, "+OK\r\n");
    assert_eq!(
        c.cmd(&[
            "XREADGROUP",
            "GROUP",
            "g",
            "c",
            "BLOCK",
            "0",
            "STREAMS",
            "s",
            ">"
        ])
        .await,
        "+QUEUED\r\n"
    );
    assert_eq!(c.cmd(&["EXEC"]).await, "*1\r\n*-1\r\n");
    h.shutdown().await;
}

#[tokio::test]
async fn idle_times_come_from_the_server_clock() {
    let clock = Clock::fixed(T0);
    let h = start(Some(&clock)).await;
    let mut c = Conn::open(h.local_addr()).await;
    c.cmd(&["XADD", "s", "1-1", "f", "v"]).await;
    c.cmd(&["XADD", "s", "2-1", "f", "v"]).await;
    c.cmd(&["XGROUP", "CREATE", "s", "g", "0"]).await;
    c.cmd(&["XREADGROUP", "GROUP", "g", "dead", "STREAMS", "s", ">"])
        .await;
    clock.advance(5_000);
    assert_eq!(
        c.cmd(&["XPENDING", "s", "g", "-", "+", "10"]).await,
        "*2\r\n*4\r\n$3\r\n1-1\r\n$4\r\ndead\r\n:5000\r\n:1\r\n*4\r\n$3\r\n2-1\r\n$4\r\ndead\r\n:5000\r\n:1\r\n"
    );
    assert_eq!(
        c.cmd(&["XPENDING", "s", "g", "IDLE", "5001", "-", "+", "10"])
            .await,
        "*0\r\n"
    );
    // Not idle long enough yet, then claimed once the clock moves on.
    assert_eq!(
        c.cmd(&["XAUTOCLAIM", "s", "g", "alive", "6000", "0", "JUSTID"])
            .await,
        "*3\r\n$3\r\n0-0\r\n*0\r\n*0\r\n"
    );
    clock.advance(1_000);
    assert_eq!(
        c.cmd(&["XAUTOCLAIM", "s", "g", "alive", "6000", "0", "COUNT", "1"])
            .await,
        "*3\r\n$3\r\n2-1\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*0\r\n"
    );
    clock.advance(250);
    assert_eq!(
        c.cmd(&["XPENDING", "s", "g", "-", "+", "1"]).await,
        "*1\r\n*4\r\n$3\r\n1-1\r\n$5\r\nalive\r\n:250\r\n:2\r\n"
    );
    // XINFO CONSUMERS: idle since the last attempt, inactive since the last claim.
    let info = c.cmd(&["XINFO", "CONSUMERS", "s", "g"]).await;
    assert_eq!(
        info,
        "*2\r\n\
         *8\r\n$4\r\nname\r\n$5\r\nalive\r\n$7\r\npending\r\n:1\r\n$4\r\nidle\r\n:250\r\n$8\r\ninactive\r\n:250\r\n\
         *8\r\n$4\r\nname\r\n$4\r\ndead\r\n$7\r\npending\r\n:1\r\n$4\r\nidle\r\n:6250\r\n$8\r\ninactive\r\n:6250\r\n"
    );
    h.shutdown().await;
}

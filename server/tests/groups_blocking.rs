//! Consumer groups over real connections where replies depend on waiting or
//! on time: XREADGROUP BLOCK woken by XADD, distinct entries for several
//! blocked consumers served in the order they blocked (also when one is
//! killed, hangs up or times out), XREAD readers on the same key all served,
//! the errors a waiting client gets when its stream or
//! group goes away (Redis 7.4: the command runs again and answers as a fresh
//! call), deadlines kept across re-runs, and idle times read from the
//! injected clock.

use sluice_server::clock::Clock;
use std::collections::HashSet;
use std::time::{Duration, Instant};
use tokio::time::sleep;

mod support;
use support::Conn;
/// Time given to a client to reach its blocked state.
const SETTLE: Duration = Duration::from_millis(100);

const T0: u64 = 1_700_000_000_000;

async fn start(clock: Option<&Clock>) -> sluice_server::ServerHandle {
    match clock {
        Some(c) => support::start_on(c).await,
        None => support::start().await,
    }
}

/// `XREADGROUP GROUP g <consumer> BLOCK 0 STREAMS s >`, reply not read.
async fn block_read(r: &mut Conn, consumer: &str) {
    r.send(&[
        "XREADGROUP",
        "GROUP",
        "g",
        consumer,
        "BLOCK",
        "0",
        "STREAMS",
        "s",
        ">",
    ])
    .await;
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
    block_read(&mut r, "alice").await;
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
    let mut readers = block_consumers(&h, &mut c, 4, Some("1")).await;
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
    block_read(&mut r, "Alice").await;
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
    block_read(&mut r, "Alice").await;
    assert!(r.silent_for(SETTLE).await);
    assert_eq!(c.cmd(&["DEL", "s"]).await, ":1\r\n");
    assert_eq!(r.read_in_time().await, NOGROUP_S_G);

    c.cmd(&["XADD", "s", "666", "f", "v"]).await;
    c.cmd(&["XGROUP", "CREATE", "s", "g", "$"]).await;
    block_read(&mut r, "Alice").await;
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
    block_read(&mut r, "Alice").await;
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
    block_read(&mut r, "Alice").await;
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
    block_read(&mut r, "Alice").await;
    assert!(r.silent_for(SETTLE).await);
    c.cmd(&["XADD", "s3", "100", "f1", "v1"]).await;
    assert_eq!(c.cmd(&["RENAME", "s3", "s"]).await, "+OK\r\n");
    assert_eq!(r.read_in_time().await, NOGROUP_S_G);
    h.shutdown().await;
}

#[tokio::test]
async fn a_later_waiter_keeps_its_original_deadline() {
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
            "1500",
            "STREAMS",
            "s",
            ">",
        ])
        .await;
    sleep(Duration::from_millis(1200)).await;
    // One entry: the first reader (it blocked first) gets it; the second runs
    // again, finds nothing and must still time out 1500 ms after it first
    // blocked, not 1500 ms after now (wide margins: CI machines are busy).
    c.cmd(&["XADD", "s", "1-1", "f", "v"]).await;
    assert_eq!(
        first.read_in_time().await,
        entry_reply("s", "1-1", "f", "v")
    );
    assert_eq!(second.read_in_time().await, "*-1\r\n");
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(1500),
        "timed out early: {waited:?}"
    );
    // A reset deadline would end at 1200 + 1500 = 2700 ms.
    assert!(
        waited < Duration::from_millis(2400),
        "deadline was reset: {waited:?}"
    );
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

// ---------------------------------------------------------------------------
// Order: clients blocked on a key are served in the order they blocked
// (Redis's blocked.c walks the key's list of blocked clients head to tail).
// Each test waits for INFO's blocked_clients to reach the expected count
// before the next client blocks, so the registration order is known without
// relying on sleeps.
// ---------------------------------------------------------------------------

/// Waits until the server counts `n` blocked clients.
async fn wait_blocked(c: &mut Conn, n: usize) {
    let want = format!("blocked_clients:{n}\r\n");
    // Boxed: the reply buffers make these futures large for a test thread's stack.
    let waited = Box::pin(tokio::time::timeout(support::LONG, async {
        loop {
            if c.cmd(&["INFO", "clients"]).await.contains(&want) {
                return;
            }
            sleep(Duration::from_millis(5)).await;
        }
    }))
    .await;
    assert!(waited.is_ok(), "never reached {n} blocked clients");
}

/// Opens `n` connections that block in turn, in that order, as consumers
/// `c0`, `c1`, ... of group `g` on `s` (with `COUNT count` when given).
async fn block_consumers(
    h: &sluice_server::ServerHandle,
    admin: &mut Conn,
    n: usize,
    count: Option<&str>,
) -> Vec<Conn> {
    let names: Vec<String> = (0..n).map(|i| format!("c{i}")).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    block_consumers_named(h, admin, &names, count, 0).await
}

/// The reply to `XREADGROUP ... STREAMS s >` serving entries `ids` (fields `f v`).
fn entries_reply(ids: &[&str]) -> String {
    let mut out = format!("*1\r\n*2\r\n$1\r\ns\r\n*{}\r\n", ids.len());
    for id in ids {
        out.push_str(&format!(
            "*2\r\n${}\r\n{id}\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n",
            id.len()
        ));
    }
    out
}

#[tokio::test]
async fn blocked_consumers_are_served_in_the_order_they_blocked() {
    let h = start(None).await;
    let mut c = Conn::open(h.local_addr()).await;
    c.cmd(&["XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"])
        .await;
    let mut readers = block_consumers(&h, &mut c, 6, None).await;
    // One entry at a time: the oldest waiter gets it, the others wait on.
    for (i, r) in readers.iter_mut().enumerate() {
        let id = format!("{}-1", i + 1);
        c.cmd(&["XADD", "s", &id, "f", "v"]).await;
        assert_eq!(r.read_in_time().await, entries_reply(&[&id]), "reader c{i}");
        wait_blocked(&mut c, 5 - i).await;
    }
    h.shutdown().await;
}

#[tokio::test]
async fn entries_added_in_one_transaction_go_to_waiters_in_order() {
    let h = start(None).await;
    let mut c = Conn::open(h.local_addr()).await;
    c.cmd(&["XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"])
        .await;
    let mut readers = block_consumers(&h, &mut c, 5, Some("1")).await;
    // First one entry: c0 only.
    c.cmd(&["XADD", "s", "1-1", "f", "v"]).await;
    assert_eq!(readers[0].read_in_time().await, entries_reply(&["1-1"]));
    // Then three at once: c1, c2, c3 one each, in order; c4 keeps waiting.
    c.cmd(&["MULTI"]).await;
    for id in ["2-1", "3-1", "4-1"] {
        c.cmd(&["XADD", "s", id, "f", "v"]).await;
    }
    assert!(c.cmd(&["EXEC"]).await.starts_with("*3\r\n"));
    for (i, id) in ["2-1", "3-1", "4-1"].iter().enumerate() {
        assert_eq!(
            readers[i + 1].read_in_time().await,
            entries_reply(&[id]),
            "reader c{}",
            i + 1
        );
    }
    wait_blocked(&mut c, 1).await;
    c.cmd(&["XADD", "s", "5-1", "f", "v"]).await;
    assert_eq!(readers[4].read_in_time().await, entries_reply(&["5-1"]));
    h.shutdown().await;
}

#[tokio::test]
async fn the_first_waiter_without_count_takes_every_new_entry() {
    let h = start(None).await;
    let mut c = Conn::open(h.local_addr()).await;
    c.cmd(&["XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"])
        .await;
    let mut readers = block_consumers(&h, &mut c, 3, None).await;
    c.cmd(&["MULTI"]).await;
    c.cmd(&["XADD", "s", "1-1", "f", "v"]).await;
    c.cmd(&["XADD", "s", "2-1", "f", "v"]).await;
    c.cmd(&["EXEC"]).await;
    assert_eq!(
        readers[0].read_in_time().await,
        entries_reply(&["1-1", "2-1"])
    );
    wait_blocked(&mut c, 2).await;
    c.cmd(&["XADD", "s", "3-1", "f", "v"]).await;
    assert_eq!(readers[1].read_in_time().await, entries_reply(&["3-1"]));
    assert!(readers[2].silent_for(SETTLE).await);
    h.shutdown().await;
}

#[tokio::test]
async fn a_killed_waiter_gives_up_its_place() {
    let h = start(None).await;
    let mut c = Conn::open(h.local_addr()).await;
    c.cmd(&["XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"])
        .await;
    let mut ids = Vec::new();
    let mut readers = Vec::new();
    for i in 0..4 {
        let mut r = Conn::open(h.local_addr()).await;
        let id = r.cmd(&["CLIENT", "ID"]).await;
        ids.push(id.trim_start_matches(':').trim_end().to_string());
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
        wait_blocked(&mut c, i + 1).await;
        readers.push(r);
    }
    // Kill the oldest waiter and one in the middle; the write comes right
    // after the kill, with no wait for the killed connections to wind down.
    assert_eq!(c.cmd(&["CLIENT", "KILL", "ID", &ids[0]]).await, ":1\r\n");
    assert_eq!(c.cmd(&["CLIENT", "KILL", "ID", &ids[2]]).await, ":1\r\n");
    c.cmd(&["XADD", "s", "1-1", "f", "v"]).await;
    assert_eq!(readers[1].read_in_time().await, entries_reply(&["1-1"]));
    c.cmd(&["XADD", "s", "2-1", "f", "v"]).await;
    assert_eq!(readers[3].read_in_time().await, entries_reply(&["2-1"]));
    // The killed consumers read nothing.
    assert_eq!(
        c.cmd(&["XPENDING", "s", "g"]).await,
        "*4\r\n:2\r\n$3\r\n1-1\r\n$3\r\n2-1\r\n*2\r\n*2\r\n$2\r\nc1\r\n$1\r\n1\r\n*2\r\n$2\r\nc3\r\n$1\r\n1\r\n"
    );
    h.shutdown().await;
}

#[tokio::test]
async fn a_disconnected_waiter_leaves_the_queue() {
    let h = start(None).await;
    let mut c = Conn::open(h.local_addr()).await;
    c.cmd(&["XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"])
        .await;
    let mut readers = block_consumers(&h, &mut c, 3, Some("1")).await;
    // The oldest waiter hangs up: the server notices while it waits, as Redis
    // does, and the entry goes to the next one instead of a dead socket.
    drop(readers.remove(0));
    wait_blocked(&mut c, 2).await;
    c.cmd(&["XADD", "s", "1-1", "f", "v"]).await;
    assert_eq!(readers[0].read_in_time().await, entries_reply(&["1-1"]));
    assert_eq!(
        c.cmd(&["XPENDING", "s", "g"]).await,
        "*4\r\n:1\r\n$3\r\n1-1\r\n$3\r\n1-1\r\n*1\r\n*2\r\n$2\r\nc1\r\n$1\r\n1\r\n"
    );
    h.shutdown().await;
}

#[tokio::test]
async fn a_waiter_that_times_out_leaves_the_queue() {
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
            "c0",
            "BLOCK",
            "1000",
            "STREAMS",
            "s",
            ">",
        ])
        .await;
    wait_blocked(&mut c, 1).await;
    let mut rest = block_consumers_named(&h, &mut c, &["c1", "c2"], None, 1).await;
    assert_eq!(first.read_in_time().await, "*-1\r\n");
    c.cmd(&["XADD", "s", "1-1", "f", "v"]).await;
    assert_eq!(rest[0].read_in_time().await, entries_reply(&["1-1"]));
    c.cmd(&["XADD", "s", "2-1", "f", "v"]).await;
    assert_eq!(rest[1].read_in_time().await, entries_reply(&["2-1"]));
    h.shutdown().await;
}

/// Like [`block_consumers`] with given names, when `already` clients are blocked.
async fn block_consumers_named(
    h: &sluice_server::ServerHandle,
    admin: &mut Conn,
    names: &[&str],
    count: Option<&str>,
    already: usize,
) -> Vec<Conn> {
    let mut readers = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let mut r = Conn::open(h.local_addr()).await;
        let mut args = vec!["XREADGROUP", "GROUP", "g", name];
        if let Some(c) = count {
            args.extend(["COUNT", c]);
        }
        args.extend(["BLOCK", "0", "STREAMS", "s", ">"]);
        r.send(&args).await;
        wait_blocked(admin, already + i + 1).await;
        readers.push(r);
    }
    readers
}

#[tokio::test]
async fn xread_readers_all_get_the_entry_while_consumers_take_turns() {
    let h = start(None).await;
    let mut c = Conn::open(h.local_addr()).await;
    c.cmd(&["XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"])
        .await;
    let mut consumers = block_consumers(&h, &mut c, 2, None).await;
    let mut xreaders = Vec::new();
    for i in 0..4 {
        let mut r = Conn::open(h.local_addr()).await;
        r.send(&["XREAD", "BLOCK", "0", "STREAMS", "s", "$"]).await;
        wait_blocked(&mut c, 3 + i).await;
        xreaders.push(r);
    }
    c.cmd(&["XADD", "s", "1-1", "f", "v"]).await;
    for r in xreaders.iter_mut() {
        assert_eq!(r.read_in_time().await, entries_reply(&["1-1"]));
    }
    assert_eq!(consumers[0].read_in_time().await, entries_reply(&["1-1"]));
    assert!(consumers[1].silent_for(SETTLE).await);
    c.cmd(&["XADD", "s", "2-1", "f", "v"]).await;
    assert_eq!(consumers[1].read_in_time().await, entries_reply(&["2-1"]));
    h.shutdown().await;
}

#[tokio::test]
async fn consumers_of_two_groups_each_take_turns_within_their_group() {
    let h = start(None).await;
    let mut c = Conn::open(h.local_addr()).await;
    c.cmd(&["XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"])
        .await;
    c.cmd(&["XGROUP", "CREATE", "s", "h", "$"]).await;
    // Interleaved: g/a0, h/b0, g/a1, h/b1.
    let mut readers = Vec::new();
    for (i, (group, name)) in [("g", "a0"), ("h", "b0"), ("g", "a1"), ("h", "b1")]
        .into_iter()
        .enumerate()
    {
        let mut r = Conn::open(h.local_addr()).await;
        r.send(&[
            "XREADGROUP",
            "GROUP",
            group,
            name,
            "COUNT",
            "1",
            "BLOCK",
            "0",
            "STREAMS",
            "s",
            ">",
        ])
        .await;
        wait_blocked(&mut c, i + 1).await;
        readers.push(r);
    }
    c.cmd(&["MULTI"]).await;
    c.cmd(&["XADD", "s", "1-1", "f", "v"]).await;
    c.cmd(&["XADD", "s", "2-1", "f", "v"]).await;
    c.cmd(&["EXEC"]).await;
    assert_eq!(readers[0].read_in_time().await, entries_reply(&["1-1"]));
    assert_eq!(readers[1].read_in_time().await, entries_reply(&["1-1"]));
    assert_eq!(readers[2].read_in_time().await, entries_reply(&["2-1"]));
    assert_eq!(readers[3].read_in_time().await, entries_reply(&["2-1"]));
    h.shutdown().await;
}

#[tokio::test]
async fn replies_before_a_blocking_command_are_sent_while_it_waits() {
    let h = start(None).await;
    let mut c = Conn::open(h.local_addr()).await;
    c.cmd(&["XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"])
        .await;
    let mut r = Conn::open(h.local_addr()).await;
    // One write: XLEN, then a read that blocks, then commands queued behind it.
    let mut batch = Vec::new();
    for cmd in [
        &["XLEN", "s"][..],
        &[
            "XREADGROUP",
            "GROUP",
            "g",
            "c0",
            "BLOCK",
            "0",
            "STREAMS",
            "s",
            ">",
        ],
        &["XPENDING", "s", "g"],
        &[
            "XREADGROUP",
            "GROUP",
            "g",
            "c0",
            "BLOCK",
            "0",
            "STREAMS",
            "s",
            ">",
        ],
    ] {
        batch.push(format!("*{}\r\n", cmd.len()));
        for a in cmd {
            batch.push(format!("${}\r\n{a}\r\n", a.len()));
        }
    }
    use tokio::io::AsyncWriteExt;
    r.sock.write_all(batch.concat().as_bytes()).await.unwrap();
    assert_eq!(r.read_in_time().await, ":0\r\n");
    wait_blocked(&mut c, 1).await;
    c.cmd(&["XADD", "s", "1-1", "f", "v"]).await;
    assert_eq!(r.read_in_time().await, entries_reply(&["1-1"]));
    // The XPENDING behind it runs and is answered while the next read blocks.
    assert_eq!(
        r.read_in_time().await,
        "*4\r\n:1\r\n$3\r\n1-1\r\n$3\r\n1-1\r\n*1\r\n*2\r\n$2\r\nc0\r\n$1\r\n1\r\n"
    );
    wait_blocked(&mut c, 1).await;
    c.cmd(&["XADD", "s", "2-1", "f", "v"]).await;
    assert_eq!(r.read_in_time().await, entries_reply(&["2-1"]));
    h.shutdown().await;
}

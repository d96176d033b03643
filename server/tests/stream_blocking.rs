//! XREAD BLOCK over real connections: wake-ups by writers on other
//! connections, timeouts, and keys that vanish or change type while a reader
//! waits. Time bounds are generous upper limits only.

use sluice_server::Server;
use std::time::Duration;
use tokio::io::AsyncReadExt;
use tokio::time::timeout;

mod support;
use support::{Conn, LONG};

async fn start() -> sluice_server::ServerHandle {
    Server::builder()
        .port(0)
        .bind()
        .await
        .expect("bind")
        .spawn()
}

/// Gives a reader that was just sent XREAD BLOCK time to reach its wait. The
/// tests stay correct if it is too short: the command re-checks the stream
/// after registering, so an early write is seen either way.
async fn settle() {
    tokio::time::sleep(Duration::from_millis(50)).await;
}

#[tokio::test]
async fn woken_by_xadd_from_another_connection() {
    let h = start().await;
    let mut reader = Conn::open(h.local_addr()).await;
    let mut writer = Conn::open(h.local_addr()).await;
    writer.cmd(&["XADD", "s", "1-1", "a", "1"]).await;
    reader
        .send(&["XREAD", "BLOCK", "0", "STREAMS", "s", "$"])
        .await;
    settle().await;
    assert_eq!(
        writer.cmd(&["XADD", "s", "2-1", "b", "2"]).await,
        "$3\r\n2-1\r\n"
    );
    let got = timeout(LONG, reader.read()).await.expect("woken");
    assert_eq!(
        got,
        "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n"
    );
    h.shutdown().await;
}

#[tokio::test]
async fn timeout_returns_null_array() {
    let h = start().await;
    let mut reader = Conn::open(h.local_addr()).await;
    let got = reader
        .cmd(&["XREAD", "BLOCK", "30", "STREAMS", "s", "$"])
        .await;
    assert_eq!(got, "*-1\r\n");
    // The connection still works afterwards.
    assert_eq!(reader.cmd(&["XLEN", "s"]).await, ":0\r\n");
    h.shutdown().await;
}

#[tokio::test]
async fn deleted_key_keeps_waiting_for_a_new_stream() {
    let h = start().await;
    let mut reader = Conn::open(h.local_addr()).await;
    let mut writer = Conn::open(h.local_addr()).await;
    writer.cmd(&["XADD", "s", "5-1", "a", "1"]).await;
    reader
        .send(&["XREAD", "BLOCK", "0", "STREAMS", "s", "$"])
        .await;
    settle().await;
    assert_eq!(writer.cmd(&["DEL", "s"]).await, ":1\r\n");
    // An entry at or below the `$` the reader resolved (5-1) is not news.
    writer.cmd(&["XADD", "s", "3-1", "old", "x"]).await;
    settle().await;
    writer.cmd(&["XADD", "s", "6-1", "new", "y"]).await;
    let got = timeout(LONG, reader.read()).await.expect("woken");
    assert!(got.contains("6-1") && !got.contains("3-1"), "{got}");
    h.shutdown().await;
}

#[tokio::test]
async fn type_change_keeps_waiting_until_timeout() {
    let h = start().await;
    let mut reader = Conn::open(h.local_addr()).await;
    let mut writer = Conn::open(h.local_addr()).await;
    writer.cmd(&["XADD", "s", "1-1", "a", "1"]).await;
    reader
        .send(&["XREAD", "BLOCK", "200", "STREAMS", "s", "$"])
        .await;
    settle().await;
    writer.cmd(&["DEL", "s"]).await;
    assert_eq!(writer.cmd(&["SET", "s", "x"]).await, "+OK\r\n");
    let got = timeout(LONG, reader.read()).await.expect("timed out");
    assert_eq!(got, "*-1\r\n");
    // Outside a wait, the wrong type is an error.
    let got = reader.cmd(&["XREAD", "STREAMS", "s", "0"]).await;
    assert!(got.starts_with("-WRONGTYPE"), "{got}");
    h.shutdown().await;
}

#[tokio::test]
async fn many_readers_one_writer() {
    let h = start().await;
    let mut readers = Vec::new();
    for _ in 0..8 {
        let mut r = Conn::open(h.local_addr()).await;
        r.send(&["XREAD", "COUNT", "1", "BLOCK", "0", "STREAMS", "s", "0"])
            .await;
        readers.push(r);
    }
    settle().await;
    let mut writer = Conn::open(h.local_addr()).await;
    writer.cmd(&["XADD", "s", "1-1", "a", "1"]).await;
    for r in &mut readers {
        let got = timeout(LONG, r.read()).await.expect("woken");
        assert!(got.contains("1-1"), "{got}");
    }
    h.shutdown().await;
}

#[tokio::test]
async fn blocked_reader_does_not_stop_shutdown() {
    let h = start().await;
    let mut reader = Conn::open(h.local_addr()).await;
    reader
        .send(&["XREAD", "BLOCK", "0", "STREAMS", "s", "$"])
        .await;
    settle().await;
    timeout(LONG, h.shutdown())
        .await
        .expect("shutdown completes");
}

#[tokio::test]
async fn client_kill_of_a_blocked_reader() {
    let h = start().await;
    let mut reader = Conn::open(h.local_addr()).await;
    let mut other = Conn::open(h.local_addr()).await;
    let id = reader.cmd(&["CLIENT", "ID"]).await;
    let id = id.trim_start_matches(':').trim_end().to_string();
    reader
        .send(&["XREAD", "BLOCK", "0", "STREAMS", "s", "$"])
        .await;
    settle().await;
    assert_eq!(other.cmd(&["CLIENT", "KILL", "ID", &id]).await, ":1\r\n");
    // The killed reader's connection closes without a reply.
    let mut tmp = [0u8; 64];
    let n = timeout(LONG, reader.sock.read(&mut tmp))
        .await
        .expect("closed in time")
        .unwrap_or(0);
    assert_eq!(n, 0, "got {:?}", &tmp[..n]);
    // Writers and new readers are unaffected.
    assert_eq!(
        other.cmd(&["XADD", "s", "1-1", "a", "1"]).await,
        "$3\r\n1-1\r\n"
    );
    let got = other
        .cmd(&["XREAD", "BLOCK", "0", "STREAMS", "s", "0"])
        .await;
    assert!(got.contains("1-1"), "{got}");
    h.shutdown().await;
}
